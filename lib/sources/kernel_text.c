/* SPDX-License-Identifier: MIT */
/*
 * Parsers for the text the kernel prints about xe devices:
 *
 *   gtN/stats          xe_gt_stats.c:xe_gt_stats_print_info()  "%s: %lld\n"
 *   client-N/proc_info drm_debugfs.c:drm_debugfs_proc_info_show()
 *   /proc/PID/fdinfo/N fs/proc/fd.c:seq_show() + drm_file.c:drm_show_fdinfo()
 *                      + xe_drm_client.c:xe_drm_client_fdinfo()
 *   dri/N/name         drm_debugfs.c:drm_name_info()
 *   /proc/PID/maps     fs/proc/task_mmu.c:show_map_vma()
 *
 * All of them take a length-bounded buffer (no NUL terminator needed: the
 * fuzzers feed raw bytes) and report the first problem with its line
 * number. Problems are XESVM_E_SYSTEM: the kernel gave us data we cannot
 * trust, which is not something the user typed wrong.
 *
 * The kernel always ends every line with '\n', so a final line without
 * one means the read was cut short (a short read, a file copied while
 * being written): it is rejected rather than parsed, because a cut number
 * ("tlb_inval_count: 12" of 1234) would otherwise be silently wrong.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "xesvm.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Decimal digits only (no sign, no spaces); false on empty or > UINT64_MAX. */
static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		unsigned int d;

		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned int)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int oom(struct xesvm_error *err)
{
	xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
	return -1;
}

/* ------------------------------------------------------------------ */
/* gtN/stats                                                           */
/* ------------------------------------------------------------------ */

static bool is_stat_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

int xesvm_parse_gt_stats(const char *text, size_t len, json_t **out,
			 struct xesvm_error *err)
{
	struct xesvm_lines r;
	struct xesvm_line l;
	char ex[XESVM_EXCERPT_SIZE];
	json_t *stats;

	*out = NULL;
	stats = json_object();
	if (!stats)
		return oom(err);

	xesvm_lines_init(&r, text, len);
	while (xesvm_lines_next(&r, &l)) {
		size_t name_len = 0, v;
		char name[128];
		uint64_t value;
		bool negative = false;

		while (name_len < l.len && is_stat_name_char(l.text[name_len]))
			name_len++;
		if (name_len == 0 || name_len >= sizeof(name) ||
		    name_len >= l.len || l.text[name_len] != ':') {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: not a \"name: value\" counter line: \"%s\"",
					r.lineno, xesvm_excerpt(l.text, l.len, ex, sizeof(ex)));
			goto fail;
		}
		memcpy(name, l.text, name_len);
		name[name_len] = '\0';
		if (!l.terminated) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: counter %s is truncated (no newline at end of input)",
					r.lineno, name);
			goto fail;
		}
		/* xe prints exactly one space after the colon; accept any blanks. */
		v = name_len + 1;
		while (v < l.len && is_space(l.text[v]))
			v++;
		if (v == name_len + 1 && v < l.len) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: counter %s: no blank after the colon: \"%s\"",
					r.lineno, name, xesvm_excerpt(l.text, l.len, ex, sizeof(ex)));
			goto fail;
		}
		if (v < l.len && l.text[v] == '-') {
			negative = true;
			v++;
		}
		if (!all_digits(l.text + v, l.len - v)) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: counter %s: value is not a decimal integer: \"%s\"",
					r.lineno, name, xesvm_excerpt(l.text, l.len, ex, sizeof(ex)));
			goto fail;
		}
		/*
		 * The counters are u64 printed with %lld: 2^63 and above come
		 * out negative. Wrapping them back would guess; refuse instead.
		 */
		if (negative) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: counter %s is negative (%s): xe printed a u64 of 2^63 or more with %%lld",
					r.lineno, name, xesvm_excerpt(l.text + v - 1, l.len - v + 1, ex, sizeof(ex)));
			goto fail;
		}
		if (!parse_u64(l.text + v, l.len - v, &value) || value > INT64_MAX) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: counter %s overflows a signed 64-bit integer (%s)",
					r.lineno, name, xesvm_excerpt(l.text + v, l.len - v, ex, sizeof(ex)));
			goto fail;
		}
		/* xe prints each counter once: a repeat means corrupt input. */
		if (json_object_get(stats, name)) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: counter %s appears twice", r.lineno, name);
			goto fail;
		}
		if (json_object_set_new(stats, name, json_integer((json_int_t)value))) {
			oom(err);
			goto fail;
		}
	}
	if (json_object_size(stats) == 0) {
		/* xe always prints every counter; nothing at all is a failed read. */
		xesvm_error_set(err, XESVM_E_SYSTEM, 0, "no counters (empty input)");
		goto fail;
	}
	*out = stats;
	return 0;
