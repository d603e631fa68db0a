// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: xesvm_snapshot_load(). The loader takes a path, so the
 * input goes into a memfd opened through /proc/self/fd (no disk, no
 * leftovers). Checks the contract: a model on success, otherwise no model
 * and a one-line error of class usage (malformed input) or system.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xesvm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int snapshot_fd = -1;
static char snapshot_path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;
	int rc;

	if (snapshot_fd < 0) {
		snapshot_fd = memfd_create("xesvm-fuzz-snapshot", MFD_CLOEXEC);
		if (snapshot_fd < 0)
			abort();
		snprintf(snapshot_path, sizeof(snapshot_path), "/proc/self/fd/%d", snapshot_fd);
	}
	if (ftruncate(snapshot_fd, 0) ||
	    (size && pwrite(snapshot_fd, data, size, 0) != (ssize_t)size))
		abort();

	rc = xesvm_snapshot_load(snapshot_path, &m, &err);
	if (rc == 0) {
		if (!m || err.status != XESVM_OK)
			__builtin_trap();
		/* What loaded must write back out (exercises the writer on it). */
		{
			FILE *sink = fopen("/dev/null", "w");
			struct xesvm_error werr = { 0 };

			if (sink) {
				xesvm_model_write(m, sink, 0, &werr);
				fclose(sink);
			}
		}
		xesvm_model_free(m);
	} else {
		if (m || err.status == XESVM_OK || !err.msg[0] || strchr(err.msg, '\n'))
			__builtin_trap();
	}
	return 0;
}
