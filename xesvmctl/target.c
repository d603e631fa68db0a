// SPDX-License-Identifier: MIT
/*
 * The VM an admin command acts on. madvise, migrate and gc all name it the
 * same way (dev/pid/client/vm keywords, -d) and resolve it here, once,
 * through a gather of the drm-svm family: pid and client become VMs the
 * way the family reports them, and the answer is exactly one VM or an
 * error that says what to add (several VMs) or why there is none.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target.h"
#include "view.h"
#include "render/cells.h"

void cli_describe_target(const struct cli_invocation *inv, char *buf, size_t size)
{
	static const char *const keys[] = { "pid", "client", "vm" };
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = cli_arg(inv, keys[i]);

		if (v)
			cell_appendf(buf, size, &used, " and ", "%s %s", keys[i], v);
	}
}

static void vm_name(const json_t *vm, char *buf, size_t size)
{
	uint64_t device = 0, id = 0, pid;
	char comm[64];

	json_get_u64(vm, "device", &device);
	json_get_u64(vm, "vm", &id);
	if (json_get_u64(vm, "pid", &pid)) {
		cell_str(comm, sizeof(comm), vm, "comm");
		snprintf(buf, size, "card%" PRIu64 " vm %" PRIu64 " (pid %" PRIu64 " %s)",
			 device, id, pid, comm);
	} else {
		snprintf(buf, size, "card%" PRIu64 " vm %" PRIu64, device, id);
	}
}

int cli_no_vm(struct cli *cli, const struct cli_invocation *inv, const char *why)
{
	const char *dev = cli_arg(inv, "dev") ? cli_arg(inv, "dev") : cli->device;
	char asked[128];

	cli_describe_target(inv, asked, sizeof(asked));
	xesvm_error_set(&cli->err, XESVM_E_SYSTEM, 0, "no GPU VM of %s%s%s %s%s", asked,
			dev ? " on device " : "", dev ? dev : "",
			cli->snapshot_path ? "in the snapshot" : "on the live system",
			why ? why : "");
	return XESVM_E_SYSTEM;
}

/* Why a live pid has no VM we can see: not running, or not ours to read. */
static void explain_no_vm(struct cli *cli, int64_t pid, char *buf, size_t size)
{
	int why;

	buf[0] = '\0';
	if (pid < 0) {
		if (geteuid() != 0)
			snprintf(buf, size,
				 " (the family lists only VMs of processes you may ptrace-read: run as their owner or root)");
		return;
	}
	why = pid_read_access(cli, pid);
	if (why == ENOENT)
		snprintf(buf, size, ": process %" PRId64 " is not running", pid);
	else if (why == EACCES)
		snprintf(buf, size, ": you may not read process %" PRId64 " (" PTRACE_HINT ")",
			 pid);
}

static int gather_live(struct cli *cli, const struct xesvm_filter *f,
		       unsigned int flags, struct target *tg)
{
	struct xesvm_nl_scope scope = {
		.filter = f,
		.mem_attrs = flags & TARGET_VMAS,
		.pagemaps = flags & TARGET_PAGEMAPS,
	};

	if (xesvm_nl_open(&tg->nl, &cli->err))
		return cli_status(cli, XESVM_E_SYSTEM);
	tg->m = xesvm_model_new();
	tg->owned = true;
	if (!tg->m) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return XESVM_E_SYSTEM;
	}
	if (xesvm_nl_gather(tg->nl, tg->m, &scope, &cli->err))
		return cli_status(cli, XESVM_E_SYSTEM);
	return XESVM_OK;
}

/* Picks the one VM: none and several are errors that say what to do. */
static int pick_vm(struct cli *cli, const struct cli_invocation *inv,
		   const struct xesvm_filter *f, struct target *tg)
{
	enum { SHOWN = 8 };
	const json_t *vms[SHOWN];
	struct xesvm_query *q;
	char asked[128], list[600], why[200];
	size_t n, used = 0;
	bool several_devices = false;
	uint64_t dev0 = 0, dev;

	q = xesvm_query_new(tg->m, f, &cli->err);
	if (!q)
		return cli_status(cli, XESVM_E_SYSTEM);
	n = vms_matching(tg->m, q, vms, SHOWN);
	xesvm_query_free(q);
	if (n == 0) {
		why[0] = '\0';
		if (tg->nl)
			explain_no_vm(cli, f->pid, why, sizeof(why));
		return cli_no_vm(cli, inv, why);
	}
	if (n > 1) {
		cli_describe_target(inv, asked, sizeof(asked));
		list[0] = '\0';
		for (size_t i = 0; i < n && i < SHOWN; i++) {
			char one[160];

			vm_name(vms[i], one, sizeof(one));
			cell_appendf(list, sizeof(list), &used, ", ", "%s", one);
			json_get_u64(vms[i], "device", &dev);
			if (i == 0)
				dev0 = dev;
			several_devices |= dev != dev0;
		}
		if (n > SHOWN)
			cell_appendf(list, sizeof(list), &used, ", ", "and %zu more",
				     n - SHOWN);
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"%s names %zu GPU VMs: %s; choose one with vm ID%s",
				asked, n, list,
				several_devices ? " and dev DEV" : "");
		return XESVM_E_USAGE;
	}
	tg->vm = vms[0];
	json_get_u64(tg->vm, "device", &dev);
	tg->t.minor = (uint32_t)dev;
	json_get_u64(tg->vm, "vm", &tg->t.vm);
	vm_name(tg->vm, tg->name, sizeof(tg->name));
	return XESVM_OK;
}

