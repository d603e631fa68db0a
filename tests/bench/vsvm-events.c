// SPDX-License-Identifier: MIT
/*
 * vsvm-events: make drm-svm events at a chosen rate, for the monitor's
 * event-rate benchmark (tests/bench/monitor-rate.sh).
 *
 *   vsvm-events READY_FILE RATE SECONDS [migrate|fault]
 *
 * Creates a VM on vsvm with one SVM range of 4 KiB, writes its pid to
 * READY_FILE and waits for SIGUSR1. Then, for SECONDS, it makes events of
 * one kind, each step exactly one event:
 *
 * migrate (default): prefetch the range to system memory, then back to
 *	device memory; each prefetch migrates it ("migrate" event).
 * fault: make the CPU mapping read-only and writable again (the MMU
 *	notifier drops the GPU binding), then read through the GPU, which
 *	faults the range back in ("fault" event). No data moves.
 *
 * Steps are paced to RATE events per second (0: as fast as they go); a
 * generator that falls behind does not sleep, so the achieved rate is what
 * it prints on stdout:
 *
 *   events N seconds S rate R
 *
 * Exits 1 on bad arguments, 2 when the device or an ioctl fails.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm/vsvm_drm.h>

#include "vsvm-open.h"

#define PAGE 4096UL
#define NSEC_PER_SEC 1000000000ULL

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static bool parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return !errno && end != s && !*end;
}

static int prefetch(int fd, uint32_t vm_id, void *addr, uint32_t region)
{
	struct drm_vsvm_prefetch p = {
		.start = (uintptr_t)addr,
		.range = PAGE,
		.vm_id = vm_id,
		.region = region,
	};

	return ioctl(fd, DRM_IOCTL_VSVM_PREFETCH, &p);
}

static int gpu_read(int fd, uint32_t vm_id, void *addr)
{
	uint64_t value;
	struct drm_vsvm_access a = {
		.vm_id = vm_id,
		.op = DRM_VSVM_ACCESS_READ,
		.addr = (uintptr_t)addr,
		.size = sizeof(value),
		.data_ptr = (uintptr_t)&value,
	};

	return ioctl(fd, DRM_IOCTL_VSVM_ACCESS, &a);
}

/* Step @i: one event of the chosen kind, or -1 with errno. */
static int step(int fd, uint32_t vm_id, char *buf, bool fault, uint64_t i)
{
	if (!fault)
		return prefetch(fd, vm_id, buf, i % 2 ? DRM_VSVM_PREFETCH_DEVICE :
							DRM_VSVM_PREFETCH_SYSTEM);
	if (mprotect(buf, PAGE, PROT_READ) || mprotect(buf, PAGE, PROT_READ | PROT_WRITE))
		return -1;
	return gpu_read(fd, vm_id, buf);
}

int main(int argc, char **argv)
{
	struct drm_vsvm_vm_create create = { 0 };
	unsigned long rate, seconds;
	uint64_t t0, end, period_ns, events = 0;
	sigset_t set;
	bool fault = argc == 5 && !strcmp(argv[4], "fault");
	char *buf;
	int fd;

	if (argc < 4 || argc > 5 || !parse_ulong(argv[2], &rate) ||
	    !parse_ulong(argv[3], &seconds) || !seconds ||
	    (argc == 5 && !fault && strcmp(argv[4], "migrate"))) {
		fprintf(stderr, "usage: %s READY_FILE RATE SECONDS [migrate|fault]\n",
			argv[0]);
		return 1;
	}
	fd = vsvm_open();
	if (fd < 0 || ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &create)) {
		fprintf(stderr, "vsvm-events: vsvm device: %s\n", strerror(errno));
		return 2;
	}
	buf = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		fprintf(stderr, "vsvm-events: mmap: %s\n", strerror(errno));
		return 2;
	}
	memset(buf, 0x5a, PAGE);
	/*
	 * The range exists, in device memory, before the first step: then
	 * every step changes something and makes its event.
	 */
	if (gpu_read(fd, create.vm_id, buf) ||
	    prefetch(fd, create.vm_id, buf, DRM_VSVM_PREFETCH_DEVICE)) {
		fprintf(stderr, "vsvm-events: setting up the range: %s\n", strerror(errno));
		return 2;
	}

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (ready_then_wait(argv[1], &set) < 0) {
		fprintf(stderr, "vsvm-events: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}

	period_ns = rate ? NSEC_PER_SEC / rate : 0;
	t0 = now_ns();
	end = t0 + seconds * NSEC_PER_SEC;
	for (uint64_t t = t0; t < end; t = now_ns()) {
		uint64_t due = t0 + events * period_ns;

		if (due > t) {
			struct timespec ts = {
				.tv_sec = (time_t)(due / NSEC_PER_SEC),
				.tv_nsec = (long)(due % NSEC_PER_SEC),
			};

			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		}
		if (step(fd, create.vm_id, buf, fault, events)) {
			fprintf(stderr, "vsvm-events: step %llu: %s\n",
				(unsigned long long)events, strerror(errno));
			return 2;
		}
		events++;
	}
	t0 = now_ns() - t0;
	printf("events %llu seconds %.3f rate %.0f\n", (unsigned long long)events,
	       (double)t0 / NSEC_PER_SEC, (double)events * NSEC_PER_SEC / (double)t0);
	return 0;
}
