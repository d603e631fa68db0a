/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/drm_svm.yaml */
/* YNL-GEN uapi header */
/* To regenerate run: tools/net/ynl/ynl-regen.sh */

#ifndef _UAPI_LINUX_DRM_SVM_H
#define _UAPI_LINUX_DRM_SVM_H

#define DRM_SVM_FAMILY_NAME	"drm-svm"
#define DRM_SVM_FAMILY_VERSION	1

/**
 * enum drm_svm_mem_kind - What backs a memory attribute region (VMA) of a GPU
 *   VM.
 * @DRM_SVM_MEM_KIND_CPU_MIRROR: Mirrors the owner's CPU address space (SVM).
 * @DRM_SVM_MEM_KIND_BO: A buffer object bound at this address.
 * @DRM_SVM_MEM_KIND_USERPTR: User memory pinned through the bare pages API.
 * @DRM_SVM_MEM_KIND_SPARSE: A mapping with no backing (reads return zero).
 */
enum drm_svm_mem_kind {
	DRM_SVM_MEM_KIND_CPU_MIRROR,
	DRM_SVM_MEM_KIND_BO,
	DRM_SVM_MEM_KIND_USERPTR,
	DRM_SVM_MEM_KIND_SPARSE,
};

/**
 * enum drm_svm_preferred_loc - Preferred placement of the pages of a region.
 * @DRM_SVM_PREFERRED_LOC_DEFAULT_DEVICE: The device memory closest to the
 *   faulting engine.
 * @DRM_SVM_PREFERRED_LOC_SYSTEM: System memory.
 * @DRM_SVM_PREFERRED_LOC_PAGEMAP: The device memory region named by
 *   pagemap-id.
 */
enum drm_svm_preferred_loc {
	DRM_SVM_PREFERRED_LOC_DEFAULT_DEVICE,
	DRM_SVM_PREFERRED_LOC_SYSTEM,
	DRM_SVM_PREFERRED_LOC_PAGEMAP,
};

/**
 * enum drm_svm_migration_policy - Which pages a GPU fault migrates to the
 *   preferred location.
 * @DRM_SVM_MIGRATION_POLICY_ALL_PAGES: Migrate every page of the range.
 * @DRM_SVM_MIGRATION_POLICY_ONLY_SYSTEM_PAGES: Migrate only pages now in
 *   system memory.
 */
enum drm_svm_migration_policy {
	DRM_SVM_MIGRATION_POLICY_ALL_PAGES,
	DRM_SVM_MIGRATION_POLICY_ONLY_SYSTEM_PAGES,
};

/*
 * Which agents may perform atomic operations on a region: the values of xe's
 * DRM_XE_ATOMIC_* (madvise DRM_XE_MEM_RANGE_ATTR_ATOMIC).
 */
enum drm_svm_xe_atomic_access {
	DRM_SVM_XE_ATOMIC_ACCESS_UNDEFINED,
	DRM_SVM_XE_ATOMIC_ACCESS_DEVICE,
	DRM_SVM_XE_ATOMIC_ACCESS_GLOBAL,
	DRM_SVM_XE_ATOMIC_ACCESS_CPU,
};

/**
 * enum drm_svm_xe_purgeable - Purgeable state of a buffer-object region of an
 *   xe VM.
 * @DRM_SVM_XE_PURGEABLE_NONE: Not a buffer object.
 * @DRM_SVM_XE_PURGEABLE_WILLNEED: The buffer object's pages are needed.
 * @DRM_SVM_XE_PURGEABLE_DONTNEED: The pages may be discarded under memory
 *   pressure.
 * @DRM_SVM_XE_PURGEABLE_PURGED: The pages were discarded.
 */
enum drm_svm_xe_purgeable {
	DRM_SVM_XE_PURGEABLE_NONE,
	DRM_SVM_XE_PURGEABLE_WILLNEED,
	DRM_SVM_XE_PURGEABLE_DONTNEED,
	DRM_SVM_XE_PURGEABLE_PURGED,
};

