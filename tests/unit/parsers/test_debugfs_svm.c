// SPDX-License-Identifier: MIT
/*
 * The SVM debugfs files (lib/debugfs_svm.c): the recorded tree
 * tests/data/debugfs-svm (tests/data/README.md) through xesvm_gather(),
 * each file's lines through the parser, malformed lines (a note naming
 * file and line, the line left out, its neighbours kept), fields of a
 * newer kernel, the filters, VMs that go away while being read, and a VM
 * with 100,000 ranges.
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

#include "debugfs_internal.h"
#include "testutil.h"
#include "xesvm.h"
#include "../unprivileged.h"

#define DATA XESVM_TEST_DATA_DIR
#define TREE DATA "/debugfs-svm"
#define PROC DATA "/proc-xe-2gt"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static json_t *collection(const struct xesvm_model *m, const char *key)
{
	return json_object_get(xesvm_model_root(m), key);
}

static const char *source_of(const struct xesvm_model *m, const char *view)
{
	return json_string_value(json_object_get(collection(m, "sources"), view));
}

static json_int_t int_at(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		fail_msg("%s is not an integer", key);
	return json_integer_value(v);
}

static void assert_json(const json_t *obj, const char *expected)
{
	char *text = json_dumps(obj, JSON_COMPACT);

	assert_non_null(text);
	if (strcmp(text, expected))
		fail_msg("got      %s\nexpected %s", text, expected);
	free(text);
}

static void print_notes(const struct xesvm_model *m)
{
	json_t *notes = collection(m, "notes");
	size_t i;

	for (i = 0; i < json_array_size(notes); i++)
		fprintf(stderr, "note: %s\n", json_string_value(json_array_get(notes, i)));
}

static struct xesvm_model *gather(const char *debugfs, const struct xesvm_filter *f)
{
	struct xesvm_sources src = { .debugfs_root = debugfs, .proc_root = PROC,
				     .ranges = true, .filter = f };
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;

	unsetenv("XESVM_SOURCE");
	if (xesvm_gather(&src, &m, &err))
		fail_msg("gather failed: %s", err.msg);
	return m;
}

/* "device/vm" of each object of @key, in order: "0/3 0/5". */
static void assert_owners(const struct xesvm_model *m, const char *key, const char *expected)
{
	char got[1024] = "";
	size_t used = 0, i;

	if (!strcmp(key, "ranges")) {
		for (i = 0; i < xesvm_model_range_count(m); i++) {
			const struct xesvm_range *r = xesvm_model_range(m, i);

			used += (size_t)snprintf(got + used, sizeof(got) - used, "%s%" PRIu32 "/%" PRIu64,
						 used ? " " : "", r->device, r->vm);
		}
	} else {
		json_t *obj;

		json_array_foreach(collection(m, key), i, obj)
			used += (size_t)snprintf(got + used, sizeof(got) - used,
						 "%s%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT,
						 used ? " " : "", int_at(obj, "device"),
						 int_at(obj, "vm"));
	}
	if (strcmp(got, expected))
		fail_msg("%s: got \"%s\", expected \"%s\"", key, got, expected);
}

