/* SPDX-License-Identifier: MIT */
/*
 * The one place the output format of a command is acted on. A command
 * says what it has to show (a view of the model, a result document, a
 * line of a stream, a diff) and how people read it; render.c picks the
 * renderer of the format the command runs in: the human tables (the
 * command's printer over render/table.h and render/human.h), JSON
 * (render/json.h), Prometheus (render/prometheus.h) or the diff text
 * (render/diff_text.h). A new format is a new renderer file and a case in
 * render.c.
 */
#ifndef XESVMCTL_RENDER_RENDER_H
#define XESVMCTL_RENDER_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include <xesvm.h>

#include "../cli.h"
#include "table.h"

struct view;

/* Render options of the human renderer, from the global options. */
struct render_opts render_opts_of(const struct cli *cli);

/* The human rendering of a view; a status, cli->err set on failure. */
typedef int view_printer(struct cli *cli, const struct view *v, const void *arg);

/*
 * A view of the model: under JSON the collections @collections of what
 * @v selects, under Prometheus its metrics (only commands with a `format`
 * keyword run in that format), else @human.
 */
int render_view(struct cli *cli, const struct view *v, const char *const *collections,
		view_printer *human, const void *arg);

/* The human rendering of a result; a status, cli->err set on failure. */
typedef int result_printer(struct cli *cli, const json_t *body, const void *arg);

/*
 * The result of a command (explain, madvise, migrate, gc): under JSON
 * {"schema_version": N, @key: @body} (@body is borrowed), else @human.
 */
int render_result(struct cli *cli, const char *key, json_t *body,
		  result_printer *human, const void *arg);

/* The human line of a record of a stream. */
typedef void record_printer(FILE *out, const json_t *record, const void *arg,
			    const struct render_opts *ro);

/*
 * One record of a stream (stats --watch, monitor): a JSON line with
 * "schema_version" first, else @human.
 */
int render_record(struct cli *cli, json_t *record, record_printer *human,
		  const void *arg);

/* The diff from @a to @b: the JSON diff document, else the diff text. */
int render_diff(struct cli *cli, const struct xesvm_model *a, const struct xesvm_model *b);

/*
 * A confirmation for people ("snapshot written to FILE") on stdout; none
 * in JSON, where the exit status says it.
 */
void render_message(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A status of a running command on stderr (monitor's summary, overruns):
 * under JSON the line @obj (taken), else "xesvmctl: @who: " and the text.
 */
void render_status(struct cli *cli, json_t *obj, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Whether a progress line may go to stderr: a terminal, and not JSON. */
bool render_progress_wanted(const struct cli *cli);
/* Whether the model's notes go to stderr: not under JSON, unless -v asks. */
bool render_notes_wanted(const struct cli *cli);

#endif /* XESVMCTL_RENDER_RENDER_H */