/**
 * enum drm_svm_range_flags - State of an SVM range.
 * @DRM_SVM_RANGE_FLAGS_MIGRATE_DEVMEM: The range may be migrated to device
 *   memory.
 * @DRM_SVM_RANGE_FLAGS_UNMAPPED: The CPU mapping was removed; the range awaits
 *   collection.
 * @DRM_SVM_RANGE_FLAGS_PARTIAL_UNMAP: Part of the CPU mapping was removed.
 * @DRM_SVM_RANGE_FLAGS_DEVMEM: Pages in device memory are mapped for the range
 *   (or page set).
 * @DRM_SVM_RANGE_FLAGS_DMA_MAPPED: The pages are DMA mapped for the device.
 * @DRM_SVM_RANGE_FLAGS_GC_PENDING: The range is queued for the driver's
 *   garbage collector.
 */
enum drm_svm_range_flags {
	DRM_SVM_RANGE_FLAGS_MIGRATE_DEVMEM = 1,
	DRM_SVM_RANGE_FLAGS_UNMAPPED = 2,
	DRM_SVM_RANGE_FLAGS_PARTIAL_UNMAP = 4,
	DRM_SVM_RANGE_FLAGS_DEVMEM = 8,
	DRM_SVM_RANGE_FLAGS_DMA_MAPPED = 16,
	DRM_SVM_RANGE_FLAGS_GC_PENDING = 32,
};

/**
 * enum drm_svm_migrate_target - Destination of a migration.
 * @DRM_SVM_MIGRATE_TARGET_SYSTEM: System memory.
 * @DRM_SVM_MIGRATE_TARGET_PAGEMAP: The device memory region named by
 *   pagemap-id.
 */
enum drm_svm_migrate_target {
	DRM_SVM_MIGRATE_TARGET_SYSTEM,
	DRM_SVM_MIGRATE_TARGET_PAGEMAP,
};

/**
 * enum drm_svm_event_type - Kind of an event on the events multicast group.
 * @DRM_SVM_EVENT_TYPE_GPU_FAULT: A GPU page fault in an SVM range was handled.
 * @DRM_SVM_EVENT_TYPE_MIGRATE: A migration finished (see direction, trigger,
 *   pages, result).
 * @DRM_SVM_EVENT_TYPE_INVALIDATE: The pages of a range were invalidated
 *   (CPU-side change).
 * @DRM_SVM_EVENT_TYPE_UNMAP: The CPU mapping of a range went away.
 * @DRM_SVM_EVENT_TYPE_GC: The garbage collector ran on a VM.
 * @DRM_SVM_EVENT_TYPE_MEM_ATTR: Memory attributes of a VM range changed.
 * @DRM_SVM_EVENT_TYPE_ATTR_RESET: The garbage collector reset the memory
 *   attributes of a window the CPU unmapped to the defaults (start, end,
 *   split, before).
 * @DRM_SVM_EVENT_TYPE_VM_KILLED: The garbage collector could not reset the
 *   attributes of an unmapped window (splitting its region failed) and the
 *   driver killed the VM (result).
 */
enum drm_svm_event_type {
	DRM_SVM_EVENT_TYPE_GPU_FAULT,
	DRM_SVM_EVENT_TYPE_MIGRATE,
	DRM_SVM_EVENT_TYPE_INVALIDATE,
	DRM_SVM_EVENT_TYPE_UNMAP,
	DRM_SVM_EVENT_TYPE_GC,
	DRM_SVM_EVENT_TYPE_MEM_ATTR,
	DRM_SVM_EVENT_TYPE_ATTR_RESET,
	DRM_SVM_EVENT_TYPE_VM_KILLED,
};

enum drm_svm_migrate_direction {
	DRM_SVM_MIGRATE_DIRECTION_TO_DEVMEM,
	DRM_SVM_MIGRATE_DIRECTION_TO_RAM,
};

