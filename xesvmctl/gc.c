// SPDX-License-Identifier: MIT
/* `gc`: run the garbage collector of a VM now, and say what it collected. */
#include <inttypes.h>

#include "cmdtab.h"
#include "render/human.h"
#include "target.h"
#include "view.h"

/* The human report of a gc (@body: its JSON result, @arg: the target). */
static int print_gc(struct cli *cli, const json_t *body, const void *arg)
{
	const struct target *tg = arg;
	struct render_opts ro = render_opts_of(cli);
	uint64_t ranges = 0, bytes = 0, resets = 0;
	char text[32];

	json_get_u64(body, "ranges", &ranges);
	json_get_u64(body, "bytes", &bytes);
	json_get_u64(body, "attr_resets", &resets);
	fmt_bytes(text, sizeof(text), bytes, ro.exact);
	printf("%s: collected %" PRIu64 " range%s (%s of address space), reset the memory "
	       "attributes of %" PRIu64 " window%s\n", tg->name, ranges, ranges == 1 ? "" : "s",
	       text, resets, resets == 1 ? "" : "s");
	/* The collector's worker usually ran first: where its work shows. */
	if (!ranges)
		printf("%s: the collector's worker runs first; its attribute resets show in "
		       "`explain ADDR`, `vm show -j` (attr_resets) and `monitor attr-reset`\n",
		       tg->name);
	return XESVM_OK;
}

static int gc(struct cli *cli, const struct cli_invocation *inv)
{
	struct xesvm_gc_result res;
	struct target tg;
	json_t *body;
	int ret;

	ret = target_open(cli, inv, 0, &tg);
	if (ret)
		return ret;
	if (xesvm_nl_gc(tg.nl, &tg.t, &res, &cli->err)) {
		ret = cli_status(cli, XESVM_E_SYSTEM);
		goto out;
	}
	cli_show_notes(cli, tg.m, CLI_VM_VIEWS);
	body = target_json(&tg);
	json_object_del(body, "start");
	json_object_del(body, "end");
	json_object_set_new(body, "ranges", json_integer((json_int_t)res.ranges));
	json_object_set_new(body, "bytes", json_integer((json_int_t)res.bytes));
	json_object_set_new(body, "attr_resets", json_integer((json_int_t)res.attr_resets));
	ret = render_result(cli, "gc", body, print_gc, &tg);
	json_decref(body);
out:
	target_close(&tg);
	return ret;
}

static const struct cli_command gc_commands[] = {
	{ NULL, "run the garbage collector of a VM now",
	  (const struct cli_param[]){ CLI_TARGET_PARAMS, { 0 } }, NULL, 0, 0,
	  CLI_VALUE_NONE, gc },
	{ 0 },
};

const struct cli_object gc_object = {
	"gc", "collect the unmapped ranges of a VM (live)", gc_commands, true,
};
