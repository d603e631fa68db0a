// SPDX-License-Identifier: MIT
/* struct xesvm_range <-> JSON: the one mapping, strict in both directions. */
#include <inttypes.h>

#include "helpers.h"

#define SAMPLE_FLAGS (XESVM_RANGE_MIGRATE_DEVMEM | XESVM_RANGE_HAS_DEVMEM_PAGES | \
		      XESVM_RANGE_HAS_DMA_MAPPING)

/* A range of one device with its one page set (the common case: kept in the range). */
static struct xesvm_range sample(void)
{
	static const struct xesvm_range_pages set = {
		.notifier_seq = 42, .device = 1, .pagemap = 3,
		.flags = XESVM_RANGE_HAS_DEVMEM_PAGES | XESVM_RANGE_HAS_DMA_MAPPING,
	};
	struct xesvm_range r = {
		.start = 0x7f3a00000000, .end = 0x7f3a00200000,
		.notifier_start = 0x7f3a00000000, .notifier_end = 0x7f3a20000000,
		.device = 1, .vm = 7, .flags = SAMPLE_FLAGS, .pages_count = 1,
		.tile_present = 2, .tile_invalidated = 1,
	};

	assert_int_equal(xesvm_range_set_pages(&r, &set, 1), 0);
	return r;
}

/* Page sets of three devices, of a range whose driver keeps five: kept aside. */
static const struct xesvm_range_pages three_sets[3] = {
	{ .notifier_seq = 42, .device = 1, .pagemap = 3,
	  .flags = XESVM_RANGE_HAS_DEVMEM_PAGES | XESVM_RANGE_HAS_DMA_MAPPING },
	{ .notifier_seq = XESVM_NOTIFIER_SEQ_NONE, .device = XESVM_DEVICE_NONE,
	  .pagemap = XESVM_PAGEMAP_NONE, .flags = 0 },
	{ .notifier_seq = 0, .device = 2, .pagemap = XESVM_PAGEMAP_NONE,
	  .flags = XESVM_RANGE_HAS_DMA_MAPPING | XESVM_RANGE_STALE },
};

static struct xesvm_range sample_three(void)
{
	struct xesvm_range r = sample();

	r.pages_count = 5;
	r.flags |= XESVM_RANGE_STALE;
	assert_int_equal(xesvm_range_set_pages(&r, three_sets, 3), 0);
	return r;
}

static char *compact(const json_t *obj)
{
	char *text = json_dumps(obj, JSON_COMPACT);

	assert_non_null(text);
	return text;
}

static void test_to_json_keys_and_values(void **state)
{
	struct xesvm_range one = sample(), three = sample_three();
	json_t *obj = xesvm_range_to_json(&one);
	char *text;

	assert_non_null(obj);
	text = compact(obj);
	/* Every key, in the documented order, with exact values. */
	assert_string_equal(text,
		"{\"device\":1,\"vm\":7,\"start\":139887084830720,\"end\":139887086927872,"
		"\"notifier_start\":139887084830720,\"notifier_end\":139887621701632,"
		"\"flags\":[\"migrate_devmem\",\"has_devmem_pages\",\"has_dma_mapping\"],"
		"\"residency\":\"device\",\"pages_count\":1,\"pages\":[{\"device\":1,"
		"\"flags\":[\"has_devmem_pages\",\"has_dma_mapping\"],\"pagemap\":3,"
		"\"notifier_seq\":42}],\"tile_present\":2,\"tile_invalidated\":1}");
	free(text);
	json_decref(obj);

	/* Nothing known of a page set is null; 0 is a sequence number like any other. */
	obj = xesvm_range_to_json(&three);
	text = compact(json_object_get(obj, "pages"));
	assert_string_equal(text,
		"[{\"device\":1,\"flags\":[\"has_devmem_pages\",\"has_dma_mapping\"],\"pagemap\":3,"
		"\"notifier_seq\":42},{\"device\":null,\"flags\":[],\"pagemap\":null,"
		"\"notifier_seq\":null},{\"device\":2,\"flags\":[\"has_dma_mapping\",\"stale\"],"
		"\"pagemap\":null,\"notifier_seq\":0}]");
	assert_int_equal(json_integer_value(json_object_get(obj, "pages_count")), 5);
	free(text);
	json_decref(obj);
}

