// SPDX-License-Identifier: MIT
/*
 * `madvise`: the memory attributes of a window of a VM, with the VMAs
 * before and after, or only the predicted after with --dry-run (on the
 * live system or a snapshot). Like migrate and gc it names its VM through
 * target.c and checks what it can before the kernel is asked, so a
 * mistake is a usage error and nothing is half done.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdtab.h"
#include "events.h"
#include "madvise_plan.h"
#include "render/human.h"
#include "target.h"
#include "view.h"

/* The VMAs of the target's VM in @m (borrowed references). */
static json_t *vm_vmas(struct xesvm_model *m, const struct target *tg)
{
	json_t *out = json_array(), *vma;
	size_t i;

	json_array_foreach(xesvm_model_array(m, "vmas"), i, vma) {
		uint64_t dev, vm;

		if (json_get_u64(vma, "device", &dev) && dev == tg->t.minor &&
		    json_get_u64(vma, "vm", &vm) && vm == tg->t.vm)
			json_array_append(out, vma);
	}
	return out;
}

/* The VMAs of @vmas overlapping [lo, hi) (borrowed references). */
static json_t *overlapping(const json_t *vmas, uint64_t lo, uint64_t hi)
{
	json_t *out = json_array(), *vma;
	size_t i;

	json_array_foreach(vmas, i, vma) {
		uint64_t start, end;

		if (json_get_u64(vma, "start", &start) && json_get_u64(vma, "end", &end) &&
		    end > lo && start < hi)
			json_array_append(out, vma);
	}
	return out;
}

/*
 * The VMAs after the change that cover what the window and the VMAs it
 * touched covered before: the pieces a split leaves outside the window
 * are part of the answer.
 */
static json_t *after_view(const json_t *after_all, const json_t *before,
			  const struct target *tg)
{
	uint64_t lo = tg->t.start, hi = tg->t.end, v;
	json_t *vma;
	size_t i;

	json_array_foreach(before, i, vma) {
		if (json_get_u64(vma, "start", &v) && v < lo)
			lo = v;
		if (json_get_u64(vma, "end", &v) && v > hi)
			hi = v;
	}
	return overlapping(after_all, lo, hi);
}

/* A table of VMAs (model objects), as `vma show` prints their attributes. */
static void print_vmas(FILE *out, const char *title, const json_t *vmas,
		       const struct render_opts *ro)
{
	size_t n = json_array_size(vmas);
	struct vma_entry *entries = calloc(n + 1, sizeof(*entries));
	const void **items = calloc(n + 1, sizeof(*items));
	struct table_rows rows;
	struct ptr_rows st;

	if (!n || !entries || !items) {
		fprintf(out, "  %s: %s\n", title,
			n ? "(out of memory listing them)" : "no VMA");
		free(entries);
		free(items);
		return;
	}
	fprintf(out, "  %s:\n", title);
	for (size_t i = 0; i < n; i++) {
		entries[i].vma = json_array_get(vmas, i);
		items[i] = &entries[i];
	}
	ptr_rows_init(&rows, &st, items, n);
	print_vma_table(out, &rows, false, ro, "    ");
	free(entries);
	free(items);
}

/* "preferred_location pagemap 2, atomic_access device" */
static void describe_change(const json_t *change, char *buf, size_t size)
{
	static const char *const keys[] = { "preferred_location", "migration_policy",
					    "atomic_access", "pat_index" };
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(change, keys[i]);
		uint64_t pm;

		if (json_is_string(v) && strcmp(json_string_value(v), "pagemap") == 0 &&
		    json_get_u64(change, "preferred_pagemap", &pm))
			cell_appendf(buf, size, &used, ", ", "%s pagemap %" PRIu64,
				     keys[i], pm);
		else if (json_is_string(v))
			cell_appendf(buf, size, &used, ", ", "%s %s", keys[i],
				     json_string_value(v));
		else if (json_is_integer(v))
			cell_appendf(buf, size, &used, ", ", "%s %" JSON_INTEGER_FORMAT,
				     keys[i], json_integer_value(v));
	}
}

/* ------------------------------------------------------------------ */
/* madvise                                                             */
/* ------------------------------------------------------------------ */

/*
 * The attributes asked for, as the kernel takes them (@chg) and as the
 * model writes them (@change). The pagemap ID of "preferred-location
 * pagemap ID" is checked against the VM's device later: *@pagemap_text.
 */
