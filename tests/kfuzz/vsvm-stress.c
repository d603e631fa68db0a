/* SPDX-License-Identifier: MIT */
/*
 * vsvm-stress: the owner's side of the guest's teardown and race stress
 * test (nl-stress.py is the other side: dumps, migrations, attribute
 * changes and GC through drm-svm while this runs).
 *
 * Keeps --workers processes alive for --seconds. Each one lives a short,
 * random life on the vsvm device: a VM over 64 separate small mappings,
 * each given a range first (so that its dumps take several parts), and
 * three threads racing each other:
 *
 *   gpu     GPU writes then reads back (and the CPU reads) the stable half
 *           of the mappings, and GPU-writes the churned half;
 *   advise  madvise (preferred location, atomic policy) over random
 *           windows, prefetch to device memory and back;
 *   churn   munmap and mmap again each mapping of the churned half, and
 *           CPU-writes it (CPU faults on device memory);
 *
 * until the main thread ends the life, a random time later, in one of the
 * ways a VM can go away while in use:
 *
 *   destroy  VM_DESTROY while the threads run;
 *   close    close() of the device file while the threads run;
 *   exit     _exit() of the process, everything in flight;
 *   unmap    munmap() of everything while the threads run, then destroy;
 *   orderly  the threads stop first.
 *
 * What must hold: no worker crashes or hangs, and data the GPU wrote and
 * then read back while the VM was alive is what was written. The kernel's
 * side (no splat, no leak) is checked by qemu-run and the kmemleak scan.
 *
 * Prints one JSON object: lives, lives per teardown, failures.
 * Exit status: 0 ok, 1 usage, 2 no device, 3 a worker failed.
 *
 * Copyright © 2026 xesvm developers
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm/vsvm_drm.h>

#include "../bench/vsvm-open.h"

#define PROG "vsvm-stress"

#define NSLOTS		64
#define SLOT_SIZE	((size_t)64 << 10)
/* Slots are 128 KiB apart: the PROT_NONE gaps keep them separate VMAs. */
#define SLOT_STRIDE	(2 * SLOT_SIZE)
#define STABLE_SLOTS	(NSLOTS / 2)
#define PATTERN_BYTES	((size_t)16 << 10)

enum teardown { T_DESTROY, T_CLOSE, T_EXIT, T_UNMAP, T_ORDERLY, T_COUNT };

static const char *const teardown_name[T_COUNT] = {
	[T_DESTROY] = "destroy", [T_CLOSE] = "close", [T_EXIT] = "exit",
	[T_UNMAP] = "unmap", [T_ORDERLY] = "orderly",
};

enum { EXIT_OK, EXIT_USAGE, EXIT_NODEV, EXIT_FAILED };
/* A worker's own statuses, below 64 so that they never look like signals. */
enum { WORKER_OK, WORKER_SETUP = 10, WORKER_MISMATCH = 11, WORKER_THREAD = 12 };

struct life {
	int fd;
	uint32_t vm;
	uint8_t *base;			/* NSLOTS slots, SLOT_STRIDE apart */
	enum teardown teardown;
	atomic_bool stop;		/* threads: finish the current step and return */
	atomic_bool ending;		/* the teardown has begun: errors are expected */
	atomic_ulong mismatches;
	unsigned int seed;
};

static int vsvm_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret && (errno == EINTR || errno == EAGAIN));
	return ret ? -errno : 0;
}

static int gpu_access(struct life *l, uint32_t op, void *addr, size_t size, void *data)
{
	struct drm_vsvm_access a = {
		.vm_id = l->vm, .op = op, .addr = (uintptr_t)addr, .size = size,
		.data_ptr = (uintptr_t)data,
	};

	return vsvm_ioctl(l->fd, DRM_IOCTL_VSVM_ACCESS, &a);
}

static uint8_t *slot(struct life *l, unsigned int i)
{
	return l->base + (size_t)i * SLOT_STRIDE;
}

static void fill(uint64_t *buf, size_t size, uint64_t seed)
{
	for (size_t i = 0; i < size / 8; i++)
		buf[i] = (seed + i) * 0x9e3779b97f4a7c15ULL;
}

