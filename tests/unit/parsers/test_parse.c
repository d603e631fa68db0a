// SPDX-License-Identifier: MIT
/*
 * The kernel text parsers: every accepted shape, and each way input can be
 * wrong (truncated, garbage, duplicate, overflowing) with the message that
 * names the line. Inputs are exact-size heap buffers without a NUL, so an
 * out-of-bounds read shows under ASan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "xesvm.h"

typedef int (*parser_fn)(const char *, size_t, json_t **, struct xesvm_error *);

/* Parses @text; returns the result (or NULL), error in @err. */
static json_t *parse_ok(parser_fn fn, const char *text)
{
	struct xesvm_error err = { 0 };
	json_t *out = (json_t *)0x1;
	size_t len;
	char *buf = test_exact_copy(text, &len);
	int rc = fn(buf, len, &out, &err);

	free(buf);
	if (rc)
		fail_msg("unexpected parse error: %s", err.msg);
	assert_int_equal(err.status, XESVM_OK);
	return out;
}

/* Expects failure with XESVM_E_SYSTEM and every NULL-terminated fragment in the message. */
static void parse_fails(parser_fn fn, const char *text, ...)
{
	struct xesvm_error err = { 0 };
	json_t *out = (json_t *)0x1;
	const char *frag;
	va_list ap;
	size_t len;
	char *buf = test_exact_copy(text, &len);
	int rc = fn(buf, len, &out, &err);

	free(buf);
	assert_int_equal(rc, -1);
	assert_null(out);
	assert_int_equal(err.status, XESVM_E_SYSTEM);
	va_start(ap, text);
	while ((frag = va_arg(ap, const char *)))
		if (!strstr(err.msg, frag))
			fail_msg("message \"%s\" lacks \"%s\"", err.msg, frag);
	va_end(ap);
	assert_null(strchr(err.msg, '\n'));
}

static json_int_t int_at(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		fail_msg("%s is not an integer", key);
	return json_integer_value(v);
}

/* ---- gtN/stats ---- */

static void test_gt_stats_recorded(void **state)
{
	struct xesvm_error err = { 0 };
	size_t len;
	char *text = test_read_data("debugfs-xe-2gt/dri/0000:03:00.0/tile0/gt0/stats", &len);
	json_t *stats = NULL;
	const char *first;
	void *iter;

	(void)state;
	assert_int_equal(xesvm_parse_gt_stats(text, len, &stats, &err), 0);
	free(text);
	assert_int_equal(json_object_size(stats), 54);
	assert_int_equal(int_at(stats, "svm_pagefault_count"), 18432);
	assert_int_equal(int_at(stats, "tlb_inval_count"), 52117);
	assert_int_equal(int_at(stats, "svm_2M_device_copy_kb"), 3891200);
	assert_int_equal(int_at(stats, "prl_aborted_count"), 1);
	/* File order is kept (xe's stat_description[] order). */
	iter = json_object_iter(stats);
	first = json_object_iter_key(iter);
	assert_string_equal(first, "svm_pagefault_count");
	json_decref(stats);
}

static void test_gt_stats_limits(void **state)
{
	json_t *s;

	(void)state;
	s = parse_ok(xesvm_parse_gt_stats, "a: 0\nb: 9223372036854775807\nc:\t 7\n");
	assert_int_equal(int_at(s, "a"), 0);
	assert_true(int_at(s, "b") == INT64_MAX);
	assert_int_equal(int_at(s, "c"), 7);
	json_decref(s);
}

