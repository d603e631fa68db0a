// SPDX-License-Identifier: MIT
/*
 * `vm show`: one block per VM, VMAs one per line, ranges by residency;
 * `detail` adds every range under its VMA.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmdtab.h"
#include "render/human.h"
#include "view.h"

struct vma_slice_rows {
	struct vma_entry *vmas;
	size_t first, n, next;
};

static void slice_rewind(void *state)
{
	((struct vma_slice_rows *)state)->next = 0;
}

static const void *slice_next(void *state)
{
	struct vma_slice_rows *st = state;

	return st->next < st->n ? &st->vmas[st->first + st->next++] : NULL;
}

/* Detail: the ranges of each VMA, then those no VMA holds. */
static void print_vm_ranges(FILE *out, const struct vm_index *ix,
			    const struct vm_entry *v, const struct render_opts *ro)
{
	const struct xesvm_range **outside = NULL;
	size_t noutside = 0;

	for (size_t k = v->first_vma; k < v->first_vma + v->nvmas; k++) {
		const struct vma_entry *a = &ix->vmas[k];
		size_t first = vm_index_range_lower_bound(ix, v, a->start), n = 0;
		char start[32], end[32], kind[32];
		struct table_rows rows;
		struct ptr_rows st;

		while (first + n < v->first_range + v->nranges &&
		       ix->ranges[first + n]->start < a->end)
			n++;
		fmt_addr(start, sizeof(start), a->start);
		fmt_addr(end, sizeof(end), a->end);
		cell_str(kind, sizeof(kind), a->vma, "kind");
		fprintf(out, "\n  ranges of vma %s-%s (%s):%s\n", start, end, kind,
			n ? "" : " none");
		ptr_rows_init(&rows, &st, (const void *const *)ix->ranges + first, n);
		print_range_table(out, &rows, false, ro, "    ");
	}
	if (!v->outside_vmas)
		return;
	outside = calloc(v->outside_vmas, sizeof(*outside));
	for (size_t k = v->first_range; outside && k < v->first_range + v->nranges; k++)
		if (!vm_index_find_vma(ix, v, ix->ranges[k]->start) &&
		    noutside < v->outside_vmas)
			outside[noutside++] = ix->ranges[k];
	fprintf(out, "\n  ranges outside the VMAs listed:%s\n",
		outside ? "" : " (out of memory listing them)");
	if (outside) {
		struct table_rows rows;
		struct ptr_rows st;

		ptr_rows_init(&rows, &st, (const void *const *)outside, noutside);
		print_range_table(out, &rows, false, ro, "    ");
	}
	free(outside);
}

static void print_vm_block(FILE *out, const struct vm_index *ix,
			   const struct vm_entry *v, bool detail,
			   const struct render_opts *ro)
{
	char sum[TABLE_CELL_MAX], bytes[32];
	uint64_t total = 0, total_bytes = 0;

	print_vm_header(out, v, ro);
	for (size_t r = 0; r < RESIDENCY_COUNT; r++) {
		total += v->sum.count[r];
		total_bytes += v->sum.bytes[r];
	}
	fmt_residency_sum(sum, sizeof(sum), &v->sum, ro);
	fmt_bytes(bytes, sizeof(bytes), total_bytes, ro->exact);
	fprintf(out, "  vmas %zu, ranges %" PRIu64 " (%s)%s%s\n", v->nvmas, total,
		bytes, total ? ": " : "", total ? sum : "");
	if (v->outside_vmas)
		fprintf(out, "  %" PRIu64 " ranges lie outside the VMAs listed\n",
			v->outside_vmas);

	struct vma_slice_rows st = { ix->vmas, v->first_vma, v->nvmas, 0 };
	struct table_rows rows = { slice_rewind, slice_next, &st };

	print_vma_table(out, &rows, true, ro, "  ");
	if (detail)
		print_vm_ranges(out, ix, v, ro);
}

static int print_vms(struct cli *cli, const struct view *v, const void *arg)
{
	bool detail = *(const bool *)arg;
	struct render_opts ro = render_opts_of(cli);
	struct vm_index ix;
	int ret = vm_index_build(&ix, v->m, v->q, detail, &cli->err);

	if (ret)
		return ret;
	for (size_t k = 0; k < ix.nvms; k++) {
		if (k)
			fputc('\n', stdout);
		print_vm_block(stdout, &ix, &ix.vms[k], detail, &ro);
	}
	vm_index_free(&ix);
	return XESVM_OK;
}

static int vm_show(struct cli *cli, const struct cli_invocation *inv)
{
	static const char *const view[] = { "vms", NULL };
	static const char *const detail_view[] = { "vms", "vmas", "ranges", NULL };
	bool detail = cli_flag(inv, "detail");

	return view_show(cli, inv, "vms", XESVM_VIEW_VMS | XESVM_VIEW_VMAS | XESVM_VIEW_RANGES,
			 detail ? detail_view : view, print_vms, &detail);
}

static const struct cli_param vm_show_params[] = {
	CLI_FILTER_PARAMS,
	{ "detail", 0, NULL, NULL, CLI_VALUE_NONE,
	  "also list every range under its VMA" },
	{ 0 },
};

static const struct cli_command vm_commands[] = {
	{ "show", "one block per GPU VM: its VMAs and ranges by residency; detail: every range",
	  vm_show_params, NULL, 0, 0, CLI_VALUE_NONE, vm_show },
	{ 0 },
};

const struct cli_object vm_object = {
	"vm", "GPU VMs mirroring a process (SVM)", vm_commands, true,
};
