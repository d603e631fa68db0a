// SPDX-License-Identifier: MIT
/*
 * Netlink and debugfs views agree (issue 6), on the host: one kernel
 * state, told once as the drm-svm family's messages (the fake kernel of
 * fake_kernel.h, attributes put as drm_svm.c puts them) and once as the
 * SVM debugfs files (as the providers print them), must give the same
 * model: the same devices, VMs, VMAs, ranges and pagemaps, byte for byte
 * in their JSON form, for every filter, once the drm_gpusvm internals
 * only debugfs reports (the stale flag, the notifier sequence of the
 * pages) are taken out of the debugfs side.
 *
 * Two states: the recorded tree tests/data/debugfs-svm (its files written
 * by hand from the format; the table below says the same in netlink
 * terms), and a generated one with thousands of ranges and every value of
 * every field, whose files this test writes.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <drm/drm_svm.h>

#include "debugfs_internal.h"
#include "fake_kernel.h"

#define DATA XESVM_TEST_DATA_DIR

/* ------------------------------------------------------------------ */
/* A kernel state                                                      */
/* ------------------------------------------------------------------ */

struct st_dev {
	uint32_t dev_id, minor;
	const char *name, *driver;	/* dev_name(), driver name */
};

struct st_vm {
	uint32_t minor;
	uint64_t vm;
	uint64_t gpusvm, start, end;
	uint32_t pid;
	uint64_t client, notifiers, ranges, devmem, generation;
	const char *comm;
};

struct st_vma {
	uint32_t minor;
	uint64_t vm;
	uint64_t start, end;
	uint32_t kind, loc, pagemap, policy, atomic;
	uint16_t pat;
	uint32_t purgeable;
};

/* The pages one device has of a range (struct drm_gpusvm_pages_info). */
struct st_pages {
	int64_t minor;		/* -1: no device owns their DMA mappings */
	int64_t seq;		/* -1: never collected */
	uint32_t pagemap;	/* 0: none */
	uint32_t flags;		/* DRM_SVM_RANGE_FLAGS_* of pages */
};

struct st_range {
	uint32_t minor;
	uint64_t vm;
	uint64_t start, end, nstart, nend;
	uint32_t refs;
	uint32_t flags;		/* DRM_SVM_RANGE_FLAGS_*: its own, and its pages' */
	uint32_t count;		/* page sets the driver keeps */
	unsigned int nsets;	/* described in @sets */
	struct st_pages sets[4];
};

struct st_pagemap {
	uint32_t minor, id;
	uint64_t size;
	uint8_t enabled;
	uint64_t to_dev[7], to_ram[7];	/* count, pages, bytes, nomem, busy, fault, other */
	uint64_t cpu_faults, deferred, evictions, devmem_pages;
};

