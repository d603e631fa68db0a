// SPDX-License-Identifier: MIT
/*
 * Streams a model (or a view of it), or the diff of two, as one JSON
 * document. Everything but the ranges goes through jansson's dumper; the
 * ranges are written one at a time from their members, and a diff's range
 * entries one at a time as they are walked, so writing a million ranges
 * never holds more than one of them as jansson objects.
 *
 * Pretty output has to indent values nested inside our hand-written outer
 * structure, while jansson indents from column 0. JSON strings never contain
 * a raw newline, so the dump callback re-indents by inserting the current
 * depth after every newline jansson emits.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

struct writer {
	FILE *out;
	bool pretty;
	int depth;		/* nesting level of the value being written */
	int write_errno;	/* first write error, 0 if none */
	struct xesvm_error *err;
	/*
	 * jansson hands its output over a few bytes at a time; collecting it
	 * here and calling fwrite() per 64 KiB saves a third of the time of
	 * writing a million ranges.
	 */
	size_t used;
	char buf[64 * 1024];
};

static int flush_buffer(struct writer *w)
{
	if (w->write_errno)
		return -1;
	if (w->used && fwrite(w->buf, 1, w->used, w->out) != w->used) {
		w->write_errno = errno ? errno : EIO;
		return -1;
	}
	w->used = 0;
	return 0;
}

static int put(struct writer *w, const char *s, size_t n)
{
	if (w->write_errno)
		return -1;
	if (n > sizeof(w->buf) - w->used) {
		if (flush_buffer(w))
			return -1;
		if (n > sizeof(w->buf)) {
			if (fwrite(s, 1, n, w->out) != n) {
				w->write_errno = errno ? errno : EIO;
				return -1;
			}
			return 0;
		}
	}
	memcpy(w->buf + w->used, s, n);
	w->used += n;
	return 0;
}

static int put_str(struct writer *w, const char *s)
{
	return put(w, s, strlen(s));
}

static int put_indent(struct writer *w, int depth)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)depth * 2;

	while (n > 0) {
		size_t chunk = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		if (put(w, spaces, chunk))
			return -1;
		n -= chunk;
	}
	return 0;
}

/* New line at @depth (pretty), nothing (compact). */
static int put_newline(struct writer *w, int depth)
{
	if (!w->pretty)
		return 0;
	return put(w, "\n", 1) || put_indent(w, depth);
}

static int dump_callback(const char *buffer, size_t size, void *data)
{
	struct writer *w = data;
	const char *nl;

	if (!w->pretty)
		return put(w, buffer, size);
	while ((nl = memchr(buffer, '\n', size))) {
		size_t line = (size_t)(nl - buffer) + 1;

		if (put(w, buffer, line) || put_indent(w, w->depth))
			return -1;
		buffer += line;
		size -= line;
	}
	return put(w, buffer, size);
}

static int put_json(struct writer *w, const json_t *value, int depth)
{
	size_t flags = JSON_ENCODE_ANY | (w->pretty ? JSON_INDENT(2) : JSON_COMPACT);

	w->depth = depth;
	if (json_dump_callback(value, dump_callback, w, flags)) {
		if (!w->write_errno)
			w->write_errno = ENOMEM;
		return -1;
	}
	return 0;
}

static int put_key(struct writer *w, const char *key, int depth)
{
	json_t *s = json_string(key);
	int rc;

	if (!s) {
		w->write_errno = ENOMEM;
		return -1;
	}
	rc = put_json(w, s, depth);
	json_decref(s);
	return rc || put_str(w, w->pretty ? ": " : ":");
}

/* An array of JSON objects, each written if the query selects it. */
static int put_collection(struct writer *w, const char *key, const json_t *arr,
			  const struct xesvm_query *q)
{
	size_t i;
	json_t *obj;
	bool first = true;

	if (put(w, "[", 1))
		return -1;
	json_array_foreach(arr, i, obj) {
		if (q && !xesvm_query_match(q, key, obj))
			continue;
		if ((!first && put(w, ",", 1)) || put_newline(w, 2) || put_json(w, obj, 2))
			return -1;
		first = false;
	}
	if (!first && put_newline(w, 1))
		return -1;
	return put(w, "]", 1);
}

