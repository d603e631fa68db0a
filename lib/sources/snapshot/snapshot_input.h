/* SPDX-License-Identifier: MIT */
/*
 * The bytes of a snapshot file, seen through a window (input.c). A plain
 * file is read a chunk at a time into a buffer that slides over it, so a
 * file of hundreds of MiB costs a few MiB of memory and no page faults of
 * a mapping; stdin and gzip data, which cannot be read twice, are read
 * whole. Offsets are of the input (the uncompressed data), not of the
 * window. Not installed, not API.
 */
#ifndef XESVM_SNAPSHOT_INPUT_H
#define XESVM_SNAPSHOT_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "xesvm.h"

struct snapshot_input {
	const char *name;	/* for messages: the path, or "<stdin>" */
	int fd;			/* the plain file read in chunks; -1: all of it is in @data */
	/*
	 * Bytes [base, base + len) of the input, followed by a NUL byte that
	 * is not part of it: scanners stop there without a bounds check.
	 */
	char *data;
	size_t cap;		/* bytes allocated for @data */
	size_t base;
	size_t len;
	bool eof;		/* the window reaches the end of the input */
	size_t size;		/* bytes of the input (at open) */
};

/* Opens @path ("-": stdin; gzip detected by magic) and reads the first window. */
int snapshot_input_open(struct snapshot_input *in, const char *path, struct xesvm_error *err);
void snapshot_input_close(struct snapshot_input *in);

/*
 * Reads on: drops the bytes before offset @keep, keeps the rest, adds at
 * least one more byte unless the input is at its end (then in->eof), and
 * grows the window when what is kept fills it. Returns 0, or -1 with @err
 * set (a read error, out of memory).
 */
int snapshot_input_more(struct snapshot_input *in, size_t keep, struct xesvm_error *err);

/* Moves the window to start at offset @offset (before or after it). */
int snapshot_input_seek(struct snapshot_input *in, size_t offset, struct xesvm_error *err);

/* Line and column (from 1) of offset @pos, for messages. */
void snapshot_input_line_col(struct snapshot_input *in, size_t pos, size_t *line, size_t *col);

#endif
