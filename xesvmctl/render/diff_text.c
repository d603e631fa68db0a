// SPDX-License-Identifier: MIT
/*
 * The diff text renderer: the human view of a diff (keys in
 * xesvm-json(7), DIFF). Counters as signed deltas with unchanged ones
 * left out, then per collection the objects added, removed and changed,
 * one line each. The range entries are streamed, one at a time in memory:
 * the diff of two snapshots of a million ranges may have tens of
 * thousands.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "diff_text.h"

static bool is_address_key(const char *key)
{
	return strcmp(key, "start") == 0 || strcmp(key, "end") == 0 ||
	       strcmp(key, "notifier_start") == 0 || strcmp(key, "notifier_end") == 0;
}

/* Text of a value in a diff line: room for a range's four page sets. */
#define DIFF_VALUE_MAX 1024

/*
 * A value as text: hex addresses, "-" for null, arrays joined by ",", an
 * object (a range's page set) as "{device 0, flags has_dma_mapping, ...}".
 */
static void fmt_value(char *buf, size_t size, const char *key, const json_t *v)
{
	size_t used = 0, i;
	const char *member_key;
	json_t *item;

	switch (json_typeof(v)) {
	case JSON_INTEGER:
		if (is_address_key(key))
			fmt_addr(buf, size, (uint64_t)json_integer_value(v));
		else
			snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_STRING:
		fmt_text(buf, size, json_string_value(v));
		break;
	case JSON_ARRAY:
		buf[0] = '\0';
		json_array_foreach(v, i, item) {
			char one[DIFF_VALUE_MAX];

			fmt_value(one, sizeof(one), key, item);
			cell_appendf(buf, size, &used, ",", "%s", one);
		}
		if (!buf[0])
			snprintf(buf, size, "-");
		break;
	case JSON_OBJECT: {
		char members[DIFF_VALUE_MAX] = "";

		json_object_foreach((json_t *)v, member_key, item) {
			char one[DIFF_VALUE_MAX];

			fmt_value(one, sizeof(one), member_key, item);
			cell_appendf(members, sizeof(members), &used, ", ", "%s %s", member_key, one);
		}
		snprintf(buf, size, "{%s}", members);
		break;
	}
	case JSON_TRUE:
	case JSON_FALSE:
		snprintf(buf, size, "%s", json_is_true(v) ? "true" : "false");
		break;
	case JSON_REAL:
		snprintf(buf, size, "%g", json_real_value(v));
		break;
	default:
		snprintf(buf, size, "-");
		break;
	}
}

/* "device 0 vm 5 start 0x7fa1..." from an object's scalar members. */
static void print_object_line(FILE *out, const json_t *obj)
{
	const char *key;
	json_t *v;
	bool first = true;

	json_object_foreach((json_t *)obj, key, v) {
		char text[DIFF_VALUE_MAX];

		if (json_is_object(v))
			continue;	/* nested detail: see -j */
		fmt_value(text, sizeof(text), key, v);
		fprintf(out, "%s%s %s", first ? "" : "  ", key, text);
		first = false;
	}
}

/* Non-zero integer leaves under @v, as "path +delta". */
static bool print_deltas(FILE *out, const json_t *v, char *path, size_t len,
			 size_t size, bool any)
{
	const char *key;
	json_t *child;

	json_object_foreach((json_t *)v, key, child) {
		size_t l = len;

		if (l < size)
			l += snprintf(path + l, size - l, "%s%s", len ? "." : "", key);
		if (json_is_object(child)) {
			any = print_deltas(out, child, path, l < size ? l : size - 1,
					   size, any);
		} else if (json_is_integer(child) && json_integer_value(child) != 0) {
			fprintf(out, "    %s %+" JSON_INTEGER_FORMAT "\n", path,
				json_integer_value(child));
			any = true;
		}
		path[len] = '\0';
	}
	return any;
}

static bool print_counters(FILE *out, const json_t *counters)
{
	const char *coll;
	json_t *items;
	bool printed = false;

	json_object_foreach((json_t *)counters, coll, items) {
		size_t i;
		json_t *item;

		json_array_foreach(items, i, item) {
			char path[256] = "";
			const char *key;
			json_t *v;
			long pos;

			/* Label from the identifying scalars, deltas below it. */
			pos = ftell(out);
			fprintf(out, "  %s", coll);
			json_object_foreach(item, key, v)
				if (!json_is_object(v)) {
					char text[64];

					fmt_value(text, sizeof(text), key, v);
					fprintf(out, "  %s %s", key, text);
				}
			fputc('\n', out);
			json_t *deltas = json_object();

			json_object_foreach(item, key, v)
				if (json_is_object(v))
					json_object_set(deltas, key, v);
			if (!print_deltas(out, deltas, path, 0, sizeof(path), false)) {
				/* Nothing moved: take the label back when we can. */
				if (pos >= 0 && fseek(out, pos, SEEK_SET) == 0) {
					json_decref(deltas);
					continue;
				}
				fprintf(out, "    (unchanged)\n");
			}
			json_decref(deltas);
			printed = true;
		}
	}
	return printed;
}

