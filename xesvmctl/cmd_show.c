// SPDX-License-Identifier: MIT
/*
 * `show` of every object: device, client, vm, vma, range, pagemap.
 * JSON is always xesvm_model_write_view(); the human view is the table
 * renderer with column formatters reading the model objects directly.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "live.h"
#include "render.h"

/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */
/* ------------------------------------------------------------------ */

/* Shows one flat collection as a table (or its JSON view). */
static int show_collection(struct cli *cli, const struct cli_invocation *inv,
			   const char *collection, const char *needs_view, unsigned int views,
			   const struct table_column *cols, size_t ncols)
{
	const char *const view[] = { collection, NULL };
	struct show s;
	int ret = show_begin(cli, inv, needs_view, views, &s);

	if (ret)
		return ret;
	if (cli->json) {
		ret = cli_write_view(cli, s.m, view, s.q);
	} else {
		struct render_opts ro = cli_render_opts(cli);
		struct table_rows rows;
		struct json_rows st;

		json_rows_init(&rows, &st, xesvm_model_array(s.m, collection),
			       collection, s.q);
		table_render(stdout, cols, ncols, &rows, &ro, "");
	}
	return show_end(cli, &s, ret);
}


/* ------------------------------------------------------------------ */
/* device show                                                         */
/* ------------------------------------------------------------------ */

static void col_gts(const void *row, const struct table_column *col,
		    const struct render_opts *ro, char *buf, size_t size)
{
	json_t *gts = json_object_get(row, "gts");
	size_t i, used = 0;
	json_t *gt;

	buf[0] = '\0';
	json_array_foreach(gts, i, gt) {
		uint64_t id;

		if (json_get_u64(gt, "id", &id))
			cell_appendf(buf, size, &used, ",", "gt%" PRIu64, id);
	}
	if (!buf[0])
		snprintf(buf, size, "-");
}

static void col_regions(const void *row, const struct table_column *col,
			const struct render_opts *ro, char *buf, size_t size)
{
	json_t *regions = json_object_get(row, "memory_regions");
	size_t i, used = 0;
	json_t *r;

	buf[0] = '\0';
	json_array_foreach(regions, i, r) {
		char name[64], bytes[32];

		cell_str(name, sizeof(name), r, "name");
		cell_bytes(bytes, sizeof(bytes), r, "total_bytes", ro);
		cell_appendf(buf, size, &used, ", ", "%s %s", name, bytes);
	}
	if (!buf[0])
		snprintf(buf, size, "-");
}

int cmd_device_show(struct cli *cli, const struct cli_invocation *inv)
{
	static const struct table_column cols[] = {
		{ "DEV", true, col_int, NULL, "minor" },
		{ "DRIVER", false, col_str, NULL, "driver" },
		{ "PCI", false, col_str, NULL, "pci_bdf" },
		{ "ID", false, col_str, NULL, "pci_id" },
		{ "CARD", false, col_str, NULL, "card" },
		{ "RENDER", false, col_str, NULL, "render" },
		{ "GTS", false, col_gts, NULL, NULL },
		{ "MEMORY", false, col_regions, NULL, NULL },
	};

	return show_collection(cli, inv, "devices", NULL, XESVM_VIEW_DEVICES, cols, NCOLS(cols));
}

/* ------------------------------------------------------------------ */
/* client show: a TOTAL and RESIDENT column per memory region seen      */
/* ------------------------------------------------------------------ */

#define MAX_REGIONS 8

struct region_col {
	const char *region;
	const char *field;
};

static void col_client_mem(const void *row, const struct table_column *col,
			   const struct render_opts *ro, char *buf, size_t size)
{
	const struct region_col *rc = col->arg;
	json_t *region = json_object_get(json_object_get(row, "memory"), rc->region);

	cell_bytes(buf, size, region, rc->field, ro);
}

