// SPDX-License-Identifier: MIT
/*
 * One "ranges" element into a struct xesvm_range without jansson
 * (range_scanner.h). A million ranges are most of a large snapshot's
 * bytes; jansson builds, hashes and frees twenty values for each, seconds
 * for a million where this takes a fraction of a second. Anything this
 * scanner does not read exactly as jansson would goes back to jansson
 * (XESVM_SCAN_OTHER), which stays the one reader that words errors.
 *
 * It reads ranges of schema version 2 (page sets in "pages") and of
 * version 1 ("notifier_seq" and "pagemap" of the range itself, which
 * xesvm_range_pages_from_v1() turns into its page set, as the jansson
 * path does).
 *
 * The text ends with a NUL byte at @end: every loop stops at a byte it
 * does not expect, and NUL is one, so no loop checks the bounds itself;
 * a stop at @end means the element went on past the text read so far.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "model_internal.h"
#include "range_scanner.h"

/* The members of a range of either version, as bits of what was seen. */
enum member {
	M_DEVICE, M_VM, M_START, M_END, M_NOTIFIER_START, M_NOTIFIER_END, M_FLAGS,
	M_RESIDENCY, M_PAGES_COUNT, M_PAGES, M_TILE_PRESENT, M_TILE_INVALIDATED,
	M_NOTIFIER_SEQ, M_PAGEMAP,	/* version 1 only */
	M_COUNT,
};

static const struct {
	const char *key;
	size_t len;
	uint64_t max;	/* for integers: as xesvm_range_from_json() checks them */
} members[M_COUNT] = {
	[M_DEVICE] = { "device", 6, UINT32_MAX },
	[M_VM] = { "vm", 2, INT64_MAX },
	[M_START] = { "start", 5, INT64_MAX },
	[M_END] = { "end", 3, INT64_MAX },
	[M_NOTIFIER_START] = { "notifier_start", 14, INT64_MAX },
	[M_NOTIFIER_END] = { "notifier_end", 12, INT64_MAX },
	[M_FLAGS] = { "flags", 5, 0 },
	[M_RESIDENCY] = { "residency", 9, 0 },
	[M_PAGES_COUNT] = { "pages_count", 11, UINT32_MAX },
	[M_PAGES] = { "pages", 5, 0 },
	[M_TILE_PRESENT] = { "tile_present", 12, UINT32_MAX },
	[M_TILE_INVALIDATED] = { "tile_invalidated", 16, UINT32_MAX },
	[M_NOTIFIER_SEQ] = { "notifier_seq", 12, INT64_MAX },
	/* UINT32_MAX itself is the "none" marker, so it is not a valid id. */
	[M_PAGEMAP] = { "pagemap", 7, UINT32_MAX - 1 },
};

/* The members of each version, and the one writers put after each (xesvm-json(7)). */
#define BIT(m) (1u << (m))
static const unsigned int version_members[XESVM_SCHEMA_VERSION + 1] = {
	[1] = BIT(M_DEVICE) | BIT(M_VM) | BIT(M_START) | BIT(M_END) | BIT(M_NOTIFIER_START) |
	      BIT(M_NOTIFIER_END) | BIT(M_NOTIFIER_SEQ) | BIT(M_FLAGS) | BIT(M_RESIDENCY) |
	      BIT(M_PAGEMAP) | BIT(M_TILE_PRESENT) | BIT(M_TILE_INVALIDATED),
	[2] = BIT(M_DEVICE) | BIT(M_VM) | BIT(M_START) | BIT(M_END) | BIT(M_NOTIFIER_START) |
	      BIT(M_NOTIFIER_END) | BIT(M_FLAGS) | BIT(M_RESIDENCY) | BIT(M_PAGES_COUNT) |
	      BIT(M_PAGES) | BIT(M_TILE_PRESENT) | BIT(M_TILE_INVALIDATED),
};
static const enum member next_member[XESVM_SCHEMA_VERSION + 1][M_COUNT] = {
	[1] = {
		[M_DEVICE] = M_VM, [M_VM] = M_START, [M_START] = M_END,
		[M_END] = M_NOTIFIER_START, [M_NOTIFIER_START] = M_NOTIFIER_END,
		[M_NOTIFIER_END] = M_NOTIFIER_SEQ, [M_NOTIFIER_SEQ] = M_FLAGS,
		[M_FLAGS] = M_RESIDENCY, [M_RESIDENCY] = M_PAGEMAP, [M_PAGEMAP] = M_TILE_PRESENT,
		[M_TILE_PRESENT] = M_TILE_INVALIDATED, [M_TILE_INVALIDATED] = M_COUNT,
		[M_PAGES_COUNT] = M_COUNT, [M_PAGES] = M_COUNT,
	},
	[2] = {
		[M_DEVICE] = M_VM, [M_VM] = M_START, [M_START] = M_END,
		[M_END] = M_NOTIFIER_START, [M_NOTIFIER_START] = M_NOTIFIER_END,
		[M_NOTIFIER_END] = M_FLAGS, [M_FLAGS] = M_RESIDENCY,
		[M_RESIDENCY] = M_PAGES_COUNT, [M_PAGES_COUNT] = M_PAGES, [M_PAGES] = M_TILE_PRESENT,
		[M_TILE_PRESENT] = M_TILE_INVALIDATED, [M_TILE_INVALIDATED] = M_COUNT,
		[M_NOTIFIER_SEQ] = M_COUNT, [M_PAGEMAP] = M_COUNT,
	},
};