fail:
	json_decref(stats);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Shared "key: value" splitting (proc_info, fdinfo)                   */
/* ------------------------------------------------------------------ */

/*
 * Splits "key:<blanks>value". The key must be non-empty and free of
 * blanks (drm-usage-stats.rst: keys contain no whitespace); leading blanks
 * of the value are skipped, as the same document asks parsers to do.
 */
static bool split_key_value(const struct xesvm_line *l, size_t *key_len,
			    const char **value, size_t *value_len)
{
	const char *colon = memchr(l->text, ':', l->len);
	size_t k, v;

	if (!colon || colon == l->text)
		return false;
	k = (size_t)(colon - l->text);
	for (v = 0; v < k; v++)
		if (is_space(l->text[v]) || l->text[v] == '\0')
			return false;
	v = k + 1;
	while (v < l->len && is_space(l->text[v]))
		v++;
	*key_len = k;
	*value = l->text + v;
	*value_len = l->len - v;
	return true;
}

static bool key_is(const struct xesvm_line *l, size_t key_len, const char *key)
{
	return strlen(key) == key_len && memcmp(l->text, key, key_len) == 0;
}

/* ------------------------------------------------------------------ */
/* dri/client-N/proc_info                                              */
/* ------------------------------------------------------------------ */

int xesvm_parse_proc_info(const char *text, size_t len, json_t **out,
			  struct xesvm_error *err)
{
	struct xesvm_lines r;
	struct xesvm_line l;
	char ex[XESVM_EXCERPT_SIZE];
	uint64_t pid = 0;
	const char *comm = NULL;
	size_t comm_len = 0;
	unsigned int pid_line = 0, comm_line = 0;
	json_t *info;

	*out = NULL;
	xesvm_lines_init(&r, text, len);
	while (xesvm_lines_next(&r, &l)) {
		const char *value;
		size_t key_len, value_len;

		if (!split_key_value(&l, &key_len, &value, &value_len)) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: not a \"key: value\" line: \"%s\"",
					r.lineno, xesvm_excerpt(l.text, l.len, ex, sizeof(ex)));
			return -1;
		}
		if (!l.terminated) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: truncated (no newline at end of input)",
					r.lineno);
			return -1;
		}
		if (key_is(&l, key_len, "pid")) {
			if (pid_line) {
				xesvm_error_set(err, XESVM_E_SYSTEM, 0,
						"line %u: pid appears twice (first on line %u)",
						r.lineno, pid_line);
				return -1;
			}
			if (!parse_u64(value, value_len, &pid) || pid > INT32_MAX) {
				xesvm_error_set(err, XESVM_E_SYSTEM, 0,
						"line %u: pid is not a process id: \"%s\"",
						r.lineno, xesvm_excerpt(value, value_len, ex, sizeof(ex)));
				return -1;
			}
			pid_line = r.lineno;
		} else if (key_is(&l, key_len, "comm")) {
			if (comm_line) {
				xesvm_error_set(err, XESVM_E_SYSTEM, 0,
						"line %u: comm appears twice (first on line %u)",
						r.lineno, comm_line);
				return -1;
			}
			comm = value;
			comm_len = value_len;
			comm_line = r.lineno;
		}
		/* Other keys: a newer kernel may add some; they are not ours. */
	}
	if (!pid_line || !comm_line) {
		xesvm_error_set(err, XESVM_E_SYSTEM, 0, "no %s line",
				!pid_line ? "pid" : "comm");
		return -1;
	}

	info = json_object();
	if (!info)
		return oom(err);
	/*
	 * drm_debugfs_proc_info_show() prints "pid: 0" and "comm: Unset"
	 * when the process is gone: that is unknown, not pid 0.
	 */
	if (json_object_set_new(info, "pid", pid ? json_integer((json_int_t)pid) : json_null()) ||
	    json_object_set_new(info, "comm", pid ? xesvm_kernel_string(comm, comm_len) : json_null())) {
		json_decref(info);
		return oom(err);
	}
	*out = info;
	return 0;
}