struct state {
	const struct st_dev *devs;
	size_t ndevs;
	const struct st_vm *vms;
	size_t nvms;
	const struct st_vma *vmas;
	size_t nvmas;
	const struct st_range *ranges;
	size_t nranges;
	const struct st_pagemap *pagemaps;
	size_t npagemaps;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define GIB (1ULL << 30)
#define MIB (1ULL << 20)
#define TOP 0x800000000000ULL

enum { F_MIG = DRM_SVM_RANGE_FLAGS_MIGRATE_DEVMEM, F_UNMAP = DRM_SVM_RANGE_FLAGS_UNMAPPED,
       F_PART = DRM_SVM_RANGE_FLAGS_PARTIAL_UNMAP, F_DEV = DRM_SVM_RANGE_FLAGS_DEVMEM,
       F_DMA = DRM_SVM_RANGE_FLAGS_DMA_MAPPED,
       /* drm_gpusvm's stale bit: debugfs prints it, the family leaves it out. */
       F_STALE = 1u << 5 };
enum { K_MIRROR = DRM_SVM_MEM_KIND_CPU_MIRROR, K_BO = DRM_SVM_MEM_KIND_BO,
       K_USERPTR = DRM_SVM_MEM_KIND_USERPTR, K_SPARSE = DRM_SVM_MEM_KIND_SPARSE };
enum { L_DEF = DRM_SVM_PREFERRED_LOC_DEFAULT_DEVICE, L_SYS = DRM_SVM_PREFERRED_LOC_SYSTEM,
       L_PM = DRM_SVM_PREFERRED_LOC_PAGEMAP };
enum { P_ALL = DRM_SVM_MIGRATION_POLICY_ALL_PAGES,
       P_SYS = DRM_SVM_MIGRATION_POLICY_ONLY_SYSTEM_PAGES };
enum { A_UNDEF = DRM_SVM_XE_ATOMIC_ACCESS_UNDEFINED, A_DEV = DRM_SVM_XE_ATOMIC_ACCESS_DEVICE,
       A_GLOBAL = DRM_SVM_XE_ATOMIC_ACCESS_GLOBAL, A_CPU = DRM_SVM_XE_ATOMIC_ACCESS_CPU };
enum { PU_NONE = DRM_SVM_XE_PURGEABLE_NONE, PU_WILL = DRM_SVM_XE_PURGEABLE_WILLNEED };

/* tests/data/debugfs-svm, in the family's terms. */
static const struct st_dev rec_devs[] = {
	{ 1, 0, "0000:03:00.0", "xe" },
	{ 2, 1, "vsvm", "vsvm" },
};

static const struct st_vm rec_vms[] = {
	{ 0, 3, 11, 0, TOP, 2301, 5, 2, 6, 2, 14, "svm_bench" },
	{ 0, 5, 14, 0, TOP, 2417, 7, 1, 2, 0, 4, "llama-server" },
	{ 0, 4, 12, 0, TOP, 2301, 5, 0, 0, 0, 0, "svm_bench" },
	{ 1, 1, 15, 0x1000, TOP, 3100, 12, 1, 2, 1, 6, "gpu worker 1" },
};

static const struct st_vma rec_vmas[] = {
	{ 0, 3, 0x1000, 0x7f3a00000000, K_MIRROR, L_DEF, 0, P_ALL, A_UNDEF, 0, PU_NONE },
	{ 0, 3, 0x7f3a00000000, 0x7f3a02000000, K_MIRROR, L_PM, 1, P_ALL, A_DEV, 3, PU_NONE },
	{ 0, 3, 0x7f3a02000000, 0x7f3a40000000, K_MIRROR, L_DEF, 0, P_ALL, A_UNDEF, 0, PU_NONE },
	{ 0, 3, 0x7f3a40000000, 0x7f3a40200000, K_MIRROR, L_SYS, 0, P_SYS, A_GLOBAL, 0, PU_NONE },
	{ 0, 3, 0x7f3a40200000, TOP, K_MIRROR, L_DEF, 0, P_ALL, A_UNDEF, 0, PU_NONE },
	{ 0, 5, 0x800000, 0xa00000, K_BO, L_DEF, 0, P_ALL, A_UNDEF, 2, PU_WILL },
	{ 0, 5, 0xa00000, 0xc00000, K_USERPTR, L_SYS, 0, P_ALL, A_CPU, 1, PU_NONE },
	{ 0, 5, 0xc00000, 0x1000000, K_SPARSE, L_DEF, 0, P_ALL, A_UNDEF, 0, PU_NONE },
	{ 0, 5, 0x1000000, TOP, K_MIRROR, L_DEF, 0, P_ALL, A_UNDEF, 0, PU_NONE },
	{ 0, 4, 0x1000, TOP, K_MIRROR, L_DEF, 0, P_ALL, A_UNDEF, 0, PU_NONE },
	{ 1, 1, 0x1000, TOP, K_MIRROR, L_DEF, 0, P_ALL, A_UNDEF, 0, PU_NONE },
};

#define N3 0x7f3a00000000ULL, 0x7f3a20000000ULL
#define DEVPAGES (F_DEV | F_DMA)
static const struct st_range rec_ranges[] = {
	{ 0, 3, 0x7f3a00000000, 0x7f3a00200000, N3, 1, F_MIG | F_DEV | F_DMA, 1, 1,
	  { { 0, 12, 1, DEVPAGES } } },
	{ 0, 3, 0x7f3a00200000, 0x7f3a00400000, N3, 1, F_MIG | F_DEV | F_DMA, 2, 2,
	  { { 0, 12, 1, DEVPAGES }, { 1, 13, 0, F_DMA } } },
	{ 0, 3, 0x7f3a00400000, 0x7f3a00600000, N3, 1, F_MIG | F_DMA, 1, 1, { { 0, 9, 0, F_DMA } } },
	{ 0, 3, 0x7f3a00600000, 0x7f3a00800000, N3, 1, F_MIG | F_DMA | F_STALE, 1, 1,
	  { { 0, 16, 0, F_DMA | F_STALE } } },
	{ 0, 3, 0x7f3a01800000, 0x7f3a01810000, N3, 2, F_MIG | F_UNMAP | F_PART, 1, 1,
	  { { 0, 15, 0, F_UNMAP } } },
	{ 0, 3, 0x7f3a40000000, 0x7f3a40010000, 0x7f3a40000000, 0x7f3a60000000, 1, F_MIG, 1, 1,
	  { { 0, -1, 0, 0 } } },
	{ 0, 5, 0x7fa180000000, 0x7fa180200000, 0x7fa180000000, 0x7fa1a0000000, 1, F_MIG | F_DMA,
	  1, 1, { { 0, 3, 0, F_DMA } } },
	{ 0, 5, 0x7fa180200000, 0x7fa180210000, 0x7fa180000000, 0x7fa1a0000000, 1, 0, 0, 0, { { 0 } } },
	{ 1, 1, 0x7f0000000000, 0x7f0000200000, 0x7f0000000000, 0x7f0020000000, 1,
	  F_MIG | F_DEV | F_DMA, 1, 1, { { 1, 4, 2, DEVPAGES } } },
	{ 1, 1, 0x7f0000200000, 0x7f0000400000, 0x7f0000000000, 0x7f0020000000, 1, F_MIG | F_DMA,
	  6, 4, { { 1, 4, 0, F_DMA }, { 0, 5, 0, 0 }, { -1, -1, 0, 0 }, { 2, 7, 0, F_DMA } } },
};

static const struct st_pagemap rec_pagemaps[] = {
	{ 0, 1, 17163091968ULL, 1, { 412, 61440, 251658240, 0, 3, 0, 0 },
	  { 37, 5120, 20971520, 0, 0, 0, 1 }, 39, 2, 11, 1024 },
	{ 1, 2, 268435456, 1, { 6, 1536, 6291456, 0, 0, 0, 0 }, { 2, 512, 2097152, 0, 1, 0, 0 },
	  2, 0, 0, 512 },
};

static const struct state recorded = {
	rec_devs, N(rec_devs), rec_vms, N(rec_vms), rec_vmas, N(rec_vmas),
	rec_ranges, N(rec_ranges), rec_pagemaps, N(rec_pagemaps),
};

/* ------------------------------------------------------------------ */
/* The state as netlink messages                                       */
/* ------------------------------------------------------------------ */

static uint32_t dev_id_of(const struct state *st, uint32_t minor)
{
	size_t i;

	for (i = 0; i < st->ndevs; i++)
		if (st->devs[i].minor == minor)
			return st->devs[i].dev_id;
	fail_msg("no device with minor %" PRIu32, minor);
	return 0;
}

static struct nl_msg *vm_msg(const struct state *st, const struct st_vm *v)
{
	struct nl_msg *msg = genl(DRM_SVM_CMD_VM_GET);

