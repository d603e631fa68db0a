// SPDX-License-Identifier: MIT
/*
 * The human renderer of the model's objects that several commands print:
 * the VM header, the VMA, range and page-set tables, and an event's time
 * and details. `vm show`, `range show`, `explain`, `madvise` and `monitor`
 * print them with these, so they look the same everywhere.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "human.h"
#include "render.h"

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

const struct table_column vma_attr_cols[VMA_ATTR_COLS] = {
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

void fmt_range_flags(char *buf, size_t size, uint32_t flags)
{
	size_t used = 0;

	for (unsigned int bit = 0; bit < XESVM_RANGE_FLAG_COUNT; bit++) {
		const char *name = xesvm_range_flag_name(bit);
		size_t n = strlen(name);

		if (!(flags & (1u << bit)))
			continue;
		/* As cell_appendf() cuts: never past @size - 1. */
		if (used + (used != 0) + n + 1 > size) {
			cell_appendf(buf, size, &used, ",", "%s", name);
			break;
		}
		if (used)
			buf[used++] = ',';
		memcpy(buf + used, name, n);
		used += n;
	}
	buf[used] = '\0';
	if (!used)
		fmt_text(buf, size, "-");
}

/*
 * "1,2": the pagemaps holding the range's pages, each once, in the order
 * of its page sets (a page set per device that maps it); "-" for none.
 */
static void fmt_range_pagemaps(char *buf, size_t size, const struct xesvm_range *r)
{
	uint32_t seen[XESVM_RANGE_PAGES_MAX];
	size_t used = 0, nseen = 0, k;

	buf[0] = '\0';
	for (unsigned int i = 0; i < r->pages_described; i++) {
		struct xesvm_range_pages p = xesvm_range_get_pages(r, i);

		if (p.pagemap == XESVM_PAGEMAP_NONE)
			continue;
		for (k = 0; k < nseen && seen[k] != p.pagemap; k++)
			;
		if (k < nseen)
			continue;
		seen[nseen++] = p.pagemap;
		/* The common case, one pagemap, by hand: this runs for a million rows. */
		if (!used) {
			fmt_uint(buf, size, p.pagemap);
			used = strlen(buf);
		} else {
			cell_appendf(buf, size, &used, ",", "%" PRIu32, p.pagemap);
		}
	}
	if (!used)
		fmt_text(buf, size, "-");
}

enum range_field { RF_DEV, RF_VM, RF_START, RF_END, RF_SIZE, RF_RES,
		   RF_PAGEMAP, RF_FLAGS, RF_PRESENT, RF_INVAL };