static void test_gt_stats_errors(void **state)
{
	(void)state;
	parse_fails(xesvm_parse_gt_stats, "tlb_inval_count: 5\nsvm_4K_bind_us: -3\n",
		    "line 2", "svm_4K_bind_us", "negative", NULL);
	parse_fails(xesvm_parse_gt_stats, "x: -9223372036854775808\n", "line 1", "x", "negative", NULL);
	parse_fails(xesvm_parse_gt_stats, "big: 9223372036854775808\n",
		    "line 1", "big", "overflows", NULL);
	parse_fails(xesvm_parse_gt_stats, "huge: 99999999999999999999999\n",
		    "line 1", "huge", "overflows", NULL);
	parse_fails(xesvm_parse_gt_stats, "a: 1\nsvm_2M_migrate_us: 13",
		    "line 2", "svm_2M_migrate_us", "truncated", NULL);
	parse_fails(xesvm_parse_gt_stats, "a: 1\nsvm_2M_mig", "line 2", "not a", NULL);
	parse_fails(xesvm_parse_gt_stats, "a: 1\n\x01\x7f junk\n", "line 2", "not a", NULL);
	parse_fails(xesvm_parse_gt_stats, "a: 1\n\nb: 2\n", "line 2", NULL);
	parse_fails(xesvm_parse_gt_stats, "a: 1\na: 2\n", "line 2", "a appears twice", NULL);
	parse_fails(xesvm_parse_gt_stats, "a: 1x\n", "line 1", "not a decimal", NULL);
	parse_fails(xesvm_parse_gt_stats, "a: 1 \n", "line 1", "not a decimal", NULL);
	parse_fails(xesvm_parse_gt_stats, "a:\n", "line 1", "not a decimal", NULL);
	parse_fails(xesvm_parse_gt_stats, "a:5\n", "line 1", "no blank", NULL);
	parse_fails(xesvm_parse_gt_stats, "a b: 5\n", "line 1", NULL);
	parse_fails(xesvm_parse_gt_stats, "", "no counters", NULL);
}

static void test_gt_stats_long_name(void **state)
{
	char text[400];

	(void)state;
	memset(text, 'n', 300);
	strcpy(text + 300, ": 1\n");
	parse_fails(xesvm_parse_gt_stats, text, "line 1", NULL);
}