int cmd_client_show(struct cli *cli, const struct cli_invocation *inv)
{
	static const char *const view[] = { "clients", NULL };
	struct table_column cols[5 + 2 * MAX_REGIONS] = {
		{ "DEV", true, col_int, NULL, "device" },
		{ "CLIENT", true, col_int, NULL, "client_id" },
		{ "PID", true, col_int, NULL, "pid" },
		{ "COMM", false, col_str, NULL, "comm" },
		{ "NAME", false, col_str, NULL, "name" },
	};
	struct region_col rcols[2 * MAX_REGIONS];
	char headers[2 * MAX_REGIONS][48];
	size_t ncols = 5, nregions = 0;
	struct show s;
	int ret = show_begin(cli, inv, NULL, XESVM_VIEW_CLIENTS, &s);

	if (ret)
		return ret;
	if (cli->json) {
		ret = cli_write_view(cli, s.m, view, s.q);
		return show_end(cli, &s, ret);
	}

	json_t *clients = xesvm_model_array(s.m, "clients");
	const char *regions[MAX_REGIONS];
	size_t i;
	json_t *client;

	/* Regions in order of first appearance, so columns are stable. */
	json_array_foreach(clients, i, client) {
		const char *name;
		json_t *v;

		if (!xesvm_query_match(s.q, "clients", client))
			continue;
		json_object_foreach(json_object_get(client, "memory"), name, v) {
			size_t r;

			for (r = 0; r < nregions; r++)
				if (strcmp(regions[r], name) == 0)
					break;
			if (r == nregions && nregions < MAX_REGIONS)
				regions[nregions++] = name;
		}
	}
	for (size_t r = 0; r < nregions; r++) {
		for (int f = 0; f < 2; f++) {
			struct region_col *rc = &rcols[2 * r + f];
			char *h = headers[2 * r + f];

			rc->region = regions[r];
			rc->field = f ? "resident" : "total";
			snprintf(h, sizeof(headers[0]), "%s %s", regions[r],
				 f ? "RESIDENT" : "TOTAL");
			for (char *c = h; *c && *c != ' '; c++)
				*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
			cols[ncols++] = (struct table_column){
				h, true, col_client_mem, NULL, rc };
		}
	}

	struct render_opts ro = cli_render_opts(cli);
	struct table_rows rows;
	struct json_rows st;

	json_rows_init(&rows, &st, clients, "clients", s.q);
	table_render(stdout, cols, ncols, &rows, &ro, "");
	return show_end(cli, &s, ret);
}

/* ------------------------------------------------------------------ */
/* vma show                                                            */
/* ------------------------------------------------------------------ */

int cmd_vma_show(struct cli *cli, const struct cli_invocation *inv)
{
	struct table_column cols[2 + NCOLS(vma_attr_cols)] = {
		{ "DEV", true, col_int, NULL, "device" },
		{ "VM", true, col_int, NULL, "vm" },
	};

	memcpy(cols + 2, vma_attr_cols, sizeof(vma_attr_cols));
	return show_collection(cli, inv, "vmas", "vmas", XESVM_VIEW_VMAS, cols, NCOLS(cols));
}

/* ------------------------------------------------------------------ */
/* range show: streams the packed array                                 */
/* ------------------------------------------------------------------ */

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

int cmd_range_show(struct cli *cli, const struct cli_invocation *inv)
{
	static const char *const view[] = { "ranges", NULL };
	struct show s;
	int ret = show_begin(cli, inv, "ranges", XESVM_VIEW_RANGES, &s);

	if (ret)
		return ret;
	if (cli->json) {
		ret = cli_write_view(cli, s.m, view, s.q);
	} else {
		struct render_opts ro = cli_render_opts(cli);
		struct range_rows st = { s.m, s.q, 0, xesvm_model_range_count(s.m) };
		struct table_rows rows = { range_rows_rewind, range_rows_next, &st };

		print_range_table(stdout, &rows, true, &ro, "");
	}
	return show_end(cli, &s, ret);
}

/* ------------------------------------------------------------------ */
/* pagemap show                                                        */
/* ------------------------------------------------------------------ */

