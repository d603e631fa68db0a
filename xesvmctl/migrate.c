// SPDX-License-Identifier: MIT
/*
 * `migrate`: the SVM ranges of a window of a VM to system memory or a
 * pagemap, reported like migratepages(8) would if it said more. A range
 * that does not move makes the exit status 2, after the report.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm/drm_svm.h>

#include "cmdtab.h"
#include "events.h"
#include "render/human.h"
#include "target.h"
#include "view.h"

static json_t *first_error_json(const struct xesvm_migrate_result *res)
{
	int e = -res->first_error;
	const char *name = strerrorname_np(e);

	if (!res->first_error)
		return json_null();
	return json_pack("{s:i,s:s?,s:s,s:I}", "errno", e, "name", name,
			 "message", strerror(e),
			 "address", (json_int_t)res->first_error_addr);
}

/* What the human report of a migrate reads besides its JSON result. */
struct migrated {
	const struct target *tg;
	const json_t *pagemap;		/* the destination, NULL: system memory */
	const struct xesvm_migrate_result *res;
};

static int print_migrate(struct cli *cli, const json_t *body, const void *arg)
{
	const struct migrated *mg = arg;
	const struct xesvm_migrate_result *res = mg->res;
	struct render_opts ro = render_opts_of(cli);
	uint64_t bytes = 0, elapsed_ns = 0;
	char where[300], dest[96], moved[32], took[32];

	json_get_u64(body, "bytes", &bytes);
	json_get_u64(body, "elapsed_ns", &elapsed_ns);
	target_describe_window(mg->tg, &ro, where, sizeof(where));
	if (mg->pagemap) {
		char name[64];
		uint64_t id = 0;

		json_get_u64(body, "pagemap", &id);
		cell_str(name, sizeof(name), mg->pagemap, "name");
		snprintf(dest, sizeof(dest), "pagemap %" PRIu64 " (%s)", id, name);
	} else {
		snprintf(dest, sizeof(dest), "system memory");
	}
	fmt_bytes(moved, sizeof(moved), bytes, ro.exact);
	fmt_usecs(took, sizeof(took), elapsed_ns / 1000, ro.exact);
	printf("%s -> %s\n", where, dest);
	printf("  ranges: %" PRIu64 " moved or already there, %" PRIu64 " failed; pages moved: %" PRIu64
	       " (%s); took %s%s\n", res->ranges, res->ranges_failed, res->pages,
	       moved, took, ro.exact ? " us" : "");
	if (res->first_error) {
		char addr[32];
		const char *name = strerrorname_np(-res->first_error);

		fmt_addr(addr, sizeof(addr), res->first_error_addr);
		printf("  first failure: the range at %s: %s (%s)\n", addr,
		       name ? name : "?", strerror(-res->first_error));
	}
	return XESVM_OK;
}

static int migrate_report(struct cli *cli, const struct target *tg,
			  bool to_pagemap, uint32_t pagemap_id, const json_t *pagemap,
			  const struct xesvm_migrate_result *res, uint64_t elapsed_ns)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t bytes = res->pages * (uint64_t)(page > 0 ? page : 4096);
	json_t *body = target_json(tg);
	int ret;

	json_object_update_new(body, json_pack(
		"{s:s,s:o,s:I,s:I,s:I,s:I,s:I,s:o}",
		"to", to_pagemap ? "pagemap" : "system",
		"pagemap", to_pagemap ? json_integer(pagemap_id) : json_null(),
		"ranges", (json_int_t)res->ranges,
		"ranges_failed", (json_int_t)res->ranges_failed,
		"pages", (json_int_t)res->pages,
		"bytes", (json_int_t)bytes,
		"elapsed_ns", (json_int_t)elapsed_ns,
		"first_error", first_error_json(res)));
	ret = render_result(cli, "migrate", body, print_migrate,
			    &(struct migrated){ tg, to_pagemap ? pagemap : NULL, res });
	json_decref(body);
	return ret;
}

static int migrate(struct cli *cli, const struct cli_invocation *inv)
{
	const char *pagemap_text;
	const struct cli_choice *to = cli_choice(inv, "to", &pagemap_text);
	struct xesvm_migrate_result res = { 0 };
	const json_t *pagemap = NULL;
	uint32_t pagemap_id = 0;
	uint64_t t0, elapsed;
	struct target tg;
	int ret;

	if (!to) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"migrate needs a destination: to system or to pagemap ID");
		return XESVM_E_USAGE;
	}
	ret = target_open(cli, inv, TARGET_WINDOW | TARGET_PAGEMAPS, &tg);
	if (ret)
		return ret;
	if (pagemap_text) {
		ret = target_pagemap(cli, &tg, pagemap_text, &pagemap_id, &pagemap);
		if (ret)
			goto out;
	}
	t0 = monotonic_ns();
	if (xesvm_nl_migrate(tg.nl, &tg.t, to->code == DRM_SVM_MIGRATE_TARGET_PAGEMAP,
			     pagemap_id, &res, &cli->err)) {
		ret = cli_status(cli, XESVM_E_SYSTEM);
		goto out;
	}
	elapsed = monotonic_ns() - t0;
	cli_show_notes(cli, tg.m, CLI_VM_VIEWS);
	ret = migrate_report(cli, &tg, to->code == DRM_SVM_MIGRATE_TARGET_PAGEMAP,
			     pagemap_id, pagemap, &res, elapsed);
	if (!ret && res.ranges_failed) {
		/*
		 * Some ranges stayed where they were: exit 2, after the report
		 * of what did move (documented in xesvmctl(8), EXIT STATUS).
		 */
		char first[160] = "";

		if (res.first_error) {
			const char *name = strerrorname_np(-res.first_error);

			snprintf(first, sizeof(first), "; the first, at 0x%" PRIx64 ": %s (%s)",
				 res.first_error_addr, name ? name : "?",
				 strerror(-res.first_error));
		}
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, -res.first_error,
				"migrate: %" PRIu64 " of %" PRIu64 " ranges did not move%s",
				res.ranges_failed, res.ranges + res.ranges_failed, first);
		ret = XESVM_E_SYSTEM;
	}
out:
	target_close(&tg);
	return ret;
}

static const struct cli_param migrate_params[] = {
	CLI_TARGET_PARAMS,
	{ "to", 0, NULL, "system|pagemap ID", CLI_VALUE_DESTINATION,
	  "where to move the pages" },
	{ 0 },
};

static const struct cli_command migrate_commands[] = {
	{ NULL, "move the SVM ranges of a window of a VM to system memory or a pagemap",
	  migrate_params, "WINDOW", 1, 1, CLI_VALUE_WINDOW, migrate },
	{ 0 },
};

const struct cli_object migrate_object = {
	"migrate", "migrate SVM ranges (live)", migrate_commands, true,
};
