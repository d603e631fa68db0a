// SPDX-License-Identifier: MIT
/*
 * The SVM objects of the model, built the same way for every SVM source
 * (objects_internal.h): the drm-svm netlink family and the SVM debugfs files
 * describe the same kernel state, and a VM, VMA, range or pagemap must
 * look the same whichever of them it came from (issue 6). Key sets and
 * their order are those of xesvm-json(7).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm/drm_svm.h>

#include "model_internal.h"
#include "objects_internal.h"

/* ------------------------------------------------------------------ */
/* Devices                                                             */
/* ------------------------------------------------------------------ */

json_t *xesvm_device_new(int minor, const char *driver, const char *card)
{
	json_t *dev = json_object();

	if (!dev)
		return NULL;
	if (json_object_set_new(dev, "minor", json_integer(minor)) ||
	    json_object_set_new(dev, "driver", driver ? json_string(driver) : json_null()) ||
	    json_object_set_new(dev, "pci_bdf", json_null()) ||
	    json_object_set_new(dev, "pci_id", json_null()) ||
	    json_object_set_new(dev, "card", card ? json_string(card) : json_null()) ||
	    json_object_set_new(dev, "render", json_null()) ||
	    json_object_set_new(dev, "memory_regions", json_array()) ||
	    json_object_set_new(dev, "gts", json_array())) {
		json_decref(dev);
		return NULL;
	}
	return dev;
}

json_t *xesvm_device_with_card(int minor, const char *driver)
{
	char card[64];

	snprintf(card, sizeof(card), "/dev/dri/card%d", minor);
	return xesvm_device_new(minor, driver, card);
}

json_t *xesvm_memory_region(const char *name, bool known, uint64_t total,
			     uint64_t used)
{
	json_t *r = json_object();

	if (!r)
		return NULL;
	json_object_set_new(r, "name", json_string(name));
	/*
	 * total_bytes: the size the driver manages (xe: total_size of the
	 * query, the TTM manager size); usable_bytes: what of it is not
	 * allocated now (total_size - used).
	 */
	json_object_set_new(r, "total_bytes",
			    known && total <= INT64_MAX ? json_integer((json_int_t)total) : json_null());
	json_object_set_new(r, "usable_bytes",
			    known && used <= total && total <= INT64_MAX ?
			    json_integer((json_int_t)(total - used)) : json_null());
	return r;
}

static int device_minor_cmp(const void *a, const void *b)
{
	const json_t *da = *(const json_t *const *)a, *db = *(const json_t *const *)b;
	json_int_t ma = json_integer_value(json_object_get(da, "minor"));
	json_int_t mb = json_integer_value(json_object_get(db, "minor"));

	return ma < mb ? -1 : ma > mb;
}

int xesvm_devices_append_sorted(struct xesvm_model *m, json_t *found,
			 struct xesvm_error *err)
{
	json_t *devices = xesvm_model_array(m, "devices");
	size_t n = json_array_size(found), i;
	json_t **list;

