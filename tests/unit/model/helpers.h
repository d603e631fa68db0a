/* SPDX-License-Identifier: MIT */
/* Shared bits of the model tests. */
#ifndef XESVM_MODEL_TEST_HELPERS_H
#define XESVM_MODEL_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model_internal.h"
#include "xesvm.h"

/* Path of a file under tests/data/snapshots (static buffer). */
static inline const char *snapshot_path(const char *name)
{
	static char buf[4][1024];
	static int next;
	const char *dir = getenv("XESVM_TEST_DATA");
	char *out = buf[next++ % 4];

	snprintf(out, sizeof(buf[0]), "%s/snapshots/%s", dir ? dir : XESVM_TEST_DATA_DIR, name);
	return out;
}

static inline struct xesvm_model *load_ok(const char *path)
{
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;
	int rc = xesvm_snapshot_load(path, &m, &err);

	if (rc)
		fail_msg("loading %s failed: %s", path, err.msg);
	assert_non_null(m);
	return m;
}

/* The whole content of @f (rewound), NUL-terminated; caller frees. */
static inline char *slurp_stream(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap);

	assert_non_null(buf);
	rewind(f);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* Model -> compact JSON text via the streaming writer; caller frees. */
static inline char *write_to_string(const struct xesvm_model *m, const struct xesvm_view *view,
				    unsigned int flags)
{
	struct xesvm_error err = { 0 };
	FILE *f = tmpfile();
	char *text;

	assert_non_null(f);
	if (xesvm_model_write_view(m, f, view, flags, &err))
		fail_msg("write failed: %s", err.msg);
	text = slurp_stream(f, NULL);
	fclose(f);
	return text;
}

/* Asserts two models hold the same root and the same ranges (page sets too) in the same order. */
static inline void assert_models_equal(const struct xesvm_model *a, const struct xesvm_model *b)
{
	size_t i;

	if (!json_equal(xesvm_model_root(a), xesvm_model_root(b))) {
		char *ja = json_dumps(xesvm_model_root(a), JSON_COMPACT);
		char *jb = json_dumps(xesvm_model_root(b), JSON_COMPACT);

		print_error("root a: %.2000s\nroot b: %.2000s\n", ja, jb);
		free(ja);
		free(jb);
		fail_msg("model roots differ");
	}
	assert_int_equal(xesvm_model_range_count(a), xesvm_model_range_count(b));
	for (i = 0; i < xesvm_model_range_count(a); i++)
		if (!xesvm_range_equal(xesvm_model_range(a, i), xesvm_model_range(b, i)))
			fail_msg("range %zu differs", i);
}

#endif