/* The members of a page set, in their order. */
enum page_member { P_DEVICE, P_FLAGS, P_PAGEMAP, P_NOTIFIER_SEQ, P_COUNT };

struct cursor {
	const char *p;
	const char *end;
	bool more;	/* stopped at @end: the element goes on past the text */
};

static inline bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Most files have no whitespace inside a range: one compare for those. */
static inline void skip_ws(struct cursor *c)
{
	if (!is_ws(*c->p)) {
		if (c->p == c->end)
			c->more = true;
		return;
	}
	while (is_ws(*c->p))
		c->p++;
	if (c->p == c->end)
		c->more = true;
}

/* The @n bytes at @a and @b are equal. Keys are short: a loop beats a call to memcmp(). */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
	while (n--)
		if (*a++ != *b++)
			return false;
	return true;
}

/*
 * A string without escapes or control bytes: *@s and *@n its bytes
 * between the quotes. False for anything else (jansson decodes those).
 */
static inline bool plain_string(struct cursor *c, const char **s, size_t *n)
{
	const char *p;

	if (*c->p != '"') {
		if (c->p == c->end)
			c->more = true;
		return false;
	}
	p = ++c->p;
	while ((unsigned char)*p >= 0x20 && *p != '"' && *p != '\\')
		p++;
	if (*p != '"') {
		if (p == c->end)
			c->more = true;
		return false;
	}
	*s = c->p;
	*n = (size_t)(p - c->p);
	c->p = p + 1;
	return true;
}

/* After a value: what JSON allows there, or the end of the text so far. */
static inline bool value_ends(struct cursor *c)
{
	char ch = *c->p;

	if (c->p == c->end) {
		c->more = true;
		return false;
	}
	return is_ws(ch) || ch == ',' || ch == '}';
}

/*
 * A JSON integer of 0..@max without sign, fraction or exponent: jansson
 * reads those as integers of the same value. 19 digits never overflow.
 */
static inline bool integer(struct cursor *c, uint64_t max, uint64_t *out)
{
	const char *p = c->p;
	uint64_t v = 0;

	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (*p >= '0' && *p <= '9') {
			if (p - c->p == 19)
				return false;
			v = v * 10 + (uint64_t)(*p++ - '0');
		}
	} else {
		if (p == c->end)
			c->more = true;
		return false;
	}
	c->p = p;
	if (!value_ends(c) || v > max)
		return false;
	*out = v;
	return true;
}

/* null (*@out = @none) or an integer of 0..@max. */
static inline bool integer_or_null(struct cursor *c, uint64_t max, uint64_t none, uint64_t *out)
{
	size_t i;

	if (*c->p != 'n')
		return integer(c, max, out);
	for (i = 1; i < 4; i++)
		if (c->p[i] != "null"[i]) {
			if (c->p + i == c->end)
				c->more = true;
			return false;
		}
	c->p += 4;
	*out = none;
	return value_ends(c);
}

/*
 * After an element of an array or a member of an object: ',' (true,
 * *@done false) or @close (true, *@done true), each read.
 */