static void test_page_sets_inline_and_aside(void **state)
{
	struct xesvm_range_pages five[5] = { three_sets[0], three_sets[1], three_sets[2] };
	struct xesvm_range one = sample(), three = sample_three(), r;
	struct xesvm_range_pages p;

	assert_int_equal(one.pages_described, 1);
	p = xesvm_range_get_pages(&one, 0);
	assert_true(xesvm_range_pages_equal(&p, &three_sets[0]));
	/* Several stay in the caller's array until a model copies them. */
	assert_int_equal(three.pages_described, 3);
	assert_ptr_equal(three.pages.several, three_sets);
	for (unsigned int i = 0; i < 3; i++) {
		p = xesvm_range_get_pages(&three, i);
		assert_true(xesvm_range_pages_equal(&p, &three_sets[i]));
	}
	r = one;
	assert_int_equal(xesvm_range_set_pages(&r, NULL, 0), 0);
	assert_int_equal(r.pages_described, 0);
	/* More than the kernel describes, or a flag of the range: refused, nothing changed. */
	r = one;
	five[3] = five[4] = three_sets[0];
	assert_int_equal(xesvm_range_set_pages(&r, five, 5), -EINVAL);
	five[0].flags |= XESVM_RANGE_MIGRATE_DEVMEM;
	assert_int_equal(xesvm_range_set_pages(&r, five, 1), -EINVAL);
	/* Member by member: the struct has padding before its page set. */
	assert_true(xesvm_range_equal(&r, &one));
}

static void test_round_trip_every_flag_combination(void **state)
{
	uint32_t flags;

	for (flags = 0; flags < (1u << XESVM_RANGE_FLAG_COUNT); flags++) {
		for (unsigned int n = 0; n <= 3; n++) {
			struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX], back[XESVM_RANGE_PAGES_MAX];
			struct xesvm_error err = { 0 };
			struct xesvm_range in = sample(), out;
			json_t *obj;

			in.flags = (uint16_t)flags;
			in.pages_count = n + (flags & 1);
			for (unsigned int i = 0; i < n; i++)
				sets[i] = (struct xesvm_range_pages){
					.notifier_seq = flags & 2 ? XESVM_NOTIFIER_SEQ_NONE : i,
					.device = i, .pagemap = flags & 1 ? XESVM_PAGEMAP_NONE : 5 + i,
					/* A range has the flags of its page sets, and its own. */
					.flags = flags & XESVM_RANGE_PAGES_FLAGS &
						 (i ? ~0u : ~(uint32_t)XESVM_RANGE_STALE),
				};
			assert_int_equal(xesvm_range_set_pages(&in, sets, n), 0);
			obj = xesvm_range_to_json(&in);
			assert_non_null(obj);
			assert_int_equal(json_array_size(json_object_get(obj, "flags")),
					 __builtin_popcount(flags));
			assert_int_equal(json_array_size(json_object_get(obj, "pages")), n);
			memset(&out, 0xa5, sizeof(out));
			assert_int_equal(xesvm_range_from_json(obj, &out, back, &err), 0);
			assert_true(xesvm_range_equal(&in, &out));
			json_decref(obj);
		}
	}
}

