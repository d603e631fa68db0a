// SPDX-License-Identifier: MIT
/*
 * The live admin commands of the drm-svm family: `madvise` (memory
 * attributes of a window, with the VMAs before and after, or only the
 * predicted after with --dry-run), `migrate` (a window to system memory or
 * a pagemap, reported like migratepages(8) would if it said more) and
 * `gc` (the VM's garbage collector, now). All three name their VM through
 * target.c and check what they can before the kernel is asked, so a
 * mistake is a usage error and nothing is half done.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm/drm_svm.h>

#include "live.h"
#include "madvise_plan.h"

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

/* Prints {"schema_version":1,"@key":@body} (takes @body). */
static int dump_result(struct cli *cli, const char *key, json_t *body)
{
	json_t *doc = json_pack("{s:i,s:o}", "schema_version", XESVM_SCHEMA_VERSION,
				key, body);
	int ret;

	if (!doc) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return XESVM_E_SYSTEM;
	}
	ret = cli_dump_json(cli, doc);
	json_decref(doc);
	return ret;
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
	f.vm = tg->t.vm;
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

static int madvise_report(struct cli *cli, const struct target *tg, bool dry_run,
			  const json_t *change, json_t *before, json_t *after)
{
	struct render_opts ro = cli_render_opts(cli);
	char where[300], what[300];

	if (cli->json) {
		json_t *body = target_json(tg);

		json_object_set_new(body, "dry_run", json_boolean(dry_run));
		json_object_set(body, "change", (json_t *)change);
		json_object_set(body, "before", before);
		json_object_set(body, "after", after);
		return dump_result(cli, "madvise", body);
	}
	target_describe_window(tg, &ro, where, sizeof(where));
	describe_change(change, what, sizeof(what));
	printf("%s%s\n  set: %s\n", dry_run ? "dry run (nothing changed): " : "",
	       where, what);
	print_vmas(stdout, "before", before, &ro);
	print_vmas(stdout, dry_run ? "after (predicted)" : "after", after, &ro);
	if (dry_run)
		print_untouched(stdout, before);
	return XESVM_OK;
}

int cmd_madvise(struct cli *cli, const struct cli_invocation *inv)
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

/* ------------------------------------------------------------------ */
/* migrate                                                             */
/* ------------------------------------------------------------------ */

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

static int migrate_report(struct cli *cli, const struct target *tg,
			  bool to_pagemap, uint32_t pagemap_id, const json_t *pagemap,
			  const struct xesvm_migrate_result *res, uint64_t elapsed_ns)
{
	struct render_opts ro = cli_render_opts(cli);
	long page = sysconf(_SC_PAGESIZE);
	uint64_t bytes = res->pages * (uint64_t)(page > 0 ? page : 4096);
	char where[300], dest[96], moved[32], took[32];

	if (cli->json) {
		json_t *body = target_json(tg);

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
		return dump_result(cli, "migrate", body);
	}
	target_describe_window(tg, &ro, where, sizeof(where));
	if (to_pagemap) {
		char name[64];

		cell_str(name, sizeof(name), pagemap, "name");
		snprintf(dest, sizeof(dest), "pagemap %" PRIu32 " (%s)", pagemap_id, name);
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

int cmd_migrate(struct cli *cli, const struct cli_invocation *inv)
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

/* ------------------------------------------------------------------ */
/* gc                                                                  */
/* ------------------------------------------------------------------ */

int cmd_gc(struct cli *cli, const struct cli_invocation *inv)
{
	struct render_opts ro = cli_render_opts(cli);
	uint64_t ranges = 0, bytes = 0;
	struct target tg;
	int ret;

	ret = target_open(cli, inv, 0, &tg);
	if (ret)
		return ret;
	if (xesvm_nl_gc(tg.nl, &tg.t, &ranges, &bytes, &cli->err)) {
		ret = cli_status(cli, XESVM_E_SYSTEM);
		goto out;
	}
	cli_show_notes(cli, tg.m, CLI_VM_VIEWS);
	if (cli->json) {
		json_t *body = target_json(&tg);

		json_object_del(body, "start");
		json_object_del(body, "end");
		json_object_set_new(body, "ranges", json_integer((json_int_t)ranges));
		json_object_set_new(body, "bytes", json_integer((json_int_t)bytes));
		ret = dump_result(cli, "gc", body);
	} else {
		char text[32];

		fmt_bytes(text, sizeof(text), bytes, ro.exact);
		printf("%s: collected %" PRIu64 " range%s (%s of address space)\n",
		       tg.name, ranges, ranges == 1 ? "" : "s", text);
	}
out:
	target_close(&tg);
	return ret;
}
