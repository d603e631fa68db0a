/* SPDX-License-Identifier: MIT */
/*
 * The source interface: everything that fills the model from the running
 * system (or a recorded tree of it) is a struct xesvm_source, and
 * xesvm_gather() (gather.c) is one loop over a table of them. A new source
 * is one file that defines its struct xesvm_source and one row in that
 * table. Not installed, not API.
 *
 * A source says
 *   - what it can fill: views of the model (XESVM_VIEW_* bits), the
 *     top-level collections it writes;
 *   - how it opens: open() either gets it ready to read, or says why it is
 *     not there to read on this system (struct xesvm_unavailable);
 *   - what it could not read: a note about the views concerned
 *     (xesvm_model_note_about()), or, when the reason is a missing
 *     privilege, a count in struct xesvm_access, which the gathering turns
 *     into one sentence about root at the end instead of a note per file.
 * Sources are tried in table order; a source whose views an earlier one
 * already filled is not opened, so alternatives (the drm-svm family, then
 * the SVM debugfs files) are consecutive rows. Views that no source could
 * fill get one note naming every reason, unless a source for them was
 * left out on purpose (a recorded tree has no netlink family to ask).
 *
 * Snapshot files (snapshot/) fill every view at once and are chosen by
 * the user (-f), not by what the system has: xesvm_snapshot_load() reads
 * them outside this table.
 */
#ifndef XESVM_SOURCE_H
#define XESVM_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "base_internal.h"
#include "xesvm.h"

/* DRM minor ranges (drm_drv.c:DRM_MINOR_LIMIT): primary 0-63, render 128-191. */
#define DRM_PRIMARY_MINOR_MAX 63
#define DRM_RENDER_MINOR_MIN 128
#define DRM_RENDER_MINOR_MAX 191

/* ---- roots.c: where debugfs and procfs are ---- */

struct xesvm_roots {
	const char *debugfs;	/* option, $XESVM_DEBUGFS, or /sys/kernel/debug */
	const char *proc;	/* option, $XESVM_PROC, or /proc */
	const char *sysfs;	/* $XESVM_SYSFS, or /sys */
	bool debugfs_explicit;	/* given by option or environment: maybe a recorded tree */
	bool proc_explicit;
};

void xesvm_roots_resolve(const struct xesvm_sources *src, struct xesvm_roots *r);

/* What an errno of open() or opendir() means here: a missing privilege. */
bool xesvm_is_access_error(int e);

/* ---- the interface ---- */

/* Which SVM source $XESVM_SOURCE asks for. */
enum xesvm_svm_choice {
	XESVM_SVM_AUTO,		/* unset, "" or "auto" */
	XESVM_SVM_NETLINK,	/* the family, failing without it */
	XESVM_SVM_DEBUGFS,	/* never the family */
};

/* What the gatherers could not read for lack of privileges. */
struct xesvm_access {
	bool debugfs_dri;	/* <debugfs>/dri itself */
	unsigned int stats_files;	/* gtN/stats (0600 root in xe) */
	unsigned int client_dirs;	/* dri/client-N/ */
	unsigned int fdinfo_procs;	/* /proc/PID/fdinfo of other users */
};

/* One xesvm_gather() call: what every source reads its options from. */
struct xesvm_gathering {
	struct xesvm_model *m;
	const struct xesvm_sources *options;	/* the caller's; NULL: defaults */
	struct xesvm_roots roots;
	enum xesvm_svm_choice svm;
	struct xesvm_access access;
};

/* Why a source is not there to read. */
struct xesvm_unavailable {
	/*
	 * Left out on purpose, not missing: then its views are not noted
	 * as omitted (a recorded tree has what it has).
	 */
	bool on_purpose;
	/* For lack of privileges: joined to the reason before with "; ", else ", and ". */
	bool access;
	char why[sizeof(((struct xesvm_error *)0)->msg)];
};

struct xesvm_source {
	const char *name;	/* for people reading the code and the table */
	unsigned int fills;	/* enum xesvm_view_bit bits */
	/*
	 * Gets ready to read: 0 (*@state is what fill() and close() get), 1
	 * when the source is not there to read (@why filled in), -1 when the
	 * gathering must stop (@err set).
	 */
	int (*open)(struct xesvm_gathering *g, void **state, struct xesvm_unavailable *why,
		    struct xesvm_error *err);
	/*
	 * Fills its views of g->m and records where each came from
	 * (xesvm_model_set_source()). What it cannot read is a note about
	 * those views or a count in g->access, not an error; -1 (@err set)
	 * only for what the user must fix or out of memory.
	 */
	int (*fill)(struct xesvm_gathering *g, void *state, struct xesvm_error *err);
	void (*close)(void *state);	/* may be NULL */
};

/* The sources, each in its own file. */
extern const struct xesvm_source xesvm_source_debugfs_devices;	/* debugfs_devices.c */
extern const struct xesvm_source xesvm_source_libdrm_devices;	/* libdrm_devices.c */
extern const struct xesvm_source xesvm_source_gt_stats;		/* gt_stats.c */
extern const struct xesvm_source xesvm_source_clients;		/* clients.c */
extern const struct xesvm_source xesvm_source_netlink;		/* netlink/source.c */
extern const struct xesvm_source xesvm_source_svm_debugfs;	/* svm_debugfs.c */

/* ---- helpers the sources share ---- */

/* The comm of process @pid under @proc now: a string, or null when unreadable (proc_maps.c). */
json_t *xesvm_proc_comm(const char *proc, long pid);

/*
 * The device nodes of the DRM device with primary minor @minor, from
 * <sysfs>/class/drm/card<minor>/device/drm/ ("card1", "renderD129"), as
 * /dev/dri paths; a node it does not have stays NULL. For devices that
 * libdrm does not list (a faux device such as vsvm). @card and @render
 * have room for 64 bytes. (libdrm_devices.c)
 */
void xesvm_device_nodes(const char *sysfs, unsigned int minor, char *card, char *render,
			bool *has_card, bool *has_render);

#endif
