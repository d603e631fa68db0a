// SPDX-License-Identifier: MIT
/* `snapshot` (save the model) and `diff` (compare two snapshots). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live.h"

/*
 * --events SECONDS: the events of the SECONDS from joining the group, while
 * the rest is gathered, into the model's "events". SIGINT or SIGTERM ends
 * the recording early; the snapshot is still written, with a note.
 */
static int record_events(struct cli *cli, struct event_stream *es,
			 struct xesvm_model *m, uint64_t t0, double seconds)
{
	uint64_t deadline = t0 + (uint64_t)(seconds * 1e9);
	struct event_loss loss;
	json_t *events = xesvm_model_array(m, "events");
	bool progress = isatty(STDERR_FILENO) && !cli->json;
	int ret = XESVM_OK;

	for (;;) {
		uint64_t now = monotonic_ns();

		if (now >= deadline || es->stop_signal)
			break;
		if (progress)
			fprintf(stderr, "\rxesvmctl: recording events: %.1f of %g s, %zu events ",
				(now - t0) / 1e9, seconds, json_array_size(events));
		ret = event_stream_wait(cli, es,
					timeout_until(deadline, progress ? 250 : 3600 * 1000),
					events);
		if (ret)
			break;
	}
	if (progress)
		fprintf(stderr, "\rxesvmctl: recorded %zu events in %.1f s%20s\n",
			json_array_size(events), (monotonic_ns() - t0) / 1e9, "");
	if (ret)
		return ret;
	xesvm_model_set_source(m, "events", "netlink");
	event_stream_loss(es, true, &loss);
	if (loss.overruns) {
		char buf[64];

		xesvm_model_note_about(m, XESVM_VIEW_EVENTS, "events: the event socket overran %" PRIu64 " time%s while recording%s",
				 loss.overruns, loss.overruns == 1 ? "" : "s",
				 event_loss_text(&loss, buf, sizeof(buf)));
	}
	if (es->stop_signal)
		xesvm_model_note_about(m, XESVM_VIEW_EVENTS, "events: recording stopped early by %s after %.1f of %g s",
				 es->stop_signal == SIGINT ? "SIGINT" : "SIGTERM",
				 (monotonic_ns() - t0) / 1e9, seconds);
	return XESVM_OK;
}

int cmd_snapshot(struct cli *cli, const struct cli_invocation *inv)
{
	const char *path = cli_arg(inv, "output");
	const char *events = cli_arg(inv, "events");
	bool gzip = cli_flag(inv, "gzip");
	struct event_stream es = { .sigfd = -1 };
	struct xesvm_model *m;
	double seconds = 0;
	uint64_t t0 = 0;
	bool owned;
	int ret;

	if (!path)
		path = "-";
	if (gzip && strcmp(path, "-") == 0 && isatty(STDOUT_FILENO)) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"refusing to write compressed data to a terminal (use -o FILE)");
		return XESVM_E_USAGE;
	}
	if (events && cli_parse_positive(cli, "--events", events, &seconds, false))
		return XESVM_E_USAGE;
	if (events && cli->snapshot_path) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"--events records live events; it cannot add them to a snapshot (-f)");
		return XESVM_E_USAGE;
	}
	if (events) {
		/* First: a missing capability fails before anything is gathered. */
		ret = event_stream_open(cli, &es, "snapshot --events", false);
		if (ret)
			return ret;
		t0 = monotonic_ns();
	}
	/* Everything the live system offers, SVM ranges included. */
	cli->sources.ranges = true;
	ret = cli_get_model(cli, &m, &owned);
	if (ret)
		goto out;
	if (events) {
		ret = record_events(cli, &es, m, t0, seconds);
		event_stream_close(&es);
	}
	if (!ret) {
		cli_show_notes(cli, m, XESVM_VIEW_ALL);
		ret = xesvm_snapshot_save(m, path, gzip, &cli->err);
	}
	cli_put_model(m, owned);
	if (!ret && strcmp(path, "-") != 0 && !cli->json)
		printf("snapshot written to %s\n", path);
out:
	if (es.ev)
		event_stream_close(&es);
	return ret;
}

/*
 * Human view of a diff (keys in xesvm-json(7), DIFF): counters as signed
 * deltas with unchanged ones left out, then per collection the objects
 * added, removed and changed, one line each. JSON (-j) is the full object.
 */
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

/*
 * Both outputs stream the range entries (one at a time in memory: the
 * diff of two snapshots of a million ranges may have tens of thousands),
 * JSON through xesvm_model_diff_write(), the text here.
 */
int cmd_diff(struct cli *cli, const struct cli_invocation *inv)
{
	struct xesvm_model *a = NULL, *b = NULL;
	struct xesvm_range_diff *d = NULL;
	json_t *head = NULL;
	int ret;

	ret = xesvm_snapshot_load(inv->positional[0], &a, &cli->err);
	if (!ret)
		ret = xesvm_snapshot_load(inv->positional[1], &b, &cli->err);
	if (!ret && cli->json) {
		if (xesvm_model_diff_write(a, b, stdout, cli->pretty ? XESVM_WRITE_PRETTY : 0,
					   &cli->err))
			ret = cli->err.status ? (int)cli->err.status : XESVM_E_SYSTEM;
	} else if (!ret) {
		head = xesvm_model_diff_head(a, b, &cli->err);
		d = head ? xesvm_range_diff_new(a, b, &cli->err) : NULL;
		if (!d || print_diff(stdout, head, d, &cli->err))
			ret = cli->err.status ? (int)cli->err.status : XESVM_E_SYSTEM;
		else
			ret = cli_check_stdout(cli);
	}
	xesvm_range_diff_free(d);
	json_decref(head);
	if (a)
		xesvm_model_free(a);
	if (b)
		xesvm_model_free(b);
	return ret;
}
