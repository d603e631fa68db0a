// SPDX-License-Identifier: MIT
/* `vma show`: one line per GPU VMA with its memory attributes. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmdtab.h"
#include "render/human.h"
#include "view.h"

static int vma_show(struct cli *cli, const struct cli_invocation *inv)
{
	struct table_column cols[2 + NCOLS(vma_attr_cols)] = {
		{ "DEV", true, col_int, NULL, "device" },
		{ "VM", true, col_int, NULL, "vm" },
	};
	static const char *const view[] = { "vmas", NULL };
	const struct collection_table table = { "vmas", cols, NCOLS(cols) };

	memcpy(cols + 2, vma_attr_cols, sizeof(vma_attr_cols));
	return view_show(cli, inv, "vmas", XESVM_VIEW_VMAS, view, print_collection_table,
			 &table);
}

static const struct cli_command vma_commands[] = {
	{ "show", "one line per GPU VMA with its memory attributes",
	  (const struct cli_param[]){ CLI_FILTER_PARAMS, { 0 } }, NULL, 0, 0,
	  CLI_VALUE_NONE, vma_show },
	{ 0 },
};

const struct cli_object vma_object = {
	"vma", "GPU VMAs and their memory attributes", vma_commands, true,
};