/* Decimal digits of @v; snprintf() was a tenth of the cost of a range. */
static int put_uint(struct writer *w, uint64_t v)
{
	char digits[20];
	size_t i = sizeof(digits);

	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return put(w, digits + i, sizeof(digits) - i);
}

/* @s in quotes; for strings that need no escaping (names from the model). */
static int put_quoted(struct writer *w, const char *s)
{
	return put(w, "\"", 1) || put_str(w, s) || put(w, "\"", 1);
}

/* A flag array as xesvm_range_to_json() makes it: bits without a name are left out. */
static int put_flags(struct writer *w, uint64_t flags, int depth)
{
	unsigned int bit;
	bool first = true;

	if (!(flags & ((1u << XESVM_RANGE_FLAG_COUNT) - 1)))
		return put(w, "[]", 2);
	if (put(w, "[", 1))
		return -1;
	for (bit = 0; bit < XESVM_RANGE_FLAG_COUNT; bit++) {
		if (!(flags & (1u << bit)))
			continue;
		if ((!first && put(w, ",", 1)) || put_newline(w, depth + 1) ||
		    put_quoted(w, xesvm_range_flag_name(bit)))
			return -1;
		first = false;
	}
	return put_newline(w, depth) || put(w, "]", 1);
}

static int put_members(struct writer *w, const struct xesvm_range_member *members,
		       size_t count, int depth);

/* A range's page sets, an array of objects. */
static int put_page_sets(struct writer *w, const struct xesvm_range *r, int depth)
{
	struct xesvm_range_member members[XESVM_RANGE_PAGES_MEMBER_COUNT];
	unsigned int i;

	if (!r->pages_described)
		return put(w, "[]", 2);
	if (put(w, "[", 1))
		return -1;
	for (i = 0; i < r->pages_described; i++) {
		struct xesvm_range_pages p = xesvm_range_get_pages(r, i);

		xesvm_range_pages_members(&p, members);
		if ((i && put(w, ",", 1)) || put_newline(w, depth + 1) ||
		    put_members(w, members, XESVM_RANGE_PAGES_MEMBER_COUNT, depth + 1))
			return -1;
	}
	return put_newline(w, depth) || put(w, "]", 1);
}

/*
 * A range object (or one of its page sets) straight from its members
 * (xesvm_range_members()), as jansson would dump xesvm_range_to_json() of
 * it, but without building jansson objects (a third of the time of `range
 * show` went there) or jansson's per-call setup (its loop detection
 * formats and hashes a pointer for every object and array). Keys and
 * strings are the model's names, which need no escaping.
 * test_writer_equals_jansson_dump pins the output to jansson's, byte for
 * byte.
 */
static int put_members(struct writer *w, const struct xesvm_range_member *members,
		       size_t count, int depth)
{
	const char *colon = w->pretty ? ": " : ":";
	size_t i;

	if (put(w, "{", 1))
		return -1;
	for (i = 0; i < count; i++) {
		const struct xesvm_range_member *mb = &members[i];

		if ((i && put(w, ",", 1)) || put_newline(w, depth + 1) ||
		    put_quoted(w, mb->key) || put_str(w, colon))
			return -1;
		switch (mb->type) {
		case XESVM_RANGE_MEMBER_UINT:
			if (mb->uint > INT64_MAX) {	/* as xesvm_range_to_json() */
				w->write_errno = ERANGE;
				return -1;
			}
			if (put_uint(w, mb->uint))
				return -1;
			break;
		case XESVM_RANGE_MEMBER_NULL:
			if (put(w, "null", 4))
				return -1;
			break;
		case XESVM_RANGE_MEMBER_STRING:
			if (put_quoted(w, mb->string))
				return -1;
			break;
		case XESVM_RANGE_MEMBER_FLAGS:
			if (put_flags(w, mb->uint, depth + 1))
				return -1;
			break;
		case XESVM_RANGE_MEMBER_PAGES:
			if (put_page_sets(w, mb->range, depth + 1))
				return -1;
			break;
		}
	}
	return put_newline(w, depth) || put(w, "}", 1);
}