/* VM ids are 64 bits (the kernel never reuses one): up to the model's 2^63-1. */
static void test_vm_ids_of_64_bits(void **state)
{
	static const uint64_t ids[] = { 0x100000003ULL, INT64_MAX };
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	struct xesvm_error err = { 0 };
	struct xesvm_range in = sample(), out;
	json_t *obj;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		in.vm = ids[i];
		obj = xesvm_range_to_json(&in);
		assert_non_null(obj);
		assert_int_equal(json_integer_value(json_object_get(obj, "vm")), ids[i]);
		assert_int_equal(xesvm_range_from_json(obj, &out, sets, &err), 0);
		assert_int_equal(out.vm, ids[i]);
		assert_true(xesvm_range_equal(&in, &out));
		json_decref(obj);
	}
}

static void test_residency_from_flags(void **state)
{
	struct xesvm_range r = sample();
	struct xesvm_range_pages p = { .flags = XESVM_RANGE_HAS_DMA_MAPPING };

	r.flags = 0;
	assert_int_equal(xesvm_range_residency(&r), XESVM_RES_NONE);
	r.flags = XESVM_RANGE_HAS_DMA_MAPPING;
	assert_int_equal(xesvm_range_residency(&r), XESVM_RES_SYSTEM);
	r.flags = XESVM_RANGE_HAS_DMA_MAPPING | XESVM_RANGE_HAS_DEVMEM_PAGES;
	assert_int_equal(xesvm_range_residency(&r), XESVM_RES_DEVICE);
	r.flags = XESVM_RANGE_HAS_DEVMEM_PAGES;
	assert_int_equal(xesvm_range_residency(&r), XESVM_RES_DEVICE);
	r.flags |= XESVM_RANGE_UNMAPPED;
	assert_int_equal(xesvm_range_residency(&r), XESVM_RES_NONE);
	/* A page set's own residency, by the same rules. */
	assert_int_equal(xesvm_range_pages_residency(&p), XESVM_RES_SYSTEM);
	p.flags |= XESVM_RANGE_HAS_DEVMEM_PAGES;
	assert_int_equal(xesvm_range_pages_residency(&p), XESVM_RES_DEVICE);
	p.flags = XESVM_RANGE_STALE;
	assert_int_equal(xesvm_range_pages_residency(&p), XESVM_RES_NONE);
	assert_string_equal(xesvm_residency_name(XESVM_RES_NONE), "none");
	assert_string_equal(xesvm_residency_name(XESVM_RES_SYSTEM), "system");
	assert_string_equal(xesvm_residency_name(XESVM_RES_DEVICE), "device");
	assert_null(xesvm_residency_name((enum xesvm_residency)3));
}

static void test_flag_names(void **state)
{
	static const char *const expected[] = { "migrate_devmem", "unmapped", "partial_unmap",
		"has_devmem_pages", "has_dma_mapping", "gc_pending", "stale" };
	unsigned int i;

	for (i = 0; i < XESVM_RANGE_FLAG_COUNT; i++)
		assert_string_equal(xesvm_range_flag_name(i), expected[i]);
	assert_null(xesvm_range_flag_name(XESVM_RANGE_FLAG_COUNT));
}

static void expect_error_of(json_t *obj, int version, const char *message)
{
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	struct xesvm_error err = { 0 };
	struct xesvm_range out;

	assert_int_equal(xesvm_range_from_json_version(obj, version, &out, sets, &err), -1);
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_string_equal(err.msg, message);
	json_decref(obj);
}

/* Mutates one key of a valid range object (NULL @value: removes it) and checks the exact error. */
static void expect_from_json_error(const char *key, json_t *value, const char *message)
{
	struct xesvm_range r = sample_three();
	json_t *obj = xesvm_range_to_json(&r);

	if (value)
		json_object_set_new(obj, key, value);
	else
		json_object_del(obj, key);
	expect_error_of(obj, XESVM_SCHEMA_VERSION, message);
}