/* The bad recorded trees fail with the line and counter named. */
static void test_gt_stats_bad_trees(void **state)
{
	static const struct {
		const char *tree;
		const char *line;
		const char *what;
	} cases[] = {
		{ "debugfs-bad-truncated", "line 22", "svm_2M_migrate_us is truncated" },
		{ "debugfs-bad-garbage", "line 11", "not a" },
		{ "debugfs-bad-overflow", "line 34", "svm_2M_device_copy_kb is negative" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xesvm_error err = { 0 };
		char rel[256];
		json_t *out = NULL;
		size_t len;
		char *text;

		snprintf(rel, sizeof(rel), "%s/dri/0000:03:00.0/tile0/gt0/stats", cases[i].tree);
		text = test_read_data(rel, &len);
		assert_int_equal(xesvm_parse_gt_stats(text, len, &out, &err), -1);
		free(text);
		assert_null(out);
		assert_int_equal(err.status, XESVM_E_SYSTEM);
		if (!strstr(err.msg, cases[i].line) || !strstr(err.msg, cases[i].what))
			fail_msg("%s: message \"%s\"", cases[i].tree, err.msg);
	}
}

/* ---- proc_info ---- */

static void test_proc_info(void **state)
{
	json_t *p;

	(void)state;
	p = parse_ok(xesvm_parse_proc_info, "pid: 2301\ncomm: svm_bench\n");
	assert_int_equal(int_at(p, "pid"), 2301);
	assert_string_equal(json_string_value(json_object_get(p, "comm")), "svm_bench");
	json_decref(p);

	/* comm may hold blanks and colons; only leading blanks are dropped. */
	p = parse_ok(xesvm_parse_proc_info, "pid: 7\ncomm: kworker/u8:2 x\nfuture_key: 1\n");
	assert_string_equal(json_string_value(json_object_get(p, "comm")), "kworker/u8:2 x");
	json_decref(p);

	/* A gone process: pid 0 and "Unset" mean unknown. */
	p = parse_ok(xesvm_parse_proc_info, "pid: 0\ncomm: Unset\n");
	assert_true(json_is_null(json_object_get(p, "pid")));
	assert_true(json_is_null(json_object_get(p, "comm")));
	json_decref(p);

	/* Bytes that are not UTF-8 become '?', the JSON stays valid. */
	p = parse_ok(xesvm_parse_proc_info, "pid: 3\ncomm: a\xff\x01z\n");
	assert_string_equal(json_string_value(json_object_get(p, "comm")), "a??z");
	json_decref(p);
}

static void test_proc_info_errors(void **state)
{
	(void)state;
	parse_fails(xesvm_parse_proc_info, "pid: 12\ncomm: bas", "line 2", "truncated", NULL);
	parse_fails(xesvm_parse_proc_info, "pid: 12\n", "no comm", NULL);
	parse_fails(xesvm_parse_proc_info, "comm: x\n", "no pid", NULL);
	parse_fails(xesvm_parse_proc_info, "pid: 1\npid: 2\ncomm: x\n", "line 2", "twice", NULL);
	parse_fails(xesvm_parse_proc_info, "pid: 1\ncomm: x\ncomm: y\n", "line 3", "twice", NULL);
	parse_fails(xesvm_parse_proc_info, "pid: -1\ncomm: x\n", "line 1", "pid", NULL);
	parse_fails(xesvm_parse_proc_info, "pid: 99999999999\ncomm: x\n", "line 1", NULL);
	parse_fails(xesvm_parse_proc_info, "garbage\npid: 1\ncomm: x\n", "line 1", NULL);
	parse_fails(xesvm_parse_proc_info, "", "no pid", NULL);
}

/* ---- fdinfo ---- */

static void expect_region(json_t *memory, const char *region, json_int_t total,
			  json_int_t shared, json_int_t active, json_int_t resident,
			  json_int_t purgeable /* -1: null */)
{
	json_t *r = json_object_get(memory, region);

	if (!r)
		fail_msg("no region %s", region);
	assert_int_equal(int_at(r, "total"), total);
	assert_int_equal(int_at(r, "shared"), shared);
	assert_int_equal(int_at(r, "active"), active);
	assert_int_equal(int_at(r, "resident"), resident);
	if (purgeable < 0)
		assert_true(json_is_null(json_object_get(r, "purgeable")));
	else
		assert_int_equal(int_at(r, "purgeable"), purgeable);
}

static void test_fdinfo_recorded_xe(void **state)
{
	struct xesvm_error err = { 0 };
	json_t *f = NULL, *memory;
	size_t len;
	char *text = test_read_data("proc-xe-2gt/2301/fdinfo/5", &len);

	(void)state;
	assert_int_equal(xesvm_parse_fdinfo(text, len, &f, &err), 0);
	free(text);
	assert_non_null(f);
	assert_string_equal(json_string_value(json_object_get(f, "driver")), "xe");
	assert_int_equal(int_at(f, "client_id"), 5);
	assert_string_equal(json_string_value(json_object_get(f, "pdev")), "0000:03:00.0");
	assert_true(json_is_null(json_object_get(f, "client_name")));
	memory = json_object_get(f, "memory");
	/* Four regions; "total-cycles-rcs" is engine time, not a region. */
	assert_int_equal(json_object_size(memory), 4);
	expect_region(memory, "system", 2 << 20, 0, 0, 2 << 20, 0);
	expect_region(memory, "gtt", 192 << 10, 0, 0, 192 << 10, -1);
	expect_region(memory, "vram0", 524LL << 20, 16 << 20, 512LL << 20, 524LL << 20, -1);
	expect_region(memory, "stolen", 0, 0, 0, 0, -1);
	json_decref(f);

	text = test_read_data("proc-xe-2gt/2417/fdinfo/9", &len);
	assert_int_equal(xesvm_parse_fdinfo(text, len, &f, &err), 0);
	free(text);
	assert_string_equal(json_string_value(json_object_get(f, "client_name")), "llama-vk");
	expect_region(json_object_get(f, "memory"), "vram0", 3216LL << 20, 0, 0, 3216LL << 20, -1);
	json_decref(f);
}

static void test_fdinfo_not_drm(void **state)
{
	static const char *const files[] = {
		"proc-xe-2gt/2301/fdinfo/0", "proc-xe-2gt/2301/fdinfo/4",
		"proc-xe-2gt/2417/fdinfo/3",
	};
	json_t *f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct xesvm_error err = { 0 };
		size_t len;
		char *text = test_read_data(files[i], &len);

		f = (json_t *)0x1;
		assert_int_equal(xesvm_parse_fdinfo(text, len, &f, &err), 0);
		free(text);
		assert_null(f);
	}
	/* Other file types print lines of any shape, even unterminated. */
	f = parse_ok(xesvm_parse_fdinfo, "pos:\t0\ntfd:        5 events:       19 data: 0\ninotify wd:1");
	assert_null(f);
	f = parse_ok(xesvm_parse_fdinfo, "");
	assert_null(f);
}

