// SPDX-License-Identifier: MIT
/* The table renderer and unit formatting; see table.h for the design. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

/* Display width of UTF-8 text: code points, not bytes (no wide chars here). */
static size_t display_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
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

static void print_cell(FILE *out, const char *text, size_t width,
		       bool right, bool last, const char *sgr,
		       const struct render_opts *ro)
{
	size_t w = display_width(text);
	size_t pad = width > w ? width - w : 0;

	if (right)
		fprintf(out, "%*s", (int)pad, "");
	term_sgr(out, ro, sgr);
	fputs(text, out);
	if (sgr)
		term_reset(out, ro);
	if (!right && !last)
		fprintf(out, "%*s", (int)pad, "");
}

size_t table_render(FILE *out, const struct table_column *cols, size_t ncols,
		    struct table_rows *rows, const struct render_opts *ro,
		    const char *indent)
{
	size_t *width = calloc(ncols, sizeof(*width));
	char cell[TABLE_CELL_MAX];
	const void *row;
	size_t nrows = 0;

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
	fputs(indent, out);
	for (size_t c = 0; c < ncols; c++) {
		if (c)
			fputs("  ", out);
		print_cell(out, cols[c].header, width[c], cols[c].align_right,
			   c + 1 == ncols, "1", ro);
	}
	fputc('\n', out);

	/* Pass 2: format again and print. */
	rows->rewind(rows->state);
	while ((row = rows->next(rows->state))) {
		fputs(indent, out);
		for (size_t c = 0; c < ncols; c++) {
			const char *sgr = cols[c].color ? cols[c].color(row, &cols[c]) : NULL;

			cell[0] = '\0';
			cols[c].format(row, &cols[c], ro, cell, sizeof(cell));
			if (c)
				fputs("  ", out);
			print_cell(out, cell, width[c], cols[c].align_right,
				   c + 1 == ncols, sgr, ro);
		}
		fputc('\n', out);
	}
	free(width);
	return nrows;
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
	if (v % div == 0)
		snprintf(buf, size, "%" PRIu64 " %s", v / div, units[u]);
	else
		snprintf(buf, size, "%.1f %s", (double)v / (double)div, units[u]);
}

void fmt_bytes(char *buf, size_t size, uint64_t bytes, bool exact)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };

	if (exact)
		snprintf(buf, size, "%" PRIu64, bytes);
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
	snprintf(buf, size, "0x%" PRIx64, addr);
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