/* The same with a key of page set @index. */
static void expect_page_error(size_t index, const char *key, json_t *value, const char *message)
{
	struct xesvm_range r = sample_three();
	json_t *obj = xesvm_range_to_json(&r);
	json_t *set = json_array_get(json_object_get(obj, "pages"), index);

	if (value)
		json_object_set_new(set, key, value);
	else
		json_object_del(set, key);
	expect_error_of(obj, XESVM_SCHEMA_VERSION, message);
}

static void test_from_json_rejects_wrong_types(void **state)
{
	expect_from_json_error("start", json_string("0x1000"),
			       "range: \"start\" must be an integer");
	expect_from_json_error("vm", json_real(1.0), "range: \"vm\" must be an integer");
	expect_from_json_error("flags", json_string("migrate_devmem"),
			       "range: \"flags\" must be an array of strings");
	expect_from_json_error("flags", json_pack("[i]", 1),
			       "range: \"flags\"[0] must be a string");
	expect_from_json_error("residency", json_integer(2),
			       "range: \"residency\" must be a string");
	expect_from_json_error("tile_present", json_true(),
			       "range: \"tile_present\" must be an integer");
	expect_from_json_error("pages_count", json_null(),
			       "range: \"pages_count\" must be an integer");
	expect_from_json_error("pages", json_object(),
			       "range: \"pages\" must be an array of objects");
	expect_from_json_error("pages", json_pack("[i]", 1), "range: pages[0]: not a JSON object");
	expect_page_error(1, "pagemap", json_string("vram0"),
			  "range: pages[1]: \"pagemap\" must be an integer");
	expect_page_error(0, "device", json_string("card1"),
			  "range: pages[0]: \"device\" must be an integer");
	expect_page_error(2, "notifier_seq", json_real(2.0),
			  "range: pages[2]: \"notifier_seq\" must be an integer");
	expect_page_error(2, "flags", json_null(),
			  "range: pages[2]: \"flags\" must be an array of strings");
}

static void test_from_json_rejects_bad_values(void **state)
{
	struct xesvm_range r = sample_three();
	json_t *obj;

	expect_from_json_error("flags", json_pack("[s]", "sparkly"),
			       "range: \"flags\": unknown flag \"sparkly\"");
	expect_from_json_error("flags", json_pack("[s,s]", "unmapped", "unmapped"),
			       "range: \"flags\": flag \"unmapped\" given twice");
	expect_from_json_error("residency", json_string("vram"),
			       "range: \"residency\": unknown value \"vram\"");
	expect_from_json_error("residency", json_string("system"),
			       "range: \"residency\" is \"system\" but its flags say \"device\"");
	expect_from_json_error("device", json_integer(-1),
			       "range: \"device\" out of range: -1");
	expect_from_json_error("vm", json_integer(-1), "range: \"vm\" out of range: -1");
	expect_from_json_error("end", json_integer(0x7f3a00000000),
			       "range: \"end\" (139887084830720) must be above \"start\" (139887084830720)");
	expect_from_json_error("flags", NULL, "range: missing key \"flags\"");
	expect_from_json_error("residency", NULL, "range: missing key \"residency\"");
	expect_from_json_error("pages", NULL, "range: missing key \"pages\"");
	expect_from_json_error("pages_count", NULL, "range: missing key \"pages_count\"");
	expect_from_json_error("pages_count", json_integer(2),
			       "range: \"pages\" has 3 page sets, more than \"pages_count\" (2)");
	/* The flags of the range hold those of its page sets. */
	expect_from_json_error("flags", json_pack("[s,s,s]", "migrate_devmem", "has_devmem_pages",
						  "has_dma_mapping"),
			       "range: \"flags\" lack \"stale\" of pages[2] (a range has the flags of its page sets)");
	expect_page_error(1, "pagemap", json_integer(4294967295LL),
			  "range: pages[1]: \"pagemap\" out of range: 4294967295");
	expect_page_error(1, "device", json_integer(4294967295LL),
			  "range: pages[1]: \"device\" out of range: 4294967295");
	expect_page_error(0, "notifier_seq", json_integer(-2),
			  "range: pages[0]: \"notifier_seq\" out of range: -2");
	expect_page_error(0, "flags", json_pack("[s]", "gc_pending"),
			  "range: pages[0]: \"flags\": \"gc_pending\" is a flag of the range, not of a page set");
	expect_page_error(0, "flags", json_pack("[s]", "devmem"),
			  "range: pages[0]: \"flags\": unknown flag \"devmem\"");
	expect_page_error(2, "device", NULL, "range: pages[2]: missing key \"device\"");
	expect_page_error(2, "pagemap", NULL, "range: pages[2]: missing key \"pagemap\"");
	expect_page_error(2, "notifier_seq", NULL, "range: pages[2]: missing key \"notifier_seq\"");
	expect_page_error(2, "flags", NULL, "range: pages[2]: missing key \"flags\"");

	/* At most four page sets: what the kernel describes. */
	r.pages_count = 9;
	obj = xesvm_range_to_json(&r);
	for (int i = 0; i < 2; i++)
		json_array_append_new(json_object_get(obj, "pages"),
				      json_deep_copy(json_array_get(json_object_get(obj, "pages"), 0)));
	expect_error_of(obj, XESVM_SCHEMA_VERSION,
			"range: \"pages\" has 5 page sets; the kernel describes at most 4");
}

