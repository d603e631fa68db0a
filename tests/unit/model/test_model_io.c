// SPDX-License-Identifier: MIT
/* Writer and snapshot round trips: model -> JSON -> model is the identity. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "helpers.h"

/*
 * The loader relies on this jansson behaviour: with JSON_DISABLE_EOF_CHECK
 * a successful parse leaves error.position at the number of bytes consumed,
 * also for scalars whose end jansson only sees by reading one byte more.
 */
static void test_jansson_reports_consumed_bytes(void **state)
{
	static const struct { const char *text; int consumed; } cases[] = {
		{ "{\"a\":[1,2]} ,rest", 11 },
		{ "[1, {\"x\": null}]]", 16 },
		{ "12345,", 5 },
		{ "-7}", 2 },
		{ "1.5e3 ", 5 },
		{ "\"k\\\"ey\":1", 7 },
		{ "true,", 4 },
		{ "null]", 4 },
		{ "  {}  x", 4 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_error_t e;
		json_t *v = json_loadb(cases[i].text, strlen(cases[i].text),
				       JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &e);

		assert_non_null(v);
		if (e.position != cases[i].consumed)
			fail_msg("\"%s\": position %d, expected %d", cases[i].text,
				 e.position, cases[i].consumed);
		json_decref(v);
	}
}

#define SYNTHETIC_VM 0x100000001ULL

static struct xesvm_model *synthetic_model(size_t nranges)
{
	struct xesvm_model *m = xesvm_model_new();
	json_t *dev;
	size_t i;

	assert_non_null(m);
	xesvm_model_stamp(m);
	xesvm_model_set_source(m, "devices", "libdrm");
	xesvm_model_note(m, "debugfs not readable: needs root (%s)", "EACCES");
	dev = json_pack("{s:i, s:s, s:s, s:n, s:[{s:i, s:{s:I}}]}", "minor", 0, "driver", "xe",
			"pci_bdf", "0000:03:00.0", "card", "gts", "id", 0, "stats",
			"svm_pagefault_count", (json_int_t)123456789012LL);
	json_array_append_new(xesvm_model_array(m, "devices"), dev);
	/* A VM id past 32 bits, as the kernel gives them (it never reuses one). */
	json_array_append_new(xesvm_model_array(m, "vms"),
			      json_pack("{s:i,s:I,s:i,s:n,s:n,s:i,s:I,s:i,s:i}", "device", 0,
					"vm", (json_int_t)SYNTHETIC_VM, "pid", 100, "comm",
					"client_id", "start", 0,
					"end", (json_int_t)1 << 47, "num_vmas", 0, "num_ranges",
					(int)nranges));
	/* A key from a later minor schema revision survives the round trip. */
	json_object_set_new(xesvm_model_root(m), "x_future", json_pack("{s:s}", "a", "\xc3\xa9\n\""));
	for (i = 0; i < nranges; i++) {
		struct xesvm_range r = {
			.start = 0x100000000ull + i * 0x10000, .end = 0x100000000ull + (i + 1) * 0x10000,
			.notifier_start = 0x100000000ull, .notifier_end = 0x120000000ull,
			.device = 0, .vm = SYNTHETIC_VM, .flags = (uint16_t)(i % 128),
			.tile_present = (uint32_t)i & 3, .tile_invalidated = (uint32_t)(i >> 2) & 1,
		};
		/* Most ranges have one page set; every tenth is mapped by up to four devices. */
		unsigned int n = i % 10 ? 1 : (unsigned int)(i / 10 % 5), k;
		struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];

		for (k = 0; k < n; k++)
			sets[k] = (struct xesvm_range_pages){
				.notifier_seq = i % 4 == 1 ? XESVM_NOTIFIER_SEQ_NONE : i * 2 + k,
				.device = k == 3 ? XESVM_DEVICE_NONE : k,
				.pagemap = (i + k) % 3 ? XESVM_PAGEMAP_NONE : (uint32_t)(i + k) % 7,
				.flags = r.flags & XESVM_RANGE_PAGES_FLAGS &
					 (k ? ~0u : ~(uint32_t)XESVM_RANGE_STALE),
			};
		r.pages_count = n + (uint32_t)(i % 3 == 2);
		assert_int_equal(xesvm_range_set_pages(&r, sets, n), 0);
		assert_int_equal(xesvm_model_add_range(m, &r), 0);
	}
	return m;
}

