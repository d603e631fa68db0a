// SPDX-License-Identifier: MIT
/*
 * Snapshot files: a saved model (xesvm-json(7)), plain or gzip-compressed.
 *
 * Loading does not build one jansson tree for the whole document: a
 * million ranges as jansson objects cost gigabytes. The file is mapped (or,
 * for stdin and gzip, read) into memory, a minimal scanner walks the
 * top-level object (whitespace, '{', ':', ',', '}' only) and jansson parses
 * each top-level value with JSON_DISABLE_EOF_CHECK, reporting through
 * json_error_t.position how many bytes it consumed. "ranges" is walked the
 * same way one level down: each element is parsed, converted to a packed
 * struct xesvm_range and freed before the next.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "model_internal.h"

/* ------------------------------------------------------------------ */
/* Reading the input                                                   */
/* ------------------------------------------------------------------ */

struct input {
	const char *name;	/* for messages: the path, or "<stdin>" */
	char *data;
	size_t len;
	bool mapped;		/* data is an mmap of the file, else malloc'd */
};

static int read_gzip_fd(int fd, struct input *in, struct xesvm_error *err)
{
	gzFile gz;
	size_t cap = 1 << 20;
	int n, zerr;
	const char *zmsg;

	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "%s: out of memory", in->name);
		return -1;
	}
	gzbuffer(gz, 1 << 17);
	in->data = malloc(cap);
	if (!in->data)
		goto oom;
	for (;;) {
		if (cap - in->len < (1 << 20)) {
			char *p;

			if (cap > SIZE_MAX / 2)
				goto oom;
			p = realloc(in->data, cap * 2);
			if (!p)
				goto oom;
			in->data = p;
			cap *= 2;
		}
		n = gzread(gz, in->data + in->len, 1 << 20);
		if (n <= 0)
			break;
		in->len += (size_t)n;
	}
	zmsg = gzerror(gz, &zerr);
	if (n < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
		if (zerr == Z_ERRNO) {
			int e = errno;

			xesvm_error_set(err, XESVM_E_SYSTEM, e, "%s: read failed: %s",
					in->name, strerror(e));
		} else {
			/* zlib prefixes its own name for the stream ("<fd:3>: "). */
			const char *colon = strstr(zmsg, ": ");

			xesvm_error_set(err, XESVM_E_USAGE, 0,
					"%s: corrupt or truncated gzip data: %s", in->name,
					colon ? colon + 2 : zmsg);
		}
		goto fail;
	}
	gzclose(gz);
	return 0;
oom:
	xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "%s: out of memory", in->name);
fail:
	gzclose(gz);
	free(in->data);
	in->data = NULL;
	in->len = 0;
	return -1;
}

static int read_input(const char *path, struct input *in, struct xesvm_error *err)
{
	unsigned char magic[2];
	struct stat st;
	int fd;

	if (!strcmp(path, "-")) {
		in->name = "<stdin>";
		fd = dup(STDIN_FILENO);
		if (fd < 0) {
			xesvm_error_set(err, XESVM_E_SYSTEM, errno, "<stdin>: %s", strerror(errno));
			return -1;
		}
		return read_gzip_fd(fd, in, err);	/* zlib passes plain data through */
	}
	in->name = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		xesvm_error_set(err, xesvm_is_user_path_error(e) ? XESVM_E_USAGE : XESVM_E_SYSTEM, e,
				"%s: cannot open snapshot: %s", path, strerror(e));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		xesvm_error_set(err, XESVM_E_USAGE, EISDIR,
				"%s: cannot open snapshot: %s", path, strerror(EISDIR));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 2 ||
	    pread(fd, magic, 2, 0) != 2 || (magic[0] == 0x1f && magic[1] == 0x8b))
		return read_gzip_fd(fd, in, err);
	if ((unsigned long long)st.st_size > SIZE_MAX) {
		close(fd);
		xesvm_error_set(err, XESVM_E_SYSTEM, EFBIG, "%s: too large", path);
		return -1;
	}
	in->len = (size_t)st.st_size;
	in->data = mmap(NULL, in->len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (in->data == MAP_FAILED) {
		int e = errno;

		in->data = NULL;
		xesvm_error_set(err, XESVM_E_SYSTEM, e, "%s: cannot map: %s", path, strerror(e));
		return -1;
	}
	in->mapped = true;
	madvise(in->data, in->len, MADV_SEQUENTIAL);
	return 0;
}

static void release_input(struct input *in)
{
	if (in->mapped)
		munmap(in->data, in->len);
	else
		free(in->data);
}

/* ------------------------------------------------------------------ */
/* The scanner                                                         */
/* ------------------------------------------------------------------ */

