// SPDX-License-Identifier: MIT
/* `range show`: one line per SVM range, streamed from the packed array. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmdtab.h"
#include "render/human.h"
#include "view.h"

struct range_rows {
	const struct xesvm_model *m;
	const struct xesvm_query *q;
	size_t next, count;
};

static void range_rows_rewind(void *state)
{
	((struct range_rows *)state)->next = 0;
}

static const void *range_rows_next(void *state)
{
	struct range_rows *st = state;

	while (st->next < st->count) {
		const struct xesvm_range *r = xesvm_model_range(st->m, st->next++);

		if (!st->q || xesvm_query_match_range(st->q, r))
			return r;
	}
	return NULL;
}

static int print_ranges(struct cli *cli, const struct view *v, const void *arg)
{
	struct render_opts ro = render_opts_of(cli);
	struct range_rows st = { v->m, v->q, 0, xesvm_model_range_count(v->m) };
	struct table_rows rows = { range_rows_rewind, range_rows_next, &st };

	print_range_table(stdout, &rows, true, &ro, "");
	return XESVM_OK;
}

static int range_show(struct cli *cli, const struct cli_invocation *inv)
{
	static const char *const view[] = { "ranges", NULL };

	return view_show(cli, inv, "ranges", XESVM_VIEW_RANGES, view, print_ranges, NULL);
}

static const struct cli_command range_commands[] = {
	{ "show", "one line per SVM range: bounds, residency, flags",
	  (const struct cli_param[]){ CLI_FILTER_PARAMS, { 0 } }, NULL, 0, 0,
	  CLI_VALUE_NONE, range_show },
	{ 0 },
};

const struct cli_object range_object = {
	"range", "SVM ranges (drm_gpusvm)", range_commands, true,
};
