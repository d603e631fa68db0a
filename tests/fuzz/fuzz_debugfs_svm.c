// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the SVM debugfs parser (lib/debugfs_svm.c). The input
 * is read as every kind of file in one gathering: as the svm_vms of device
 * 1 (after a fixed svm_vms of device 0 whose VMs belong to client 5, so
 * that client files have VMs to name), as svm_pagemaps, then as client
 * 5's svm_mem_attrs and svm_ranges. The first byte, when odd, adds an
 * address window to the filter. Checks the contract: no crash, no leak,
 * the only error is running out of memory, every note one line, and the
 * model (with whatever the input added) writes as JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugfs_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char device0_vms[] =
	"vm=3 gpusvm=11 start=0000000000000000 end=0000800000000000 pid=2301 client=5 "
	"notifiers=2 ranges=6 devmem_pages=2 generation=14 comm=svm_bench\n"
	"vm=4 gpusvm=12 start=0000000000001000 end=0000800000000000 pid=0 client=5 "
	"notifiers=0 ranges=0 devmem_pages=0 generation=0 comm=\n";

static void check(int rc, const struct xesvm_error *err)
{
	/* Malformed lines are notes; only memory can fail. */
	if (rc && (rc != -1 || err->sys_errno != ENOMEM))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct xesvm_model *m = xesvm_model_new();
	struct xesvm_error err = { 0 };
	struct xesvm_filter filter;
	struct xesvm_dbg *g;
	json_t *note;
	size_t i;
	FILE *out;

	if (!m)
		return 0;
	xesvm_filter_init(&filter);
	if (size && (data[0] & 1)) {
		filter.has_window = true;
		filter.start = 0x7f3a00001000;
		filter.end = 0x7f3a00400000;
	}
	g = xesvm_dbg_new(m, &filter, true);
	if (!g) {
		xesvm_model_free(m);
		return 0;
	}
	check(xesvm_dbg_parse(g, XESVM_DBG_VMS, "dri/0/svm_vms", 0, device0_vms,
			      sizeof(device0_vms) - 1, &err), &err);
	check(xesvm_dbg_parse(g, XESVM_DBG_VMS, "dri/1/svm_vms", 1, text, size, &err), &err);
	check(xesvm_dbg_parse(g, XESVM_DBG_PAGEMAPS, "dri/0/svm_pagemaps", 0, text, size, &err),
	      &err);
	check(xesvm_dbg_select(g, &err), &err);
	check(xesvm_dbg_parse(g, XESVM_DBG_MEM_ATTRS, "dri/client-5/svm_mem_attrs", 5, text, size,
			      &err), &err);
	check(xesvm_dbg_parse(g, XESVM_DBG_RANGES, "dri/client-5/svm_ranges", 5, text, size, &err),
	      &err);
	check(xesvm_dbg_finish(g, &err), &err);
	xesvm_dbg_free(g);

	json_array_foreach(json_object_get(xesvm_model_root(m), "notes"), i, note)
		if (!json_is_string(note) || strchr(json_string_value(note), '\n'))
			__builtin_trap();
	/* Everything accepted must be a valid model: exact integers, UTF-8 strings. */
	out = fopen("/dev/null", "w");
	if (out) {
		memset(&err, 0, sizeof(err));
		if (xesvm_model_write(m, out, 0, &err))
			__builtin_trap();
		fclose(out);
	}
	xesvm_model_free(m);
	return 0;
}
