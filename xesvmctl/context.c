// SPDX-License-Identifier: MIT
/*
 * What every command works with: the model (the -f snapshot, loaded once
 * per run, or a live gather), its notes, and the filter and query of the
 * selection keywords.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xesvmctl.h"


void cli_show_notes(struct cli *cli, const struct xesvm_model *m, unsigned int views)
{
	json_t *root = xesvm_model_root(m);
	json_t *notes = json_object_get(root, "notes");
	json_t *sources = json_object_get(root, "sources");
	const char *key;
	json_t *val;
	size_t i;

	if (cli->notes_shown)
		return;
	cli->notes_shown = true;
	if (cli->verbose && json_is_object(sources))
		json_object_foreach(sources, key, val)
			fprintf(stderr, "xesvmctl: %s: %s%s\n", key,
				json_is_string(val) ? "from " : "",
				json_is_string(val) ? json_string_value(val)
						    : "not available");
	/* Notes are not errors: keep stderr JSON-only under -j unless -v. */
	if (cli->json && !cli->verbose)
		return;
	/* The notes about what this command shows; -v: every note. */
	json_array_foreach(notes, i, val)
		if (json_is_string(val) &&
		    (cli->verbose || (xesvm_model_note_views(m, i) & views)))
			fprintf(stderr, "xesvmctl: note: %s\n", json_string_value(val));
}

int cli_get_model(struct cli *cli, struct xesvm_model **m, bool *owned)
{
	int ret;

	*m = NULL;
	*owned = false;
	if (cli->snapshot_path) {
		if (!cli->snapshot) {
			ret = xesvm_snapshot_load(cli->snapshot_path, &cli->snapshot,
						  &cli->err);
			if (ret)
				return ret;
		}
		*m = cli->snapshot;
	} else {
		ret = xesvm_gather(&cli->sources, m, &cli->err);
		if (ret)
			return ret;
		*owned = true;
	}
	return XESVM_OK;
}

void cli_put_model(struct xesvm_model *m, bool owned)
{
	if (owned)
		xesvm_model_free(m);
}

int cli_parse_id(struct cli *cli, const char *what, const char *text,
		 int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 0);
	if (errno || end == text || *end || v < 0) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"%s: '%s' is not a valid number", what, text);
		return XESVM_E_USAGE;
	}
	*out = v;
	return XESVM_OK;
}

int cli_parse_positive(struct cli *cli, const char *what, const char *text,
		       double *out, bool integer)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || *end || !(v > 0) || v > 1e9 ||
	    (integer && v != floor(v))) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"%s: '%s' is not a positive %s", what, text,
				integer ? "integer" : "number");
		return XESVM_E_USAGE;
	}
	*out = v;
	return XESVM_OK;
}

int cli_build_filter(struct cli *cli, const struct cli_invocation *inv,
		     struct xesvm_filter *f)
{
	const char *v;

	xesvm_filter_init(f);
	f->device = cli_arg(inv, "dev") ? cli_arg(inv, "dev") : cli->device;
	if ((v = cli_arg(inv, "pid")) && cli_parse_id(cli, "pid", v, &f->pid))
		return XESVM_E_USAGE;
	if ((v = cli_arg(inv, "client")) &&
	    cli_parse_id(cli, "client", v, &f->client_id))
		return XESVM_E_USAGE;
	if ((v = cli_arg(inv, "vm")) && cli_parse_id(cli, "vm", v, &f->vm))
		return XESVM_E_USAGE;
	if ((v = cli_arg(inv, "addr"))) {
		if (xesvm_parse_window(v, &f->start, &f->end, &cli->err))
			return cli_status(cli, XESVM_E_USAGE);
		f->has_window = true;
	}
	return XESVM_OK;
}

int cli_build_query(struct cli *cli, const struct cli_invocation *inv,
		    const struct xesvm_model *m, struct xesvm_query **q)
{
	struct xesvm_filter f;
	int ret;

	*q = NULL;
	ret = cli_build_filter(cli, inv, &f);
	if (ret)
		return ret;
	*q = xesvm_query_new(m, &f, &cli->err);
	if (!*q)
		return cli->err.status ? (int)cli->err.status : XESVM_E_SYSTEM;
	return XESVM_OK;
}

int cli_write_view(struct cli *cli, const struct xesvm_model *m,
		   const char *const *collections, const struct xesvm_query *q)
{
	struct xesvm_view view = { .collections = collections, .query = q };
	int ret;

	ret = xesvm_model_write_view(m, stdout, &view,
				     cli->pretty ? XESVM_WRITE_PRETTY : 0, &cli->err);
	if (ret)
		return ret;
	return cli_check_stdout(cli);
}
