/* SPDX-License-Identifier: MIT */
/*
 * vsvm-workload: a process that mirrors its memory on the vsvm software SVM
 * device, does a scripted set of GPU and CPU accesses, and writes down what
 * it did as one JSON document (the "record"), so that the end-to-end tests
 * can compare what xesvmctl shows about this process with what it really
 * did.
 *
 * Scripted phase, one VM on the vsvm render node:
 *   malloc         malloc'd buffer: GPU write, CPU read, GPU read
 *   anon_2m        2 MiB aligned anonymous mmap: CPU write, GPU read,
 *                  GPU atomic add, madvise system / pagemap, prefetch
 *   anon_unaligned anonymous mmap not 2 MiB aligned: GPU write, CPU read,
 *                  madvise atomic/PAT, atomics allowed and refused, prefetch
 *   file_shared    MAP_SHARED of a temporary file
 *   file_private   MAP_PRIVATE of the same file (another offset)
 *   hole           GPU write, then munmap of 64 KiB in the middle
 *   fork           a child checks its copy-on-write view and that it may
 *                  not use the parent's VM, while the parent GPU-writes
 *   poke           kept in device memory; SIGUSR1 moves it again,
 *                  SIGRTMIN too and reads it by CPU at once
 *   reset_4m       4 MiB madvised to system memory, then GPU written (two
 *                  2 MiB ranges); SIGUSR2 unmaps its upper half, which the
 *                  garbage collector then resets to the default attributes
 *
 * Every byte the workload expects is kept in a shadow copy; "verified"
 * means the memory (read by the CPU, and by the GPU through the VM) equals
 * the shadow. GPU accesses on file mappings are probes: if vsvm refuses
 * them the errno is recorded and the mapping is used by the CPU only.
 *
 * Then it exits (--once) or holds (--hold): it writes the --ready file and
 * waits for signals without touching its memory. SIGUSR1 re-verifies all
 * data by CPU and GPU, moves the "poke" buffer to system memory (prefetch)
 * and back to the device (a GPU atomic add), and appends the result to the
 * record's "verifications". SIGUSR2 unmaps the upper half of "reset_4m"
 * (once; the record's "reset_unmapped" is its window). SIGRTMIN moves the
 * poke buffer to system memory, GPU atomic-adds it (back to device memory)
 * and reads it by CPU at once, inside the driver's atomic timeslice, and
 * appends the result to "atomic_then_cpu". SIGTERM, SIGINT or SIGHUP end
 * it.
 *
 * Exit status: 0 ok, 1 usage, 2 device or ioctl failure, 3 data mismatch.
 *
 * Copyright © 2026 xesvm developers
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include <drm/vsvm_drm.h>

#ifdef VSVM_WORKLOAD_FAKE
/* Host tests: the ioctls go to fake-vsvm.c instead of a device. */
#include "fake-vsvm.h"
#define ioctl fake_vsvm_ioctl
#endif

#define PROG "vsvm-workload"

#define SZ_4K	((size_t)4 << 10)
#define SZ_64K	((size_t)64 << 10)
#define SZ_256K	((size_t)256 << 10)
#define SZ_1M	((size_t)1 << 20)
#define SZ_2M	((size_t)2 << 20)

enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_DEVICE = 2,
	EXIT_MISMATCH = 3,
};

#define MAX_MAPPINGS	10

/*
 * Bounce buffer of every GPU access, allocated once: no mapping comes or
 * goes in the address space while the tests look at it.
 */
#define SCRATCH_SIZE	(2 * SZ_2M)
#define MAX_LIVE	4

struct window {
	uintptr_t start, end;
};

/* One piece of memory the workload uses, and what it expects in it. */
struct mapping {
	const char *name;
	const char *kind;		/* malloc, anon, file_shared, file_private */
	uint8_t *base;			/* first byte used */
	size_t size;
	void *alloc;			/* what to free or munmap at exit */
	size_t alloc_size;		/* 0: free(alloc) */
	uint8_t *shadow;		/* expected content of [base, base + size) */
	struct window live[MAX_LIVE];	/* the parts still mapped */
	int nlive;
	bool gpu;			/* GPU accesses work here */
	bool gpu_touched;		/* at least one GPU access succeeded */
	bool changes_on_poke;		/* SIGUSR1 rewrites it */
	json_t *rec;			/* its object in the record (borrowed) */
};

static struct workload {
	/* options */
	const char *record_path;
	const char *ready_path;
	const char *device_path;
	const char *tmpdir;
	bool hold;
	bool verbose;

	/* device */
	int fd;
	uint32_t vm_id;
	bool vm_created;
	struct drm_vsvm_device_query q;
	size_t page;

	struct mapping maps[MAX_MAPPINGS];
	int nmaps;
	uint8_t *scratch;		/* SCRATCH_SIZE bytes */

	json_t *rec;			/* the record */
	json_t *madvise_all;		/* every successful madvise entry, in order */
	json_t *last_access;		/* the last access entry (borrowed) */
	unsigned int seq;		/* order of operations across mappings */
	int status;			/* worst exit status so far */
	char failure[512];		/* first failure message */
} wl = { .fd = -1 };

/* ---- messages and the record ---- */

