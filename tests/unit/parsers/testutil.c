// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

char *test_read_data(const char *rel, size_t *len)
{
	char path[4096];
	FILE *f;
	long size;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", XESVM_TEST_DATA_DIR, rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	buf = malloc((size_t)size);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return buf;
}

char *test_exact_copy(const char *text, size_t *len)
{
	size_t n = strlen(text);
	char *buf = malloc(n ? n : 1);

	assert_non_null(buf);
	memcpy(buf, text, n);
	*len = n;
	return buf;
}

int test_count_notes(const struct xesvm_model *m, const char *fragment)
{
	json_t *notes = json_object_get(xesvm_model_root(m), "notes");
	size_t i;
	int n = 0;

	for (i = 0; i < json_array_size(notes); i++)
		if (strstr(json_string_value(json_array_get(notes, i)), fragment))
			n++;
	return n;
}
