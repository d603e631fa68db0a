/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 xesvm developers
 */

#ifndef _UAPI_VSVM_DRM_H_
#define _UAPI_VSVM_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: vsvm uAPI
 *
 * vsvm is a software shared virtual memory (SVM) device. A VM mirrors the
 * address space of the process that created it: GPU virtual address X is
 * CPU virtual address X. &DRM_IOCTL_VSVM_ACCESS does what a GPU page fault
 * and the access after it would do; &DRM_IOCTL_VSVM_MADVISE sets memory
 * attributes with the semantics of xe's madvise; &DRM_IOCTL_VSVM_PREFETCH
 * migrates ahead of use. All VM ioctls must be called from a process using
 * the address space the VM mirrors; any other caller gets -EPERM.
 */

#define DRM_VSVM_DEVICE_QUERY	0x00
#define DRM_VSVM_VM_CREATE	0x01
#define DRM_VSVM_VM_DESTROY	0x02
#define DRM_VSVM_ACCESS		0x03
#define DRM_VSVM_MADVISE	0x04
#define DRM_VSVM_PREFETCH	0x05

#define DRM_IOCTL_VSVM_DEVICE_QUERY \
	DRM_IOR(DRM_COMMAND_BASE + DRM_VSVM_DEVICE_QUERY, struct drm_vsvm_device_query)
#define DRM_IOCTL_VSVM_VM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_VM_CREATE, struct drm_vsvm_vm_create)
#define DRM_IOCTL_VSVM_VM_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_VM_DESTROY, struct drm_vsvm_vm_destroy)
#define DRM_IOCTL_VSVM_ACCESS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_ACCESS, struct drm_vsvm_access)
#define DRM_IOCTL_VSVM_MADVISE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_MADVISE, struct drm_vsvm_madvise)
#define DRM_IOCTL_VSVM_PREFETCH \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_PREFETCH, struct drm_vsvm_prefetch)

/**
 * struct drm_vsvm_device_query - What the device has
 *
 * Used with &DRM_IOCTL_VSVM_DEVICE_QUERY.
 */
struct drm_vsvm_device_query {
	/** @devmem_size: bytes of device memory (module parameter devmem_size_mb) */
	__u64 devmem_size;

	/** @pagemap_id: drm_pagemap identifier of the device memory */
	__u32 pagemap_id;

	/** @pat_entries: number of valid PAT indices for &DRM_VSVM_MEM_ATTR_PAT */
	__u32 pat_entries;
};

/**
 * struct drm_vsvm_vm_create - Create a VM mirroring the caller's address space
 *
 * Used with &DRM_IOCTL_VSVM_VM_CREATE.
 */
struct drm_vsvm_vm_create {
	/** @flags: MBZ */
	__u32 flags;

	/** @vm_id: out: the VM's handle within the DRM file */
	__u32 vm_id;
};

/**
 * struct drm_vsvm_vm_destroy - Destroy a VM
 *
 * Used with &DRM_IOCTL_VSVM_VM_DESTROY. Data the VM migrated to device memory
 * stays there, owned by the address space, until the CPU touches it or it is
 * evicted.
 */
struct drm_vsvm_vm_destroy {
	/** @vm_id: the VM to destroy */
	__u32 vm_id;

	/** @pad: MBZ */
	__u32 pad;
};

/* Copy @size bytes at @addr into the buffer at @data_ptr. */
#define DRM_VSVM_ACCESS_READ		0
/* Copy @size bytes from the buffer at @data_ptr to @addr. */
#define DRM_VSVM_ACCESS_WRITE		1
/*
 * Atomically add @value to each 64-bit word of [@addr, @addr + @size) and,
 * if @data_ptr is not 0, store the old values there. Needs device memory.
 */
#define DRM_VSVM_ACCESS_ATOMIC_ADD	2

/**
 * struct drm_vsvm_access - Access memory the way the device would
 *
 * Used with &DRM_IOCTL_VSVM_ACCESS. For each piece of the address window the
 * device services a page fault (finds or creates the SVM range, migrates it
 * according to the memory attributes, collects its pages and binds them
 * into its page table), then reads or writes the data through that page
 * table. Atomic accesses need the data in device memory: with
 * &DRM_VSVM_ATOMIC_CPU they fail with -EACCES, and when the data cannot be
 * moved to device memory with -EACCES or -ENOMEM.
 */
struct drm_vsvm_access {
	/** @vm_id: the VM */
	__u32 vm_id;

	/** @op: one of DRM_VSVM_ACCESS_* */
	__u32 op;

	/** @addr: GPU (= CPU) virtual address; 8-byte aligned for atomics */
	__u64 addr;

	/** @size: bytes to access; a multiple of 8 for atomics */
	__u64 size;

	/** @data_ptr: user buffer of @size bytes, see @op */
	__u64 data_ptr;

	/** @value: operand of &DRM_VSVM_ACCESS_ATOMIC_ADD, else MBZ */
	__u64 value;

