/* SPDX-License-Identifier: MIT */
/*
 * An in-process stand-in for the vsvm ioctls, linked into
 * vsvm-workload-fake so that the workload's own logic (the scenarios, the
 * record, hold mode, signals, fork, the exit statuses) can be tested on a
 * host without the device. It is not a model of vsvm: accesses are memcpy,
 * data is "in device memory" unless madvised to system, and prefetch only
 * checks its arguments. The real device is tested in QEMU (run-e2e.sh).
 *
 * Faults to inject, by environment variable:
 *   FAKE_VSVM_CORRUPT_READ=N  the N-th GPU read returns one wrong byte
 *   FAKE_VSVM_FAIL_ACCESS=N   the N-th GPU access fails with EIO
 *
 * Copyright © 2026 xesvm developers
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm/vsvm_drm.h>

#include "fake-vsvm.h"

#define FAKE_PAGE	4096UL
#define FAKE_ATTRS	64

struct fake_attr {
	uint64_t start, end;
	uint32_t type, val;
};

static struct {
	pid_t owner;
	uint32_t vm;
	struct fake_attr attrs[FAKE_ATTRS];
	unsigned int nattrs, reads, accesses;
} fake;

static unsigned int env_count(const char *name)
{
	const char *v = getenv(name);

	return v ? (unsigned int)strtoul(v, NULL, 10) : 0;
}

/* The newest value of attribute @type at @addr, or @def. */
static uint32_t attr_at(uint64_t addr, uint32_t type, uint32_t def)
{
	unsigned int i = fake.nattrs;

	while (i--)
		if (fake.attrs[i].type == type && fake.attrs[i].start <= addr &&
		    addr < fake.attrs[i].end)
			return fake.attrs[i].val;
	return def;
}

/* Is all of [addr, addr + size) mapped? From /proc/self/maps, as the device would see. */
static int mapped(uint64_t addr, uint64_t size)
{
	unsigned long long lo, hi;
	uint64_t pos = addr;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return 0;
	/* The lines are in address order, so one pass extends the covered prefix. */
	while (pos < addr + size && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx", &lo, &hi) == 2 && lo <= pos && pos < hi)
			pos = hi;
	fclose(f);
	return pos >= addr + size;
}

static int vm_check(uint32_t vm)
{
	if (!fake.vm || vm != fake.vm)
		return ENOENT;
	if (getpid() != fake.owner)
		return EPERM;
	return 0;
}

static int fake_access(struct drm_vsvm_access *a)
{
	uint8_t *p = (uint8_t *)(uintptr_t)a->addr, *d = (uint8_t *)(uintptr_t)a->data_ptr;
	uint64_t i;
	int err = vm_check(a->vm_id);

	if (err)
		return err;
	if (!a->size || a->op > DRM_VSVM_ACCESS_ATOMIC_ADD)
		return EINVAL;
	if (a->op == DRM_VSVM_ACCESS_ATOMIC_ADD && ((a->addr | a->size) & 7))
		return EINVAL;
	if (!mapped(a->addr, a->size))
		return EFAULT;
	if (++fake.accesses == env_count("FAKE_VSVM_FAIL_ACCESS"))
		return EIO;
	a->faults = 1;
	a->devmem_bytes = 0;
	for (i = 0; i < a->size; i += FAKE_PAGE)
		if (attr_at(a->addr + i, DRM_VSVM_MEM_ATTR_PREFERRED_LOC,
			    DRM_VSVM_PREFERRED_LOC_DEFAULT_DEVICE) !=
		    DRM_VSVM_PREFERRED_LOC_SYSTEM)
			a->devmem_bytes += a->size - i < FAKE_PAGE ? a->size - i : FAKE_PAGE;
	switch (a->op) {
	case DRM_VSVM_ACCESS_READ:
		memcpy(d, p, a->size);
		if (++fake.reads == env_count("FAKE_VSVM_CORRUPT_READ"))
			d[a->size / 2] ^= 0x40;
		break;
	case DRM_VSVM_ACCESS_WRITE:
		memcpy(p, d, a->size);
		break;
	default:
		if (attr_at(a->addr, DRM_VSVM_MEM_ATTR_ATOMIC, DRM_VSVM_ATOMIC_UNDEFINED) ==
		    DRM_VSVM_ATOMIC_CPU)
			return EACCES;
		for (i = 0; i < a->size; i += 8) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if (d)
				memcpy(d + i, &w, 8);
			w += a->value;
			memcpy(p + i, &w, 8);
		}
		a->devmem_bytes = a->size;
		break;
	}
	return 0;
}

static int fake_madvise(const struct drm_vsvm_madvise *m)
{
	int err = vm_check(m->vm_id);

	if (err)
		return err;
	if (!m->range || ((m->start | m->range) & (FAKE_PAGE - 1)) ||
	    m->type > DRM_VSVM_MEM_ATTR_PAT || fake.nattrs == FAKE_ATTRS)
		return EINVAL;
	fake.attrs[fake.nattrs++] = (struct fake_attr){
		.start = m->start, .end = m->start + m->range, .type = m->type,
		.val = m->type == DRM_VSVM_MEM_ATTR_PREFERRED_LOC ?
		       m->preferred_loc.location : m->atomic.val,
	};
	return 0;
}

static int fake_prefetch(const struct drm_vsvm_prefetch *p)
{
	int err = vm_check(p->vm_id);

	if (err)
		return err;
	if (!p->range || ((p->start | p->range) & (FAKE_PAGE - 1)) ||
	    p->region > DRM_VSVM_PREFETCH_DEVICE)
		return EINVAL;
	return 0;
}

int fake_vsvm_ioctl(int fd, unsigned long req, void *arg)
{
	int err = 0;

	(void)fd;
	if (req == DRM_IOCTL_VERSION) {
		struct drm_version *v = arg;

		if (v->name && v->name_len >= 5)
			memcpy(v->name, "vsvm", 5);
	} else if (req == DRM_IOCTL_VSVM_DEVICE_QUERY) {
		struct drm_vsvm_device_query *q = arg;

		q->devmem_size = 16UL << 20;
		q->pagemap_id = 1;
		q->pat_entries = 32;
	} else if (req == DRM_IOCTL_VSVM_VM_CREATE) {
		struct drm_vsvm_vm_create *c = arg;

		if (fake.vm)
			err = ENOSPC;
		fake.vm = c->vm_id = 1;
		fake.owner = getpid();
	} else if (req == DRM_IOCTL_VSVM_VM_DESTROY) {
		struct drm_vsvm_vm_destroy *d = arg;

		err = d->vm_id == fake.vm ? 0 : ENOENT;
		fake.vm = 0;
	} else if (req == DRM_IOCTL_VSVM_ACCESS) {
		err = fake_access(arg);
	} else if (req == DRM_IOCTL_VSVM_MADVISE) {
		err = fake_madvise(arg);
	} else if (req == DRM_IOCTL_VSVM_PREFETCH) {
		err = fake_prefetch(arg);
	} else {
		err = ENOTTY;
	}
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
