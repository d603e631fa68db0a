// SPDX-License-Identifier: MIT
/*
 * vsvm-ranges: give one VM on the vsvm device N SVM ranges of 4 KiB, then
 * hold still so that their dumps can be timed (tests/bench/live-range-show.sh).
 *
 *   vsvm-ranges N READY_FILE
 *
 * Ranges never span CPU VMAs, so the buffer alternates readable-writable and
 * PROT_NONE pages: every writable page is its own VMA, and a GPU write into
 * it makes one 4 KiB range. That needs 2N+ VMAs (raise vm.max_map_count).
 * Writes the pid to READY_FILE when the ranges exist; exits 0 on SIGTERM,
 * 1 on bad arguments, 2 when the device or an ioctl fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/vsvm_drm.h>

#include "vsvm-open.h"

#define PAGE 4096UL

int main(int argc, char **argv)
{
	struct drm_vsvm_vm_create create = { 0 };
	unsigned long n, i;
	uint64_t value = 0x5a5a5a5a5a5a5a5aULL;
	sigset_t set;
	char *end, *buf;
	int fd;

	if (argc != 3 || !(n = strtoul(argv[1], &end, 10)) || *end) {
		fprintf(stderr, "usage: %s N READY_FILE\n", argv[0]);
		return 1;
	}
	fd = vsvm_open();
	if (fd < 0 || ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &create)) {
		fprintf(stderr, "vsvm-ranges: vsvm device: %s\n", strerror(errno));
		return 2;
	}
	buf = mmap(NULL, 2 * n * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (buf == MAP_FAILED) {
		fprintf(stderr, "vsvm-ranges: mmap: %s\n", strerror(errno));
		return 2;
	}
	for (i = 0; i < n; i++) {
		struct drm_vsvm_access a = {
			.vm_id = create.vm_id,
			.op = DRM_VSVM_ACCESS_WRITE,
			.addr = (uintptr_t)(buf + 2 * i * PAGE),
			.size = sizeof(value),
			.data_ptr = (uintptr_t)&value,
		};

		if (mprotect(buf + (2 * i + 1) * PAGE, PAGE, PROT_NONE)) {
			fprintf(stderr, "vsvm-ranges: mprotect (vm.max_map_count too low?): %s\n",
				strerror(errno));
			return 2;
		}
		if (ioctl(fd, DRM_IOCTL_VSVM_ACCESS, &a)) {
			fprintf(stderr, "vsvm-ranges: GPU write %lu: %s\n", i, strerror(errno));
			return 2;
		}
		if ((i + 1) % 10000 == 0)
			fprintf(stderr, "vsvm-ranges: %lu ranges\n", i + 1);
	}

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (ready_then_wait(argv[2], &set) < 0) {
		fprintf(stderr, "vsvm-ranges: %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	return 0;
}
