// SPDX-License-Identifier: MIT
/*
 * The one list of objects (each defined in its own file), the global
 * options and the words a fixed-list value may be. Data only: everything
 * derived from it (parsing, help, completion) is in cmdline.c. Adding a
 * command means adding a row to its object's file (a new object: the
 * file, and a line here); parsing, help and completion follow.
 */
#include <stdlib.h>
#include <string.h>

#include <drm/drm_svm.h>

#include "cmdtab.h"

const struct cli_param cli_global_params[] = {
	{ NULL, 'j', "json", NULL, CLI_VALUE_NONE,
	  "print JSON (keys documented in xesvm-json(7))" },
	{ NULL, 'p', "pretty", NULL, CLI_VALUE_NONE,
	  "print indented JSON (implies --json)" },
	{ NULL, 0, "format", "FORMAT", CLI_VALUE_FORMAT,
	  "human (default), json (= -j) or prometheus (stats show only)" },
	{ NULL, 'f', "file", "SNAPSHOT", CLI_VALUE_FILE,
	  "read a snapshot file instead of the live system (- for stdin)" },
	{ NULL, 'd', "device", "DEV", CLI_VALUE_DEVICE,
	  "select a device: card index, card/render node or PCI BDF" },
	{ NULL, 'b', "batch", "FILE", CLI_VALUE_FILE,
	  "run the commands in FILE (- for stdin), one per line" },
	{ NULL, 0, "force", NULL, CLI_VALUE_NONE,
	  "in batch mode, go on after a failing command" },
	{ NULL, 0, "debugfs", "DIR", CLI_VALUE_DIR,
	  "debugfs root to read (default $XESVM_DEBUGFS or /sys/kernel/debug)" },
	{ NULL, 0, "proc", "DIR", CLI_VALUE_DIR,
	  "procfs root to read (default $XESVM_PROC or /proc)" },
	{ NULL, 'x', "exact", NULL, CLI_VALUE_NONE,
	  "print exact numbers instead of human units" },
	{ NULL, 'v', "verbose", NULL, CLI_VALUE_NONE,
	  "say where each view came from and what could not be read" },
	{ NULL, 'V', "version", NULL, CLI_VALUE_NONE, "print the version" },
	{ NULL, 'h', "help", NULL, CLI_VALUE_NONE, "print this help" },
	{ 0 },
};

/* Choice words are the model's enumeration strings (xesvm-json(7)). */
static const struct cli_choice preferred_choices[] = {
	{ "default_device", NULL, CLI_VALUE_NONE,
	  "the device memory closest to the faulting engine",
	  DRM_SVM_PREFERRED_LOC_DEFAULT_DEVICE },
	{ "system", NULL, CLI_VALUE_NONE, "system memory",
	  DRM_SVM_PREFERRED_LOC_SYSTEM },
	{ "pagemap", "ID", CLI_VALUE_NUMBER, "the device memory pagemap ID",
	  DRM_SVM_PREFERRED_LOC_PAGEMAP },
	{ 0 },
};

static const struct cli_choice policy_choices[] = {
	{ "all_pages", NULL, CLI_VALUE_NONE,
	  "a GPU fault migrates every page of the range",
	  DRM_SVM_MIGRATION_POLICY_ALL_PAGES },
	{ "only_system_pages", NULL, CLI_VALUE_NONE,
	  "a GPU fault migrates only pages in system memory",
	  DRM_SVM_MIGRATION_POLICY_ONLY_SYSTEM_PAGES },
	{ 0 },
};

static const struct cli_choice atomic_choices[] = {
	{ "undefined", NULL, CLI_VALUE_NONE, "whatever the driver does by default",
	  DRM_SVM_XE_ATOMIC_ACCESS_UNDEFINED },
	{ "device", NULL, CLI_VALUE_NONE, "atomics by the GPU",
	  DRM_SVM_XE_ATOMIC_ACCESS_DEVICE },
	{ "global", NULL, CLI_VALUE_NONE, "atomics by GPU and CPU",
	  DRM_SVM_XE_ATOMIC_ACCESS_GLOBAL },
	{ "cpu", NULL, CLI_VALUE_NONE, "atomics by the CPU",
	  DRM_SVM_XE_ATOMIC_ACCESS_CPU },
	{ 0 },
};

static const struct cli_choice migrate_choices[] = {
	{ "system", NULL, CLI_VALUE_NONE, "system memory",
	  DRM_SVM_MIGRATE_TARGET_SYSTEM },
	{ "pagemap", "ID", CLI_VALUE_NUMBER, "the device memory pagemap ID",
	  DRM_SVM_MIGRATE_TARGET_PAGEMAP },
	{ 0 },
};

/*
 * The objects, defined by their files. Declared here rather than in a
 * header each: this list is the only place that names them all.
 */
extern const struct cli_object device_object, client_object, vm_object,
	vma_object, range_object, pagemap_object, stats_object, snapshot_object,
	diff_object, explain_object, monitor_object, madvise_object,
	migrate_object, gc_object, shell_object, help_object;

const struct cli_object *const cli_objects[] = {
	&device_object, &client_object, &vm_object, &vma_object, &range_object,
	&pagemap_object, &stats_object, &snapshot_object, &diff_object,
	&explain_object, &monitor_object, &madvise_object, &migrate_object,
	&gc_object, &shell_object, &help_object, NULL,
};

const char *const cli_value_names[] = {
	[CLI_VALUE_NONE] = "none",
	[CLI_VALUE_NUMBER] = "number",
	[CLI_VALUE_PID] = "pid",
	[CLI_VALUE_DEVICE] = "device",
	[CLI_VALUE_WINDOW] = "window",
	[CLI_VALUE_SECONDS] = "seconds",
	[CLI_VALUE_FILE] = "file",
	[CLI_VALUE_DIR] = "dir",
	[CLI_VALUE_OBJECT] = "object",
	[CLI_VALUE_FORMAT] = "format",
	[CLI_VALUE_LOCATION] = "location",
	[CLI_VALUE_POLICY] = "policy",
	[CLI_VALUE_ATOMIC] = "atomic",
	[CLI_VALUE_DESTINATION] = "destination",
};

const struct cli_choice *const cli_value_choice_lists[] = {
	[CLI_VALUE_LOCATION] = preferred_choices,
	[CLI_VALUE_POLICY] = policy_choices,
	[CLI_VALUE_ATOMIC] = atomic_choices,
	[CLI_VALUE_DESTINATION] = migrate_choices,
};

const char *const cli_format_names[] = { "human", "json", "prometheus", NULL };