/* ------------------------------------------------------------------ */
/* /proc/PID/fdinfo/FD                                                 */
/* ------------------------------------------------------------------ */

static const char *const memory_stats[] = {
	"total", "shared", "resident", "active", "purgeable",
};
#define MEMORY_STAT_COUNT (sizeof(memory_stats) / sizeof(memory_stats[0]))

/* "123", "123 KiB", "123 MiB" (drm_fdinfo_print_size()) -> bytes. */
static bool parse_size(const char *s, size_t n, uint64_t *bytes)
{
	size_t digits = 0, rest;
	unsigned int shift = 0;
	uint64_t v;

	while (digits < n && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (!parse_u64(s, digits, &v))
		return false;
	rest = digits;
	while (rest < n && is_space(s[rest]))
		rest++;
	if (rest < n) {
		if (rest == digits)
			return false;	/* unit glued to the number */
		if (n - rest == 3 && !memcmp(s + rest, "KiB", 3))
			shift = 10;
		else if (n - rest == 3 && !memcmp(s + rest, "MiB", 3))
			shift = 20;
		else if (n - rest == 3 && !memcmp(s + rest, "GiB", 3))
			shift = 30;
		else
			return false;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*bytes = v << shift;
	return *bytes <= INT64_MAX;
}

/* The memory object of @region in @memory, created with all stats null. */
static json_t *region_object(json_t *memory, const char *region, size_t n)
{
	char name[64];
	json_t *obj;
	size_t i;

	if (n >= sizeof(name))
		return NULL;
	memcpy(name, region, n);
	name[n] = '\0';
	obj = json_object_get(memory, name);
	if (obj)
		return obj;
	obj = json_object();
	if (!obj)
		return NULL;
	for (i = 0; i < MEMORY_STAT_COUNT; i++)
		json_object_set_new(obj, memory_stats[i], json_null());
	if (json_object_set_new(memory, name, obj))
		return NULL;
	return obj;
}

static bool valid_region_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= 64)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

/* "aaaa:bb:cc.d" as drm_show_fdinfo() prints it. */
static bool valid_pci_bdf(const char *s, size_t n)
{
	static const char pattern[] = "xxxx:xx:xx.x";
	size_t i;

	if (n != sizeof(pattern) - 1)
		return false;
	for (i = 0; i < n; i++) {
		if (pattern[i] == 'x' ? !isxdigit((unsigned char)s[i]) : s[i] != pattern[i])
			return false;
	}
	return true;
}

/*
 * One "drm-..." line. Returns 0, or -1 with @err set. Keys that are not
 * about identity or memory (engine time, cycles, capacity, maxfreq,
 * driver-private keys) are valid but not part of the model.
 */
static int fdinfo_drm_line(json_t *obj, json_t *memory, json_t *seen,
			   const struct xesvm_line *l, unsigned int lineno,
			   struct xesvm_error *err)
{
	char ex[XESVM_EXCERPT_SIZE], key[128];
	const char *value;
	size_t key_len, value_len, i;
	uint64_t number;

	if (!split_key_value(l, &key_len, &value, &value_len)) {
		xesvm_error_set(err, XESVM_E_SYSTEM, 0,
				"line %u: not a \"key: value\" line: \"%s\"",
				lineno, xesvm_excerpt(l->text, l->len, ex, sizeof(ex)));
		return -1;
	}
	if (key_len >= sizeof(key)) {
		xesvm_error_set(err, XESVM_E_SYSTEM, 0, "line %u: key too long: \"%s\"",
				lineno, xesvm_excerpt(l->text, key_len, ex, sizeof(ex)));
		return -1;
	}
	memcpy(key, l->text, key_len);
	key[key_len] = '\0';
	/* drm_show_fdinfo() and the driver print each key once per fd. */
	if (json_object_get(seen, key)) {
		xesvm_error_set(err, XESVM_E_SYSTEM, 0,
				"line %u: %s appears twice (first on line %" JSON_INTEGER_FORMAT ")",
				lineno, key, json_integer_value(json_object_get(seen, key)));
		return -1;
	}
	if (json_object_set_new(seen, key, json_integer(lineno)))
		return oom(err);

	if (!strcmp(key, "drm-driver")) {
		if (value_len == 0) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0, "line %u: empty drm-driver", lineno);
			return -1;
		}
		return json_object_set_new(obj, "driver", xesvm_kernel_string(value, value_len)) ? oom(err) : 0;
	}
	if (!strcmp(key, "drm-client-id")) {
		if (!parse_u64(value, value_len, &number) || number > INT64_MAX) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: drm-client-id is not an unsigned integer: \"%s\"",
					lineno, xesvm_excerpt(value, value_len, ex, sizeof(ex)));
			return -1;
		}
		return json_object_set_new(obj, "client_id", json_integer((json_int_t)number)) ? oom(err) : 0;
	}
	if (!strcmp(key, "drm-pdev")) {
		if (!valid_pci_bdf(value, value_len)) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: drm-pdev is not a PCI address: \"%s\"",
					lineno, xesvm_excerpt(value, value_len, ex, sizeof(ex)));
			return -1;
		}
		return json_object_set_new(obj, "pdev", json_stringn(value, value_len)) ? oom(err) : 0;
	}
	if (!strcmp(key, "drm-client-name"))
		return json_object_set_new(obj, "client_name", xesvm_kernel_string(value, value_len)) ? oom(err) : 0;

	/* drm-total-cycles-<engine> is engine time, not a region called "cycles-...". */
	if (!strncmp(key, "drm-total-cycles-", 17))
		return 0;
	for (i = 0; i < MEMORY_STAT_COUNT + 1; i++) {
		/* drm-memory-<region>: amdgpu's deprecated alias of drm-resident-. */
		const char *stat = i < MEMORY_STAT_COUNT ? memory_stats[i] : "memory";
		size_t stat_len = strlen(stat);
		const char *region;
		size_t region_len;
		json_t *robj;

		if (key_len < 4 + stat_len + 1 || memcmp(key + 4, stat, stat_len) ||
		    key[4 + stat_len] != '-')
			continue;
		region = key + 4 + stat_len + 1;
		region_len = key_len - (4 + stat_len + 1);
		if (!valid_region_name(region, region_len)) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: %s: bad memory region name", lineno, key);
			return -1;
		}
		if (!parse_size(value, value_len, &number)) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: %s is not a size (\"N\", \"N KiB\" or \"N MiB\" within 2^63 bytes): \"%s\"",
					lineno, key, xesvm_excerpt(value, value_len, ex, sizeof(ex)));
			return -1;
		}
		robj = region_object(memory, region, region_len);
		if (!robj)
			return oom(err);
		if (i == MEMORY_STAT_COUNT) {
			/* The alias fills "resident" only when the real key is absent. */
			if (json_is_null(json_object_get(robj, "resident")))
				return json_object_set_new(robj, "resident",
							   json_integer((json_int_t)number)) ? oom(err) : 0;
			return 0;
		}
		return json_object_set_new(robj, stat, json_integer((json_int_t)number)) ? oom(err) : 0;
	}
	return 0;
}

