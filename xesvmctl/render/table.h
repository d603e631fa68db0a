/* SPDX-License-Identifier: MIT */
/*
 * The one human renderer: aligned tables over a stream of rows.
 *
 * Rows are produced by an iterator that can be rewound, and cells are
 * formatted on demand by per-column callbacks: a first pass computes the
 * column widths, a second pass formats again and prints. Memory is one
 * cell buffer per column, whatever the row count, so `range show` over a
 * million packed ranges never holds formatted text for more than one row.
 *
 * Why not libsmartcols (util-linux): it builds a tree of every line and
 * cell (struct libscols_line/libscols_cell with strdup'ed data) before it
 * prints anything, so a million ranges would cost hundreds of megabytes
 * of small allocations. Its width logic is nicer for huge terminals, but
 * the memory cost is what `range show` cannot pay.
 */
#ifndef XESVMCTL_TABLE_H
#define XESVMCTL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct render_opts {
	bool exact;	/* exact numbers instead of KiB/MiB/GiB */
	bool color;	/* ANSI colour allowed (a TTY without NO_COLOR) */
};

#define TABLE_CELL_MAX 256

struct table_column {
	const char *header;
	bool align_right;
	/* Writes the text of this column for @row into @buf (NUL-terminated). */
	void (*format)(const void *row, const struct table_column *col,
		       const struct render_opts *ro, char *buf, size_t size);
	/* Optional: ANSI SGR parameters ("32", "1;31") for this cell, or NULL. */
	const char *(*color)(const void *row, const struct table_column *col);
	/* Free for the formatter: a key name, an index... */
	const void *arg;
};

struct table_rows {
	void (*rewind)(void *state);
	/* Next row, NULL at the end. */
	const void *(*next)(void *state);
	void *state;
};

/*
 * Prints the header and every row, each line prefixed with @indent.
 * Prints nothing when there are no rows. Returns the number of rows.
 */
size_t table_render(FILE *out, const struct table_column *cols, size_t ncols,
		    struct table_rows *rows, const struct render_opts *ro,
		    const char *indent);

/* ---- unit formatting shared by the commands ---- */

/* 4096 -> "4 KiB", 1572864 -> "1.5 MiB"; exact: "1572864". */
void fmt_bytes(char *buf, size_t size, uint64_t bytes, bool exact);
/* Microseconds: 1500 -> "1.5 ms"; exact: "1500". */
void fmt_usecs(char *buf, size_t size, uint64_t usecs, bool exact);
/* "0x7f0000000000". */
void fmt_addr(char *buf, size_t size, uint64_t addr);
/* "4242", as "%" PRIu64 would print it. */
void fmt_uint(char *buf, size_t size, uint64_t v);
/* "0x1f", as "0x%" PRIx64 would print it. */
void fmt_hex(char *buf, size_t size, uint64_t v);
/* Copies @s, replacing control characters (a comm is untrusted). */
void fmt_text(char *buf, size_t size, const char *s);

/* Bold header / colour escapes when allowed. */
void term_sgr(FILE *out, const struct render_opts *ro, const char *sgr);
void term_reset(FILE *out, const struct render_opts *ro);

#endif /* XESVMCTL_TABLE_H */