static void test_from_json_rejects_non_object(void **state)
{
	expect_error_of(json_array(), XESVM_SCHEMA_VERSION, "range: not a JSON object");
}

/* Additive schema changes do not break old readers: unknown range and page set keys are ignored. */
static void test_from_json_ignores_unknown_keys(void **state)
{
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	struct xesvm_range r = sample_three(), out;
	struct xesvm_error err = { 0 };
	json_t *obj = xesvm_range_to_json(&r);

	json_object_set_new(obj, "x_added_later", json_string("anything"));
	json_object_set_new(json_array_get(json_object_get(obj, "pages"), 1), "x_too",
			    json_integer(1));
	/* The keys of version 1, in a range of version 2: unknown there. */
	json_object_set_new(obj, "notifier_seq", json_string("old"));
	json_object_set_new(obj, "pagemap", json_true());
	assert_int_equal(xesvm_range_from_json(obj, &out, sets, &err), 0);
	assert_true(xesvm_range_equal(&out, &r));
	json_decref(obj);
}

/* A range of schema version 1 as an older xesvmctl wrote it. */
static json_t *v1_range(const char *flags_json, int64_t seq, const char *pagemap_json,
			const char *residency)
{
	char text[600];
	json_error_t e;
	json_t *obj;

	snprintf(text, sizeof(text),
		 "{\"device\":2,\"vm\":7,\"start\":4096,\"end\":8192,\"notifier_start\":0,"
		 "\"notifier_end\":1048576,\"notifier_seq\":%" PRId64 ",\"flags\":%s,"
		 "\"residency\":\"%s\",\"pagemap\":%s,\"tile_present\":1,\"tile_invalidated\":0}",
		 seq, flags_json, residency, pagemap_json);
	obj = json_loads(text, 0, &e);
	if (!obj)
		fail_msg("%s: %s", text, e.text);
	return obj;
}