int xesvm_parse_fdinfo(const char *text, size_t len, json_t **out,
		       struct xesvm_error *err)
{
	struct xesvm_lines r;
	struct xesvm_line l;
	json_t *obj, *memory, *seen;

	*out = NULL;
	obj = json_object();
	memory = json_object();
	seen = json_object();
	if (!obj || !memory || !seen) {
		json_decref(obj);
		json_decref(memory);
		json_decref(seen);
		return oom(err);
	}
	if (json_object_set_new(obj, "driver", json_null()) ||
	    json_object_set_new(obj, "client_id", json_null()) ||
	    json_object_set_new(obj, "pdev", json_null()) ||
	    json_object_set_new(obj, "client_name", json_null()) ||
	    json_object_set(obj, "memory", memory)) {
		oom(err);
		goto fail;
	}

	/*
	 * Lines that do not start with "drm-" belong to the VFS (pos, flags,
	 * mnt_id, ino) or to other file types (epoll "tfd:", inotify, ...):
	 * their format is not ours to judge, so they are skipped. Only DRM
	 * fds print "drm-" keys, so a cut "drm-" line is a cut DRM fdinfo.
	 */
	xesvm_lines_init(&r, text, len);
	while (xesvm_lines_next(&r, &l)) {
		if (l.len < 4 || memcmp(l.text, "drm-", 4))
			continue;
		if (!l.terminated) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: truncated (no newline at end of input)",
					r.lineno);
			goto fail;
		}
		if (fdinfo_drm_line(obj, memory, seen, &l, r.lineno, err))
			goto fail;
	}
	if (json_object_size(seen) == 0) {
		/* Not a DRM fd. */
		json_decref(obj);
		obj = NULL;
	} else if (json_is_null(json_object_get(obj, "driver"))) {
		/* drm_show_fdinfo() prints drm-driver first, always. */
		xesvm_error_set(err, XESVM_E_SYSTEM, 0, "DRM keys without a drm-driver line");
		goto fail;
	}
	json_decref(memory);
	json_decref(seen);
	*out = obj;
	return 0;
