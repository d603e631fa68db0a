/* SPDX-License-Identifier: MIT */
/*
 * The objects of the model as the sources build them (objects.c): devices
 * (libdrm, debugfs, and the SVM sources), and the SVM objects (VMs, VMAs,
 * ranges, pagemaps) as both SVM sources build them: the drm-svm netlink
 * decoders (sources/netlink/) and the SVM debugfs parsers
 * (sources/svm_debugfs.c). One constructor per object, so that a VM, VMA, range
 * or pagemap looks the same whichever source it came from. Not installed,
 * not API.
 *
 * The constructors take values the caller has checked: integers within
 * 0..INT64_MAX (the model's JSON integers), enumeration values within
 * their table. Each source reports its own errors in its own terms
 * (attribute names for netlink, file and line for debugfs).
 */
#ifndef XESVM_OBJECTS_INTERNAL_H
#define XESVM_OBJECTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xesvm.h"

/* The views the SVM sources fill, and which their notes concern. */
#define XESVM_SVM_VIEWS (XESVM_VIEW_VMS | XESVM_VIEW_VMAS | XESVM_VIEW_RANGES | XESVM_VIEW_PAGEMAPS)

/* ------------------------------------------------------------------ */
/* Devices                                                             */
/* ------------------------------------------------------------------ */

/*
 * A "devices" object with every key of the model (xesvm-json(7)): unknown
 * values null, no memory regions or GTs yet. @driver and @card may be NULL.
 */
json_t *xesvm_device_new(int minor, const char *driver, const char *card);
/* The same for a device found through its card node: /dev/dri/card<minor>. */
json_t *xesvm_device_with_card(int minor, const char *driver);
/* A "memory_regions" object; sizes null unless @known. */
json_t *xesvm_memory_region(const char *name, bool known, uint64_t total, uint64_t used);
/* Appends @found (array of devices) to the model's devices, sorted by minor. */
int xesvm_devices_append_sorted(struct xesvm_model *m, json_t *found, struct xesvm_error *err);

/* ------------------------------------------------------------------ */
/* Enumerations: uAPI value <-> YNL spec name <-> model name            */
/* ------------------------------------------------------------------ */

struct xesvm_svm_enum_value {
	const char *spec;	/* drm_svm.yaml: "cpu-mirror"; the debugfs files print it */
	const char *model;	/* xesvm-json(7): "cpu_mirror"; NULL means JSON null */
};

/* One enumeration of the family, indexed by its uAPI value. */
struct xesvm_svm_enum {
	const char *name;	/* its spec name: "mem-kind" */
	const struct xesvm_svm_enum_value *values;
	uint32_t count;
};

/* xesvm_svm_mem_kind, ...: one per enumeration of spec/drm_svm.yaml. */
#include "drm_svm_enums.h"

/* The uAPI value whose spec name is the @len bytes at @s. */
bool xesvm_svm_enum_from_spec(const struct xesvm_svm_enum *e, const char *s,
			      size_t len, uint32_t *value);

/* The model value of @value (< e->count): a string, or null. NULL: no memory. */
json_t *xesvm_svm_enum_json(const struct xesvm_svm_enum *e, uint32_t value);

/* ------------------------------------------------------------------ */
/* Range flags                                                         */
/* ------------------------------------------------------------------ */

struct xesvm_svm_range_flag {
	uint32_t uapi;		/* DRM_SVM_RANGE_FLAGS_*; 0: debugfs only (stale) */
	const char *printed;	/* drm_gpusvm_print_ranges()' name; NULL: never printed */
	uint32_t model;		/* XESVM_RANGE_* */
};

extern const struct xesvm_svm_range_flag xesvm_svm_range_flags[];
extern const size_t xesvm_svm_range_flag_count;

/* ------------------------------------------------------------------ */
/* Objects                                                             */
/* ------------------------------------------------------------------ */

/* A counter or id the source may not report: null in the model when !known. */
struct xesvm_svm_opt {
	bool known;
	uint64_t value;		/* <= INT64_MAX */
};

struct xesvm_svm_vm {
	uint32_t device;	/* DRM primary minor */
	uint64_t vm;		/* <= INT64_MAX */
	uint32_t pid;		/* 0: not known (null) */
	const char *comm;	/* NULL or empty: null; arbitrary bytes */
	size_t comm_len;
	struct xesvm_svm_opt client_id;
	uint64_t start, end;	/* <= INT64_MAX */
	struct xesvm_svm_opt ranges, gpusvm_id, driver_handle, notifiers, devmem_pages,
			     generation;
	json_t *attr_resets;	/* array, taken over; NULL: not reported (no key) */
};

/*
 * A "vms" object (xesvm-json(7)); "num_vmas" is null until VMAs are read.
 * Takes over @v->attr_resets, also when it fails.
 */
