// SPDX-License-Identifier: MIT
/*
 * The snapshot loader's range scanner against jansson: every file is
 * loaded twice, with the scanner and with jansson reading every range
 * (xesvm_range_scanner_enabled off), and both loads must give the same
 * result: the same status and error message, or the same model (root and
 * ranges). On every committed snapshot (tests/data/snapshots, the bad ones
 * too, and the fuzz corpus of the loader), and on generated ones in the
 * forms other writers may use: keys in any order, any JSON whitespace,
 * escaped keys, unknown keys, numbers at and past their limits, negative
 * and fractional numbers, duplicate keys and flags, missing keys, a
 * residency that contradicts the flags, "ranges" before "schema_version",
 * truncated files, and files larger than the loader's window so that
 * ranges straddle its end. Also checks that the scanner is used at all:
 * a clean range is read by it.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdint.h>
#include <unistd.h>

#include "helpers.h"
#include "model_internal.h"
#include "range_scanner.h"

/* Loads @path both ways and fails the test where they differ; returns whether it loaded. */
static bool load_both_ways(const char *path)
{
	struct xesvm_error fast_err = { 0 }, slow_err = { 0 };
	struct xesvm_model *fast = NULL, *slow = NULL;
	int fast_rc, slow_rc;
	size_t i;

	xesvm_range_scanner_enabled = true;
	fast_rc = xesvm_snapshot_load(path, &fast, &fast_err);
	xesvm_range_scanner_enabled = false;
	slow_rc = xesvm_snapshot_load(path, &slow, &slow_err);
	xesvm_range_scanner_enabled = true;

	if (fast_rc != slow_rc || fast_err.status != slow_err.status ||
	    strcmp(fast_err.msg, slow_err.msg))
		fail_msg("%s: scanner: %d \"%s\", jansson: %d \"%s\"", path, fast_rc, fast_err.msg,
			 slow_rc, slow_err.msg);
	if (fast_rc) {
		assert_null(fast);
		assert_null(slow);
		return false;
	}
	if (!json_equal(xesvm_model_root(fast), xesvm_model_root(slow)))
		fail_msg("%s: the root objects differ", path);
	if (xesvm_model_range_count(fast) != xesvm_model_range_count(slow))
		fail_msg("%s: %zu ranges with the scanner, %zu with jansson", path,
			 xesvm_model_range_count(fast), xesvm_model_range_count(slow));
	for (i = 0; i < xesvm_model_range_count(fast); i++)
		if (!xesvm_range_equal(xesvm_model_range(fast, i), xesvm_model_range(slow, i)))
			fail_msg("%s: range %zu differs", path, i);
	xesvm_model_free(fast);
	xesvm_model_free(slow);
	return true;
}

static size_t load_dir_both_ways(const char *dir)
{
	struct dirent *de;
	size_t files = 0;
	DIR *d = opendir(dir);

	if (!d)
		fail_msg("%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		char path[1024];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!strcmp(de->d_name, "bad")) {
			files += load_dir_both_ways(path);
			continue;
		}
		load_both_ways(path);
		files++;
	}
	closedir(d);
	return files;
}

static void test_committed_snapshots(void **state)
{
	const char *data = getenv("XESVM_TEST_DATA");
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s/snapshots", data ? data : XESVM_TEST_DATA_DIR);
	assert_true(load_dir_both_ways(dir) >= 5);
	snprintf(dir, sizeof(dir), "%s/../fuzz/corpus/snapshot", data ? data : XESVM_TEST_DATA_DIR);
	assert_true(load_dir_both_ways(dir) >= 5);
}

/* ------------------------------------------------------------------ */
/* Generated snapshots                                                 */
/* ------------------------------------------------------------------ */

/* xorshift64: the same files on every run. */
static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static bool one_in(unsigned int n)
{
	return rnd() % n == 0;
}

static const char *const ws_choices[] = { "", "", "", " ", "\n", "\t", "\r\n  " };

static void ws(FILE *f)
{
	fputs(ws_choices[rnd() % (sizeof(ws_choices) / sizeof(ws_choices[0]))], f);
}

/* A key as writers spell it, or escaped as only some do. */
static void key(FILE *f, const char *name)
{
	if (one_in(40))
		fprintf(f, "\"\\u%04x%s\"", name[0], name + 1);
	else
		fprintf(f, "\"%s\"", name);
}