/* A scratch directory with a copy of the recorded tree: DIR/debugfs-svm. */
static void copy_tree(char *dir, size_t size, char *root, size_t root_size)
{
	char cmd[2048];

	snprintf(dir, size, "/tmp/xesvm-dbgsvm-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s/'", TREE, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(root, root_size, "%s/debugfs-svm", dir);
}

static void remove_dir(const char *dir)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwX '%s' && rm -rf '%s'", dir, dir);
	assert_int_equal(system(cmd), 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/*
 * A gathering over texts instead of files: svm_vms of device 0 @vms (and
 * @pagemaps), then client 5's @attrs and @ranges (NULL: not given).
 */
static struct xesvm_model *parse_texts(const char *vms, const char *pagemaps, const char *attrs,
				       const char *ranges, const struct xesvm_filter *f)
{
	struct xesvm_model *m = xesvm_model_new();
	struct xesvm_error err = { 0 };
	struct xesvm_dbg *g;

	assert_non_null(m);
	g = xesvm_dbg_new(m, f, true);
	assert_non_null(g);
	assert_int_equal(xesvm_dbg_parse(g, XESVM_DBG_VMS, "dri/0/svm_vms", 0, vms, strlen(vms),
					 &err), 0);
	if (pagemaps)
		assert_int_equal(xesvm_dbg_parse(g, XESVM_DBG_PAGEMAPS, "dri/0/svm_pagemaps", 0,
						 pagemaps, strlen(pagemaps), &err), 0);
	assert_int_equal(xesvm_dbg_select(g, &err), 0);
	if (attrs)
		assert_int_equal(xesvm_dbg_parse(g, XESVM_DBG_MEM_ATTRS, "dri/client-5/svm_mem_attrs",
						 5, attrs, strlen(attrs), &err), 0);
	if (ranges)
		assert_int_equal(xesvm_dbg_parse(g, XESVM_DBG_RANGES, "dri/client-5/svm_ranges", 5,
						 ranges, strlen(ranges), &err), 0);
	assert_int_equal(xesvm_dbg_finish(g, &err), 0);
	xesvm_dbg_free(g);
	return m;
}

#define VM3 "vm=3 gpusvm=11 start=0000000000000000 end=0000800000000000 pid=2301 client=5 " \
	    "notifiers=2 ranges=1 devmem_pages=1 generation=14 comm=svm_bench\n"
#define HDR3 "vm=3 gpusvm=11 start=0000000000000000 end=0000800000000000 generation=14\n"
#define AHDR3 "vm=3 gpusvm=11 start=0000000000000000 end=0000800000000000\n"
/* A range line of drm_gpusvm_print_ranges() up to its [...] groups of pages. */
#define RANGE_HEAD "00007f3a00000000-00007f3a00200000 size=2097152 " \
		   "notifier=00007f3a00000000-00007f3a20000000 refs=1 "
#define RANGE RANGE_HEAD "flags=migrate_devmem,devmem,dma_mapped pages=1 " \
	      "[minor=0 seq=12 pagemap=1 flags=devmem,dma_mapped]\n"
#define VMA "0000000000001000-00007f3a00000000 kind=cpu-mirror preferred=default-device " \
	    "pagemap=0 policy=all-pages atomic=undefined pat=0 purgeable=none\n"
#define PAGEMAP "pagemap=1 size=4096 enabled=0 to_devmem=1/2/3 to_devmem_fail=4/5/6/7 " \
		"to_ram=8/9/10 to_ram_fail=11/12/13/14 cpu_faults=15 cpu_faults_deferred=16 " \
		"evictions=17 devmem_pages=18\n"

/* ------------------------------------------------------------------ */
/* The recorded tree                                                   */
/* ------------------------------------------------------------------ */

/* Page set @i of @r is device @device's, with these flags, pagemap and sequence. */
static void assert_page_set(const struct xesvm_range *r, unsigned int i, uint32_t device,
			    uint32_t flags, uint32_t pagemap, uint64_t seq)
{
	struct xesvm_range_pages p;

	assert_true(i < r->pages_described);
	p = xesvm_range_get_pages(r, i);
	assert_int_equal(p.device, device);
	assert_int_equal(p.flags, flags);
	assert_int_equal(p.pagemap, pagemap);
	assert_int_equal(p.notifier_seq, seq);
}

static void test_recorded_tree(void **state)
{
	struct xesvm_model *m = gather(TREE, NULL);
	json_t *devices = collection(m, "devices"), *vms = collection(m, "vms");
	const struct xesvm_range *r;

	(void)state;
	print_notes(m);
	assert_int_equal(json_array_size(collection(m, "notes")), 0);
	/* xe from dri/0/name; vsvm (not xe) added because it has SVM files, as netlink adds it. */
	assert_int_equal(json_array_size(devices), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(devices, 0), "name")),
			    "0000:03:00.0");
	assert_json(json_array_get(devices, 1),
		    "{\"minor\":1,\"driver\":\"vsvm\",\"pci_bdf\":null,\"pci_id\":null,\"card\":null,"
		    "\"render\":null,\"memory_regions\":[],\"gts\":[],\"name\":\"vsvm\"}");
	assert_string_equal(source_of(m, "devices"), "debugfs");
	assert_string_equal(source_of(m, "vms"), "debugfs");
	assert_string_equal(source_of(m, "vmas"), "debugfs");
	assert_string_equal(source_of(m, "ranges"), "debugfs");
	assert_string_equal(source_of(m, "pagemaps"), "debugfs");

	/* VMs in file order; the VMAs and ranges follow it, whatever the client files' order. */
	assert_owners(m, "vms", "0/3 0/5 0/4 1/1");
	assert_owners(m, "vmas", "0/3 0/3 0/3 0/3 0/3 0/5 0/5 0/5 0/5 0/4 1/1");
	assert_owners(m, "ranges", "0/3 0/3 0/3 0/3 0/3 0/3 0/5 0/5 1/1 1/1");
	assert_json(json_array_get(vms, 0),
		    "{\"device\":0,\"vm\":3,\"pid\":2301,\"comm\":\"svm_bench\",\"client_id\":5,"
		    "\"start\":0,\"end\":140737488355328,\"num_vmas\":5,\"num_ranges\":6,"
		    "\"gpusvm_id\":11,\"driver_handle\":null,\"notifiers\":2,\"devmem_pages\":2,"
		    "\"generation\":14}");
	/* A comm with spaces (the rest of the line); a VM with no range. */
	assert_string_equal(json_string_value(json_object_get(json_array_get(vms, 3), "comm")),
			    "gpu worker 1");
	assert_int_equal(int_at(json_array_get(vms, 2), "num_vmas"), 1);
	assert_int_equal(int_at(json_array_get(vms, 2), "num_ranges"), 0);

	/* The VMA with a preferred pagemap, a BO, a sparse one ("null" in the model). */
	assert_json(json_array_get(collection(m, "vmas"), 1),
		    "{\"device\":0,\"vm\":3,\"start\":139887084830720,\"end\":139887118385152,"
		    "\"kind\":\"cpu_mirror\",\"preferred_location\":\"pagemap\",\"preferred_pagemap\":1,"
		    "\"migration_policy\":\"all_pages\",\"atomic_access\":\"device\",\"pat_index\":3,"
		    "\"purgeable\":null}");
	assert_json(json_array_get(collection(m, "vmas"), 5),
		    "{\"device\":0,\"vm\":5,\"start\":8388608,\"end\":10485760,\"kind\":\"bo\","
		    "\"preferred_location\":\"default_device\",\"preferred_pagemap\":null,"
		    "\"migration_policy\":\"all_pages\",\"atomic_access\":\"undefined\",\"pat_index\":2,"
		    "\"purgeable\":\"willneed\"}");
	assert_string_equal(json_string_value(json_object_get(json_array_get(collection(m, "vmas"), 7),
							      "kind")), "null");

	/*
	 * Ranges: drm_gpusvm_print_ranges() flag names, one [...] group per
	 * page set the kernel describes, seq "-", pagemap 0, minor -1.
	 */
	r = xesvm_model_range(m, 0);
	assert_int_equal(r->flags, XESVM_RANGE_MIGRATE_DEVMEM | XESVM_RANGE_HAS_DEVMEM_PAGES |
			 XESVM_RANGE_HAS_DMA_MAPPING);
	assert_int_equal(r->pages_count, 1);
	assert_page_set(r, 0, 0, XESVM_RANGE_HAS_DEVMEM_PAGES | XESVM_RANGE_HAS_DMA_MAPPING, 1, 12);
	assert_int_equal(r->notifier_start, 0x7f3a00000000ULL);
	assert_int_equal(r->notifier_end, 0x7f3a20000000ULL);
	/* Two devices' pages, in the order printed. */
	r = xesvm_model_range(m, 1);
	assert_int_equal(r->pages_count, 2);
	assert_int_equal(r->pages_described, 2);
	assert_page_set(r, 0, 0, XESVM_RANGE_HAS_DEVMEM_PAGES | XESVM_RANGE_HAS_DMA_MAPPING, 1, 12);
	assert_page_set(r, 1, 1, XESVM_RANGE_HAS_DMA_MAPPING, XESVM_PAGEMAP_NONE, 13);
	r = xesvm_model_range(m, 3);
	assert_int_equal(r->flags, XESVM_RANGE_MIGRATE_DEVMEM | XESVM_RANGE_HAS_DMA_MAPPING |
			 XESVM_RANGE_STALE);
	assert_page_set(r, 0, 0, XESVM_RANGE_HAS_DMA_MAPPING | XESVM_RANGE_STALE,
			XESVM_PAGEMAP_NONE, 16);
	r = xesvm_model_range(m, 4);
	assert_int_equal(r->flags, XESVM_RANGE_MIGRATE_DEVMEM | XESVM_RANGE_UNMAPPED |
			 XESVM_RANGE_PARTIAL_UNMAP);
	assert_page_set(r, 0, 0, XESVM_RANGE_UNMAPPED, XESVM_PAGEMAP_NONE, 15);
	r = xesvm_model_range(m, 5);
	assert_page_set(r, 0, 0, 0, XESVM_PAGEMAP_NONE, XESVM_NOTIFIER_SEQ_NONE);
	assert_int_equal(r->end - r->start, 65536);
	/* pages=0: no page set at all. */
	r = xesvm_model_range(m, 7);
	assert_int_equal(r->flags, 0);
	assert_int_equal(r->pages_count, 0);
	assert_int_equal(r->pages_described, 0);
	/* Four of six described; a page set of no device (minor=-1), one of a device not listed. */
	r = xesvm_model_range(m, 9);
	assert_int_equal(r->device, 1);
	assert_int_equal(r->pages_count, 6);
	assert_int_equal(r->pages_described, 4);
	assert_page_set(r, 0, 1, XESVM_RANGE_HAS_DMA_MAPPING, XESVM_PAGEMAP_NONE, 4);
	assert_page_set(r, 1, 0, 0, XESVM_PAGEMAP_NONE, 5);
	assert_page_set(r, 2, XESVM_DEVICE_NONE, 0, XESVM_PAGEMAP_NONE, XESVM_NOTIFIER_SEQ_NONE);
	assert_page_set(r, 3, 2, XESVM_RANGE_HAS_DMA_MAPPING, XESVM_PAGEMAP_NONE, 7);

	assert_int_equal(json_array_size(collection(m, "pagemaps")), 2);
	assert_json(json_array_get(collection(m, "pagemaps"), 0),
		    "{\"device\":0,\"id\":1,\"name\":\"pagemap1\",\"region\":null,"
		    "\"size_bytes\":17163091968,\"stats\":{"
		    "\"to_device\":{\"count\":412,\"pages\":61440,\"bytes\":251658240,\"fail_enomem\":0,"
		    "\"fail_ebusy\":3,\"fail_efault\":0,\"fail_other\":0},"
		    "\"to_ram\":{\"count\":37,\"pages\":5120,\"bytes\":20971520,\"fail_enomem\":0,"
		    "\"fail_ebusy\":0,\"fail_efault\":0,\"fail_other\":1},"
		    "\"cpu_faults\":39,\"cpu_faults_deferred\":2,\"evictions\":11,"
		    "\"device_pages_in_use\":1024},\"stats_enabled\":true}");
	xesvm_model_free(m);
}