static void col_range(const void *row, const struct table_column *col,
		      const struct render_opts *ro, char *buf, size_t size)
{
	const struct xesvm_range *r = row;

	/* By hand, not snprintf(): this runs twice for each cell of a million rows. */
	switch ((enum range_field)(uintptr_t)col->arg) {
	case RF_DEV:
		fmt_uint(buf, size, r->device);
		break;
	case RF_VM:
		fmt_uint(buf, size, r->vm);
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
		fmt_text(buf, size, xesvm_residency_name(xesvm_range_residency(r)));
		break;
	case RF_PAGEMAP:
		fmt_range_pagemaps(buf, size, r);
		break;
	case RF_FLAGS:
		fmt_range_flags(buf, size, r->flags);
		break;
	case RF_PRESENT:
		fmt_hex(buf, size, r->tile_present);
		break;
	case RF_INVAL:
		fmt_hex(buf, size, r->tile_invalidated);
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

/* @v, "-" when it is @none (not known). */
static void fmt_uint_or_dash(char *buf, size_t size, uint64_t v, uint64_t none)
{
	if (v == none)
		fmt_text(buf, size, "-");
	else
		fmt_uint(buf, size, v);
}

enum page_set_field { PF_DEVICE, PF_RES, PF_PAGEMAP, PF_SEQ, PF_FLAGS };

static void col_page_set(const void *row, const struct table_column *col,
			 const struct render_opts *ro, char *buf, size_t size)
{
	const struct xesvm_range_pages *p = row;

	switch ((enum page_set_field)(uintptr_t)col->arg) {
	case PF_DEVICE:
		if (p->device == XESVM_DEVICE_NONE)
			fmt_text(buf, size, "-");
		else
			snprintf(buf, size, "card%" PRIu32, p->device);
		break;
	case PF_RES:
		fmt_text(buf, size, xesvm_residency_name(xesvm_range_pages_residency(p)));
		break;
	case PF_PAGEMAP:
		fmt_uint_or_dash(buf, size, p->pagemap, XESVM_PAGEMAP_NONE);
		break;
	case PF_SEQ:
		fmt_uint_or_dash(buf, size, p->notifier_seq, XESVM_NOTIFIER_SEQ_NONE);
		break;
	case PF_FLAGS:
		fmt_range_flags(buf, size, p->flags);
		break;
	}
}

static const char *color_page_set(const void *row, const struct table_column *col)
{
	return residency_color(xesvm_residency_name(xesvm_range_pages_residency(row)));
}

#define PCOL(h, right, f) { h, right, col_page_set, NULL, (const void *)(uintptr_t)(f) }

void print_page_set_table(FILE *out, const struct xesvm_range *r, const struct render_opts *ro,
			  const char *indent)
{
	static const struct table_column cols[] = {
		PCOL("DEVICE", false, PF_DEVICE),
		{ "RESIDENCY", false, col_page_set, color_page_set,
		  (const void *)(uintptr_t)PF_RES },
		PCOL("PAGEMAP", true, PF_PAGEMAP),
		PCOL("NOTIFIER_SEQ", true, PF_SEQ),
		PCOL("FLAGS", false, PF_FLAGS),
	};
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	const void *items[XESVM_RANGE_PAGES_MAX];
	struct table_rows rows;
	struct ptr_rows st;

	for (unsigned int i = 0; i < r->pages_described; i++) {
		sets[i] = xesvm_range_get_pages(r, i);
		items[i] = &sets[i];
	}
	ptr_rows_init(&rows, &st, items, r->pages_described);
	table_render(out, cols, NCOLS(cols), &rows, ro, indent);
}

void fmt_residency_sum(char *buf, size_t size,
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

void print_vm_header(FILE *out, const struct vm_entry *v,
		     const struct render_opts *ro)
{
	char comm[64], start[32], end[32];
	uint64_t pid, client, lo, hi, handle;

	term_sgr(out, ro, "1");
	fprintf(out, "vm %" PRIu64, v->id);
	term_reset(out, ro);
	/* The driver's own name of the VM, as its logs show it (xe: the ASID). */
	if (json_get_u64(v->vm, "driver_handle", &handle))
		fprintf(out, " (driver handle %" PRIu64 ")", handle);
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

void fmt_event_time(char *buf, size_t size, const json_t *ev)
{
	uint64_t ns;

	if (json_get_u64(ev, "time_ns", &ns))
		snprintf(buf, size, "%" PRIu64 ".%09" PRIu64, ns / 1000000000,
			 ns % 1000000000);
	else
		snprintf(buf, size, "-");
}

/* A JSON scalar as a table cell: integers, text, "-" for null. */
static void fmt_scalar(char *buf, size_t size, const json_t *v)
{
	if (json_is_integer(v))
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_string(v))
		fmt_text(buf, size, json_string_value(v));
	else if (!v || json_is_null(v))
		snprintf(buf, size, "-");
	else if (json_is_boolean(v))
		snprintf(buf, size, "%s", json_is_true(v) ? "yes" : "no");
	else
		snprintf(buf, size, "...");
}

void fmt_attr_values(char *buf, size_t size, const json_t *attrs)
{
	/* Short names, in the order of a "vmas" object. */
	static const struct {
		const char *key, *name;
	} names[] = {
		{ "preferred_location", "loc" }, { "preferred_pagemap", "pagemap" },
		{ "migration_policy", "policy" }, { "atomic_access", "atomic" },
		{ "pat_index", "pat" },
	};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const json_t *v = json_object_get(attrs, names[i].key);
		char value[48];

		if (!v || json_is_null(v))
			continue;
		fmt_scalar(value, sizeof(value), v);
		cell_appendf(buf, size, &used, ",", "%s:%s", names[i].name, value);
	}
	if (!buf[0])
		snprintf(buf, size, "-");
}

void fmt_event_details(char *buf, size_t size, const json_t *ev)
{
	static const char *const common[] = { "time_ns", "type", "device", "vm",
					      "pid", "start", "end" };
	size_t used = 0;
	const char *key;
	json_t *v;

	buf[0] = '\0';
	json_object_foreach((json_t *)ev, key, v) {
		char value[96];
		bool skip = false;

		for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
			skip |= strcmp(key, common[i]) == 0;
		if (skip)
			continue;
		if (json_is_object(v))
			fmt_attr_values(value, sizeof(value), v);
		else
			fmt_scalar(value, sizeof(value), v);
		cell_appendf(buf, size, &used, " ", "%s=%s", key, value);
	}
	if (!buf[0])
		snprintf(buf, size, "-");
}

int print_collection_table(struct cli *cli, const struct view *v, const void *arg)
{
	const struct collection_table *t = arg;
	struct render_opts ro = render_opts_of(cli);
	struct table_rows rows;
	struct json_rows st;

	json_rows_init(&rows, &st, xesvm_model_array(v->m, t->collection),
		       t->collection, v->q);
	table_render(stdout, t->cols, t->ncols, &rows, &ro, "");
	return XESVM_OK;
}
