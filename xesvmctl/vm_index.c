// SPDX-License-Identifier: MIT
/*
 * An index of the model's VMs, their VMAs and (optionally) their ranges,
 * sorted for lookups by address. Built once per command from the model
 * and a query; read by `vm show` (compact and detail), `explain` and the
 * Prometheus renderer, so they all count ranges the same way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vm_index.h"
#include "render/cells.h"

void residency_add(struct residency_sum *sum, const struct xesvm_range *r)
{
	enum xesvm_residency res = xesvm_range_residency(r);

	if ((unsigned int)res >= RESIDENCY_COUNT)
		return;
	sum->count[res]++;
	sum->bytes[res] += r->end - r->start;
}

static int cmp_vm(const void *a, const void *b)
{
	const struct vm_entry *x = a, *y = b;

	if (x->device != y->device)
		return x->device < y->device ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_vma(const void *a, const void *b)
{
	const struct vma_entry *x = a, *y = b;

	if (x->device != y->device)
		return x->device < y->device ? -1 : 1;
	if (x->vm != y->vm)
		return x->vm < y->vm ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_range(const void *a, const void *b)
{
	const struct xesvm_range *x = *(const struct xesvm_range *const *)a;
	const struct xesvm_range *y = *(const struct xesvm_range *const *)b;

	if (x->device != y->device)
		return x->device < y->device ? -1 : 1;
	if (x->vm != y->vm)
		return x->vm < y->vm ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

struct vm_entry *vm_index_find_vm(const struct vm_index *ix, uint64_t device,
				  uint64_t id)
{
	struct vm_entry key = { .device = device, .id = id };

	return bsearch(&key, ix->vms, ix->nvms, sizeof(*ix->vms), cmp_vm);
}

struct vma_entry *vm_index_find_vma(const struct vm_index *ix,
				    const struct vm_entry *vm, uint64_t addr)
{
	size_t lo = vm->first_vma, hi = vm->first_vma + vm->nvmas;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr < ix->vmas[mid].start)
			hi = mid;
		else if (addr >= ix->vmas[mid].end)
			lo = mid + 1;
		else
			return &ix->vmas[mid];
	}
	return NULL;
}

size_t vm_index_range_lower_bound(const struct vm_index *ix,
				  const struct vm_entry *vm, uint64_t addr)
{
	size_t lo = vm->first_range, hi = vm->first_range + vm->nranges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->ranges[mid]->end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct xesvm_range *vm_index_find_range(const struct vm_index *ix,
					      const struct vm_entry *vm,
					      uint64_t addr)
{
	size_t i = vm_index_range_lower_bound(ix, vm, addr);

	if (i < vm->first_range + vm->nranges && ix->ranges[i]->start <= addr)
		return ix->ranges[i];
	return NULL;
}

void vm_index_free(struct vm_index *ix)
{
	free(ix->vms);
	free(ix->vmas);
	free(ix->ranges);
	memset(ix, 0, sizeof(*ix));
}

int vm_index_build(struct vm_index *ix, const struct xesvm_model *m,
		   const struct xesvm_query *q, bool keep_ranges,
		   struct xesvm_error *err)
{
	struct xesvm_model *mm = (struct xesvm_model *)m;
	json_t *vm_array = xesvm_model_array(mm, "vms");
	json_t *vma_array = xesvm_model_array(mm, "vmas");
	size_t nranges = xesvm_model_range_count(m), i;
	json_t *obj;

	memset(ix, 0, sizeof(*ix));
	ix->vms = calloc(json_array_size(vm_array) + 1, sizeof(*ix->vms));
	ix->vmas = calloc(json_array_size(vma_array) + 1, sizeof(*ix->vmas));
	if (keep_ranges)
		ix->ranges = calloc(nranges + 1, sizeof(*ix->ranges));
	if (!ix->vms || !ix->vmas || (keep_ranges && !ix->ranges)) {
		vm_index_free(ix);
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return XESVM_E_SYSTEM;
	}
	json_array_foreach(vm_array, i, obj) {
		struct vm_entry *e = &ix->vms[ix->nvms];

		if (!xesvm_query_match(q, "vms", obj) ||
		    !json_get_u64(obj, "device", &e->device) ||
		    !json_get_u64(obj, "vm", &e->id))
			continue;
		e->vm = obj;
		ix->nvms++;
	}
	qsort(ix->vms, ix->nvms, sizeof(*ix->vms), cmp_vm);
	json_array_foreach(vma_array, i, obj) {
		struct vma_entry *e = &ix->vmas[ix->nvmas];

		if (!xesvm_query_match(q, "vmas", obj) ||
		    !json_get_u64(obj, "device", &e->device) ||
		    !json_get_u64(obj, "vm", &e->vm) ||
		    !json_get_u64(obj, "start", &e->start) ||
		    !json_get_u64(obj, "end", &e->end) ||
		    !vm_index_find_vm(ix, e->device, e->vm))
			continue;
		e->vma = obj;
		ix->nvmas++;
	}
	qsort(ix->vmas, ix->nvmas, sizeof(*ix->vmas), cmp_vma);
	for (size_t k = 0; k < ix->nvmas; k++) {
		struct vm_entry *v = vm_index_find_vm(ix, ix->vmas[k].device,
						      ix->vmas[k].vm);

		if (v->nvmas++ == 0)
			v->first_vma = k;
	}

	/* One pass over the packed ranges: each lands in its VMA's sum. */
	for (size_t k = 0; k < nranges; k++) {
		const struct xesvm_range *r = xesvm_model_range(m, k);
		struct vm_entry *v;
		struct vma_entry *a;

		if (!xesvm_query_match_range(q, r))
			continue;
		v = vm_index_find_vm(ix, r->device, r->vm);
		if (!v)
			continue;
		residency_add(&v->sum, r);
		a = vm_index_find_vma(ix, v, r->start);
		if (a)
			residency_add(&a->sum, r);
		else
			v->outside_vmas++;
		if (keep_ranges)
			ix->ranges[ix->nranges++] = r;
	}
	if (keep_ranges) {
		qsort(ix->ranges, ix->nranges, sizeof(*ix->ranges), cmp_range);
		for (size_t k = 0; k < ix->nranges; k++) {
			struct vm_entry *v = vm_index_find_vm(ix, ix->ranges[k]->device,
							      ix->ranges[k]->vm);

			if (v->nranges++ == 0)
				v->first_range = k;
		}
	}
	return XESVM_OK;
}