/* Without ranges asked for: no range file is read, no "ranges" source. */
static void test_without_ranges(void **state)
{
	struct xesvm_sources src = { .debugfs_root = TREE, .proc_root = PROC };
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;

	(void)state;
	unsetenv("XESVM_SOURCE");
	assert_int_equal(xesvm_gather(&src, &m, &err), 0);
	assert_int_equal(xesvm_model_range_count(m), 0);
	assert_null(json_object_get(collection(m, "sources"), "ranges"));
	assert_owners(m, "vmas", "0/3 0/3 0/3 0/3 0/3 0/5 0/5 0/5 0/5 0/4 1/1");
	xesvm_model_free(m);
}

/* ------------------------------------------------------------------ */
/* Each file, field by field                                           */
/* ------------------------------------------------------------------ */

static void test_vm_lines(void **state)
{
	struct xesvm_model *m;
	json_t *vms;

	(void)state;
	m = parse_texts(VM3
			/* Owner in no visible pid namespace, exited; a comm with '=' and spaces. */
			"vm=4 gpusvm=12 start=0000000000001000 end=0000000100000000 pid=0 client=6 "
			"notifiers=0 ranges=0 devmem_pages=0 generation=0 comm=\n"
			"vm=5 gpusvm=13 start=0000000000001000 end=0000000100000000 pid=7 client=6 "
			"notifiers=0 ranges=0 devmem_pages=0 generation=0 comm=a=b  c \xff\n",
			NULL, NULL, NULL, NULL);
	vms = collection(m, "vms");
	assert_int_equal(json_array_size(vms), 3);
	assert_json(json_array_get(vms, 1),
		    "{\"device\":0,\"vm\":4,\"pid\":null,\"comm\":null,\"client_id\":6,\"start\":4096,"
		    "\"end\":4294967296,\"num_vmas\":null,\"num_ranges\":0,\"gpusvm_id\":12,"
		    "\"driver_handle\":null,\"notifiers\":0,\"devmem_pages\":0,\"generation\":0}");
	assert_string_equal(json_string_value(json_object_get(json_array_get(vms, 2), "comm")),
			    "a=b  c ?");
	/* No client file was read: VMAs unknown, not zero. */
	assert_true(json_is_null(json_object_get(json_array_get(vms, 0), "num_vmas")));
	assert_int_equal(json_array_size(collection(m, "notes")), 0);
	xesvm_model_free(m);
}

static void test_pagemap_lines(void **state)
{
	struct xesvm_model *m = parse_texts(VM3, PAGEMAP
					    "pagemap=2 size=0 enabled=1 to_devmem=0/0/0 "
					    "to_devmem_fail=0/0/0/0 to_ram=0/0/0 to_ram_fail=0/0/0/0 "
					    "cpu_faults=0 cpu_faults_deferred=0 evictions=0 "
					    "devmem_pages=0\n", NULL, NULL, NULL);
	json_t *pms = collection(m, "pagemaps");

	(void)state;
	assert_int_equal(json_array_size(pms), 2);
	assert_json(json_array_get(pms, 0),
		    "{\"device\":0,\"id\":1,\"name\":\"pagemap1\",\"region\":null,\"size_bytes\":4096,"
		    "\"stats\":{\"to_device\":{\"count\":1,\"pages\":2,\"bytes\":3,\"fail_enomem\":4,"
		    "\"fail_ebusy\":5,\"fail_efault\":6,\"fail_other\":7},\"to_ram\":{\"count\":8,"
		    "\"pages\":9,\"bytes\":10,\"fail_enomem\":11,\"fail_ebusy\":12,\"fail_efault\":13,"
		    "\"fail_other\":14},\"cpu_faults\":15,\"cpu_faults_deferred\":16,\"evictions\":17,"
		    "\"device_pages_in_use\":18},\"stats_enabled\":false}");
	/* size 0: not known, as from netlink. */
	assert_true(json_is_null(json_object_get(json_array_get(pms, 1), "size_bytes")));
	xesvm_model_free(m);
}

static void test_mem_attr_every_value(void **state)
{
	static const char *const kinds[][2] = {
		{ "cpu-mirror", "cpu_mirror" }, { "bo", "bo" }, { "userptr", "userptr" },
		{ "sparse", "null" },
	};
	static const char *const locs[][2] = {
		{ "default-device", "default_device" }, { "system", "system" },
		{ "pagemap", "pagemap" },
	};
	static const char *const policies[][2] = {
		{ "all-pages", "all_pages" }, { "only-system-pages", "only_system_pages" },
	};
	static const char *const atomics[] = { "undefined", "device", "global", "cpu" };
	static const char *const purgeables[][2] = {
		{ "none", NULL }, { "willneed", "willneed" }, { "dontneed", "dontneed" },
		{ "purged", "purged" },
	};
	char attrs[4096];
	size_t used, v;
	struct xesvm_model *m;
	json_t *vmas;

	(void)state;
	used = (size_t)snprintf(attrs, sizeof(attrs), AHDR3);
	for (v = 0; v < 4; v++)
		used += (size_t)snprintf(attrs + used, sizeof(attrs) - used,
					 "%016zx-%016zx kind=%s preferred=%s pagemap=%zu policy=%s "
					 "atomic=%s pat=%zu purgeable=%s\n", (v + 1) << 12, (v + 2) << 12,
					 kinds[v][0], locs[v % 3][0], v % 3 == 2 ? v : 0,
					 policies[v % 2][0], atomics[v], 65535 - v, purgeables[v][0]);
	m = parse_texts(VM3, NULL, attrs, NULL, NULL);
	vmas = collection(m, "vmas");
	assert_int_equal(json_array_size(vmas), 4);
	for (v = 0; v < 4; v++) {
		json_t *a = json_array_get(vmas, v);

		assert_string_equal(json_string_value(json_object_get(a, "kind")), kinds[v][1]);
		assert_string_equal(json_string_value(json_object_get(a, "preferred_location")),
				    locs[v % 3][1]);
		assert_string_equal(json_string_value(json_object_get(a, "migration_policy")),
				    policies[v % 2][1]);
		assert_string_equal(json_string_value(json_object_get(a, "atomic_access")), atomics[v]);
		assert_int_equal(int_at(a, "pat_index"), 65535 - v);
		if (purgeables[v][1])
			assert_string_equal(json_string_value(json_object_get(a, "purgeable")),
					    purgeables[v][1]);
		else
			assert_true(json_is_null(json_object_get(a, "purgeable")));
		if (v % 3 == 2)
			assert_int_equal(int_at(a, "preferred_pagemap"), v);
		else
			assert_true(json_is_null(json_object_get(a, "preferred_pagemap")));
	}
	assert_int_equal(int_at(json_array_get(collection(m, "vms"), 0), "num_vmas"), 4);
	xesvm_model_free(m);
}

