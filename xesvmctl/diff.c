// SPDX-License-Identifier: MIT
/*
 * `diff SNAP_A SNAP_B`: what changed between two snapshots, rendered as
 * the JSON diff document or the diff text (render_diff()).
 */
#include "cmdtab.h"
#include "render/render.h"
#include "view.h"

static int diff(struct cli *cli, const struct cli_invocation *inv)
{
	struct xesvm_model *a = NULL, *b = NULL;
	int ret;

	ret = xesvm_snapshot_load(inv->positional[0], &a, &cli->err);
	if (!ret)
		ret = xesvm_snapshot_load(inv->positional[1], &b, &cli->err);
	if (!ret)
		ret = render_diff(cli, a, b);
	if (a)
		xesvm_model_free(a);
	if (b)
		xesvm_model_free(b);
	return ret;
}

static const struct cli_command diff_commands[] = {
	{ NULL, "what changed between two snapshots",
	  CLI_NO_PARAMS, "SNAP_A SNAP_B", 2, 2, CLI_VALUE_FILE, diff },
	{ 0 },
};

const struct cli_object diff_object = {
	"diff", "compare two snapshots", diff_commands, true,
};
