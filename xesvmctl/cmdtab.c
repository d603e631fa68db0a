// SPDX-License-Identifier: MIT
/*
 * The command table: objects, their commands, each command's keywords and
 * options, and the words a value may be. Data only: everything derived
 * from it (parsing, help, completion) is in cmdline.c. Adding a command
 * means adding a row here and a run function; parsing, help and
 * completion follow.
 */
#include <stdlib.h>
#include <string.h>

#include <drm/drm_svm.h>

#include "xesvmctl.h"

/* ------------------------------------------------------------------ */
/* The table                                                           */
/* ------------------------------------------------------------------ */

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

/* Filters shared by every `show` of the SVM objects. */
#define FILTER_PARAMS							\
	{ "dev", 0, NULL, "DEV", CLI_VALUE_DEVICE,			\
	  "only this device (like -d)" },				\
	{ "pid", 0, NULL, "PID", CLI_VALUE_PID,				\
	  "only VMs of this process" },					\
	{ "client", 0, NULL, "ID", CLI_VALUE_NUMBER,			\
	  "only VMs of this DRM client" },				\
	{ "vm", 0, NULL, "ID", CLI_VALUE_NUMBER,			\
	  "only this VM (handle, xe: ASID)" },				\
	{ "addr", 0, NULL, "ADDR[-END|+LEN]", CLI_VALUE_WINDOW,		\
	  "only what overlaps this address window" }

static const struct cli_param svm_filter_params[] = {
	FILTER_PARAMS,
	{ 0 },
};

static const struct cli_param vm_show_params[] = {
	FILTER_PARAMS,
	{ "detail", 0, NULL, NULL, CLI_VALUE_NONE,
	  "also list every range under its VMA" },
	{ 0 },
};

static const struct cli_param explain_params[] = {
	{ "pid", 0, NULL, "PID", CLI_VALUE_PID,
	  "the process whose address it is" },
	{ "vm", 0, NULL, "ID", CLI_VALUE_NUMBER,
	  "the VM (handle, xe: ASID) whose address it is" },
	{ "dev", 0, NULL, "DEV", CLI_VALUE_DEVICE,
	  "only VMs of this device (like -d)" },
	{ 0 },
};

static const struct cli_param device_filter_params[] = {
	{ "dev", 0, NULL, "DEV", CLI_VALUE_DEVICE,
	  "only this device (like -d)" },
	{ 0 },
};

static const struct cli_param client_params[] = {
	{ "dev", 0, NULL, "DEV", CLI_VALUE_DEVICE,
	  "only this device (like -d)" },
	{ "pid", 0, NULL, "PID", CLI_VALUE_PID, "only this process" },
	{ "client", 0, NULL, "ID", CLI_VALUE_NUMBER, "only this DRM client" },
	{ 0 },
};

static const struct cli_param stats_show_params[] = {
	{ "dev", 0, NULL, "DEV", CLI_VALUE_DEVICE,
	  "only this device (like -d)" },
	{ NULL, 'w', "watch", "SECONDS", CLI_VALUE_SECONDS,
	  "print rates every SECONDS until interrupted" },
	{ "count", 0, NULL, "N", CLI_VALUE_NUMBER,
	  "with --watch: stop after N samples" },
	{ "format", 0, "format", "FORMAT", CLI_VALUE_FORMAT,
	  "human, json or prometheus (like --format before the object)" },
	{ 0 },
};

static const struct cli_param snapshot_params[] = {
	{ NULL, 'o', "output", "FILE", CLI_VALUE_FILE,
	  "write to FILE (atomically) instead of stdout" },
	{ NULL, 'z', "gzip", NULL, CLI_VALUE_NONE, "compress with gzip" },
	{ NULL, 0, "events", "SECONDS", CLI_VALUE_SECONDS,
	  "also record SECONDS of live events (needs CAP_PERFMON or CAP_SYS_ADMIN)" },
	{ 0 },
};

/*
 * The live admin commands name one VM: by process, DRM client or handle,
 * on a device (needed only when the others leave a choice).
 */
