// SPDX-License-Identifier: MIT
/* `client show`: the DRM clients of each device, a TOTAL and RESIDENT column per memory region seen. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmdtab.h"
#include "render/human.h"
#include "view.h"

#define MAX_REGIONS 8

struct region_col {
	const char *region;
	const char *field;
};

static void col_client_mem(const void *row, const struct table_column *col,
			   const struct render_opts *ro, char *buf, size_t size)
{
	const struct region_col *rc = col->arg;
	json_t *region = json_object_get(json_object_get(row, "memory"), rc->region);

	cell_bytes(buf, size, region, rc->field, ro);
}

/* The human view: the region columns depend on the clients selected. */
static int print_clients(struct cli *cli, const struct view *v, const void *arg)
{
	struct table_column cols[5 + 2 * MAX_REGIONS] = {
		{ "DEV", true, col_int, NULL, "device" },
		{ "CLIENT", true, col_int, NULL, "client_id" },
		{ "PID", true, col_int, NULL, "pid" },
		{ "COMM", false, col_str, NULL, "comm" },
		{ "NAME", false, col_str, NULL, "name" },
	};
	struct region_col rcols[2 * MAX_REGIONS];
	char headers[2 * MAX_REGIONS][48];
	size_t ncols = 5, nregions = 0;
	json_t *clients = xesvm_model_array(v->m, "clients");
	const char *regions[MAX_REGIONS];
	size_t i;
	json_t *client;

	/* Regions in order of first appearance, so columns are stable. */
	json_array_foreach(clients, i, client) {
		const char *name;
		json_t *val;

		if (!xesvm_query_match(v->q, "clients", client))
			continue;
		json_object_foreach(json_object_get(client, "memory"), name, val) {
			size_t r;

			for (r = 0; r < nregions; r++)
				if (strcmp(regions[r], name) == 0)
					break;
			if (r == nregions && nregions < MAX_REGIONS)
				regions[nregions++] = name;
		}
	}
	for (size_t r = 0; r < nregions; r++) {
		for (int f = 0; f < 2; f++) {
			struct region_col *rc = &rcols[2 * r + f];
			char *h = headers[2 * r + f];

			rc->region = regions[r];
			rc->field = f ? "resident" : "total";
			snprintf(h, sizeof(headers[0]), "%s %s", regions[r],
				 f ? "RESIDENT" : "TOTAL");
			for (char *c = h; *c && *c != ' '; c++)
				*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
			cols[ncols++] = (struct table_column){
				h, true, col_client_mem, NULL, rc };
		}
	}

	struct render_opts ro = render_opts_of(cli);
	struct table_rows rows;
	struct json_rows st;

	json_rows_init(&rows, &st, clients, "clients", v->q);
	table_render(stdout, cols, ncols, &rows, &ro, "");
	return XESVM_OK;
}

static int client_show(struct cli *cli, const struct cli_invocation *inv)
{
	static const char *const view[] = { "clients", NULL };

	return view_show(cli, inv, NULL, XESVM_VIEW_CLIENTS, view, print_clients, NULL);
}

static const struct cli_param client_params[] = {
	CLI_DEV_PARAM,
	{ "pid", 0, NULL, "PID", CLI_VALUE_PID, "only this process" },
	{ "client", 0, NULL, "ID", CLI_VALUE_NUMBER, "only this DRM client" },
	{ 0 },
};

static const struct cli_command client_commands[] = {
	{ "show", "list DRM clients (processes) of each device and their memory",
	  client_params, NULL, 0, 0, CLI_VALUE_NONE, client_show },
	{ 0 },
};

const struct cli_object client_object = {
	"client", "DRM clients (processes using a device)", client_commands, true,
};