	u32(msg, DRM_SVM_A_VM_DEV_ID, dev_id_of(st, v->minor));
	uint_put(msg, DRM_SVM_A_VM_VM_ID, v->vm);
	uint_put(msg, DRM_SVM_A_VM_GPUSVM_ID, v->gpusvm);
	u32(msg, DRM_SVM_A_VM_PID, v->pid);
	str(msg, DRM_SVM_A_VM_COMM, v->comm);
	uint_put(msg, DRM_SVM_A_VM_CLIENT_ID, v->client);
	uint_put(msg, DRM_SVM_A_VM_START, v->start);
	uint_put(msg, DRM_SVM_A_VM_END, v->end);
	uint_put(msg, DRM_SVM_A_VM_NOTIFIERS, v->notifiers);
	uint_put(msg, DRM_SVM_A_VM_RANGES, v->ranges);
	uint_put(msg, DRM_SVM_A_VM_DEVMEM_PAGES, v->devmem);
	uint_put(msg, DRM_SVM_A_VM_GENERATION, v->generation);
	return msg;
}

static struct nl_msg *vma_msg(const struct state *st, const struct st_vma *a)
{
	struct nl_msg *msg = genl(DRM_SVM_CMD_MEM_ATTR_GET);
	struct nlattr *xe;

	u32(msg, DRM_SVM_A_MEM_ATTR_DEV_ID, dev_id_of(st, a->minor));
	uint_put(msg, DRM_SVM_A_MEM_ATTR_VM_ID, a->vm);
	uint_put(msg, DRM_SVM_A_MEM_ATTR_START, a->start);
	uint_put(msg, DRM_SVM_A_MEM_ATTR_END, a->end);
	u32(msg, DRM_SVM_A_MEM_ATTR_KIND, a->kind);
	u32(msg, DRM_SVM_A_MEM_ATTR_PREFERRED_LOC, a->loc);
	if (a->pagemap)
		u32(msg, DRM_SVM_A_MEM_ATTR_PAGEMAP_ID, a->pagemap);
	u32(msg, DRM_SVM_A_MEM_ATTR_MIGRATION_POLICY, a->policy);
	/* Both providers here (xe, vsvm) implement xe's madvise: its nest. */
	xe = nla_nest_start(msg, DRM_SVM_A_MEM_ATTR_XE);
	assert_non_null(xe);
	u32(msg, DRM_SVM_A_XE_MEM_ATTR_ATOMIC_ACCESS, a->atomic);
	assert_int_equal(nla_put_u16(msg, DRM_SVM_A_XE_MEM_ATTR_PAT_INDEX, a->pat), 0);
	u32(msg, DRM_SVM_A_XE_MEM_ATTR_PURGEABLE, a->purgeable);
	assert_int_equal(nla_nest_end(msg, xe), 0);
	return msg;
}

/* Whether the device of minor @minor is xe's (it sends the tile masks of its ranges). */
static bool is_xe(const struct state *st, uint32_t minor)
{
	size_t i;

	for (i = 0; i < st->ndevs; i++)
		if (st->devs[i].minor == minor)
			return !strcmp(st->devs[i].driver, "xe");
	return false;
}

static struct nl_msg *range_msg(const struct state *st, const struct st_range *r)
{
	struct nl_msg *msg = genl(DRM_SVM_CMD_RANGE_GET);
	unsigned int i;

	u32(msg, DRM_SVM_A_RANGE_DEV_ID, dev_id_of(st, r->minor));
	uint_put(msg, DRM_SVM_A_RANGE_VM_ID, r->vm);
	uint_put(msg, DRM_SVM_A_RANGE_START, r->start);
	uint_put(msg, DRM_SVM_A_RANGE_END, r->end);
	uint_put(msg, DRM_SVM_A_RANGE_NOTIFIER_START, r->nstart);
	uint_put(msg, DRM_SVM_A_RANGE_NOTIFIER_END, r->nend);
	u32(msg, DRM_SVM_A_RANGE_FLAGS, r->flags & ~(uint32_t)F_STALE);
	u32(msg, DRM_SVM_A_RANGE_PAGES_COUNT, r->count);
	if (is_xe(st, r->minor)) {
		/* Tile 0 maps what has DMA mappings; an unmapped range was invalidated. */
		struct nlattr *xe = nla_nest_start(msg, DRM_SVM_A_RANGE_XE);

		assert_non_null(xe);
		u32(msg, DRM_SVM_A_XE_RANGE_TILE_PRESENT, r->flags & F_DMA ? 1 : 0);
		u32(msg, DRM_SVM_A_XE_RANGE_TILE_INVALIDATED, r->flags & F_UNMAP ? 1 : 0);
		assert_int_equal(nla_nest_end(msg, xe), 0);
	}
	for (i = 0; i < r->nsets; i++) {
		const struct st_pages *p = &r->sets[i];
		struct nlattr *nest = nla_nest_start(msg, DRM_SVM_A_RANGE_PAGES);

		assert_non_null(nest);
		if (p->minor >= 0)
			u32(msg, DRM_SVM_A_RANGE_PAGES_MINOR, (uint32_t)p->minor);
		u32(msg, DRM_SVM_A_RANGE_PAGES_FLAGS, p->flags & ~(uint32_t)F_STALE);
		if (p->pagemap)
			u32(msg, DRM_SVM_A_RANGE_PAGES_PAGEMAP_ID, p->pagemap);
		assert_int_equal(nla_nest_end(msg, nest), 0);
	}
	return msg;
}

static void migrate_nest(struct nl_msg *msg, int type, const uint64_t v[7])
{
	struct nlattr *nest = nla_nest_start(msg, type);
	int i;

	assert_non_null(nest);
	for (i = 0; i < 7; i++)
		uint_put(msg, DRM_SVM_A_MIGRATE_STATS_COUNT + i, v[i]);
	assert_int_equal(nla_nest_end(msg, nest), 0);
}

static struct nl_msg *pagemap_msg(const struct state *st, const struct st_pagemap *p)
{
	struct nl_msg *msg = genl(DRM_SVM_CMD_PAGEMAP_GET);
	struct nlattr *nest;