static void test_range_every_flag(void **state)
{
	static const struct {
		const char *name;
		uint32_t model;
	} flags[] = {
		{ "migrate_devmem", XESVM_RANGE_MIGRATE_DEVMEM },
		{ "unmapped", XESVM_RANGE_UNMAPPED },
		{ "partial_unmap", XESVM_RANGE_PARTIAL_UNMAP },
		{ "devmem", XESVM_RANGE_HAS_DEVMEM_PAGES },
		{ "dma_mapped", XESVM_RANGE_HAS_DMA_MAPPING },
		{ "stale", XESVM_RANGE_STALE },
	};
	char ranges[4096];
	size_t used, i;
	struct xesvm_model *m;

	(void)state;
	/* Each flag of the range, and in its page set those a page set has. */
	used = (size_t)snprintf(ranges, sizeof(ranges), HDR3);
	for (i = 0; i < 6; i++)
		used += (size_t)snprintf(ranges + used, sizeof(ranges) - used,
					 "%016zx-%016zx size=4096 notifier=0000000000000000-0000000000200000 "
					 "refs=1 flags=%s pages=1 [minor=0 seq=%zu pagemap=0 flags=%s]\n",
					 i << 12, (i + 1) << 12, flags[i].name, i,
					 flags[i].model & XESVM_RANGE_PAGES_FLAGS ? flags[i].name : "-");
	used += (size_t)snprintf(ranges + used, sizeof(ranges) - used,
				 "0000000000006000-0000000000007000 size=4096 "
				 "notifier=0000000000000000-0000000000200000 refs=3 "
				 "flags=migrate_devmem,unmapped,partial_unmap,devmem,dma_mapped,stale "
				 "pages=2 [minor=0 seq=- pagemap=7 flags=unmapped,devmem,dma_mapped,stale] "
				 "[minor=4294967294 seq=9223372036854775807 pagemap=4294967294 flags=-]\n");
	m = parse_texts(VM3, NULL, NULL, ranges, NULL);
	print_notes(m);
	assert_int_equal(xesvm_model_range_count(m), 7);
	for (i = 0; i < 6; i++) {
		assert_int_equal(xesvm_model_range(m, i)->flags, flags[i].model);
		assert_page_set(xesvm_model_range(m, i), 0, 0,
				flags[i].model & XESVM_RANGE_PAGES_FLAGS, XESVM_PAGEMAP_NONE, i);
	}
	assert_int_equal(xesvm_model_range(m, 6)->flags, (1u << 7) - 1 - XESVM_RANGE_GC_PENDING);
	assert_page_set(xesvm_model_range(m, 6), 0, 0, XESVM_RANGE_PAGES_FLAGS, 7,
			XESVM_NOTIFIER_SEQ_NONE);
	assert_page_set(xesvm_model_range(m, 6), 1, UINT32_MAX - 1, 0, UINT32_MAX - 1, INT64_MAX);
	assert_int_equal(json_array_size(collection(m, "notes")), 0);
	xesvm_model_free(m);
}

/* Keys of a newer kernel are ignored wherever they are (but after comm= is comm). */
static void test_unknown_fields_ignored(void **state)
{
	struct xesvm_model *m;

	(void)state;
	m = parse_texts("future=1 vm=3 gpusvm=11 start=0000000000000000 end=0000800000000000 "
			"pid=2301 client=5 x_y=a notifiers=2 ranges=1 devmem_pages=1 generation=14 "
			"tiles=0x3 comm=svm_bench\n",
			"pagemap=1 size=4096 enabled=0 to_devmem=1/2/3 to_devmem_fail=4/5/6/7 "
			"to_ram=8/9/10 to_ram_fail=11/12/13/14 cpu_faults=15 cpu_faults_deferred=16 "
			"evictions=17 devmem_pages=18 numa=1\n",
			"vm=3 gpusvm=11 start=0000000000000000 end=0000800000000000 generation=1 asid=3\n"
			"0000000000001000-00007f3a00000000 kind=cpu-mirror preferred=default-device "
			"pagemap=0 policy=all-pages atomic=undefined pat=0 purgeable=none flags=x\n",
			"vm=3 gpusvm=11 start=0000000000000000 end=0000800000000000 generation=14 z=\n"
			"00007f3a00000000-00007f3a00200000 size=2097152 tiles=1 "
			"notifier=00007f3a00000000-00007f3a20000000 refs=1 "
			"flags=migrate_devmem,devmem,dma_mapped tile_invalidated=0 pages=1 "
			"[minor=0 numa=1 seq=12 pagemap=1 flags=devmem,dma_mapped]\n", NULL);
	print_notes(m);
	assert_int_equal(json_array_size(collection(m, "notes")), 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(collection(m, "vms"), 0),
							      "comm")), "svm_bench");
	assert_int_equal(json_array_size(collection(m, "pagemaps")), 1);
	assert_int_equal(json_array_size(collection(m, "vmas")), 1);
	assert_int_equal(xesvm_model_range_count(m), 1);
	xesvm_model_free(m);
}

/* ------------------------------------------------------------------ */
/* Malformed lines                                                     */
/* ------------------------------------------------------------------ */

struct bad_case {
	enum xesvm_dbg_file file;
	const char *line;	/* without '\n' unless it tests a missing one */
	const char *note;	/* the problem, as the note words it */
};

