// SPDX-License-Identifier: MIT
/* The table renderer and unit formatting; see table.h for the design. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

/*
 * Display width of UTF-8 text: code points, not bytes (no wide chars
 * here). *@len (may be NULL) gets its length in bytes: one pass for both.
 */
static size_t display_width_len(const char *s, size_t *len)
{
	const char *p = s;
	size_t w = 0;

	for (; *p; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			w++;
	if (len)
		*len = (size_t)(p - s);
	return w;
}

static size_t display_width(const char *s)
{
	return display_width_len(s, NULL);
}

void term_sgr(FILE *out, const struct render_opts *ro, const char *sgr)
{
	if (ro->color && sgr)
		fprintf(out, "\033[%sm", sgr);
}

void term_reset(FILE *out, const struct render_opts *ro)
{
	if (ro->color)
		fputs("\033[0m", out);
}

/*
 * One line of the table, built in memory and written with one fwrite():
 * a million rows of `range show` made a dozen stdio calls each (padding
 * through fprintf("%*s")), which cost more than formatting the cells.
 */
struct line {
	char *text;
	size_t len, cap;
};

static void line_grow_put(struct line *l, const char *s, size_t n)
{
	size_t cap = l->cap ? l->cap : 256;
	char *bigger;

	while (cap < l->len + n)
		cap *= 2;
	bigger = realloc(l->text, cap);
	if (!bigger)
		return;	/* out of memory: the line is cut, nothing worse */
	l->text = bigger;
	l->cap = cap;
	memcpy(l->text + l->len, s, n);
	l->len += n;
}

static inline void line_put(struct line *l, const char *s, size_t n)
{
	if (!n)
		return;	/* nothing, and no buffer yet to copy nothing into */
	if (l->len + n > l->cap) {
		line_grow_put(l, s, n);
		return;
	}
	memcpy(l->text + l->len, s, n);
	l->len += n;
}

static void line_spaces(struct line *l, size_t n)
{
	static const char spaces[] = "                                ";

	while (n) {
		size_t chunk = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		line_put(l, spaces, chunk);
		n -= chunk;
	}
}

static void line_sgr(struct line *l, const struct render_opts *ro, const char *sgr)
{
	if (!ro->color || !sgr)
		return;
	line_put(l, "\033[", 2);
	line_put(l, sgr, strlen(sgr));
	line_put(l, "m", 1);
}

static void put_cell(struct line *l, const char *text, size_t width,
		     bool right, bool last, const char *sgr,
		     const struct render_opts *ro)
{
	size_t len, w = display_width_len(text, &len);
	size_t pad = width > w ? width - w : 0;

	if (right)
		line_spaces(l, pad);
	line_sgr(l, ro, sgr);
	line_put(l, text, len);
	if (sgr && ro->color)
		line_put(l, "\033[0m", 4);
	if (!right && !last)
		line_spaces(l, pad);
}

size_t table_render(FILE *out, const struct table_column *cols, size_t ncols,
		    struct table_rows *rows, const struct render_opts *ro,
		    const char *indent)
{
	size_t *width = calloc(ncols, sizeof(*width));
	struct line l = { 0 };
	char cell[TABLE_CELL_MAX];
	const void *row;
	size_t nrows = 0, indent_len = strlen(indent);

	if (!width)
		return 0;
	for (size_t c = 0; c < ncols; c++)
		width[c] = display_width(cols[c].header);

	/* Pass 1: widths only. */
	rows->rewind(rows->state);
	while ((row = rows->next(rows->state))) {
		nrows++;
		for (size_t c = 0; c < ncols; c++) {
			size_t w;

			cell[0] = '\0';
			cols[c].format(row, &cols[c], ro, cell, sizeof(cell));
			w = display_width(cell);
			if (w > width[c])
				width[c] = w;
		}
	}
	if (nrows == 0) {
		free(width);
		return 0;
	}

	/* Header. */
	line_put(&l, indent, strlen(indent));
	for (size_t c = 0; c < ncols; c++) {
		if (c)
			line_put(&l, "  ", 2);
		put_cell(&l, cols[c].header, width[c], cols[c].align_right,
			 c + 1 == ncols, "1", ro);
	}
	line_put(&l, "\n", 1);
	fwrite(l.text, 1, l.len, out);

	/* Pass 2: format again and print. */
	rows->rewind(rows->state);
	while ((row = rows->next(rows->state))) {
		l.len = 0;
		line_put(&l, indent, indent_len);
		for (size_t c = 0; c < ncols; c++) {
			const char *sgr = cols[c].color ? cols[c].color(row, &cols[c]) : NULL;

			cell[0] = '\0';
			cols[c].format(row, &cols[c], ro, cell, sizeof(cell));
			if (c)
				line_put(&l, "  ", 2);
			put_cell(&l, cell, width[c], cols[c].align_right,
				 c + 1 == ncols, sgr, ro);
		}
		line_put(&l, "\n", 1);
		fwrite(l.text, 1, l.len, out);
	}
	free(l.text);
	free(width);
	return nrows;
}

/*
 * Decimal and hexadecimal digits of @v into @buf (NUL-terminated, cut to
 * @size like snprintf()). snprintf() was most of the time of formatting a
 * million table rows.
 */
/* The @n bytes at @s into @buf, NUL-terminated and cut to @size as snprintf() cuts. */
static void copy_cut(char *buf, size_t size, const char *s, size_t n)
{
	if (!size)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

void fmt_uint(char *buf, size_t size, uint64_t v)
{
	char digits[21];
	size_t i = sizeof(digits) - 1;

	digits[i] = '\0';
	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	copy_cut(buf, size, digits + i, sizeof(digits) - 1 - i);
}

void fmt_hex(char *buf, size_t size, uint64_t v)
{
	static const char xdigits[] = "0123456789abcdef";
	char digits[19];
	size_t i = sizeof(digits) - 1;

	digits[i] = '\0';
	do {
		digits[--i] = xdigits[v & 0xf];
		v >>= 4;
	} while (v);
	digits[--i] = 'x';
	digits[--i] = '0';
	copy_cut(buf, size, digits + i, sizeof(digits) - 1 - i);
}

/* Scales @v by powers of @base; whole multiples print without decimals. */
static void fmt_scaled(char *buf, size_t size, uint64_t v, unsigned int base,
		       const char *const *units, size_t nunits)
{
	size_t u = 0;
	uint64_t div = 1;

	while (u + 1 < nunits && v / div >= base) {
		div *= base;
		u++;
	}
	if (v % div == 0) {
		size_t n, unit_len = strlen(units[u]);

		fmt_uint(buf, size, v / div);
		n = strlen(buf);
		if (n + 1 + unit_len < size) {
			buf[n] = ' ';
			memcpy(buf + n + 1, units[u], unit_len + 1);
		} else {
			snprintf(buf + n, size - n, " %s", units[u]);
		}
	} else {
		snprintf(buf, size, "%.1f %s", (double)v / (double)div, units[u]);
	}
}

void fmt_bytes(char *buf, size_t size, uint64_t bytes, bool exact)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };

	if (exact)
		fmt_uint(buf, size, bytes);
	else
		fmt_scaled(buf, size, bytes, 1024, units, sizeof(units) / sizeof(units[0]));
}

void fmt_usecs(char *buf, size_t size, uint64_t usecs, bool exact)
{
	if (exact)
		snprintf(buf, size, "%" PRIu64, usecs);
	else if (usecs < 1000)
		snprintf(buf, size, "%" PRIu64 " us", usecs);
	else if (usecs < 1000000)
		snprintf(buf, size, "%.1f ms", usecs / 1e3);
	else
		snprintf(buf, size, "%.1f s", usecs / 1e6);
}

void fmt_addr(char *buf, size_t size, uint64_t addr)
{
	fmt_hex(buf, size, addr);
}

void fmt_text(char *buf, size_t size, const char *s)
{
	size_t i = 0;

	if (!size)
		return;
	for (; s && *s && i + 1 < size; s++)
		buf[i++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
	buf[i] = '\0';
}
