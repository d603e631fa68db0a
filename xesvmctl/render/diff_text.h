/* SPDX-License-Identifier: MIT */
/* The diff text renderer: what changed between two models, for people. */
#ifndef XESVMCTL_RENDER_DIFF_TEXT_H
#define XESVMCTL_RENDER_DIFF_TEXT_H

#include <stdio.h>

#include <xesvm.h>

/* Writes the human diff from @a to @b on @out; a status, @err set on failure. */
int diff_text_write(FILE *out, const struct xesvm_model *a, const struct xesvm_model *b,
		    struct xesvm_error *err);

#endif /* XESVMCTL_RENDER_DIFF_TEXT_H */