	u32(msg, DRM_SVM_A_PAGEMAP_DEV_ID, dev_id_of(st, p->minor));
	u32(msg, DRM_SVM_A_PAGEMAP_PAGEMAP_ID, p->id);
	uint_put(msg, DRM_SVM_A_PAGEMAP_SIZE, p->size);
	nest = nla_nest_start(msg, DRM_SVM_A_PAGEMAP_STATS);
	assert_non_null(nest);
	assert_int_equal(nla_put_u8(msg, DRM_SVM_A_PAGEMAP_STATS_ENABLED, p->enabled), 0);
	migrate_nest(msg, DRM_SVM_A_PAGEMAP_STATS_TO_DEVMEM, p->to_dev);
	migrate_nest(msg, DRM_SVM_A_PAGEMAP_STATS_TO_RAM, p->to_ram);
	uint_put(msg, DRM_SVM_A_PAGEMAP_STATS_CPU_FAULTS, p->cpu_faults);
	uint_put(msg, DRM_SVM_A_PAGEMAP_STATS_CPU_FAULTS_DEFERRED, p->deferred);
	uint_put(msg, DRM_SVM_A_PAGEMAP_STATS_EVICTIONS, p->evictions);
	uint_put(msg, DRM_SVM_A_PAGEMAP_STATS_DEVMEM_PAGES, p->devmem_pages);
	assert_int_equal(nla_nest_end(msg, nest), 0);
	return msg;
}

/* What a filter selects, decided here from the state (not by the library). */
struct selection {
	const char *device;	/* card index, or NULL */
	int64_t pid, client, vm;
	bool has_window;
	uint64_t start, end;
};

static bool selects(const struct selection *s, const struct st_vm *v)
{
	char minor[16];

	snprintf(minor, sizeof(minor), "%" PRIu32, v->minor);
	return (!s->device || !strcmp(s->device, minor)) && (s->pid < 0 || v->pid == s->pid) &&
	       (s->client < 0 || v->client == (uint64_t)s->client) &&
	       (s->vm < 0 || v->vm == (uint64_t)s->vm);
}

/* The window the range-get of @v carries: pages, clamped to the VM; false: none. */
static bool vm_window(const struct selection *s, const struct st_vm *v, uint64_t *start,
		      uint64_t *end)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	*start = v->start;
	*end = v->end;
	if (!s->has_window)
		return true;
	*start = s->start / page * page;
	*end = (s->end + page - 1) / page * page;
	if (*start < v->start)
		*start = v->start;
	if (*end > v->end)
		*end = v->end;
	return *start < *end;
}

/*
 * The whole conversation of xesvm_nl_gather() with ranges: dev-get,
 * vm-get, then per selected VM its mem-attr-get and (when its window
 * meets it) range-get dumps, then pagemap-get; each dump as the kernel
 * answers it (range-get: the ranges meeting the window).
 */
static void queue_state(struct fake *f, const struct state *st, const struct selection *sel)
{
	size_t n = st->nranges + st->nvms + st->ndevs + st->nvmas + st->npagemaps + 1, k, i, j;
	struct nl_msg **msgs = calloc(n, sizeof(*msgs));

	assert_non_null(msgs);
	for (k = i = 0; i < st->ndevs; i++) {
		struct nl_msg *msg = genl(DRM_SVM_CMD_DEV_GET);

		u32(msg, DRM_SVM_A_DEV_DEV_ID, st->devs[i].dev_id);
		str(msg, DRM_SVM_A_DEV_NAME, st->devs[i].name);
		str(msg, DRM_SVM_A_DEV_DRIVER, st->devs[i].driver);
		u32(msg, DRM_SVM_A_DEV_MINOR, st->devs[i].minor);
		msgs[k++] = msg;
	}
	msgs[k++] = done_msg(0, NULL);
	fake_queue_list(f, msgs, k);
	for (k = i = 0; i < st->nvms; i++)
		msgs[k++] = vm_msg(st, &st->vms[i]);
	msgs[k++] = done_msg(0, NULL);
	fake_queue_list(f, msgs, k);
	/* xesvmctl asks for the VMs' details device by device (a stable order). */
	for (i = 0; i < st->nvms * 64; i++) {
		const struct st_vm *v = &st->vms[i % st->nvms];
		uint64_t ws, we;

		if (v->minor != i / st->nvms || !selects(sel, v))
			continue;
		for (k = j = 0; j < st->nvmas; j++)
			if (st->vmas[j].minor == v->minor && st->vmas[j].vm == v->vm)
				msgs[k++] = vma_msg(st, &st->vmas[j]);
		msgs[k++] = done_msg(0, NULL);
		fake_queue_list(f, msgs, k);
		if (!vm_window(sel, v, &ws, &we))
			continue;
		for (k = j = 0; j < st->nranges; j++) {
			const struct st_range *r = &st->ranges[j];

			if (r->minor == v->minor && r->vm == v->vm && r->end > ws && r->start < we)
				msgs[k++] = range_msg(st, r);
		}
		msgs[k++] = done_msg(0, NULL);
		fake_queue_list(f, msgs, k);
	}
	for (k = i = 0; i < st->npagemaps; i++)
		msgs[k++] = pagemap_msg(st, &st->pagemaps[i]);
	msgs[k++] = done_msg(0, NULL);
	fake_queue_list(f, msgs, k);
	free(msgs);
}