#define TARGET_PARAMS							\
	{ "dev", 0, NULL, "DEV", CLI_VALUE_DEVICE,			\
	  "the device of the VM (like -d)" },				\
	{ "pid", 0, NULL, "PID", CLI_VALUE_PID,				\
	  "the VM of this process" },					\
	{ "client", 0, NULL, "ID", CLI_VALUE_NUMBER,			\
	  "the VM of this DRM client" },				\
	{ "vm", 0, NULL, "ID", CLI_VALUE_NUMBER,			\
	  "the VM with this handle (xe: ASID)" }

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
	  DRM_SVM_ATOMIC_ACCESS_UNDEFINED },
	{ "device", NULL, CLI_VALUE_NONE, "atomics by the GPU",
	  DRM_SVM_ATOMIC_ACCESS_DEVICE },
	{ "global", NULL, CLI_VALUE_NONE, "atomics by GPU and CPU",
	  DRM_SVM_ATOMIC_ACCESS_GLOBAL },
	{ "cpu", NULL, CLI_VALUE_NONE, "atomics by the CPU",
	  DRM_SVM_ATOMIC_ACCESS_CPU },
	{ 0 },
};

static const struct cli_choice migrate_choices[] = {
	{ "system", NULL, CLI_VALUE_NONE, "system memory",
	  DRM_SVM_MIGRATE_TARGET_SYSTEM },
	{ "pagemap", "ID", CLI_VALUE_NUMBER, "the device memory pagemap ID",
	  DRM_SVM_MIGRATE_TARGET_PAGEMAP },
	{ 0 },
};

static const struct cli_param madvise_params[] = {
	TARGET_PARAMS,
	{ "preferred-location", 0, NULL, "default_device|system|pagemap ID",
	  CLI_VALUE_LOCATION, "where the pages should live" },
	{ "migration-policy", 0, NULL, "all_pages|only_system_pages",
	  CLI_VALUE_POLICY, "which pages a GPU fault migrates" },
	{ "atomic", 0, NULL, "undefined|device|global|cpu", CLI_VALUE_ATOMIC,
	  "who may do atomic operations" },
	{ "pat", 0, NULL, "INDEX", CLI_VALUE_NUMBER,
	  "page attribute table index of the GPU mapping" },
	{ NULL, 0, "dry-run", NULL, CLI_VALUE_NONE,
	  "only show the VMAs the change would leave (works on -f snapshots)" },
	{ 0 },
};

static const struct cli_param migrate_params[] = {
	TARGET_PARAMS,
	{ "to", 0, NULL, "system|pagemap ID", CLI_VALUE_DESTINATION,
	  "where to move the pages" },
	{ 0 },
};

static const struct cli_param gc_params[] = {
	TARGET_PARAMS,
	{ 0 },
};

static const struct cli_param monitor_params[] = {
	{ "fault", 0, NULL, NULL, CLI_VALUE_NONE, "GPU page faults" },
	{ "migrate", 0, NULL, NULL, CLI_VALUE_NONE, "migrations" },
	{ "invalidate", 0, NULL, NULL, CLI_VALUE_NONE,
	  "invalidations (CPU-side changes)" },
	{ "unmap", 0, NULL, NULL, CLI_VALUE_NONE, "CPU unmaps of ranges" },
	{ "gc", 0, NULL, NULL, CLI_VALUE_NONE, "garbage collections" },
	{ "madvise", 0, NULL, NULL, CLI_VALUE_NONE,
	  "memory attribute changes" },
	{ "dev", 0, NULL, "DEV", CLI_VALUE_DEVICE,
	  "only this device (like -d)" },
	{ "pid", 0, NULL, "PID", CLI_VALUE_PID, "only VMs of this process" },
	{ "vm", 0, NULL, "ID", CLI_VALUE_NUMBER,
	  "only this VM (handle, xe: ASID)" },
	{ "addr", 0, NULL, "ADDR[-END|+LEN]", CLI_VALUE_WINDOW,
	  "only events overlapping this address window" },
	{ NULL, 'n', "count", "COUNT", CLI_VALUE_NUMBER,
	  "stop after COUNT events" },
	{ NULL, 0, "duration", "SECONDS", CLI_VALUE_SECONDS,
	  "stop after SECONDS" },
	{ 0 },
};

static const struct cli_param no_params[] = {
	{ 0 },
};

static const struct cli_command device_commands[] = {
	{ "show", "list xe DRM devices: PCI address, nodes, memory regions, GTs",
	  device_filter_params, NULL, 0, 0, CLI_VALUE_NONE, cmd_device_show },
	{ 0 },
};

static const struct cli_command client_commands[] = {
	{ "show", "list DRM clients (processes) of each device and their memory",
	  client_params, NULL, 0, 0, CLI_VALUE_NONE, cmd_client_show },
	{ 0 },
};

static const struct cli_command vm_commands[] = {
	{ "show", "one block per GPU VM: its VMAs and ranges by residency; detail: every range",
	  vm_show_params, NULL, 0, 0, CLI_VALUE_NONE, cmd_vm_show },
	{ 0 },
};

