/* SPDX-License-Identifier: MIT */
/*
 * The SVM debugfs files (svm_debugfs.c): VMs, VMAs, SVM ranges and
 * pagemaps on a kernel without the drm-svm netlink family, where its
 * providers (xe, vsvm) write them. Format: Documentation/gpu/drm-svm.rst
 * ("debugfs") in the kernel series.
 *
 *   dri/<minor>/svm_vms          one line per SVM VM of the device
 *   dri/<minor>/svm_pagemaps     one line per drm_pagemap of the device
 *   dri/client-<id>/svm_ranges   per VM of the client: a header line, then
 *                                drm_gpusvm_print_ranges() lines
 *   dri/client-<id>/svm_mem_attrs  per VM: a header line, then its VMAs
 *
 * Shared with the unit tests and the fuzz target. Not installed,
 * not API.
 */
#ifndef XESVM_DEBUGFS_INTERNAL_H
#define XESVM_DEBUGFS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xesvm.h"

enum xesvm_dbg_file {
	XESVM_DBG_VMS,		/* owner: the device's primary minor */
	XESVM_DBG_PAGEMAPS,	/* owner: the device's primary minor */
	XESVM_DBG_MEM_ATTRS,	/* owner: the DRM client id */
	XESVM_DBG_RANGES,	/* owner: the DRM client id */
};

/*
 * One gathering into a model: the VMs of the svm_vms files, then the VMAs
 * and ranges of the VMs a filter selects (as xesvm_nl_gather() selects
 * them), from their clients' files.
 */
struct xesvm_dbg;

/*
 * @filter (may be NULL; must live as long as the gathering) selects the
 * VMs whose VMAs and ranges are read, and the window of the ranges;
 * @ranges: read ranges at all. NULL when out of memory.
 */
struct xesvm_dbg *xesvm_dbg_new(struct xesvm_model *m, const struct xesvm_filter *filter,
				bool ranges);
void xesvm_dbg_free(struct xesvm_dbg *g);

/*
 * Parses the text of one file, @name being its path for the notes. Strict:
 * every field as the format says, each line ending in '\n'; a malformed
 * line is left out with a note naming the file and the line (the first
 * few; then a count). Fields of a newer kernel (unknown keys) are ignored.
 * Objects go into the model (VMs, pagemaps) or are kept for
 * xesvm_dbg_finish() (VMAs, ranges). Returns 0, or -1 when out of memory.
 */
int xesvm_dbg_parse(struct xesvm_dbg *g, enum xesvm_dbg_file file, const char *name,
		    uint64_t owner, const char *text, size_t len, struct xesvm_error *err);

/*
 * After every svm_vms file: resolves the filter against the model (a
 * device selector matching no device is XESVM_E_USAGE, as for netlink).
 */
int xesvm_dbg_select(struct xesvm_dbg *g, struct xesvm_error *err);

/*
 * Whether the client file @file of client @client_id is to be read: it
 * holds the VMAs or ranges of a selected VM.
 */
bool xesvm_dbg_wants(const struct xesvm_dbg *g, enum xesvm_dbg_file file,
		     uint64_t client_id);

/* The client file @name could not be opened or read (errno @e): a note. */
void xesvm_dbg_unreadable(struct xesvm_dbg *g, enum xesvm_dbg_file file, const char *name,
			  uint64_t client_id, int e);

/*
 * After the client files: the VMAs and ranges of the selected VMs go into
 * the model in the order of the VMs (as netlink reads them), "num_vmas" is
 * set, and a VM whose client file was gone or no longer listed it is left
 * out with a note (it went away while being read). Returns 0, or -1 when
 * out of memory.
 */
int xesvm_dbg_finish(struct xesvm_dbg *g, struct xesvm_error *err);

/*
 * Everything from the debugfs tree at @debugfs: devices that have
 * dri/<minor>/svm_vms (added to the model as the netlink family adds its
 * devices), their VMs and pagemaps, and the VMAs and ranges (@ranges) of
 * the VMs @filter selects. Records "debugfs" as the source of each view.
 * Returns 0; 1 when there is no SVM debugfs file to read (*@why: ENOENT,
 * or EACCES when dri/ itself is not readable), with nothing added; -1
 * with @err set.
 */
int xesvm_debugfs_svm_gather(struct xesvm_model *m, const char *debugfs,
			     const struct xesvm_filter *filter, bool ranges, int *why,
			     struct xesvm_error *err);

#endif
