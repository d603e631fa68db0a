// SPDX-License-Identifier: MIT
/* `vma show`: one line per GPU VMA with its memory attributes. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmdtab.h"
#include "render/human.h"
#include "view.h"

/* By (device, vm, start): the order of the VMAs in `vm show`. */
static int cmp_vma_address(const void *a, const void *b)
{
	const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
	static const char *const keys[] = { "device", "vm", "start" };

	for (size_t i = 0; i < NCOLS(keys); i++) {
		uint64_t u = 0, v = 0;

		json_get_u64(x, keys[i], &u);
		json_get_u64(y, keys[i], &v);
		if (u != v)
			return u < v ? -1 : 1;
	}
	return 0;
}

/*
 * The human table lists the VMAs by address, as `vm show` does (a
 * snapshot or the kernel may list them in any order); JSON keeps the
 * model's order, like every collection it writes.
 */
static int print_vmas(struct cli *cli, const struct view *v, const void *arg)
{
	struct table_column cols[2 + NCOLS(vma_attr_cols)] = {
		{ "DEV", true, col_int, NULL, "device" },
		{ "VM", true, col_int, NULL, "vm" },
	};
	json_t *all = xesvm_model_array(v->m, "vmas"), *vma;
	const json_t **sorted = calloc(json_array_size(all) + 1, sizeof(*sorted));
	struct render_opts ro = render_opts_of(cli);
	struct table_rows rows;
	struct ptr_rows st;
	size_t i, n = 0;

	if (!sorted) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return XESVM_E_SYSTEM;
	}
	json_array_foreach(all, i, vma)
		if (xesvm_query_match(v->q, "vmas", vma))
			sorted[n++] = vma;
	qsort(sorted, n, sizeof(*sorted), cmp_vma_address);
	memcpy(cols + 2, vma_attr_cols, sizeof(vma_attr_cols));
	ptr_rows_init(&rows, &st, (const void *const *)sorted, n);
	table_render(stdout, cols, NCOLS(cols), &rows, &ro, "");
	free(sorted);
	return XESVM_OK;
}

static int vma_show(struct cli *cli, const struct cli_invocation *inv)
{
	static const char *const view[] = { "vmas", NULL };

	return view_show(cli, inv, "vmas", XESVM_VIEW_VMAS, view, print_vmas, NULL);
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