static void test_fdinfo_other_driver(void **state)
{
	struct xesvm_error err = { 0 };
	json_t *f = NULL;
	size_t len;
	char *text = test_read_data("proc-xe-2gt/2417/fdinfo/11", &len);

	(void)state;
	assert_int_equal(xesvm_parse_fdinfo(text, len, &f, &err), 0);
	free(text);
	assert_string_equal(json_string_value(json_object_get(f, "driver")), "i915");
	assert_int_equal(int_at(f, "client_id"), 9);
	expect_region(json_object_get(f, "memory"), "system0", 13 << 20, 0, 0, 13 << 20, 0);
	expect_region(json_object_get(f, "memory"), "stolen-system0", 0, 0, 0, 0, 0);
	json_decref(f);
}

static void test_fdinfo_units_and_alias(void **state)
{
	json_t *f, *r;

	(void)state;
	f = parse_ok(xesvm_parse_fdinfo,
		     "drm-driver:\tamdgpu\ndrm-client-id:\t11\n"
		     "drm-memory-vram:\t300 KiB\ndrm-total-vram:\t1 MiB\n"
		     "drm-memory-gtt:\t7\ndrm-resident-gtt:\t8\n"
		     "drm-total-cpu:   3 GiB\n");
	r = json_object_get(json_object_get(f, "memory"), "vram");
	assert_int_equal(int_at(r, "total"), 1 << 20);
	assert_int_equal(int_at(r, "resident"), 300 << 10);	/* drm-memory- is resident */
	assert_true(json_is_null(json_object_get(r, "shared")));
	/* The real key wins over the deprecated alias, in either order. */
	r = json_object_get(json_object_get(f, "memory"), "gtt");
	assert_int_equal(int_at(r, "resident"), 8);
	r = json_object_get(json_object_get(f, "memory"), "cpu");
	assert_int_equal(int_at(r, "total"), 3LL << 30);
	assert_true(json_is_null(json_object_get(f, "pdev")));
	json_decref(f);
}

static void test_fdinfo_errors(void **state)
{
	(void)state;
	parse_fails(xesvm_parse_fdinfo, "drm-driver:\txe\ndrm-client-id:\t5\ndrm-client-id:\t6\n",
		    "line 3", "drm-client-id appears twice (first on line 2)", NULL);
	parse_fails(xesvm_parse_fdinfo, "pos:\t0\ndrm-driver:\txe\ndrm-total-vram0:\t12 Mi",
		    "line 3", "truncated", NULL);
	parse_fails(xesvm_parse_fdinfo, "drm-driver:\txe\ndrm-total-vram0:\t12 TiB\n",
		    "line 2", "drm-total-vram0", "not a size", NULL);
	parse_fails(xesvm_parse_fdinfo, "drm-driver:\txe\ndrm-total-vram0:\t12MiB\n",
		    "line 2", "not a size", NULL);
	parse_fails(xesvm_parse_fdinfo, "drm-driver:\txe\ndrm-total-vram0:\t-1\n",
		    "line 2", "not a size", NULL);
	/* 2^44 MiB = 2^64 bytes: does not fit. */
	parse_fails(xesvm_parse_fdinfo, "drm-driver:\txe\ndrm-total-vram0:\t17592186044416 MiB\n",
		    "line 2", "not a size", NULL);
	parse_fails(xesvm_parse_fdinfo, "drm-driver:\txe\ndrm-total-vram0:\t9223372036854775808\n",
		    "line 2", "not a size", NULL);
	parse_fails(xesvm_parse_fdinfo, "drm-driver:\txe\ndrm-client-id:\tfive\n",
		    "line 2", "drm-client-id", NULL);
	parse_fails(xesvm_parse_fdinfo, "drm-driver:\txe\ndrm-pdev:\t03:00.0\n",
		    "line 2", "drm-pdev", NULL);
	parse_fails(xesvm_parse_fdinfo, "drm-driver:\txe\ndrm-garbage\n", "line 2", NULL);
	parse_fails(xesvm_parse_fdinfo, "drm-driver:\txe\ndrm-total-:\t1\n",
		    "line 2", "region", NULL);
	parse_fails(xesvm_parse_fdinfo, "drm-driver:\n", "line 1", "empty drm-driver", NULL);
	parse_fails(xesvm_parse_fdinfo, "drm-client-id:\t3\n", "without a drm-driver", NULL);
}

