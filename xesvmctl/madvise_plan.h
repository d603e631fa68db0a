/* SPDX-License-Identifier: MIT */
/*
 * What a madvise would do to the VMAs of a VM, computed without the
 * kernel: `madvise --dry-run` prints it, tests/ctl checks it.
 */
#ifndef XESVMCTL_MADVISE_PLAN_H
#define XESVMCTL_MADVISE_PLAN_H

#include <stdint.h>

#include <xesvm.h>

/*
 * The VMAs of one VM after setting the attributes in @change (model keys
 * and values: {"atomic_access": "device", "preferred_location": "pagemap",
 * "preferred_pagemap": 2, ...}) on the window [@start, @end), the way the
 * drm-svm family's mem-attr-set does it: CPU-mirror VMAs that overlap the
 * window are split at its bounds and the part inside takes the change;
 * VMAs of other kinds (bo, userptr, null) keep theirs; a changed piece
 * then merges with an adjoining CPU-mirror VMA whose attributes are now
 * the same (as vsvm does; a driver may keep such neighbours apart).
 *
 * @vmas: the VM's VMAs (model objects, any order, not modified).
 * Returns a new array sorted by start, or NULL with @err set (a VMA
 * without integer start/end, out of memory).
 */
json_t *madvise_plan(const json_t *vmas, uint64_t start, uint64_t end,
		     const json_t *change, struct xesvm_error *err);

#endif /* XESVMCTL_MADVISE_PLAN_H */