static const struct bad_case bad_cases[] = {
	/* svm_vms */
	{ XESVM_DBG_VMS, "vm=9 gpusvm=11 start=0000000000000000 end=0000800000000000 pid=1 client=5 "
	  "notifiers=2 ranges=1 devmem_pages=1 comm=x", "no generation= field" },
	{ XESVM_DBG_VMS, "vm=9 vm=9 gpusvm=11 start=0000000000000000 end=0000800000000000 pid=1 "
	  "client=5 notifiers=2 ranges=1 devmem_pages=1 generation=1 comm=x", "vm= appears twice" },
	{ XESVM_DBG_VMS, "vm=9 gpusvm=11 start=0x00000000000000 end=0000800000000000 pid=1 client=5 "
	  "notifiers=2 ranges=1 devmem_pages=1 generation=1 comm=x",
	  "start= \"0x00000000000000\" is not 16 lower-case hex digits" },
	{ XESVM_DBG_VMS, "vm=9 gpusvm=11 start=0000000000000000 end=00008000000000AB pid=1 client=5 "
	  "notifiers=2 ranges=1 devmem_pages=1 generation=1 comm=x",
	  "end= \"00008000000000AB\" is not 16 lower-case hex digits" },
	{ XESVM_DBG_VMS, "vm=9 gpusvm=11 start=0000000000000000 end=8000000000000000 pid=1 client=5 "
	  "notifiers=2 ranges=1 devmem_pages=1 generation=1 comm=x",
	  "end= 8000000000000000 is above 2^63-1" },
	{ XESVM_DBG_VMS, "vm=9 gpusvm=11 start=0000000000000000 end=0000800000000000 pid=4294967296 "
	  "client=5 notifiers=2 ranges=1 devmem_pages=1 generation=1 comm=x",
	  "pid=4294967296 is above 4294967295" },
	{ XESVM_DBG_VMS, "vm=9 gpusvm=11 start=0000000000000000 end=0000800000000000 pid=1 client=5 "
	  "notifiers=2 ranges=-1 devmem_pages=1 generation=1 comm=x",
	  "ranges=-1 is not a decimal number" },
	{ XESVM_DBG_VMS, "vm=9 gpusvm=11 start=0000000000000000 end=0000800000000000 pid=1 client=5 "
	  "notifiers=2 ranges=9223372036854775808 devmem_pages=1 generation=1 comm=x",
	  "ranges=9223372036854775808 is above 9223372036854775807" },
	{ XESVM_DBG_VMS, "vm=9 gpusvm=11 start=0000000000001000 end=0000000000001000 pid=1 client=5 "
	  "notifiers=2 ranges=1 devmem_pages=1 generation=1 comm=x", "end= is not above start=" },
	{ XESVM_DBG_VMS, "vm=3 gpusvm=11 start=0000000000000000 end=0000800000000000 pid=1 client=5 "
	  "notifiers=2 ranges=1 devmem_pages=1 generation=1 comm=x", "vm 3 of device 0 is listed twice" },
	{ XESVM_DBG_VMS, "vm=9223372036854775808 gpusvm=11 start=0000000000000000 "
	  "end=0000800000000000 pid=1 client=5 notifiers=2 ranges=1 devmem_pages=1 generation=1 comm=x",
	  "vm=9223372036854775808 is above 9223372036854775807" },
	{ XESVM_DBG_VMS, "vm=9  gpusvm=11", "two spaces in a row" },
	{ XESVM_DBG_VMS, " vm=9", "the line starts with a space" },
	{ XESVM_DBG_VMS, "vm=9 gpusvm=11 ", "a space at the end of the line" },
	{ XESVM_DBG_VMS, "", "empty line" },
	{ XESVM_DBG_VMS, "vm=9 gpusvm=11 garbage", "\"garbage\" is not a key=value field" },
	{ XESVM_DBG_VMS, "\x01\x7f\xff", "\"???\" is not a key=value field" },
	{ XESVM_DBG_VMS, "vm=9 gpusvm=11 start=0000000000000000 end=0000800000000000 pid=1 client=5 "
	  "notifiers=2 ranges=1 devmem_pages=1 generation=1 comm=x", NULL /* fine */ },
	/* svm_pagemaps */
	{ XESVM_DBG_PAGEMAPS, "pagemap=1 size=4096 enabled=2 to_devmem=1/2/3 to_devmem_fail=4/5/6/7 "
	  "to_ram=8/9/10 to_ram_fail=11/12/13/14 cpu_faults=15 cpu_faults_deferred=16 "
	  "evictions=17 devmem_pages=18", "enabled=2 is above 1" },
	{ XESVM_DBG_PAGEMAPS, "pagemap=1 size=4096 enabled=1 to_devmem=1/2 to_devmem_fail=4/5/6/7 "
	  "to_ram=8/9/10 to_ram_fail=11/12/13/14 cpu_faults=15 cpu_faults_deferred=16 "
	  "evictions=17 devmem_pages=18", "to_devmem=1/2 is not 3 decimal numbers separated by '/'" },
	{ XESVM_DBG_PAGEMAPS, "pagemap=1 size=4096 enabled=1 to_devmem=1/2/3 to_devmem_fail=4/5/6/7/8 "
	  "to_ram=8/9/10 to_ram_fail=11/12/13/14 cpu_faults=15 cpu_faults_deferred=16 "
	  "evictions=17 devmem_pages=18", "to_devmem_fail=4/5/6/7/8 is not 4 decimal numbers" },
	{ XESVM_DBG_PAGEMAPS, "pagemap=1 size=4096 enabled=1 to_devmem=1/2/3 to_devmem_fail=4/5/6/7 "
	  "to_ram=8//10 to_ram_fail=11/12/13/14 cpu_faults=15 cpu_faults_deferred=16 "
	  "evictions=17 devmem_pages=18", "to_ram=8//10 is not 3 decimal numbers" },
	/* svm_mem_attrs (after a good header) */
	{ XESVM_DBG_MEM_ATTRS, "0000000000001000-00007f3a00000000 kind=cpu_mirror "
	  "preferred=default-device pagemap=0 policy=all-pages atomic=undefined pat=0 purgeable=none",
	  "kind=cpu_mirror is not a mem-kind value" },
	{ XESVM_DBG_MEM_ATTRS, "0000000000001000-00007f3a00000000 kind=bo preferred=default "
	  "pagemap=0 policy=all-pages atomic=undefined pat=0 purgeable=none",
	  "preferred=default is not a preferred-loc value" },
	{ XESVM_DBG_MEM_ATTRS, "0000000000001000-00007f3a00000000 kind=bo preferred=system "
	  "pagemap=0 policy=all-pages atomic=undefined pat=65536 purgeable=none",
	  "pat=65536 is above 65535" },
	{ XESVM_DBG_MEM_ATTRS, "00007f3a00000000-0000000000001000 kind=bo preferred=system "
	  "pagemap=0 policy=all-pages atomic=undefined pat=0 purgeable=none",
	  "region 00007f3a00000000-0000000000001000: the end is not above the start" },
	{ XESVM_DBG_MEM_ATTRS, "0000000000001000:00007f3a00000000 kind=bo preferred=system "
	  "pagemap=0 policy=all-pages atomic=undefined pat=0 purgeable=none",
	  "region \"0000000000001000:00007f3a00000000\" is not <hex16>-<hex16>" },
	{ XESVM_DBG_MEM_ATTRS, "0000000000001000-00007f3a00000000", "no kind= field" },
	/* svm_ranges (after a good header) */
	{ XESVM_DBG_RANGES, "00007f3a00000000-00007f3a00200000 size=4096 "
	  "notifier=00007f3a00000000-00007f3a20000000 refs=1 flags=devmem pages=0",
	  "size=4096 is not end - start" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=devmem,gc_pending pages=0",
	  "flags=devmem,gc_pending: \"gc_pending\" is not a range flag" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=devmem,devmem pages=0",
	  "flags=devmem,devmem names a flag twice" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=devmem, pages=0",
	  "flags=devmem,: \"\" is not a range flag" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=devmem", "no pages= field" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=devmem pages=x", "pages=x is not a decimal number" },
	/* its [...] groups of pages */
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=devmem pages=1 [minor=0 seq=12 pagemap=4294967295 flags=-]",
	  "pagemap=4294967295 is above 4294967294" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=devmem pages=1 [minor=0 seq=x pagemap=1 flags=-]",
	  "seq=x is not a decimal number" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=devmem pages=1 [minor=-2 seq=1 pagemap=1 flags=-]",
	  "minor=-2 is not a decimal number" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=devmem pages=1 [minor=4294967295 seq=1 pagemap=1 flags=-]",
	  "minor=4294967295 is above 4294967294" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=devmem pages=1 [minor=0 seq=1 pagemap=1]",
	  "no flags= field" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=devmem pages=1 [minor=0 seq=1 pagemap=1 flags=devmem",
	  "\"[minor=0 seq=1 pagemap=1 flags=devmem\" is not a [...] group of pages" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=migrate_devmem pages=1 [minor=0 seq=1 pagemap=1 flags=migrate_devmem]",
	  "flags=migrate_devmem: \"migrate_devmem\" is a flag of the range, not of its pages" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=dma_mapped pages=1 [minor=0 seq=1 pagemap=1 flags=devmem]",
	  "the flags of [...] group 1 are not all in the range's flags=" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=- pages=1 [minor=0 seq=1 pagemap=0 flags=-] "
	  "[minor=1 seq=1 pagemap=0 flags=-]", "2 [...] groups of pages for pages=1" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=- pages=9 [minor=0 seq=1 pagemap=0 flags=-] "
	  "[minor=1 seq=1 pagemap=0 flags=-] [minor=2 seq=1 pagemap=0 flags=-] "
	  "[minor=3 seq=1 pagemap=0 flags=-] [minor=4 seq=1 pagemap=0 flags=-]",
	  "more than 4 [...] groups of pages" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=- pages=1 [minor=0 seq=1 pagemap=0 flags=-] later=1",
	  "something else than a [...] group after the groups of pages" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=- pages=1 [minor=0 seq=1 pagemap=0 flags=-]  [minor=1]",
	  "something else than a [...] group after the groups of pages" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=- pages=1 [minor=0  seq=1 pagemap=0 flags=-]",
	  "two spaces in a row" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=- pages=1 [minor=0 seq=1 pagemap=0 flags=-] ",
	  "something else than a [...] group after the groups of pages" },
	{ XESVM_DBG_RANGES, RANGE_HEAD "flags=devmem pages=1 [minor=0 seq=12 pagemap=1 flags=devmem]",
	  "no newline at its end (the file was cut short)" },	/* the last line */
};

