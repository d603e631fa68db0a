/* SPDX-License-Identifier: MIT */
/*
 * The view: what a command line selects of the model. view_open() loads
 * the model (the -f snapshot once per run, else a live gather), checks
 * that the live system can provide it, builds the query of the selection
 * keywords and prints the notes; the command renders it (render.h) and
 * view_close() releases it.
 */
#ifndef XESVMCTL_VIEW_H
#define XESVMCTL_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "cmdline.h"
#include "render/render.h"

/* What the VM views (vm show, explain, madvise, migrate, gc) show of the model. */
#define CLI_VM_VIEWS (XESVM_VIEW_VMS | XESVM_VIEW_VMAS | XESVM_VIEW_RANGES | XESVM_VIEW_PAGEMAPS)

/* Why a process's VMs may be missing from a live gather. */
#define PTRACE_HINT "its VMs need ptrace read access: run as its owner or root"

struct view {
	struct xesvm_model *m;
	bool owned;		/* @m is ours to free (a live gather) */
	struct xesvm_query *q;
};

/*
 * The model, the live-source check, the query, the notes about @views
 * (enum xesvm_view_bit). @needs_view: a view ("vms", ...) the live system
 * must provide, NULL if the stock gatherers always do. On success
 * view_close() must follow.
 */
int view_open(struct cli *cli, const struct cli_invocation *inv,
	      const char *needs_view, unsigned int views, struct view *v);
/* Releases @v; a failed write of stdout turns a success @ret into an error. */
int view_close(struct cli *cli, struct view *v, int ret);

/*
 * A whole `show`: opens the view, renders it in the command's format
 * (render_view(): @collections under JSON, @human for people), closes it.
 */
int view_show(struct cli *cli, const struct cli_invocation *inv, const char *needs_view,
	      unsigned int views, const char *const *collections, view_printer *human,
	      const void *arg);

/*
 * The model a command works on: the -f snapshot (loaded once) or a fresh
 * live gather. *owned tells the caller to free it (cli_put_model()).
 */
int cli_get_model(struct cli *cli, struct xesvm_model **m, bool *owned);
void cli_put_model(struct xesvm_model *m, bool owned);

/*
 * Prints the model's notes (what could not be read and why) about the
 * views @views (enum xesvm_view_bit) once per run; with -v every note, and
 * where each view came from. Called by a command once it knows it will
 * produce output, so an error is not buried under notes.
 */
void cli_show_notes(struct cli *cli, const struct xesvm_model *m, unsigned int views);

/* The filter of the dev/pid/client/vm/addr keywords (and -d). */
int cli_build_filter(struct cli *cli, const struct cli_invocation *inv,
		     struct xesvm_filter *f);
/* Builds the filter from keywords and -d, resolves it against @m. */
int cli_build_query(struct cli *cli, const struct cli_invocation *inv,
		    const struct xesvm_model *m, struct xesvm_query **q);

/* The VMs of @m the query selects, at most @max of them in @out; how many in all. */
size_t vms_matching(struct xesvm_model *m, const struct xesvm_query *q,
		    const json_t **out, size_t max);

/*
 * Whether we may read process @pid the way the drm-svm family checks it:
 * 0, ENOENT (not running), EACCES or another errno.
 */
int pid_read_access(struct cli *cli, int64_t pid);

#endif /* XESVMCTL_VIEW_H */