/* An integer up to @max, now and then one a reader must refuse. */
static void number(FILE *f, uint64_t max, bool defects)
{
	static const char *const odd[] = {
		"-1", "1.0", "1e3", "01", "18446744073709551616", "9223372036854775808",
		"4294967296", "-0", "true", "\"7\"",
	};

	if (defects && one_in(60)) {
		fputs(odd[rnd() % (sizeof(odd) / sizeof(odd[0]))], f);
		return;
	}
	switch (rnd() % 4) {
	case 0: fprintf(f, "%" PRIu64, rnd() % 10); break;
	case 1: fprintf(f, "%" PRIu64, max); break;
	default: fprintf(f, "%" PRIu64, rnd() % (max > 1 ? max : 1)); break;
	}
}

static const char *const flag_names[] = {
	"migrate_devmem", "unmapped", "partial_unmap", "has_devmem_pages",
	"has_dma_mapping", "gc_pending", "stale",
};

static void range(FILE *f, bool defects)
{
	enum { N = 12 };
	static const char *const keys[N] = {
		"device", "vm", "start", "end", "notifier_start", "notifier_end", "notifier_seq",
		"flags", "residency", "pagemap", "tile_present", "tile_invalidated",
	};
	unsigned int order[N], i, flags = (unsigned int)(rnd() % 128);
	uint64_t start = (rnd() % (1ull << 46)) & ~0xfffull;
	struct xesvm_range r = { .flags = flags };
	bool first = true;

	for (i = 0; i < N; i++)
		order[i] = i;
	if (one_in(3))	/* any order, as another writer might use */
		for (i = N - 1; i > 0; i--) {
			unsigned int j = (unsigned int)(rnd() % (i + 1)), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
	fputc('{', f);
	for (i = 0; i < N; i++) {
		unsigned int k = order[i];

		if (defects && one_in(150))
			continue;	/* a missing key */
		if (!first)
			fputc(',', f);
		first = false;
		ws(f);
		key(f, keys[k]);
		ws(f);
		fputc(':', f);
		ws(f);
		switch (k) {
		case 0: case 1: case 10: case 11:
			number(f, UINT32_MAX, defects);
			break;
		case 2:
			fprintf(f, "%" PRIu64, start);
			break;
		case 3:
			if (defects && one_in(100))
				fprintf(f, "%" PRIu64, start);	/* end == start */
			else
				fprintf(f, "%" PRIu64, start + 4096 * (1 + rnd() % 512));
			break;
		case 4: case 5: case 6:
			number(f, INT64_MAX, defects);
			break;
		case 7: {
			unsigned int bit, n = 0;

			fputc('[', f);
			for (bit = 0; bit < 7; bit++) {
				if (!(flags & (1u << bit)))
					continue;
				if (n++)
					fputc(',', f);
				ws(f);
				fprintf(f, "\"%s\"", flag_names[bit]);
			}
			if (defects && one_in(80))
				fprintf(f, "%s\"%s\"", n ? "," : "", one_in(2) ? "bogus" : "stale");
			ws(f);
			fputc(']', f);
			break;
		}
		case 8: {
			const char *res = xesvm_residency_name(xesvm_range_residency(&r));

			if (defects && one_in(80))
				res = one_in(2) ? "device" : "elsewhere";
			fprintf(f, "\"%s\"", res);
			break;
		}
		case 9:
			if (one_in(2))
				fputs("null", f);
			else
				number(f, UINT32_MAX - 1, defects);
			break;
		}
		ws(f);
	}
	if (one_in(30)) {	/* a key of a later schema revision */
		fputc(',', f);
		key(f, "page_state");
		fputs(":{\"device\":[1,2],\"note\":\"a \\\"quoted\\\" } ]\"}", f);
	}
	if (defects && one_in(150))
		fputs(",\"vm\":1", f);	/* a duplicate key */
	fputc('}', f);
}

/* A snapshot of @count ranges; "ranges" first now and then, as another writer may put it. */
static void snapshot(const char *path, size_t count, bool defects)
{
	static const char *const head =
		"\"schema_version\":1,\"generator\":\"test\",\"notes\":[],"
		"\"vms\":[{\"device\":0,\"vm\":1,\"pid\":7,\"client_id\":null}]";
	bool ranges_first = one_in(4);
	FILE *f = fopen(path, "w");
	size_t i;

	assert_non_null(f);
	fputc('{', f);
	ws(f);
	if (!ranges_first)
		fprintf(f, "%s,", head);
	fputs("\"ranges\":", f);
	ws(f);
	fputc('[', f);
	for (i = 0; i < count; i++) {
		if (i)
			fputc(',', f);
		ws(f);
		range(f, defects);
	}
	ws(f);
	fputc(']', f);
	if (ranges_first)
		fprintf(f, ",%s", head);
	fputs("}\n", f);
	assert_int_equal(fclose(f), 0);
	/* Cut short now and then: a truncated file must fail the same both ways. */
	if (defects && one_in(10)) {
		FILE *g = fopen(path, "r+");
		long size;

		assert_non_null(g);
		assert_int_equal(fseek(g, 0, SEEK_END), 0);
		size = ftell(g);
		fclose(g);
		assert_int_equal(truncate(path, (off_t)(rnd() % (uint64_t)size)), 0);
	}
}

static void test_generated_snapshots(void **state)
{
	char dir[] = "/tmp/xesvm-scanner-XXXXXX", path[64];
	unsigned int i, loaded = 0;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/snap.json", dir);
	rnd_state = 0x9e3779b97f4a7c15ull;
	for (i = 0; i < 400; i++) {
		snapshot(path, 1 + rnd() % 30, i % 2);
		loaded += load_both_ways(path);
	}
	unlink(path);
	rmdir(dir);
	/* Both kinds must have been met: files that load and files that do not. */
	assert_true(loaded > 150 && loaded < 400);
}

/* Larger than the loader's window of 1 MiB: ranges straddle its end. */
static void test_generated_large_snapshots(void **state)
{
	char dir[] = "/tmp/xesvm-scanner-XXXXXX", path[64];
	unsigned int i;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/large.json", dir);
	rnd_state = 0x2545f4914f6cdd1dull;
	for (i = 0; i < 3; i++) {
		snapshot(path, 12000, false);
		assert_true(load_both_ways(path));
	}
	unlink(path);
	rmdir(dir);
}

/* The scanner reads a range as writers write it, and hands the odd ones back. */
static void test_scanner_takes_what_it_should(void **state)
{
	static const char clean[] =
		"{\"device\":0,\"vm\":1,\"start\":4096,\"end\":8192,\"notifier_start\":0,"
		"\"notifier_end\":1048576,\"notifier_seq\":9223372036854775807,"
		"\"flags\":[\"has_devmem_pages\"],\"residency\":\"device\",\"pagemap\":4294967294,"
		"\"tile_present\":4294967295,\"tile_invalidated\":0},";
	static const char escaped[] =
		"{\"\\u0064evice\":0,\"vm\":1,\"start\":4096,\"end\":8192,\"notifier_start\":0,"
		"\"notifier_end\":1048576,\"notifier_seq\":3,\"flags\":[],\"residency\":\"none\","
		"\"pagemap\":null,\"tile_present\":0,\"tile_invalidated\":0}";
	struct xesvm_range r;
	size_t used;

	assert_int_equal(xesvm_scan_range(clean, clean + strlen(clean), &r, &used), XESVM_SCAN_OK);
	assert_int_equal(used, strlen(clean) - 1);
	assert_int_equal(r.notifier_seq, INT64_MAX);
	assert_int_equal(r.pagemap, UINT32_MAX - 1);
	assert_int_equal(r.flags, XESVM_RANGE_HAS_DEVMEM_PAGES);
	assert_int_equal(xesvm_scan_range(escaped, escaped + strlen(escaped), &r, &used),
			 XESVM_SCAN_OTHER);
	/* Cut anywhere, it asks for more rather than guessing. */
	for (used = 1; used < strlen(clean) - 2; used++) {
		char part[sizeof(clean)];
		size_t n;

		memcpy(part, clean, used);
		part[used] = '\0';
		assert_int_equal(xesvm_scan_range(part, part + used, &r, &n), XESVM_SCAN_MORE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scanner_takes_what_it_should),
		cmocka_unit_test(test_committed_snapshots),
		cmocka_unit_test(test_generated_snapshots),
		cmocka_unit_test(test_generated_large_snapshots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
