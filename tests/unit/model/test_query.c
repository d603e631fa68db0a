// SPDX-License-Identifier: MIT
/* Address windows and selection semantics against tests/data/snapshots/example.json. */
#include "helpers.h"

static void expect_window(const char *text, uint64_t start, uint64_t end)
{
	struct xesvm_error err = { 0 };
	uint64_t s = 1, e = 1;

	if (xesvm_parse_window(text, &s, &e, &err))
		fail_msg("\"%s\" rejected: %s", text, err.msg);
	assert_int_equal(s, start);
	assert_int_equal(e, end);
}

static void expect_window_error(const char *text, const char *message)
{
	struct xesvm_error err = { 0 };
	uint64_t s = 7, e = 9;

	assert_int_equal(xesvm_parse_window(text, &s, &e, &err), -1);
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_string_equal(err.msg, message);
	assert_int_equal(s, 7);	/* outputs untouched on error */
	assert_int_equal(e, 9);
}

static void test_window_forms(void **state)
{
	expect_window("0x1000", 0x1000, 0x1001);
	expect_window("4096", 4096, 4097);
	expect_window("0x1000-0x2000", 0x1000, 0x2000);
	expect_window("0X7F3A00000000-140000000000000", 0x7f3a00000000, 140000000000000ull);
	expect_window("0x1000+0x1000", 0x1000, 0x2000);
	expect_window("0x1000+4K", 0x1000, 0x2000);
	expect_window("0x100000+2m", 0x100000, 0x300000);
	expect_window("0+1G", 0, 1ull << 30);
	expect_window("0x10+3T", 0x10, 0x10 + (3ull << 40));
}

static void test_window_errors(void **state)
{
	expect_window_error("", "empty address window (expected ADDR, ADDR-END or ADDR+LEN)");
	expect_window_error("0x", "address window \"0x\": bad address (expected hex 0x... or decimal)");
	expect_window_error("zz", "address window \"zz\": bad address (expected hex 0x... or decimal)");
	expect_window_error(" 12", "address window \" 12\": bad address (expected hex 0x... or decimal)");
	expect_window_error("-5", "address window \"-5\": bad address (expected hex 0x... or decimal)");
	expect_window_error("0x2000-0x1000", "address window \"0x2000-0x1000\": end is not above start (inverted window)");
	expect_window_error("0x2000-0x2000", "address window \"0x2000-0x2000\": end is not above start (empty window)");
	expect_window_error("0x2000-", "address window \"0x2000-\": bad end address");
	expect_window_error("0x2000+0", "address window \"0x2000+0\": empty window");
	expect_window_error("0x2000+", "address window \"0x2000+\": bad length (expected a number with optional K, M, G or T)");
	expect_window_error("0x2000+4X", "address window \"0x2000+4X\": bad length (expected a number with optional K, M, G or T)");
	expect_window_error("0x2000+4KK", "address window \"0x2000+4KK\": bad length (expected a number with optional K, M, G or T)");
	expect_window_error("0x10000000000000000", "address window \"0x10000000000000000\": address does not fit in 64 bits");
	expect_window_error("18446744073709551616", "address window \"18446744073709551616\": address does not fit in 64 bits");
	expect_window_error("0x1-0x10000000000000000", "address window \"0x1-0x10000000000000000\": end does not fit in 64 bits");
	expect_window_error("0xffffffffffffffff", "address window \"0xffffffffffffffff\": wraps past the end of the address space");
	expect_window_error("0xfffffffffffff000+4K", "address window \"0xfffffffffffff000+4K\": wraps past the end of the address space");
	expect_window_error("0x1+0xffffffffffffffff", "address window \"0x1+0xffffffffffffffff\": wraps past the end of the address space");
	expect_window_error("0+16777216T", "address window \"0+16777216T\": length does not fit in 64 bits");
	expect_window_error("0-1-2", "address window \"0-1-2\": bad end address");
}

/* Counts of what a filter selects in each collection of example.json. */
struct counts {
	size_t devices, clients, vms, vmas, ranges, pagemaps, events;
};

static struct counts count_matches(const struct xesvm_model *m, const struct xesvm_filter *f)
{
	static const char *const names[] = { "devices", "clients", "vms", "vmas", "pagemaps", "events" };
	struct xesvm_error err = { 0 };
	struct xesvm_query *q = xesvm_query_new(m, f, &err);
	struct counts c = { 0 };
	size_t *slots[] = { &c.devices, &c.clients, &c.vms, &c.vmas, &c.pagemaps, &c.events };
	size_t i, k;
	json_t *obj;

	if (!q)
		fail_msg("query rejected: %s", err.msg);
	for (k = 0; k < 6; k++)
		json_array_foreach(json_object_get(xesvm_model_root(m), names[k]), i, obj)
			*slots[k] += xesvm_query_match(q, names[k], obj);
	for (i = 0; i < xesvm_model_range_count(m); i++)
		c.ranges += xesvm_query_match_range(q, xesvm_model_range(m, i));
	xesvm_query_free(q);
	return c;
}