static int put_range(struct writer *w, const struct xesvm_range *r, int depth)
{
	struct xesvm_range_member members[XESVM_RANGE_MEMBER_COUNT];

	xesvm_range_members(r, members);
	return put_members(w, members, XESVM_RANGE_MEMBER_COUNT, depth);
}

static int put_ranges(struct writer *w, const struct xesvm_model *m,
		      const struct xesvm_query *q)
{
	size_t i;
	bool first = true;

	if (put(w, "[", 1))
		return -1;
	for (i = 0; i < m->range_count; i++) {
		const struct xesvm_range *r = &m->ranges[i];

		if (q && !xesvm_query_match_range(q, r))
			continue;
		if ((!first && put(w, ",", 1)) || put_newline(w, 2) || put_range(w, r, 2))
			return -1;
		first = false;
	}
	if (!first && put_newline(w, 1))
		return -1;
	return put(w, "]", 1);
}

static int put_member(struct writer *w, const struct xesvm_model *m, const char *key,
		      const struct xesvm_query *q, bool *first)
{
	json_t *value;

	if (!strcmp(key, "ranges")) {
		if ((!*first && put(w, ",", 1)) || put_newline(w, 1) || put_key(w, key, 1))
			return -1;
		*first = false;
		return put_ranges(w, m, q);
	}
	value = json_object_get(m->root, key);
	if (!value) {
		/* A view may name a collection this (partial) model lacks: write it empty. */
		if (!xesvm_is_json_collection(key)) {
			xesvm_error_set(w->err, XESVM_E_USAGE, 0,
					"cannot write \"%s\": no such key in the model", key);
			return -1;
		}
	}
	if ((!*first && put(w, ",", 1)) || put_newline(w, 1) || put_key(w, key, 1))
		return -1;
	*first = false;
	if (!value)
		return put_str(w, "[]");
	if (xesvm_is_json_collection(key) && json_is_array(value))
		return put_collection(w, key, value, q);
	return put_json(w, value, 1);
}

static bool is_known_root_key(const char *key)
{
	size_t i;

	for (i = 0; i < xesvm_root_key_count; i++)
		if (!strcmp(key, xesvm_root_keys[i]))
			return true;
	return false;
}

