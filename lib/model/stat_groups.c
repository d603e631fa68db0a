/* SPDX-License-Identifier: MIT */
/*
 * Which group a GT statistic belongs to when shown to people.
 *
 * One table, in the order of xe_gt_stats.c:stat_description[] (Linux 7.2).
 * Names the table does not know (a newer kernel) fall back to a prefix
 * rule and finally to "other", so new counters are still shown.
 */
#include <string.h>

#include "xesvm.h"

struct stat_group_entry {
	const char *name;
	const char *group;
};

static const struct stat_group_entry stat_groups[] = {
	{ "svm_pagefault_count", "faults" },
	{ "tlb_inval_count", "tlb" },
	{ "svm_tlb_inval_count", "tlb" },
	{ "svm_tlb_inval_us", "tlb" },
	{ "vma_pagefault_count", "faults" },
	{ "vma_pagefault_kb", "faults" },
	{ "invalid_prefetch_pagefault_count", "faults" },
	{ "svm_4K_pagefault_count", "faults" },
	{ "svm_64K_pagefault_count", "faults" },
	{ "svm_2M_pagefault_count", "faults" },
	{ "svm_4K_valid_pagefault_count", "faults" },
	{ "svm_64K_valid_pagefault_count", "faults" },
	{ "svm_2M_valid_pagefault_count", "faults" },
	{ "svm_4K_pagefault_us", "faults" },
	{ "svm_64K_pagefault_us", "faults" },
	{ "svm_2M_pagefault_us", "faults" },
	{ "svm_4K_migrate_count", "migrations" },
	{ "svm_64K_migrate_count", "migrations" },
	{ "svm_2M_migrate_count", "migrations" },
	{ "svm_4K_migrate_us", "migrations" },
	{ "svm_64K_migrate_us", "migrations" },
	{ "svm_2M_migrate_us", "migrations" },
	{ "svm_device_copy_us", "copies" },
	{ "svm_4K_device_copy_us", "copies" },
	{ "svm_64K_device_copy_us", "copies" },
	{ "svm_2M_device_copy_us", "copies" },
	{ "svm_cpu_copy_us", "copies" },
	{ "svm_4K_cpu_copy_us", "copies" },
	{ "svm_64K_cpu_copy_us", "copies" },
	{ "svm_2M_cpu_copy_us", "copies" },
	{ "svm_device_copy_kb", "copies" },
	{ "svm_4K_device_copy_kb", "copies" },
	{ "svm_64K_device_copy_kb", "copies" },
	{ "svm_2M_device_copy_kb", "copies" },
	{ "svm_cpu_copy_kb", "copies" },
	{ "svm_4K_cpu_copy_kb", "copies" },
	{ "svm_64K_cpu_copy_kb", "copies" },
	{ "svm_2M_cpu_copy_kb", "copies" },
	{ "svm_4K_get_pages_us", "get_pages" },
	{ "svm_64K_get_pages_us", "get_pages" },
	{ "svm_2M_get_pages_us", "get_pages" },
	{ "svm_4K_bind_us", "bind" },
	{ "svm_64K_bind_us", "bind" },
	{ "svm_2M_bind_us", "bind" },
	{ "hw_engine_group_suspend_lr_queue_count", "engine_groups" },
	{ "hw_engine_group_skip_lr_queue_count", "engine_groups" },
	{ "hw_engine_group_wait_dma_queue_count", "engine_groups" },
	{ "hw_engine_group_suspend_lr_queue_us", "engine_groups" },
	{ "hw_engine_group_wait_dma_queue_us", "engine_groups" },
	{ "prl_4k_entry_count", "page_reclaim" },
	{ "prl_64k_entry_count", "page_reclaim" },
	{ "prl_2m_entry_count", "page_reclaim" },
	{ "prl_issued_count", "page_reclaim" },
	{ "prl_aborted_count", "page_reclaim" },
};

/*
 * For counters a newer kernel adds: the families xe names consistently.
 * Checked in order; the first match wins.
 */
static const struct {
	const char *prefix;
	const char *contains;	/* NULL: any */
	const char *group;
} stat_group_rules[] = {
	{ "svm_", "_migrate_", "migrations" },
	{ "svm_", "_copy_", "copies" },
	{ "svm_", "_get_pages_", "get_pages" },
	{ "svm_", "_bind_", "bind" },
	{ "svm_", "pagefault", "faults" },
	{ "", "tlb_inval", "tlb" },
	{ "", "pagefault", "faults" },
	{ "hw_engine_group_", NULL, "engine_groups" },
	{ "prl_", NULL, "page_reclaim" },
};

const char *xesvm_stat_group(const char *stat_name)
{
	size_t i;

	if (!stat_name)
		return "other";
	for (i = 0; i < sizeof(stat_groups) / sizeof(stat_groups[0]); i++)
		if (!strcmp(stat_name, stat_groups[i].name))
			return stat_groups[i].group;
	for (i = 0; i < sizeof(stat_group_rules) / sizeof(stat_group_rules[0]); i++) {
		size_t n = strlen(stat_group_rules[i].prefix);

		if (strncmp(stat_name, stat_group_rules[i].prefix, n))
			continue;
		if (stat_group_rules[i].contains &&
		    !strstr(stat_name + n, stat_group_rules[i].contains))
			continue;
		return stat_group_rules[i].group;
	}
	return "other";
}
