/* SPDX-License-Identifier: MIT */
/* The VMs, VMAs and ranges a query selects, sorted for lookups (vm_index.c). */
#ifndef XESVMCTL_VM_INDEX_H
#define XESVMCTL_VM_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xesvm.h>

#define RESIDENCY_COUNT 3	/* enum xesvm_residency */

struct residency_sum {
	uint64_t count[RESIDENCY_COUNT];
	uint64_t bytes[RESIDENCY_COUNT];
};

void residency_add(struct residency_sum *sum, const struct xesvm_range *r);

struct vma_entry {
	json_t *vma;
	uint64_t device, vm, start, end;
	struct residency_sum sum;
};

struct vm_entry {
	json_t *vm;
	uint64_t device, id;
	struct residency_sum sum;	/* all its ranges */
	uint64_t outside_vmas;		/* ranges no listed VMA holds */
	size_t first_vma, nvmas;	/* slice of vm_index.vmas */
	size_t first_range, nranges;	/* slice of vm_index.ranges */
};

struct vm_index {
	struct vm_entry *vms;		/* by (device, id) */
	size_t nvms;
	struct vma_entry *vmas;		/* by (device, vm, start) */
	size_t nvmas;
	const struct xesvm_range **ranges;	/* by (device, vm, start); NULL
						 * unless asked for */
	size_t nranges;
};

/*
 * Indexes the VMs, VMAs and ranges @q selects; @keep_ranges also keeps
 * the ranges sorted (for listing them or finding one by address).
 */
int vm_index_build(struct vm_index *ix, const struct xesvm_model *m,
		   const struct xesvm_query *q, bool keep_ranges,
		   struct xesvm_error *err);
void vm_index_free(struct vm_index *ix);
struct vm_entry *vm_index_find_vm(const struct vm_index *ix, uint64_t device,
				  uint64_t id);
struct vma_entry *vm_index_find_vma(const struct vm_index *ix,
				    const struct vm_entry *vm, uint64_t addr);
/* With keep_ranges: the first range of @vm ending after @addr (index). */
size_t vm_index_range_lower_bound(const struct vm_index *ix,
				  const struct vm_entry *vm, uint64_t addr);
const struct xesvm_range *vm_index_find_range(const struct vm_index *ix,
					      const struct vm_entry *vm,
					      uint64_t addr);

#endif /* XESVMCTL_VM_INDEX_H */