static void print_changes(FILE *out, const json_t *entry)
{
	json_t *changes = json_object_get(entry, "changes");
	const char *key;
	json_t *v;

	fputs("    ", out);
	print_object_line(out, json_object_get(entry, "key"));
	fputc('\n', out);
	json_object_foreach(changes, key, v) {
		char before[DIFF_VALUE_MAX], after[DIFF_VALUE_MAX];

		fmt_value(before, sizeof(before), key, json_object_get(v, "before"));
		fmt_value(after, sizeof(after), key, json_object_get(v, "after"));
		fprintf(out, "      %s: %s -> %s\n", key, before, after);
	}
}

static const char *const diff_parts[] = {
	[XESVM_DIFF_ADDED] = "added",
	[XESVM_DIFF_REMOVED] = "removed",
	[XESVM_DIFF_CHANGED] = "changed",
};

/* "COLLECTION PART: N" and one line per object added or removed, per object changed its changes. */
static void print_list_head(FILE *out, const char *collection, size_t part, size_t n)
{
	fprintf(out, "\n%s %s: %zu\n", collection, diff_parts[part], n);
}

static void print_list_entry(FILE *out, size_t part, const json_t *item)
{
	if (part == XESVM_DIFF_CHANGED) {
		print_changes(out, item);
		return;
	}
	fputs("    ", out);
	print_object_line(out, item);
	fputc('\n', out);
}

/*
 * The lists of a diff's "ranges", walked (@d) rather than held: counted
 * first for their heading. Whether any was printed; -1 when out of memory.
 */
static int print_range_lists(FILE *out, struct xesvm_range_diff *d, struct xesvm_error *err)
{
	bool any = false;

	for (size_t p = 0; p < sizeof(diff_parts) / sizeof(diff_parts[0]); p++) {
		size_t n = xesvm_range_diff_count(d, (enum xesvm_diff_part)p);
		json_t *item;
		int rc;

		if (!n)
			continue;
		print_list_head(out, "ranges", p, n);
		while ((rc = xesvm_range_diff_next(d, &item, err)) > 0) {
			print_list_entry(out, p, item);
			json_decref(item);
		}
		if (rc < 0)
			return -1;
		any = true;
	}
	return any;
}

/* The human diff: @head (xesvm_model_diff_head()) and the range entries of @d. */
static int print_diff(FILE *out, const json_t *head, struct xesvm_range_diff *d,
		      struct xesvm_error *err)
{
	const char *key;
	json_t *v;
	bool any = false;

	fprintf(out, "from %s (%s)\nto   %s (%s)\n",
		json_get_str(json_object_get(head, "from"), "captured_at") ?: "-",
		json_get_str(json_object_get(head, "from"), "generator") ?: "-",
		json_get_str(json_object_get(head, "to"), "captured_at") ?: "-",
		json_get_str(json_object_get(head, "to"), "generator") ?: "-");
	fflush(out);
	if (json_is_object(json_object_get(head, "counters"))) {
		/*
		 * The label of a counter set is printed before we know whether
		 * anything in it moved; print to a memory buffer so an unmoved
		 * set can be dropped.
		 */
		char *buf = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&buf, &len);

		if (mem) {
			bool printed = print_counters(mem, json_object_get(head, "counters"));

			fflush(mem);
			len = (size_t)ftell(mem);
			fclose(mem);
			if (printed && len) {
				fprintf(out, "\ncounters (deltas; unchanged omitted):\n");
				fwrite(buf, 1, len, out);
				any = true;
			}
			free(buf);
		}
	}
	json_object_foreach((json_t *)head, key, v) {
		if (!strcmp(key, "ranges")) {
			int printed = print_range_lists(out, d, err);

			if (printed < 0)
				return -1;
			any |= printed > 0;
			continue;
		}
		if (!json_is_object(v) || !json_object_get(v, "added"))
			continue;
		for (size_t p = 0; p < sizeof(diff_parts) / sizeof(diff_parts[0]); p++) {
			json_t *list = json_object_get(v, diff_parts[p]), *item;
			size_t i;

			if (!json_array_size(list))
				continue;
			print_list_head(out, key, p, json_array_size(list));
			json_array_foreach(list, i, item)
				print_list_entry(out, p, item);
			any = true;
		}
	}
	if (!any)
		fprintf(out, "\nno differences\n");
	return 0;
}

int diff_text_write(FILE *out, const struct xesvm_model *a, const struct xesvm_model *b,
		    struct xesvm_error *err)
{
	json_t *head = xesvm_model_diff_head(a, b, err);
	struct xesvm_range_diff *d = head ? xesvm_range_diff_new(a, b, err) : NULL;
	int ret = XESVM_OK;

	if (!d || print_diff(out, head, d, err))
		ret = err->status ? (int)err->status : XESVM_E_SYSTEM;
	xesvm_range_diff_free(d);
	json_decref(head);
	return ret;
}