/* ---- dri/N/name ---- */

static void test_dri_name(void **state)
{
	json_t *n;

	(void)state;
	n = parse_ok(xesvm_parse_dri_name, "xe dev=0000:03:00.0 unique=0000:03:00.0\n");
	assert_string_equal(json_string_value(json_object_get(n, "driver")), "xe");
	assert_string_equal(json_string_value(json_object_get(n, "dev")), "0000:03:00.0");
	assert_true(json_is_null(json_object_get(n, "master")));
	assert_string_equal(json_string_value(json_object_get(n, "unique")), "0000:03:00.0");
	json_decref(n);

	n = parse_ok(xesvm_parse_dri_name, "vgem\n");
	assert_string_equal(json_string_value(json_object_get(n, "driver")), "vgem");
	assert_true(json_is_null(json_object_get(n, "dev")));
	json_decref(n);

	n = parse_ok(xesvm_parse_dri_name, "i915 dev=0000:00:02.0 master=pci:0000:00:02.0 unique=0000:00:02.0\n");
	assert_string_equal(json_string_value(json_object_get(n, "master")), "pci:0000:00:02.0");
	json_decref(n);
}

static void test_dri_name_errors(void **state)
{
	(void)state;
	parse_fails(xesvm_parse_dri_name, "", "empty", NULL);
	parse_fails(xesvm_parse_dri_name, "xe dev=0000:03:00.0", "line 1", "truncated", NULL);
	parse_fails(xesvm_parse_dri_name, "xe dev=a\nmore\n", "line 2", NULL);
	parse_fails(xesvm_parse_dri_name, " dev=a\n", "line 1", "no driver", NULL);
	parse_fails(xesvm_parse_dri_name, "xe unique=a dev=b\n", "line 1", "dev=b", NULL);
	parse_fails(xesvm_parse_dri_name, "xe dev=a dev=b\n", "line 1", NULL);
	parse_fails(xesvm_parse_dri_name, "xe bogus\n", "line 1", "bogus", NULL);
	parse_fails(xesvm_parse_dri_name, "xe dev=\n", "line 1", NULL);
	parse_fails(xesvm_parse_dri_name, "xe  dev=a\n", "line 1", NULL);
	parse_fails(xesvm_parse_dri_name, "xe dev=a \n", "line 1", NULL);
}

/* ---- /proc/PID/maps ---- */

static json_t *mapping_at(json_t *maps, size_t i)
{
	json_t *m = json_array_get(json_object_get(maps, "mappings"), i);

	if (!m)
		fail_msg("no mapping %zu", i);
	return m;
}