/* The streaming writer produces exactly what jansson does for the whole tree. */
static void test_writer_equals_jansson_dump(void **state)
{
	struct xesvm_model *m = synthetic_model(100);
	json_t *whole = json_deep_copy(xesvm_model_root(m));
	json_t *ranges = json_array(), *ordered = json_object();
	const char *const *key;
	static const char *const order[] = { "schema_version", "generator", "captured_at", "host",
		"sources", "notes", "devices", "clients", "vms", "vmas", "ranges", "pagemaps",
		"events", "x_future", NULL };
	char *expected, *got;
	size_t i;
	int pretty;

	for (i = 0; i < xesvm_model_range_count(m); i++)
		json_array_append_new(ranges, xesvm_range_to_json(xesvm_model_range(m, i)));
	json_object_set_new(whole, "ranges", ranges);
	for (key = order; *key; key++)
		json_object_set(ordered, *key, json_object_get(whole, *key));
	assert_int_equal(json_object_size(ordered), json_object_size(whole));
	for (pretty = 0; pretty < 2; pretty++) {
		expected = json_dumps(ordered, pretty ? JSON_INDENT(2) : JSON_COMPACT);
		got = write_to_string(m, NULL, pretty ? XESVM_WRITE_PRETTY : 0);
		assert_int_equal(got[strlen(got) - 1], '\n');
		got[strlen(got) - 1] = '\0';
		assert_string_equal(got, expected);
		free(expected);
		free(got);
	}
	json_decref(ordered);
	json_decref(whole);
	xesvm_model_free(m);
}

static void round_trip_file(const struct xesvm_model *m, bool gzip)
{
	char dir[] = "/tmp/xesvm-test-XXXXXX", path[64];
	struct xesvm_error err = { 0 };
	struct xesvm_model *back;
	unsigned char magic[2];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/snap.json%s", dir, gzip ? ".gz" : "");
	assert_int_equal(xesvm_snapshot_save(m, path, gzip, &err), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(magic, 1, 2, f), 2);
	fclose(f);
	if (gzip)
		assert_true(magic[0] == 0x1f && magic[1] == 0x8b);
	else
		assert_int_equal(magic[0], '{');
	back = load_ok(path);
	assert_models_equal(m, back);
	xesvm_model_free(back);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);	/* no temporary file left behind */
}

static void test_round_trip_synthetic_plain_and_gzip(void **state)
{
	struct xesvm_model *m = synthetic_model(5000);

	round_trip_file(m, false);
	round_trip_file(m, true);
	xesvm_model_free(m);
}

/* A snapshot of this schema version written back is the same document as the file. */
static void test_round_trip_example_snapshot(void **state)
{
	struct xesvm_model *m = load_ok(snapshot_path("example-pages.json"));
	json_t *raw = json_load_file(snapshot_path("example-pages.json"), 0, NULL);
	char *written = write_to_string(m, NULL, XESVM_WRITE_PRETTY);
	json_t *rewritten = json_loads(written, 0, NULL);

	assert_non_null(raw);
	assert_non_null(rewritten);
	assert_int_equal(json_integer_value(json_object_get(raw, "schema_version")),
			 XESVM_SCHEMA_VERSION);
	assert_true(json_equal(raw, rewritten));
	round_trip_file(m, false);
	round_trip_file(m, true);
	free(written);
	json_decref(raw);
	json_decref(rewritten);
	xesvm_model_free(m);
}

/* The page set a range of schema version 1 (@old, as in the file) becomes. */
static void assert_converted_range(const json_t *old, const struct xesvm_range *r)
{
	struct xesvm_range_pages p;
	json_int_t seq = json_integer_value(json_object_get(old, "notifier_seq"));
	const json_t *pagemap = json_object_get(old, "pagemap");
	uint32_t page_flags = 0;
	size_t i;
	json_t *name;

	json_array_foreach(json_object_get(old, "flags"), i, name) {
		unsigned int bit;

		for (bit = 0; strcmp(xesvm_range_flag_name(bit), json_string_value(name)); bit++)
			;
		page_flags |= (1u << bit) & XESVM_RANGE_PAGES_FLAGS;
	}
	assert_int_equal(r->start, json_integer_value(json_object_get(old, "start")));
	assert_int_equal(r->pages_count, 1);
	assert_int_equal(r->pages_described, 1);
	p = xesvm_range_get_pages(r, 0);
	/* On the range's own device: a range of version 1 had its own pages. */
	assert_int_equal(p.device, json_integer_value(json_object_get(old, "device")));
	assert_int_equal(p.device, r->device);
	assert_int_equal(p.pagemap, json_is_null(pagemap) ? XESVM_PAGEMAP_NONE :
				    (uint32_t)json_integer_value(pagemap));
	/* Sequence 0 meant "never taken". */
	assert_int_equal(p.notifier_seq, seq ? (uint64_t)seq : XESVM_NOTIFIER_SEQ_NONE);
	assert_int_equal(p.flags, page_flags);
	assert_int_equal(p.flags & ~(uint32_t)r->flags, 0);
}