/* Its pagemap and notifier_seq become one page set on its own device. */
static void test_from_json_converts_version_1(void **state)
{
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX], p;
	struct xesvm_error err = { 0 };
	struct xesvm_range r;
	json_t *obj = v1_range("[\"migrate_devmem\",\"has_devmem_pages\",\"has_dma_mapping\",\"gc_pending\",\"stale\"]",
			       9, "4", "device");

	assert_int_equal(xesvm_range_from_json_version(obj, 1, &r, sets, &err), 0);
	json_decref(obj);
	assert_int_equal(r.flags, XESVM_RANGE_MIGRATE_DEVMEM | XESVM_RANGE_HAS_DEVMEM_PAGES |
			 XESVM_RANGE_HAS_DMA_MAPPING | XESVM_RANGE_GC_PENDING | XESVM_RANGE_STALE);
	assert_int_equal(r.pages_count, 1);
	assert_int_equal(r.pages_described, 1);
	p = xesvm_range_get_pages(&r, 0);
	assert_int_equal(p.device, 2);
	assert_int_equal(p.pagemap, 4);
	assert_int_equal(p.notifier_seq, 9);
	assert_int_equal(p.flags, XESVM_RANGE_HAS_DEVMEM_PAGES | XESVM_RANGE_HAS_DMA_MAPPING |
			 XESVM_RANGE_STALE);

	/* Sequence 0 meant "never taken" in version 1; a null pagemap, system memory. */
	obj = v1_range("[\"unmapped\"]", 0, "null", "none");
	assert_int_equal(xesvm_range_from_json_version(obj, 1, &r, sets, &err), 0);
	json_decref(obj);
	p = xesvm_range_get_pages(&r, 0);
	assert_int_equal(p.notifier_seq, XESVM_NOTIFIER_SEQ_NONE);
	assert_int_equal(p.pagemap, XESVM_PAGEMAP_NONE);
	assert_int_equal(p.flags, XESVM_RANGE_UNMAPPED);

	/* Version 1's keys are required there, version 2's are not. */
	obj = v1_range("[]", 3, "null", "none");
	json_object_del(obj, "notifier_seq");
	expect_error_of(obj, 1, "range: missing key \"notifier_seq\"");
	obj = v1_range("[]", 3, "null", "none");
	json_object_del(obj, "pagemap");
	expect_error_of(obj, 1, "range: missing key \"pagemap\"");
	expect_error_of(v1_range("[]", 3, "4294967295", "none"), 1,
			"range: \"pagemap\" out of range: 4294967295");
	expect_error_of(v1_range("[]", 3, "null", "system"), 1,
			"range: \"residency\" is \"system\" but its flags say \"none\"");
	expect_error_of(v1_range("[]", 3, "null", "none"), 2, "range: missing key \"pages_count\"");
}

static void test_to_json_refuses_unrepresentable(void **state)
{
	struct xesvm_range r = sample();

	r.start = (uint64_t)INT64_MAX + 1;
	r.end = UINT64_MAX;
	assert_null(xesvm_range_to_json(&r));
	r = sample();
	r.vm = (uint64_t)INT64_MAX + 1;
	assert_null(xesvm_range_to_json(&r));
	r = sample_three();
	r.pages.several = (const struct xesvm_range_pages[3]){
		three_sets[0], three_sets[1],
		{ .notifier_seq = (uint64_t)INT64_MAX + 1, .device = 0, .pagemap = 0, .flags = 0 },
	};
	assert_null(xesvm_range_to_json(&r));
}

