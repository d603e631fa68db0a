// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the range scanner of the snapshot loader
 * (lib/sources/snapshot/range_scanner.h), held to jansson. Whatever the
 * scanner takes (XESVM_SCAN_OK), jansson must read as one object of the
 * same length that xesvm_range_from_json_version() turns into the same
 * range; where it stops at the end of the text (XESVM_SCAN_MORE), jansson
 * must not find a whole object before that end. The first byte of the
 * input is the schema version of the range ('1', else 2), the rest its
 * text, copied into a buffer of exactly its size plus the NUL the scanner
 * stops at, so ASan sees any read past it.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model_internal.h"
#include "range_scanner.h"
#include "xesvm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xesvm_range_pages fast_sets[XESVM_RANGE_PAGES_MAX], slow_sets[XESVM_RANGE_PAGES_MAX];
	struct xesvm_range fast, slow;
	enum xesvm_scan_result res;
	json_error_t e;
	json_t *obj;
	size_t used = 0;
	int version;
	char *text;

	if (size == 0)
		return 0;
	version = data[0] == '1' ? 1 : 2;
	data++;
	size--;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	res = xesvm_scan_range(text, text + size, version, &fast, fast_sets, &used);
	if (res == XESVM_SCAN_OTHER) {
		free(text);
		return 0;
	}
	obj = json_loadb(text, size, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
			 &e);
	if (res == XESVM_SCAN_OK) {
		struct xesvm_error err = { 0 };

		if (!obj || (size_t)e.position != used || used > size ||
		    xesvm_range_from_json_version(obj, version, &slow, slow_sets, &err) ||
		    !xesvm_range_equal(&fast, &slow))
			__builtin_trap();
	} else if (obj && (size_t)e.position < size) {
		/* MORE: the scanner stopped at the end of a text that held a whole value. */
		__builtin_trap();
	}
	json_decref(obj);
	free(text);
	return 0;
}
