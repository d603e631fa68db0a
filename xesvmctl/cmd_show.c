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

bool json_get_u64(const json_t *obj, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		return false;
	*out = (uint64_t)json_integer_value(v);
	return true;
}

const char *json_get_str(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

void cell_int(char *buf, size_t size, const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_integer(v))
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else
		snprintf(buf, size, "-");
}

void cell_str(char *buf, size_t size, const json_t *obj, const char *key)
{
	const char *s = json_get_str(obj, key);

	fmt_text(buf, size, s ? s : "-");
}

void cell_appendf(char *buf, size_t size, size_t *used, const char *sep,
		  const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used + 1 >= size)
		return;
	if (*used) {
		n = snprintf(buf + *used, size - *used, "%s", sep);
		*used = n < 0 || (size_t)n >= size - *used ? size - 1 : *used + n;
		if (*used + 1 >= size)
			return;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, size - *used, fmt, ap);
	va_end(ap);
	*used = n < 0 || (size_t)n >= size - *used ? size - 1 : *used + n;
}

void cell_bytes(char *buf, size_t size, const json_t *obj, const char *key,
		const struct render_opts *ro)
{
	uint64_t v;

	if (json_get_u64(obj, key, &v))
		fmt_bytes(buf, size, v, ro->exact);
	else
		snprintf(buf, size, "-");
}

static void json_rows_rewind(void *state)
{
	((struct json_rows *)state)->next = 0;
}

static const void *json_rows_next(void *state)
{
	struct json_rows *st = state;

	while (st->next < json_array_size(st->array)) {
		json_t *obj = json_array_get(st->array, st->next++);

		if (!st->query || xesvm_query_match(st->query, st->collection, obj))
			return obj;
	}
	return NULL;
}

void json_rows_init(struct table_rows *rows, struct json_rows *st,
		    json_t *array, const char *collection,
		    const struct xesvm_query *q)
{
	*st = (struct json_rows){ array, collection, q, 0 };
	*rows = (struct table_rows){ json_rows_rewind, json_rows_next, st };
}

struct render_opts cli_render_opts(const struct cli *cli)
{
	return (struct render_opts){ .exact = cli->exact, .color = cli->color };
}

const char *residency_color(const char *residency)
{
	if (!residency)
		return NULL;
	if (strcmp(residency, "device") == 0)
		return "32";	/* green */
	if (strcmp(residency, "system") == 0)
		return "36";	/* cyan */
	return "2";		/* dim: nothing resident */
}

/* Generic column formatters (render.h): col->arg is the member name. */
void col_int(const void *row, const struct table_column *col,
		    const struct render_opts *ro, char *buf, size_t size)
{
	cell_int(buf, size, row, col->arg);
}

void col_str(const void *row, const struct table_column *col,
		    const struct render_opts *ro, char *buf, size_t size)
{
	cell_str(buf, size, row, col->arg);
}

void col_addr(const void *row, const struct table_column *col,
		     const struct render_opts *ro, char *buf, size_t size)
{
	uint64_t v;

	if (json_get_u64(row, col->arg, &v))
		fmt_addr(buf, size, v);
	else
		snprintf(buf, size, "-");
}

static void col_size(const void *row, const struct table_column *col,
		     const struct render_opts *ro, char *buf, size_t size)
{
	uint64_t start, end;

	if (json_get_u64(row, "start", &start) && json_get_u64(row, "end", &end) &&
	    end >= start)
		fmt_bytes(buf, size, end - start, ro->exact);
	else
		snprintf(buf, size, "-");
}

/* Documented in render.h. */
int show_begin(struct cli *cli, const struct cli_invocation *inv,
		      const char *needs_view, struct show *s)
{
	int ret;

	memset(s, 0, sizeof(*s));
	/*
	 * Live range dumps cost a netlink round trip per batch of ranges, so
	 * they are asked for only by views that show or summarise ranges:
	 * range show, and the VM views (vm show, explain) whose maps count
	 * ranges by residency.
	 */
	if (needs_view && (!strcmp(needs_view, "ranges") || !strcmp(needs_view, "vms")))
		cli->sources.ranges = true;
	ret = cli_get_model(cli, &s->m, &s->owned);
	if (ret)
		return ret;
	if (needs_view && !cli->snapshot_path &&
	    !json_object_get(json_object_get(xesvm_model_root(s->m), "sources"),
			     needs_view)) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, 0,
				"%s%s%s: live %s need the drm-svm kernel family or the SVM debugfs files (dri/N/svm_vms, root only), and this system has neither; read a snapshot with -f FILE",
				inv->object->name, inv->command->name ? " " : "",
				inv->command->name ? inv->command->name : "",
				needs_view);
		cli_put_model(s->m, s->owned);
		return XESVM_E_SYSTEM;
	}
	ret = cli_build_query(cli, inv, s->m, &s->q);
	if (!ret)
		ret = cli_check_pid_readable(cli, inv, s->m, s->q);
	if (ret) {
		xesvm_query_free(s->q);
		cli_put_model(s->m, s->owned);
		return ret;
	}
	cli_show_notes(cli, s->m);
	return XESVM_OK;
}

