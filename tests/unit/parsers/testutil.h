/* SPDX-License-Identifier: MIT */
#ifndef XESVM_PARSER_TESTUTIL_H
#define XESVM_PARSER_TESTUTIL_H

#include <stddef.h>

#include "xesvm.h"

/*
 * Reads tests/data/@rel into an exact-size heap buffer (no NUL after it),
 * so ASan reports any parser read past the length it was given.
 */
char *test_read_data(const char *rel, size_t *len);

/* An exact-size heap copy of @text without its NUL, same reason. */
char *test_exact_copy(const char *text, size_t *len);

/* How many of @m's notes contain @fragment. */
int test_count_notes(const struct xesvm_model *m, const char *fragment);

#endif