static void col_migrations(const void *row, const struct table_column *col,
			   const struct render_opts *ro, char *buf, size_t size)
{
	json_t *dir = json_object_get(json_object_get(row, "stats"), col->arg);
	char bytes[32];
	uint64_t count;

	if (!json_get_u64(dir, "count", &count)) {
		snprintf(buf, size, "-");
		return;
	}
	cell_bytes(bytes, sizeof(bytes), dir, "bytes", ro);
	snprintf(buf, size, "%" PRIu64 " (%s)", count, bytes);
}

static void col_failures(const void *row, const struct table_column *col,
			 const struct render_opts *ro, char *buf, size_t size)
{
	static const char *const dirs[] = { "to_device", "to_ram" };
	static const char *const kinds[] = { "fail_enomem", "fail_ebusy",
					     "fail_efault", "fail_other" };
	json_t *stats = json_object_get(row, "stats");
	uint64_t total = 0, v;
	bool any = false;

	for (size_t d = 0; d < 2; d++)
		for (size_t k = 0; k < 4; k++)
			if (json_get_u64(json_object_get(stats, dirs[d]), kinds[k], &v)) {
				total += v;
				any = true;
			}
	if (any)
		snprintf(buf, size, "%" PRIu64, total);
	else
		snprintf(buf, size, "-");
}

static void col_pagemap_stat(const void *row, const struct table_column *col,
			     const struct render_opts *ro, char *buf, size_t size)
{
	cell_int(buf, size, json_object_get(row, "stats"), col->arg);
}

static void col_pagemap_size(const void *row, const struct table_column *col,
			     const struct render_opts *ro, char *buf, size_t size)
{
	cell_bytes(buf, size, row, "size_bytes", ro);
}

int cmd_pagemap_show(struct cli *cli, const struct cli_invocation *inv)
{
	static const struct table_column cols[] = {
		{ "DEV", true, col_int, NULL, "device" },
		{ "ID", true, col_int, NULL, "id" },
		{ "NAME", false, col_str, NULL, "name" },
		{ "REGION", false, col_str, NULL, "region" },
		{ "SIZE", true, col_pagemap_size, NULL, NULL },
		{ "PAGES-IN-USE", true, col_pagemap_stat, NULL, "device_pages_in_use" },
		{ "TO-DEVICE", true, col_migrations, NULL, "to_device" },
		{ "TO-RAM", true, col_migrations, NULL, "to_ram" },
		{ "FAILED", true, col_failures, NULL, NULL },
		{ "EVICTIONS", true, col_pagemap_stat, NULL, "evictions" },
		{ "CPU-DEFERRED", true, col_pagemap_stat, NULL, "cpu_faults_deferred" },
	};

	return show_collection(cli, inv, "pagemaps", "pagemaps", XESVM_VIEW_PAGEMAPS, cols,
			       NCOLS(cols));
}

/* ------------------------------------------------------------------ */
/* vm show: one block per VM, VMAs one per line, ranges by residency;  */
/* `detail` adds every range under its VMA                             */
/* ------------------------------------------------------------------ */

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

int cmd_vm_show(struct cli *cli, const struct cli_invocation *inv)
{
	static const char *const view[] = { "vms", NULL };
	static const char *const detail_view[] = { "vms", "vmas", "ranges", NULL };
	bool detail = cli_flag(inv, "detail");
	struct vm_index ix;
	struct show s;
	int ret = show_begin(cli, inv, "vms", XESVM_VIEW_VMS | XESVM_VIEW_VMAS | XESVM_VIEW_RANGES,
			     &s);

	if (ret)
		return ret;
	if (cli->json) {
		ret = cli_write_view(cli, s.m, detail ? detail_view : view, s.q);
		return show_end(cli, &s, ret);
	}
	ret = vm_index_build(&ix, s.m, s.q, detail, &cli->err);
	if (ret)
		return show_end(cli, &s, ret);

	struct render_opts ro = cli_render_opts(cli);

	for (size_t k = 0; k < ix.nvms; k++) {
		if (k)
			fputc('\n', stdout);
		print_vm_block(stdout, &ix, &ix.vms[k], detail, &ro);
	}
	vm_index_free(&ix);
	return show_end(cli, &s, ret);
}
