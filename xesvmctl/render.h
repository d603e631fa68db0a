/* SPDX-License-Identifier: MIT */
/* Helpers shared by the command files for reading model objects. */
#ifndef XESVMCTL_RENDER_H
#define XESVMCTL_RENDER_H

#include "table.h"
#include "xesvmctl.h"

/* Integer member @key of @obj; false when absent or null. */
bool json_get_u64(const json_t *obj, const char *key, uint64_t *out);
/* String member, NULL when absent or null. */
const char *json_get_str(const json_t *obj, const char *key);

/* Cell helpers: "-" for null. */
void cell_int(char *buf, size_t size, const json_t *obj, const char *key);
void cell_str(char *buf, size_t size, const json_t *obj, const char *key);
void cell_bytes(char *buf, size_t size, const json_t *obj, const char *key,
		const struct render_opts *ro);

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

/* Render options from the global options. */
struct render_opts cli_render_opts(const struct cli *cli);

/* SGR colour of a residency name. */
const char *residency_color(const char *residency);

#endif /* XESVMCTL_RENDER_H */
