// SPDX-License-Identifier: MIT
/*
 * Streams a model (or a view of it) as one JSON document. Everything but
 * the ranges goes through jansson's dumper; the ranges are converted one at
 * a time with xesvm_range_to_json(), so writing a million ranges never holds
 * more than one range as a jansson object.
 *
 * Pretty output has to indent values nested inside our hand-written outer
 * structure, while jansson indents from column 0. JSON strings never contain
 * a raw newline, so the dump callback re-indents by inserting the current
 * depth after every newline jansson emits.
 */
#include <errno.h>
#include <string.h>

#include "model_internal.h"

struct writer {
	FILE *out;
	bool pretty;
	int depth;		/* nesting level of the value being written */
	int write_errno;	/* first write error, 0 if none */
	struct xesvm_error *err;
};

static int put(struct writer *w, const char *s, size_t n)
{
	if (w->write_errno)
		return -1;
	if (n && fwrite(s, 1, n, w->out) != n) {
		w->write_errno = errno ? errno : EIO;
		return -1;
	}
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

static int put_ranges(struct writer *w, const struct xesvm_model *m,
		      const struct xesvm_query *q)
{
	size_t i;
	bool first = true;

	if (put(w, "[", 1))
		return -1;
	for (i = 0; i < m->range_count; i++) {
		const struct xesvm_range *r = &m->ranges[i];
		json_t *obj;
		int rc;

		if (q && !xesvm_query_match_range(q, r))
			continue;
		obj = xesvm_range_to_json(r);
		if (!obj) {
			w->write_errno = ENOMEM;
			return -1;
		}
		rc = (!first && put(w, ",", 1)) || put_newline(w, 2) || put_json(w, obj, 2);
		json_decref(obj);
		if (rc)
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

int xesvm_model_write_view(const struct xesvm_model *m, FILE *out,
			   const struct xesvm_view *view, unsigned int flags,
			   struct xesvm_error *err)
{
	struct writer w = {
		.out = out,
		.pretty = flags & XESVM_WRITE_PRETTY,
		.err = err,
	};
	const struct xesvm_query *q = view ? view->query : NULL;
	bool first = true;
	int rc = 0;
	size_t i;

	errno = 0;
	if (put(&w, "{", 1))
		goto write_failed;
	if (view && view->collections) {
		/* A view is still a model: it carries its schema version. */
		rc = put_member(&w, m, "schema_version", q, &first);
		for (i = 0; !rc && view->collections[i]; i++)
			if (strcmp(view->collections[i], "schema_version"))
				rc = put_member(&w, m, view->collections[i], q, &first);
	} else {
		const char *key;
		json_t *value;

		for (i = 0; !rc && i < xesvm_root_key_count; i++)
			if (json_object_get(m->root, xesvm_root_keys[i]) ||
			    !strcmp(xesvm_root_keys[i], "ranges"))
				rc = put_member(&w, m, xesvm_root_keys[i], q, &first);
		/* Keys from a newer minor revision of the schema are kept, not dropped. */
		json_object_foreach(m->root, key, value)
			if (!rc && !is_known_root_key(key))
				rc = put_member(&w, m, key, q, &first);
	}
	if (rc && !w.write_errno)
		return -1;	/* usage error already recorded */
	if (rc || put_newline(&w, 0) || put_str(&w, "}\n"))
		goto write_failed;
	if (fflush(out) == EOF || ferror(out)) {
		w.write_errno = errno ? errno : EIO;
		goto write_failed;
	}
	return 0;

write_failed:
	xesvm_error_set(err, w.write_errno == ENOMEM ? XESVM_E_SYSTEM : XESVM_E_SYSTEM,
			w.write_errno, "write failed: %s", strerror(w.write_errno));
	return -1;
}

int xesvm_model_write(const struct xesvm_model *m, FILE *out, unsigned int flags,
		      struct xesvm_error *err)
{
	return xesvm_model_write_view(m, out, NULL, flags, err);
}
