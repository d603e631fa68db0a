/* SPDX-License-Identifier: MIT */
/*
 * The JSON renderer (-j, -p, --format json): every document and line it
 * writes is described in xesvm-json(7). Views of the model and diffs are
 * written by the library (the model's own writer); results of commands
 * and stream lines are built by the commands and written here.
 */
#ifndef XESVMCTL_RENDER_JSON_H
#define XESVMCTL_RENDER_JSON_H

#include <xesvm.h>

#include "../cli.h"

/* Writes @value on stdout, indented under -p. */
int json_out_value(struct cli *cli, json_t *value);
/* Writes {"schema_version": N, @key: @body} (borrows @body). */
int json_out_result(struct cli *cli, const char *key, json_t *body);
/*
 * Writes one line of a stream (stats --watch, monitor): @record's members
 * after "schema_version", so every line says which contract it follows;
 * compact even under -p, and not flushed (the caller checks stdout).
 */
int json_out_record(struct cli *cli, const json_t *record);
/* Writes the collections @collections of what @q selects of @m. */
int json_out_view(struct cli *cli, const struct xesvm_model *m,
		  const char *const *collections, const struct xesvm_query *q);
/* Writes the diff of @a and @b (xesvm-json(7), DIFF), streaming its ranges. */
int json_out_diff(struct cli *cli, const struct xesvm_model *a,
		  const struct xesvm_model *b);

#endif /* XESVMCTL_RENDER_JSON_H */