/* One bad line between two good ones: a note naming file and line 3, the neighbours kept. */
static void test_malformed_lines(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		bool last = i + 1 == sizeof(bad_cases) / sizeof(bad_cases[0]);
		char text[2048], want[512];
		const char *vms = VM3, *pagemaps = NULL, *attrs = NULL, *ranges = NULL, *name;
		size_t before = 1, expect;
		struct xesvm_model *m;

		switch (c->file) {
		case XESVM_DBG_VMS:
			snprintf(text, sizeof(text), VM3 "%s\n"
				 "vm=4 gpusvm=12 start=0000000000000000 end=0000800000000000 pid=1 "
				 "client=5 notifiers=0 ranges=0 devmem_pages=0 generation=0 comm=y\n",
				 c->line);
			vms = text;
			name = "dri/0/svm_vms";
			break;
		case XESVM_DBG_PAGEMAPS:
			snprintf(text, sizeof(text), PAGEMAP "%s\n" PAGEMAP, c->line);
			pagemaps = text;
			name = "dri/0/svm_pagemaps";
			break;
		case XESVM_DBG_MEM_ATTRS:
			snprintf(text, sizeof(text), AHDR3 VMA "%s\n" VMA, c->line);
			attrs = text;
			name = "dri/client-5/svm_mem_attrs";
			before = 2;
			break;
		default:
			snprintf(text, sizeof(text), HDR3 RANGE "%s%s", c->line, last ? "" : "\n" RANGE);
			ranges = text;
			name = "dri/client-5/svm_ranges";
			before = 2;
			break;
		}
		m = parse_texts(vms, pagemaps, attrs, ranges, NULL);
		if (!c->note) {
			assert_int_equal(json_array_size(collection(m, "notes")), 0);
			xesvm_model_free(m);
			continue;
		}
		snprintf(want, sizeof(want), "%s line %zu: %s", name, before + 1, c->note);
		if (test_count_notes(m, want) != 1 || json_array_size(collection(m, "notes")) != 1) {
			print_notes(m);
			fail_msg("case %zu: no single note with \"%s\"", i, want);
		}
		/* The good lines around it are kept. */
		expect = last ? 1 : 2;
		switch (c->file) {
		case XESVM_DBG_VMS:
			assert_int_equal(json_array_size(collection(m, "vms")), 2);
			break;
		case XESVM_DBG_PAGEMAPS:
			assert_int_equal(json_array_size(collection(m, "pagemaps")), 2);
			break;
		case XESVM_DBG_MEM_ATTRS:
			assert_int_equal(json_array_size(collection(m, "vmas")), 2);
			break;
		default:
			assert_int_equal(xesvm_model_range_count(m), expect);
			break;
		}
		xesvm_model_free(m);
	}
}

/*
 * VM ids past 32 bits, as the kernel prints them (%llu) since it stopped
 * reusing them: up to 2^63-1, and never taken for the VM with the same
 * low 32 bits.
 */
static void test_vm_ids_of_64_bits(void **state)
{
	struct xesvm_filter f;
	struct xesvm_model *m;

	(void)state;
	xesvm_filter_init(&f);
	f.vm = 4294967299;
	m = parse_texts(VM3 "vm=4294967299 gpusvm=12 start=0000000000000000 end=0000800000000000 "
			"pid=2301 client=5 notifiers=1 ranges=1 devmem_pages=1 generation=2 "
			"comm=svm_bench\n"
			"vm=9223372036854775807 gpusvm=13 start=0000000000000000 "
			"end=0000800000000000 pid=2301 client=5 notifiers=0 ranges=0 devmem_pages=0 "
			"generation=0 comm=svm_bench\n", NULL,
			AHDR3 VMA
			"vm=4294967299 gpusvm=12 start=0000000000000000 end=0000800000000000\n" VMA,
			HDR3 RANGE
			"vm=4294967299 gpusvm=12 start=0000000000000000 end=0000800000000000 "
			"generation=2\n" RANGE, &f);
	print_notes(m);
	assert_int_equal(json_array_size(collection(m, "notes")), 0);
	/* Every VM listed; VMAs and ranges of the selected one only. */
	assert_owners(m, "vms", "0/3 0/4294967299 0/9223372036854775807");
	assert_owners(m, "vmas", "0/4294967299");
	assert_owners(m, "ranges", "0/4294967299");
	assert_int_equal(xesvm_model_range(m, 0)->vm, 4294967299);
	xesvm_model_free(m);
}

/* Lines that belong to no VM read: before a header, under a header of an unknown VM. */
static void test_headers(void **state)
{
	struct xesvm_model *m;

	(void)state;
	m = parse_texts(VM3, NULL, NULL,
			RANGE	/* line 1: no header yet */
			"vm=3 gpusvm=99 start=0000000000000000 end=0000800000000000 generation=1\n"
			RANGE	/* line 3: a VM not in svm_vms (gpusvm 99): skipped */
			HDR3 RANGE
			HDR3 RANGE	/* lines 6-7: a second header for vm 3 */
			"vm=3 gpusvm=11 start=0000000000000000 end=0000800000000000\n", NULL);
	print_notes(m);
	assert_int_equal(test_count_notes(m, "svm_ranges line 1: a line before the first vm= header"), 1);
	assert_int_equal(test_count_notes(m, "svm_ranges line 2: vm 3 (gpusvm 99) is not in the svm_vms"), 1);
	assert_int_equal(test_count_notes(m, "svm_ranges line 6: a second header for vm 3"), 1);
	/* Line 8 has no generation= (svm_ranges headers carry it). */
	assert_int_equal(test_count_notes(m, "svm_ranges: 1 more line left out"), 1);
	assert_int_equal(json_array_size(collection(m, "notes")), 4);
	assert_int_equal(xesvm_model_range_count(m), 1);
	xesvm_model_free(m);
}

/* Many bad lines: three notes, then one count. */
static void test_note_budget(void **state)
{
	char text[8192];
	size_t used, i;
	struct xesvm_model *m;

	(void)state;
	used = (size_t)snprintf(text, sizeof(text), HDR3);
	for (i = 0; i < 10; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "junk%zu\n", i);
	used += (size_t)snprintf(text + used, sizeof(text) - used, RANGE);
	m = parse_texts(VM3, NULL, NULL, text, NULL);
	assert_int_equal(json_array_size(collection(m, "notes")), 4);
	assert_int_equal(test_count_notes(m, "svm_ranges line 2: range \"junk0\" is not <hex16>-<hex16>"), 1);
	assert_int_equal(test_count_notes(m, "svm_ranges line 4: range \"junk2\" is not <hex16>-<hex16>"), 1);
	assert_int_equal(test_count_notes(m, "svm_ranges: 7 more lines left out"), 1);
	assert_int_equal(xesvm_model_range_count(m), 1);
	xesvm_model_free(m);
}

