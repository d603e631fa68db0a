/* SPDX-License-Identifier: MIT */
/* Internals of the model, shared with the sources and outputs that read or write it whole. */
#ifndef XESVM_MODEL_INTERNAL_H
#define XESVM_MODEL_INTERNAL_H

#include "base_internal.h"
#include "xesvm.h"

/* Where the page sets of ranges with several live: blocks that never move. */
struct xesvm_pages_block {
	struct xesvm_pages_block *next;
	size_t used, capacity;
	struct xesvm_range_pages sets[];
};

struct xesvm_model {
	json_t *root;			/* everything but the ranges */
	struct xesvm_range *ranges;	/* packed, in insertion order */
	size_t range_count;
	size_t range_capacity;
	struct xesvm_pages_block *pages_blocks;	/* the newest first */
	/*
	 * The views of each note this library added, by index into "notes";
	 * 0 where not known (a note read from a snapshot).
	 */
	unsigned int *note_views;
	size_t note_view_count, note_view_capacity;
};

/*
 * Top-level keys in the order they are written. "ranges" is not in the
 * root object: it is the packed array, written at its place in this order.
 */
extern const char *const xesvm_root_keys[];
extern const size_t xesvm_root_key_count;

/* True for the collections that are JSON arrays of objects in the root. */
bool xesvm_is_json_collection(const char *key);

/*
 * The members of a range's JSON object, and of each of its page sets, in
 * the order they are written (xesvm-json(7)): xesvm_range_to_json()
 * builds its object from them and the writer writes them as text, so both
 * give the same document.
 */
enum xesvm_range_member_type {
	XESVM_RANGE_MEMBER_UINT,	/* uint */
	XESVM_RANGE_MEMBER_NULL,
	XESVM_RANGE_MEMBER_STRING,	/* string */
	XESVM_RANGE_MEMBER_FLAGS,	/* uint: flag bits, an array of xesvm_range_flag_name()s */
	XESVM_RANGE_MEMBER_PAGES,	/* range: an array of its page sets' objects */
};

/* Small on purpose: the writer fills twelve of them per range. */
struct xesvm_range_member {
	const char *key;
	enum xesvm_range_member_type type;
	uint64_t uint;
	const char *string;
	const struct xesvm_range *range;
};

#define XESVM_RANGE_MEMBER_COUNT 12
#define XESVM_RANGE_PAGES_MEMBER_COUNT 4

/* Fills @out with the XESVM_RANGE_MEMBER_COUNT members of @r. */
void xesvm_range_members(const struct xesvm_range *r,
			 struct xesvm_range_member out[XESVM_RANGE_MEMBER_COUNT]);
/* Fills @out with the XESVM_RANGE_PAGES_MEMBER_COUNT members of page set @p. */
void xesvm_range_pages_members(const struct xesvm_range_pages *p,
			       struct xesvm_range_member out[XESVM_RANGE_PAGES_MEMBER_COUNT]);

/* The JSON value of member @mb (NULL: out of memory, or a value above INT64_MAX). */
json_t *xesvm_range_member_json(const struct xesvm_range_member *mb);
/* The JSON object of page set @p, as in a range's "pages". */
json_t *xesvm_range_pages_to_json(const struct xesvm_range_pages *p);

/* Every member of @a equals @b's, page sets included (by value: no padding or pointer compared). */
bool xesvm_range_equal(const struct xesvm_range *a, const struct xesvm_range *b);
/* Page sets @a and @b are the same. */
bool xesvm_range_pages_equal(const struct xesvm_range_pages *a,
			     const struct xesvm_range_pages *b);

/*
 * xesvm_range_from_json() of a range of schema version @version (from
 * XESVM_SCHEMA_VERSION_OLDEST on): the snapshot loader reads old files.
 */
int xesvm_range_from_json_version(const json_t *obj, int version, struct xesvm_range *r,
				  struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX],
				  struct xesvm_error *err);

/*
 * The page set of a range of schema version 1, which had no page sets:
 * its pages were part of it, so they become one page set on the range's
 * own device, with its top-level "notifier_seq" (0 then meant never
 * collected) and "pagemap", and the page bits of its flags.
 */
void xesvm_range_pages_from_v1(struct xesvm_range *r, uint64_t notifier_seq, uint32_t pagemap);

/* Reserves room for @count more ranges (loader hint). */
int xesvm_model_reserve_ranges(struct xesvm_model *m, size_t count);

#endif
