// SPDX-License-Identifier: MIT
/*
 * xesvm_model_diff() on example.json -> example-after.json (what changed
 * is known), and on ranges with several page sets.
 */
#include "helpers.h"

static json_t *diff_files(const char *a, const char *b)
{
	struct xesvm_model *ma = load_ok(snapshot_path(a));
	struct xesvm_model *mb = load_ok(snapshot_path(b));
	struct xesvm_error err = { 0 };
	json_t *d = xesvm_model_diff(ma, mb, &err);

	if (!d)
		fail_msg("diff failed: %s", err.msg);
	xesvm_model_free(ma);
	xesvm_model_free(mb);
	return d;
}

static json_t *path_get(json_t *root, const char *fmt, ...)
{
	json_t *v = root;
	va_list ap;
	const char *p;

	va_start(ap, fmt);
	for (p = fmt; *p && v; p++) {
		if (*p == 'k')
			v = json_object_get(v, va_arg(ap, const char *));
		else if (*p == 'i')
			v = json_array_get(v, (size_t)va_arg(ap, int));
	}
	va_end(ap);
	if (!v)
		fail_msg("path %s not in the diff", fmt);
	return v;
}

static json_int_t int_at(json_t *v)
{
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static void assert_json(json_t *v, const char *expected)
{
	json_t *want = json_loads(expected, JSON_DECODE_ANY, NULL);

	assert_non_null(want);
	if (!json_equal(v, want)) {
		char *got = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		print_error("got:      %s\nexpected: %s\n", got, expected);
		free(got);
		fail();
	}
	json_decref(want);
}

static void test_counter_deltas(void **state)
{
	json_t *d = diff_files("example.json", "example-after.json");
	json_t *gts = path_get(d, "kk", "counters", "gts");
	json_t *gt0 = path_get(gts, "ik", 0, "stats"), *gt1 = path_get(gts, "ik", 1, "stats");
	const char *key;
	json_t *v;
	size_t changed = 0;

	assert_int_equal(json_array_size(gts), 2);
	assert_int_equal(int_at(path_get(gts, "ik", 0, "device")), 0);
	assert_int_equal(int_at(path_get(gts, "ik", 0, "gt")), 0);
	assert_int_equal(int_at(path_get(gts, "ik", 1, "gt")), 1);
	assert_int_equal(json_object_size(gt0), 54);	/* every counter of xe 7.2 */
	assert_int_equal(int_at(json_object_get(gt0, "svm_pagefault_count")), 192);
	assert_int_equal(int_at(json_object_get(gt0, "tlb_inval_count")), 1);
	assert_int_equal(int_at(json_object_get(gt0, "svm_2M_migrate_count")), 66);
	assert_int_equal(int_at(json_object_get(gt0, "prl_aborted_count")), 27);
	json_object_foreach(gt0, key, v)
		changed += int_at(v) != 0;
	assert_int_equal(changed, 54);
	json_object_foreach(gt1, key, v)
		assert_int_equal(int_at(v), 0);

	assert_json(path_get(d, "kk", "counters", "pagemaps"),
		"[{\"device\":0,\"id\":0,\"stats\":{"
		"\"to_device\":{\"count\":1,\"pages\":512,\"bytes\":2097152,\"fail_enomem\":0,"
		"\"fail_ebusy\":0,\"fail_efault\":0,\"fail_other\":0},"
		"\"to_ram\":{\"count\":0,\"pages\":0,\"bytes\":0,\"fail_enomem\":0,\"fail_ebusy\":0,"
		"\"fail_efault\":0,\"fail_other\":0},"
		"\"cpu_faults_deferred\":0,\"evictions\":0,\"device_pages_in_use\":512}},"
		"{\"device\":0,\"id\":1,\"stats\":{"
		"\"to_device\":{\"count\":1,\"pages\":512,\"bytes\":2097152,\"fail_enomem\":0,"
		"\"fail_ebusy\":0,\"fail_efault\":0,\"fail_other\":0},"
		"\"to_ram\":{\"count\":0,\"pages\":0,\"bytes\":0,\"fail_enomem\":0,\"fail_ebusy\":0,"
		"\"fail_efault\":0,\"fail_other\":0},"
		"\"cpu_faults_deferred\":0,\"evictions\":0,\"device_pages_in_use\":512}}]");
	/* Unknown (null) counters stay null: no invented zero. */
	assert_json(path_get(d, "kk", "counters", "clients"),
		"[{\"device\":0,\"client_id\":7,\"memory\":{"
		"\"system\":{\"total\":0,\"shared\":0,\"resident\":0,\"active\":0,\"purgeable\":0},"
		"\"vram0\":{\"total\":2097152,\"shared\":0,\"resident\":2097152,\"active\":0,\"purgeable\":0},"
		"\"vram1\":{\"total\":0,\"shared\":0,\"resident\":0,\"active\":0,\"purgeable\":0}}},"
		"{\"device\":0,\"client_id\":9,\"memory\":{"
		"\"system\":{\"total\":0,\"shared\":0,\"resident\":0,\"active\":null,\"purgeable\":0},"
		"\"vram0\":{\"total\":0,\"shared\":0,\"resident\":0,\"active\":null,\"purgeable\":0},"
		"\"vram1\":{\"total\":2097152,\"shared\":0,\"resident\":2097152,\"active\":null,\"purgeable\":0}}}]");
	json_decref(d);
}

static void test_object_changes(void **state)
{
	json_t *d = diff_files("example.json", "example-after.json");

	assert_json(path_get(d, "k", "from"),
		    "{\"generator\":\"xesvmctl 0.1.0\",\"captured_at\":\"2026-11-21T12:00:00Z\"}");
	assert_json(path_get(d, "k", "to"),
		    "{\"generator\":\"xesvmctl 0.1.0\",\"captured_at\":\"2026-11-21T12:00:30Z\"}");
	/* Counters moved but nothing else about devices, clients or pagemaps did. */
	assert_json(path_get(d, "k", "devices"), "{\"added\":[],\"removed\":[],\"changed\":[]}");
	assert_json(path_get(d, "k", "clients"), "{\"added\":[],\"removed\":[],\"changed\":[]}");
	assert_json(path_get(d, "k", "pagemaps"), "{\"added\":[],\"removed\":[],\"changed\":[]}");
	assert_json(path_get(d, "k", "vms"),
		"{\"added\":[],\"removed\":[],\"changed\":["
		"{\"key\":{\"device\":0,\"vm\":3},\"changes\":{\"num_ranges\":{\"before\":28,\"after\":27}}},"
		"{\"key\":{\"device\":0,\"vm\":5},\"changes\":{\"num_ranges\":{\"before\":12,\"after\":13}}}]}");
	assert_json(path_get(d, "k", "vmas"),
		"{\"added\":[],\"removed\":[],\"changed\":["
		"{\"key\":{\"device\":0,\"vm\":5,\"start\":140331613945856},"
		"\"changes\":{\"atomic_access\":{\"before\":\"cpu\",\"after\":\"global\"}}}]}");
	/* The example snapshots are of version 1: each range has its page set on its own device. */
	assert_json(path_get(d, "k", "ranges"),
		"{\"added\":[{\"device\":0,\"vm\":5,\"start\":140329483239424,\"end\":140329485336576,"
		"\"notifier_start\":140329466462208,\"notifier_end\":140330003333120,"
		"\"flags\":[\"migrate_devmem\",\"has_devmem_pages\",\"has_dma_mapping\"],"
		"\"residency\":\"device\",\"pages_count\":1,\"pages\":[{\"device\":0,"
		"\"flags\":[\"has_devmem_pages\",\"has_dma_mapping\"],\"pagemap\":1,\"notifier_seq\":30}],"
		"\"tile_present\":2,\"tile_invalidated\":0}],"
		"\"removed\":[{\"device\":0,\"vm\":3,\"start\":139887109996544,\"end\":139887112093696,"
		"\"notifier_start\":139887084830720,\"notifier_end\":139887621701632,"
		"\"flags\":[\"unmapped\",\"partial_unmap\",\"gc_pending\"],\"residency\":\"none\","
		"\"pages_count\":1,\"pages\":[{\"device\":0,\"flags\":[\"unmapped\"],\"pagemap\":null,"
		"\"notifier_seq\":30}],\"tile_present\":1,\"tile_invalidated\":1}],"
		"\"changed\":[{\"key\":{\"device\":0,\"vm\":3,\"start\":139887101607936},\"changes\":{"
		"\"flags\":{\"before\":[\"migrate_devmem\",\"has_dma_mapping\"],"
		"\"after\":[\"migrate_devmem\",\"has_devmem_pages\",\"has_dma_mapping\"]},"
		"\"residency\":{\"before\":\"system\",\"after\":\"device\"},"
		"\"pages[device=0].flags\":{\"before\":[\"has_dma_mapping\"],"
		"\"after\":[\"has_devmem_pages\",\"has_dma_mapping\"]},"
		"\"pages[device=0].pagemap\":{\"before\":null,\"after\":0},"
		"\"pages[device=0].notifier_seq\":{\"before\":22,\"after\":24}}}]}");
	json_decref(d);
}

/* A range at @start with the page sets @sets, and their flags. */
static struct xesvm_range range_with(uint64_t start, const struct xesvm_range_pages *sets,
				     unsigned int n)
{
	struct xesvm_range r = {
		.start = start, .end = start + 0x200000, .notifier_start = 0,
		.notifier_end = 0x20000000, .device = 0, .vm = 1, .pages_count = n,
	};

	for (unsigned int i = 0; i < n; i++)
		r.flags |= (uint16_t)sets[i].flags;
	assert_int_equal(xesvm_range_set_pages(&r, sets, n), 0);
	return r;
}

#define DMA XESVM_RANGE_HAS_DMA_MAPPING
#define DEV (XESVM_RANGE_HAS_DEVMEM_PAGES | XESVM_RANGE_HAS_DMA_MAPPING)

/*
 * Page sets are paired by device, not by position: a device's set that
 * moved in the list is unchanged, one that changed says which of its
 * members did, one only on one side is added or removed as a whole.
 */
static void test_page_sets_compared_per_device(void **state)
{
	const struct xesvm_range_pages before[] = {
		{ .device = 0, .flags = DEV, .pagemap = 5, .notifier_seq = 10 },
		{ .device = 1, .flags = DMA, .pagemap = XESVM_PAGEMAP_NONE, .notifier_seq = 10 },
		{ .device = 2, .flags = DMA, .pagemap = XESVM_PAGEMAP_NONE, .notifier_seq = 7 },
		{ .device = XESVM_DEVICE_NONE, .flags = 0, .pagemap = XESVM_PAGEMAP_NONE,
		  .notifier_seq = XESVM_NOTIFIER_SEQ_NONE },
	};
	const struct xesvm_range_pages after[] = {
		{ .device = 1, .flags = DMA, .pagemap = XESVM_PAGEMAP_NONE, .notifier_seq = 10 },
		{ .device = 0, .flags = DMA, .pagemap = XESVM_PAGEMAP_NONE, .notifier_seq = 12 },
		{ .device = 3, .flags = DEV, .pagemap = 8, .notifier_seq = 12 },
		{ .device = XESVM_DEVICE_NONE, .flags = 0, .pagemap = XESVM_PAGEMAP_NONE,
		  .notifier_seq = XESVM_NOTIFIER_SEQ_NONE },
	};
	struct xesvm_model *a = xesvm_model_new(), *b = xesvm_model_new();
	struct xesvm_range ra = range_with(0x200000, before, 4);
	struct xesvm_range rb = range_with(0x200000, after, 4);
	struct xesvm_error err = { 0 };
	json_t *d;
	char *text;

	assert_int_equal(xesvm_model_add_range(a, &ra), 0);
	assert_int_equal(xesvm_model_add_range(b, &rb), 0);
	/* The same page sets in another order, one more counted: only the count changed. */
	ra = range_with(0x400000, before, 2);
	rb = range_with(0x400000, (const struct xesvm_range_pages[]){ before[1], before[0] }, 2);
	rb.pages_count = 3;
	assert_int_equal(xesvm_model_add_range(a, &ra), 0);
	assert_int_equal(xesvm_model_add_range(b, &rb), 0);
	d = xesvm_model_diff(a, b, &err);
	assert_non_null(d);
	/* Compared as text: the order of the changes is part of the output. */
	text = json_dumps(path_get(d, "kk", "ranges", "changed"), JSON_COMPACT);
	assert_string_equal(text,
		"[{\"key\":{\"device\":0,\"vm\":1,\"start\":2097152},\"changes\":{"
		"\"pages[device=0].flags\":{\"before\":[\"has_devmem_pages\",\"has_dma_mapping\"],"
		"\"after\":[\"has_dma_mapping\"]},"
		"\"pages[device=0].pagemap\":{\"before\":5,\"after\":null},"
		"\"pages[device=0].notifier_seq\":{\"before\":10,\"after\":12},"
		"\"pages[device=2]\":{\"before\":{\"device\":2,\"flags\":[\"has_dma_mapping\"],"
		"\"pagemap\":null,\"notifier_seq\":7},\"after\":null},"
		"\"pages[device=3]\":{\"before\":null,\"after\":{\"device\":3,"
		"\"flags\":[\"has_devmem_pages\",\"has_dma_mapping\"],\"pagemap\":8,"
		"\"notifier_seq\":12}}}},"
		"{\"key\":{\"device\":0,\"vm\":1,\"start\":4194304},\"changes\":{"
		"\"pages_count\":{\"before\":2,\"after\":3}}}]");
	free(text);
	json_decref(d);
	xesvm_model_free(a);
	xesvm_model_free(b);
}

/* Two page sets of no device: the second is told apart by its place among them. */
static void test_page_sets_of_no_device(void **state)
{
	const struct xesvm_range_pages one[] = {
		{ .device = XESVM_DEVICE_NONE, .flags = DMA, .pagemap = XESVM_PAGEMAP_NONE,
		  .notifier_seq = 1 },
	};
	const struct xesvm_range_pages two[] = {
		one[0],
		{ .device = XESVM_DEVICE_NONE, .flags = 0, .pagemap = XESVM_PAGEMAP_NONE,
		  .notifier_seq = 2 },
	};
	struct xesvm_model *a = xesvm_model_new(), *b = xesvm_model_new();
	struct xesvm_range ra = range_with(0x200000, one, 1), rb = range_with(0x200000, two, 2);
	struct xesvm_error err = { 0 };
	json_t *d;
	char *text;

	assert_int_equal(xesvm_model_add_range(a, &ra), 0);
	assert_int_equal(xesvm_model_add_range(b, &rb), 0);
	d = xesvm_model_diff(a, b, &err);
	assert_non_null(d);
	text = json_dumps(path_get(d, "kkik", "ranges", "changed", 0, "changes"), JSON_COMPACT);
	assert_string_equal(text,
		"{\"pages_count\":{\"before\":1,\"after\":2},"
		"\"pages[device=null#2]\":{\"before\":null,\"after\":{\"device\":null,\"flags\":[],"
		"\"pagemap\":null,\"notifier_seq\":2}}}");
	free(text);
	json_decref(d);
	xesvm_model_free(a);
	xesvm_model_free(b);
}

static void test_identical_models_have_no_changes(void **state)
{
	json_t *d = diff_files("example.json", "example.json");
	static const char *const collections[] = { "devices", "clients", "vms", "vmas", "ranges",
		"pagemaps" };
	json_t *entry, *v;
	const char *key;
	size_t i, j;

	for (i = 0; i < 6; i++)
		assert_json(path_get(d, "k", collections[i]),
			    "{\"added\":[],\"removed\":[],\"changed\":[]}");
	json_array_foreach(path_get(d, "kk", "counters", "gts"), j, entry)
		json_object_foreach(json_object_get(entry, "stats"), key, v)
			assert_int_equal(int_at(v), 0);
	assert_int_equal(json_array_size(path_get(d, "kk", "counters", "gts")), 2);
	json_decref(d);
}

/* Ranges are matched by key, not position: a reordered model is unchanged. */
static void test_range_order_does_not_matter(void **state)
{
	struct xesvm_model *a = load_ok(snapshot_path("example.json"));
	struct xesvm_model *b = xesvm_model_new();
	struct xesvm_error err = { 0 };
	size_t i, n = xesvm_model_range_count(a);
	json_t *d;

	for (i = n; i-- > 0;)
		assert_int_equal(xesvm_model_add_range(b, xesvm_model_range(a, i)), 0);
	d = xesvm_model_diff(a, b, &err);
	assert_non_null(d);
	assert_json(path_get(d, "k", "ranges"), "{\"added\":[],\"removed\":[],\"changed\":[]}");
	/* b has no devices: the one in a is removed, and no GT pairs remain. */
	assert_int_equal(json_array_size(path_get(d, "kk", "devices", "removed")), 1);
	assert_int_equal(json_array_size(path_get(d, "kk", "counters", "gts")), 0);
	json_decref(d);
	xesvm_model_free(a);
	xesvm_model_free(b);
}

/* What xesvm_model_diff_write() writes of @a and @b, with @flags; caller frees. */
static char *diff_written(const struct xesvm_model *a, const struct xesvm_model *b,
			  unsigned int flags)
{
	struct xesvm_error err = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	if (xesvm_model_diff_write(a, b, out, flags, &err))
		fail_msg("diff write failed: %s", err.msg);
	assert_int_equal(fclose(out), 0);
	return text;
}

/*
 * The streamed diff is what jansson dumps of the whole diff object, and a
 * newline, byte for byte, compact and pretty; so are the lists walked
 * one entry at a time, counted first.
 */
static void assert_streamed_diff_is_the_dump(const struct xesvm_model *a,
					     const struct xesvm_model *b)
{
	static const char *const parts[] = { "added", "removed", "changed" };
	struct xesvm_error err = { 0 };
	json_t *whole = xesvm_model_diff(a, b, &err), *head, *entry;
	struct xesvm_range_diff *d;

	assert_non_null(whole);
	for (int pretty = 0; pretty < 2; pretty++) {
		char *dump = json_dumps(whole, pretty ? JSON_INDENT(2) : JSON_COMPACT);
		char *got = diff_written(a, b, pretty ? XESVM_WRITE_PRETTY : 0);

		assert_int_equal(got[strlen(got) - 1], '\n');
		got[strlen(got) - 1] = '\0';
		assert_string_equal(got, dump);
		free(dump);
		free(got);
	}
	/* The head is the rest, with "ranges" at its place, null. */
	head = xesvm_model_diff_head(a, b, &err);
	assert_non_null(head);
	assert_true(json_is_null(json_object_get(head, "ranges")));
	{
		json_t *rest = json_deep_copy(whole);

		assert_int_equal(json_object_set_new(rest, "ranges", json_null()), 0);
		assert_true(json_equal(rest, head));
		json_decref(rest);
	}
	d = xesvm_range_diff_new(a, b, &err);
	assert_non_null(d);
	for (size_t p = 0; p < 3; p++) {
		json_t *list = json_object_get(json_object_get(whole, "ranges"), parts[p]);
		size_t i = 0;

		assert_int_equal(xesvm_range_diff_count(d, (enum xesvm_diff_part)p),
				 json_array_size(list));
		while (xesvm_range_diff_next(d, &entry, &err) > 0) {
			assert_true(json_equal(entry, json_array_get(list, i++)));
			json_decref(entry);
		}
		assert_int_equal(i, json_array_size(list));
	}
	xesvm_range_diff_free(d);
	json_decref(head);
	json_decref(whole);
}

static void test_diff_write_equals_jansson_dump(void **state)
{
	static const char *const pairs[][2] = {
		{ "example.json", "example-after.json" },
		{ "example-after.json", "example.json" },
		{ "example.json", "example.json" },
		{ "example.json", "example-pages.json" },
	};
	struct xesvm_model *a, *b = xesvm_model_new(), *c;
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		a = load_ok(snapshot_path(pairs[i][0]));
		c = load_ok(snapshot_path(pairs[i][1]));
		assert_streamed_diff_is_the_dump(a, c);
		xesvm_model_free(a);
		xesvm_model_free(c);
	}
	/*
	 * Thousands of ranges out of key order on both sides, with page sets
	 * that come and go: many entries of every list, none of the whole held.
	 */
	a = xesvm_model_new();
	for (i = 0; i < 6000; i++) {
		const struct xesvm_range_pages sets[2] = {
			{ .device = 0, .flags = DMA, .pagemap = XESVM_PAGEMAP_NONE, .notifier_seq = i },
			{ .device = 1, .flags = DEV, .pagemap = 6, .notifier_seq = i / 3 },
		};
		struct xesvm_range r = range_with(0x200000 * ((i * 7919) % 6000 + 1), sets,
						  1 + (i % 7 == 0));

		if (i % 11)
			assert_int_equal(xesvm_model_add_range(a, &r), 0);
		r.tile_present = i % 13 == 0;
		if (i % 17) {
			r.start += i % 19 == 0 ? 0x1000 : 0;
			assert_int_equal(xesvm_model_add_range(b, &r), 0);
		}
	}
	assert_streamed_diff_is_the_dump(a, b);
	assert_streamed_diff_is_the_dump(b, a);
	xesvm_model_free(a);
	xesvm_model_free(b);
}

static void test_object_without_key_is_an_error(void **state)
{
	struct xesvm_model *a = xesvm_model_new(), *b = xesvm_model_new();
	struct xesvm_error err = { 0 };

	json_array_append_new(xesvm_model_array(b, "vms"), json_pack("{s:i}", "device", 0));
	assert_null(xesvm_model_diff(a, b, &err));
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_string_equal(err.msg, "diff: second: vms[0] has no integer \"vm\"");
	xesvm_model_free(a);
	xesvm_model_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_deltas),
		cmocka_unit_test(test_object_changes),
		cmocka_unit_test(test_page_sets_compared_per_device),
		cmocka_unit_test(test_page_sets_of_no_device),
		cmocka_unit_test(test_identical_models_have_no_changes),
		cmocka_unit_test(test_range_order_does_not_matter),
		cmocka_unit_test(test_diff_write_equals_jansson_dump),
		cmocka_unit_test(test_object_without_key_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