	if (!devices) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	list = calloc(n ? n : 1, sizeof(*list));
	if (!list) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		list[i] = json_array_get(found, i);
	qsort(list, n, sizeof(*list), device_minor_cmp);
	for (i = 0; i < n; i++)
		json_array_append(devices, list[i]);
	free(list);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Enumerations                                                        */
/* ------------------------------------------------------------------ */

#define ENUM_TABLE(var, spec_name, ...) \
	static const struct xesvm_svm_enum_value var##_values[] = { __VA_ARGS__ }; \
	const struct xesvm_svm_enum var = { \
		spec_name, var##_values, \
		(uint32_t)(sizeof(var##_values) / sizeof(var##_values[0])) \
	}

/*
 * The tables of every enumeration of the family and the range flag table,
 * written by spec/gen-tables.py from spec/drm_svm.yaml and the model's
 * names of their values (spec/model_names.yaml).
 */
#include "drm_svm_enum_tables.h"

bool xesvm_svm_enum_from_spec(const struct xesvm_svm_enum *e, const char *s,
			      size_t len, uint32_t *value)
{
	uint32_t v;

	for (v = 0; v < e->count; v++)
		if (strlen(e->values[v].spec) == len && !memcmp(e->values[v].spec, s, len)) {
			*value = v;
			return true;
		}
	return false;
}

json_t *xesvm_svm_enum_json(const struct xesvm_svm_enum *e, uint32_t value)
{
	const char *name = e->values[value].model;

	return name ? json_string(name) : json_null();
}

/* ------------------------------------------------------------------ */
/* Objects                                                             */
/* ------------------------------------------------------------------ */

/* Adds @v under @key (takes it); false, and @obj freed, on failure. */
static bool put(json_t *obj, const char *key, json_t *v)
{
	if (!v || json_object_set_new(obj, key, v)) {
		json_decref(obj);
		return false;
	}
	return true;
}

static json_t *j_int(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *j_opt(const struct xesvm_svm_opt *o)
{
	return o->known ? j_int(o->value) : json_null();
}

json_t *xesvm_svm_vm_json(const struct xesvm_svm_vm *v)
{
	json_t *vm = json_object();
	json_t *resets = v->attr_resets;

	/* put() frees @vm when it fails. */
	if (!vm ||
	    !put(vm, "device", j_int(v->device)) ||
	    !put(vm, "vm", j_int(v->vm)) ||
	    /* pid 0: the owner is not visible (another pid namespace) or unknown. */
	    !put(vm, "pid", v->pid ? j_int(v->pid) : json_null()) ||
	    !put(vm, "comm", v->comm && v->comm_len ?
		 xesvm_kernel_string(v->comm, v->comm_len) : json_null()) ||
	    !put(vm, "client_id", j_opt(&v->client_id)) ||
	    !put(vm, "start", j_int(v->start)) ||
	    !put(vm, "end", j_int(v->end)) ||
	    !put(vm, "num_vmas", json_null()) ||
	    !put(vm, "num_ranges", j_opt(&v->ranges)) ||
	    !put(vm, "gpusvm_id", j_opt(&v->gpusvm_id)) ||
	    !put(vm, "driver_handle", j_opt(&v->driver_handle)) ||
	    !put(vm, "notifiers", j_opt(&v->notifiers)) ||
	    !put(vm, "devmem_pages", j_opt(&v->devmem_pages)) ||
	    !put(vm, "generation", j_opt(&v->generation))) {
		json_decref(resets);
		return NULL;
	}
	/* Only the family reports them; json_object_set_new() takes @resets over. */
	if (resets && !put(vm, "attr_resets", resets))
		return NULL;
	return vm;
}

/* Adds xe's attributes of @a to @obj, null when not known; frees @obj on failure. */
static bool put_xe_mem_attrs(json_t *obj, const struct xesvm_svm_vma *a)
{
	if (!a->xe_known)
		return put(obj, "atomic_access", json_null()) &&
		       put(obj, "pat_index", json_null()) &&
		       put(obj, "purgeable", json_null());
	return put(obj, "atomic_access",
		   xesvm_svm_enum_json(&xesvm_svm_xe_atomic_access, a->atomic_access)) &&
	       put(obj, "pat_index", j_int(a->pat_index)) &&
	       put(obj, "purgeable", xesvm_svm_enum_json(&xesvm_svm_xe_purgeable, a->purgeable));
}

/* Adds the attributes of @a (not its device, vm and bounds) to @obj; frees @obj on failure. */
static bool put_mem_attr_values(json_t *obj, const struct xesvm_svm_vma *a)
{
	return put(obj, "kind", xesvm_svm_enum_json(&xesvm_svm_mem_kind, a->kind)) &&
	       put(obj, "preferred_location",
		   xesvm_svm_enum_json(&xesvm_svm_preferred_loc, a->preferred_loc)) &&
	       put(obj, "preferred_pagemap", a->pagemap ? j_int(a->pagemap) : json_null()) &&
	       put(obj, "migration_policy",
		   xesvm_svm_enum_json(&xesvm_svm_migration_policy, a->migration_policy)) &&
	       put_xe_mem_attrs(obj, a);
}

json_t *xesvm_svm_mem_attr_values_json(const struct xesvm_svm_vma *a)
{
	json_t *obj = json_object();

	if (!obj || !put_mem_attr_values(obj, a))
		return NULL;	/* put() freed @obj */
	return obj;
}

json_t *xesvm_svm_attr_reset_json(const struct xesvm_svm_attr_reset *r)
{
	json_t *obj = json_object();

	if (!obj ||
	    !put(obj, "start", j_int(r->start)) ||
	    !put(obj, "end", j_int(r->end)) ||
	    !put(obj, "time_ns", j_int(r->time_ns)) ||
	    !put(obj, "split", json_boolean(r->split)) ||
	    !put(obj, "before", xesvm_svm_mem_attr_values_json(&r->before)))
		return NULL;	/* put() freed @obj */
	return obj;
}

json_t *xesvm_svm_vma_json(const struct xesvm_svm_vma *a)
{
	json_t *vma = json_object();

	if (!vma ||
	    !put(vma, "device", j_int(a->device)) ||
	    !put(vma, "vm", j_int(a->vm)) ||
	    !put(vma, "start", j_int(a->start)) ||
	    !put(vma, "end", j_int(a->end)) ||
	    !put_mem_attr_values(vma, a))
		return NULL;
	return vma;
}

static json_t *migrate_stats_json(const struct xesvm_svm_migrate_stats *s)
{
	static const char *const keys[XESVM_SVM_MIGRATE_STAT_COUNT] = {
		[XESVM_SVM_MIGRATE_COUNT] = "count",
		[XESVM_SVM_MIGRATE_PAGES] = "pages",
		[XESVM_SVM_MIGRATE_BYTES] = "bytes",
		[XESVM_SVM_MIGRATE_FAIL_NOMEM] = "fail_enomem",
		[XESVM_SVM_MIGRATE_FAIL_BUSY] = "fail_ebusy",
		[XESVM_SVM_MIGRATE_FAIL_FAULT] = "fail_efault",
		[XESVM_SVM_MIGRATE_FAIL_OTHER] = "fail_other",
	};
	json_t *obj = json_object();
	int i;

	if (!obj)
		return NULL;
	for (i = 0; i < XESVM_SVM_MIGRATE_STAT_COUNT; i++)
		if (!put(obj, keys[i], j_opt(&s->v[i])))
			return NULL;
	return obj;
}

json_t *xesvm_svm_pagemap_json(const struct xesvm_svm_pagemap *p)
{
	json_t *pm = json_object(), *stats = json_object();
	char name[32];

	if (!pm || !stats) {
		json_decref(pm);
		json_decref(stats);
		return NULL;
	}
	if (!put(stats, "to_device", migrate_stats_json(&p->to_devmem)) ||
	    !put(stats, "to_ram", migrate_stats_json(&p->to_ram)) ||
	    !put(stats, "cpu_faults", j_opt(&p->cpu_faults)) ||
	    !put(stats, "cpu_faults_deferred", j_opt(&p->cpu_faults_deferred)) ||
	    !put(stats, "evictions", j_opt(&p->evictions)) ||
	    !put(stats, "device_pages_in_use", j_opt(&p->devmem_pages))) {
		json_decref(pm);
		return NULL;
	}
	/* The SVM sources name pagemaps by id only; their region is not known. */
	snprintf(name, sizeof(name), "pagemap%" PRIu32, p->id);
	if (!put(pm, "device", j_int(p->device)) ||
	    !put(pm, "id", j_int(p->id)) ||
	    !put(pm, "name", json_string(name)) ||
	    !put(pm, "region", json_null()) ||
	    !put(pm, "size_bytes", p->size ? j_int(p->size) : json_null())) {
		json_decref(stats);
		return NULL;
	}
	if (!put(pm, "stats", stats) ||
	    !put(pm, "stats_enabled", p->enabled < 0 ? json_null() : json_boolean(p->enabled)))
		return NULL;
	return pm;
}

/* ------------------------------------------------------------------ */
/* Devices                                                             */
/* ------------------------------------------------------------------ */

/* "dddd:bb:dd.f": dev_name() of a PCI device. */
static bool is_pci_bdf(const char *s)
{
	static const char pattern[] = "xxxx:xx:xx.x";
	size_t i;

	if (strlen(s) != sizeof(pattern) - 1)
		return false;
	for (i = 0; pattern[i]; i++) {
		bool hex = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');

		if (pattern[i] == 'x' ? !hex : s[i] != pattern[i])
			return false;
	}
	return true;
}

int xesvm_svm_device(struct xesvm_model *m, uint32_t minor, const char *driver,
		     const char *name, const char *card, const char *render, bool *added)
{
	json_t *devices = xesvm_model_array(m, "devices"), *dev = NULL, *jname;
	size_t j;

	if (!devices)
		return -1;
	for (j = 0; j < json_array_size(devices); j++) {
		json_t *v = json_object_get(json_array_get(devices, j), "minor");

		if (json_is_integer(v) && json_integer_value(v) >= minor) {
			if (json_integer_value(v) == minor)
				dev = json_array_get(devices, j);
			break;
		}
	}
	if (!dev) {
		/* Only the SVM source knows it: its name is the PCI address, if any. */
		dev = xesvm_device_new((int)minor, driver && *driver ? driver : NULL, card);
		if (!dev)
			return -1;
		if (render && json_object_set_new(dev, "render", json_string(render))) {
			json_decref(dev);
			return -1;
		}
		if (is_pci_bdf(name) && json_object_set_new(dev, "pci_bdf", json_string(name))) {
			json_decref(dev);
			return -1;
		}
		if (json_array_insert_new(devices, j, dev))
			return -1;
		*added = true;
	}
	jname = *name ? json_string(name) : json_null();
	return !jname || json_object_set_new(dev, "name", jname) ? -1 : 0;
}

void xesvm_svm_devices_source(struct xesvm_model *m, const char *source)
{
	const char *was = json_string_value(json_object_get(
		json_object_get(xesvm_model_root(m), "sources"), "devices"));
	char both[64];

	/* A recorded tree's devices came from debugfs already. */
	if (was && !strcmp(was, source))
		return;
	snprintf(both, sizeof(both), "%s%s%s", was ? was : "", was ? "+" : "", source);
	xesvm_model_set_source(m, "devices", both);
}

/* ------------------------------------------------------------------ */
/* Windows and VMs                                                     */
/* ------------------------------------------------------------------ */

static uint64_t page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (uint64_t)ps : 4096;
}

bool xesvm_svm_range_window(const struct xesvm_filter *f, uint64_t vm_start,
			    uint64_t vm_end, bool *windowed, uint64_t *start,
			    uint64_t *end)
{
	uint64_t ps = page_size(), s, e;

	*windowed = false;
	if (!f || !f->has_window)
		return true;
	s = f->start & ~(ps - 1);
	e = f->end > UINT64_MAX - (ps - 1) ? UINT64_MAX & ~(ps - 1) : (f->end + ps - 1) & ~(ps - 1);
	/* The family refuses a window past the VM's end. */
	if (s < vm_start)
		s = vm_start;
	if (e > vm_end)
		e = vm_end;
	if (s >= e)
		return false;
	*windowed = true;
	*start = s;
	*end = e;
	return true;
}

void xesvm_svm_drop_vmas(struct xesvm_model *m, uint32_t minor, uint64_t vm)
{
	json_t *vmas = xesvm_model_array(m, "vmas");
	size_t i = json_array_size(vmas);

	while (i-- > 0) {
		json_t *obj = json_array_get(vmas, i);

		/* The model's ids are within 0..INT64_MAX: compared as they are held. */
		if (json_integer_value(json_object_get(obj, "device")) == minor &&
		    json_integer_value(json_object_get(obj, "vm")) == (json_int_t)vm)
			json_array_remove(vmas, i);
	}
}

struct by_device {
	json_t *obj;
	json_int_t device;
	size_t index;
};

static int by_device_cmp(const void *a, const void *b)
{
	const struct by_device *x = a, *y = b;

	if (x->device != y->device)
		return x->device < y->device ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

int xesvm_svm_sort_by_device(json_t *list)
{
	size_t n = json_array_size(list), i;
	struct by_device *items;

	if (n < 2)
		return 0;
	items = malloc(n * sizeof(*items));
	if (!items)
		return -1;
	for (i = 0; i < n; i++) {
		items[i].obj = json_incref(json_array_get(list, i));
		items[i].device = json_integer_value(json_object_get(items[i].obj, "device"));
		items[i].index = i;
	}
	qsort(items, n, sizeof(*items), by_device_cmp);
	json_array_clear(list);
	for (i = 0; i < n; i++)
		if (json_array_append_new(list, items[i].obj)) {
			while (++i < n)
				json_decref(items[i].obj);
			free(items);
			return -1;
		}
	free(items);
	return 0;
}