/* WINDOW as typed: parsed and page aligned (the family's unit). */
static int parse_window(struct cli *cli, const char *text, struct target *tg)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t start, end;

	if (xesvm_parse_window(text, &start, &end, &cli->err))
		return cli_status(cli, XESVM_E_USAGE);
	if (page <= 0)
		page = 4096;
	if (start % (uint64_t)page || end % (uint64_t)page) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"window %s is not aligned to the %ld-byte page size (the kernel changes whole pages)",
				text, page);
		return XESVM_E_USAGE;
	}
	tg->t.start = start;
	tg->t.end = end;
	return XESVM_OK;
}

/* The window must lie in the address space the VM mirrors. */
static int check_window(struct cli *cli, const char *text, const struct target *tg)
{
	uint64_t lo, hi;

	if (json_get_u64(tg->vm, "start", &lo) && json_get_u64(tg->vm, "end", &hi) &&
	    (tg->t.start < lo || tg->t.end > hi)) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"window %s is outside %s, which mirrors [0x%" PRIx64 "-0x%" PRIx64 ")",
				text, tg->name, lo, hi);
		return XESVM_E_USAGE;
	}
	return XESVM_OK;
}

int target_open(struct cli *cli, const struct cli_invocation *inv,
		unsigned int flags, struct target *tg)
{
	const char *cmd = inv->object->name;
	struct xesvm_filter f;
	int ret;

	memset(tg, 0, sizeof(*tg));
	ret = cli_build_filter(cli, inv, &f);
	if (ret)
		return ret;
	if (f.pid < 0 && f.client_id < 0 && f.vm < 0) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"%s needs its VM: pid PID, client ID or vm ID", cmd);
		return XESVM_E_USAGE;
	}
	if (cli->snapshot_path && !(flags & TARGET_SNAPSHOT)) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"%s acts on the live system; it cannot act on a snapshot (-f)",
				cmd);
		return XESVM_E_USAGE;
	}
	/* What the user typed is checked before the kernel is asked anything. */
	if ((flags & TARGET_WINDOW) && parse_window(cli, inv->positional[0], tg))
		return cli_status(cli, XESVM_E_USAGE);
	if (cli->snapshot_path)
		ret = cli_get_model(cli, &tg->m, &tg->owned);
	else
		ret = gather_live(cli, &f, flags, tg);
	if (!ret)
		ret = pick_vm(cli, inv, &f, tg);
	if (!ret && (flags & TARGET_WINDOW))
		ret = check_window(cli, inv->positional[0], tg);
	if (ret)
		target_close(tg);
	return ret;
}

void target_close(struct target *tg)
{
	if (tg->m)
		cli_put_model(tg->m, tg->owned);
	if (tg->nl)
		xesvm_nl_close(tg->nl);
	memset(tg, 0, sizeof(*tg));
}

int target_pagemap(struct cli *cli, const struct target *tg, const char *text,
		   uint32_t *id, const json_t **pagemap)
{
	char list[300] = "";
	const json_t *elsewhere = NULL;
	size_t i, used = 0;
	int64_t want;
	json_t *p;

	if (cli_parse_id(cli, "pagemap", text, &want))
		return XESVM_E_USAGE;
	json_array_foreach(xesvm_model_array(tg->m, "pagemaps"), i, p) {
		uint64_t dev, pid;
		char name[64];

		if (!json_get_u64(p, "device", &dev) || !json_get_u64(p, "id", &pid))
			continue;
		if (dev != tg->t.minor) {
			if ((int64_t)pid == want)
				elsewhere = p;
			continue;
		}
		if ((int64_t)pid == want) {
			*id = (uint32_t)pid;
			*pagemap = p;
			return XESVM_OK;
		}
		cell_str(name, sizeof(name), p, "name");
		cell_appendf(list, sizeof(list), &used, ", ", "%" PRIu64 " (%s)", pid, name);
	}
	if (elsewhere) {
		uint64_t dev = 0;

		json_get_u64(elsewhere, "device", &dev);
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"pagemap %s belongs to card%" PRIu64 ", not to card%" PRIu32 " of %s (its pagemaps: %s)",
				text, dev, tg->t.minor, tg->name, list[0] ? list : "none");
	} else {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"card%" PRIu32 " has no pagemap %s (its pagemaps: %s)",
				tg->t.minor, text, list[0] ? list : "none");
	}
	return XESVM_E_USAGE;
}

json_t *target_json(const struct target *tg)
{
	return json_pack("{s:I,s:I,s:O?,s:O?,s:I,s:I}",
			 "device", (json_int_t)tg->t.minor,
			 "vm", (json_int_t)tg->t.vm,
			 "pid", json_object_get(tg->vm, "pid"),
			 "comm", json_object_get(tg->vm, "comm"),
			 "start", (json_int_t)tg->t.start,
			 "end", (json_int_t)tg->t.end);
}

void target_describe_window(const struct target *tg, const struct render_opts *ro,
			    char *buf, size_t size)
{
	char start[32], end[32], bytes[32];

	fmt_addr(start, sizeof(start), tg->t.start);
	fmt_addr(end, sizeof(end), tg->t.end);
	fmt_bytes(bytes, sizeof(bytes), tg->t.end - tg->t.start, ro->exact);
	snprintf(buf, size, "%s [%s-%s) %s", tg->name, start, end, bytes);
}
