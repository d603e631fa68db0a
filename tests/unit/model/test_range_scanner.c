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
 * ranges straddle its end; ranges of schema version 1 and 2, with up to
 * five page sets (one too many), page set flags the range lacks or that
 * are the range's own, more page sets than counted. Also checks that the
 * scanner is used at all: a clean range is read by it.
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

/* A flag array of @flags; with @defects now and then an unknown or repeated name. */
static void flag_array(FILE *f, unsigned int flags, bool defects)
{
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
}

/* A null or a number up to @max, as an optional id or sequence number. */
static void number_or_null(FILE *f, uint64_t max, bool defects)
{
	if (one_in(3))
		fputs("null", f);
	else
		number(f, max, defects);
}

/* An object of @n members, any order now and then; @member(f, k) writes member k's value. */
static void object(FILE *f, const char *const *keys, unsigned int n, bool defects,
		   void (*member)(FILE *f, unsigned int k, void *arg), void *arg)
{
	unsigned int order[16], i;
	bool first = true;

	for (i = 0; i < n; i++)
		order[i] = i;
	if (one_in(3))	/* any order, as another writer might use */
		for (i = n - 1; i > 0; i--) {
			unsigned int j = (unsigned int)(rnd() % (i + 1)), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
	fputc('{', f);
	for (i = 0; i < n; i++) {
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
		member(f, k, arg);
		ws(f);
	}
	if (one_in(30)) {	/* a key of a later schema revision */
		fputc(',', f);
		key(f, "page_state");
		fputs(":{\"device\":[1,2],\"note\":\"a \\\"quoted\\\" } ]\"}", f);
	}
	if (defects && one_in(150))
		fprintf(f, ",\"%s\":1", keys[1]);	/* a duplicate key */
	fputc('}', f);
}

struct range_gen {
	int version;
	bool defects;
	unsigned int flags;
	uint64_t start;
	unsigned int nsets;
	unsigned int set_flags;	/* of the page set being written */
};

static void page_set_member(FILE *f, unsigned int k, void *arg)
{
	struct range_gen *g = arg;

	switch (k) {
	case 0: number_or_null(f, UINT32_MAX - 1, g->defects); break;	/* device */
	case 1: flag_array(f, g->set_flags, g->defects); break;
	case 2: number_or_null(f, UINT32_MAX - 1, g->defects); break;	/* pagemap */
	default: number_or_null(f, INT64_MAX, g->defects); break;	/* notifier_seq */
	}
}

static void page_sets(FILE *f, struct range_gen *g)
{
	static const char *const keys[] = { "device", "flags", "pagemap", "notifier_seq" };
	unsigned int i;

	fputc('[', f);
	for (i = 0; i < g->nsets; i++) {
		if (i)
			fputc(',', f);
		ws(f);
		/* The page flags of the range's, a range-only flag now and then with defects. */
		g->set_flags = (unsigned int)rnd() & g->flags & 0x5a;
		if (g->defects && one_in(100))
			g->set_flags |= 1;
		object(f, keys, 4, g->defects, page_set_member, g);
	}
	ws(f);
	fputc(']', f);
}

static void range_member(FILE *f, unsigned int k, void *arg)
{
	struct range_gen *g = arg;
	const char *key = g->version == 1 ?
		(const char *const[]){ "device", "vm", "start", "end", "notifier_start", "notifier_end",
				       "notifier_seq", "flags", "residency", "pagemap",
				       "tile_present", "tile_invalidated" }[k] :
		(const char *const[]){ "device", "vm", "start", "end", "notifier_start", "notifier_end",
				       "flags", "residency", "pages_count", "pages",
				       "tile_present", "tile_invalidated" }[k];

	if (!strcmp(key, "device") || !strcmp(key, "tile_present") ||
	    !strcmp(key, "tile_invalidated")) {
		number(f, UINT32_MAX, g->defects);
	} else if (!strcmp(key, "vm")) {
		number(f, INT64_MAX, g->defects);	/* 64 bits, never reused */
	} else if (!strcmp(key, "start")) {
		fprintf(f, "%" PRIu64, g->start);
	} else if (!strcmp(key, "end")) {
		if (g->defects && one_in(100))
			fprintf(f, "%" PRIu64, g->start);	/* end == start */
		else
			fprintf(f, "%" PRIu64, g->start + 4096 * (1 + rnd() % 512));
	} else if (!strcmp(key, "flags")) {
		flag_array(f, g->flags, g->defects);
	} else if (!strcmp(key, "residency")) {
		struct xesvm_range r = { .flags = (uint16_t)g->flags };
		const char *res = xesvm_residency_name(xesvm_range_residency(&r));

		if (g->defects && one_in(80))
			res = one_in(2) ? "device" : "elsewhere";
		fprintf(f, "\"%s\"", res);
	} else if (!strcmp(key, "pagemap")) {
		if (one_in(2))
			fputs("null", f);
		else
			number(f, UINT32_MAX - 1, g->defects);
	} else if (!strcmp(key, "pages_count")) {
		/* Now and then fewer than the sets described (refused), or more (fine). */
		if (g->defects && one_in(60))
			fprintf(f, "%u", g->nsets ? g->nsets - 1 : 0);
		else
			fprintf(f, "%u", g->nsets + (unsigned int)(one_in(4) ? rnd() % 9 : 0));
	} else if (!strcmp(key, "pages")) {
		page_sets(f, g);
	} else {
		number(f, INT64_MAX, g->defects);	/* notifier_start, _end, _seq */
	}
}

/* A range of schema version @version. */
static void range(FILE *f, int version, bool defects)
{
	static const char *const keys_v1[] = {
		"device", "vm", "start", "end", "notifier_start", "notifier_end", "notifier_seq",
		"flags", "residency", "pagemap", "tile_present", "tile_invalidated",
	};
	static const char *const keys_v2[] = {
		"device", "vm", "start", "end", "notifier_start", "notifier_end",
		"flags", "residency", "pages_count", "pages", "tile_present", "tile_invalidated",
	};
	struct range_gen g = {
		.version = version, .defects = defects, .flags = (unsigned int)(rnd() % 128),
		.start = (rnd() % (1ull << 46)) & ~0xfffull,
		/* Mostly one page set, as drivers keep them; up to five (one too many). */
		.nsets = one_in(3) ? (unsigned int)(rnd() % (defects ? 6 : 5)) : 1,
	};

	object(f, version == 1 ? keys_v1 : keys_v2, 12, defects, range_member, &g);
}

/*
 * A snapshot of @count ranges, of schema version 2 or (one in three) 1;
 * "ranges" first now and then, as another writer may put it.
 */
static void snapshot(const char *path, size_t count, bool defects)
{
	int version = one_in(3) ? 1 : 2;
	char head[200];
	bool ranges_first = one_in(4);
	FILE *f = fopen(path, "w");
	size_t i;

	snprintf(head, sizeof(head),
		 "\"schema_version\":%d,\"generator\":\"test\",\"notes\":[],"
		 "\"vms\":[{\"device\":0,\"vm\":1,\"pid\":7,\"client_id\":null}]", version);
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
		range(f, version, defects);
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

/* Scans @text as a range of @version; the result, and in *@r the range. */
static enum xesvm_scan_result scan_text(const char *text, size_t len, int version,
					struct xesvm_range *r, struct xesvm_range_pages *sets,
					size_t *used)
{
	return xesvm_scan_range(text, text + len, version, r, sets, used);
}

/* The scanner reads a range as writers write it, and hands the odd ones back. */
static void test_scanner_takes_what_it_should(void **state)
{
	static const char clean[] =
		"{\"device\":0,\"vm\":9223372036854775807,\"start\":4096,\"end\":8192,"
		"\"notifier_start\":0,\"notifier_end\":1048576,\"flags\":[\"has_devmem_pages\",\"stale\"],"
		"\"residency\":\"device\",\"pages_count\":4294967295,\"pages\":["
		"{\"device\":4294967294,\"flags\":[\"has_devmem_pages\"],\"pagemap\":4294967294,"
		"\"notifier_seq\":9223372036854775807},{\"device\":null,\"flags\":[\"stale\"],"
		"\"pagemap\":null,\"notifier_seq\":null}],"
		"\"tile_present\":4294967295,\"tile_invalidated\":0},";
	static const char clean_v1[] =
		"{\"device\":3,\"vm\":4294967299,\"start\":4096,\"end\":8192,\"notifier_start\":0,"
		"\"notifier_end\":1048576,\"notifier_seq\":0,"
		"\"flags\":[\"migrate_devmem\",\"has_devmem_pages\"],\"residency\":\"device\","
		"\"pagemap\":7,\"tile_present\":1,\"tile_invalidated\":0}";
	static const char escaped[] =
		"{\"\\u0064evice\":0,\"vm\":1,\"start\":4096,\"end\":8192,\"notifier_start\":0,"
		"\"notifier_end\":1048576,\"flags\":[],\"residency\":\"none\","
		"\"pages_count\":0,\"pages\":[],\"tile_present\":0,\"tile_invalidated\":0}";
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX], p;
	struct xesvm_range r;
	size_t used;

	assert_int_equal(scan_text(clean, strlen(clean), 2, &r, sets, &used), XESVM_SCAN_OK);
	assert_int_equal(used, strlen(clean) - 1);
	assert_int_equal(r.vm, INT64_MAX);
	assert_int_equal(r.flags, XESVM_RANGE_HAS_DEVMEM_PAGES | XESVM_RANGE_STALE);
	assert_int_equal(r.pages_count, UINT32_MAX);
	assert_int_equal(r.pages_described, 2);
	p = xesvm_range_get_pages(&r, 0);
	assert_int_equal(p.device, UINT32_MAX - 1);
	assert_int_equal(p.pagemap, UINT32_MAX - 1);
	assert_int_equal(p.notifier_seq, INT64_MAX);
	assert_int_equal(p.flags, XESVM_RANGE_HAS_DEVMEM_PAGES);
	p = xesvm_range_get_pages(&r, 1);
	assert_int_equal(p.device, XESVM_DEVICE_NONE);
	assert_int_equal(p.pagemap, XESVM_PAGEMAP_NONE);
	assert_int_equal(p.notifier_seq, XESVM_NOTIFIER_SEQ_NONE);
	assert_int_equal(p.flags, XESVM_RANGE_STALE);
	/* Each version's keys, and only those. */
	assert_int_equal(scan_text(clean, strlen(clean), 1, &r, sets, &used), XESVM_SCAN_OTHER);
	assert_int_equal(scan_text(clean_v1, strlen(clean_v1), 2, &r, sets, &used),
			 XESVM_SCAN_OTHER);
	assert_int_equal(scan_text(clean_v1, strlen(clean_v1), 1, &r, sets, &used), XESVM_SCAN_OK);
	assert_int_equal(r.vm, 4294967299);
	assert_int_equal(r.pages_count, 1);
	p = xesvm_range_get_pages(&r, 0);
	assert_int_equal(p.device, 3);
	assert_int_equal(p.pagemap, 7);
	assert_int_equal(p.notifier_seq, XESVM_NOTIFIER_SEQ_NONE);
	assert_int_equal(p.flags, XESVM_RANGE_HAS_DEVMEM_PAGES);
	assert_int_equal(scan_text(escaped, strlen(escaped), 2, &r, sets, &used), XESVM_SCAN_OTHER);
	/* Cut anywhere, it asks for more rather than guessing. */
	for (used = 1; used < strlen(clean) - 2; used++) {
		char part[sizeof(clean)];
		size_t n;

		memcpy(part, clean, used);
		part[used] = '\0';
		assert_int_equal(scan_text(part, used, 2, &r, sets, &n), XESVM_SCAN_MORE);
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