static int write_document(struct writer *w, const struct xesvm_model *m,
			  const struct xesvm_view *view)
{
	const struct xesvm_query *q = view ? view->query : NULL;
	bool first = true;
	int rc = 0;
	size_t i;

	if (put(w, "{", 1))
		return -1;
	if (view && view->collections) {
		/* A view is still a model: it carries its schema version. */
		rc = put_member(w, m, "schema_version", q, &first);
		for (i = 0; !rc && view->collections[i]; i++)
			if (strcmp(view->collections[i], "schema_version"))
				rc = put_member(w, m, view->collections[i], q, &first);
	} else {
		const char *key;
		json_t *value;

		for (i = 0; !rc && i < xesvm_root_key_count; i++)
			if (json_object_get(m->root, xesvm_root_keys[i]) ||
			    !strcmp(xesvm_root_keys[i], "ranges"))
				rc = put_member(w, m, xesvm_root_keys[i], q, &first);
		/* Keys from a newer minor revision of the schema are kept, not dropped. */
		json_object_foreach(m->root, key, value)
			if (!rc && !is_known_root_key(key))
				rc = put_member(w, m, key, q, &first);
	}
	if (rc || put_newline(w, 0) || put_str(w, "}\n") || flush_buffer(w))
		return -1;
	if (fflush(w->out) == EOF || ferror(w->out)) {
		w->write_errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Diffs                                                               */
/* ------------------------------------------------------------------ */

/* One list of a diff's "ranges" at @depth, its entries written as they are walked. */
static int put_range_diff_list(struct writer *w, struct xesvm_range_diff *d,
			       enum xesvm_diff_part part, int depth)
{
	json_t *entry;
	bool first = true;
	int rc;

	xesvm_range_diff_rewind(d, part);
	if (put(w, "[", 1))
		return -1;
	while ((rc = xesvm_range_diff_next(d, &entry, w->err)) > 0) {
		rc = (!first && put(w, ",", 1)) || put_newline(w, depth + 1) ||
		     put_json(w, entry, depth + 1);
		json_decref(entry);
		if (rc)
			return -1;
		first = false;
	}
	if (rc < 0)
		return -1;
	if (!first && put_newline(w, depth))
		return -1;
	return put(w, "]", 1);
}

/* A diff's "ranges" object at depth 1, the value of the key just written. */
static int put_range_diff(struct writer *w, struct xesvm_range_diff *d)
{
	static const char *const parts[] = {
		[XESVM_DIFF_ADDED] = "added",
		[XESVM_DIFF_REMOVED] = "removed",
		[XESVM_DIFF_CHANGED] = "changed",
	};
	size_t p;

	if (put(w, "{", 1))
		return -1;
	for (p = 0; p < sizeof(parts) / sizeof(parts[0]); p++)
		if ((p && put(w, ",", 1)) || put_newline(w, 2) || put_key(w, parts[p], 2) ||
		    put_range_diff_list(w, d, (enum xesvm_diff_part)p, 2))
			return -1;
	return put_newline(w, 1) || put(w, "}", 1);
}

/*
 * The diff document: the head from jansson's dumper, the ranges at their
 * place in it (its null "ranges") one entry at a time, as jansson would
 * have dumped the whole (test_diff_write_equals_jansson_dump).
 */
static int write_diff(struct writer *w, const json_t *head, struct xesvm_range_diff *d)
{
	const char *key;
	json_t *value;
	bool first = true;

	if (put(w, "{", 1))
		return -1;
	json_object_foreach((json_t *)head, key, value) {
		if ((!first && put(w, ",", 1)) || put_newline(w, 1) || put_key(w, key, 1))
			return -1;
		first = false;
		if (!strcmp(key, "ranges") ? put_range_diff(w, d) : put_json(w, value, 1))
			return -1;
	}
	if (put_newline(w, 0) || put_str(w, "}\n") || flush_buffer(w))
		return -1;
	if (fflush(w->out) == EOF || ferror(w->out)) {
		w->write_errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

/* A writer to @out; NULL (and @err set) when out of memory. */
static struct writer *writer_new(FILE *out, unsigned int flags, struct xesvm_error *err)
{
	struct writer *w = malloc(sizeof(*w));

	if (!w) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return NULL;
	}
	w->out = out;
	w->pretty = flags & XESVM_WRITE_PRETTY;
	w->depth = 0;
	w->write_errno = 0;
	w->err = err;
	w->used = 0;
	errno = 0;
	return w;
}

/* Frees @w after a write that returned @rc; reports a write error. */
static int writer_done(struct writer *w, int rc, struct xesvm_error *err)
{
	int write_errno = w->write_errno;

	free(w);
	if (!rc)
		return 0;
	if (!write_errno)
		return -1;	/* a usage error, or out of memory, already recorded */
	if (write_errno == ENOMEM)
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
	else
		xesvm_error_set(err, XESVM_E_SYSTEM, write_errno, "write failed: %s",
				strerror(write_errno));
	return -1;
}

int xesvm_model_write_view(const struct xesvm_model *m, FILE *out,
			   const struct xesvm_view *view, unsigned int flags,
			   struct xesvm_error *err)
{
	struct writer *w = writer_new(out, flags, err);

	if (!w)
		return -1;
	return writer_done(w, write_document(w, m, view), err);
}

int xesvm_model_write(const struct xesvm_model *m, FILE *out, unsigned int flags,
		      struct xesvm_error *err)
{
	return xesvm_model_write_view(m, out, NULL, flags, err);
}

int xesvm_model_diff_write(const struct xesvm_model *a, const struct xesvm_model *b,
			   FILE *out, unsigned int flags, struct xesvm_error *err)
{
	json_t *head = xesvm_model_diff_head(a, b, err);
	struct xesvm_range_diff *d = head ? xesvm_range_diff_new(a, b, err) : NULL;
	struct writer *w = d ? writer_new(out, flags, err) : NULL;
	int rc = w ? writer_done(w, write_diff(w, head, d), err) : -1;

	xesvm_range_diff_free(d);
	json_decref(head);
	return rc;
}
