/* SPDX-License-Identifier: MIT */
/*
 * Cells of the human tables read from model objects (render/table.h draws
 * the tables): members as text, generic column formatters, row iterators.
 */
#ifndef XESVMCTL_RENDER_CELLS_H
#define XESVMCTL_RENDER_CELLS_H

#include <stdbool.h>
#include <stdint.h>

#include <xesvm.h>

#include "table.h"

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

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

/* SGR colour of a residency name. */
const char *residency_color(const char *residency);

/* Rows over an array of pointers (ranges of a vm_index slice, ...). */
struct ptr_rows {
	const void *const *items;
	size_t n, next;
};
void ptr_rows_init(struct table_rows *rows, struct ptr_rows *st,
		   const void *const *items, size_t n);

#endif /* XESVMCTL_RENDER_CELLS_H */