static const struct cli_command vma_commands[] = {
	{ "show", "one line per GPU VMA with its memory attributes",
	  svm_filter_params, NULL, 0, 0, CLI_VALUE_NONE, cmd_vma_show },
	{ 0 },
};

static const struct cli_command range_commands[] = {
	{ "show", "one line per SVM range: bounds, residency, flags",
	  svm_filter_params, NULL, 0, 0, CLI_VALUE_NONE, cmd_range_show },
	{ 0 },
};

static const struct cli_command pagemap_commands[] = {
	{ "show", "device memory pagemaps and their migration statistics",
	  device_filter_params, NULL, 0, 0, CLI_VALUE_NONE, cmd_pagemap_show },
	{ 0 },
};

static const struct cli_command stats_commands[] = {
	{ "show", "per-GT SVM statistics, grouped; --watch prints rates",
	  stats_show_params, NULL, 0, 0, CLI_VALUE_NONE, cmd_stats_show },
	{ "reset", "zero the per-GT statistics (needs root)",
	  device_filter_params, NULL, 0, 0, CLI_VALUE_NONE, cmd_stats_reset },
	{ 0 },
};

static const struct cli_command snapshot_commands[] = {
	{ NULL, "save everything the system offers as a snapshot file",
	  snapshot_params, NULL, 0, 0, CLI_VALUE_NONE, cmd_snapshot },
	{ 0 },
};

static const struct cli_command diff_commands[] = {
	{ NULL, "what changed between two snapshots",
	  no_params, "SNAP_A SNAP_B", 2, 2, CLI_VALUE_FILE, cmd_diff },
	{ 0 },
};

static const struct cli_command explain_commands[] = {
	{ NULL, "what holds ADDR of a process or VM: VMA, range, CPU mapping, events",
	  explain_params, "ADDR", 1, 1, CLI_VALUE_NUMBER, cmd_explain },
	{ 0 },
};

static const struct cli_command monitor_commands[] = {
	{ NULL, "print live SVM events as they happen (all types unless some are named)",
	  monitor_params, NULL, 0, 0, CLI_VALUE_NONE, cmd_monitor },
	{ 0 },
};

static const struct cli_command madvise_commands[] = {
	{ NULL, "set memory attributes on a window of a VM; shows the VMAs before and after",
	  madvise_params, "WINDOW", 1, 1, CLI_VALUE_WINDOW, cmd_madvise },
	{ 0 },
};

static const struct cli_command migrate_commands[] = {
	{ NULL, "move the SVM ranges of a window of a VM to system memory or a pagemap",
	  migrate_params, "WINDOW", 1, 1, CLI_VALUE_WINDOW, cmd_migrate },
	{ 0 },
};

static const struct cli_command gc_commands[] = {
	{ NULL, "run the garbage collector of a VM now",
	  gc_params, NULL, 0, 0, CLI_VALUE_NONE, cmd_gc },
	{ 0 },
};

static const struct cli_command shell_commands[] = {
	{ NULL, "interactive shell with history and completion",
	  no_params, NULL, 0, 0, CLI_VALUE_NONE, cmd_shell },
	{ 0 },
};

static const struct cli_command help_commands[] = {
	{ NULL, "print the grammar, or the commands of OBJECT",
	  no_params, "[OBJECT]", 0, 1, CLI_VALUE_OBJECT, cmd_help },
	{ 0 },
};

const struct cli_object cli_objects[] = {
	{ "device", "xe DRM devices", device_commands, true },
	{ "client", "DRM clients (processes using a device)", client_commands, true },
	{ "vm", "GPU VMs mirroring a process (SVM)", vm_commands, true },
	{ "vma", "GPU VMAs and their memory attributes", vma_commands, true },
	{ "range", "SVM ranges (drm_gpusvm)", range_commands, true },
	{ "pagemap", "device memory pagemaps (drm_pagemap)", pagemap_commands, true },
	{ "stats", "per-GT SVM statistics", stats_commands, true },
	{ "snapshot", "save a snapshot", snapshot_commands, true },
	{ "diff", "compare two snapshots", diff_commands, true },
	{ "explain", "explain one address of a process or VM", explain_commands, true },
	{ "monitor", "live SVM events", monitor_commands, true },
	{ "madvise", "set memory attributes (live)", madvise_commands, true },
	{ "migrate", "migrate SVM ranges (live)", migrate_commands, true },
	{ "gc", "collect the unmapped ranges of a VM (live)", gc_commands, true },
	{ "shell", "interactive shell", shell_commands, false },
	{ "help", "help", help_commands, true },
	{ 0 },
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
