// SPDX-License-Identifier: MIT
/*
 * One "ranges" element into a struct xesvm_range without jansson
 * (range_scanner.h). A million ranges are most of a large snapshot's
 * bytes; jansson builds, hashes and frees fourteen values for each, about
 * 7 s for a million where this takes a fraction of a second. Anything this
 * scanner does not read exactly as jansson would goes back to jansson
 * (XESVM_SCAN_OTHER), which stays the one reader that words errors.
 *
 * The text ends with a NUL byte at @end: every loop stops at a byte it
 * does not expect, and NUL is one, so no loop checks the bounds itself;
 * a stop at @end means the element went on past the text read so far.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "range_scanner.h"

/* The members, as bits of what was seen, in xesvm-json(7)'s order. */
enum member {
	M_DEVICE, M_VM, M_START, M_END, M_NOTIFIER_START, M_NOTIFIER_END, M_NOTIFIER_SEQ,
	M_FLAGS, M_RESIDENCY, M_PAGEMAP, M_TILE_PRESENT, M_TILE_INVALIDATED, M_COUNT,
};

static const struct {
	const char *key;
	size_t len;
	uint64_t max;	/* for integers: as xesvm_range_from_json() checks them */
} members[M_COUNT] = {
	[M_DEVICE] = { "device", 6, UINT32_MAX },
	[M_VM] = { "vm", 2, UINT32_MAX },
	[M_START] = { "start", 5, INT64_MAX },
	[M_END] = { "end", 3, INT64_MAX },
	[M_NOTIFIER_START] = { "notifier_start", 14, INT64_MAX },
	[M_NOTIFIER_END] = { "notifier_end", 12, INT64_MAX },
	[M_NOTIFIER_SEQ] = { "notifier_seq", 12, INT64_MAX },
	[M_FLAGS] = { "flags", 5, 0 },
	[M_RESIDENCY] = { "residency", 9, 0 },
	/* UINT32_MAX itself is the "none" marker, so it is not a valid id. */
	[M_PAGEMAP] = { "pagemap", 7, UINT32_MAX - 1 },
	[M_TILE_PRESENT] = { "tile_present", 12, UINT32_MAX },
	[M_TILE_INVALIDATED] = { "tile_invalidated", 16, UINT32_MAX },
};

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

	if (*c->p != '"')
		return false;
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

static bool flags(struct cursor *c, uint32_t *out)
{
	uint32_t bits = 0;

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
		/* An unknown flag, or one given twice: an error jansson's path words. */
		if (bit == XESVM_RANGE_FLAG_COUNT || (bits & (1u << bit)))
			return false;
		bits |= 1u << bit;
		skip_ws(c);
		if (*c->p == ']') {
			c->p++;
			*out = bits;
			return true;
		}
		if (*c->p != ',')
			return false;
		c->p++;
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
	case 5: m = key[0] == 's' ? M_START : M_FLAGS; break;
	case 6: m = M_DEVICE; break;
	case 7: m = M_PAGEMAP; break;
	case 9: m = M_RESIDENCY; break;
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

static bool member_value(struct cursor *c, enum member m, struct xesvm_range *r,
			 const char **residency, size_t *residency_len)
{
	uint64_t v = 0;

	switch (m) {
	case M_FLAGS:
		return flags(c, &r->flags);
	case M_RESIDENCY:
		return plain_string(c, residency, residency_len);
	case M_PAGEMAP:
		if (same_bytes(c->p, "null", 4)) {
			c->p += 4;
			r->pagemap = XESVM_PAGEMAP_NONE;
			return value_ends(c);
		}
		if (!integer(c, members[m].max, &v))
			return false;
		r->pagemap = (uint32_t)v;
		return true;
	default:
		if (!integer(c, members[m].max, &v))
			return false;
		break;
	}
	switch (m) {
	case M_DEVICE: r->device = (uint32_t)v; break;
	case M_VM: r->vm = (uint32_t)v; break;
	case M_START: r->start = v; break;
	case M_END: r->end = v; break;
	case M_NOTIFIER_START: r->notifier_start = v; break;
	case M_NOTIFIER_END: r->notifier_end = v; break;
	case M_NOTIFIER_SEQ: r->notifier_seq = v; break;
	case M_TILE_PRESENT: r->tile_present = (uint32_t)v; break;
	case M_TILE_INVALIDATED: r->tile_invalidated = (uint32_t)v; break;
	default: break;
	}
	return true;
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
	case M_NOTIFIER_SEQ: return KEY_AT(p, "notifier_seq");
	case M_FLAGS: return KEY_AT(p, "flags");
	case M_RESIDENCY: return KEY_AT(p, "residency");
	case M_PAGEMAP: return KEY_AT(p, "pagemap");
	case M_TILE_PRESENT: return KEY_AT(p, "tile_present");
	case M_TILE_INVALIDATED: return KEY_AT(p, "tile_invalidated");
	default: return 0;
	}
}

static enum xesvm_scan_result scan(struct cursor *c, struct xesvm_range *r)
{
	const char *residency = NULL;
	size_t residency_len = 0;
	unsigned int seen = 0;
	enum member next = M_DEVICE;

	if (*c->p != '{')
		return XESVM_SCAN_OTHER;
	c->p++;
	for (;;) {
		const char *key;
		enum member m;
		size_t n;

		skip_ws(c);
		if (c->end - c->p >= KEY_LOOKAHEAD && (n = expected_key(c->p, next))) {
			m = next;
			c->p += n;
		} else {
			if (!plain_string(c, &key, &n))
				return XESVM_SCAN_OTHER;
			m = member_of(key, n);
		}
		next = (enum member)(m + 1);
		/* Unknown keys (ignored by jansson's path) and duplicates (refused): jansson's business. */
		if (m == M_COUNT || (seen & (1u << m)))
			return XESVM_SCAN_OTHER;
		seen |= 1u << m;
		skip_ws(c);
		if (*c->p != ':')
			return XESVM_SCAN_OTHER;
		c->p++;
		skip_ws(c);
		if (!member_value(c, m, r, &residency, &residency_len))
			return XESVM_SCAN_OTHER;
		skip_ws(c);
		if (*c->p == '}')
			break;
		if (*c->p != ',')
			return XESVM_SCAN_OTHER;
		c->p++;
	}
	c->p++;
	if (seen != (1u << M_COUNT) - 1 || r->end <= r->start ||
	    (r->flags >> XESVM_RANGE_FLAG_COUNT))
		return XESVM_SCAN_OTHER;
	/* "residency" must say what the flags say; else jansson's path explains. */
	{
		const char *want = xesvm_residency_name(xesvm_range_residency(r));

		if (strlen(want) != residency_len || !same_bytes(want, residency, residency_len))
			return XESVM_SCAN_OTHER;
	}
	return XESVM_SCAN_OK;
}

bool xesvm_range_scanner_enabled = true;

enum xesvm_scan_result xesvm_scan_range(const char *text, const char *end,
					struct xesvm_range *r, size_t *used)
{
	struct cursor c = { .p = text, .end = end };
	struct xesvm_range out = { 0 };
	enum xesvm_scan_result res = scan(&c, &out);

	if (res == XESVM_SCAN_OK) {
		*r = out;
		*used = (size_t)(c.p - text);
		return res;
	}
	return c.more || c.p >= end ? XESVM_SCAN_MORE : XESVM_SCAN_OTHER;
}
