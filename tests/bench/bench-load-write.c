// SPDX-License-Identifier: MIT
/*
 * Benchmark driver for the model alone: loads a snapshot and writes its
 * ranges view as `xesvmctl -f FILE -j range show` does (same library calls),
 * so the loader and writer can be measured without the CLI.
 * Usage: bench-load-write SNAPSHOT [--pretty] > /dev/null
 */
#include <stdio.h>
#include <string.h>

#include "xesvm.h"

int main(int argc, char **argv)
{
	static const char *const ranges_only[] = { "ranges", NULL };
	struct xesvm_view view = { .collections = ranges_only };
	struct xesvm_error err = { 0 };
	struct xesvm_model *m;

	if (argc < 2) {
		fprintf(stderr, "usage: %s SNAPSHOT [--pretty]\n", argv[0]);
		return 1;
	}
	if (xesvm_snapshot_load(argv[1], &m, &err) ||
	    xesvm_model_write_view(m, stdout, &view,
				   argc > 2 && !strcmp(argv[2], "--pretty") ? XESVM_WRITE_PRETTY : 0,
				   &err)) {
		fprintf(stderr, "bench-load-write: %s\n", err.msg);
		return err.status;
	}
	xesvm_model_free(m);
	return 0;
}
