/* SPDX-License-Identifier: MIT */
/*
 * The bottom layer of libxesvm: helpers for files, kernel text and arrays
 * that the model, the sources and the outputs all use. Nothing here knows
 * the model. Not installed, not API.
 */
#ifndef XESVM_BASE_INTERNAL_H
#define XESVM_BASE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "xesvm.h"

/* ---- files.c ---- */

/* Largest debugfs/procfs text file we read (gtN/stats is about 2 KiB). */
#define XESVM_MAX_TEXT_FILE (1024 * 1024)

/* /proc/PID/maps: about 100 bytes a line, up to vm.max_map_count lines. */
#define XESVM_MAX_MAPS_FILE (64 * 1024 * 1024)

/*
 * snprintf() into a PATH_MAX buffer. A path that does not fit becomes ""
 * (which then fails to open with ENOENT) instead of a truncated path that
 * might name another file.
 */
void xesvm_path(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Reads a whole file into a new buffer (*text, *len; free() it).
 * Returns 0 or an errno value; EFBIG when larger than XESVM_MAX_TEXT_FILE.
 */
int xesvm_read_text_file(const char *path, char **text, size_t *len);
/* The same with another size limit. */
int xesvm_read_text_file_limit(const char *path, size_t limit, char **text,
			       size_t *len);

/* Whether @name is PREFIX<N> (N a decimal 0..INT_MAX); *@out is N. */
bool xesvm_numbered_name(const char *name, const char *prefix, long *out);

/*
 * Numeric suffixes of the entries of @dir named PREFIX<N> (N a decimal
 * 0..INT_MAX), sorted. Returns the count (*ids to free, also when 0), or
 * -errno.
 */
int xesvm_list_numbered(const char *dir, const char *prefix, long **ids);

/* Whether an errno of opening a file the user named means "no such file": a usage error. */
bool xesvm_is_user_path_error(int e);

/* ---- text.c ---- */

/*
 * A JSON string from bytes the kernel gave (comm, names): bytes that are
 * not valid UTF-8, and control bytes, become '?'. NULL when out of memory.
 */
json_t *xesvm_kernel_string(const char *s, size_t n);

/* Lines of a length-bounded text: no NUL needed after it. */
struct xesvm_lines {
	const char *pos;
	const char *end;
	unsigned int lineno;	/* number of the line last returned, from 1 */
};

struct xesvm_line {
	const char *text;
	size_t len;		/* without the '\n' */
	bool terminated;	/* ended by '\n' (false: end of input) */
};

void xesvm_lines_init(struct xesvm_lines *r, const char *text, size_t len);
/* The next line; false at the end of the text. */
bool xesvm_lines_next(struct xesvm_lines *r, struct xesvm_line *l);

/*
 * Copies up to size - 4 bytes of @text into @buf for an error message,
 * "..." when cut, replacing what would garble a one-line message (control
 * bytes, non-ASCII, '"') with '?'. Returns @buf.
 */
const char *xesvm_excerpt(const char *text, size_t len, char *buf, size_t size);
#define XESVM_EXCERPT_SIZE 48

/* ---- grow.c ---- */

/*
 * Makes room in the growable array @items (*@cap elements of @elem bytes,
 * @count in use) for one more: when full, doubles *@cap (from @first) and
 * reallocates. Returns the array, moved or not, or NULL when out of memory
 * (then @items and *@cap are unchanged).
 */
void *xesvm_grow(void *items, size_t *cap, size_t count, size_t elem, size_t first);

#endif
