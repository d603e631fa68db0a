// SPDX-License-Identifier: MIT
/*
 * Snapshot files: a saved model (xesvm-json(7)), plain or gzip-compressed.
 *
 * Loading does not build one jansson tree for the whole document: a
 * million ranges as jansson objects cost gigabytes. The file is read
 * through a window that slides over it (input.c), a minimal scanner walks
 * the top-level object (whitespace, '{', ':', ',', '}' only) and jansson
 * parses each top-level value with JSON_DISABLE_EOF_CHECK, reporting
 * through json_error_t.position how many bytes it consumed. "ranges" is
 * walked the same way one level down, each element read into a packed
 * struct xesvm_range by the range scanner (range_scanner.c) or, when it
 * holds anything that scanner does not take, by jansson and
 * xesvm_range_from_json(): the same model either way, and jansson's words
 * for every error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"
#include "range_scanner.h"
#include "snapshot_input.h"

/* ------------------------------------------------------------------ */
/* The scanner                                                         */
/* ------------------------------------------------------------------ */

struct scanner {
	struct snapshot_input *in;
	size_t pos;		/* offset in the input */
	struct xesvm_error *err;
};

static void fail_at(struct scanner *s, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail_at(struct scanner *s, size_t pos, const char *fmt, ...)
{
	char what[400];
	size_t line, col;
	va_list ap;

	if (s->in->eof && pos > s->in->base + s->in->len)
		pos = s->in->base + s->in->len;
	snapshot_input_line_col(s->in, pos, &line, &col);
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	xesvm_error_set(s->err, XESVM_E_USAGE, 0, "%s: line %zu, column %zu (byte %zu): %s",
			s->in->name, line, col, pos, what);
}

/*
 * Makes the byte at s->pos readable, reading on when the window ends
 * before it. False at the end of the input, or after a read error (which
 * is then s->err's first error, so whatever the caller reports next is
 * not what the user sees).
 */
static bool have_byte(struct scanner *s)
{
	while (s->pos >= s->in->base + s->in->len) {
		if (s->in->eof || snapshot_input_more(s->in, s->pos, s->err))
			return false;
	}
	return true;
}

static const char *at_pos(const struct scanner *s)
{
	return s->in->data + (s->pos - s->in->base);
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static void skip_ws(struct scanner *s)
{
	while (have_byte(s)) {
		const char *p = at_pos(s), *end = s->in->data + s->in->len;

		while (p < end && is_ws(*p))
			p++;
		s->pos += (size_t)(p - at_pos(s));
		if (p < end)
			return;
	}
}

/* Next significant byte, or -1 at end of input. */
static int peek(struct scanner *s)
{
	skip_ws(s);
	return have_byte(s) ? (unsigned char)*at_pos(s) : -1;
}

static void fail_unexpected(struct scanner *s, const char *expected)
{
	int c = peek(s);

	if (c < 0)
		fail_at(s, s->pos, "truncated: expected %s, found end of file", expected);
	else if (c >= 0x20 && c < 0x7f)
		fail_at(s, s->pos, "expected %s, found '%c'", expected, c);
	else
		fail_at(s, s->pos, "expected %s, found byte 0x%02x", expected, c);
}

/*
 * The fewest bytes a range takes in a file, its twelve keys with one-digit
 * values, no page set and no whitespace: {"device":0,"vm":0,"start":0,
 * "end":1,...,"pages":[],...} is 168 (a range of version 1, 173).
 */
#define MIN_RANGE_BYTES 160

/* jansson reads a few bytes past the place of an error (a UTF-8 sequence, a token). */
#define JANSSON_LOOKAHEAD 8

/*
 * One JSON value at the current position, parsed by jansson. jansson 2.14
 * sets error.position to the number of bytes consumed even on success when
 * JSON_DISABLE_EOF_CHECK is given (tests/unit/model pins this down). A
 * value that reaches the end of the window (or fails near it) may go on
 * past it: the window is read on and the value parsed again, so the result
 * is what jansson makes of the whole input.
 */
static json_t *parse_value(struct scanner *s)
{
	json_error_t e;
	json_t *v;
	size_t used;

	skip_ws(s);
	if (!have_byte(s)) {
		fail_at(s, s->pos, "truncated: expected a value, found end of file");
		return NULL;
	}
	for (;;) {
		size_t avail = s->in->base + s->in->len - s->pos;
		bool near_end;

		v = json_loadb(at_pos(s), avail,
			       JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
		used = e.position > 0 ? (size_t)e.position : 0;
		near_end = v ? used >= avail :
			   used + JANSSON_LOOKAHEAD >= avail || strstr(e.text, "end of file") ||
			   strstr(e.text, "premature end");
		if (!near_end || s->in->eof)
			break;
		json_decref(v);
		if (snapshot_input_more(s->in, s->pos, s->err))
			return NULL;
	}
	if (!v) {
		size_t at = s->pos + used;

		if (at >= s->in->base + s->in->len || strstr(e.text, "end of file") ||
		    strstr(e.text, "premature end"))
			fail_at(s, at, "truncated: %s", e.text);
		else
			fail_at(s, at, "%s", e.text);
		return NULL;
	}
	s->pos += used;
	return v;
}

/* Skips an array or object without building it (for a deferred "ranges"). */
static int skip_container(struct scanner *s)
{
	size_t depth = 0, start = s->pos;
	bool in_string = false, escaped = false;

	while (have_byte(s)) {
		char c = *at_pos(s);

		s->pos++;
		if (in_string) {
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			depth++;
		} else if (c == ']' || c == '}') {
			if (--depth == 0)
				return 0;
		}
	}
	fail_at(s, start, "truncated: value never closed");
	return -1;
}

/*
 * One element of "ranges" of a file of schema version @version: by the
 * fast scanner when it can take it, else by jansson and
 * xesvm_range_from_json_version(), which word every error. Several page
 * sets stay in @sets until the range is added to the model.
 */
static int parse_range(struct scanner *s, size_t index, int version, struct xesvm_range *r,
		       struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX])
{
	struct xesvm_error range_err = { 0 };
	enum xesvm_scan_result res = XESVM_SCAN_OTHER;
	size_t at, used;
	json_t *obj;
	int rc;

	skip_ws(s);
	at = s->pos;
	while (xesvm_range_scanner_enabled && have_byte(s)) {
		res = xesvm_scan_range(at_pos(s), s->in->data + s->in->len, version, r, sets,
				       &used);
		if (res != XESVM_SCAN_MORE || s->in->eof)
			break;
		if (snapshot_input_more(s->in, s->pos, s->err))
			return -1;
	}
	if (res == XESVM_SCAN_OK) {
		s->pos += used;
		return 0;
	}
	obj = parse_value(s);
	if (!obj)
		return -1;
	rc = xesvm_range_from_json_version(obj, version, r, sets, &range_err);
	json_decref(obj);
	if (rc) {
		const char *msg = range_err.msg;

		if (!strncmp(msg, "range: ", 7))
			msg += 7;
		fail_at(s, at, "ranges[%zu]: %s", index, msg);
		return -1;
	}
	return 0;
}

static int parse_ranges(struct scanner *s, struct xesvm_model *m)
{
	/* Ranges are read once the schema version is known (parse_document()). */
	int version = (int)json_integer_value(json_object_get(m->root, "schema_version"));
	size_t index = 0;
	int c;

	if (peek(s) != '[') {
		fail_unexpected(s, "'[' (\"ranges\" is an array)");
		return -1;
	}
	s->pos++;
	if (peek(s) == ']') {
		s->pos++;
		return 0;
	}
	/*
	 * Room for as many ranges as the rest of the file can hold, so the
	 * array is never copied to grow: pages never written cost nothing.
	 */
	if (s->in->size > s->pos)
		xesvm_model_reserve_ranges(m, (s->in->size - s->pos) / MIN_RANGE_BYTES);
	for (;;) {
		struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
		struct xesvm_range r;

		if (parse_range(s, index, version, &r, sets))
			return -1;
		if (xesvm_model_add_range(m, &r)) {
			xesvm_error_set(s->err, XESVM_E_SYSTEM, ENOMEM, "%s: out of memory",
					s->in->name);
			return -1;
		}
		index++;
		c = peek(s);
		if (c == ']') {
			s->pos++;
			return 0;
		}
		if (c != ',') {
			fail_unexpected(s, "',' or ']' after a range");
			return -1;
		}
		s->pos++;
	}
}

/* ------------------------------------------------------------------ */
/* Checking the small top-level values                                 */
/* ------------------------------------------------------------------ */

struct key_rule {
	const char *key;
	bool nullable;
};

/* Identity keys that query and diff rely on; other keys are the renderers' business. */
static const struct {
	const char *collection;
	struct key_rule keys[4];
} identity_rules[] = {
	{ "devices",  { { "minor", false } } },
	{ "clients",  { { "device", false }, { "client_id", false }, { "pid", true } } },
	{ "vms",      { { "device", false }, { "vm", false }, { "pid", true }, { "client_id", true } } },
	{ "vmas",     { { "device", false }, { "vm", false }, { "start", false }, { "end", false } } },
	{ "pagemaps", { { "device", false }, { "id", false } } },
	{ "events",   { { "device", true }, { "vm", true }, { "start", true }, { "end", true } } },
};

static int check_collection(struct scanner *s, size_t at, const char *key, const json_t *arr)
{
	size_t i, r, k;
	json_t *obj;

	if (!json_is_array(arr)) {
		fail_at(s, at, "\"%s\" must be an array", key);
		return -1;
	}
	for (r = 0; r < sizeof(identity_rules) / sizeof(identity_rules[0]); r++)
		if (!strcmp(identity_rules[r].collection, key))
			break;
	json_array_foreach(arr, i, obj) {
		if (r == sizeof(identity_rules) / sizeof(identity_rules[0]))
			break;
		if (!json_is_object(obj)) {
			fail_at(s, at, "%s[%zu] must be an object", key, i);
			return -1;
		}
		for (k = 0; k < 4 && identity_rules[r].keys[k].key; k++) {
			const struct key_rule *rule = &identity_rules[r].keys[k];
			json_t *v = json_object_get(obj, rule->key);

			if (!v && rule->nullable)
				continue;
			if (!v) {
				fail_at(s, at, "%s[%zu]: missing key \"%s\"", key, i, rule->key);
				return -1;
			}
			if (json_is_null(v) && rule->nullable)
				continue;
			if (!json_is_integer(v) || json_integer_value(v) < 0) {
				fail_at(s, at, "%s[%zu]: \"%s\" must be a non-negative integer%s",
					key, i, rule->key, rule->nullable ? " or null" : "");
				return -1;
			}
		}
	}
	return 0;
}

static int check_schema_version(struct scanner *s, size_t at, const json_t *v)
{
	if (!json_is_integer(v)) {
		fail_at(s, at, "\"schema_version\" must be an integer");
		return -1;
	}
	if (json_integer_value(v) < XESVM_SCHEMA_VERSION_OLDEST) {
		fail_at(s, at, "\"schema_version\" %" JSON_INTEGER_FORMAT " is not valid",
			json_integer_value(v));
		return -1;
	}
	if (json_integer_value(v) > XESVM_SCHEMA_VERSION) {
		fail_at(s, at, "schema_version %" JSON_INTEGER_FORMAT
			" is newer than this xesvm understands (%d): upgrade xesvm",
			json_integer_value(v), XESVM_SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

static int check_value(struct scanner *s, size_t at, const char *key, const json_t *v)
{
	size_t i;
	json_t *note;

	if (!strcmp(key, "schema_version"))
		return check_schema_version(s, at, v);
	if (xesvm_is_json_collection(key))
		return check_collection(s, at, key, v);
	if ((!strcmp(key, "generator") || !strcmp(key, "captured_at")) &&
	    !json_is_string(v) && !json_is_null(v)) {
		fail_at(s, at, "\"%s\" must be a string or null", key);
		return -1;
	}
	if (!strcmp(key, "host") && !json_is_object(v) && !json_is_null(v)) {
		fail_at(s, at, "\"host\" must be an object or null");
		return -1;
	}
	if (!strcmp(key, "sources") && !json_is_object(v)) {
		fail_at(s, at, "\"sources\" must be an object");
		return -1;
	}
	if (!strcmp(key, "notes")) {
		if (!json_is_array(v)) {
			fail_at(s, at, "\"notes\" must be an array of strings");
			return -1;
		}
		json_array_foreach(v, i, note)
			if (!json_is_string(note)) {
				fail_at(s, at, "notes[%zu] must be a string", i);
				return -1;
			}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Older schema versions                                               */
/* ------------------------------------------------------------------ */

/*
 * Brings what the root holds of a file of an older schema version to the
 * current one (the ranges are converted as they are read): the model in
 * memory is always of XESVM_SCHEMA_VERSION, whatever it was read from, and
 * so is everything written from it. Version 1 counted "devmem_ranges" per
 * VM: ranges then had one page set each, so that is the number of page
 * sets in device memory, version 2's "devmem_pages".
 */
/* @obj with key @from renamed @to, at its place among the others; NULL when out of memory. */
static json_t *renamed(json_t *obj, const char *from, const char *to)
{
	json_t *out = json_object(), *v;
	const char *key;

	json_object_foreach(obj, key, v)
		if (!out || json_object_set(out, strcmp(key, from) ? key : to, v)) {
			json_decref(out);
			return NULL;
		}
	return out;
}

static int convert_root(struct xesvm_model *m)
{
	json_t *version = json_object_get(m->root, "schema_version");
	json_t *vms = json_object_get(m->root, "vms"), *vm;
	size_t i;

	if (json_integer_value(version) < 2) {
		json_array_foreach(vms, i, vm) {
			if (json_object_get(vm, "devmem_ranges") &&
			    json_array_set_new(vms, i, renamed(vm, "devmem_ranges", "devmem_pages")))
				return -1;
		}
	}
	return json_integer_set(version, XESVM_SCHEMA_VERSION);
}

/* ------------------------------------------------------------------ */
/* The top level                                                       */
/* ------------------------------------------------------------------ */

static int parse_document(struct scanner *s, struct xesvm_model *m)
{
	json_t *seen = json_object();	/* keys met so far: duplicates are an error */
	bool have_schema = false;
	size_t deferred_ranges = SIZE_MAX;
	int rc = -1, c;

	if (!seen) {
		xesvm_error_set(s->err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	if (s->in->len == 0 && s->in->eof) {
		fail_at(s, 0, "empty file, expected a snapshot (a JSON object)");
		goto out;
	}
	if (peek(s) != '{') {
		fail_unexpected(s, "'{' (a snapshot is a JSON object)");
		goto out;
	}
	s->pos++;
	c = peek(s);
	if (c == '}') {
		s->pos++;
	} else {
		for (;;) {
			size_t key_at, value_at;
			json_t *key, *value;
			const char *name;

			if (peek(s) != '"') {
				fail_unexpected(s, "a key string");
				goto out;
			}
			key_at = s->pos;
			key = parse_value(s);
			if (!key)
				goto out;
			name = json_string_value(key);
			if (json_object_get(seen, name)) {
				fail_at(s, key_at, "duplicate key \"%s\"", name);
				json_decref(key);
				goto out;
			}
			json_object_set(seen, name, json_true());
			if (peek(s) != ':') {
				fail_unexpected(s, "':' after a key");
				json_decref(key);
				goto out;
			}
			s->pos++;
			value_at = (skip_ws(s), s->pos);
			if (!strcmp(name, "ranges")) {
				/*
				 * Ranges are read only once the schema version is known,
				 * so a future file fails with the version message, not
				 * with whatever changed in its ranges.
				 */
				if (have_schema) {
					if (parse_ranges(s, m)) {
						json_decref(key);
						goto out;
					}
				} else {
					deferred_ranges = s->pos;
					if (peek(s) != '[') {
						fail_unexpected(s, "'[' (\"ranges\" is an array)");
						json_decref(key);
						goto out;
					}
					if (skip_container(s)) {
						json_decref(key);
						goto out;
					}
				}
			} else {
				value = parse_value(s);
				if (!value || check_value(s, value_at, name, value)) {
					json_decref(value);
					json_decref(key);
					goto out;
				}
				if (!strcmp(name, "schema_version"))
					have_schema = true;
				if (json_object_set_new(m->root, name, value)) {
					xesvm_error_set(s->err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
					json_decref(key);
					goto out;
				}
			}
			json_decref(key);
			c = peek(s);
			if (c == '}') {
				s->pos++;
				break;
			}
			if (c != ',') {
				fail_unexpected(s, "',' or '}' after a top-level value");
				goto out;
			}
			s->pos++;
		}
	}
	if (peek(s) >= 0) {
		fail_at(s, s->pos, "unexpected data after the snapshot object");
		goto out;
	}
	if (!have_schema) {
		xesvm_error_set(s->err, XESVM_E_USAGE, 0,
				"%s: not an xesvm snapshot: no \"schema_version\"", s->in->name);
		goto out;
	}
	if (deferred_ranges != SIZE_MAX) {
		s->pos = deferred_ranges;
		if (snapshot_input_seek(s->in, s->pos, s->err) || parse_ranges(s, m))
			goto out;
	}
	if (convert_root(m)) {
		xesvm_error_set(s->err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		goto out;
	}
	rc = 0;
out:
	json_decref(seen);
	return rc;
}

int xesvm_snapshot_load(const char *path, struct xesvm_model **out,
			struct xesvm_error *err)
{
	struct snapshot_input in;
	struct scanner s = { .in = &in, .err = err };
	enum xesvm_status before = err->status;
	struct xesvm_model *m;
	int rc;

	*out = NULL;
	if (snapshot_input_open(&in, path, err))
		return -1;
	m = xesvm_model_new();
	if (!m) {
		snapshot_input_close(&in);
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	rc = parse_document(&s, m);
	snapshot_input_close(&in);
	/* A read error met on the way is the error, even where parsing went on. */
	if (rc || (before == XESVM_OK && err->status != XESVM_OK)) {
		xesvm_model_free(m);
		return -1;
	}
	*out = m;
	return 0;
}