/* ------------------------------------------------------------------ */
/* The state as SVM debugfs files                                      */
/* ------------------------------------------------------------------ */

static FILE *open_file(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static FILE *open_file(const char *dir, const char *fmt, ...)
{
	char rel[256], path[512];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	/* mkdir -p of the directories below @dir */
	for (char *slash = path + strlen(dir) + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
		*slash = '/';
	}
	f = fopen(path, "a");
	assert_non_null(f);
	return f;
}

static const char *spec_name(const char *const *names, uint32_t v)
{
	return names[v];
}

/* drm_gpusvm_print_ranges()' flags: the names of @flags in bit order, "-" for none. */
static void printed_flags(char *buf, size_t size, uint32_t flags)
{
	static const char *const names[] = {
		"migrate_devmem", "unmapped", "partial_unmap", "devmem", "dma_mapped", "stale",
	};
	size_t used = 0, b;

	snprintf(buf, size, "-");
	for (b = 0; b < N(names); b++)
		if (flags & (1u << b))
			used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "," : "",
						 names[b]);
}

/* Writes the files the providers print for @st below @dir. */
static void write_tree(const char *dir, const struct state *st)
{
	static const char *const kinds[] = { "cpu-mirror", "bo", "userptr", "sparse" };
	static const char *const locs[] = { "default-device", "system", "pagemap" };
	static const char *const policies[] = { "all-pages", "only-system-pages" };
	static const char *const atomics[] = { "undefined", "device", "global", "cpu" };
	static const char *const purgeables[] = { "none", "willneed", "dontneed", "purged" };
	size_t i, j;
	FILE *f;

	for (i = 0; i < st->ndevs; i++) {
		f = open_file(dir, "dri/%" PRIu32 "/name", st->devs[i].minor);
		fprintf(f, "%s dev=%s unique=%s\n", st->devs[i].driver, st->devs[i].name,
			st->devs[i].name);
		fclose(f);
		fclose(open_file(dir, "dri/%" PRIu32 "/svm_vms", st->devs[i].minor));
		fclose(open_file(dir, "dri/%" PRIu32 "/svm_pagemaps", st->devs[i].minor));
	}
	for (i = 0; i < st->nvms; i++) {
		const struct st_vm *v = &st->vms[i];

		f = open_file(dir, "dri/%" PRIu32 "/svm_vms", v->minor);
		fprintf(f, "vm=%" PRIu64 " gpusvm=%" PRIu64 " start=%016" PRIx64 " end=%016" PRIx64
			" pid=%" PRIu32 " client=%" PRIu64 " notifiers=%" PRIu64 " ranges=%" PRIu64
			" devmem_pages=%" PRIu64 " generation=%" PRIu64 " comm=%s\n", v->vm, v->gpusvm,
			v->start, v->end, v->pid, v->client, v->notifiers, v->ranges, v->devmem,
			v->generation, v->comm);
		fclose(f);

		/* The client's files: this VM's header, then its lines. */
		f = open_file(dir, "dri/client-%" PRIu64 "/svm_mem_attrs", v->client);
		fprintf(f, "vm=%" PRIu64 " gpusvm=%" PRIu64 " start=%016" PRIx64 " end=%016" PRIx64 "\n",
			v->vm, v->gpusvm, v->start, v->end);
		for (j = 0; j < st->nvmas; j++) {
			const struct st_vma *a = &st->vmas[j];

			if (a->minor != v->minor || a->vm != v->vm)
				continue;
			fprintf(f, "%016" PRIx64 "-%016" PRIx64 " kind=%s preferred=%s pagemap=%" PRIu32
				" policy=%s atomic=%s pat=%u purgeable=%s\n", a->start, a->end,
				spec_name(kinds, a->kind), spec_name(locs, a->loc), a->pagemap,
				spec_name(policies, a->policy), spec_name(atomics, a->atomic), a->pat,
				spec_name(purgeables, a->purgeable));
		}
		fclose(f);
		f = open_file(dir, "dri/client-%" PRIu64 "/svm_ranges", v->client);
		fprintf(f, "vm=%" PRIu64 " gpusvm=%" PRIu64 " start=%016" PRIx64 " end=%016" PRIx64
			" generation=%" PRIu64 "\n", v->vm, v->gpusvm, v->start, v->end, v->generation);
		for (j = 0; j < st->nranges; j++) {
			const struct st_range *r = &st->ranges[j];
			char flags[128];

			if (r->minor != v->minor || r->vm != v->vm)
				continue;
			printed_flags(flags, sizeof(flags), r->flags);
			fprintf(f, "%016" PRIx64 "-%016" PRIx64 " size=%" PRIu64 " notifier=%016" PRIx64
				"-%016" PRIx64 " refs=%" PRIu32 " flags=%s pages=%" PRIu32, r->start, r->end,
				r->end - r->start, r->nstart, r->nend, r->refs, flags, r->count);
			/* One group per page set, as drm_gpusvm_print_ranges() prints them. */
			for (unsigned int k = 0; k < r->nsets; k++) {
				const struct st_pages *p = &r->sets[k];
				char seq[24] = "-";

				if (p->seq >= 0)
					snprintf(seq, sizeof(seq), "%" PRId64, p->seq);
				printed_flags(flags, sizeof(flags), p->flags);
				fprintf(f, " [minor=%" PRId64 " seq=%s pagemap=%" PRIu32 " flags=%s]",
					p->minor, seq, p->pagemap, flags);
			}
			fputc('\n', f);
		}
		fclose(f);
	}
	for (i = 0; i < st->npagemaps; i++) {
		const struct st_pagemap *p = &st->pagemaps[i];

		f = open_file(dir, "dri/%" PRIu32 "/svm_pagemaps", p->minor);
		fprintf(f, "pagemap=%" PRIu32 " size=%" PRIu64 " enabled=%u to_devmem=%" PRIu64 "/%" PRIu64
			"/%" PRIu64 " to_devmem_fail=%" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64
			" to_ram=%" PRIu64 "/%" PRIu64 "/%" PRIu64 " to_ram_fail=%" PRIu64 "/%" PRIu64
			"/%" PRIu64 "/%" PRIu64 " cpu_faults=%" PRIu64 " cpu_faults_deferred=%" PRIu64
			" evictions=%" PRIu64 " devmem_pages=%" PRIu64 "\n", p->id, p->size, p->enabled,
			p->to_dev[0], p->to_dev[1], p->to_dev[2], p->to_dev[3], p->to_dev[4],
			p->to_dev[5], p->to_dev[6], p->to_ram[0], p->to_ram[1], p->to_ram[2],
			p->to_ram[3], p->to_ram[4], p->to_ram[5], p->to_ram[6], p->cpu_faults,
			p->deferred, p->evictions, p->devmem_pages);
		fclose(f);
	}
}

