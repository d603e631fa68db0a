/* SPDX-License-Identifier: MIT */
/*
 * What the command files share for printing the model: cells and rows
 * (render.c), the VM index (vm_index.c), the view parts (views.c) and the
 * Prometheus renderer (prometheus.c).
 */
#ifndef XESVMCTL_RENDER_H
#define XESVMCTL_RENDER_H

#include "table.h"
#include "xesvmctl.h"

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- render.c ---- */

/* Integer member @key of @obj; false when absent or null. */
bool json_get_u64(const json_t *obj, const char *key, uint64_t *out);
/* String member, NULL when absent or null. */
const char *json_get_str(const json_t *obj, const char *key);

/* Cell helpers: "-" for null. */
void cell_int(char *buf, size_t size, const json_t *obj, const char *key);
void cell_str(char *buf, size_t size, const json_t *obj, const char *key);
void cell_bytes(char *buf, size_t size, const json_t *obj, const char *key,
		const struct render_opts *ro);
/*
 * Appends @sep (only when something is there already) and the formatted
 * text to the list in @buf, *@used bytes long. A full buffer truncates
 * instead of overflowing: *@used never passes @size - 1.
 */
void cell_appendf(char *buf, size_t size, size_t *used, const char *sep,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Column formatters of a JSON object's member @col->arg; "-" for null. */
void col_int(const void *row, const struct table_column *col,
	     const struct render_opts *ro, char *buf, size_t size);
void col_str(const void *row, const struct table_column *col,
	     const struct render_opts *ro, char *buf, size_t size);
void col_addr(const void *row, const struct table_column *col,
	      const struct render_opts *ro, char *buf, size_t size);

/* Iterates a top-level array, skipping objects the query does not match. */
struct json_rows {
	json_t *array;
	const char *collection;
	const struct xesvm_query *query;
	size_t next;
};
void json_rows_init(struct table_rows *rows, struct json_rows *st,
		    json_t *array, const char *collection,
		    const struct xesvm_query *q);

/* An event's time_ns as seconds ("1823.345512000"), "-" if absent. */
void fmt_event_time(char *buf, size_t size, const json_t *ev);
/* The type-specific members of an event, "key=value" in the model's order. */
void fmt_event_details(char *buf, size_t size, const json_t *ev);

/* Render options from the global options. */
struct render_opts cli_render_opts(const struct cli *cli);

/* SGR colour of a residency name. */
const char *residency_color(const char *residency);

/* ---- vm_index.c: VMs, VMAs and ranges sorted for lookups ---- */

#define RESIDENCY_COUNT 3	/* enum xesvm_residency */

struct residency_sum {
	uint64_t count[RESIDENCY_COUNT];
	uint64_t bytes[RESIDENCY_COUNT];
};

void residency_add(struct residency_sum *sum, const struct xesvm_range *r);

struct vma_entry {
	json_t *vma;
	uint64_t device, vm, start, end;
	struct residency_sum sum;
};

struct vm_entry {
	json_t *vm;
	uint64_t device, id;
	struct residency_sum sum;	/* all its ranges */
	uint64_t outside_vmas;		/* ranges no listed VMA holds */
	size_t first_vma, nvmas;	/* slice of vm_index.vmas */
	size_t first_range, nranges;	/* slice of vm_index.ranges */
};

struct vm_index {
	struct vm_entry *vms;		/* by (device, id) */
	size_t nvms;
	struct vma_entry *vmas;		/* by (device, vm, start) */
	size_t nvmas;
	const struct xesvm_range **ranges;	/* by (device, vm, start); NULL
						 * unless asked for */
	size_t nranges;
};

/*
 * Indexes the VMs, VMAs and ranges @q selects; @keep_ranges also keeps
 * the ranges sorted (for listing them or finding one by address).
 */
int vm_index_build(struct vm_index *ix, const struct xesvm_model *m,
		   const struct xesvm_query *q, bool keep_ranges,
		   struct xesvm_error *err);
void vm_index_free(struct vm_index *ix);
struct vm_entry *vm_index_find_vm(const struct vm_index *ix, uint64_t device,
				  uint64_t id);
struct vma_entry *vm_index_find_vma(const struct vm_index *ix,
				    const struct vm_entry *vm, uint64_t addr);
/* With keep_ranges: the first range of @vm ending after @addr (index). */
size_t vm_index_range_lower_bound(const struct vm_index *ix,
				  const struct vm_entry *vm, uint64_t addr);
const struct xesvm_range *vm_index_find_range(const struct vm_index *ix,
					      const struct vm_entry *vm,
					      uint64_t addr);

/* ---- views.c: parts of the object views several commands print ---- */

/* The attribute columns of a VMA (struct json_t rows): START to PURGEABLE. */
#define VMA_ATTR_COLS 9
extern const struct table_column vma_attr_cols[VMA_ATTR_COLS];

/* "migrate_devmem,has_dma_mapping": the names of the flags @flags has, "-" for none. */
void fmt_range_flags(char *buf, size_t size, uint32_t flags);

/* "device 3 (12 KiB), system 1 (4 KiB)": ranges by residency, device first; "-" if none. */
void fmt_residency_sum(char *buf, size_t size, const struct residency_sum *sum,
		       const struct render_opts *ro);

/*
 * The parts every view has in common: the model, the live-source check,
 * the query, the notes about @views (enum xesvm_view_bit). @needs_view: a
 * view ("vms", ...) the live system must provide, NULL if the stock
 * gatherers always do.
 */
struct show {
	struct xesvm_model *m;
	bool owned;
	struct xesvm_query *q;
};
int show_begin(struct cli *cli, const struct cli_invocation *inv,
	       const char *needs_view, unsigned int views, struct show *s);
int show_end(struct cli *cli, struct show *s, int ret);

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

/* Rows over an array of pointers (ranges of a vm_index slice, ...). */
struct ptr_rows {
	const void *const *items;
	size_t n, next;
};
void ptr_rows_init(struct table_rows *rows, struct ptr_rows *st,
		   const void *const *items, size_t n);

/* ---- prometheus.c ---- */

/* The Prometheus text exposition format of what @q selects in @m. */
int prometheus_write(FILE *out, const struct xesvm_model *m,
		     const struct xesvm_query *q, struct xesvm_error *err);

#endif /* XESVMCTL_RENDER_H */