/* ------------------------------------------------------------------ */
/* Filters                                                             */
/* ------------------------------------------------------------------ */

static void test_filters(void **state)
{
	struct xesvm_filter f;
	struct xesvm_model *m;
	json_t *vms;

	(void)state;
	/* pid: every VM listed; VMAs and ranges of that process's VMs only. */
	xesvm_filter_init(&f);
	f.pid = 2417;
	m = gather(TREE, &f);
	assert_owners(m, "vms", "0/3 0/5 0/4 1/1");
	assert_owners(m, "vmas", "0/5 0/5 0/5 0/5");
	assert_owners(m, "ranges", "0/5 0/5");
	vms = collection(m, "vms");
	assert_true(json_is_null(json_object_get(json_array_get(vms, 0), "num_vmas")));
	assert_int_equal(int_at(json_array_get(vms, 1), "num_vmas"), 4);
	xesvm_model_free(m);

	/* client */
	xesvm_filter_init(&f);
	f.client_id = 5;
	m = gather(TREE, &f);
	assert_owners(m, "vmas", "0/3 0/3 0/3 0/3 0/3 0/4");
	assert_owners(m, "ranges", "0/3 0/3 0/3 0/3 0/3 0/3");
	xesvm_model_free(m);

	/* vm handle, on any device */
	xesvm_filter_init(&f);
	f.vm = 1;
	m = gather(TREE, &f);
	assert_owners(m, "vmas", "1/1");
	assert_owners(m, "ranges", "1/1 1/1");
	xesvm_model_free(m);

	/* device: the vsvm device the SVM files added */
	xesvm_filter_init(&f);
	f.device = "1";
	m = gather(TREE, &f);
	assert_owners(m, "vmas", "1/1");
	assert_owners(m, "ranges", "1/1 1/1");
	xesvm_model_free(m);

	/* window: widened to pages, ranges meeting it; VMAs whole. */
	xesvm_filter_init(&f);
	f.has_window = true;
	f.start = 0x7f3a00400100;
	f.end = 0x7f3a00400101;
	m = gather(TREE, &f);
	assert_owners(m, "ranges", "0/3");
	assert_int_equal(xesvm_model_range(m, 0)->start, 0x7f3a00400000ULL);
	assert_owners(m, "vmas", "0/3 0/3 0/3 0/3 0/3 0/5 0/5 0/5 0/5 0/4 1/1");
	xesvm_model_free(m);

	/* a window ending at a range's start does not take it */
	xesvm_filter_init(&f);
	f.pid = 2301;
	f.has_window = true;
	f.start = 0x7f3a00000000 - 0x1000;
	f.end = 0x7f3a00000000;
	m = gather(TREE, &f);
	assert_int_equal(xesvm_model_range_count(m), 0);
	xesvm_model_free(m);
}

static void test_filter_unknown_device(void **state)
{
	struct xesvm_sources src = { .debugfs_root = TREE, .proc_root = PROC, .ranges = true };
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = (struct xesvm_model *)1;
	struct xesvm_filter f;

	(void)state;
	xesvm_filter_init(&f);
	f.device = "card7";
	src.filter = &f;
	unsetenv("XESVM_SOURCE");
	assert_int_equal(xesvm_gather(&src, &m, &err), -1);
	assert_null(m);
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_non_null(strstr(err.msg, "no device matches \"card7\""));
}

/* ------------------------------------------------------------------ */
/* VMs going away, unreadable files                                    */
/* ------------------------------------------------------------------ */

static void test_vm_gone(void **state)
{
	char dir[256], root[512], path[1024];
	struct xesvm_model *m;

	(void)state;
	copy_tree(dir, sizeof(dir), root, sizeof(root));
	/* vm 4 destroyed after svm_vms was read: no longer in its client's files. */
	snprintf(path, sizeof(path), "%s/dri/client-5/svm_mem_attrs", root);
	write_file(path, "vm=3 gpusvm=11 start=0000000000000000 end=0000800000000000\n" VMA);
	/* client 7 closed its file: its directory is gone. */
	snprintf(path, sizeof(path), "rm -r '%s/dri/client-7'", root);
	assert_int_equal(system(path), 0);
	m = gather(root, NULL);
	print_notes(m);
	assert_owners(m, "vms", "0/3 1/1");
	assert_owners(m, "vmas", "0/3 1/1");
	assert_owners(m, "ranges", "0/3 0/3 0/3 0/3 0/3 0/3 1/1 1/1");
	assert_int_equal(test_count_notes(m, "vm 4 of device 0 went away while it was read "
				    "(dri/client-5/svm_mem_attrs no longer lists it): the VM is left out"), 1);
	assert_int_equal(test_count_notes(m, "vm 5 of device 0 went away while it was read "
				    "(dri/client-7/svm_mem_attrs is gone: the client closed its DRM "
				    "file): the VM is left out"), 1);
	assert_int_equal(json_array_size(collection(m, "notes")), 2);
	xesvm_model_free(m);
	remove_dir(dir);
}

static int check_unreadable_ranges(const char *root)
{
	struct xesvm_model *m = NULL;
	struct xesvm_sources src = { .debugfs_root = root, .proc_root = PROC, .ranges = true };
	struct xesvm_error err = { 0 };
	int rc = 0;

	unsetenv("XESVM_SOURCE");
	if (xesvm_gather(&src, &m, &err)) {
		fprintf(stderr, "gather: %s\n", err.msg);
		return 1;
	}
	/* Client 5's ranges are left out with a note; its VMs and VMAs stay. */
	if (test_count_notes(m, "client-5/svm_ranges: not readable (needs root): the SVM ranges of "
		       "client 5's VMs are left out") != 1 ||
	    json_array_size(collection(m, "vms")) != 4 ||
	    json_array_size(collection(m, "vmas")) != 11 ||
	    xesvm_model_range_count(m) != 4) {
		print_notes(m);
		fprintf(stderr, "unexpected model: %zu vms, %zu ranges\n",
			json_array_size(collection(m, "vms")), xesvm_model_range_count(m));
		rc = 1;
	}
	xesvm_model_free(m);
	return rc;
}

static void test_unreadable_file(void **state)
{
	char dir[256], root[512], path[1024];

	(void)state;
	copy_tree(dir, sizeof(dir), root, sizeof(root));
	snprintf(path, sizeof(path), "%s/dri/client-5/svm_ranges", root);
	assert_int_equal(chmod(path, 0), 0);
	run_unprivileged(check_unreadable_ranges, root);
	remove_dir(dir);
}

/* ------------------------------------------------------------------ */
/* Sources                                                             */
/* ------------------------------------------------------------------ */

static void test_source_choice(void **state)
{
	struct xesvm_sources src = { .debugfs_root = DATA "/debugfs-xe-2gt", .proc_root = PROC };
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;

	(void)state;
	/* A tree without SVM files: stock sources only, silently in auto... */
	unsetenv("XESVM_SOURCE");
	assert_int_equal(xesvm_gather(&src, &m, &err), 0);
	assert_null(json_object_get(collection(m, "sources"), "vms"));
	assert_int_equal(test_count_notes(m, "SVM"), 0);
	xesvm_model_free(m);
	/* ... with a note when debugfs was asked for. */
	setenv("XESVM_SOURCE", "debugfs", 1);
	assert_int_equal(xesvm_gather(&src, &m, &err), 0);
	assert_int_equal(test_count_notes(m, "VMs, VMAs, SVM ranges and pagemaps omitted: "
				    "XESVM_SOURCE=debugfs, and there are no SVM debugfs files ("), 1);
	xesvm_model_free(m);
	/* The SVM files with XESVM_SOURCE=debugfs. */
	src.debugfs_root = TREE;
	assert_int_equal(xesvm_gather(&src, &m, &err), 0);
	assert_string_equal(source_of(m, "vms"), "debugfs");
	xesvm_model_free(m);
	unsetenv("XESVM_SOURCE");
}