/*
 * The committed example snapshots are of schema version 1, as xesvmctl
 * wrote them before ranges had page sets: they load into this version,
 * each range with one page set of its own device, and are written as
 * this version.
 */
static void test_old_version_example_snapshots(void **state)
{
	static const char *const names[] = { "example.json", "example-after.json" };
	size_t i, k, with_device_pages = 0, never_taken = 0;

	for (i = 0; i < 2; i++) {
		struct xesvm_model *m = load_ok(snapshot_path(names[i]));
		json_t *raw = json_load_file(snapshot_path(names[i]), 0, NULL);
		json_t *old_ranges = json_object_get(raw, "ranges"), *old;
		struct xesvm_model *back;
		char *written;
		json_t *doc;

		assert_non_null(raw);
		assert_int_equal(json_integer_value(json_object_get(raw, "schema_version")), 1);
		assert_int_equal(xesvm_model_range_count(m), 40);
		assert_int_equal(json_array_size(old_ranges), 40);
		json_array_foreach(old_ranges, k, old) {
			const struct xesvm_range *r = xesvm_model_range(m, k);
			struct xesvm_range_pages p = xesvm_range_get_pages(r, 0);

			assert_converted_range(old, r);
			with_device_pages += p.pagemap != XESVM_PAGEMAP_NONE;
			never_taken += p.notifier_seq == XESVM_NOTIFIER_SEQ_NONE;
		}
		/* Written back: this version, the other collections as they were. */
		written = write_to_string(m, NULL, 0);
		doc = json_loads(written, 0, NULL);
		assert_non_null(doc);
		assert_int_equal(json_integer_value(json_object_get(doc, "schema_version")),
				 XESVM_SCHEMA_VERSION);
		assert_true(json_equal(json_object_get(doc, "vms"), json_object_get(raw, "vms")));
		assert_true(json_equal(json_object_get(doc, "pagemaps"),
				       json_object_get(raw, "pagemaps")));
		assert_null(json_object_get(json_array_get(json_object_get(doc, "ranges"), 0),
					    "notifier_seq"));
		back = load_ok(snapshot_path(names[i]));
		assert_models_equal(m, back);
		xesvm_model_free(back);
		round_trip_file(m, false);
		free(written);
		json_decref(doc);
		json_decref(raw);
		xesvm_model_free(m);
	}
	/* The examples hold both kinds: pages in device memory and not. */
	assert_true(with_device_pages > 10);
	assert_true(never_taken == 0);
}

/* A VM of version 1 counted "devmem_ranges": version 2's "devmem_pages", at its place. */
static void test_old_version_vm_counters(void **state)
{
	static const char text[] =
		"{\"vms\":[{\"device\":0,\"vm\":3,\"pid\":1,\"client_id\":2,\"start\":0,"
		"\"end\":4096,\"num_vmas\":0,\"num_ranges\":0,\"gpusvm_id\":4,\"notifiers\":1,"
		"\"devmem_ranges\":5,\"generation\":6},{\"device\":0,\"vm\":4,\"pid\":null,"
		"\"client_id\":null}],\"schema_version\":1}";
	char path[] = "/tmp/xesvm-v1-XXXXXX";
	int fd = mkstemp(path);
	struct xesvm_model *m;
	char *written;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	m = load_ok(path);
	written = write_to_string(m, &(struct xesvm_view){
		.collections = (const char *const[]){ "vms", NULL } }, 0);
	assert_string_equal(written,
		"{\"schema_version\":2,\"vms\":[{\"device\":0,\"vm\":3,\"pid\":1,\"client_id\":2,"
		"\"start\":0,\"end\":4096,\"num_vmas\":0,\"num_ranges\":0,\"gpusvm_id\":4,"
		"\"notifiers\":1,\"devmem_pages\":5,\"generation\":6},{\"device\":0,\"vm\":4,"
		"\"pid\":null,\"client_id\":null}]}\n");
	free(written);
	xesvm_model_free(m);
	unlink(path);
}

static void test_empty_model_round_trip(void **state)
{
	struct xesvm_model *m = xesvm_model_new();
	char *text = write_to_string(m, NULL, 0);

	assert_string_equal(text,
		"{\"schema_version\":2,\"generator\":null,\"captured_at\":null,\"host\":null,"
		"\"sources\":{},\"notes\":[],\"devices\":[],\"clients\":[],\"vms\":[],"
		"\"vmas\":[],\"ranges\":[],\"pagemaps\":[],\"events\":[]}\n");
	free(text);
	round_trip_file(m, false);
	xesvm_model_free(m);
}