static const char *str_at(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void test_proc_maps_recorded(void **state)
{
	struct xesvm_error err = { 0 };
	size_t len;
	char *text = test_read_data("proc-example/4242/maps", &len);
	json_t *maps = NULL, *m;

	(void)state;
	assert_int_equal(xesvm_parse_proc_maps(text, len, &maps, &err), 0);
	free(text);
	assert_int_equal(json_array_size(json_object_get(maps, "mappings")), 17);

	m = mapping_at(maps, 1);	/* a file mapping, padded name */
	assert_int_equal(int_at(m, "start"), 0x55d4c0c02000);
	assert_int_equal(int_at(m, "end"), 0x55d4c0c08000);
	assert_string_equal(str_at(m, "perms"), "r-xp");
	assert_int_equal(int_at(m, "offset"), 0x2000);
	assert_string_equal(str_at(m, "dev"), "fd:01");
	assert_int_equal(int_at(m, "inode"), 1835123);
	assert_string_equal(str_at(m, "path"), "/usr/bin/svm-stream");

	m = mapping_at(maps, 5);	/* anonymous: "0 " and nothing after */
	assert_true(json_is_null(json_object_get(m, "path")));
	assert_string_equal(str_at(mapping_at(maps, 7), "path"), "/memfd:svm-shared (deleted)");
	assert_string_equal(str_at(mapping_at(maps, 7), "perms"), "rw-s");
	assert_string_equal(str_at(mapping_at(maps, 4), "path"), "[heap]");

	/* Lookup: inside, at the start, at the end (exclusive), in a hole. */
	assert_ptr_equal(xesvm_proc_maps_find(maps, 0x7f3a00201000), mapping_at(maps, 5));
	assert_ptr_equal(xesvm_proc_maps_find(maps, 0x7f3a01900000), mapping_at(maps, 6));
	assert_null(xesvm_proc_maps_find(maps, 0x7f3a01800000));
	assert_null(xesvm_proc_maps_find(maps, 0x1000));
	assert_ptr_equal(xesvm_proc_maps_find(maps, 0xffffffffff600fffull), mapping_at(maps, 16));
	json_decref(maps);
}

/* This very process: the real kernel's output, whatever it maps. */
static void test_proc_maps_self(void **state)
{
	struct xesvm_error err = { 0 };
	char buf[1 << 16], *text = NULL;
	size_t len = 0, n;
	FILE *f = fopen("/proc/self/maps", "r");
	json_t *maps = NULL, *m;
	int local = 0;

	(void)state;
	if (!f)
		skip();
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		text = realloc(text, len + n);
		assert_non_null(text);
		memcpy(text + len, buf, n);
		len += n;
	}
	fclose(f);
	if (xesvm_parse_proc_maps(text, len, &maps, &err))
		fail_msg("/proc/self/maps: %s", err.msg);
	free(text);
	m = xesvm_proc_maps_find(maps, (uint64_t)(uintptr_t)&local);
	assert_non_null(m);
	/* The kernel's [stack], or an anonymous one under valgrind. */
	if (str_at(m, "path"))
		assert_string_equal(str_at(m, "path"), "[stack]");
	assert_string_equal(str_at(m, "perms"), "rw-p");
	m = xesvm_proc_maps_find(maps, (uint64_t)(uintptr_t)test_proc_maps_self);
	assert_non_null(m);
	assert_int_equal(str_at(m, "perms")[2], 'x');
	json_decref(maps);
}

static void test_proc_maps_shapes(void **state)
{
	json_t *maps;

	(void)state;
	/* Nothing mapped (a kernel thread): an empty list. */
	maps = parse_ok(xesvm_parse_proc_maps, "");
	assert_int_equal(json_array_size(json_object_get(maps, "mappings")), 0);
	json_decref(maps);

	/* 8 digits minimum, wider when needed; a long device number; spaces in a path. */
	maps = parse_ok(xesvm_parse_proc_maps,
			"00400000-0040b000 r-xp 00000000 103:05 12                         /a b/c\n"
			"0040b000-0040c000 rw-p 123456789a 00:00 0 \n"
			"7fffffffe000-800000000000 rw-p 00000000 00:00 0                          [anon:x y]\n");
	assert_int_equal(int_at(mapping_at(maps, 0), "start"), 0x400000);
	assert_string_equal(str_at(mapping_at(maps, 0), "dev"), "103:05");
	assert_string_equal(str_at(mapping_at(maps, 0), "path"), "/a b/c");
	assert_int_equal(int_at(mapping_at(maps, 1), "offset"), 0x123456789a);
	assert_true(json_is_null(json_object_get(mapping_at(maps, 1), "path")));
	assert_string_equal(str_at(mapping_at(maps, 2), "path"), "[anon:x y]");
	json_decref(maps);
}