	/** @devmem_bytes: out: bytes that were accessed in device memory */
	__u64 devmem_bytes;

	/** @faults: out: page faults the device serviced (ranges bound) */
	__u64 faults;
};

/* Attribute types of &drm_vsvm_madvise, as xe's DRM_XE_MEM_RANGE_ATTR_* */
#define DRM_VSVM_MEM_ATTR_PREFERRED_LOC	0
#define DRM_VSVM_MEM_ATTR_ATOMIC	1
#define DRM_VSVM_MEM_ATTR_PAT		2

/*
 * Preferred locations: the device's own memory (the default), system
 * memory, or a drm_pagemap named by its identifier
 */
#define DRM_VSVM_PREFERRED_LOC_DEFAULT_DEVICE	0
#define DRM_VSVM_PREFERRED_LOC_SYSTEM		1
#define DRM_VSVM_PREFERRED_LOC_PAGEMAP		2

/* Migration policies, as xe's DRM_XE_MIGRATE_* */
#define DRM_VSVM_MIGRATE_ALL_PAGES		0
#define DRM_VSVM_MIGRATE_ONLY_SYSTEM_PAGES	1

/* Atomic access policies, as xe's DRM_XE_ATOMIC_* */
#define DRM_VSVM_ATOMIC_UNDEFINED	0
#define DRM_VSVM_ATOMIC_DEVICE		1
#define DRM_VSVM_ATOMIC_GLOBAL		2
#define DRM_VSVM_ATOMIC_CPU		3

/**
 * struct drm_vsvm_madvise - Set a memory attribute on an address window
 *
 * Used with &DRM_IOCTL_VSVM_MADVISE. The VM keeps its attributes per VMA, as
 * xe does: the VMAs are split at @start and @start + @range, and the
 * attribute is set on every VMA in between. SVM ranges in the window are
 * unbound and removed, so that the next access places the data by the new
 * attributes. When the CPU unmaps all of a VMA, its attributes go back to
 * the defaults (device memory, all pages, undefined atomics, PAT 0).
 */
struct drm_vsvm_madvise {
	/** @start: start of the window, page aligned */
	__u64 start;

	/** @range: size of the window, page aligned, not 0 */
	__u64 range;

	/** @vm_id: the VM */
	__u32 vm_id;

	/** @type: one of DRM_VSVM_MEM_ATTR_* */
	__u32 type;

	union {
		/** @preferred_loc: for &DRM_VSVM_MEM_ATTR_PREFERRED_LOC */
		struct {
			/** @preferred_loc.location: DRM_VSVM_PREFERRED_LOC_* */
			__u32 location;

			/**
			 * @preferred_loc.pagemap_id: drm_pagemap identifier
			 * for &DRM_VSVM_PREFERRED_LOC_PAGEMAP (only this
			 * device's own), else MBZ
			 */
			__u32 pagemap_id;

			/** @preferred_loc.migration_policy: DRM_VSVM_MIGRATE_* */
			__u16 migration_policy;

			/** @preferred_loc.pad: MBZ */
			__u16 pad[3];
		} preferred_loc;

		/** @atomic: for &DRM_VSVM_MEM_ATTR_ATOMIC */
		struct {
			/** @atomic.val: DRM_VSVM_ATOMIC_* */
			__u32 val;

			/** @atomic.pad: MBZ */
			__u32 pad[3];
		} atomic;

		/** @pat_index: for &DRM_VSVM_MEM_ATTR_PAT */
		struct {
			/** @pat_index.val: below &drm_vsvm_device_query.pat_entries */
			__u32 val;

			/** @pat_index.pad: MBZ */
			__u32 pad[3];
		} pat_index;
	};
};

/* Prefetch regions */
#define DRM_VSVM_PREFETCH_ADVISED	0
#define DRM_VSVM_PREFETCH_SYSTEM	1
#define DRM_VSVM_PREFETCH_DEVICE	2

/**
 * struct drm_vsvm_prefetch - Migrate and bind an address window ahead of use
 *
 * Used with &DRM_IOCTL_VSVM_PREFETCH. Every SVM range backed by a CPU mapping
 * in the window is created if needed, migrated to @region and bound; holes
 * without a CPU mapping are skipped. A range that fails does not stop the
 * others; the ioctl then returns the error of the first one that failed.
 */
struct drm_vsvm_prefetch {
	/** @start: start of the window, page aligned */
	__u64 start;

	/** @range: size of the window, page aligned, not 0 */
	__u64 range;

	/** @vm_id: the VM */
	__u32 vm_id;

	/**
	 * @region: &DRM_VSVM_PREFETCH_ADVISED (where the preferred location
	 * attribute says), &DRM_VSVM_PREFETCH_SYSTEM or
	 * &DRM_VSVM_PREFETCH_DEVICE
	 */
	__u32 region;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VSVM_DRM_H_ */