static inline bool element_ends(struct cursor *c, char close, bool *done)
{
	skip_ws(c);
	if (*c->p == close) {
		c->p++;
		*done = true;
		return true;
	}
	if (*c->p != ',')
		return false;
	c->p++;
	*done = false;
	return true;
}

/* An array of flag names, each once, all of them among @allowed. */
static bool flags(struct cursor *c, uint32_t allowed, uint32_t *out)
{
	uint32_t bits = 0;
	bool done = false;

	if (*c->p != '[')
		return false;
	c->p++;
	skip_ws(c);
	if (*c->p == ']') {
		c->p++;
		*out = 0;
		return true;
	}
	for (;;) {
		const char *s;
		unsigned int bit;
		size_t n;

		if (!plain_string(c, &s, &n))
			return false;
		for (bit = 0; bit < XESVM_RANGE_FLAG_COUNT; bit++) {
			const char *name = xesvm_range_flag_name(bit);

			/* The first byte tells most names apart before a compare. */
			if (n && name[0] == s[0] && same_bytes(name, s, n) && !name[n])
				break;
		}
		/* Unknown, not allowed here, or given twice: an error jansson's path words. */
		if (bit == XESVM_RANGE_FLAG_COUNT || !(allowed & (1u << bit)) || (bits & (1u << bit)))
			return false;
		bits |= 1u << bit;
		if (!element_ends(c, ']', &done))
			return false;
		if (done) {
			*out = bits;
			return true;
		}
		skip_ws(c);
	}
}

/* The member named by the @n bytes at @key; M_COUNT for none. By length first: most are unique. */
static inline enum member member_of(const char *key, size_t n)
{
	enum member m = M_COUNT;

	switch (n) {
	case 2: m = M_VM; break;
	case 3: m = M_END; break;
	case 5: m = key[0] == 's' ? M_START : key[0] == 'f' ? M_FLAGS : M_PAGES; break;
	case 6: m = M_DEVICE; break;
	case 7: m = M_PAGEMAP; break;
	case 9: m = M_RESIDENCY; break;
	case 11: m = M_PAGES_COUNT; break;
	case 12:
		m = key[0] == 't' ? M_TILE_PRESENT : key[9] == 'e' ? M_NOTIFIER_END : M_NOTIFIER_SEQ;
		break;
	case 14: m = M_NOTIFIER_START; break;
	case 16: m = M_TILE_INVALIDATED; break;
	}
	/* The guess by length is then checked in full. */
	if (m == M_COUNT || members[m].len != n || !same_bytes(members[m].key, key, n))
		return M_COUNT;
	return m;
}

/*
 * Whether the key at @p is member @m's, quotes included, when at least
 * KEY_LOOKAHEAD bytes follow @p. Writers put the keys in the order of
 * xesvm-json(7), so the scanner first tries the key after the last one:
 * a compare of a constant string, which the compiler turns into a few
 * word compares, where reading the key and looking it up byte by byte
 * took most of the time.
 */
#define KEY_LOOKAHEAD 20
#define KEY_IS(p, lit) (!memcmp((p), "\"" lit "\"", sizeof(lit) + 1))
/* The bytes of key @lit with its quotes when it is at @p, else 0. */
#define KEY_AT(p, lit) (KEY_IS(p, lit) ? sizeof(lit) + 1 : 0)

static inline size_t expected_key(const char *p, enum member m)
{
	switch (m) {
	case M_DEVICE: return KEY_AT(p, "device");
	case M_VM: return KEY_AT(p, "vm");
	case M_START: return KEY_AT(p, "start");
	case M_END: return KEY_AT(p, "end");
	case M_NOTIFIER_START: return KEY_AT(p, "notifier_start");
	case M_NOTIFIER_END: return KEY_AT(p, "notifier_end");
	case M_FLAGS: return KEY_AT(p, "flags");
	case M_RESIDENCY: return KEY_AT(p, "residency");
	case M_PAGES_COUNT: return KEY_AT(p, "pages_count");
	case M_PAGES: return KEY_AT(p, "pages");
	case M_TILE_PRESENT: return KEY_AT(p, "tile_present");
	case M_TILE_INVALIDATED: return KEY_AT(p, "tile_invalidated");
	case M_NOTIFIER_SEQ: return KEY_AT(p, "notifier_seq");
	case M_PAGEMAP: return KEY_AT(p, "pagemap");
	default: return 0;
	}
}