fail:
	json_decref(obj);
	json_decref(memory);
	json_decref(seen);
	return -1;
}

/* ------------------------------------------------------------------ */
/* dri/N/name                                                          */
/* ------------------------------------------------------------------ */

int xesvm_parse_dri_name(const char *text, size_t len, json_t **out,
			 struct xesvm_error *err)
{
	static const char *const fields[] = { "dev", "master", "unique" };
	char ex[XESVM_EXCERPT_SIZE];
	struct xesvm_lines r;
	struct xesvm_line l, extra;
	json_t *obj;
	size_t pos = 0, next_field = 0, i;

	*out = NULL;
	xesvm_lines_init(&r, text, len);
	if (!xesvm_lines_next(&r, &l)) {
		xesvm_error_set(err, XESVM_E_SYSTEM, 0, "empty input");
		return -1;
	}
	if (!l.terminated) {
		xesvm_error_set(err, XESVM_E_SYSTEM, 0,
				"line 1: truncated (no newline at end of input)");
		return -1;
	}
	if (xesvm_lines_next(&r, &extra)) {
		xesvm_error_set(err, XESVM_E_SYSTEM, 0,
				"line 2: unexpected text after the name line: \"%s\"",
				xesvm_excerpt(extra.text, extra.len, ex, sizeof(ex)));
		return -1;
	}

	obj = json_object();
	if (!obj)
		return oom(err);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		json_object_set_new(obj, fields[i], json_null());