struct scanner {
	struct input *in;
	size_t pos;
	size_t released;	/* mapped bytes below this were given back (MADV_DONTNEED) */
	struct xesvm_error *err;
};

static void fail_at(struct scanner *s, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail_at(struct scanner *s, size_t pos, const char *fmt, ...)
{
	char what[400];
	size_t line = 1, col = 1, i;
	va_list ap;

	if (pos > s->in->len)
		pos = s->in->len;
	for (i = 0; i < pos; i++) {
		if (s->in->data[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	xesvm_error_set(s->err, XESVM_E_USAGE, 0, "%s: line %zu, column %zu (byte %zu): %s",
			s->in->name, line, col, pos, what);
}

static void skip_ws(struct scanner *s)
{
	const char *d = s->in->data;

	while (s->pos < s->in->len &&
	       (d[s->pos] == ' ' || d[s->pos] == '\n' || d[s->pos] == '\t' || d[s->pos] == '\r'))
		s->pos++;
}

/* Next significant byte, or -1 at end of input. */
static int peek(struct scanner *s)
{
	skip_ws(s);
	return s->pos < s->in->len ? (unsigned char)s->in->data[s->pos] : -1;
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
 * One JSON value at the current position, parsed by jansson. jansson 2.14
 * sets error.position to the number of bytes consumed even on success when
 * JSON_DISABLE_EOF_CHECK is given (tests/unit/model pins this down).
 */
static json_t *parse_value(struct scanner *s)
{
	json_error_t e;
	json_t *v;

	skip_ws(s);
	if (s->pos >= s->in->len) {
		fail_at(s, s->pos, "truncated: expected a value, found end of file");
		return NULL;
	}
	v = json_loadb(s->in->data + s->pos, s->in->len - s->pos,
		       JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
	if (!v) {
		size_t at = s->pos + (e.position > 0 ? (size_t)e.position : 0);

		if (at >= s->in->len || strstr(e.text, "end of file") ||
		    strstr(e.text, "premature end"))
			fail_at(s, at, "truncated: %s", e.text);
		else
			fail_at(s, at, "%s", e.text);
		return NULL;
	}
	s->pos += (size_t)e.position;
	return v;
}

/* Skips an array or object without building it (for a deferred "ranges"). */
static int skip_container(struct scanner *s)
{
	const char *d = s->in->data;
	size_t depth = 0, start = s->pos;

	while (s->pos < s->in->len) {
		char c = d[s->pos++];

		if (c == '"') {
			while (s->pos < s->in->len && d[s->pos] != '"')
				s->pos += d[s->pos] == '\\' ? 2 : 1;
			s->pos++;
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

/* Gives already parsed pages of a mapped file back: RSS stays near the model size. */
static void release_consumed(struct scanner *s)
{
	const size_t chunk = 64u << 20;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t upto;

	if (!s->in->mapped || s->pos - s->released < chunk)
		return;
	upto = s->pos & ~(page - 1);
	madvise(s->in->data + s->released, upto - s->released, MADV_DONTNEED);
	s->released = upto;
}

static int parse_ranges(struct scanner *s, struct xesvm_model *m)
{
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
	for (;;) {
		struct xesvm_error range_err = { 0 };
		struct xesvm_range r;
		size_t at;
		json_t *obj;
		int rc;

		at = (skip_ws(s), s->pos);
		obj = parse_value(s);
		if (!obj)
			return -1;
		rc = xesvm_range_from_json(obj, &r, &range_err);
		json_decref(obj);
		if (rc) {
			const char *msg = range_err.msg;

			if (!strncmp(msg, "range: ", 7))
				msg += 7;
			fail_at(s, at, "ranges[%zu]: %s", index, msg);
			return -1;
		}
		if (xesvm_model_add_range(m, &r)) {
			xesvm_error_set(s->err, XESVM_E_SYSTEM, ENOMEM, "%s: out of memory",
					s->in->name);
			return -1;
		}
		index++;
		release_consumed(s);
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
	if (json_integer_value(v) < 1) {
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
	if (s->in->len == 0) {
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
		if (parse_ranges(s, m))
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
	struct input in = { 0 };
	struct scanner s = { .in = &in, .err = err };
	struct xesvm_model *m;

	*out = NULL;
	if (read_input(path, &in, err))
		return -1;
	m = xesvm_model_new();
	if (!m) {
		release_input(&in);
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	if (parse_document(&s, m)) {
		xesvm_model_free(m);
		release_input(&in);
		return -1;
	}
	release_input(&in);
	*out = m;
	return 0;
}