/* ------------------------------------------------------------------ */
/* Gathering both ways, comparing                                      */
/* ------------------------------------------------------------------ */

static void to_filter(const struct selection *s, struct xesvm_filter *f)
{
	xesvm_filter_init(f);
	f->device = s->device;
	f->pid = s->pid;
	f->client_id = s->client;
	f->vm = s->vm;
	f->has_window = s->has_window;
	f->start = s->start;
	f->end = s->end;
}

static struct xesvm_model *gather_netlink(const struct state *st, const struct selection *sel)
{
	struct xesvm_model *m = model_with_card0();
	struct xesvm_error err = { 0 };
	struct xesvm_filter filter;
	struct xesvm_nl_scope scope = { .filter = &filter, .ranges = true, .mem_attrs = true,
					.pagemaps = true };
	struct fake *f = calloc(1, sizeof(*f));
	struct xesvm_nl *nl;

	assert_non_null(f);
	nl = fake_nl(f);
	to_filter(sel, &filter);
	queue_state(f, st, sel);
	if (xesvm_nl_gather(nl, m, &scope, &err))
		fail_msg("netlink gather: %s", err.msg);
	assert_int_equal(f->next, f->n);	/* every reply was asked for */
	xesvm_nl_close(nl);
	fake_free(f);
	free(f);
	return m;
}

static struct xesvm_model *gather_debugfs(const char *root, const struct selection *sel)
{
	struct xesvm_model *m = model_with_card0();
	struct xesvm_error err = { 0 };
	struct xesvm_filter filter;
	int why = 0;

	to_filter(sel, &filter);
	if (xesvm_debugfs_svm_gather(m, root, &filter, true, &why, &err))
		fail_msg("debugfs gather: %s (why %d)", err.msg, why);
	return m;
}

/* Removes "stale" from the flags array @flags; counts it in @removed. */
static void remove_stale(json_t *flags, size_t *removed)
{
	size_t i;

	for (i = 0; i < json_array_size(flags); i++)
		if (!strcmp(json_string_value(json_array_get(flags, i)), "stale")) {
			assert_int_equal(json_array_remove(flags, i--), 0);
			(*removed)++;
		}
}

/* Sets the integer @key of @obj to 0; counts a value that was not 0 in @zeroed. */
static void zero_member(json_t *obj, const char *key, size_t *zeroed)
{
	json_t *v = json_object_get(obj, key);

	assert_true(json_is_integer(v));
	if (json_integer_value(v)) {
		assert_int_equal(json_object_set_new(obj, key, json_integer(0)), 0);
		(*zeroed)++;
	}
}

/*
 * @text (a snapshot's views) without what only debugfs reports: the stale
 * flag of ranges and pages and the notifier sequence of pages; re-printed
 * as svm_json() prints. @removed counts what was taken out. What only the
 * family reports goes too: the attribute resets of VMs when there are
 * none (the states here have none), and the tile masks of xe's ranges,
 * set to 0 (counted in @family_only).
 */
