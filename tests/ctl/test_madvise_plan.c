// SPDX-License-Identifier: MIT
/*
 * madvise_plan(): the VMAs `madvise --dry-run` predicts. VMAs are written
 * as "START-END KIND PREFERRED POLICY ATOMIC PAT" (hex bounds, PREFERRED
 * "pagemap:N" for a pagemap), one per line, to keep cases readable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "madvise_plan.h"

/* One VMA from its one-line form. */
static json_t *vma(const char *line)
{
	char kind[32], pref[32], policy[32], atomic[32];
	unsigned long long start, end;
	unsigned int pat, pm = 0;
	json_t *o;

	if (sscanf(line, "%llx-%llx %31s %31s %31s %31s %u", &start, &end, kind,
		   pref, policy, atomic, &pat) != 7)
		fail_msg("bad VMA line \"%s\"", line);
	if (sscanf(pref, "pagemap:%u", &pm) == 1)
		snprintf(pref, sizeof(pref), "pagemap");
	o = json_pack("{s:i,s:i,s:I,s:I,s:s,s:s,s:o,s:s,s:s,s:i,s:n}",
		      "device", 0, "vm", 3, "start", (json_int_t)start,
		      "end", (json_int_t)end, "kind", kind,
		      "preferred_location", pref,
		      "preferred_pagemap", pm ? json_integer(pm) : json_null(),
		      "migration_policy", policy, "atomic_access", atomic,
		      "pat_index", pat, "purgeable");
	assert_non_null(o);
	return o;
}

/* An array of VMAs from lines separated by '\n'. */
static json_t *vmas(const char *text)
{
	json_t *a = json_array();
	char *copy = strdup(text), *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		json_array_append_new(a, vma(line));
	free(copy);
	return a;
}