/* GPU write then read back; a difference after two successes is a bug. */
static void *gpu_thread(void *arg)
{
	struct life *l = arg;
	uint64_t *out = malloc(PATTERN_BYTES), *in = malloc(PATTERN_BYTES);
	unsigned int seed = l->seed, round = 0;

	if (!out || !in)
		goto done;
	while (!atomic_load(&l->stop)) {
		unsigned int i = rand_r(&seed) % NSLOTS;
		uint8_t *p = slot(l, i) + (rand_r(&seed) % (SLOT_SIZE / PATTERN_BYTES)) * PATTERN_BYTES;

		fill(out, PATTERN_BYTES, ((uint64_t)i << 32) | ++round);
		if (gpu_access(l, DRM_VSVM_ACCESS_WRITE, p, PATTERN_BYTES, out) || i >= STABLE_SLOTS)
			continue;
		if (gpu_access(l, DRM_VSVM_ACCESS_READ, p, PATTERN_BYTES, in))
			continue;
		if (memcmp(in, out, PATTERN_BYTES))
			atomic_fetch_add(&l->mismatches, 1);
		/* The CPU reads too, unless this life ends by unmapping everything. */
		if (l->teardown != T_UNMAP && memcmp(p, out, PATTERN_BYTES))
			atomic_fetch_add(&l->mismatches, 1);
	}
done:
	free(out);
	free(in);
	return NULL;
}

static void *advise_thread(void *arg)
{
	struct life *l = arg;
	unsigned int seed = l->seed * 31 + 7;

	while (!atomic_load(&l->stop)) {
		unsigned int first = rand_r(&seed) % NSLOTS;
		unsigned int n = 1 + rand_r(&seed) % (NSLOTS - first);
		uint64_t start = (uintptr_t)slot(l, first);
		uint64_t range = (uint64_t)(n - 1) * SLOT_STRIDE + SLOT_SIZE;
		struct drm_vsvm_madvise m = { .start = start, .range = range, .vm_id = l->vm };
		struct drm_vsvm_prefetch pf = { .start = start, .range = range, .vm_id = l->vm };

		switch (rand_r(&seed) % 3) {
		case 0:
			m.type = DRM_VSVM_MEM_ATTR_PREFERRED_LOC;
			m.preferred_loc.location = rand_r(&seed) & 1 ?
				DRM_VSVM_PREFERRED_LOC_SYSTEM : DRM_VSVM_PREFERRED_LOC_DEFAULT_DEVICE;
			vsvm_ioctl(l->fd, DRM_IOCTL_VSVM_MADVISE, &m);
			break;
		case 1:
			m.type = DRM_VSVM_MEM_ATTR_ATOMIC;
			m.atomic.val = rand_r(&seed) % 4;
			vsvm_ioctl(l->fd, DRM_IOCTL_VSVM_MADVISE, &m);
			break;
		default:
			pf.region = rand_r(&seed) & 1 ? DRM_VSVM_PREFETCH_SYSTEM :
							DRM_VSVM_PREFETCH_DEVICE;
			vsvm_ioctl(l->fd, DRM_IOCTL_VSVM_PREFETCH, &pf);
			break;
		}
	}
	return NULL;
}

/* Only this thread touches the churned half from the CPU, so its unmaps
 * never pull memory from under another thread's CPU access. */