/* Devices already known (libdrm) get a name; the source says what was added. */
static void test_device_merge(void **state)
{
	struct xesvm_model *m = xesvm_model_new();
	struct xesvm_error err = { 0 };
	json_t *dev = json_pack("{s:i, s:s, s:s, s:n, s:s, s:n, s:[], s:[]}", "minor", 0,
				"driver", "xe", "pci_bdf", "0000:03:00.0", "pci_id", "card",
				"/dev/dri/card0", "render", "memory_regions", "gts");
	int why = 0;

	(void)state;
	assert_non_null(dev);
	assert_int_equal(json_array_append_new(xesvm_model_array(m, "devices"), dev), 0);
	xesvm_model_set_source(m, "devices", "libdrm");
	assert_int_equal(xesvm_debugfs_svm_gather(m, TREE, NULL, false, &why, &err), 0);
	assert_string_equal(source_of(m, "devices"), "libdrm+debugfs");
	assert_string_equal(json_string_value(json_object_get(dev, "card")), "/dev/dri/card0");
	assert_string_equal(json_string_value(json_object_get(dev, "name")), "0000:03:00.0");
	assert_int_equal(json_array_size(collection(m, "devices")), 2);
	xesvm_model_free(m);

	/* A tree without SVM files: nothing added, and why. */
	m = xesvm_model_new();
	assert_int_equal(xesvm_debugfs_svm_gather(m, DATA "/debugfs-xe-2gt", NULL, true, &why, &err),
			 1);
	assert_int_equal(why, ENOENT);
	assert_null(json_object_get(collection(m, "sources"), "vms"));
	xesvm_model_free(m);
}

/* ------------------------------------------------------------------ */
/* Scale                                                               */
/* ------------------------------------------------------------------ */

#define MANY 100000

/*
 * Client 5 has 100,000 ranges in vm 3 and lists them after vm 6's, whose
 * VM comes later in svm_vms (client 6 owns vm 4 between them): read in one
 * pass, then put in VM order.
 */
static void test_many_ranges(void **state)
{
	char dir[] = "/tmp/xesvm-dbgmany-XXXXXX", path[512];
	struct xesvm_model *m = xesvm_model_new();
	struct xesvm_error err = { 0 };
	const struct xesvm_range *r;
	FILE *f;
	size_t i;
	int why = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "mkdir -p %s/dri/0 %s/dri/client-5 %s/dri/client-6", dir, dir, dir);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/dri/0/svm_vms", dir);
	write_file(path,
		   "vm=3 gpusvm=11 start=0000000000000000 end=0000800000000000 pid=1 client=5 "
		   "notifiers=1 ranges=100000 devmem_pages=0 generation=1 comm=a\n"
		   "vm=4 gpusvm=12 start=0000000000000000 end=0000800000000000 pid=1 client=6 "
		   "notifiers=1 ranges=1 devmem_pages=0 generation=1 comm=b\n"
		   "vm=6 gpusvm=13 start=0000000000000000 end=0000800000000000 pid=1 client=5 "
		   "notifiers=1 ranges=1 devmem_pages=0 generation=1 comm=a\n");
	snprintf(path, sizeof(path), "%s/dri/0/svm_pagemaps", dir);
	write_file(path, "");
	snprintf(path, sizeof(path), "%s/dri/client-6/svm_ranges", dir);
	write_file(path, "vm=4 gpusvm=12 start=0000000000000000 end=0000800000000000 generation=1\n"
		   "0000000000200000-0000000000400000 size=2097152 "
		   "notifier=0000000000000000-0000000020000000 refs=1 flags=- pages=1 "
		   "[minor=0 seq=1 pagemap=0 flags=-]\n");
	snprintf(path, sizeof(path), "%s/dri/client-6/svm_mem_attrs", dir);
	write_file(path, "vm=4 gpusvm=12 start=0000000000000000 end=0000800000000000\n");
	snprintf(path, sizeof(path), "%s/dri/client-5/svm_mem_attrs", dir);
	write_file(path, "vm=6 gpusvm=13 start=0000000000000000 end=0000800000000000\n"
		   "vm=3 gpusvm=11 start=0000000000000000 end=0000800000000000\n");
	snprintf(path, sizeof(path), "%s/dri/client-5/svm_ranges", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "vm=6 gpusvm=13 start=0000000000000000 end=0000800000000000 generation=1\n"
		"0000000000200000-0000000000400000 size=2097152 "
		"notifier=0000000000000000-0000000020000000 refs=1 flags=- pages=0\n"
		"vm=3 gpusvm=11 start=0000000000000000 end=0000800000000000 generation=1\n");
	/* Every tenth range mapped by a second device too: its page sets go aside. */
	for (i = 0; i < MANY; i++)
		fprintf(f, "%016zx-%016zx size=65536 notifier=%016zx-%016zx refs=1 "
			"flags=migrate_devmem,dma_mapped pages=%d [minor=0 seq=%zu pagemap=0 "
			"flags=dma_mapped]%s\n", 0x10000000 + i * 0x10000,
			0x10010000 + i * 0x10000, (0x10000000 + i * 0x10000) & ~(size_t)0x1fffff,
			((0x10000000 + i * 0x10000) & ~(size_t)0x1fffff) + 0x200000, i % 10 ? 1 : 2,
			i, i % 10 ? "" : " [minor=1 seq=1 pagemap=0 flags=dma_mapped]");
	assert_int_equal(fclose(f), 0);

	assert_int_equal(xesvm_debugfs_svm_gather(m, dir, NULL, true, &why, &err), 0);
	print_notes(m);
	assert_int_equal(json_array_size(collection(m, "notes")), 0);
	assert_int_equal(xesvm_model_range_count(m), MANY + 2);
	for (i = 0; i < MANY; i++) {
		r = xesvm_model_range(m, i);
		if (r->vm != 3 || r->start != 0x10000000 + i * 0x10000 ||
		    xesvm_range_get_pages(r, 0).notifier_seq != i ||
		    r->pages_described != (i % 10 ? 1 : 2) ||
		    xesvm_range_get_pages(r, r->pages_described - 1).device != (i % 10 ? 0 : 1))
			fail_msg("range %zu: vm %u start 0x%" PRIx64, i, r->vm, r->start);
	}
	assert_int_equal(xesvm_model_range(m, MANY)->vm, 4);
	assert_int_equal(xesvm_model_range(m, MANY + 1)->vm, 6);
	xesvm_model_free(m);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_tree),
		cmocka_unit_test(test_without_ranges),
		cmocka_unit_test(test_vm_lines),
		cmocka_unit_test(test_pagemap_lines),
		cmocka_unit_test(test_mem_attr_every_value),
		cmocka_unit_test(test_range_every_flag),
		cmocka_unit_test(test_unknown_fields_ignored),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_vm_ids_of_64_bits),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_note_budget),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_filter_unknown_device),
		cmocka_unit_test(test_vm_gone),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_source_choice),
		cmocka_unit_test(test_device_merge),
		cmocka_unit_test(test_many_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