	/* drm_name_info(): "%s" driver, then " dev=", " master=", " unique=" in order. */
	while (pos < l.len && l.text[pos] != ' ')
		pos++;
	if (pos == 0) {
		xesvm_error_set(err, XESVM_E_SYSTEM, 0,
				"line 1: no driver name: \"%s\"", xesvm_excerpt(l.text, l.len, ex, sizeof(ex)));
		goto fail;
	}
	if (json_object_set_new(obj, "driver", xesvm_kernel_string(l.text, pos))) {
		oom(err);
		goto fail;
	}
	while (pos < l.len) {
		size_t start = ++pos, end, eq;
		const char *tok;

		while (pos < l.len && l.text[pos] != ' ')
			pos++;
		end = pos;
		tok = l.text + start;
		for (eq = 0; start + eq < end && tok[eq] != '='; eq++)
			;
		for (i = next_field; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (strlen(fields[i]) == eq && !memcmp(tok, fields[i], eq))
				break;
		if (start + eq >= end || i == sizeof(fields) / sizeof(fields[0]) ||
		    eq + 1 == end - start) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line 1: expected \"dev=\", \"master=\" or \"unique=\" (in that order) at \"%s\"",
					xesvm_excerpt(tok, end - start, ex, sizeof(ex)));
			goto fail;
		}
		if (json_object_set_new(obj, fields[i],
					xesvm_kernel_string(tok + eq + 1, end - start - eq - 1))) {
			oom(err);
			goto fail;
		}
		next_field = i + 1;
	}
	*out = obj;
	return 0;
fail:
	json_decref(obj);
	return -1;
}

/* ------------------------------------------------------------------ */
/* /proc/PID/maps                                                      */
/* ------------------------------------------------------------------ */

/*
 * Lower-case hex as seq_put_hex_ll() prints it: at least @min_digits
 * (zero padded), at most 16. Advances *pos past the digits.
 */
