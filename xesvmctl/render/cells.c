// SPDX-License-Identifier: MIT
/*
 * Cells of the human tables read from model objects: members of a JSON
 * object as text, the generic column formatters, rows over a collection
 * or an array of pointers, colours.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"

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

/* Generic column formatters (cells.h): col->arg is the member name. */
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