static int madvise_change(struct cli *cli, const struct cli_invocation *inv,
			  struct xesvm_attr_change *chg, json_t *change,
			  const char **pagemap_text)
{
	const struct cli_choice *c;
	const char *v;
	int64_t pat;

	memset(chg, 0, sizeof(*chg));
	*pagemap_text = NULL;
	if ((c = cli_choice(inv, "preferred-location", pagemap_text))) {
		chg->set |= XESVM_ATTR_PREFERRED_LOC;
		chg->preferred_loc = c->code;
		json_object_set_new(change, "preferred_location", json_string(c->word));
		json_object_set_new(change, "preferred_pagemap", json_null());
	}
	if ((c = cli_choice(inv, "migration-policy", NULL))) {
		chg->set |= XESVM_ATTR_MIGRATION_POLICY;
		chg->migration_policy = c->code;
		json_object_set_new(change, "migration_policy", json_string(c->word));
	}
	if ((c = cli_choice(inv, "atomic", NULL))) {
		chg->set |= XESVM_ATTR_ATOMIC_ACCESS;
		chg->atomic_access = c->code;
		json_object_set_new(change, "atomic_access", json_string(c->word));
	}
	if ((v = cli_arg(inv, "pat"))) {
		if (cli_parse_id(cli, "pat", v, &pat))
			return XESVM_E_USAGE;
		if (pat > UINT16_MAX) {
			xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
					"pat: %s is out of range (a PAT index is 0 to %u; the driver may allow fewer)",
					v, UINT16_MAX);
			return XESVM_E_USAGE;
		}
		chg->set |= XESVM_ATTR_PAT_INDEX;
		chg->pat_index = (uint16_t)pat;
		json_object_set_new(change, "pat_index", json_integer(pat));
	}
	if (!chg->set) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"madvise needs an attribute to set: preferred-location, migration-policy, atomic or pat");
		return XESVM_E_USAGE;
	}
	return XESVM_OK;
}

/* The VMAs of the VM now, read again after the change. */
static int gather_after(struct cli *cli, const struct target *tg,
			const json_t *before, json_t **after)
{
	struct xesvm_model *m = xesvm_model_new();
	struct xesvm_filter f;
	struct xesvm_nl_scope scope = { .filter = &f, .mem_attrs = true };
	char device[16];
	json_t *all;

	*after = NULL;
	if (!m) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return XESVM_E_SYSTEM;
	}
	xesvm_filter_init(&f);
	snprintf(device, sizeof(device), "%" PRIu32, tg->t.minor);
	f.device = device;
	f.vm = (int64_t)tg->t.vm;	/* a model id: within 0..INT64_MAX */
	if (xesvm_nl_gather(tg->nl, m, &scope, &cli->err)) {
		xesvm_model_free(m);
		return cli_status(cli, XESVM_E_SYSTEM);
	}
	all = vm_vmas(m, tg);
	*after = after_view(all, before, tg);
	json_decref(all);
	xesvm_model_free(m);
	return XESVM_OK;
}

/* VMAs in the window the change does not apply to (dry run: say so). */
static void print_untouched(FILE *out, const json_t *before)
{
	json_t *vma;
	size_t i;

	json_array_foreach(before, i, vma) {
		const char *kind = json_get_str(vma, "kind");
		uint64_t start = 0, end = 0;
		char s[32], e[32], k[32];

		if (kind && strcmp(kind, "cpu_mirror") == 0)
			continue;
		json_get_u64(vma, "start", &start);
		json_get_u64(vma, "end", &end);
		fmt_addr(s, sizeof(s), start);
		fmt_addr(e, sizeof(e), end);
		fmt_text(k, sizeof(k), kind ? kind : "-");
		fprintf(out, "  note: the %s VMA %s-%s keeps its attributes: only CPU-mirror VMAs take them\n",
			k, s, e);
	}
}

/* The human report of a madvise (@body: its JSON result, @arg: the target). */
static int print_madvise(struct cli *cli, const json_t *body, const void *arg)
{
	const struct target *tg = arg;
	struct render_opts ro = render_opts_of(cli);
	bool dry_run = json_is_true(json_object_get(body, "dry_run"));
	json_t *before = json_object_get(body, "before");
	char where[300], what[300];

	target_describe_window(tg, &ro, where, sizeof(where));
	describe_change(json_object_get(body, "change"), what, sizeof(what));
	printf("%s%s\n  set: %s\n", dry_run ? "dry run (nothing changed): " : "",
	       where, what);
	print_vmas(stdout, "before", before, &ro);
	print_vmas(stdout, dry_run ? "after (predicted)" : "after",
		   json_object_get(body, "after"), &ro);
	if (dry_run)
		print_untouched(stdout, before);
	return XESVM_OK;
}

static int madvise_report(struct cli *cli, const struct target *tg, bool dry_run,
			  const json_t *change, json_t *before, json_t *after)
{
	json_t *body = target_json(tg);
	int ret;

	json_object_set_new(body, "dry_run", json_boolean(dry_run));
	json_object_set(body, "change", (json_t *)change);
	json_object_set(body, "before", before);
	json_object_set(body, "after", after);
	ret = render_result(cli, "madvise", body, print_madvise, tg);
	json_decref(body);
	return ret;
}

/*
 * atomic and pat are xe's attributes: a device whose driver has none (the
 * model has them null) refuses the change, so a dry run must not predict it.
 */
