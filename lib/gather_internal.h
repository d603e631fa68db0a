/* SPDX-License-Identifier: MIT */
/*
 * Shared between gather.c and discover.c (not installed, not API).
 */
#ifndef XESVM_GATHER_INTERNAL_H
#define XESVM_GATHER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "xesvm.h"

/* Largest debugfs/procfs text file we read (gtN/stats is about 2 KiB). */
#define XESVM_MAX_TEXT_FILE (1024 * 1024)

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

/*
 * Numeric suffixes of the entries of @dir named PREFIX<N> (N a decimal
 * 0..INT_MAX), sorted. Returns the count (*ids to free, also when 0), or
 * -errno.
 */
int xesvm_list_numbered(const char *dir, const char *prefix, long **ids);

/* /proc/PID/maps: about 100 bytes a line, up to vm.max_map_count lines. */
#define XESVM_MAX_MAPS_FILE (64 * 1024 * 1024)

/*
 * A JSON string from bytes the kernel gave (comm, names): bytes that are
 * not valid UTF-8, and control bytes, become '?'. NULL when out of memory.
 * (parse.c; also used by the netlink decoders.)
 */
json_t *xesvm_kernel_string(const char *s, size_t n);

/* Lines of a length-bounded text (parse.c): no NUL needed after it. */
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

/* What the gatherers could not read for lack of privileges. */
struct xesvm_access {
	bool debugfs_dri;	/* <debugfs>/dri itself */
	unsigned int stats_files;	/* gtN/stats (0600 root in xe) */
	unsigned int client_dirs;	/* dri/client-N/ */
	unsigned int fdinfo_procs;	/* /proc/PID/fdinfo of other users */
};

/*
 * A "devices" object with every key of the model (xesvm-json(7)): unknown
 * values null, no memory regions or GTs yet. @driver and @card may be NULL.
 */
json_t *xesvm_device_new(int minor, const char *driver, const char *card);

/*
 * Devices from libdrm (live system): appends to the model's "devices"
 * array, sorted by primary minor. Render nodes that cannot be opened
 * leave the memory regions unknown and add a note.
 */
int xesvm_discover_libdrm(struct xesvm_model *m, bool all_drivers,
			  struct xesvm_error *err);

/*
 * Devices from <debugfs_root>/dri/<minor>/name (a recorded tree, or a
 * live debugfs given explicitly).
 */
int xesvm_discover_debugfs(struct xesvm_model *m, const char *debugfs_root,
			   bool all_drivers, struct xesvm_access *access,
			   struct xesvm_error *err);

#endif
