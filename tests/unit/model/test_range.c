// SPDX-License-Identifier: MIT
/* struct xesvm_range <-> JSON: the one mapping, strict in both directions. */
#include "helpers.h"

static const struct xesvm_range sample = {
	.start = 0x7f3a00000000, .end = 0x7f3a00200000,
	.notifier_start = 0x7f3a00000000, .notifier_end = 0x7f3a20000000,
	.notifier_seq = 42, .device = 1, .vm = 7, .pagemap = 3,
	.flags = XESVM_RANGE_MIGRATE_DEVMEM | XESVM_RANGE_HAS_DEVMEM_PAGES |
		 XESVM_RANGE_HAS_DMA_MAPPING,
	.tile_present = 2, .tile_invalidated = 1,
};

static void test_to_json_keys_and_values(void **state)
{
	json_t *obj = xesvm_range_to_json(&sample);
	char *text;

	assert_non_null(obj);
	text = json_dumps(obj, JSON_COMPACT);
	/* Every key, in the documented order, with exact values. */
	assert_string_equal(text,
		"{\"device\":1,\"vm\":7,\"start\":139887084830720,\"end\":139887086927872,"
		"\"notifier_start\":139887084830720,\"notifier_end\":139887621701632,"
		"\"notifier_seq\":42,\"flags\":[\"migrate_devmem\",\"has_devmem_pages\","
		"\"has_dma_mapping\"],\"residency\":\"device\",\"pagemap\":3,"
		"\"tile_present\":2,\"tile_invalidated\":1}");
	free(text);
	json_decref(obj);
}

static void test_round_trip_every_flag_combination(void **state)
{
	uint32_t flags;

	for (flags = 0; flags < (1u << XESVM_RANGE_FLAG_COUNT); flags++) {
		struct xesvm_error err = { 0 };
		struct xesvm_range in = sample, out;
		json_t *obj;

		in.flags = flags;
		in.pagemap = flags & 1 ? XESVM_PAGEMAP_NONE : 5;
		obj = xesvm_range_to_json(&in);
		assert_non_null(obj);
		assert_int_equal(json_array_size(json_object_get(obj, "flags")),
				 __builtin_popcount(flags));
		memset(&out, 0xa5, sizeof(out));
		assert_int_equal(xesvm_range_from_json(obj, &out, &err), 0);
		assert_memory_equal(&in, &out, sizeof(in));
		if (in.pagemap == XESVM_PAGEMAP_NONE)
			assert_true(json_is_null(json_object_get(obj, "pagemap")));
		json_decref(obj);
	}
}

static void test_residency_from_flags(void **state)
{
	struct xesvm_range r = sample;

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

/* Mutates one key of a valid range object and checks the exact error. */
static void expect_from_json_error(const char *key, json_t *value, const char *message)
{
	struct xesvm_error err = { 0 };
	struct xesvm_range out;
	json_t *obj = xesvm_range_to_json(&sample);

	if (value)
		json_object_set_new(obj, key, value);
	else
		json_object_del(obj, key);
	assert_int_equal(xesvm_range_from_json(obj, &out, &err), -1);
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_string_equal(err.msg, message);
	json_decref(obj);
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
	expect_from_json_error("pagemap", json_string("vram0"),
			       "range: \"pagemap\" must be an integer");
	expect_from_json_error("tile_present", json_true(),
			       "range: \"tile_present\" must be an integer");
}

static void test_from_json_rejects_bad_values(void **state)
{
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
	expect_from_json_error("vm", json_integer(4294967296LL),
			       "range: \"vm\" out of range: 4294967296");
	expect_from_json_error("pagemap", json_integer(4294967295LL),
			       "range: \"pagemap\" out of range: 4294967295");
	expect_from_json_error("end", json_integer(0x7f3a00000000),
			       "range: \"end\" (139887084830720) must be above \"start\" (139887084830720)");
	expect_from_json_error("notifier_seq", NULL, "range: missing key \"notifier_seq\"");
	expect_from_json_error("flags", NULL, "range: missing key \"flags\"");
	expect_from_json_error("pagemap", NULL, "range: missing key \"pagemap\"");
	expect_from_json_error("residency", NULL, "range: missing key \"residency\"");
}

static void test_from_json_rejects_non_object(void **state)
{
	struct xesvm_error err = { 0 };
	struct xesvm_range out;
	json_t *arr = json_array();

	assert_int_equal(xesvm_range_from_json(arr, &out, &err), -1);
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_string_equal(err.msg, "range: not a JSON object");
	json_decref(arr);
}

/* Additive schema changes do not break old readers: unknown range keys are ignored. */
static void test_from_json_ignores_unknown_keys(void **state)
{
	struct xesvm_error err = { 0 };
	struct xesvm_range out;
	json_t *obj = xesvm_range_to_json(&sample);

	json_object_set_new(obj, "x_added_later", json_string("anything"));
	assert_int_equal(xesvm_range_from_json(obj, &out, &err), 0);
	assert_memory_equal(&out, &sample, sizeof(sample));
	json_decref(obj);
}

static void test_to_json_refuses_unrepresentable(void **state)
{
	struct xesvm_range r = sample;

	r.notifier_seq = (uint64_t)INT64_MAX + 1;
	assert_null(xesvm_range_to_json(&r));
}

static void test_model_add_range_validates(void **state)
{
	struct xesvm_model *m = xesvm_model_new();
	struct xesvm_range r = sample;

	assert_int_equal(xesvm_model_add_range(m, &r), 0);
	r.end = r.start;
	assert_int_equal(xesvm_model_add_range(m, &r), -EINVAL);
	r = sample;
	r.start = (uint64_t)INT64_MAX + 1;
	r.end = UINT64_MAX;
	assert_int_equal(xesvm_model_add_range(m, &r), -EINVAL);
	r = sample;
	r.flags = 1u << XESVM_RANGE_FLAG_COUNT;
	assert_int_equal(xesvm_model_add_range(m, &r), -EINVAL);
	assert_int_equal(xesvm_model_range_count(m), 1);
	assert_memory_equal(xesvm_model_range(m, 0), &sample, sizeof(sample));
	assert_null(xesvm_model_range(m, 1));
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
		cmocka_unit_test(test_round_trip_every_flag_combination),
		cmocka_unit_test(test_residency_from_flags),
		cmocka_unit_test(test_flag_names),
		cmocka_unit_test(test_from_json_rejects_wrong_types),
		cmocka_unit_test(test_from_json_rejects_bad_values),
		cmocka_unit_test(test_from_json_rejects_non_object),
		cmocka_unit_test(test_from_json_ignores_unknown_keys),
		cmocka_unit_test(test_to_json_refuses_unrepresentable),
		cmocka_unit_test(test_model_add_range_validates),
		cmocka_unit_test(test_error_keeps_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