/**
 * enum drm_svm_migrate_trigger - What started a migration.
 * @DRM_SVM_MIGRATE_TRIGGER_GPU_FAULT: A GPU page fault.
 * @DRM_SVM_MIGRATE_TRIGGER_CPU_FAULT: A CPU page fault on device memory. The
 *   window (start, end) is the one drm_pagemap migrates: the faulting address
 *   aligned to the size of its device memory allocation (less where the CPU
 *   mapping ends); see also cpu-faults-deferred.
 * @DRM_SVM_MIGRATE_TRIGGER_PREFETCH: A prefetch asked for by the VM's owner.
 * @DRM_SVM_MIGRATE_TRIGGER_ADMIN: The migrate operation of this family.
 * @DRM_SVM_MIGRATE_TRIGGER_EVICTION: Device memory was reclaimed for another
 *   allocation. No window: the reclaimed allocation may be mapped anywhere.
 */
enum drm_svm_migrate_trigger {
	DRM_SVM_MIGRATE_TRIGGER_GPU_FAULT,
	DRM_SVM_MIGRATE_TRIGGER_CPU_FAULT,
	DRM_SVM_MIGRATE_TRIGGER_PREFETCH,
	DRM_SVM_MIGRATE_TRIGGER_ADMIN,
	DRM_SVM_MIGRATE_TRIGGER_EVICTION,
};

enum {
	DRM_SVM_A_DEV_DEV_ID = 1,
	DRM_SVM_A_DEV_NAME,
	DRM_SVM_A_DEV_DRIVER,
	DRM_SVM_A_DEV_MINOR,

	__DRM_SVM_A_DEV_MAX,
	DRM_SVM_A_DEV_MAX = (__DRM_SVM_A_DEV_MAX - 1)
};

enum {
	DRM_SVM_A_VM_DEV_ID = 1,
	DRM_SVM_A_VM_VM_ID,
	DRM_SVM_A_VM_GPUSVM_ID,
	DRM_SVM_A_VM_PID,
	DRM_SVM_A_VM_COMM,
	DRM_SVM_A_VM_CLIENT_ID,
	DRM_SVM_A_VM_START,
	DRM_SVM_A_VM_END,
	DRM_SVM_A_VM_NOTIFIERS,
	DRM_SVM_A_VM_RANGES,
	DRM_SVM_A_VM_DEVMEM_PAGES,
	DRM_SVM_A_VM_GENERATION,
	DRM_SVM_A_VM_ATTR_RESETS,
	DRM_SVM_A_VM_DRIVER_HANDLE,

	__DRM_SVM_A_VM_MAX,
	DRM_SVM_A_VM_MAX = (__DRM_SVM_A_VM_MAX - 1)
};

enum {
	DRM_SVM_A_RANGE_DEV_ID = 1,
	DRM_SVM_A_RANGE_VM_ID,
	DRM_SVM_A_RANGE_START,
	DRM_SVM_A_RANGE_END,
	DRM_SVM_A_RANGE_NOTIFIER_START,
	DRM_SVM_A_RANGE_NOTIFIER_END,
	DRM_SVM_A_RANGE_FLAGS,
	DRM_SVM_A_RANGE_PAGES_COUNT,
	DRM_SVM_A_RANGE_PAGES,
	DRM_SVM_A_RANGE_XE,

	__DRM_SVM_A_RANGE_MAX,
	DRM_SVM_A_RANGE_MAX = (__DRM_SVM_A_RANGE_MAX - 1)
};

enum {
	DRM_SVM_A_XE_RANGE_TILE_PRESENT = 1,
	DRM_SVM_A_XE_RANGE_TILE_INVALIDATED,

	__DRM_SVM_A_XE_RANGE_MAX,
	DRM_SVM_A_XE_RANGE_MAX = (__DRM_SVM_A_XE_RANGE_MAX - 1)
};