static void test_proc_maps_errors(void **state)
{
	(void)state;
	parse_fails(xesvm_parse_proc_maps, "00400000-0040b000 r-xp 00000000 00:00 0 ",
		    "line 1", "truncated", NULL);
	parse_fails(xesvm_parse_proc_maps,
		    "00400000-0040b000 r-xp 00000000 00:00 0 \n0050000-0060000 r-xp 00000000 00:00 0 \n",
		    "line 2", "start address", NULL);
	parse_fails(xesvm_parse_proc_maps, "0040B000-0040c000 r-xp 00000000 00:00 0 \n",
		    "line 1", "start address", NULL);
	parse_fails(xesvm_parse_proc_maps, "00400000 0040b000 r-xp 00000000 00:00 0 \n",
		    "end address", NULL);
	parse_fails(xesvm_parse_proc_maps, "00400000-0040b000 rwxq 00000000 00:00 0 \n",
		    "permissions", NULL);
	parse_fails(xesvm_parse_proc_maps, "00400000-0040b000 rw- 00000000 00:00 0 \n",
		    "permissions", NULL);
	parse_fails(xesvm_parse_proc_maps, "00400000-0040b000 rw-p 0000 00:00 0 \n",
		    "file offset", NULL);
	parse_fails(xesvm_parse_proc_maps, "00400000-0040b000 rw-p 00000000 1000:00 0 \n",
		    "device", NULL);
	parse_fails(xesvm_parse_proc_maps, "00400000-0040b000 rw-p 00000000 0:00 0 \n",
		    "device", NULL);
	parse_fails(xesvm_parse_proc_maps, "00400000-0040b000 rw-p 00000000 00:00 x \n",
		    "inode", NULL);
	parse_fails(xesvm_parse_proc_maps,
		    "00400000-0040b000 rw-p 00000000 00:00 99999999999999999999 \n", "inode", NULL);
	parse_fails(xesvm_parse_proc_maps, "00400000-0040b000 rw-p 00000000 00:00 0\n",
		    "space after the inode", NULL);
	parse_fails(xesvm_parse_proc_maps, "00400000-0040b000 rw-p 00000000 00:00 0      \n",
		    "name after the padding", NULL);
	parse_fails(xesvm_parse_proc_maps, "0040b000-0040b000 rw-p 00000000 00:00 0 \n",
		    "line 1", "empty or reversed", NULL);
	parse_fails(xesvm_parse_proc_maps, "0040c000-0040b000 rw-p 00000000 00:00 0 \n",
		    "empty or reversed", NULL);
	parse_fails(xesvm_parse_proc_maps,
		    "00400000-0040c000 rw-p 00000000 00:00 0 \n00400000-0040b000 rw-p 00000000 00:00 0 \n",
		    "line 2", "overlaps", NULL);
	parse_fails(xesvm_parse_proc_maps, "10000000000000000-10000000000000001 rw-p 00000000 00:00 0 \n",
		    "start address", NULL);
	parse_fails(xesvm_parse_proc_maps, "\n", "line 1", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gt_stats_recorded),
		cmocka_unit_test(test_gt_stats_limits),
		cmocka_unit_test(test_gt_stats_errors),
		cmocka_unit_test(test_gt_stats_long_name),
		cmocka_unit_test(test_gt_stats_bad_trees),
		cmocka_unit_test(test_proc_info),
		cmocka_unit_test(test_proc_info_errors),
		cmocka_unit_test(test_fdinfo_recorded_xe),
		cmocka_unit_test(test_fdinfo_not_drm),
		cmocka_unit_test(test_fdinfo_other_driver),
		cmocka_unit_test(test_fdinfo_units_and_alias),
		cmocka_unit_test(test_fdinfo_errors),
		cmocka_unit_test(test_dri_name),
		cmocka_unit_test(test_dri_name_errors),
		cmocka_unit_test(test_proc_maps_recorded),
		cmocka_unit_test(test_proc_maps_self),
		cmocka_unit_test(test_proc_maps_shapes),
		cmocka_unit_test(test_proc_maps_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
