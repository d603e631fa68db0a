/* SPDX-License-Identifier: MIT */
/*
 * Saving a snapshot: the model written by the JSON writer into a file,
 * plain or gzip-compressed, atomically (a temporary file renamed over the
 * target: never a half-written snapshot).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "base_internal.h"


static ssize_t gz_cookie_write(void *cookie, const char *buf, size_t size)
{
	int zerr;

	if (size == 0)
		return 0;
	if (size > INT_MAX)
		size = INT_MAX;
	if (gzwrite(cookie, buf, (unsigned int)size) == 0) {
		gzerror(cookie, &zerr);
		if (zerr != Z_ERRNO)
			errno = EIO;
		return -1;
	}
	return (ssize_t)size;
}

static int gz_cookie_close(void *cookie)
{
	int rc = gzclose(cookie);

	if (rc == Z_OK)
		return 0;
	if (rc != Z_ERRNO)
		errno = EIO;
	return EOF;
}

/* A stdio stream that gzip-compresses into @fd (which it takes over). */
static FILE *gzip_stream(int fd)
{
	cookie_io_functions_t io = { .write = gz_cookie_write, .close = gz_cookie_close };
	gzFile gz = gzdopen(fd, "wb6");
	FILE *f;

	if (!gz) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	f = fopencookie(gz, "w", io);
	if (!f)
		gzclose(gz);
	return f;
}

/* Writes @m to @f and closes it; every failure, including at close, is reported. */
static int write_and_close(const struct xesvm_model *m, FILE *f, const char *name,
			   struct xesvm_error *err)
{
	struct xesvm_error werr = { 0 };
	int rc = xesvm_model_write(m, f, 0, &werr);
	int close_errno = 0;

	if (fclose(f) == EOF)
		close_errno = errno ? errno : EIO;
	if (rc) {
		xesvm_error_set(err, werr.status, werr.sys_errno, "%s: %s", name, werr.msg);
		return -1;
	}
	if (close_errno) {
		xesvm_error_set(err, XESVM_E_SYSTEM, close_errno, "%s: write failed: %s",
				name, strerror(close_errno));
		return -1;
	}
	return 0;
}

int xesvm_snapshot_save(const struct xesvm_model *m, const char *path,
			bool gzip, struct xesvm_error *err)
{
	char *tmp = NULL;
	const char *slash;
	FILE *f;
	int fd, dupfd, e;

	if (!strcmp(path, "-")) {
		fflush(stdout);
		fd = dup(STDOUT_FILENO);
		f = fd < 0 ? NULL : gzip ? gzip_stream(fd) : fdopen(fd, "w");
		if (!f) {
			e = errno;
			if (fd >= 0 && !gzip)
				close(fd);
			xesvm_error_set(err, XESVM_E_SYSTEM, e, "<stdout>: %s", strerror(e));
			return -1;
		}
		return write_and_close(m, f, "<stdout>", err);
	}

	/* Temporary file next to the target, so rename() is atomic. */
	slash = strrchr(path, '/');
	if (asprintf(&tmp, "%.*s.%s.tmp-XXXXXX", slash ? (int)(slash - path + 1) : 0,
		     path, slash ? slash + 1 : path) < 0) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	/* Mode 0600 (mkstemp): a snapshot holds other processes' addresses and names. */
	fd = mkstemp(tmp);
	if (fd < 0) {
		e = errno;
		xesvm_error_set(err, xesvm_is_user_path_error(e) ? XESVM_E_USAGE : XESVM_E_SYSTEM, e,
				"%s: cannot create snapshot: %s", path, strerror(e));
		free(tmp);
		return -1;
	}
	dupfd = dup(fd);	/* kept open past fclose() for fsync() */
	f = dupfd < 0 ? NULL : gzip ? gzip_stream(dupfd) : fdopen(dupfd, "w");
	if (!f) {
		e = errno;
		if (dupfd >= 0 && !gzip)
			close(dupfd);
		xesvm_error_set(err, XESVM_E_SYSTEM, e, "%s: %s", path, strerror(e));
		goto fail;
	}
	if (write_and_close(m, f, path, err))
		goto fail;
	e = fsync(fd) ? errno : 0;
	if (close(fd) && !e)
		e = errno;
	fd = -1;
	if (e) {
		xesvm_error_set(err, XESVM_E_SYSTEM, e, "%s: write failed: %s", path, strerror(e));
		goto fail;
	}
	if (rename(tmp, path)) {
		e = errno;
		xesvm_error_set(err, XESVM_E_SYSTEM, e, "%s: cannot rename temporary file: %s",
				path, strerror(e));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}
