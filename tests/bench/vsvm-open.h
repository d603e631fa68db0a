/* SPDX-License-Identifier: MIT */
/*
 * For the benchmark programs here: vsvm_open(), the render node of the
 * vsvm device, and ready_then_wait(), their hand-shake with the script.
 */
#ifndef VSVM_OPEN_H
#define VSVM_OPEN_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <drm.h>	/* libdrm's copy of the kernel header */

/* Returns an open fd, or -1 with errno (ENODEV: no vsvm render node). */
static inline int vsvm_open(void)
{
	char path[300], name[32];
	struct dirent *d;
	DIR *dir = opendir("/dev/dri");

	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
		int fd;

		if (strncmp(d->d_name, "renderD", 7))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", d->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (!ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vsvm")) {
			closedir(dir);
			return fd;
		}
		close(fd);
	}
	closedir(dir);
	errno = ENODEV;
	return -1;
}

/*
 * Writes our pid to @ready_file, then waits for one of the signals in
 * @set, which are blocked first so that none sent after the file appears
 * is lost. Returns the signal, or -1 with errno when the file cannot be
 * written.
 */
static inline int ready_then_wait(const char *ready_file, const sigset_t *set)
{
	FILE *ready;
	int sig;

	sigprocmask(SIG_BLOCK, set, NULL);
	ready = fopen(ready_file, "w");
	if (!ready)
		return -1;
	if (fprintf(ready, "%d\n", (int)getpid()) < 0) {
		fclose(ready);
		return -1;
	}
	if (fclose(ready))
		return -1;
	return sigwait(set, &sig) ? -1 : sig;
}

#endif