enum {
	DRM_SVM_A_RANGE_PAGES_MINOR = 1,
	DRM_SVM_A_RANGE_PAGES_FLAGS,
	DRM_SVM_A_RANGE_PAGES_PAGEMAP_ID,

	__DRM_SVM_A_RANGE_PAGES_MAX,
	DRM_SVM_A_RANGE_PAGES_MAX = (__DRM_SVM_A_RANGE_PAGES_MAX - 1)
};

enum {
	DRM_SVM_A_MEM_ATTR_DEV_ID = 1,
	DRM_SVM_A_MEM_ATTR_VM_ID,
	DRM_SVM_A_MEM_ATTR_START,
	DRM_SVM_A_MEM_ATTR_END,
	DRM_SVM_A_MEM_ATTR_KIND,
	DRM_SVM_A_MEM_ATTR_PREFERRED_LOC,
	DRM_SVM_A_MEM_ATTR_PAGEMAP_ID,
	DRM_SVM_A_MEM_ATTR_MIGRATION_POLICY,
	DRM_SVM_A_MEM_ATTR_XE,

	__DRM_SVM_A_MEM_ATTR_MAX,
	DRM_SVM_A_MEM_ATTR_MAX = (__DRM_SVM_A_MEM_ATTR_MAX - 1)
};

enum {
	DRM_SVM_A_XE_MEM_ATTR_ATOMIC_ACCESS = 1,
	DRM_SVM_A_XE_MEM_ATTR_PAT_INDEX,
	DRM_SVM_A_XE_MEM_ATTR_PURGEABLE,

	__DRM_SVM_A_XE_MEM_ATTR_MAX,
	DRM_SVM_A_XE_MEM_ATTR_MAX = (__DRM_SVM_A_XE_MEM_ATTR_MAX - 1)
};

enum {
	DRM_SVM_A_MIGRATE_STATS_COUNT = 1,
	DRM_SVM_A_MIGRATE_STATS_PAGES,
	DRM_SVM_A_MIGRATE_STATS_BYTES,
	DRM_SVM_A_MIGRATE_STATS_FAIL_NOMEM,
	DRM_SVM_A_MIGRATE_STATS_FAIL_BUSY,
	DRM_SVM_A_MIGRATE_STATS_FAIL_FAULT,
	DRM_SVM_A_MIGRATE_STATS_FAIL_OTHER,

	__DRM_SVM_A_MIGRATE_STATS_MAX,
	DRM_SVM_A_MIGRATE_STATS_MAX = (__DRM_SVM_A_MIGRATE_STATS_MAX - 1)
};

enum {
	DRM_SVM_A_PAGEMAP_STATS_ENABLED = 1,
	DRM_SVM_A_PAGEMAP_STATS_TO_DEVMEM,
	DRM_SVM_A_PAGEMAP_STATS_TO_RAM,
	DRM_SVM_A_PAGEMAP_STATS_CPU_FAULTS,
	DRM_SVM_A_PAGEMAP_STATS_CPU_FAULTS_DEFERRED,
	DRM_SVM_A_PAGEMAP_STATS_EVICTIONS,
	DRM_SVM_A_PAGEMAP_STATS_DEVMEM_PAGES,

	__DRM_SVM_A_PAGEMAP_STATS_MAX,
	DRM_SVM_A_PAGEMAP_STATS_MAX = (__DRM_SVM_A_PAGEMAP_STATS_MAX - 1)
};

enum {
	DRM_SVM_A_PAGEMAP_DEV_ID = 1,
	DRM_SVM_A_PAGEMAP_PAGEMAP_ID,
	DRM_SVM_A_PAGEMAP_SIZE,
	DRM_SVM_A_PAGEMAP_STATS,

	__DRM_SVM_A_PAGEMAP_MAX,
	DRM_SVM_A_PAGEMAP_MAX = (__DRM_SVM_A_PAGEMAP_MAX - 1)
};