/* The one-line form of every VMA of @a, '\n' separated. */
static char *lines(const json_t *a)
{
	size_t i, used = 0, size = 4096;
	char *out = calloc(1, size);
	json_t *o;

	json_array_foreach(a, i, o) {
		const char *pref = json_string_value(json_object_get(o, "preferred_location"));
		char prefbuf[32];

		if (strcmp(pref, "pagemap") == 0) {
			snprintf(prefbuf, sizeof(prefbuf), "pagemap:%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(o, "preferred_pagemap")));
			pref = prefbuf;
		} else {
			assert_true(json_is_null(json_object_get(o, "preferred_pagemap")));
		}
		used += (size_t)snprintf(out + used, size - used,
			"%llx-%llx %s %s %s %s %" JSON_INTEGER_FORMAT "\n",
			(unsigned long long)json_integer_value(json_object_get(o, "start")),
			(unsigned long long)json_integer_value(json_object_get(o, "end")),
			json_string_value(json_object_get(o, "kind")), pref,
			json_string_value(json_object_get(o, "migration_policy")),
			json_string_value(json_object_get(o, "atomic_access")),
			json_integer_value(json_object_get(o, "pat_index")));
	}
	return out;
}

static void expect_plan(const char *before, uint64_t start, uint64_t end,
			const char *change_json, const char *after)
{
	struct xesvm_error err = { 0 };
	json_t *in = vmas(before), *copy = json_deep_copy(in);
	json_t *change = json_loads(change_json, 0, NULL);
	json_t *plan;
	char *got;

	assert_non_null(change);
	plan = madvise_plan(in, start, end, change, &err);
	if (!plan)
		fail_msg("madvise_plan failed: %s", err.msg);
	got = lines(plan);
	if (strcmp(got, after) != 0)
		fail_msg("plan:\n%swant:\n%s", got, after);
	assert_true(json_equal(in, copy));	/* the input is left alone */
	free(got);
	json_decref(plan);
	json_decref(change);
	json_decref(copy);
	json_decref(in);
}

static void test_window_inside_one_vma(void **state)
{
	expect_plan("1000-9000 cpu_mirror default_device all_pages undefined 0",
		    0x3000, 0x5000, "{\"atomic_access\": \"device\"}",
		    "1000-3000 cpu_mirror default_device all_pages undefined 0\n"
		    "3000-5000 cpu_mirror default_device all_pages device 0\n"
		    "5000-9000 cpu_mirror default_device all_pages undefined 0\n");
}

static void test_window_at_the_edges(void **state)
{
	/* A window starting or ending with the VMA splits it in two only. */
	expect_plan("1000-9000 cpu_mirror default_device all_pages undefined 0",
		    0x1000, 0x2000, "{\"pat_index\": 3}",
		    "1000-2000 cpu_mirror default_device all_pages undefined 3\n"
		    "2000-9000 cpu_mirror default_device all_pages undefined 0\n");
	expect_plan("1000-9000 cpu_mirror default_device all_pages undefined 0",
		    0x8000, 0x9000, "{\"pat_index\": 3}",
		    "1000-8000 cpu_mirror default_device all_pages undefined 0\n"
		    "8000-9000 cpu_mirror default_device all_pages undefined 3\n");
	/* The whole VMA: no split. */
	expect_plan("1000-9000 cpu_mirror default_device all_pages undefined 0",
		    0x1000, 0x9000, "{\"pat_index\": 3}",
		    "1000-9000 cpu_mirror default_device all_pages undefined 3\n");
}

static void test_window_across_vmas_merges(void **state)
{
	/* Both pieces inside the window end up equal: one VMA. */
	expect_plan("1000-4000 cpu_mirror default_device all_pages undefined 0\n"
		    "4000-8000 cpu_mirror system all_pages cpu 0",
		    0x2000, 0x6000, "{\"preferred_location\": \"system\", \"preferred_pagemap\": null, \"atomic_access\": \"cpu\"}",
		    "1000-2000 cpu_mirror default_device all_pages undefined 0\n"
		    "2000-8000 cpu_mirror system all_pages cpu 0\n");
}

static void test_setting_what_is_there_changes_nothing(void **state)
{
	expect_plan("1000-9000 cpu_mirror default_device all_pages device 0",
		    0x3000, 0x5000, "{\"atomic_access\": \"device\"}",
		    "1000-9000 cpu_mirror default_device all_pages device 0\n");
}

static void test_unchanged_neighbours_stay_apart(void **state)
{
	/* Equal VMAs the change does not touch are not merged. */
	expect_plan("1000-2000 cpu_mirror default_device all_pages undefined 0\n"
		    "2000-3000 cpu_mirror default_device all_pages undefined 0\n"
		    "5000-6000 cpu_mirror default_device all_pages undefined 0",
		    0x5000, 0x6000, "{\"pat_index\": 1}",
		    "1000-2000 cpu_mirror default_device all_pages undefined 0\n"
		    "2000-3000 cpu_mirror default_device all_pages undefined 0\n"
		    "5000-6000 cpu_mirror default_device all_pages undefined 1\n");
}

static void test_other_kinds_keep_their_attributes(void **state)
{
	/* Only CPU-mirror VMAs take attributes; a bo in the window is kept whole. */
	expect_plan("1000-3000 cpu_mirror default_device all_pages undefined 0\n"
		    "3000-5000 bo default_device all_pages undefined 0\n"
		    "5000-7000 userptr default_device all_pages undefined 2\n"
		    "7000-9000 cpu_mirror default_device all_pages undefined 0",
		    0x2000, 0x8000, "{\"migration_policy\": \"only_system_pages\"}",
		    "1000-2000 cpu_mirror default_device all_pages undefined 0\n"
		    "2000-3000 cpu_mirror default_device only_system_pages undefined 0\n"
		    "3000-5000 bo default_device all_pages undefined 0\n"
		    "5000-7000 userptr default_device all_pages undefined 2\n"
		    "7000-8000 cpu_mirror default_device only_system_pages undefined 0\n"
		    "8000-9000 cpu_mirror default_device all_pages undefined 0\n");
}

static void test_pagemap_and_back(void **state)
{
	expect_plan("1000-9000 cpu_mirror pagemap:2 all_pages undefined 0",
		    0x1000, 0x2000, "{\"preferred_location\": \"default_device\", \"preferred_pagemap\": null}",
		    "1000-2000 cpu_mirror default_device all_pages undefined 0\n"
		    "2000-9000 cpu_mirror pagemap:2 all_pages undefined 0\n");
	expect_plan("1000-9000 cpu_mirror system all_pages undefined 0",
		    0x4000, 0x9000, "{\"preferred_location\": \"pagemap\", \"preferred_pagemap\": 7}",
		    "1000-4000 cpu_mirror system all_pages undefined 0\n"
		    "4000-9000 cpu_mirror pagemap:7 all_pages undefined 0\n");
}

static void test_holes_and_order(void **state)
{
	/* Unsorted input, a window over a hole: sorted output, nothing invented. */
	expect_plan("8000-9000 cpu_mirror default_device all_pages undefined 0\n"
		    "1000-2000 cpu_mirror default_device all_pages undefined 0",
		    0x3000, 0x7000, "{\"pat_index\": 1}",
		    "1000-2000 cpu_mirror default_device all_pages undefined 0\n"
		    "8000-9000 cpu_mirror default_device all_pages undefined 0\n");
	expect_plan("", 0x3000, 0x7000, "{\"pat_index\": 1}", "");
}

static void test_bad_vma(void **state)
{
	struct xesvm_error err = { 0 };
	json_t *in = json_pack("[{s:i,s:s}]", "start", 4096, "kind", "cpu_mirror");
	json_t *change = json_pack("{s:i}", "pat_index", 1);

	assert_null(madvise_plan(in, 0x1000, 0x2000, change, &err));
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_string_equal(err.msg, "VMA 0 has no valid start and end");
	json_decref(in);
	json_decref(change);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_inside_one_vma),
		cmocka_unit_test(test_window_at_the_edges),
		cmocka_unit_test(test_window_across_vmas_merges),
		cmocka_unit_test(test_setting_what_is_there_changes_nothing),
		cmocka_unit_test(test_unchanged_neighbours_stay_apart),
		cmocka_unit_test(test_other_kinds_keep_their_attributes),
		cmocka_unit_test(test_pagemap_and_back),
		cmocka_unit_test(test_holes_and_order),
		cmocka_unit_test(test_bad_vma),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
