/* SPDX-License-Identifier: MIT */
/*
 * Files of debugfs, procfs and sysfs: paths that never silently truncate,
 * whole-file reads (those files report st_size 0), numbered directory
 * entries (gt0, client-7, a pid).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base_internal.h"

void xesvm_path(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		buf[0] = '\0';
}

int xesvm_read_text_file(const char *path, char **text, size_t *len)
{
	return xesvm_read_text_file_limit(path, XESVM_MAX_TEXT_FILE, text, len);
}

int xesvm_read_text_file_limit(const char *path, size_t limit, char **text,
			       size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf;
	int fd;

	*text = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	/* debugfs and procfs report st_size 0: read until end of file. */
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return ENOMEM;
	}
	for (;;) {
		ssize_t got;

		if (n == cap) {
			char *bigger;

			if (cap >= limit) {
				free(buf);
				close(fd);
				return EFBIG;
			}
			bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				close(fd);
				return ENOMEM;
			}
			buf = bigger;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(buf);
			close(fd);
			return e;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	*text = buf;
	*len = n;
	return 0;
}

bool xesvm_numbered_name(const char *s, const char *prefix, long *out)
{
	size_t n = strlen(prefix);
	char *end;
	long v;

	if (strncmp(s, prefix, n) || s[n] < '0' || s[n] > '9')
		return false;
	errno = 0;
	v = strtol(s + n, &end, 10);
	if (errno || *end || v < 0 || v > INT_MAX)
		return false;
	*out = v;
	return true;
}

static int long_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

int xesvm_list_numbered(const char *dir, const char *prefix, long **ids)
{
	size_t n = 0, cap = 8;
	struct dirent *de;
	DIR *d;

	*ids = NULL;
	d = opendir(dir);
	if (!d)
		return -errno;
	*ids = malloc(cap * sizeof(**ids));
	if (!*ids) {
		closedir(d);
		return -ENOMEM;
	}
	while ((de = readdir(d))) {
		long v;

		if (!xesvm_numbered_name(de->d_name, prefix, &v))
			continue;
		if (n == cap) {
			long *bigger = realloc(*ids, cap * 2 * sizeof(**ids));

			if (!bigger) {
				free(*ids);
				*ids = NULL;
				closedir(d);
				return -ENOMEM;
			}
			*ids = bigger;
			cap *= 2;
		}
		(*ids)[n++] = v;
	}
	closedir(d);
	qsort(*ids, n, sizeof(**ids), long_cmp);
	return (int)n;
}

bool xesvm_is_user_path_error(int e)
{
	/* The user named a file that is not there: a usage error, not a system one. */
	return e == ENOENT || e == ENOTDIR || e == EISDIR || e == ENAMETOOLONG;
}
