/* SPDX-License-Identifier: MIT */
/* Internals of the model, shared with the sources and outputs that read or write it whole. */
#ifndef XESVM_MODEL_INTERNAL_H
#define XESVM_MODEL_INTERNAL_H

#include "base_internal.h"
#include "xesvm.h"

struct xesvm_model {
	json_t *root;			/* everything but the ranges */
	struct xesvm_range *ranges;	/* packed, in insertion order */
	size_t range_count;
	size_t range_capacity;
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
 * The members of a range's JSON object, in the order they are written
 * (xesvm-json(7)): xesvm_range_to_json() builds its object from them and
 * the writer writes them as text, so both give the same document.
 */
enum xesvm_range_member_type {
	XESVM_RANGE_MEMBER_UINT,	/* uint */
	XESVM_RANGE_MEMBER_NULL,
	XESVM_RANGE_MEMBER_STRING,	/* string */
	XESVM_RANGE_MEMBER_FLAGS,	/* uint: flag bits, an array of xesvm_range_flag_name()s */
};

/* Small on purpose: the writer fills twelve of them per range. */
struct xesvm_range_member {
	const char *key;
	enum xesvm_range_member_type type;
	uint64_t uint;
	const char *string;
};

#define XESVM_RANGE_MEMBER_COUNT 12

/* Fills @out with the XESVM_RANGE_MEMBER_COUNT members of @r. */
void xesvm_range_members(const struct xesvm_range *r,
			 struct xesvm_range_member out[XESVM_RANGE_MEMBER_COUNT]);

/* Every member of @a equals @b's (member by member: no padding compared). */
bool xesvm_range_equal(const struct xesvm_range *a, const struct xesvm_range *b);

/* Reserves room for @count more ranges (loader hint). */
int xesvm_model_reserve_ranges(struct xesvm_model *m, size_t count);

#endif
