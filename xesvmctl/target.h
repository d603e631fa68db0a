/* SPDX-License-Identifier: MIT */
/*
 * The one VM an admin command (madvise, migrate, gc) acts on, resolved
 * here once for all of them, and the errors that say why the keywords
 * name no VM.
 */
#ifndef XESVMCTL_TARGET_H
#define XESVMCTL_TARGET_H

#include "cmdline.h"
#include "render/table.h"

enum target_flags {
	/* The command's positional WINDOW: required, page aligned, in the VM. */
	TARGET_WINDOW = 1u << 0,
	/* The VM may come from the -f snapshot (madvise --dry-run). */
	TARGET_SNAPSHOT = 1u << 1,
	/* Live: also gather the VMAs (memory attributes) of the VM. */
	TARGET_VMAS = 1u << 2,
	/* Live: also gather the pagemaps (to check a pagemap ID). */
	TARGET_PAGEMAPS = 1u << 3,
};

struct target {
	struct xesvm_nl *nl;		/* live: the open family; NULL on a snapshot */
	struct xesvm_model *m;		/* the model the VM was found in */
	bool owned;			/* @m is ours to free */
	const json_t *vm;		/* the VM object, borrowed from @m */
	struct xesvm_nl_target t;	/* its device minor and handle, the window */
	char name[192];			/* "card0 vm 3 (pid 4242 svm-stream)" */
};

/*
 * The one VM the dev/pid/client/vm keywords (and -d) name: from a gather
 * of the drm-svm family (or, with TARGET_SNAPSHOT, the -f snapshot). At
 * least one of pid, client and vm is needed; several matching VMs are a
 * usage error that lists them, none a system error that says why (the
 * process is not running, or may not be read). With TARGET_WINDOW the
 * positional window is checked too. Returns a status; on success
 * target_close() must follow.
 */
int target_open(struct cli *cli, const struct cli_invocation *inv,
		unsigned int flags, struct target *tg);
void target_close(struct target *tg);

/*
 * Pagemap @text of the target's device: its id and (borrowed) object. A
 * pagemap of another device, or none at all, is a usage error that names
 * the device's pagemaps.
 */
int target_pagemap(struct cli *cli, const struct target *tg, const char *text,
		   uint32_t *id, const json_t **pagemap);

/* {"device", "vm", "pid", "comm", "start", "end"} of the target (new ref). */
json_t *target_json(const struct target *tg);

/* "card0 vm 3 (pid 4242 svm-stream) [0x7f3a00000000-0x7f3a00200000) 2 MiB" */
void target_describe_window(const struct target *tg, const struct render_opts *ro,
			    char *buf, size_t size);

/* "pid 4242 and vm 5": what the pid/client/vm keywords asked for. */
void cli_describe_target(const struct cli_invocation *inv, char *buf, size_t size);
/*
 * The error for keywords that name no VM: "no GPU VM of pid 4242 on device
 * 0 in the snapshot" and @why (may be NULL). Returns XESVM_E_SYSTEM.
 */
int cli_no_vm(struct cli *cli, const struct cli_invocation *inv, const char *why);

#endif /* XESVMCTL_TARGET_H */