static bool parse_hex_field(const struct xesvm_line *l, size_t *pos, size_t min_digits,
			    uint64_t *out)
{
	size_t i = *pos, n = 0;
	uint64_t v = 0;

	while (i < l->len && n <= 16) {
		char c = l->text[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else
			break;
		v = v << 4 | d;
		i++;
		n++;
	}
	if (n < min_digits || n > 16)
		return false;
	*pos = i;
	*out = v;
	return true;
}

static bool expect_char(const struct xesvm_line *l, size_t *pos, char c)
{
	if (*pos >= l->len || l->text[*pos] != c)
		return false;
	(*pos)++;
	return true;
}

/*
 * One line of show_map_vma():
 *   "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu " then, when the VMA has a
 *   name (file path, [heap], [anon:NAME], ...), spaces up to column 73 and
 *   the name. An unnamed VMA ends right after the space behind the inode.
 */
static json_t *maps_line(const struct xesvm_line *l, unsigned int lineno,
			 uint64_t prev_end, struct xesvm_error *err)
{
	static const char perm_set[4][2] = { {'r', '-'}, {'w', '-'}, {'x', '-'}, {'s', 'p'} };
	uint64_t start, end, offset, major, minor, inode;
	char ex[XESVM_EXCERPT_SIZE], perms[5], dev[32];
	size_t pos = 0, ino_start, i;
	const char *what;
	json_t *obj, *path;

	what = "start address";
	if (!parse_hex_field(l, &pos, 8, &start))
		goto bad;
	what = "'-' and end address";
	if (!expect_char(l, &pos, '-') || !parse_hex_field(l, &pos, 8, &end))
		goto bad;
	what = "permissions (r/-, w/-, x/-, s/p)";
	if (!expect_char(l, &pos, ' ') || l->len - pos < 4)
		goto bad;
	for (i = 0; i < 4; i++) {
		char c = l->text[pos + i];

		if (c != perm_set[i][0] && c != perm_set[i][1])
			goto bad;
		perms[i] = c;
	}
	perms[4] = '\0';
	pos += 4;
	what = "file offset";
	if (!expect_char(l, &pos, ' ') || !parse_hex_field(l, &pos, 8, &offset))
		goto bad;
	/* MAJOR() is 12 bits, MINOR() 20: at most 3 and 5 hex digits. */
	what = "device (major:minor)";
	if (!expect_char(l, &pos, ' ') || !parse_hex_field(l, &pos, 2, &major) ||
	    !expect_char(l, &pos, ':') || !parse_hex_field(l, &pos, 2, &minor) ||
	    major > 0xfff || minor > 0xfffff)
		goto bad;
	what = "inode";
	if (!expect_char(l, &pos, ' '))
		goto bad;
	ino_start = pos;
	while (pos < l->len && l->text[pos] >= '0' && l->text[pos] <= '9')
		pos++;
	if (!parse_u64(l->text + ino_start, pos - ino_start, &inode))
		goto bad;
	what = "space after the inode";
	if (!expect_char(l, &pos, ' '))
		goto bad;
	if (pos < l->len) {
		/* seq_pad(): padding only ever comes before a name. */
		while (pos < l->len && l->text[pos] == ' ')
			pos++;
		what = "name after the padding";
		if (pos == l->len)
			goto bad;
	}
	if (start >= end) {
		xesvm_error_set(err, XESVM_E_SYSTEM, 0,
				"line %u: empty or reversed mapping %" PRIx64 "-%" PRIx64,
				lineno, start, end);
		return NULL;
	}
	if (start < prev_end) {
		xesvm_error_set(err, XESVM_E_SYSTEM, 0,
				"line %u: mapping at %" PRIx64 " overlaps or precedes the previous one (ends %" PRIx64 ")",
				lineno, start, prev_end);
		return NULL;
	}
	snprintf(dev, sizeof(dev), "%02" PRIx64 ":%02" PRIx64, major, minor);
	path = pos < l->len ? xesvm_kernel_string(l->text + pos, l->len - pos) : json_null();
	obj = json_pack("{s:I,s:I,s:s,s:I,s:s,s:I,s:o*}",
			"start", (json_int_t)start, "end", (json_int_t)end,
			"perms", perms, "offset", (json_int_t)offset, "dev", dev,
			"inode", (json_int_t)inode, "path", path);
	if (!obj || !path) {
		json_decref(obj);
		oom(err);
		return NULL;
	}
	return obj;
bad:
	xesvm_error_set(err, XESVM_E_SYSTEM, 0,
			"line %u: bad %s in maps line: \"%s\"", lineno, what,
			xesvm_excerpt(l->text, l->len, ex, sizeof(ex)));
	return NULL;
}

int xesvm_parse_proc_maps(const char *text, size_t len, json_t **out,
			  struct xesvm_error *err)
{
	struct xesvm_lines r;
	struct xesvm_line l;
	json_t *obj, *mappings;
	uint64_t prev_end = 0;

	*out = NULL;
	obj = json_object();
	mappings = json_array();
	if (!obj || !mappings || json_object_set(obj, "mappings", mappings)) {
		json_decref(obj);
		json_decref(mappings);
		return oom(err);
	}
	xesvm_lines_init(&r, text, len);
	while (xesvm_lines_next(&r, &l)) {
		json_t *m;

		if (!l.terminated) {
			xesvm_error_set(err, XESVM_E_SYSTEM, 0,
					"line %u: truncated (no newline at end of input)",
					r.lineno);
			goto fail;
		}
		m = maps_line(&l, r.lineno, prev_end, err);
		if (!m)
			goto fail;
		prev_end = (uint64_t)json_integer_value(json_object_get(m, "end"));
		if (json_array_append_new(mappings, m)) {
			oom(err);
			goto fail;
		}
	}
	json_decref(mappings);
	*out = obj;
	return 0;
fail:
	json_decref(mappings);
	json_decref(obj);
	return -1;
}

json_t *xesvm_proc_maps_find(const json_t *maps, uint64_t addr)
{
	json_t *mappings = json_object_get(maps, "mappings");
	size_t lo = 0, hi = json_array_size(mappings);

	/* Sorted and disjoint: the parser checked. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		json_t *m = json_array_get(mappings, mid);
		uint64_t start = (uint64_t)json_integer_value(json_object_get(m, "start"));
		uint64_t end = (uint64_t)json_integer_value(json_object_get(m, "end"));

		if (addr < start)
			hi = mid;
		else if (addr >= end)
			lo = mid + 1;
		else
			return m;
	}
	return NULL;
}
