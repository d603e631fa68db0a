// SPDX-License-Identifier: MIT
/*
 * Stat grouping: every counter of Linux 7.2 and 7.3 (xe_gt_stats.c
 * stat_description[]: the same 54 names in 7.2.13 and 7.3.4) lands in its
 * group, and names a newer kernel may add fall into the family they belong
 * to, or "other".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "xesvm.h"

static const char *expected_group(const char *name)
{
	/* Written from the enum's documentation in xe_gt_stats_types.h. */
	if (strstr(name, "tlb_inval"))
		return "tlb";
	if (strstr(name, "migrate"))
		return "migrations";
	if (strstr(name, "copy"))
		return "copies";
	if (strstr(name, "get_pages"))
		return "get_pages";
	if (strstr(name, "bind"))
		return "bind";
	if (strstr(name, "pagefault"))
		return "faults";
	if (!strncmp(name, "hw_engine_group_", 16))
		return "engine_groups";
	if (!strncmp(name, "prl_", 4))
		return "page_reclaim";
	return "other";
}

/* Every name in the recorded stats file (7.2.13; 7.3.4 has the same) has a real group. */
static void test_all_72_counters(void **state)
{
	size_t len, n = 0;
	char *text = test_read_data("debugfs-xe-2gt/dri/0000:03:00.0/tile0/gt0/stats", &len);
	char *p = text, *end = text + len;

	(void)state;
	while (p < end) {
		char *colon = memchr(p, ':', (size_t)(end - p));
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char name[128];

		assert_non_null(colon);
		assert_non_null(nl);
		snprintf(name, sizeof(name), "%.*s", (int)(colon - p), p);
		assert_string_not_equal(xesvm_stat_group(name), "other");
		assert_string_equal(xesvm_stat_group(name), expected_group(name));
		n++;
		p = nl + 1;
	}
	assert_int_equal(n, 54);
	free(text);
}

static void test_specific(void **state)
{
	(void)state;
	assert_string_equal(xesvm_stat_group("svm_pagefault_count"), "faults");
	assert_string_equal(xesvm_stat_group("svm_64K_migrate_count"), "migrations");
	assert_string_equal(xesvm_stat_group("svm_2M_cpu_copy_kb"), "copies");
	assert_string_equal(xesvm_stat_group("svm_device_copy_us"), "copies");
	assert_string_equal(xesvm_stat_group("svm_4K_get_pages_us"), "get_pages");
	assert_string_equal(xesvm_stat_group("svm_2M_bind_us"), "bind");
	assert_string_equal(xesvm_stat_group("tlb_inval_count"), "tlb");
	assert_string_equal(xesvm_stat_group("svm_tlb_inval_us"), "tlb");
	assert_string_equal(xesvm_stat_group("hw_engine_group_wait_dma_queue_us"), "engine_groups");
	assert_string_equal(xesvm_stat_group("prl_issued_count"), "page_reclaim");
	assert_string_equal(xesvm_stat_group("invalid_prefetch_pagefault_count"), "faults");
}

static void test_future_names(void **state)
{
	(void)state;
	assert_string_equal(xesvm_stat_group("svm_1G_migrate_count"), "migrations");
	assert_string_equal(xesvm_stat_group("svm_1G_cpu_copy_kb"), "copies");
	assert_string_equal(xesvm_stat_group("svm_1G_pagefault_us"), "faults");
	assert_string_equal(xesvm_stat_group("ggtt_tlb_inval_count"), "tlb");
	assert_string_equal(xesvm_stat_group("prl_1g_entry_count"), "page_reclaim");
	assert_string_equal(xesvm_stat_group("guc_ct_stall_us"), "other");
	assert_string_equal(xesvm_stat_group(""), "other");
	assert_string_equal(xesvm_stat_group(NULL), "other");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_72_counters),
		cmocka_unit_test(test_specific),
		cmocka_unit_test(test_future_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