static void test_view_writes_selected_collections(void **state)
{
	struct xesvm_model *m = load_ok(snapshot_path("example.json"));
	static const char *const ranges_only[] = { "ranges", NULL };
	static const char *const two[] = { "vms", "pagemaps", NULL };
	struct xesvm_error err = { 0 };
	struct xesvm_filter f;
	struct xesvm_view view = { .collections = ranges_only };
	struct xesvm_query *q;
	char *text;
	json_t *doc;

	xesvm_filter_init(&f);
	f.vm = 5;
	q = xesvm_query_new(m, &f, &err);
	assert_non_null(q);
	view.query = q;
	text = write_to_string(m, &view, 0);
	doc = json_loads(text, 0, NULL);
	assert_non_null(doc);
	assert_int_equal(json_object_size(doc), 2);
	assert_int_equal(json_integer_value(json_object_get(doc, "schema_version")),
			 XESVM_SCHEMA_VERSION);
	/* Example VM 5 has 12 ranges. */
	assert_int_equal(json_array_size(json_object_get(doc, "ranges")), 12);
	json_decref(doc);
	free(text);

	view.collections = two;
	view.query = NULL;
	text = write_to_string(m, &view, XESVM_WRITE_PRETTY);
	assert_non_null(strstr(text, "{\n  \"schema_version\": 2,\n  \"vms\": [\n    {\n      \"device\": 0,"));
	doc = json_loads(text, 0, NULL);
	assert_int_equal(json_object_size(doc), 3);
	assert_int_equal(json_array_size(json_object_get(doc, "vms")), 2);
	assert_int_equal(json_array_size(json_object_get(doc, "pagemaps")), 2);
	json_decref(doc);
	free(text);
	xesvm_query_free(q);
	xesvm_model_free(m);
}

/* A view's output is a partial model that loads back. */
static void test_view_output_loads_back(void **state)
{
	struct xesvm_model *m = load_ok(snapshot_path("example.json"));
	static const char *const ranges_only[] = { "ranges", NULL };
	struct xesvm_view view = { .collections = ranges_only };
	struct xesvm_error err = { 0 };
	struct xesvm_model *back = NULL;
	char path[] = "/tmp/xesvm-view-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	size_t i;

	assert_int_equal(xesvm_model_write_view(m, f, &view, 0, &err), 0);
	fclose(f);
	assert_int_equal(xesvm_snapshot_load(path, &back, &err), 0);
	assert_int_equal(xesvm_model_range_count(back), xesvm_model_range_count(m));
	for (i = 0; i < xesvm_model_range_count(m); i++)
		assert_true(xesvm_range_equal(xesvm_model_range(m, i), xesvm_model_range(back, i)));
	assert_int_equal(json_array_size(json_object_get(xesvm_model_root(back), "devices")), 0);
	xesvm_model_free(back);
	xesvm_model_free(m);
	unlink(path);
}

static void test_view_unknown_key_is_usage_error(void **state)
{
	struct xesvm_model *m = xesvm_model_new();
	static const char *const bad[] = { "frobs", NULL };
	struct xesvm_view view = { .collections = bad };
	struct xesvm_error err = { 0 };
	FILE *f = tmpfile();

	assert_int_equal(xesvm_model_write_view(m, f, &view, 0, &err), -1);
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_string_equal(err.msg, "cannot write \"frobs\": no such key in the model");
	fclose(f);
	xesvm_model_free(m);
}

static void test_write_reports_enospc(void **state)
{
	struct xesvm_model *m = synthetic_model(2000);
	struct xesvm_error err = { 0 };
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		skip();	/* no /dev/full in this environment */
	assert_int_equal(xesvm_model_write(m, f, 0, &err), -1);
	assert_int_equal(err.status, XESVM_E_SYSTEM);
	assert_int_equal(err.sys_errno, ENOSPC);
	assert_string_equal(err.msg, "write failed: No space left on device");
	fclose(f);
	xesvm_model_free(m);
}

static void test_write_reports_epipe(void **state)
{
	struct xesvm_model *m = synthetic_model(2000);
	struct xesvm_error err = { 0 };
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	int fds[2];
	FILE *f;

	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	f = fdopen(fds[1], "w");
	assert_int_equal(xesvm_model_write(m, f, XESVM_WRITE_PRETTY, &err), -1);
	assert_int_equal(err.status, XESVM_E_SYSTEM);
	assert_int_equal(err.sys_errno, EPIPE);
	assert_string_equal(err.msg, "write failed: Broken pipe");
	fclose(f);
	signal(SIGPIPE, old);
	xesvm_model_free(m);
}

