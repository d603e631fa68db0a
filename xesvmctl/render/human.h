/* SPDX-License-Identifier: MIT */
/*
 * The human renderer of the model's objects several commands print: the
 * VM header, the VMA, range and page-set tables, residency sums, range
 * flags, and an event's time and details.
 */
#ifndef XESVMCTL_RENDER_HUMAN_H
#define XESVMCTL_RENDER_HUMAN_H

#include <stdio.h>

#include "../cli.h"
#include "../view.h"
#include "../vm_index.h"
#include "cells.h"

/* The attribute columns of a VMA (struct json_t rows): START to PURGEABLE. */
#define VMA_ATTR_COLS 9
extern const struct table_column vma_attr_cols[VMA_ATTR_COLS];

/* "migrate_devmem,has_dma_mapping": the names of the flags @flags has, "-" for none. */
void fmt_range_flags(char *buf, size_t size, uint32_t flags);

/* "device 3 (12 KiB), system 1 (4 KiB)": ranges by residency, device first; "-" if none. */
void fmt_residency_sum(char *buf, size_t size, const struct residency_sum *sum,
		       const struct render_opts *ro);

/* "vm 3 on card0  pid 4242 (svm-stream)  client 7  [START-END)" */
void print_vm_header(FILE *out, const struct vm_entry *v,
		     const struct render_opts *ro);
/* A table of VMAs (struct vma_entry rows) with their attributes. */
void print_vma_table(FILE *out, struct table_rows *rows, bool with_ranges,
		     const struct render_opts *ro, const char *indent);
/* A table of ranges (struct xesvm_range rows); @with_vm: DEV and VM columns. */
void print_range_table(FILE *out, struct table_rows *rows, bool with_vm,
		       const struct render_opts *ro, const char *indent);

/*
 * A table of the page sets of @r, one row per device: the device, the
 * residency, pagemap, notifier sequence and flags of its pages.
 */
void print_page_set_table(FILE *out, const struct xesvm_range *r, const struct render_opts *ro,
			  const char *indent);

/* An event's time_ns as seconds ("1823.345512000"), "-" if absent. */
void fmt_event_time(char *buf, size_t size, const json_t *ev);
/* The type-specific members of an event, "key=value" in the model's order. */
void fmt_event_details(char *buf, size_t size, const json_t *ev);
/* "loc:system,policy:all_pages,atomic:global,pat:3" of a "before" (or "vmas") object. */
void fmt_attr_values(char *buf, size_t size, const json_t *attrs);

/* A collection of the model shown as one table, a row per object selected. */
struct collection_table {
	const char *collection;
	const struct table_column *cols;
	size_t ncols;
};

/* The view_printer of a flat collection (@arg: a struct collection_table). */
int print_collection_table(struct cli *cli, const struct view *v, const void *arg);

#endif /* XESVMCTL_RENDER_HUMAN_H */