static inline size_t expected_page_key(const char *p, enum page_member m)
{
	switch (m) {
	case P_DEVICE: return KEY_AT(p, "device");
	case P_FLAGS: return KEY_AT(p, "flags");
	case P_PAGEMAP: return KEY_AT(p, "pagemap");
	case P_NOTIFIER_SEQ: return KEY_AT(p, "notifier_seq");
	default: return 0;
	}
}

static inline enum page_member page_member_of(const char *key, size_t n)
{
	static const char *const keys[P_COUNT] = { "device", "flags", "pagemap", "notifier_seq" };
	enum page_member m;

	for (m = P_DEVICE; m < P_COUNT; m++)
		if (strlen(keys[m]) == n && same_bytes(keys[m], key, n))
			break;
	return m;
}

/*
 * The key of the next member of an object: the one @expected when it is
 * there (*@key_len 0), else any plain string. ':' and the whitespace
 * around the key are read too.
 */
static inline bool key_then_colon(struct cursor *c, size_t expected, const char **key,
				  size_t *key_len)
{
	skip_ws(c);
	if (expected) {
		c->p += expected;
		*key_len = 0;
	} else if (!plain_string(c, key, key_len)) {
		return false;
	}
	skip_ws(c);
	if (*c->p != ':')
		return false;
	c->p++;
	skip_ws(c);
	return true;
}

/* One page set object: its four members, each once. */
static bool page_set(struct cursor *c, struct xesvm_range_pages *p)
{
	enum page_member next = P_DEVICE;
	unsigned int seen = 0;
	bool done = false;
	uint64_t v;

	if (*c->p != '{')
		return false;
	c->p++;
	while (!done) {
		enum page_member m;
		const char *key = NULL;
		size_t n, expected;

		skip_ws(c);
		expected = c->end - c->p >= KEY_LOOKAHEAD ? expected_page_key(c->p, next) : 0;
		if (!key_then_colon(c, expected, &key, &n))
			return false;
		m = expected ? next : page_member_of(key, n);
		/* Unknown keys (ignored by jansson's path) and duplicates (refused): jansson's business. */
		if (m == P_COUNT || (seen & (1u << m)))
			return false;
		seen |= 1u << m;
		next = (enum page_member)(m + 1);
		switch (m) {
		case P_DEVICE:
			if (!integer_or_null(c, UINT32_MAX - 1, XESVM_DEVICE_NONE, &v))
				return false;
			p->device = (uint32_t)v;
			break;
		case P_FLAGS:
			if (!flags(c, XESVM_RANGE_PAGES_FLAGS, &p->flags))
				return false;
			break;
		case P_PAGEMAP:
			if (!integer_or_null(c, UINT32_MAX - 1, XESVM_PAGEMAP_NONE, &v))
				return false;
			p->pagemap = (uint32_t)v;
			break;
		default:
			if (!integer_or_null(c, INT64_MAX, XESVM_NOTIFIER_SEQ_NONE, &p->notifier_seq))
				return false;
			break;
		}
		if (!element_ends(c, '}', &done))
			return false;
	}
	return seen == (1u << P_COUNT) - 1;
}

/* The "pages" array: at most XESVM_RANGE_PAGES_MAX page sets. */
static bool page_sets(struct cursor *c, struct xesvm_range_pages *sets, unsigned int *n)
{
	bool done = false;

	*n = 0;
	if (*c->p != '[')
		return false;
	c->p++;
	skip_ws(c);
	if (*c->p == ']') {
		c->p++;
		return true;
	}
	for (;;) {
		if (*n == XESVM_RANGE_PAGES_MAX || !page_set(c, &sets[*n]))
			return false;
		(*n)++;
		if (!element_ends(c, ']', &done))
			return false;
		if (done)
			return true;
		skip_ws(c);
	}
}

/* What one range holds while it is read. */
struct scanned {
	struct xesvm_range r;
	uint32_t flags;
	uint64_t v1_seq;
	uint32_t v1_pagemap;
	unsigned int nsets;
	const char *residency;
	size_t residency_len;
};

static bool member_value(struct cursor *c, enum member m, struct scanned *s,
			 struct xesvm_range_pages *sets)
{
	uint64_t v = 0;