static int check_xe_attrs(struct cli *cli, const struct xesvm_attr_change *chg,
			  const json_t *vmas, const struct target *tg)
{
	const json_t *vma;
	size_t i;

	if (!(chg->set & (XESVM_ATTR_ATOMIC_ACCESS | XESVM_ATTR_PAT_INDEX)))
		return XESVM_OK;
	json_array_foreach(vmas, i, vma) {
		const char *kind = json_get_str(vma, "kind");

		if (kind && strcmp(kind, "cpu_mirror") == 0 &&
		    json_is_null(json_object_get(vma, "atomic_access"))) {
			xesvm_error_set(&cli->err, XESVM_E_USAGE, EOPNOTSUPP,
					"atomic and pat are xe's memory attributes; the driver of card%"
					PRIu32 " has none", tg->t.minor);
			return XESVM_E_USAGE;
		}
	}
	return XESVM_OK;
}

static int madvise(struct cli *cli, const struct cli_invocation *inv)
{
	bool dry_run = cli_flag(inv, "dry-run");
	struct xesvm_attr_change chg;
	json_t *change = json_object(), *all = NULL, *before = NULL, *after = NULL;
	const char *pagemap_text;
	const json_t *pagemap;
	struct target tg;
	int ret;

	ret = madvise_change(cli, inv, &chg, change, &pagemap_text);
	if (ret)
		goto out_change;
	if (cli->snapshot_path && !dry_run) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"madvise changes the live system; on a snapshot (-f) only --dry-run works");
		ret = XESVM_E_USAGE;
		goto out_change;
	}
	ret = target_open(cli, inv, TARGET_WINDOW | TARGET_VMAS | TARGET_PAGEMAPS |
			  (dry_run ? TARGET_SNAPSHOT : 0), &tg);
	if (ret)
		goto out_change;
	if (pagemap_text) {
		ret = target_pagemap(cli, &tg, pagemap_text, &chg.pagemap, &pagemap);
		if (ret)
			goto out;
		json_object_set_new(change, "preferred_pagemap", json_integer(chg.pagemap));
	}
	all = vm_vmas(tg.m, &tg);
	before = overlapping(all, tg.t.start, tg.t.end);
	ret = check_xe_attrs(cli, &chg, before, &tg);
	if (ret)
		goto out;
	if (dry_run) {
		json_t *plan = madvise_plan(all, tg.t.start, tg.t.end, change, &cli->err);

		if (!plan) {
			ret = cli_status(cli, XESVM_E_SYSTEM);
			goto out;
		}
		after = after_view(plan, before, &tg);
		json_decref(plan);
	} else {
		if (xesvm_nl_mem_attr_set(tg.nl, &tg.t, &chg, &cli->err)) {
			ret = cli_status(cli, XESVM_E_SYSTEM);
			goto out;
		}
		ret = gather_after(cli, &tg, before, &after);
		if (ret) {
			/* It is done; only the report is missing. Say both. */
			char msg[sizeof(cli->err.msg)];

			snprintf(msg, sizeof(msg), "%s", cli->err.msg);
			cli_clear_error(cli);
			xesvm_error_set(&cli->err, XESVM_E_SYSTEM, 0,
					"the attributes were set, but reading the VMAs back failed: %s",
					msg);
			goto out;
		}
	}
	cli_show_notes(cli, tg.m, CLI_VM_VIEWS);
	ret = madvise_report(cli, &tg, dry_run, change, before, after);
out:
	json_decref(all);
	json_decref(before);
	json_decref(after);
	target_close(&tg);
out_change:
	json_decref(change);
	return ret;
}

static const struct cli_param madvise_params[] = {
	CLI_TARGET_PARAMS,
	{ "preferred-location", 0, NULL, "default_device|system|pagemap ID",
	  CLI_VALUE_LOCATION, "where the pages should live" },
	{ "migration-policy", 0, NULL, "all_pages|only_system_pages",
	  CLI_VALUE_POLICY, "which pages a GPU fault migrates" },
	{ "atomic", 0, NULL, "undefined|device|global|cpu", CLI_VALUE_ATOMIC,
	  "who may do atomic operations" },
	{ "pat", 0, NULL, "INDEX", CLI_VALUE_NUMBER,
	  "page attribute table index of the GPU mapping" },
	{ NULL, 0, "dry-run", NULL, CLI_VALUE_NONE,
	  "only show the VMAs the change would leave (works on -f snapshots)" },
	{ 0 },
};

static const struct cli_command madvise_commands[] = {
	{ NULL, "set memory attributes on a window of a VM; shows the VMAs before and after",
	  madvise_params, "WINDOW", 1, 1, CLI_VALUE_WINDOW, madvise },
	{ 0 },
};

const struct cli_object madvise_object = {
	"madvise", "set memory attributes (live)", madvise_commands, true,
};
