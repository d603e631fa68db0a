/* SPDX-License-Identifier: MIT */
/*
 * Shared by the text parser fuzz targets: run a parser on the raw input
 * (exact length, no NUL: libFuzzer's buffer is what ASan guards) and check
 * the contract: success gives a JSON object (or NULL for a non-DRM fdinfo),
 * failure gives no output and a one-line XESVM_E_SYSTEM message.
 */
#ifndef XESVM_FUZZ_COMMON_H
#define XESVM_FUZZ_COMMON_H

#include <stdint.h>
#include <string.h>

#include "xesvm.h"

typedef int (*xesvm_text_parser)(const char *, size_t, json_t **, struct xesvm_error *);

static inline void fuzz_text_parser(xesvm_text_parser parse, const uint8_t *data,
				    size_t size, int null_ok)
{
	struct xesvm_error err = { 0 };
	json_t *out = NULL;
	int rc = parse((const char *)data, size, &out, &err);

	if (rc == 0) {
		if (err.status != XESVM_OK)
			__builtin_trap();
		if (!out ? !null_ok : !json_is_object(out))
			__builtin_trap();
		/* Whatever was accepted must serialise (valid UTF-8 strings). */
		if (out) {
			char *text = json_dumps(out, JSON_COMPACT);

			if (!text)
				__builtin_trap();
			free(text);
		}
	} else {
		if (rc != -1 || out || err.status != XESVM_E_SYSTEM || !err.msg[0] ||
		    strchr(err.msg, '\n'))
			__builtin_trap();
	}
	json_decref(out);
}

#endif