enum {
	DRM_SVM_A_MIGRATE_DEV_ID = 1,
	DRM_SVM_A_MIGRATE_VM_ID,
	DRM_SVM_A_MIGRATE_START,
	DRM_SVM_A_MIGRATE_END,
	DRM_SVM_A_MIGRATE_TARGET,
	DRM_SVM_A_MIGRATE_PAGEMAP_ID,
	DRM_SVM_A_MIGRATE_RANGES,
	DRM_SVM_A_MIGRATE_RANGES_FAILED,
	DRM_SVM_A_MIGRATE_PAGES,
	DRM_SVM_A_MIGRATE_FIRST_ERROR,
	DRM_SVM_A_MIGRATE_FIRST_ERROR_ADDR,

	__DRM_SVM_A_MIGRATE_MAX,
	DRM_SVM_A_MIGRATE_MAX = (__DRM_SVM_A_MIGRATE_MAX - 1)
};

enum {
	DRM_SVM_A_GC_DEV_ID = 1,
	DRM_SVM_A_GC_VM_ID,
	DRM_SVM_A_GC_RANGES,
	DRM_SVM_A_GC_BYTES,
	DRM_SVM_A_GC_ATTR_RESETS,

	__DRM_SVM_A_GC_MAX,
	DRM_SVM_A_GC_MAX = (__DRM_SVM_A_GC_MAX - 1)
};

enum {
	DRM_SVM_A_ATTR_RESET_START = 1,
	DRM_SVM_A_ATTR_RESET_END,
	DRM_SVM_A_ATTR_RESET_TIMESTAMP,
	DRM_SVM_A_ATTR_RESET_SPLIT,
	DRM_SVM_A_ATTR_RESET_BEFORE,

	__DRM_SVM_A_ATTR_RESET_MAX,
	DRM_SVM_A_ATTR_RESET_MAX = (__DRM_SVM_A_ATTR_RESET_MAX - 1)
};

enum {
	DRM_SVM_A_EVENT_TYPE = 1,
	DRM_SVM_A_EVENT_DEV_ID,
	DRM_SVM_A_EVENT_VM_ID,
	DRM_SVM_A_EVENT_PID,
	DRM_SVM_A_EVENT_TIMESTAMP,
	DRM_SVM_A_EVENT_START,
	DRM_SVM_A_EVENT_END,
	DRM_SVM_A_EVENT_PAGEMAP_ID,
	DRM_SVM_A_EVENT_DIRECTION,
	DRM_SVM_A_EVENT_TRIGGER,
	DRM_SVM_A_EVENT_PAGES,
	DRM_SVM_A_EVENT_RESULT,
	DRM_SVM_A_EVENT_RANGES,
	DRM_SVM_A_EVENT_SEQ,
	DRM_SVM_A_EVENT_SPLIT,
	DRM_SVM_A_EVENT_BEFORE,
	DRM_SVM_A_EVENT_CPU_FAULTS_DEFERRED,

	__DRM_SVM_A_EVENT_MAX,
	DRM_SVM_A_EVENT_MAX = (__DRM_SVM_A_EVENT_MAX - 1)
};

enum {
	DRM_SVM_CMD_DEV_GET = 1,
	DRM_SVM_CMD_VM_GET,
	DRM_SVM_CMD_RANGE_GET,
	DRM_SVM_CMD_MEM_ATTR_GET,
	DRM_SVM_CMD_PAGEMAP_GET,
	DRM_SVM_CMD_MEM_ATTR_SET,
	DRM_SVM_CMD_MIGRATE,
	DRM_SVM_CMD_GC,
	DRM_SVM_CMD_EVENT_NTF,

	__DRM_SVM_CMD_MAX,
	DRM_SVM_CMD_MAX = (__DRM_SVM_CMD_MAX - 1)
};

#define DRM_SVM_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_DRM_SVM_H */
