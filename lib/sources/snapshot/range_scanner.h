/* SPDX-License-Identifier: MIT */
/*
 * The fast path of the snapshot loader: one "ranges" element read
 * straight into a struct xesvm_range (range_scanner.c). It takes only what
 * it can read exactly as jansson and xesvm_range_from_json_version() would
 * (the twelve keys of a range of xesvm-json(7), and the four of each page
 * set, of schema version 2 or 1, in any order, any JSON whitespace, plain
 * strings, integers in their limits) and hands everything else back to
 * them: an unknown key, an escape, a number with a sign, fraction or
 * exponent, a duplicate key, a value out of range, a missing key, a
 * residency that contradicts the flags, a page set flag the range's flags
 * lack. The loader then reads that element with jansson, which also words
 * every error. Shared with the fuzz target
 * and the tests that hold the two paths to the same results. Not
 * installed, not API.
 */
#ifndef XESVM_RANGE_SCANNER_H
#define XESVM_RANGE_SCANNER_H

#include <stdbool.h>
#include <stddef.h>

#include "xesvm.h"

enum xesvm_scan_result {
	XESVM_SCAN_OK,		/* *r filled, *used bytes read (the object, no more) */
	XESVM_SCAN_MORE,	/* the text ended inside the element: more input may tell */
	XESVM_SCAN_OTHER,	/* not for the fast path: read it with jansson */
};

/*
 * Reads the JSON object at @text (its first byte is '{'), whose bytes end
 * at @end, as a range of schema version @version. *@end must be a NUL
 * byte, which is not part of the text: the scanner stops there without a
 * bounds check at every byte. Several page sets stay in @sets, which @r
 * points at (xesvm_range_set_pages()).
 */
enum xesvm_scan_result xesvm_scan_range(const char *text, const char *end, int version,
					struct xesvm_range *r,
					struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX],
					size_t *used);

/*
 * Whether the loader uses the scanner (true) or reads every range with
 * jansson. Only tests turn it off, to load a file both ways and hold the
 * results (models, errors) to each other.
 */
extern bool xesvm_range_scanner_enabled;

#endif