static char *family_part(const char *text, size_t *removed, size_t *family_only)
{
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr), *range, *pages, *vm;
	size_t i, j;
	char *out;

	assert_non_null(root);
	*removed = 0;
	*family_only = 0;
	json_array_foreach(json_object_get(root, "vms"), i, vm) {
		json_t *resets = json_object_get(vm, "attr_resets");

		if (resets) {
			assert_int_equal(json_array_size(resets), 0);
			assert_int_equal(json_object_del(vm, "attr_resets"), 0);
		}
	}
	json_array_foreach(json_object_get(root, "ranges"), i, range) {
		zero_member(range, "tile_present", family_only);
		zero_member(range, "tile_invalidated", family_only);
		remove_stale(json_object_get(range, "flags"), removed);
		json_array_foreach(json_object_get(range, "pages"), j, pages) {
			remove_stale(json_object_get(pages, "flags"), removed);
			if (json_is_integer(json_object_get(pages, "notifier_seq"))) {
				assert_int_equal(json_object_set_new(pages, "notifier_seq",
								     json_null()), 0);
				(*removed)++;
			}
		}
	}
	out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	assert_non_null(out);
	json_decref(root);
	return out;
}

/* The model's SVM views as the JSON a snapshot holds. */
static char *svm_json(const struct xesvm_model *m)
{
	static const char *const views[] = { "devices", "vms", "vmas", "ranges", "pagemaps", NULL };
	const struct xesvm_view view = { .collections = views };
	struct xesvm_error err = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(xesvm_model_write_view(m, out, &view, XESVM_WRITE_PRETTY, &err), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

/*
 * Netlink and debugfs give the same model for @sel. Returns how many tile
 * masks (not 0) the family reported, which debugfs cannot.
 */
static size_t assert_agree(const char *root, const struct state *st,
			   const struct selection *sel, const char *what)
{
	struct xesvm_model *nl = gather_netlink(st, sel), *dbg = gather_debugfs(root, sel);
	char *nl_text = svm_json(nl), *dbg_text = svm_json(dbg);
	size_t nl_internals, dbg_internals, nl_tiles, dbg_tiles;
	char *a = family_part(nl_text, &nl_internals, &nl_tiles);
	char *b = family_part(dbg_text, &dbg_internals, &dbg_tiles);
	json_t *notes = json_object_get(xesvm_model_root(dbg), "notes");

	/* The family reports none of them: nothing to take out on its side. */
	if (nl_internals)
		fail_msg("%s: netlink reported %zu drm_gpusvm internals", what, nl_internals);
	/* The SVM debugfs files have no tile masks: the model keeps 0. */
	if (dbg_tiles)
		fail_msg("%s: debugfs reported %zu tile masks", what, dbg_tiles);

	if (strcmp(a, b)) {
		const char *p = a, *q = b;
		size_t line = 1;

		for (; *p && *p == *q; p++, q++)
			line += *p == '\n';
		fail_msg("%s: netlink and debugfs differ from line %zu:\nnetlink: %.300s\ndebugfs: %.300s",
			 what, line, p, q);
	}
	if (json_array_size(notes)) {
		char *text = json_dumps(notes, 0);

		fail_msg("%s: debugfs notes %s", what, text);
	}
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		xesvm_model_root(dbg), "sources"), "vms")), "debugfs");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		xesvm_model_root(nl), "sources"), "vms")), "netlink");
	free(a);
	free(b);
	free(nl_text);
	free(dbg_text);
	xesvm_model_free(nl);
	xesvm_model_free(dbg);
	return nl_tiles;
}

#define ALL { NULL, -1, -1, -1, false, 0, 0 }

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

