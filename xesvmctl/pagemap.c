// SPDX-License-Identifier: MIT
/* `pagemap show`: device memory pagemaps and their migration statistics. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmdtab.h"
#include "render/human.h"
#include "view.h"

static void col_migrations(const void *row, const struct table_column *col,
			   const struct render_opts *ro, char *buf, size_t size)
{
	json_t *dir = json_object_get(json_object_get(row, "stats"), col->arg);
	char bytes[32];
	uint64_t count;

	if (!json_get_u64(dir, "count", &count)) {
		snprintf(buf, size, "-");
		return;
	}
	cell_bytes(bytes, sizeof(bytes), dir, "bytes", ro);
	snprintf(buf, size, "%" PRIu64 " (%s)", count, bytes);
}

static void col_failures(const void *row, const struct table_column *col,
			 const struct render_opts *ro, char *buf, size_t size)
{
	static const char *const dirs[] = { "to_device", "to_ram" };
	static const char *const kinds[] = { "fail_enomem", "fail_ebusy",
					     "fail_efault", "fail_other" };
	json_t *stats = json_object_get(row, "stats");
	uint64_t total = 0, v;
	bool any = false;

	for (size_t d = 0; d < 2; d++)
		for (size_t k = 0; k < 4; k++)
			if (json_get_u64(json_object_get(stats, dirs[d]), kinds[k], &v)) {
				total += v;
				any = true;
			}
	if (any)
		snprintf(buf, size, "%" PRIu64, total);
	else
		snprintf(buf, size, "-");
}

static void col_pagemap_stat(const void *row, const struct table_column *col,
			     const struct render_opts *ro, char *buf, size_t size)
{
	cell_int(buf, size, json_object_get(row, "stats"), col->arg);
}

static void col_pagemap_size(const void *row, const struct table_column *col,
			     const struct render_opts *ro, char *buf, size_t size)
{
	cell_bytes(buf, size, row, "size_bytes", ro);
}

static int pagemap_show(struct cli *cli, const struct cli_invocation *inv)
{
	static const struct table_column cols[] = {
		{ "DEV", true, col_int, NULL, "device" },
		{ "ID", true, col_int, NULL, "id" },
		{ "NAME", false, col_str, NULL, "name" },
		{ "REGION", false, col_str, NULL, "region" },
		{ "SIZE", true, col_pagemap_size, NULL, NULL },
		{ "PAGES-IN-USE", true, col_pagemap_stat, NULL, "device_pages_in_use" },
		{ "TO-DEVICE", true, col_migrations, NULL, "to_device" },
		{ "TO-RAM", true, col_migrations, NULL, "to_ram" },
		{ "FAILED", true, col_failures, NULL, NULL },
		{ "EVICTIONS", true, col_pagemap_stat, NULL, "evictions" },
		{ "CPU-DEFERRED", true, col_pagemap_stat, NULL, "cpu_faults_deferred" },
	};

	static const char *const view[] = { "pagemaps", NULL };
	static const struct collection_table table = { "pagemaps", cols, NCOLS(cols) };

	return view_show(cli, inv, "pagemaps", XESVM_VIEW_PAGEMAPS, view,
			 print_collection_table, &table);
}

static const struct cli_command pagemap_commands[] = {
	{ "show", "device memory pagemaps and their migration statistics",
	  (const struct cli_param[]){ CLI_DEV_PARAM, { 0 } }, NULL, 0, 0,
	  CLI_VALUE_NONE, pagemap_show },
	{ 0 },
};

const struct cli_object pagemap_object = {
	"pagemap", "device memory pagemaps (drm_pagemap)", pagemap_commands, true,
};