static void assert_counts(struct counts got, struct counts want)
{
	assert_int_equal(got.devices, want.devices);
	assert_int_equal(got.clients, want.clients);
	assert_int_equal(got.vms, want.vms);
	assert_int_equal(got.vmas, want.vmas);
	assert_int_equal(got.ranges, want.ranges);
	assert_int_equal(got.pagemaps, want.pagemaps);
	assert_int_equal(got.events, want.events);
}

static void test_empty_filter_selects_everything(void **state)
{
	struct xesvm_model *m = load_ok(snapshot_path("example.json"));
	struct xesvm_filter f;

	xesvm_filter_init(&f);
	assert_null(f.device);
	assert_int_equal(f.pid, -1);
	assert_int_equal(f.client_id, -1);
	assert_int_equal(f.vm, -1);
	assert_false(f.has_window);
	assert_counts(count_matches(m, &f), (struct counts){ 1, 2, 2, 12, 40, 2, 5 });
	xesvm_model_free(m);
}

static void test_device_selectors(void **state)
{
	static const char *const match[] = { "0", "card0", "/dev/dri/card0", "renderD128",
		"/dev/dri/renderD128", "0000:3a:00.0", "3a:00.0", "0000:3A:00.0" };
	static const char *const nomatch[] = { "1", "card1", "renderD129", "0000:3b:00.0",
		"3b:00.0", "dri/card0", "00", "" };
	struct xesvm_model *m = load_ok(snapshot_path("example.json"));
	struct xesvm_filter f;
	size_t i;

	xesvm_filter_init(&f);
	for (i = 0; i < sizeof(match) / sizeof(match[0]); i++) {
		f.device = match[i];
		assert_counts(count_matches(m, &f), (struct counts){ 1, 2, 2, 12, 40, 2, 5 });
	}
	for (i = 0; i < sizeof(nomatch) / sizeof(nomatch[0]); i++) {
		struct xesvm_error err = { 0 };
		char expected[64];

		f.device = nomatch[i];
		assert_null(xesvm_query_new(m, &f, &err));
		assert_int_equal(err.status, XESVM_E_USAGE);
		snprintf(expected, sizeof(expected), "no device matches \"%s\"", nomatch[i]);
		assert_string_equal(err.msg, expected);
	}
	xesvm_model_free(m);
}

/* Without a device table (a saved `range show` view), a card index is the minor. */
static void test_device_selector_on_partial_model(void **state)
{
	struct xesvm_model *m = xesvm_model_new();
	struct xesvm_range r = { .start = 0x1000, .end = 0x2000, .device = 2, .vm = 1 };
	struct xesvm_error err = { 0 };
	struct xesvm_filter f;
	struct xesvm_query *q;

	assert_int_equal(xesvm_model_add_range(m, &r), 0);
	xesvm_filter_init(&f);
	f.device = "2";
	q = xesvm_query_new(m, &f, &err);
	assert_non_null(q);
	assert_true(xesvm_query_match_range(q, &r));
	xesvm_query_free(q);
	f.device = "1";
	q = xesvm_query_new(m, &f, &err);
	assert_non_null(q);
	assert_false(xesvm_query_match_range(q, &r));
	xesvm_query_free(q);
	f.device = "card2";
	assert_null(xesvm_query_new(m, &f, &err));
	assert_string_equal(err.msg, "no device matches \"card2\"");
	xesvm_model_free(m);
}

static void test_pid_client_vm_filters(void **state)
{
	struct xesvm_model *m = load_ok(snapshot_path("example.json"));
	struct xesvm_filter f;

	/* pid 4242 owns VM 3 (client 7): 6 VMAs, 28 ranges, 4 events. */
	xesvm_filter_init(&f);
	f.pid = 4242;
	assert_counts(count_matches(m, &f), (struct counts){ 1, 1, 1, 6, 28, 2, 4 });
	xesvm_filter_init(&f);
	f.client_id = 9;
	assert_counts(count_matches(m, &f), (struct counts){ 1, 1, 1, 6, 12, 2, 1 });
	xesvm_filter_init(&f);
	f.vm = 5;
	assert_counts(count_matches(m, &f), (struct counts){ 1, 1, 1, 6, 12, 2, 1 });
	/* Contradicting criteria select nothing that they apply to. */
	xesvm_filter_init(&f);
	f.pid = 4242;
	f.vm = 5;
	assert_counts(count_matches(m, &f), (struct counts){ 1, 0, 0, 0, 0, 2, 0 });
	xesvm_filter_init(&f);
	f.pid = 1;
	assert_counts(count_matches(m, &f), (struct counts){ 1, 0, 0, 0, 0, 2, 0 });
	xesvm_model_free(m);
}