__attribute__((format(printf, 1, 2)))
static void verbose(const char *fmt, ...)
{
	va_list ap;

	if (!wl.verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, PROG ": ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/*
 * A failure: the message goes to stderr and, the first time, into the
 * record; the exit status becomes the worst seen (mismatch over device).
 */
__attribute__((format(printf, 2, 3)))
static int fail(int status, const char *fmt, ...)
{
	char msg[sizeof(wl.failure)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, PROG ": %s\n", msg);
	if (!wl.failure[0])
		snprintf(wl.failure, sizeof(wl.failure), "%s", msg);
	if (status > wl.status)
		wl.status = status;
	return status;
}

static const char *errno_name(int err)
{
	const char *name = err ? strerrorname_np(err) : "ok";

	return name ? name : "unknown";
}

static json_t *jaddr(uintptr_t a)
{
	return json_integer((json_int_t)a);
}

static json_t *jwindow(uintptr_t start, uintptr_t end)
{
	return json_pack("{s:o,s:o}", "start", jaddr(start), "end", jaddr(end));
}

/* Appends @entry (a new reference, stolen) to the array @key of @obj. */
static void jappend(json_t *obj, const char *key, json_t *entry)
{
	json_t *arr = json_object_get(obj, key);

	if (!arr) {
		arr = json_array();
		json_object_set_new(obj, key, arr);
	}
	json_array_append_new(arr, entry);
}

static void now_rfc3339(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Writes the record atomically (temporary file, then rename). */
static int record_write(void)
{
	char tmp[PATH_MAX];
	int n;

	if (!wl.record_path)
		return 0;
	n = snprintf(tmp, sizeof(tmp), "%s.tmp.%d", wl.record_path, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return fail(EXIT_DEVICE, "record path too long: %s", wl.record_path);
	if (json_dump_file(wl.rec, tmp, JSON_INDENT(1) | JSON_PRESERVE_ORDER)) {
		fail(EXIT_DEVICE, "cannot write %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return EXIT_DEVICE;
	}
	if (rename(tmp, wl.record_path)) {
		fail(EXIT_DEVICE, "cannot rename %s to %s: %s", tmp,
		     wl.record_path, strerror(errno));
		unlink(tmp);
		return EXIT_DEVICE;
	}
	return 0;
}

/* Writes @text to @path atomically. */
static int write_file_atomic(const char *path, const char *text)
{
	char tmp[PATH_MAX];
	FILE *f;
	int n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return fail(EXIT_DEVICE, "path too long: %s", path);
	f = fopen(tmp, "w");
	if (!f)
		return fail(EXIT_DEVICE, "cannot create %s: %s", tmp, strerror(errno));
	fputs(text, f);
	if (fclose(f) || rename(tmp, path)) {
		fail(EXIT_DEVICE, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return EXIT_DEVICE;
	}
	return 0;
}

/* ---- data ---- */

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The data of set @seed at [@addr, @addr + @size): one word per 8 bytes. */
static void pattern(uint8_t *dst, uintptr_t addr, size_t size, uint64_t seed)
{
	size_t i;

	for (i = 0; i < size; i += 8) {
		uint64_t w = mix64((addr + i) ^ (seed << 48));

		memcpy(dst + i, &w, 8);
	}
}

/* FNV-1a, 64 bit. */
static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_INIT 0xcbf29ce484222325ULL

static uint8_t *shadow_of(struct mapping *m, uintptr_t addr)
{
	return m->shadow + (addr - (uintptr_t)m->base);
}

/*
 * Checksum of the live parts of @m: as the CPU reads them now, or of the
 * shadow copy (what the memory holds once verified) without touching the
 * memory, which would fault device pages back to RAM.
 */
static uint64_t checksum_live(struct mapping *m, bool from_shadow)
{
	uint64_t h = FNV_INIT;
	int i;

	for (i = 0; i < m->nlive; i++) {
		const uint8_t *p = from_shadow ? shadow_of(m, m->live[i].start) :
				   (const uint8_t *)m->live[i].start;

		h = fnv1a(h, p, m->live[i].end - m->live[i].start);
	}
	return h;
}

static json_t *jchecksum(uint64_t h)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016" PRIx64, h);
	return json_string(buf);
}

/* Offset of the first byte where @a and @b differ, or @size. */
static size_t first_difference(const uint8_t *a, const uint8_t *b, size_t size)
{
	size_t i;

	if (!memcmp(a, b, size))
		return size;
	for (i = 0; i < size && a[i] == b[i]; i++)
		;
	return i;
}

static uint64_t word_at(const uint8_t *p, size_t off)
{
	uint64_t w = 0;

	memcpy(&w, p + (off & ~(size_t)7), 8);
	return w;
}

/*
 * Reports a mismatch at @addr (the 64-bit word holding it), found by @how.
 * Returns EXIT_MISMATCH.
 */
static int mismatch(struct mapping *m, uintptr_t addr, const uint8_t *found,
		    size_t found_off, const char *how)
{
	uintptr_t word = addr & ~(uintptr_t)7;

	jappend(m->rec, "mismatches",
		json_pack("{s:o,s:s,s:o}", "address", jaddr(addr), "how", how,
			  "seq", json_integer(wl.seq)));
	return fail(EXIT_MISMATCH,
		    "data mismatch in %s at 0x%" PRIxPTR " (%s): expected 0x%016" PRIx64
		    ", found 0x%016" PRIx64,
		    m->name, addr, how, word_at(shadow_of(m, word), 0),
		    word_at(found, found_off));
}

/* Does the CPU see the shadow in [start, end)? */
static int cpu_verify(struct mapping *m, uintptr_t start, uintptr_t end,
		      const char *after)
{
	size_t off = first_difference((const uint8_t *)start, shadow_of(m, start),
				      end - start);
	char how[96];

	if (off == end - start)
		return 0;
	snprintf(how, sizeof(how), "CPU read after %s", after);
	return mismatch(m, start + off, (const uint8_t *)start, off, how);
}

static int cpu_verify_live(struct mapping *m, const char *after)
{
	int i, ret;

	for (i = 0; i < m->nlive; i++) {
		ret = cpu_verify(m, m->live[i].start, m->live[i].end, after);
		if (ret)
			return ret;
	}
	return 0;
}

/* CPU writes data set @seed to [start, end), and the shadow follows. */
static void cpu_write(struct mapping *m, uintptr_t start, uintptr_t end,
		      uint64_t seed)
{
	pattern(shadow_of(m, start), start, end - start, seed);
	memcpy((void *)start, shadow_of(m, start), end - start);
	jappend(m->rec, "cpu_writes",
		json_pack("{s:i,s:o,s:o,s:I}", "seq", ++wl.seq, "start", jaddr(start),
			  "end", jaddr(end), "seed", (json_int_t)seed));
}

/* ---- the device ---- */

static int vsvm_ioctl(unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(wl.fd, req, arg);
	} while (ret && (errno == EINTR || errno == EAGAIN));
	return ret ? errno : 0;
}

static const char *const access_names[] = {
	[DRM_VSVM_ACCESS_READ] = "read",
	[DRM_VSVM_ACCESS_WRITE] = "write",
	[DRM_VSVM_ACCESS_ATOMIC_ADD] = "atomic_add",
};

struct access_out {
	uint64_t devmem_bytes;
	uint64_t faults;
};

/*
 * One DRM_IOCTL_VSVM_ACCESS on [start, end) of @m, written down. A probe
 * documents what the device does and never fails the run; anything else
 * that fails is a device failure. Returns the errno (0: done).
 */
static int gpu_access(struct mapping *m, uint32_t op, uintptr_t start,
		      uintptr_t end, void *data, uint64_t value, bool probe,
		      const char *expect, struct access_out *out)
{
	struct drm_vsvm_access a = {
		.vm_id = wl.vm_id,
		.op = op,
		.addr = start,
		.size = end - start,
		.data_ptr = (uintptr_t)data,
		.value = value,
	};
	json_t *entry;
	int err = vsvm_ioctl(DRM_IOCTL_VSVM_ACCESS, &a);

	entry = json_pack("{s:i,s:s,s:o,s:o,s:s,s:i,s:I,s:I,s:b}",
			  "seq", ++wl.seq, "op", access_names[op],
			  "start", jaddr(start), "end", jaddr(end),
			  "result", errno_name(err), "errno", err,
			  "devmem_bytes", (json_int_t)a.devmem_bytes,
			  "faults", (json_int_t)a.faults, "probe", probe);
	if (op == DRM_VSVM_ACCESS_ATOMIC_ADD)
		json_object_set_new(entry, "value", json_integer((json_int_t)value));
	if (expect)
		json_object_set_new(entry, "expected", json_string(expect));
	jappend(m->rec, "accesses", entry);
	wl.last_access = entry;
	verbose("%s: GPU %s 0x%" PRIxPTR "-0x%" PRIxPTR ": %s, devmem %" PRIu64
		", faults %" PRIu64, m->name, access_names[op], start, end,
		errno_name(err), (uint64_t)a.devmem_bytes, (uint64_t)a.faults);
	if (out) {
		out->devmem_bytes = a.devmem_bytes;
		out->faults = a.faults;
	}
	if (!err)
		m->gpu_touched = true;
	if (err && !probe)
		fail(EXIT_DEVICE,
		     "DRM_IOCTL_VSVM_ACCESS (%s of %s 0x%" PRIxPTR "-0x%" PRIxPTR
		     ") failed: %s (%s)", access_names[op], m->name, start, end,
		     strerror(err), errno_name(err));
	return err;
}

/*
 * GPU read of [start, end) compared with the shadow. Returns 0, or an exit
 * status (device failure or mismatch); a probe's refusal returns -errno.
 */
static int gpu_verify(struct mapping *m, uintptr_t start, uintptr_t end,
		      bool probe, const char *after, struct access_out *out)
{
	size_t size = end - start, off;
	uint8_t *buf = wl.scratch;
	char how[96];
	int err;

	if (size > SCRATCH_SIZE)
		return fail(EXIT_DEVICE, "internal: access larger than the bounce buffer");
	memset(buf, 0x5a, size);
	err = gpu_access(m, DRM_VSVM_ACCESS_READ, start, end, buf, 0, probe,
			 NULL, out);
	if (err)
		return probe ? -err : EXIT_DEVICE;
	off = first_difference(buf, shadow_of(m, start), size);
	if (off != size) {
		snprintf(how, sizeof(how), "GPU read after %s", after);
		return mismatch(m, start + off, buf, off, how);
	}
	return 0;
}

static int gpu_verify_live(struct mapping *m, const char *after)
{
	int i, ret;

	for (i = 0; i < m->nlive; i++) {
		ret = gpu_verify(m, m->live[i].start, m->live[i].end, false,
				 after, NULL);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * GPU write of data set @seed to [start, end); the shadow follows only if
 * the device did it. Returns 0, an exit status, or -errno for a probe.
 */
static int gpu_write(struct mapping *m, uintptr_t start, uintptr_t end,
		     uint64_t seed, bool probe, struct access_out *out)
{
	size_t size = end - start;
	uint8_t *buf = wl.scratch;
	int err;

	if (size > SCRATCH_SIZE)
		return fail(EXIT_DEVICE, "internal: access larger than the bounce buffer");
	pattern(buf, start, size, seed);
	err = gpu_access(m, DRM_VSVM_ACCESS_WRITE, start, end, buf, 0, probe,
			 NULL, out);
	json_object_set_new(wl.last_access, "seed", json_integer((json_int_t)seed));
	if (err)
		return probe ? -err : EXIT_DEVICE;
	memcpy(shadow_of(m, start), buf, size);
	return 0;
}

/*
 * GPU atomic add of @value to every word of [start, end): the old values
 * must be the shadow's, and the shadow follows. @expect names the errno a
 * probe is expected to get (for the record only).
 */
static int gpu_atomic_add(struct mapping *m, uintptr_t start, uintptr_t end,
			  uint64_t value, bool probe, const char *expect)
{
	size_t size = end - start, off, i;
	uint8_t *old = wl.scratch;
	int err;

	if (size > SCRATCH_SIZE)
		return fail(EXIT_DEVICE, "internal: access larger than the bounce buffer");
	err = gpu_access(m, DRM_VSVM_ACCESS_ATOMIC_ADD, start, end, old, value,
			 probe, expect, NULL);
	if (err)
		return probe ? -err : EXIT_DEVICE;
	off = first_difference(old, shadow_of(m, start), size);
	if (off != size)
		return mismatch(m, start + off, old, off,
				"old values returned by a GPU atomic add");
	for (i = 0; i < size; i += 8) {
		uint64_t w = word_at(shadow_of(m, start), i) + value;

		memcpy(shadow_of(m, start) + i, &w, 8);
	}
	return 0;
}

static const char *const loc_names[] = {
	[DRM_VSVM_PREFERRED_LOC_DEFAULT_DEVICE] = "default_device",
	[DRM_VSVM_PREFERRED_LOC_SYSTEM] = "system",
	[DRM_VSVM_PREFERRED_LOC_PAGEMAP] = "pagemap",
};

static const char *const policy_names[] = {
	[DRM_VSVM_MIGRATE_ALL_PAGES] = "all_pages",
	[DRM_VSVM_MIGRATE_ONLY_SYSTEM_PAGES] = "only_system_pages",
};

static const char *const atomic_names[] = {
	[DRM_VSVM_ATOMIC_UNDEFINED] = "undefined",
	[DRM_VSVM_ATOMIC_DEVICE] = "device",
	[DRM_VSVM_ATOMIC_GLOBAL] = "global",
	[DRM_VSVM_ATOMIC_CPU] = "cpu",
};

/*
 * DRM_IOCTL_VSVM_MADVISE, written down with the model's attribute names
 * (xesvm-json(7), VMAS) so that the tests compare them directly.
 */
static int madvise_ioctl(struct mapping *m, struct drm_vsvm_madvise *a)
{
	int err = vsvm_ioctl(DRM_IOCTL_VSVM_MADVISE, a);
	json_t *entry;

	entry = json_pack("{s:i,s:s,s:o,s:o}", "seq", ++wl.seq, "mapping", m->name,
			  "start", jaddr(a->start), "end", jaddr(a->start + a->range));
	switch (a->type) {
	case DRM_VSVM_MEM_ATTR_PREFERRED_LOC:
		json_object_set_new(entry, "attribute", json_string("preferred_location"));
		json_object_set_new(entry, "value",
				    json_string(loc_names[a->preferred_loc.location]));
		json_object_set_new(entry, "preferred_pagemap",
				    a->preferred_loc.location == DRM_VSVM_PREFERRED_LOC_PAGEMAP ?
				    json_integer(a->preferred_loc.pagemap_id) : json_null());
		json_object_set_new(entry, "migration_policy",
				    json_string(policy_names[a->preferred_loc.migration_policy]));
		break;
	case DRM_VSVM_MEM_ATTR_ATOMIC:
		json_object_set_new(entry, "attribute", json_string("atomic_access"));
		json_object_set_new(entry, "value", json_string(atomic_names[a->atomic.val]));
		break;
	default:
		json_object_set_new(entry, "attribute", json_string("pat_index"));
		json_object_set_new(entry, "value", json_integer(a->pat_index.val));
		break;
	}
	json_object_set_new(entry, "result", json_string(errno_name(err)));
	json_object_set_new(entry, "errno", json_integer(err));
	jappend(m->rec, "madvise", entry);
	if (!err)
		json_array_append(wl.madvise_all, entry);
	verbose("%s: madvise 0x%llx+0x%llx type %u: %s", m->name,
		(unsigned long long)a->start, (unsigned long long)a->range,
		a->type, errno_name(err));
	if (err)
		return fail(EXIT_DEVICE,
			    "DRM_IOCTL_VSVM_MADVISE (%s 0x%llx-0x%llx) failed: %s (%s)",
			    m->name, (unsigned long long)a->start,
			    (unsigned long long)(a->start + a->range), strerror(err),
			    errno_name(err));
	return 0;
}

static int madvise_loc(struct mapping *m, uintptr_t start, uintptr_t end,
		       uint32_t loc, uint16_t policy)
{
	struct drm_vsvm_madvise a = {
		.start = start,
		.range = end - start,
		.vm_id = wl.vm_id,
		.type = DRM_VSVM_MEM_ATTR_PREFERRED_LOC,
		.preferred_loc.location = loc,
		.preferred_loc.pagemap_id =
			loc == DRM_VSVM_PREFERRED_LOC_PAGEMAP ? wl.q.pagemap_id : 0,
		.preferred_loc.migration_policy = policy,
	};

	return madvise_ioctl(m, &a);
}

static int madvise_atomic(struct mapping *m, uintptr_t start, uintptr_t end,
			  uint32_t val)
{
	struct drm_vsvm_madvise a = {
		.start = start,
		.range = end - start,
		.vm_id = wl.vm_id,
		.type = DRM_VSVM_MEM_ATTR_ATOMIC,
		.atomic.val = val,
	};

	return madvise_ioctl(m, &a);
}

static int madvise_pat(struct mapping *m, uintptr_t start, uintptr_t end,
		       uint32_t val)
{
	struct drm_vsvm_madvise a = {
		.start = start,
		.range = end - start,
		.vm_id = wl.vm_id,
		.type = DRM_VSVM_MEM_ATTR_PAT,
		.pat_index.val = val,
	};

	return madvise_ioctl(m, &a);
}

static const char *const region_names[] = {
	[DRM_VSVM_PREFETCH_ADVISED] = "advised",
	[DRM_VSVM_PREFETCH_SYSTEM] = "system",
	[DRM_VSVM_PREFETCH_DEVICE] = "device",
};

static int prefetch(struct mapping *m, uintptr_t start, uintptr_t end,
		    uint32_t region, json_t *log)
{
	struct drm_vsvm_prefetch p = {
		.start = start,
		.range = end - start,
		.vm_id = wl.vm_id,
		.region = region,
	};
	int err = vsvm_ioctl(DRM_IOCTL_VSVM_PREFETCH, &p);
	json_t *entry;

	entry = json_pack("{s:i,s:o,s:o,s:s,s:s,s:i}", "seq", ++wl.seq,
			  "start", jaddr(start), "end", jaddr(end),
			  "region", region_names[region], "result", errno_name(err),
			  "errno", err);
	jappend(log ? log : m->rec, "prefetch", entry);
	verbose("%s: prefetch 0x%" PRIxPTR "-0x%" PRIxPTR " to %s: %s", m->name,
		start, end, region_names[region], errno_name(err));
	if (err)
		return fail(EXIT_DEVICE,
			    "DRM_IOCTL_VSVM_PREFETCH (%s of %s 0x%" PRIxPTR "-0x%" PRIxPTR
			    ") failed: %s (%s)", region_names[region], m->name,
			    start, end, strerror(err), errno_name(err));
	return 0;
}

/* munmap() of [start, end) inside one live part of @m. */
static int unmap_part(struct mapping *m, uintptr_t start, uintptr_t end)
{
	int i;

	for (i = 0; i < m->nlive; i++)
		if (m->live[i].start <= start && end <= m->live[i].end)
			break;
	if (i == m->nlive || m->nlive == MAX_LIVE)
		return fail(EXIT_DEVICE, "internal: bad munmap window in %s", m->name);
	if (munmap((void *)start, end - start))
		return fail(EXIT_DEVICE, "munmap 0x%" PRIxPTR "-0x%" PRIxPTR ": %s",
			    start, end, strerror(errno));
	jappend(m->rec, "munmaps",
		json_pack("{s:i,s:o,s:o}", "seq", ++wl.seq, "start", jaddr(start),
			  "end", jaddr(end)));
	/* Split the live part around the hole. */
	memmove(&m->live[i + 1], &m->live[i], (size_t)(m->nlive - i) * sizeof(m->live[0]));
	m->nlive++;
	m->live[i].end = start;
	m->live[i + 1].start = end;
	if (m->live[i + 1].start == m->live[i + 1].end) {
		memmove(&m->live[i + 1], &m->live[i + 2],
			(size_t)(m->nlive - i - 2) * sizeof(m->live[0]));
		m->nlive--;
	}
	if (m->live[i].start == m->live[i].end) {
		memmove(&m->live[i], &m->live[i + 1],
			(size_t)(m->nlive - i - 1) * sizeof(m->live[0]));
		m->nlive--;
	}
	verbose("%s: munmap 0x%" PRIxPTR "-0x%" PRIxPTR, m->name, start, end);
	return 0;
}

/* ---- mappings ---- */

/*
 * Anonymous memory of @size bytes starting @offset bytes past a 2 MiB
 * boundary, so that both aligned and unaligned placements are certain.
 */
static void *map_anon(size_t size, size_t offset)
{
	size_t span = size + offset + SZ_2M;
	uint8_t *p = mmap(NULL, span, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t start, end;

	if (p == MAP_FAILED)
		return NULL;
	start = (((uintptr_t)p + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1)) + offset;
	end = start + size;
	if (start > (uintptr_t)p)
		munmap(p, start - (uintptr_t)p);
	if ((uintptr_t)p + span > end)
		munmap((void *)end, (uintptr_t)p + span - end);
	return (void *)start;
}

/* A new mapping slot with its record object; memory set by the caller. */
static struct mapping *mapping_add(const char *name, const char *kind,
				   void *base, size_t size, void *alloc,
				   size_t alloc_size)
{
	struct mapping *m;

	if (wl.nmaps == MAX_MAPPINGS) {
		fail(EXIT_DEVICE, "internal: too many mappings");
		return NULL;
	}
	m = &wl.maps[wl.nmaps];
	*m = (struct mapping){
		.name = name, .kind = kind, .base = base, .size = size,
		.alloc = alloc, .alloc_size = alloc_size, .gpu = true,
	};
	m->shadow = malloc(size);
	if (!m->shadow) {
		fail(EXIT_DEVICE, "out of memory");
		return NULL;
	}
	wl.nmaps++;
	memcpy(m->shadow, base, size);
	m->live[0] = (struct window){ (uintptr_t)base, (uintptr_t)base + size };
	m->nlive = 1;
	m->rec = json_pack("{s:s,s:s,s:o,s:o,s:b,s:[],s:[],s:[],s:[],s:[]}",
			   "name", name, "kind", kind,
			   "start", jaddr((uintptr_t)base),
			   "end", jaddr((uintptr_t)base + size),
			   "aligned_2m", ((uintptr_t)base & (SZ_2M - 1)) == 0,
			   "accesses", "madvise", "prefetch", "munmaps",
			   "mismatches");
	json_array_append_new(json_object_get(wl.rec, "mappings"), m->rec);
	verbose("%s (%s): 0x%" PRIxPTR "-0x%" PRIxPTR, name, kind,
		(uintptr_t)base, (uintptr_t)base + size);
	return m;
}

static struct mapping *anon_mapping(const char *name, size_t size, size_t offset)
{
	void *p = map_anon(size, offset);
	struct mapping *m;

	if (!p) {
		fail(EXIT_DEVICE, "mmap of %zu bytes: %s", size, strerror(errno));
		return NULL;
	}
	/*
	 * No transparent huge pages: khugepaged collapsing pages later would
	 * invalidate the SVM ranges while the tests look at their residency.
	 */
	madvise(p, size, MADV_NOHUGEPAGE);
	m = mapping_add(name, "anon", p, size, p, size);
	if (!m)
		munmap(p, size);
	else
		json_object_set_new(m->rec, "flags",
				    json_string("MAP_PRIVATE|MAP_ANONYMOUS, MADV_NOHUGEPAGE"));
	return m;
}

/* Claims where the data of [start, end) is, from the device's own report. */
static void claim_residency(struct mapping *m, uintptr_t start, uintptr_t end,
			    const struct access_out *out)
{
	const char *where;

	if (out->devmem_bytes == end - start)
		where = "device";
	else if (out->devmem_bytes == 0)
		where = "system";
	else
		where = "mixed";
	jappend(m->rec, "residency",
		json_pack("{s:o,s:o,s:s,s:o,s:I}", "start", jaddr(start),
			  "end", jaddr(end), "residency", where,
			  "pagemap", strcmp(where, "device") ? json_null() :
			  json_integer(wl.q.pagemap_id),
			  "devmem_bytes", (json_int_t)out->devmem_bytes));
}

static struct mapping *mapping_named(const char *name)
{
	int i;

	for (i = 0; i < wl.nmaps; i++)
		if (!strcmp(wl.maps[i].name, name))
			return &wl.maps[i];
	fail(EXIT_DEVICE, "internal: no mapping %s", name);
	return NULL;
}

/* ---- scenarios ---- */

#define TRY(expr) do { int ret_ = (expr); if (ret_) return ret_ < 0 ? EXIT_DEVICE : ret_; } while (0)

/* A malloc'd buffer: GPU write, CPU read, GPU read. */
static int s_malloc(void)
{
	size_t size = SZ_1M + SZ_4K + 24;
	void *p = malloc(size);
	struct mapping *m;

	if (!p)
		return fail(EXIT_DEVICE, "out of memory");
	memset(p, 0, size);
	m = mapping_add("malloc", "malloc", p, size, p, 0);
	if (!m) {
		free(p);
		return EXIT_DEVICE;
	}
	TRY(gpu_write(m, (uintptr_t)p, (uintptr_t)p + size, 1, false, NULL));
	TRY(cpu_verify_live(m, "GPU write"));
	TRY(gpu_verify_live(m, "CPU read"));
	return 0;
}

/* 2 MiB aligned anonymous memory: CPU-written data read by the GPU, atomics, madvise. */
static int s_anon_2m(void)
{
	struct mapping *m = anon_mapping("anon_2m", 2 * SZ_2M, 0);
	uintptr_t b;

	if (!m)
		return EXIT_DEVICE;
	b = (uintptr_t)m->base;
	cpu_write(m, b, b + 2 * SZ_2M, 2);
	TRY(gpu_verify(m, b, b + 2 * SZ_2M, false, "CPU write", NULL));
	TRY(gpu_atomic_add(m, b, b + SZ_256K, 5, false, NULL));
	TRY(cpu_verify_live(m, "GPU atomic add"));
	TRY(madvise_loc(m, b + SZ_2M, b + 2 * SZ_2M, DRM_VSVM_PREFERRED_LOC_SYSTEM,
			DRM_VSVM_MIGRATE_ONLY_SYSTEM_PAGES));
	TRY(gpu_verify(m, b + SZ_2M, b + 2 * SZ_2M, false, "madvise system", NULL));
	TRY(madvise_loc(m, b, b + SZ_2M, DRM_VSVM_PREFERRED_LOC_PAGEMAP,
			DRM_VSVM_MIGRATE_ALL_PAGES));
	return 0;
}

/* Anonymous memory 64 KiB past a 2 MiB boundary: atomics by attribute. */
static int s_anon_unaligned(void)
{
	struct mapping *m = anon_mapping("anon_unaligned", SZ_1M + 3 * SZ_64K, SZ_64K);
	uintptr_t b;
	int ret;

	if (!m)
		return EXIT_DEVICE;
	b = (uintptr_t)m->base;
	TRY(gpu_write(m, b, b + m->size, 3, false, NULL));
	TRY(cpu_verify_live(m, "GPU write"));
	TRY(madvise_atomic(m, b + SZ_64K, b + 8 * SZ_64K, DRM_VSVM_ATOMIC_DEVICE));
	if (wl.q.pat_entries > 3)
		TRY(madvise_pat(m, b + 8 * SZ_64K, b + 12 * SZ_64K, 3));
	TRY(madvise_atomic(m, b + 12 * SZ_64K, b + 16 * SZ_64K, DRM_VSVM_ATOMIC_CPU));
	TRY(gpu_atomic_add(m, b + SZ_64K, b + 8 * SZ_64K, 7, false, NULL));
	/* Atomic access "cpu": the device must refuse (vsvm: EACCES). */
	ret = gpu_atomic_add(m, b + 12 * SZ_64K, b + 16 * SZ_64K, 1, true, "EACCES");
	if (ret > 0)
		return ret;
	TRY(gpu_verify_live(m, "GPU atomic add"));
	TRY(cpu_verify_live(m, "GPU atomic add"));
	return 0;
}

/*
 * One file mapping. GPU accesses are probes here: vsvm keeps file pages in
 * system memory and may refuse some accesses; what it does is recorded.
 */
static int file_mapping_run(struct mapping *m, uint64_t seed)
{
	uintptr_t b = (uintptr_t)m->base, e = b + m->size;
	int ret;

	cpu_write(m, b, e, seed);
	ret = gpu_verify(m, b, e, true, "CPU write", NULL);
	if (ret < 0) {
		m->gpu = false;
		jappend(m->rec, "notes",
			json_sprintf("vsvm refused GPU reads of this mapping (%s); used by the CPU only",
				     errno_name(-ret)));
		return cpu_verify_live(m, "CPU write");
	}
	if (ret)
		return ret;
	ret = gpu_write(m, b, e, seed + 100, true, NULL);
	if (ret < 0)
		jappend(m->rec, "notes",
			json_sprintf("vsvm refused GPU writes of this mapping (%s)",
				     errno_name(-ret)));
	else if (ret)
		return ret;
	TRY(cpu_verify_live(m, "GPU write"));
	/* Atomics need device memory, which file pages cannot move to. */
	ret = gpu_atomic_add(m, b, b + SZ_64K, 1, true, "EACCES");
	if (ret > 0)
		return ret;
	ret = gpu_verify(m, b, e, true, "GPU write", NULL);
	return ret < 0 ? 0 : ret;
}

static int s_files(void)
{
	char path[PATH_MAX];
	struct mapping *m;
	void *shared, *priv;
	int fd, ret, n;

	n = snprintf(path, sizeof(path), "%s/vsvm-workload-XXXXXX", wl.tmpdir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return fail(EXIT_DEVICE, "temporary directory name too long");
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return fail(EXIT_DEVICE, "cannot create a file in %s: %s", wl.tmpdir,
			    strerror(errno));
	/* Unlinked at once: nothing is left behind, whatever ends the process. */
	unlink(path);
	if (ftruncate(fd, 2 * SZ_1M)) {
		ret = fail(EXIT_DEVICE, "ftruncate %s: %s", path, strerror(errno));
		close(fd);
		return ret;
	}
	shared = mmap(NULL, SZ_1M, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	priv = mmap(NULL, SZ_1M, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, SZ_1M);
	close(fd);
	if (shared == MAP_FAILED || priv == MAP_FAILED) {
		ret = fail(EXIT_DEVICE, "mmap of %s: %s", path, strerror(errno));
		if (shared != MAP_FAILED)
			munmap(shared, SZ_1M);
		if (priv != MAP_FAILED)
			munmap(priv, SZ_1M);
		return ret;
	}

	m = mapping_add("file_shared", "file_shared", shared, SZ_1M, shared, SZ_1M);
	if (!m) {
		munmap(shared, SZ_1M);
		munmap(priv, SZ_1M);
		return EXIT_DEVICE;
	}
	json_object_set_new(m->rec, "file", json_pack("{s:s,s:i,s:b}", "path", path,
						      "offset", 0, "unlinked", 1));
	json_object_set_new(m->rec, "flags", json_string("MAP_SHARED"));
	ret = file_mapping_run(m, 4);
	if (ret) {
		munmap(priv, SZ_1M);
		return ret;
	}

	m = mapping_add("file_private", "file_private", priv, SZ_1M, priv, SZ_1M);
	if (!m) {
		munmap(priv, SZ_1M);
		return EXIT_DEVICE;
	}
	json_object_set_new(m->rec, "file", json_pack("{s:s,s:I,s:b}", "path", path,
						      "offset", (json_int_t)SZ_1M,
						      "unlinked", 1));
	json_object_set_new(m->rec, "flags", json_string("MAP_PRIVATE"));
	return file_mapping_run(m, 5);
}

/* GPU-written memory, then 64 KiB in its middle unmapped. */
static int s_hole(void)
{
	struct mapping *m = anon_mapping("hole", SZ_2M, 0);
	uintptr_t b, hole;
	uint8_t probe_buf[2 * SZ_4K];

	if (!m)
		return EXIT_DEVICE;
	b = (uintptr_t)m->base;
	hole = b + SZ_1M;
	TRY(gpu_write(m, b, b + SZ_2M, 8, false, NULL));
	TRY(unmap_part(m, hole, hole + SZ_64K));
	/* Across the hole: the device has no page there (vsvm: EFAULT). */
	gpu_access(m, DRM_VSVM_ACCESS_READ, hole - SZ_4K, hole + SZ_4K,
		   probe_buf, 0, true, "EFAULT", NULL);
	TRY(gpu_verify_live(m, "munmap of the middle"));
	TRY(cpu_verify_live(m, "munmap of the middle"));
	return 0;
}

struct child_report {
	int32_t cpu_ok;		/* the child saw the data as at fork() */
	int32_t own_write_ok;	/* its own CPU write stayed its own */
	int32_t gpu_errno;	/* its GPU access with the parent's VM */
	uint64_t first_mismatch;
};

static void child_main(struct mapping *m, int go, int report)
{
	struct child_report r = { .cpu_ok = 1, .own_write_ok = 1 };
	uintptr_t b = (uintptr_t)m->base;
	size_t off;
	uint64_t word;
	char c;

	if (read(go, &c, 1) != 1)
		_exit(4);
	/* The child's shadow is the parent's at fork(). */
	off = first_difference(m->base, m->shadow, m->size);
	if (off != m->size) {
		r.cpu_ok = 0;
		r.first_mismatch = b + off;
	}
	pattern(m->shadow, b, SZ_64K, 10);
	memcpy(m->base, m->shadow, SZ_64K);
	r.own_write_ok = !memcmp(m->base, m->shadow, m->size);
	{
		struct drm_vsvm_access a = {
			.vm_id = wl.vm_id, .op = DRM_VSVM_ACCESS_READ,
			.addr = b, .size = sizeof(word),
			.data_ptr = (uintptr_t)&word,
		};

		r.gpu_errno = vsvm_ioctl(DRM_IOCTL_VSVM_ACCESS, &a);
	}
	if (write(report, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(5);
	_exit(0);
}

/*
 * fork(): the child checks that it sees the data as it was at fork() while
 * the parent GPU-writes new data, that its own writes stay its own, and
 * that it may not use the parent's VM (vsvm: EPERM).
 */
static int s_fork(void)
{
	struct mapping *m = anon_mapping("fork", SZ_2M, 0);
	struct child_report r = { 0 };
	int go[2], report[2], status = 0, ret;
	pid_t waited;
	uintptr_t b;
	ssize_t n;
	pid_t pid;

	if (!m)
		return EXIT_DEVICE;
	b = (uintptr_t)m->base;
	TRY(gpu_write(m, b, b + SZ_2M, 9, false, NULL));
	if (pipe2(go, O_CLOEXEC))
		return fail(EXIT_DEVICE, "pipe: %s", strerror(errno));
	if (pipe2(report, O_CLOEXEC)) {
		ret = fail(EXIT_DEVICE, "pipe: %s", strerror(errno));
		close(go[0]);
		close(go[1]);
		return ret;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = fail(EXIT_DEVICE, "fork: %s", strerror(errno));
		close(go[0]);
		close(go[1]);
		close(report[0]);
		close(report[1]);
		return ret;
	}
	if (pid == 0) {
		close(go[1]);
		close(report[0]);
		child_main(m, go[0], report[1]);
	}
	close(go[0]);
	close(report[1]);

	/* While the child waits: the parent's GPU write must not reach it. */
	ret = gpu_write(m, b, b + SZ_2M, 11, false, NULL);
	if (write(go[1], "g", 1) != 1 && !ret)
		ret = fail(EXIT_DEVICE, "cannot wake the child: %s", strerror(errno));
	close(go[1]);
	n = read(report[0], &r, sizeof(r));
	close(report[0]);
	do {
		waited = waitpid(pid, &status, 0);
	} while (waited < 0 && errno == EINTR);
	if (waited < 0)
		status = 0xff00;	/* as if it exited 255 */
	json_object_set_new(m->rec, "fork",
			    json_pack("{s:i,s:i,s:i,s:b,s:b,s:s,s:s,s:o}",
				      "seq", ++wl.seq, "child_pid", (int)pid,
				      "child_exit_status",
				      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
				      "child_cpu_data_as_at_fork", n == sizeof(r) && r.cpu_ok,
				      "child_own_write_private", n == sizeof(r) && r.own_write_ok,
				      "child_gpu_access_result",
				      n == sizeof(r) ? errno_name(r.gpu_errno) : "no report",
				      "child_gpu_access_expected", "EPERM",
				      "child_first_mismatch",
				      r.first_mismatch ? jaddr(r.first_mismatch) : json_null()));
	if (ret)
		return ret;
	if (n != sizeof(r) || !WIFEXITED(status) || WEXITSTATUS(status))
		return fail(EXIT_DEVICE, "fork: the child failed (status 0x%x)", status);
	if (!r.cpu_ok) {
		jappend(m->rec, "mismatches",
			json_pack("{s:o,s:s}", "address", jaddr(r.first_mismatch),
				  "how", "CPU read in the forked child"));
		return fail(EXIT_MISMATCH,
			    "data mismatch in fork at 0x%" PRIx64
			    " (CPU read in the child: the parent's GPU write after fork() reached it)",
			    r.first_mismatch);
	}
	if (!r.own_write_ok)
		return fail(EXIT_MISMATCH,
			    "data mismatch in fork: the child's own CPU write did not stick");
	if (r.gpu_errno != EPERM)
		jappend(m->rec, "notes",
			json_sprintf("the child's GPU access with the parent's VM gave %s, not EPERM",
				     errno_name(r.gpu_errno)));
	TRY(cpu_verify_live(m, "fork and the child's own write"));
	TRY(gpu_verify_live(m, "fork"));
	return 0;
}

/*
 * The end of the scripted phase: everything verified by the CPU, then the
 * data put where the record says it is, through the GPU only (a CPU read
 * would fault device pages back to system memory).
 */
static int s_final(void)
{
	struct access_out out;
	struct mapping *m;
	uintptr_t b;
	int i;

	for (i = 0; i < wl.nmaps; i++)
		TRY(cpu_verify_live(&wl.maps[i], "the scripted phase"));

	/* anon_2m: first half to its preferred pagemap, second stays system. */
	m = mapping_named("anon_2m");
	if (!m)
		return EXIT_DEVICE;
	b = (uintptr_t)m->base;
	TRY(prefetch(m, b, b + SZ_2M, DRM_VSVM_PREFETCH_ADVISED, NULL));
	TRY(gpu_verify(m, b, b + SZ_2M, false, "prefetch", &out));
	claim_residency(m, b, b + SZ_2M, &out);
	TRY(gpu_verify(m, b + SZ_2M, b + 2 * SZ_2M, false, "madvise system", &out));
	claim_residency(m, b + SZ_2M, b + 2 * SZ_2M, &out);

	/* anon_unaligned: all of it to system memory. */
	m = mapping_named("anon_unaligned");
	if (!m)
		return EXIT_DEVICE;
	b = (uintptr_t)m->base;
	TRY(prefetch(m, b, b + m->size, DRM_VSVM_PREFETCH_SYSTEM, NULL));
	TRY(gpu_verify(m, b, b + m->size, false, "prefetch", &out));
	claim_residency(m, b, b + m->size, &out);

	/*
	 * reset_4m: attributes first (a madvise removes the ranges of its
	 * window), then a GPU write makes two 2 MiB ranges in system memory.
	 */
	m = anon_mapping("reset_4m", 2 * SZ_2M, 0);
	if (!m)
		return EXIT_DEVICE;
	b = (uintptr_t)m->base;
	TRY(madvise_loc(m, b, b + 2 * SZ_2M, DRM_VSVM_PREFERRED_LOC_SYSTEM,
			DRM_VSVM_MIGRATE_ALL_PAGES));
	TRY(gpu_write(m, b, b + 2 * SZ_2M, 14, false, NULL));

	/* poke: written by the GPU into device memory. */
	m = anon_mapping("poke", SZ_2M, 0);
	if (!m)
		return EXIT_DEVICE;
	m->changes_on_poke = true;
	json_object_set_new(m->rec, "changes_on_poke", json_true());
	b = (uintptr_t)m->base;
	TRY(gpu_write(m, b, b + SZ_2M, 12, false, &out));
	claim_residency(m, b, b + SZ_2M, &out);
	return 0;
}

/*
 * Marks each successful madvise "current" unless a later one set the same
 * attribute on an overlapping window: then the VMAs no longer show it.
 */
static void madvise_mark_current(void)
{
	size_t i, j, n = json_array_size(wl.madvise_all);

	for (i = 0; i < n; i++) {
		json_t *a = json_array_get(wl.madvise_all, i);
		const char *attr = json_string_value(json_object_get(a, "attribute"));
		json_int_t s = json_integer_value(json_object_get(a, "start"));
		json_int_t e = json_integer_value(json_object_get(a, "end"));
		bool current = true;

		for (j = i + 1; j < n && current; j++) {
			json_t *b = json_array_get(wl.madvise_all, j);

			if (!strcmp(attr, json_string_value(json_object_get(b, "attribute"))) &&
			    json_integer_value(json_object_get(b, "start")) < e &&
			    s < json_integer_value(json_object_get(b, "end")))
				current = false;
		}
		json_object_set_new(a, "current", json_boolean(current));
	}
}

/* The live windows and checksums of every mapping, into the record. */
static void record_mappings_state(void)
{
	int i, j;

	for (i = 0; i < wl.nmaps; i++) {
		struct mapping *m = &wl.maps[i];
		json_t *live = json_array();

		for (j = 0; j < m->nlive; j++)
			json_array_append_new(live, jwindow(m->live[j].start, m->live[j].end));
		json_object_set_new(m->rec, "live", live);
		json_object_set_new(m->rec, "gpu", json_boolean(m->gpu));
		json_object_set_new(m->rec, "gpu_touched", json_boolean(m->gpu_touched));
		json_object_set_new(m->rec, "checksum",
				    json_pack("{s:s,s:o,s:s}", "algorithm", "fnv1a64",
					      "value", jchecksum(checksum_live(m, true)),
					      "verified", m->gpu ? "cpu+gpu" : "cpu"));
	}
}

/* ---- the device: discovery ---- */

/* Opens the render node of the vsvm device, by DRM driver name. */
static int open_vsvm(char *path, size_t size)
{
	const char *dir = getenv("VSVM_WORKLOAD_DEV_DIR");
	struct dirent **names;
	int i, n, fd = -1;

	if (wl.device_path) {
		char name[32] = "";
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };

		fd = open(wl.device_path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			fail(EXIT_DEVICE, "cannot open %s: %s", wl.device_path,
			     strerror(errno));
			return -1;
		}
		if (ioctl(fd, DRM_IOCTL_VERSION, &v) || strcmp(name, "vsvm")) {
			fail(EXIT_DEVICE, "%s is not a vsvm device (driver \"%s\")",
			     wl.device_path, name);
			close(fd);
			return -1;
		}
		snprintf(path, size, "%s", wl.device_path);
		return fd;
	}
	if (!dir || !*dir)
		dir = "/dev/dri";
	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		char name[32] = "";
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };

		if (fd < 0 && !strncmp(names[i]->d_name, "renderD", 7)) {
			snprintf(path, size, "%s/%s", dir, names[i]->d_name);
			fd = open(path, O_RDWR | O_CLOEXEC);
			if (fd < 0) {
				verbose("cannot open %s: %s", path, strerror(errno));
			} else if (ioctl(fd, DRM_IOCTL_VERSION, &v) || strcmp(name, "vsvm")) {
				verbose("%s: driver \"%s\", not vsvm", path, name);
				close(fd);
				fd = -1;
			}
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	if (fd < 0)
		fail(EXIT_DEVICE, "no vsvm render node (is the vsvm driver loaded?)");
	return fd;
}

/* The card index (DRM primary minor) of the device of render node @st. */
static json_t *card_minor_of(const struct stat *st)
{
	char dir[128];
	struct dirent *de;
	json_t *minor = json_null();
	DIR *d;

	snprintf(dir, sizeof(dir), "/sys/dev/char/%u:%u/device/drm",
		 major(st->st_rdev), minor(st->st_rdev));
	d = opendir(dir);
	if (!d)
		return minor;
	while ((de = readdir(d))) {
		unsigned int card;
		char rest;

		if (sscanf(de->d_name, "card%u%c", &card, &rest) == 1) {
			json_decref(minor);
			minor = json_integer(card);
			break;
		}
	}
	closedir(d);
	return minor;
}

/* The drm-client-id of our file, from /proc/self/fdinfo. */
static json_t *client_id_of(int fd)
{
	char path[64], line[256];
	unsigned long long id;
	json_t *ret = json_null();
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return ret;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "drm-client-id: %llu", &id) == 1) {
			json_decref(ret);
			ret = json_integer((json_int_t)id);
			break;
		}
	fclose(f);
	return ret;
}

/*
 * The VM's drm-svm id (the one the family and debugfs use, 64 bits that
 * the kernel never reuses; not the per-file vm_id of the uAPI, which the
 * family reports as its driver handle). The uAPI does not return it; the
 * debugfs "svm_vms" file prints it with the owner's pid. Root only, so this
 * may stay unknown: then the record says why.
 */
static void vm_handle_lookup(json_t *vm, const json_t *card, unsigned int render)
{
	char path[2][96], line[512], why[320] = "no debugfs svm_vms file found";
	unsigned long long handle, found = 0;
	unsigned int matches = 0;
	int i, pid;
	FILE *f;

	snprintf(path[0], sizeof(path[0]), "/sys/kernel/debug/dri/%lld/svm_vms",
		 json_is_integer(card) ? (long long)json_integer_value(card) : -1LL);
	snprintf(path[1], sizeof(path[1]), "/sys/kernel/debug/dri/%u/svm_vms", render);
	for (i = 0; i < 2; i++) {
		f = fopen(path[i], "re");
		if (!f) {
			snprintf(why, sizeof(why), "%s: %s", path[i], strerror(errno));
			continue;
		}
		while (fgets(line, sizeof(line), f)) {
			const char *p = strstr(line, " pid=");

			/* "vm=<id> gpusvm=... pid=<pid> ...", see drm-svm.rst */
			if (sscanf(line, "vm=%llu", &handle) == 1 && p &&
			    sscanf(p, " pid=%d", &pid) == 1 && pid == (int)getpid()) {
				found = handle;
				matches++;
			}
		}
		fclose(f);
		if (matches == 1) {
			json_object_set_new(vm, "handle", json_integer((json_int_t)found));
			json_object_set_new(vm, "handle_source", json_string(path[i]));
			return;
		}
		snprintf(why, sizeof(why), "%s lists %u VMs of this pid", path[i], matches);
		break;
	}
	json_object_set_new(vm, "handle", json_null());
	json_object_set_new(vm, "handle_source", json_null());
	json_object_set_new(vm, "handle_note", json_string(why));
}

static int device_setup(void)
{
	struct drm_vsvm_vm_create c = { 0 };
	char path[PATH_MAX];
	struct stat st;
	json_t *dev, *vm, *card;
	int err;

	wl.fd = open_vsvm(path, sizeof(path));
	if (wl.fd < 0)
		return EXIT_DEVICE;
	if (fstat(wl.fd, &st))
		return fail(EXIT_DEVICE, "fstat %s: %s", path, strerror(errno));
	err = vsvm_ioctl(DRM_IOCTL_VSVM_DEVICE_QUERY, &wl.q);
	if (err)
		return fail(EXIT_DEVICE, "DRM_IOCTL_VSVM_DEVICE_QUERY failed: %s (%s)",
			    strerror(err), errno_name(err));
	card = card_minor_of(&st);
	dev = json_pack("{s:s,s:s,s:i,s:o,s:I,s:i,s:i}", "node", path,
			"driver", "vsvm", "render_minor", (int)minor(st.st_rdev),
			"card_minor", card, "devmem_size", (json_int_t)wl.q.devmem_size,
			"pagemap_id", (int)wl.q.pagemap_id,
			"pat_entries", (int)wl.q.pat_entries);
	json_object_set_new(wl.rec, "device", dev);
	verbose("%s: devmem %llu bytes, pagemap %u", path,
		(unsigned long long)wl.q.devmem_size, wl.q.pagemap_id);

	err = vsvm_ioctl(DRM_IOCTL_VSVM_VM_CREATE, &c);
	if (err)
		return fail(EXIT_DEVICE, "DRM_IOCTL_VSVM_VM_CREATE failed: %s (%s)",
			    strerror(err), errno_name(err));
	wl.vm_id = c.vm_id;
	wl.vm_created = true;
	vm = json_pack("{s:i,s:o}", "vm_id", (int)c.vm_id, "client_id", client_id_of(wl.fd));
	vm_handle_lookup(vm, card, minor(st.st_rdev));
	json_object_set_new(wl.rec, "vm", vm);
	return 0;
}

/* ---- hold mode ---- */

/* SIGUSR1: verify everything by CPU and GPU, then move the poke buffer. */
static void poke(const siginfo_t *si)
{
	static unsigned int n;
	json_t *v, *results = json_array();
	struct access_out out = { 0 };
	char when[32];
	bool ok = true;
	int before = wl.status, i, ret;

	now_rfc3339(when, sizeof(when));
	v = json_pack("{s:i,s:s,s:i,s:s}", "n", (int)++n, "signal", "SIGUSR1",
		      "sender_pid", (int)si->si_pid, "time", when);
	for (i = 0; i < wl.nmaps; i++) {
		struct mapping *m = &wl.maps[i];
		int cpu = cpu_verify_live(m, "holding"), gpu = -1;

		if (m->gpu)
			gpu = gpu_verify_live(m, "holding");
		ok = ok && !cpu && gpu <= 0;
		json_array_append_new(results,
			json_pack("{s:s,s:s,s:s,s:o}", "name", m->name,
				  "cpu", cpu ? "mismatch" : "ok",
				  "gpu", gpu < 0 ? "not_checked" : gpu == EXIT_MISMATCH ?
				  "mismatch" : gpu ? "failed" : "ok",
				  "checksum", jchecksum(checksum_live(m, false))));
	}
	json_object_set_new(v, "mappings", results);

	/*
	 * Move the poke buffer both ways whatever happened before: prefetch to
	 * system memory, then a GPU atomic add, which needs device memory and
	 * so migrates it back even from a valid system-memory binding.
	 */
	for (i = 0; i < wl.nmaps; i++) {
		struct mapping *m = &wl.maps[i];
		uintptr_t b = (uintptr_t)m->base;

		if (!m->changes_on_poke)
			continue;
		ret = prefetch(m, b, b + m->size, DRM_VSVM_PREFETCH_SYSTEM, v);
		if (!ret)
			ret = gpu_atomic_add(m, b, b + m->size, n, false, NULL);
		if (!ret)
			ret = gpu_verify(m, b, b + m->size, false, "poke", &out);
		json_object_set_new(v, "poke",
				    json_pack("{s:s,s:o,s:o,s:b,s:I}", "mapping", m->name,
					      "start", jaddr(b), "end", jaddr(b + m->size),
					      "ok", !ret, "devmem_bytes",
					      (json_int_t)out.devmem_bytes));
		ok = ok && !ret;
	}
	json_object_set_new(v, "ok", json_boolean(ok && wl.status == before));
	if (wl.status != before && wl.failure[0])
		json_object_set_new(v, "failure", json_string(wl.failure));
	jappend(wl.rec, "verifications", v);
	record_write();
	verbose("SIGUSR1 %u: %s", n, ok ? "data verified" : "FAILED");
}

/* SIGUSR2: the CPU unmaps the upper half of reset_4m (its range wholly). */
static void unmap_reset_half(void)
{
	struct mapping *m = mapping_named("reset_4m");
	uintptr_t b;

	if (!m || json_object_get(wl.rec, "reset_unmapped"))
		return;
	b = (uintptr_t)m->base;
	if (unmap_part(m, b + SZ_2M, b + 2 * SZ_2M))
		return;
	json_object_set_new(wl.rec, "reset_unmapped", jwindow(b + SZ_2M, b + 2 * SZ_2M));
	record_mappings_state();
	record_write();
	verbose("SIGUSR2: unmapped 0x%" PRIxPTR "-0x%" PRIxPTR, b + SZ_2M, b + 2 * SZ_2M);
}

/*
 * SIGRTMIN: the poke buffer to system memory, a GPU atomic add (which moves
 * it to device memory, where the driver keeps it for its atomic timeslice),
 * then at once a CPU read of all of it: the CPU faults in between are
 * deferred until the timeslice ends. The record's "atomic_then_cpu" says
 * whether the data was right and how long the read took.
 */
static void atomic_then_cpu(void)
{
	struct mapping *m = mapping_named("poke");
	struct timespec t0, t1;
	json_t *v;
	uintptr_t b;
	int ret;

	if (!m)
		return;
	b = (uintptr_t)m->base;
	v = json_object();
	ret = prefetch(m, b, b + m->size, DRM_VSVM_PREFETCH_SYSTEM, v);
	if (!ret)
		ret = gpu_atomic_add(m, b, b + m->size, 1, false, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!ret)
		ret = cpu_verify_live(m, "a GPU atomic add (SIGRTMIN)");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	json_object_set_new(v, "ok", json_boolean(!ret));
	json_object_set_new(v, "cpu_read_ms",
			    json_integer((json_int_t)((t1.tv_sec - t0.tv_sec) * 1000 +
						      (t1.tv_nsec - t0.tv_nsec) / 1000000)));
	jappend(wl.rec, "atomic_then_cpu", v);
	record_write();
	verbose("SIGRTMIN: atomic add then CPU read of poke: %s", ret ? "FAILED" : "ok");
}

/* The signals hold() takes with sigwaitinfo(), blocked from before ready. */
static void hold_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGUSR2);
	sigaddset(set, SIGRTMIN);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

static int hold(void)
{
	sigset_t set;
	siginfo_t si;
	int sig;

	for (;;) {
		hold_signals(&set);
		sig = sigwaitinfo(&set, &si);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			return fail(EXIT_DEVICE, "sigwaitinfo: %s", strerror(errno));
		}
		if (sig == SIGUSR1) {
			poke(&si);
			continue;
		}
		if (sig == SIGUSR2) {
			unmap_reset_half();
			continue;
		}
		if (sig == SIGRTMIN) {
			atomic_then_cpu();
			continue;
		}
		json_object_set_new(wl.rec, "stopped_by", json_string(sigabbrev_np(sig)));
		verbose("stopped by SIG%s", sigabbrev_np(sig));
		return 0;
	}
}

/* ---- main ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [--once | --hold] [--record FILE] [--ready FILE]\n"
		"                     [--device NODE] [--tmpdir DIR] [--verbose]\n"
		"\n"
		"Mirror memory on the vsvm software SVM device, do a scripted set of GPU\n"
		"and CPU accesses (malloc, anonymous and file mappings, madvise, prefetch,\n"
		"munmap of a part, fork) and write down what was done as JSON.\n"
		"\n"
		"  --once          exit after the scripted phase (the default)\n"
		"  --hold          then stay alive until SIGTERM, SIGINT or SIGHUP;\n"
		"                  SIGUSR1 re-verifies all data, moves the poke buffer\n"
		"                  and appends the result to the record; SIGUSR2\n"
		"                  unmaps the upper half of reset_4m (once); SIGRTMIN\n"
		"                  GPU atomic-adds the poke buffer, then reads it by CPU\n"
		"                  at once (in the atomic timeslice)\n"
		"  --record FILE   write the record to FILE (replaced atomically)\n"
		"  --ready FILE    write this process's pid to FILE once the record is\n"
		"                  written and the process holds\n"
		"  --device NODE   use this render node instead of looking for vsvm\n"
		"  --tmpdir DIR    where to create the mapped file (default $TMPDIR or /tmp)\n"
		"  -v, --verbose   say what is done on stderr\n"
		"  -h, --help      this help\n"
		"\n"
		"Exit status: 0 ok, 1 usage, 2 device or ioctl failure, 3 data mismatch.\n");
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "hold", no_argument, NULL, 'H' },
		{ "record", required_argument, NULL, 'r' },
		{ "ready", required_argument, NULL, 'R' },
		{ "device", required_argument, NULL, 'd' },
		{ "tmpdir", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool once = false;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			once = true;
			break;
		case 'H':
			wl.hold = true;
			break;
		case 'r':
			wl.record_path = optarg;
			break;
		case 'R':
			wl.ready_path = optarg;
			break;
		case 'd':
			wl.device_path = optarg;
			break;
		case 't':
			wl.tmpdir = optarg;
			break;
		case 'v':
			wl.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case ':':
			fprintf(stderr, PROG ": option %s needs an argument\n", argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		default:
			if (optopt)
				fprintf(stderr, PROG ": unknown option -%c\n", optopt);
			else
				fprintf(stderr, PROG ": unknown option %s\n", argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (once && wl.hold) {
		fprintf(stderr, PROG ": --once and --hold exclude each other\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((wl.record_path && !*wl.record_path) || (wl.ready_path && !*wl.ready_path) ||
	    (wl.tmpdir && !*wl.tmpdir) || (wl.device_path && !*wl.device_path)) {
		fprintf(stderr, PROG ": empty file name\n");
		return EXIT_USAGE;
	}
	if (!wl.tmpdir) {
		wl.tmpdir = getenv("TMPDIR");
		if (!wl.tmpdir || !*wl.tmpdir)
			wl.tmpdir = "/tmp";
	}
	return 0;
}

static int scripted(void)
{
	int (*const steps[])(void) = {
		s_malloc, s_anon_2m, s_anon_unaligned, s_files, s_hole, s_fork, s_final,
	};
	size_t i;
	int ret;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		ret = steps[i]();
		if (ret)
			return ret;
	}
	return 0;
}

static void cleanup(void)
{
	int i;

	if (wl.vm_created) {
		struct drm_vsvm_vm_destroy d = { .vm_id = wl.vm_id };
		int err = vsvm_ioctl(DRM_IOCTL_VSVM_VM_DESTROY, &d);

		if (err)
			fail(EXIT_DEVICE, "DRM_IOCTL_VSVM_VM_DESTROY failed: %s (%s)",
			     strerror(err), errno_name(err));
	}
	if (wl.fd >= 0)
		close(wl.fd);
	for (i = 0; i < wl.nmaps; i++) {
		struct mapping *m = &wl.maps[i];

		if (m->alloc_size)
			munmap(m->alloc, m->alloc_size);
		else
			free(m->alloc);
		free(m->shadow);
	}
	free(wl.scratch);
	json_decref(wl.madvise_all);
	json_decref(wl.rec);
}

int main(int argc, char **argv)
{
	char comm[32] = "", when[32], pidtext[32];
	sigset_t set;
	FILE *f;
	int ret;

	ret = parse_args(argc, argv);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;

	wl.page = (size_t)sysconf(_SC_PAGESIZE);
	f = fopen("/proc/self/comm", "re");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	now_rfc3339(when, sizeof(when));
	wl.madvise_all = json_array();
	wl.scratch = malloc(SCRATCH_SIZE);
	wl.rec = json_pack("{s:s,s:i,s:i,s:s,s:s,s:I,s:s,s:[]}",
			   "record", "vsvm-workload", "version", 1,
			   "pid", (int)getpid(), "comm", comm,
			   "mode", wl.hold ? "hold" : "once",
			   "page_size", (json_int_t)wl.page, "started_at", when,
			   "mappings");
	if (!wl.rec || !wl.madvise_all || !wl.scratch) {
		fprintf(stderr, PROG ": out of memory\n");
		cleanup();
		return EXIT_DEVICE;
	}

	ret = device_setup();
	if (!ret)
		ret = scripted();
	madvise_mark_current();
	json_object_set_new(wl.rec, "madvise_all", json_incref(wl.madvise_all));
	record_mappings_state();
	json_object_set_new(wl.rec, "scripted_ok", json_boolean(!ret));
	if (ret)
		json_object_set_new(wl.rec, "failure", json_string(wl.failure));
	json_object_set_new(wl.rec, "verifications", json_array());

	if (!ret && wl.hold) {
		/* Blocked before anyone is told we are ready: sigwaitinfo() takes them. */
		hold_signals(&set);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	record_write();
	if (!ret && !wl.status && wl.ready_path) {
		snprintf(pidtext, sizeof(pidtext), "%d\n", (int)getpid());
		write_file_atomic(wl.ready_path, pidtext);
	}
	if (!ret && !wl.status && wl.hold) {
		hold();
		json_object_set_new(wl.rec, "exit_status", json_integer(wl.status));
		if (wl.failure[0])
			json_object_set_new(wl.rec, "failure", json_string(wl.failure));
		record_write();
	}
	cleanup();
	return ret > wl.status ? ret : wl.status;
}
