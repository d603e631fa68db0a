// SPDX-License-Identifier: MIT
/* `device show`: the xe DRM devices, their PCI address, nodes, regions and GTs. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmdtab.h"
#include "render/human.h"
#include "view.h"

static void col_gts(const void *row, const struct table_column *col,
		    const struct render_opts *ro, char *buf, size_t size)
{
	json_t *gts = json_object_get(row, "gts");
	size_t i, used = 0;
	json_t *gt;

	buf[0] = '\0';
	json_array_foreach(gts, i, gt) {
		uint64_t id;

		if (json_get_u64(gt, "id", &id))
			cell_appendf(buf, size, &used, ",", "gt%" PRIu64, id);
	}
	if (!buf[0])
		snprintf(buf, size, "-");
}

static void col_regions(const void *row, const struct table_column *col,
			const struct render_opts *ro, char *buf, size_t size)
{
	json_t *regions = json_object_get(row, "memory_regions");
	size_t i, used = 0;
	json_t *r;

	buf[0] = '\0';
	json_array_foreach(regions, i, r) {
		char name[64], bytes[32];

		cell_str(name, sizeof(name), r, "name");
		cell_bytes(bytes, sizeof(bytes), r, "total_bytes", ro);
		cell_appendf(buf, size, &used, ", ", "%s %s", name, bytes);
	}
	if (!buf[0])
		snprintf(buf, size, "-");
}

static int device_show(struct cli *cli, const struct cli_invocation *inv)
{
	static const struct table_column cols[] = {
		{ "DEV", true, col_int, NULL, "minor" },
		{ "DRIVER", false, col_str, NULL, "driver" },
		{ "PCI", false, col_str, NULL, "pci_bdf" },
		{ "ID", false, col_str, NULL, "pci_id" },
		{ "CARD", false, col_str, NULL, "card" },
		{ "RENDER", false, col_str, NULL, "render" },
		{ "GTS", false, col_gts, NULL, NULL },
		{ "MEMORY", false, col_regions, NULL, NULL },
	};

	static const char *const view[] = { "devices", NULL };
	static const struct collection_table table = { "devices", cols, NCOLS(cols) };

	return view_show(cli, inv, NULL, XESVM_VIEW_DEVICES, view, print_collection_table,
			 &table);
}

static const struct cli_command device_commands[] = {
	{ "show", "list xe DRM devices: PCI address, nodes, memory regions, GTs",
	  (const struct cli_param[]){ CLI_DEV_PARAM, { 0 } }, NULL, 0, 0,
	  CLI_VALUE_NONE, device_show },
	{ 0 },
};

const struct cli_object device_object = {
	"device", "xe DRM devices", device_commands, true,
};