json_t *xesvm_svm_vm_json(const struct xesvm_svm_vm *v);

struct xesvm_svm_vma {
	uint32_t device;
	uint64_t vm;		/* <= INT64_MAX */
	uint64_t start, end;	/* <= INT64_MAX, end > start */
	uint32_t kind;		/* values of the enumerations above */
	uint32_t preferred_loc;
	uint32_t pagemap;	/* 0: none (null) */
	uint32_t migration_policy;
	/*
	 * xe's attributes (the family's xe nest): only a provider that
	 * implements xe's madvise reports them. Unless @xe_known, the model
	 * has null for all three rather than values no provider gave.
	 */
	bool xe_known;
	uint32_t atomic_access;	/* enum drm_svm_xe_atomic_access */
	uint16_t pat_index;
	uint32_t purgeable;	/* enum drm_svm_xe_purgeable; NONE when not reported */
};

/* A "vmas" object. */
json_t *xesvm_svm_vma_json(const struct xesvm_svm_vma *a);

/* A reset of memory attributes by a garbage collector (an "attr_resets" element). */
struct xesvm_svm_attr_reset {
	uint64_t start, end;	/* <= INT64_MAX, end > start */
	uint64_t time_ns;	/* CLOCK_MONOTONIC, <= INT64_MAX */
	bool split;
	struct xesvm_svm_vma before;	/* its attributes only */
};

json_t *xesvm_svm_attr_reset_json(const struct xesvm_svm_attr_reset *r);

/* The attributes of a region, as in a "vmas" object, without device, vm and bounds. */
json_t *xesvm_svm_mem_attr_values_json(const struct xesvm_svm_vma *a);

/* Indexes of struct xesvm_svm_migrate_stats.v: the model's keys in order. */
enum xesvm_svm_migrate_stat {
	XESVM_SVM_MIGRATE_COUNT,
	XESVM_SVM_MIGRATE_PAGES,
	XESVM_SVM_MIGRATE_BYTES,
	XESVM_SVM_MIGRATE_FAIL_NOMEM,
	XESVM_SVM_MIGRATE_FAIL_BUSY,
	XESVM_SVM_MIGRATE_FAIL_FAULT,
	XESVM_SVM_MIGRATE_FAIL_OTHER,
	XESVM_SVM_MIGRATE_STAT_COUNT,
};

struct xesvm_svm_migrate_stats {
	struct xesvm_svm_opt v[XESVM_SVM_MIGRATE_STAT_COUNT];
};

struct xesvm_svm_pagemap {
	uint32_t device, id;
	uint64_t size;		/* bytes; 0: not known (null) */
	struct xesvm_svm_migrate_stats to_devmem, to_ram;
	struct xesvm_svm_opt cpu_faults, cpu_faults_deferred, evictions, devmem_pages;
	int enabled;		/* 0, 1, or -1: not known (null) */
};

/* A "pagemaps" object with its statistics. */
json_t *xesvm_svm_pagemap_json(const struct xesvm_svm_pagemap *p);

/* ------------------------------------------------------------------ */
/* Gathering helpers                                                   */
/* ------------------------------------------------------------------ */

/*
 * A device an SVM source reports (@driver may be NULL, @name is its
 * dev_name(), "" if unknown): a device already in the model gets "name";
 * another is added in minor order (*@added set), with the device nodes
 * @card and @render (NULL: not known). 0, or -1 when out of memory.
 */
int xesvm_svm_device(struct xesvm_model *m, uint32_t minor, const char *driver,
		     const char *name, const char *card, const char *render, bool *added);

/* After devices were added: the "devices" source becomes "WAS+@source" (unless WAS is @source). */
void xesvm_svm_devices_source(struct xesvm_model *m, const char *source);

/*
 * The window of a VM spanning [vm_start, vm_end) whose ranges a filter
 * selects: its window widened to pages and clamped to the VM (the ranges
 * are those meeting it, as the family's range-get takes it). *@windowed
 * false: no window, the whole VM. Returns false when the window misses
 * the VM.
 */
bool xesvm_svm_range_window(const struct xesvm_filter *f, uint64_t vm_start,
			    uint64_t vm_end, bool *windowed, uint64_t *start,
			    uint64_t *end);

/*
 * Orders the objects of @list by their "device", keeping the order within
 * a device: "vms" in device order, whatever order the source lists the
 * devices in (the family: provider registration; debugfs: minors).
 * 0, or -1 when out of memory.
 */
int xesvm_svm_sort_by_device(json_t *list);

/* Removes the VMAs of VM @vm of device @minor from the model. */
void xesvm_svm_drop_vmas(struct xesvm_model *m, uint32_t minor, uint64_t vm);

#endif