static void *churn_thread(void *arg)
{
	struct life *l = arg;
	unsigned int seed = l->seed * 17 + 3;

	while (!atomic_load(&l->stop)) {
		unsigned int i = STABLE_SLOTS + rand_r(&seed) % (NSLOTS - STABLE_SLOTS);
		uint8_t *p = slot(l, i);

		if (rand_r(&seed) & 1) {
			if (munmap(p, SLOT_SIZE) ||
			    mmap(p, SLOT_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
				return (void *)1;
		}
		if (l->teardown != T_UNMAP)
			memset(p + (rand_r(&seed) % (SLOT_SIZE / 4096)) * 4096, (int)i, 4096);
	}
	return NULL;
}

static int map_slots(struct life *l)
{
	size_t span = (size_t)NSLOTS * SLOT_STRIDE;
	uint8_t *base = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (base == MAP_FAILED)
		return -errno;
	l->base = base;
	for (unsigned int i = 0; i < NSLOTS; i++) {
		if (mmap(slot(l, i), SLOT_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			return -errno;
		memset(slot(l, i), 0xa5, SLOT_SIZE);
	}
	return 0;
}

/* One life, in a child process; returns its exit status. */
static int live(unsigned int seed, enum teardown teardown)
{
	static void *(*const fn[])(void *) = { gpu_thread, advise_thread, churn_thread };
	struct drm_vsvm_vm_create c = { 0 };
	struct life l = { .seed = seed };
	pthread_t tid[3];
	unsigned int i;
	bool thread_failed = false;

	l.teardown = teardown;
	l.fd = vsvm_open();
	if (l.fd < 0 || vsvm_ioctl(l.fd, DRM_IOCTL_VSVM_VM_CREATE, &c) || map_slots(&l))
		return WORKER_SETUP;
	l.vm = c.vm_id;
	/*
	 * A range in every slot before the races start: 64 ranges make a
	 * range-get dump of several parts, which a teardown can interrupt.
	 */
	for (i = 0; i < NSLOTS; i++)
		if (gpu_access(&l, DRM_VSVM_ACCESS_WRITE, slot(&l, i), 4096, slot(&l, i)))
			return WORKER_SETUP;
	for (i = 0; i < 3; i++)
		if (pthread_create(&tid[i], NULL, fn[i], &l))
			return WORKER_SETUP;

	usleep(20000 + rand_r(&seed) % 300000);

	atomic_store(&l.ending, true);
	switch (l.teardown) {
	case T_DESTROY: {
		struct drm_vsvm_vm_destroy d = { .vm_id = l.vm };

		vsvm_ioctl(l.fd, DRM_IOCTL_VSVM_VM_DESTROY, &d);
		break;
	}
	case T_CLOSE:
		close(l.fd);
		break;
	case T_EXIT:
		_exit(atomic_load(&l.mismatches) ? WORKER_MISMATCH : WORKER_OK);
	case T_UNMAP: {
		struct drm_vsvm_vm_destroy d = { .vm_id = l.vm };

		munmap(l.base, (size_t)NSLOTS * SLOT_STRIDE);
		vsvm_ioctl(l.fd, DRM_IOCTL_VSVM_VM_DESTROY, &d);
		break;
	}
	default:
		break;
	}
	atomic_store(&l.stop, true);
	for (i = 0; i < 3; i++) {
		void *ret = NULL;

		pthread_join(tid[i], &ret);
		/* After an unmap of everything, the churn's mmap may fail. */
		thread_failed |= ret != NULL && l.teardown != T_UNMAP;
	}
	if (l.teardown == T_ORDERLY) {
		struct drm_vsvm_vm_destroy d = { .vm_id = l.vm };

		vsvm_ioctl(l.fd, DRM_IOCTL_VSVM_VM_DESTROY, &d);
	}
	if (l.teardown != T_CLOSE)
		close(l.fd);
	if (atomic_load(&l.mismatches))
		return WORKER_MISMATCH;
	return thread_failed ? WORKER_THREAD : WORKER_OK;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: " PROG " [--seconds S] [--workers N] [--seed N]\n"
		"Races VM teardown against a VM's users on the vsvm device (see the\n"
		"source's header). Prints one JSON object; exit status 0 ok, 1 usage,\n"
		"2 no vsvm device, 3 a worker failed.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "workers", required_argument, NULL, 'w' },
		{ "seed", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned long lives_by[T_COUNT] = { 0 }, lives = 0, failures = 0;
	unsigned int workers = 2, seed = (unsigned int)time(NULL), running = 0;
	pid_t pids[16] = { 0 };
	double seconds = 30, deadline;
	char first_failure[128] = "";
	int opt, fd;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		char *end;

		switch (opt) {
		case 's':
			seconds = strtod(optarg, &end);
			if (*end || seconds <= 0) {
				usage(stderr);
				return EXIT_USAGE;
			}
			break;
		case 'w':
			workers = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || !workers || workers > 16) {
				usage(stderr);
				return EXIT_USAGE;
			}
			break;
		case 'r':
			seed = (unsigned int)strtoul(optarg, &end, 0);
			if (*end) {
				usage(stderr);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	fd = vsvm_open();
	if (fd < 0) {
		fprintf(stderr, PROG ": no vsvm render node: %s\n", strerror(errno));
		return EXIT_NODEV;
	}
	close(fd);

	deadline = now() + seconds;
	for (;;) {
		int status;
		pid_t pid;

		while (running < workers && now() < deadline) {
			unsigned int life_seed = seed + (unsigned int)lives;
			enum teardown t = (enum teardown)(rand_r(&life_seed) % T_COUNT);
			unsigned int slot_i = 0;

			while (pids[slot_i])
				slot_i++;
			pid = fork();
			if (pid < 0) {
				perror(PROG ": fork");
				return EXIT_FAILED;
			}
			if (!pid)
				_exit(live(life_seed, t));
			pids[slot_i] = pid;
			lives_by[t]++;
			lives++;
			running++;
		}
		if (!running)
			break;
		pid = wait(&status);
		if (pid < 0) {
			perror(PROG ": wait");
			return EXIT_FAILED;
		}
		for (unsigned int i = 0; i < workers; i++)
			if (pids[i] == pid)
				pids[i] = 0;
		running--;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != WORKER_OK) {
			failures++;
			if (!first_failure[0])
				snprintf(first_failure, sizeof(first_failure), "%s %d",
					 WIFEXITED(status) ? "exit status" : "signal",
					 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		}
	}
	printf("{\"seed\":%u,\"lives\":%lu,\"failures\":%lu,\"first_failure\":\"%s\",\"by_teardown\":{",
	       seed, lives, failures, first_failure);
	for (int t = 0; t < T_COUNT; t++)
		printf("%s\"%s\":%lu", t ? "," : "", teardown_name[t], lives_by[t]);
	printf("}}\n");
	return failures ? EXIT_FAILED : EXIT_OK;
}