static void test_model_add_range_validates(void **state)
{
	struct xesvm_range_pages copy[3] = { three_sets[0], three_sets[1], three_sets[2] };
	struct xesvm_model *m = xesvm_model_new();
	struct xesvm_range one = sample(), r = one, three;

	assert_int_equal(xesvm_model_add_range(m, &r), 0);
	r.end = r.start;
	assert_int_equal(xesvm_model_add_range(m, &r), -EINVAL);
	r = one;
	r.start = (uint64_t)INT64_MAX + 1;
	r.end = UINT64_MAX;
	assert_int_equal(xesvm_model_add_range(m, &r), -EINVAL);
	r = one;
	r.vm = (uint64_t)INT64_MAX + 1;
	assert_int_equal(xesvm_model_add_range(m, &r), -EINVAL);
	r = one;
	r.flags = 1u << XESVM_RANGE_FLAG_COUNT;
	assert_int_equal(xesvm_model_add_range(m, &r), -EINVAL);
	/* A page set's flag the range lacks, more page sets than counted. */
	r = one;
	r.flags = XESVM_RANGE_MIGRATE_DEVMEM | XESVM_RANGE_HAS_DMA_MAPPING;
	assert_int_equal(xesvm_model_add_range(m, &r), -EINVAL);
	r = one;
	r.pages_count = 0;
	assert_int_equal(xesvm_model_add_range(m, &r), -EINVAL);
	r = one;
	r.pages_count = 5;
	r.flags |= XESVM_RANGE_STALE;
	assert_int_equal(xesvm_range_set_pages(&r, copy, 3), 0);
	copy[2].notifier_seq = (uint64_t)INT64_MAX + 1;
	assert_int_equal(xesvm_model_add_range(m, &r), -EINVAL);
	copy[2] = three_sets[2];

	/* Several page sets move into the model: the caller's may change or go. */
	assert_int_equal(xesvm_model_add_range(m, &r), 0);
	memset(copy, 0x5a, sizeof(copy));
	three = sample_three();
	assert_int_equal(xesvm_model_range_count(m), 2);
	assert_true(xesvm_range_equal(xesvm_model_range(m, 0), &one));
	assert_true(xesvm_range_equal(xesvm_model_range(m, 1), &three));
	assert_ptr_not_equal(xesvm_model_range(m, 1)->pages.several, copy);
	assert_null(xesvm_model_range(m, 2));
	xesvm_model_free(m);
}

/* Many ranges with several page sets: the model's storage for them grows and stays put. */
static void test_model_keeps_many_page_sets(void **state)
{
	struct xesvm_model *m = xesvm_model_new();
	struct xesvm_range r = sample_three();
	enum { N = 3000 };
	size_t i;

	for (i = 0; i < N; i++) {
		struct xesvm_range_pages sets[3] = { three_sets[0], three_sets[1], three_sets[2] };

		sets[1].notifier_seq = i;
		r.start = 0x1000 * (i + 1);
		r.end = r.start + 0x1000;
		assert_int_equal(xesvm_range_set_pages(&r, sets, 3), 0);
		assert_int_equal(xesvm_model_add_range(m, &r), 0);
	}
	for (i = 0; i < N; i++) {
		struct xesvm_range_pages p = xesvm_range_get_pages(xesvm_model_range(m, i), 1);

		assert_int_equal(p.notifier_seq, i);
		assert_int_equal(xesvm_model_range(m, i)->pages_described, 3);
	}
	xesvm_model_free(m);
}

static void test_error_keeps_first(void **state)
{
	struct xesvm_error err = { 0 };

	xesvm_error_set(&err, XESVM_E_USAGE, 0, "first: %d\nsecond line", 1);
	xesvm_error_set(&err, XESVM_E_SYSTEM, 5, "later");
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_int_equal(err.sys_errno, 0);
	assert_string_equal(err.msg, "first: 1 second line");
	xesvm_error_set(NULL, XESVM_E_USAGE, 0, "no crash without an error struct");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_to_json_keys_and_values),
		cmocka_unit_test(test_page_sets_inline_and_aside),
		cmocka_unit_test(test_round_trip_every_flag_combination),
		cmocka_unit_test(test_vm_ids_of_64_bits),
		cmocka_unit_test(test_residency_from_flags),
		cmocka_unit_test(test_flag_names),
		cmocka_unit_test(test_from_json_rejects_wrong_types),
		cmocka_unit_test(test_from_json_rejects_bad_values),
		cmocka_unit_test(test_from_json_rejects_non_object),
		cmocka_unit_test(test_from_json_ignores_unknown_keys),
		cmocka_unit_test(test_from_json_converts_version_1),
		cmocka_unit_test(test_to_json_refuses_unrepresentable),
		cmocka_unit_test(test_model_add_range_validates),
		cmocka_unit_test(test_model_keeps_many_page_sets),
		cmocka_unit_test(test_error_keeps_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