/* A VM without its own pid is attributed through its client. */
static void test_pid_resolves_through_clients(void **state)
{
	struct xesvm_model *m = load_ok(snapshot_path("example.json"));
	json_t *vm = json_array_get(json_object_get(xesvm_model_root(m), "vms"), 1);
	struct xesvm_filter f;

	json_object_set_new(vm, "pid", json_null());
	xesvm_filter_init(&f);
	f.pid = 5170;
	assert_counts(count_matches(m, &f), (struct counts){ 1, 1, 1, 6, 12, 2, 1 });
	json_object_set_new(vm, "client_id", json_null());
	assert_counts(count_matches(m, &f), (struct counts){ 1, 1, 0, 0, 0, 2, 0 });
	xesvm_model_free(m);
}

/*
 * VM ids are 64 bits: a VM filter, or a pid's VMs, never take vm 2^32 + 3
 * for vm 3 (or the other way round).
 */
static void test_vm_ids_of_64_bits(void **state)
{
	const json_int_t big = ((json_int_t)1 << 32) + 3;
	struct xesvm_model *m = xesvm_model_new();
	struct xesvm_range r3 = { .start = 0x1000, .end = 0x2000, .device = 0, .vm = 3 };
	struct xesvm_range rbig = { .start = 0x1000, .end = 0x2000, .device = 0,
				    .vm = (uint64_t)big };
	json_t *vms = xesvm_model_array(m, "vms");
	struct xesvm_error err = { 0 };
	struct xesvm_filter f;
	struct xesvm_query *q;

	json_array_append_new(vms, json_pack("{s:i,s:i,s:i,s:i}", "device", 0, "vm", 3,
					     "pid", 1, "client_id", 7));
	json_array_append_new(vms, json_pack("{s:i,s:I,s:i,s:i}", "device", 0, "vm", big,
					     "pid", 2, "client_id", 8));
	assert_int_equal(xesvm_model_add_range(m, &r3), 0);
	assert_int_equal(xesvm_model_add_range(m, &rbig), 0);

	xesvm_filter_init(&f);
	f.vm = big;
	q = xesvm_query_new(m, &f, &err);
	assert_non_null(q);
	assert_false(xesvm_query_match(q, "vms", json_array_get(vms, 0)));
	assert_true(xesvm_query_match(q, "vms", json_array_get(vms, 1)));
	assert_false(xesvm_query_match_range(q, &r3));
	assert_true(xesvm_query_match_range(q, &rbig));
	xesvm_query_free(q);

	xesvm_filter_init(&f);
	f.pid = 1;
	q = xesvm_query_new(m, &f, &err);
	assert_non_null(q);
	assert_true(xesvm_query_match_range(q, &r3));
	assert_false(xesvm_query_match_range(q, &rbig));
	xesvm_query_free(q);
	f.pid = 2;
	q = xesvm_query_new(m, &f, &err);
	assert_non_null(q);
	assert_false(xesvm_query_match_range(q, &r3));
	assert_true(xesvm_query_match_range(q, &rbig));
	xesvm_query_free(q);
	xesvm_model_free(m);
}

static void test_window_overlap(void **state)
{
	struct xesvm_model *m = load_ok(snapshot_path("example.json"));
	struct xesvm_filter f;

	xesvm_filter_init(&f);
	f.has_window = true;
	/* The last byte of VM 3's first 2M range and the first byte of its second
	 * (the fault and the migrate event cover the first). */
	f.start = 0x7f3a001fffff;
	f.end = 0x7f3a00200001;
	assert_counts(count_matches(m, &f), (struct counts){ 1, 2, 2, 1, 2, 2, 2 });
	/* [start, end) is half open: a window ending at a range's start misses it. */
	f.start = 0x7f39ffff0000;
	f.end = 0x7f3a00000000;
	assert_counts(count_matches(m, &f), (struct counts){ 1, 2, 2, 0, 0, 2, 0 });
	/* A 64K window inside the 64K-range VMA. */
	f.start = 0x7f3a40010000;
	f.end = 0x7f3a40020000;
	assert_counts(count_matches(m, &f), (struct counts){ 1, 2, 2, 1, 1, 2, 0 });
	xesvm_model_free(m);
}

static void test_query_rejects_empty_window(void **state)
{
	struct xesvm_model *m = xesvm_model_new();
	struct xesvm_error err = { 0 };
	struct xesvm_filter f;

	xesvm_filter_init(&f);
	f.has_window = true;
	f.start = 0x2000;
	f.end = 0x2000;
	assert_null(xesvm_query_new(m, &f, &err));
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_string_equal(err.msg, "empty or inverted address window");
	xesvm_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_forms),
		cmocka_unit_test(test_window_errors),
		cmocka_unit_test(test_empty_filter_selects_everything),
		cmocka_unit_test(test_device_selectors),
		cmocka_unit_test(test_device_selector_on_partial_model),
		cmocka_unit_test(test_pid_client_vm_filters),
		cmocka_unit_test(test_pid_resolves_through_clients),
		cmocka_unit_test(test_vm_ids_of_64_bits),
		cmocka_unit_test(test_window_overlap),
		cmocka_unit_test(test_query_rejects_empty_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
