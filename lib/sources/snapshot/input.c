// SPDX-License-Identifier: MIT
/*
 * The window over a snapshot file (snapshot_input.h). Reading a plain
 * file with read() into one buffer that is reused costs a quarter of
 * mapping it: a mapping faults its pages in one by one (0.17 s against
 * 0.05 s for 269 MiB on the project's machine) and counts them in the
 * process's memory until they are given back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base_internal.h"
#include "snapshot_input.h"

/* The first window, and what each read adds: large enough that reads are few. */
#define WINDOW_BYTES (1u << 20)

static int oom(struct snapshot_input *in, struct xesvm_error *err)
{
	xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "%s: out of memory", in->name);
	return -1;
}

static int read_gzip_fd(int fd, struct snapshot_input *in, struct xesvm_error *err)
{
	gzFile gz;
	size_t cap = 1 << 20;
	int n, zerr;
	const char *zmsg;

	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return oom(in, err);
	}
	gzbuffer(gz, 1 << 17);
	in->data = malloc(cap);
	if (!in->data)
		goto oom;
	for (;;) {
		if (cap - in->len < (1 << 20) + 1) {
			char *p;

			if (cap > SIZE_MAX / 2)
				goto oom;
			p = realloc(in->data, cap * 2);
			if (!p)
				goto oom;
			in->data = p;
			cap *= 2;
		}
		n = gzread(gz, in->data + in->len, 1 << 20);
		if (n <= 0)
			break;
		in->len += (size_t)n;
	}
	zmsg = gzerror(gz, &zerr);
	if (n < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
		if (zerr == Z_ERRNO) {
			int e = errno;

			xesvm_error_set(err, XESVM_E_SYSTEM, e, "%s: read failed: %s",
					in->name, strerror(e));
		} else {
			/* zlib prefixes its own name for the stream ("<fd:3>: "). */
			const char *colon = strstr(zmsg, ": ");

			xesvm_error_set(err, XESVM_E_USAGE, 0,
					"%s: corrupt or truncated gzip data: %s", in->name,
					colon ? colon + 2 : zmsg);
		}
		goto fail;
	}
	gzclose(gz);
	in->data[in->len] = '\0';
	in->cap = cap;
	in->size = in->len;
	in->eof = true;
	return 0;
oom:
	oom(in, err);
fail:
	gzclose(gz);
	free(in->data);
	in->data = NULL;
	in->len = 0;
	return -1;
}

/* Fills the window from in->base + in->len on, up to its size or the end. */
static int fill(struct snapshot_input *in, struct xesvm_error *err)
{
	while (!in->eof && in->len + 1 < in->cap) {
		ssize_t got = read(in->fd, in->data + in->len, in->cap - 1 - in->len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;

			xesvm_error_set(err, XESVM_E_SYSTEM, e, "%s: read failed: %s", in->name,
					strerror(e));
			return -1;
		}
		if (got == 0)
			in->eof = true;
		in->len += (size_t)got;
	}
	in->data[in->len] = '\0';
	return 0;
}

int snapshot_input_open(struct snapshot_input *in, const char *path, struct xesvm_error *err)
{
	unsigned char magic[2];
	struct stat st;
	int fd;

	memset(in, 0, sizeof(*in));
	in->fd = -1;
	if (!strcmp(path, "-")) {
		in->name = "<stdin>";
		fd = dup(STDIN_FILENO);
		if (fd < 0) {
			xesvm_error_set(err, XESVM_E_SYSTEM, errno, "<stdin>: %s", strerror(errno));
			return -1;
		}
		return read_gzip_fd(fd, in, err);	/* zlib passes plain data through */
	}
	in->name = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		xesvm_error_set(err, xesvm_is_user_path_error(e) ? XESVM_E_USAGE : XESVM_E_SYSTEM, e,
				"%s: cannot open snapshot: %s", path, strerror(e));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		/*
		 * A directory is there but cannot be read as a file: like a
		 * permission or I/O error a system error (xesvm-json(7),
		 * SNAPSHOT FILES), only a path that names nothing is a usage one.
		 */
		close(fd);
		xesvm_error_set(err, XESVM_E_SYSTEM, EISDIR,
				"%s: cannot open snapshot: %s", path, strerror(EISDIR));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 2 ||
	    pread(fd, magic, 2, 0) != 2 || (magic[0] == 0x1f && magic[1] == 0x8b))
		return read_gzip_fd(fd, in, err);
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	in->fd = fd;
	in->size = (size_t)st.st_size;
	in->cap = WINDOW_BYTES + 1;
	in->data = malloc(in->cap);
	if (!in->data) {
		snapshot_input_close(in);
		return oom(in, err);
	}
	return fill(in, err);
}

void snapshot_input_close(struct snapshot_input *in)
{
	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
	free(in->data);
	in->data = NULL;
}

int snapshot_input_more(struct snapshot_input *in, size_t keep, struct xesvm_error *err)
{
	size_t drop = keep - in->base, old_len;

	if (in->eof)
		return 0;
	memmove(in->data, in->data + drop, in->len - drop);
	in->base = keep;
	in->len -= drop;
	if (in->len + 1 + WINDOW_BYTES / 2 > in->cap) {
		/* What is kept (one large value) fills the window: make it larger. */
		char *bigger;

		if (in->cap > SIZE_MAX / 2)
			return oom(in, err);
		bigger = realloc(in->data, in->cap * 2);
		if (!bigger)
			return oom(in, err);
		in->data = bigger;
		in->cap *= 2;
	}
	old_len = in->len;
	if (fill(in, err))
		return -1;
	/* Each call adds a byte or reaches the end: callers loop until they have enough. */
	return in->len > old_len || in->eof ? 0 : -1;
}

int snapshot_input_seek(struct snapshot_input *in, size_t offset, struct xesvm_error *err)
{
	if (in->fd < 0 || (offset >= in->base && offset <= in->base + in->len)) {
		if (in->fd >= 0)
			return snapshot_input_more(in, offset, err);
		return 0;	/* all of it is in the window */
	}
	if (lseek(in->fd, (off_t)offset, SEEK_SET) < 0) {
		int e = errno;

		xesvm_error_set(err, XESVM_E_SYSTEM, e, "%s: seek failed: %s", in->name, strerror(e));
		return -1;
	}
	in->base = offset;
	in->len = 0;
	in->eof = false;
	return fill(in, err);
}

void snapshot_input_line_col(struct snapshot_input *in, size_t pos, size_t *line, size_t *col)
{
	char buf[65536];
	size_t done = 0;

	*line = 1;
	*col = 1;
	while (done < pos) {
		const char *p = NULL;
		size_t n = pos - done < sizeof(buf) ? pos - done : sizeof(buf), i;

		if (in->fd < 0) {
			p = in->data + done;
		} else {
			/* Only for a message: the bytes before the window are read again. */
			ssize_t got = pread(in->fd, buf, n, (off_t)done);

			if (got <= 0)
				return;
			n = (size_t)got;
			p = buf;
		}
		for (i = 0; i < n; i++) {
			if (p[i] == '\n') {
				++*line;
				*col = 1;
			} else {
				++*col;
			}
		}
		done += n;
	}
}
