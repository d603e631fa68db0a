// SPDX-License-Identifier: MIT
/* Picking the renderer of the command's format (render.h). */
#include <stdarg.h>
#include <unistd.h>

#include "diff_text.h"
#include "json.h"
#include "prometheus.h"
#include "render.h"
#include "../view.h"

struct render_opts render_opts_of(const struct cli *cli)
{
	return (struct render_opts){ .exact = cli->exact, .color = cli->color };
}

int render_view(struct cli *cli, const struct view *v, const char *const *collections,
		view_printer *human, const void *arg)
{
	switch (cli->format) {
	case CLI_FORMAT_JSON:
		return json_out_view(cli, v->m, collections, v->q);
	case CLI_FORMAT_PROMETHEUS:
		return prometheus_write(stdout, v->m, v->q, &cli->err);
	case CLI_FORMAT_HUMAN:
		break;
	}
	return human(cli, v, arg);
}

int render_result(struct cli *cli, const char *key, json_t *body,
		  result_printer *human, const void *arg)
{
	if (cli->format == CLI_FORMAT_JSON)
		return json_out_result(cli, key, body);
	return human(cli, body, arg);
}

int render_record(struct cli *cli, json_t *record, record_printer *human,
		  const void *arg)
{
	struct render_opts ro;

	if (cli->format == CLI_FORMAT_JSON)
		return json_out_record(cli, record);
	ro = render_opts_of(cli);
	human(stdout, record, arg, &ro);
	return XESVM_OK;
}

int render_diff(struct cli *cli, const struct xesvm_model *a, const struct xesvm_model *b)
{
	int ret;

	if (cli->format == CLI_FORMAT_JSON)
		return json_out_diff(cli, a, b);
	ret = diff_text_write(stdout, a, b, &cli->err);
	return ret ? ret : cli_check_stdout(cli);
}

void render_message(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (cli->format == CLI_FORMAT_JSON)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void render_status(struct cli *cli, json_t *obj, const char *who, const char *fmt, ...)
{
	va_list ap;

	if (cli->format == CLI_FORMAT_JSON) {
		json_dumpf(obj, stderr, JSON_COMPACT);
		fputc('\n', stderr);
	} else {
		fprintf(stderr, "xesvmctl: %s: ", who);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	json_decref(obj);
}

bool render_progress_wanted(const struct cli *cli)
{
	return isatty(STDERR_FILENO) && cli->format != CLI_FORMAT_JSON;
}

bool render_notes_wanted(const struct cli *cli)
{
	return cli->format != CLI_FORMAT_JSON || cli->verbose;
}