	switch (m) {
	case M_FLAGS:
		return flags(c, (1u << XESVM_RANGE_FLAG_COUNT) - 1, &s->flags);
	case M_RESIDENCY:
		return plain_string(c, &s->residency, &s->residency_len);
	case M_PAGES:
		return page_sets(c, sets, &s->nsets);
	case M_PAGEMAP:
		if (!integer_or_null(c, members[m].max, XESVM_PAGEMAP_NONE, &v))
			return false;
		s->v1_pagemap = (uint32_t)v;
		return true;
	default:
		if (!integer(c, members[m].max, &v))
			return false;
		break;
	}
	switch (m) {
	case M_DEVICE: s->r.device = (uint32_t)v; break;
	case M_VM: s->r.vm = v; break;
	case M_START: s->r.start = v; break;
	case M_END: s->r.end = v; break;
	case M_NOTIFIER_START: s->r.notifier_start = v; break;
	case M_NOTIFIER_END: s->r.notifier_end = v; break;
	case M_PAGES_COUNT: s->r.pages_count = (uint32_t)v; break;
	case M_TILE_PRESENT: s->r.tile_present = (uint32_t)v; break;
	case M_TILE_INVALIDATED: s->r.tile_invalidated = (uint32_t)v; break;
	case M_NOTIFIER_SEQ: s->v1_seq = v; break;
	default: break;
	}
	return true;
}

/* What xesvm_range_from_json_version() checks once every member is read. */
static bool consistent(struct scanned *s, int version, struct xesvm_range_pages *sets)
{
	const char *want;
	unsigned int i;

	if (s->r.end <= s->r.start)
		return false;
	s->r.flags = (uint16_t)s->flags;
	if (version == 1) {
		xesvm_range_pages_from_v1(&s->r, s->v1_seq, s->v1_pagemap);
	} else {
		if (s->nsets > s->r.pages_count)
			return false;
		for (i = 0; i < s->nsets; i++)
			if (sets[i].flags & ~s->flags)
				return false;
		if (xesvm_range_set_pages(&s->r, sets, s->nsets))
			return false;
	}
	/* "residency" must say what the flags say; else jansson's path explains. */
	want = xesvm_residency_name(xesvm_range_residency(&s->r));
	return strlen(want) == s->residency_len && same_bytes(want, s->residency, s->residency_len);
}

static enum xesvm_scan_result scan(struct cursor *c, int version, struct scanned *s,
				   struct xesvm_range_pages *sets)
{
	enum member next = M_DEVICE;
	unsigned int seen = 0;
	bool done = false;

	if (*c->p != '{')
		return XESVM_SCAN_OTHER;
	c->p++;
	while (!done) {
		const char *key = NULL;
		size_t n, expected;
		enum member m;

		skip_ws(c);
		expected = c->end - c->p >= KEY_LOOKAHEAD ? expected_key(c->p, next) : 0;
		if (!key_then_colon(c, expected, &key, &n))
			return XESVM_SCAN_OTHER;
		m = expected ? next : member_of(key, n);
		/*
		 * Unknown keys (ignored by jansson's path; so are the keys of the
		 * other version) and duplicates (refused): jansson's business.
		 */
		if (m == M_COUNT || !(version_members[version] & BIT(m)) || (seen & BIT(m)))
			return XESVM_SCAN_OTHER;
		seen |= BIT(m);
		next = next_member[version][m];
		if (!member_value(c, m, s, sets) || !element_ends(c, '}', &done))
			return XESVM_SCAN_OTHER;
	}
	if (seen != version_members[version] || !consistent(s, version, sets))
		return XESVM_SCAN_OTHER;
	return XESVM_SCAN_OK;
}

bool xesvm_range_scanner_enabled = true;

enum xesvm_scan_result xesvm_scan_range(const char *text, const char *end, int version,
					struct xesvm_range *r,
					struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX],
					size_t *used)
{
	struct cursor c = { .p = text, .end = end };
	struct scanned s = { .r = { 0 } };
	enum xesvm_scan_result res;

	if (version < XESVM_SCHEMA_VERSION_OLDEST || version > XESVM_SCHEMA_VERSION)
		return XESVM_SCAN_OTHER;
	res = scan(&c, version, &s, sets);
	if (res == XESVM_SCAN_OK) {
		*r = s.r;
		*used = (size_t)(c.p - text);
		return res;
	}
	return c.more || c.p >= end ? XESVM_SCAN_MORE : XESVM_SCAN_OTHER;
}