int show_end(struct cli *cli, struct show *s, int ret)
{
	if (s->q)
		xesvm_query_free(s->q);
	cli_put_model(s->m, s->owned);
	if (!ret && (fflush(stdout) == EOF || ferror(stdout))) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, 0, "writing output failed");
		return XESVM_E_SYSTEM;
	}
	return ret;
}

/* Shows one flat collection as a table (or its JSON view). */
static int show_collection(struct cli *cli, const struct cli_invocation *inv,
			   const char *collection, const char *needs_view,
			   const struct table_column *cols, size_t ncols)
{
	const char *const view[] = { collection, NULL };
	struct show s;
	int ret = show_begin(cli, inv, needs_view, &s);

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

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

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

	return show_collection(cli, inv, "devices", NULL, cols, NCOLS(cols));
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
	int ret = show_begin(cli, inv, NULL, &s);

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

static void col_preferred(const void *row, const struct table_column *col,
			  const struct render_opts *ro, char *buf, size_t size)
{
	const char *loc = json_get_str(row, "preferred_location");
	uint64_t pm;

	if (loc && strcmp(loc, "pagemap") == 0 &&
	    json_get_u64(row, "preferred_pagemap", &pm))
		snprintf(buf, size, "pagemap %" PRIu64, pm);
	else
		fmt_text(buf, size, loc ? loc : "-");
}

static const struct table_column vma_attr_cols[] = {
	{ "START", false, col_addr, NULL, "start" },
	{ "END", false, col_addr, NULL, "end" },
	{ "SIZE", true, col_size, NULL, NULL },
	{ "KIND", false, col_str, NULL, "kind" },
	{ "PREFERRED", false, col_preferred, NULL, NULL },
	{ "POLICY", false, col_str, NULL, "migration_policy" },
	{ "ATOMIC", false, col_str, NULL, "atomic_access" },
	{ "PAT", true, col_int, NULL, "pat_index" },
	{ "PURGEABLE", false, col_str, NULL, "purgeable" },
};

int cmd_vma_show(struct cli *cli, const struct cli_invocation *inv)
{
	struct table_column cols[2 + NCOLS(vma_attr_cols)] = {
		{ "DEV", true, col_int, NULL, "device" },
		{ "VM", true, col_int, NULL, "vm" },
	};

	memcpy(cols + 2, vma_attr_cols, sizeof(vma_attr_cols));
	return show_collection(cli, inv, "vmas", "vmas", cols, NCOLS(cols));
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

enum range_field { RF_DEV, RF_VM, RF_START, RF_END, RF_SIZE, RF_RES,
		   RF_PAGEMAP, RF_FLAGS, RF_PRESENT, RF_INVAL };

static void col_range(const void *row, const struct table_column *col,
		      const struct render_opts *ro, char *buf, size_t size)
{
	const struct xesvm_range *r = row;

	switch ((enum range_field)(uintptr_t)col->arg) {
	case RF_DEV:
		snprintf(buf, size, "%" PRIu32, r->device);
		break;
	case RF_VM:
		snprintf(buf, size, "%" PRIu32, r->vm);
		break;
	case RF_START:
		fmt_addr(buf, size, r->start);
		break;
	case RF_END:
		fmt_addr(buf, size, r->end);
		break;
	case RF_SIZE:
		fmt_bytes(buf, size, r->end - r->start, ro->exact);
		break;
	case RF_RES:
		snprintf(buf, size, "%s", xesvm_residency_name(xesvm_range_residency(r)));
		break;
	case RF_PAGEMAP:
		if (r->pagemap == XESVM_PAGEMAP_NONE)
			snprintf(buf, size, "-");
		else
			snprintf(buf, size, "%" PRIu32, r->pagemap);
		break;
	case RF_FLAGS: {
		size_t used = 0;

		buf[0] = '\0';
		for (unsigned int bit = 0; bit < XESVM_RANGE_FLAG_COUNT; bit++)
			if (r->flags & (1u << bit))
				cell_appendf(buf, size, &used, ",", "%s",
					     xesvm_range_flag_name(bit));
		if (!buf[0])
			snprintf(buf, size, "-");
		break;
	}
	case RF_PRESENT:
		snprintf(buf, size, "0x%" PRIx32, r->tile_present);
		break;
	case RF_INVAL:
		snprintf(buf, size, "0x%" PRIx32, r->tile_invalidated);
		break;
	}
}

static const char *color_range(const void *row, const struct table_column *col)
{
	return residency_color(xesvm_residency_name(xesvm_range_residency(row)));
}

#define RCOL(h, right, f) { h, right, col_range, NULL, (const void *)(uintptr_t)(f) }

void print_range_table(FILE *out, struct table_rows *rows, bool with_vm,
		       const struct render_opts *ro, const char *indent)
{
	static const struct table_column cols[] = {
		RCOL("DEV", true, RF_DEV),
		RCOL("VM", true, RF_VM),
		RCOL("START", false, RF_START),
		RCOL("END", false, RF_END),
		RCOL("SIZE", true, RF_SIZE),
		{ "RESIDENCY", false, col_range, color_range,
		  (const void *)(uintptr_t)RF_RES },
		RCOL("PAGEMAP", true, RF_PAGEMAP),
		RCOL("TILES", false, RF_PRESENT),
		RCOL("INVALIDATED", false, RF_INVAL),
		RCOL("FLAGS", false, RF_FLAGS),
	};
	size_t skip = with_vm ? 0 : 2;

	table_render(out, cols + skip, NCOLS(cols) - skip, rows, ro, indent);
}

int cmd_range_show(struct cli *cli, const struct cli_invocation *inv)
{
	static const char *const view[] = { "ranges", NULL };
	struct show s;
	int ret = show_begin(cli, inv, "ranges", &s);

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

	return show_collection(cli, inv, "pagemaps", "pagemaps", cols, NCOLS(cols));
}

/* ------------------------------------------------------------------ */
/* vm show: one block per VM, VMAs one per line, ranges by residency;  */
/* `detail` adds every range under its VMA                             */
/* ------------------------------------------------------------------ */

static void fmt_residency_sum(char *buf, size_t size,
			      const struct residency_sum *sum,
			      const struct render_opts *ro)
{
	/* Device first: that is what people look for. */
	static const enum xesvm_residency order[] = {
		XESVM_RES_DEVICE, XESVM_RES_SYSTEM, XESVM_RES_NONE };
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < RESIDENCY_COUNT; i++) {
		enum xesvm_residency res = order[i];
		char bytes[32];

		if (!sum->count[res])
			continue;
		fmt_bytes(bytes, sizeof(bytes), sum->bytes[res], ro->exact);
		cell_appendf(buf, size, &used, ", ", "%s %" PRIu64 " (%s)",
			     xesvm_residency_name(res), sum->count[res], bytes);
	}
	if (!buf[0])
		snprintf(buf, size, "-");
}

static void col_vma_ranges(const void *row, const struct table_column *col,
			   const struct render_opts *ro, char *buf, size_t size)
{
	const struct vma_entry *e = row;

	fmt_residency_sum(buf, size, &e->sum, ro);
}

/* The VMA table formats from the entry; reuse the JSON formatters. */
static void col_vma_json(const void *row, const struct table_column *col,
			 const struct render_opts *ro, char *buf, size_t size)
{
	const struct table_column *inner = col->arg;

	inner->format(((const struct vma_entry *)row)->vma, inner, ro, buf, size);
}

void print_vma_table(FILE *out, struct table_rows *rows, bool with_ranges,
		     const struct render_opts *ro, const char *indent)
{
	struct table_column cols[NCOLS(vma_attr_cols) + 1];

	for (size_t i = 0; i < NCOLS(vma_attr_cols); i++)
		cols[i] = (struct table_column){ vma_attr_cols[i].header,
			vma_attr_cols[i].align_right, col_vma_json, NULL,
			&vma_attr_cols[i] };
	cols[NCOLS(vma_attr_cols)] = (struct table_column){
		"RANGES", false, col_vma_ranges, NULL, NULL };
	table_render(out, cols, NCOLS(cols) - !with_ranges, rows, ro, indent);
}

static void ptr_rows_rewind(void *state)
{
	((struct ptr_rows *)state)->next = 0;
}

static const void *ptr_rows_next(void *state)
{
	struct ptr_rows *st = state;

	return st->next < st->n ? st->items[st->next++] : NULL;
}

void ptr_rows_init(struct table_rows *rows, struct ptr_rows *st,
		   const void *const *items, size_t n)
{
	*st = (struct ptr_rows){ items, n, 0 };
	*rows = (struct table_rows){ ptr_rows_rewind, ptr_rows_next, st };
}

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

void print_vm_header(FILE *out, const struct vm_entry *v,
		     const struct render_opts *ro)
{
	char comm[64], start[32], end[32];
	uint64_t pid, client, lo, hi;

	term_sgr(out, ro, "1");
	fprintf(out, "vm %" PRIu64, v->id);
	term_reset(out, ro);
	fprintf(out, " on card%" PRIu64, v->device);
	if (json_get_u64(v->vm, "pid", &pid)) {
		cell_str(comm, sizeof(comm), v->vm, "comm");
		fprintf(out, "  pid %" PRIu64 " (%s)", pid, comm);
	}
	if (json_get_u64(v->vm, "client_id", &client))
		fprintf(out, "  client %" PRIu64, client);
	if (json_get_u64(v->vm, "start", &lo) && json_get_u64(v->vm, "end", &hi)) {
		fmt_addr(start, sizeof(start), lo);
		fmt_addr(end, sizeof(end), hi);
		fprintf(out, "  [%s-%s)", start, end);
	}
	fputc('\n', out);
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
	int ret = show_begin(cli, inv, "vms", &s);

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