static void test_save_is_atomic_and_reports_errors(void **state)
{
	char dir[] = "/tmp/xesvm-save-XXXXXX", path[96], missing[128];
	struct xesvm_model *m = synthetic_model(10), *back;
	struct xesvm_error err = { 0 };
	struct stat st;
	DIR *d;
	struct dirent *de;
	int entries = 0;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/snap.json", dir);
	f = fopen(path, "w");
	fputs("old content", f);
	fclose(f);
	assert_int_equal(xesvm_snapshot_save(m, path, false, &err), 0);
	back = load_ok(path);
	assert_models_equal(m, back);
	xesvm_model_free(back);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	d = opendir(dir);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' || (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")))
			entries++;
	closedir(d);
	assert_int_equal(entries, 1);	/* the snapshot, no leftover temporary */

	snprintf(missing, sizeof(missing), "%s/no/such/dir/snap.json", dir);
	assert_int_equal(xesvm_snapshot_save(m, missing, true, &err), -1);
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_non_null(strstr(err.msg, "no/such/dir/snap.json: cannot create snapshot: No such file or directory"));
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
	xesvm_model_free(m);
}

/* "-" means stdin for load and stdout for save, gzip detected on stdin too. */
static void test_stdio_dash(void **state)
{
	struct xesvm_model *m = synthetic_model(50), *back = NULL;
	struct xesvm_error err = { 0 };
	char path[] = "/tmp/xesvm-dash-XXXXXX";
	int fd = mkstemp(path), saved_out = dup(1), saved_in = dup(0);
	int gzip;

	for (gzip = 0; gzip < 2; gzip++) {
		assert_int_equal(ftruncate(fd, 0), 0);
		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
		fflush(stdout);
		dup2(fd, 1);
		assert_int_equal(xesvm_snapshot_save(m, "-", gzip, &err), 0);
		fflush(stdout);
		dup2(saved_out, 1);
		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
		dup2(fd, 0);
		assert_int_equal(xesvm_snapshot_load("-", &back, &err), 0);
		dup2(saved_in, 0);
		assert_models_equal(m, back);
		xesvm_model_free(back);
	}
	close(fd);
	close(saved_out);
	close(saved_in);
	unlink(path);
	xesvm_model_free(m);
}

static void test_stamp_and_notes(void **state)
{
	struct xesvm_model *m = xesvm_model_new();
	json_t *root = xesvm_model_root(m);
	char expected[64];

	setenv("SOURCE_DATE_EPOCH", "1795262400", 1);
	xesvm_model_stamp(m);
	unsetenv("SOURCE_DATE_EPOCH");
	assert_string_equal(json_string_value(json_object_get(root, "captured_at")),
			    "2026-11-21T12:00:00Z");
	snprintf(expected, sizeof(expected), "libxesvm %s", xesvm_version());
	assert_string_equal(json_string_value(json_object_get(root, "generator")), expected);
	assert_true(json_is_string(json_object_get(json_object_get(root, "host"), "kernel")));
	assert_true(json_is_string(json_object_get(json_object_get(root, "host"), "hostname")));
	xesvm_model_note(m, "stats: %s", "needs root");
	assert_string_equal(json_string_value(json_array_get(json_object_get(root, "notes"), 0)),
			    "stats: needs root");
	xesvm_model_set_source(m, "clients", "debugfs+fdinfo");
	assert_string_equal(json_string_value(json_object_get(json_object_get(root, "sources"),
							       "clients")), "debugfs+fdinfo");
	xesvm_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jansson_reports_consumed_bytes),
		cmocka_unit_test(test_writer_equals_jansson_dump),
		cmocka_unit_test(test_round_trip_synthetic_plain_and_gzip),
		cmocka_unit_test(test_round_trip_example_snapshot),
		cmocka_unit_test(test_old_version_example_snapshots),
		cmocka_unit_test(test_old_version_vm_counters),
		cmocka_unit_test(test_empty_model_round_trip),
		cmocka_unit_test(test_view_writes_selected_collections),
		cmocka_unit_test(test_view_output_loads_back),
		cmocka_unit_test(test_view_unknown_key_is_usage_error),
		cmocka_unit_test(test_write_reports_enospc),
		cmocka_unit_test(test_write_reports_epipe),
		cmocka_unit_test(test_save_is_atomic_and_reports_errors),
		cmocka_unit_test(test_stdio_dash),
		cmocka_unit_test(test_stamp_and_notes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