static void test_recorded_tree_agrees(void **state)
{
	static const struct {
		const char *what;
		struct selection sel;
	} cases[] = {
		{ "everything", ALL },
		{ "pid 2417", { NULL, 2417, -1, -1, false, 0, 0 } },
		{ "client 5", { NULL, -1, 5, -1, false, 0, 0 } },
		{ "vm 1", { NULL, -1, -1, 1, false, 0, 0 } },
		{ "device 1", { "1", -1, -1, -1, false, 0, 0 } },
		{ "pid 2301, window", { NULL, 2301, -1, -1, true, 0x7f3a00300000, 0x7f3a01800001 } },
		{ "a window of one byte", { NULL, -1, -1, -1, true, 0x7f0000200fff, 0x7f0000201000 } },
		{ "a window missing every range", { NULL, -1, -1, -1, true, 0x1000, 0x2000 } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t tiles = assert_agree(DATA "/debugfs-svm", &recorded, &cases[i].sel,
					    cases[i].what);

		/* xe's ranges (device 0) came with their tile masks. */
		if (i == 0)
			assert_true(tiles > 0);
	}
}

/* A deterministic pseudo-random sequence (the test must not depend on luck). */
static uint64_t next_random(uint64_t *seed)
{
	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return *seed >> 33;
}

#define GEN_RANGES_PER_VM 1000

/*
 * Four VMs on two devices, the clients' VMs interleaved in svm_vms, one
 * with a VM id past 32 bits whose low 32 bits are another VM's, every
 * range flag combination the debugfs files can carry, ranges with no page
 * set, one or up to four of several devices (or none), more kept than
 * described, seq and pagemap present or not, VMAs of every kind and
 * attribute value.
 */
static void test_generated_state_agrees(void **state)
{
	static const struct st_dev devs[] = {
		{ 4, 0, "0000:03:00.0", "xe" },
		{ 9, 2, "vsvm", "vsvm" },
	};
	static const struct st_vm vms[] = {
		{ 0, 7, 101, 0, TOP, 4000, 21, 3, GEN_RANGES_PER_VM, 1000, 77, "alpha" },
		{ 2, 1, 102, 0x1000, TOP, 4001, 22, 1, GEN_RANGES_PER_VM, 0, 1, "beta with spaces" },
		{ 0, 8, 103, 0, TOP, 4000, 21, 2, GEN_RANGES_PER_VM, 5, 9, "alpha" },
		{ 0, 0x100000007ULL, 104, 0, TOP, 0, 23, 0, GEN_RANGES_PER_VM, 0, 0, "" },
	};
	struct st_range *ranges = calloc(N(vms) * GEN_RANGES_PER_VM, sizeof(*ranges));
	struct st_vma *vmas = calloc(N(vms) * 24, sizeof(*vmas));
	struct st_pagemap pagemaps[3] = {
		{ 0, 1, 16 * GIB, 1, { 1, 2, 3, 4, 5, 6, 7 }, { 8, 9, 10, 11, 12, 13, 14 }, 15, 16, 17, 18 },
		{ 0, 3, 0, 0, { 0 }, { 0 }, 0, 0, 0, 0 },
		{ 2, 2, 256 * MIB, 1, { 5 }, { 6 }, INT64_MAX, 0, 1, 2 },
	};
	uint64_t seed = 42;
	size_t nranges = 0, nvmas = 0, v, i;
	char dir[] = "/tmp/xesvm-agree-XXXXXX", cmd[256];
	struct state st;

	(void)state;
	assert_non_null(ranges);
	assert_non_null(vmas);
	for (v = 0; v < N(vms); v++) {
		uint64_t addr = 0x7f0000000000ULL + v * 0x100000000ULL;

		for (i = 0; i < GEN_RANGES_PER_VM; i++) {
			struct st_range *r = &ranges[nranges++];
			uint64_t size = next_random(&seed) % 2 ? 0x200000 : 0x10000;

			r->minor = vms[v].minor;
			r->vm = vms[v].vm;
			r->start = addr;
			r->end = addr + size;
			r->nstart = addr & ~0x1fffffffULL;
			r->nend = r->nstart + 0x20000000;
			r->refs = (uint32_t)(1 + next_random(&seed) % 3);
			r->flags = (uint32_t)(next_random(&seed) % 64);	/* no gc-pending */
			/*
			 * Mostly the pages of its own device, one set; now and then
			 * none, or up to four of several devices (or of none) out
			 * of up to six kept. Each set has some of the range's flags
			 * of pages (the range's hold them all).
			 */
			r->nsets = next_random(&seed) % 4 ? 1 : (unsigned int)(next_random(&seed) % 5);
			r->count = r->nsets + (next_random(&seed) % 8 ? 0 : (uint32_t)(next_random(&seed) % 3));
			for (unsigned int k = 0; k < r->nsets; k++) {
				struct st_pages *p = &r->sets[k];
				uint64_t pick = next_random(&seed);

				p->minor = k == 0 ? vms[v].minor : pick % 7 == 0 ? -1 : (int64_t)(pick % 4);
				p->seq = next_random(&seed) % 5 ? (int64_t)(next_random(&seed) % 100000) : -1;
				p->flags = r->flags & (F_UNMAP | F_DEV | F_DMA | F_STALE) &
					   (uint32_t)next_random(&seed);
				p->pagemap = p->flags & F_DEV ? (p->minor == 2 ? 2 : 1) : 0;
			}
			addr += size + (next_random(&seed) % 4) * 0x10000;
		}
		for (i = 0; i < 24; i++) {
			struct st_vma *a = &vmas[nvmas++];

			a->minor = vms[v].minor;
			a->vm = vms[v].vm;
			a->start = 0x1000000ULL * (i + 1);
			a->end = a->start + 0x800000;
			a->kind = (uint32_t)(i % 4);
			a->loc = (uint32_t)(i % 3);
			a->pagemap = a->loc == L_PM ? (uint32_t)(1 + i % 3) : 0;
			a->policy = (uint32_t)(i % 2);
			a->atomic = (uint32_t)((i / 2) % 4);
			a->pat = (uint16_t)(i * 2731);
			a->purgeable = (uint32_t)((i / 3) % 4);
		}
	}
	st = (struct state){ devs, N(devs), vms, N(vms), vmas, nvmas, ranges, nranges,
			     pagemaps, N(pagemaps) };
	assert_non_null(mkdtemp(dir));
	write_tree(dir, &st);

	{
		const struct selection all = ALL;
		const struct selection pid = { NULL, 4000, -1, -1, false, 0, 0 };
		const struct selection dev = { "2", -1, -1, -1, false, 0, 0 };
		const struct selection win = { NULL, -1, -1, -1, true, 0x7f0000100000ULL,
					       0x7f0100300000ULL };
		const struct selection vm_win = { NULL, -1, 21, 8, true, 0x7f0200000000ULL,
						  0x7f0200400001ULL };
		const struct selection big_vm = { NULL, -1, -1, 0x100000007LL, false, 0, 0 };

		assert_true(assert_agree(dir, &st, &all, "generated, everything") > 0);
		assert_agree(dir, &st, &pid, "generated, pid 4000");
		assert_agree(dir, &st, &dev, "generated, device 2");
		assert_agree(dir, &st, &win, "generated, a window over two VMs");
		assert_agree(dir, &st, &vm_win, "generated, client 21 vm 8 and a window");
		assert_agree(dir, &st, &big_vm, "generated, vm 2^32+7 (not vm 7)");
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(ranges);
	free(vmas);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_tree_agrees),
		cmocka_unit_test(test_generated_state_agrees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
