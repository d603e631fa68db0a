/* SPDX-License-Identifier: MIT */
/*
 * The command table: what an object, a command, a keyword or option and a
 * value are, and the one list of objects (cmdtab.c).
 *
 * Each object file (device.c, vm.c, monitor.c, ...) defines its struct
 * cli_object: its commands, their keywords and options, their help and
 * their run functions. cmdtab.c lists the objects in help order and holds
 * the global options and the words of the fixed-list values. The table
 * drives argument parsing, `help`, the shell's completion and
 * `__complete-table` (cmdline.c), from which the build generates the
 * bash/zsh/fish completion files.
 */
#ifndef XESVMCTL_CMDTAB_H
#define XESVMCTL_CMDTAB_H

#include <stdbool.h>
#include <stdint.h>

/* What a value is, so completion can offer something sensible. */
enum cli_value {
	CLI_VALUE_NONE,		/* a flag: takes no value */
	CLI_VALUE_NUMBER,	/* decimal (or 0x) integer */
	CLI_VALUE_PID,		/* process id */
	CLI_VALUE_DEVICE,	/* card index, card/render node or PCI BDF */
	CLI_VALUE_WINDOW,	/* ADDR[-END|+LEN] */
	CLI_VALUE_SECONDS,	/* a duration, may be fractional */
	CLI_VALUE_FILE,		/* a path ("-" for stdin/stdout where allowed) */
	CLI_VALUE_DIR,		/* a directory */
	CLI_VALUE_OBJECT,	/* an object name of this table */
	CLI_VALUE_FORMAT,	/* an output format: human, json, prometheus */
	/* One word of a fixed list (cli_value_choices()): */
	CLI_VALUE_LOCATION,	/* a preferred location */
	CLI_VALUE_POLICY,	/* a migration policy */
	CLI_VALUE_ATOMIC,	/* an atomic access mode */
	CLI_VALUE_DESTINATION,	/* where migrate moves pages (the last kind) */
	CLI_VALUE_KINDS
};

/*
 * One word a value of a fixed list accepts ("atomic device"), matched by
 * unique prefix ('-' and '_' alike). A choice may take one argument of its
 * own ("to pagemap 2"): @metavar and @value say what it is.
 */
struct cli_choice {
	const char *word;
	const char *metavar;	/* NULL: no argument */
	enum cli_value value;	/* of the argument; CLI_VALUE_NONE if none */
	const char *help;
	uint32_t code;		/* for the command: an enum value */
};

/*
 * A command parameter: an iproute2-style keyword ("pid 42"), an option
 * ("-w 2", "--watch=2"), or both spellings of the same thing.
 */
struct cli_param {
	const char *keyword;	/* NULL: option only */
	char short_opt;		/* 0: none */
	const char *long_opt;	/* NULL: none */
	const char *metavar;	/* NULL for flags */
	enum cli_value value;
	const char *help;
};

#define CLI_MAX_PARAMS 16
#define CLI_MAX_POSITIONAL 4

struct cli;
struct cli_invocation;

struct cli_command {
	/* NULL: the object is itself the command (`snapshot`, `diff`, ...). */
	const char *name;
	const char *summary;
	const struct cli_param *params;	/* terminated by an all-zero entry */
	const char *positional;		/* "SNAP_A SNAP_B", NULL if none */
	int min_positional, max_positional;
	enum cli_value positional_value;
	int (*run)(struct cli *cli, const struct cli_invocation *inv);
};

struct cli_object {
	const char *name;
	const char *summary;
	/* Terminated by an entry with run == NULL; the first is the default. */
	const struct cli_command *commands;
	/* Allowed in the shell and in batch files (`shell` is not). */
	bool nestable;
};

/* Every object, in the order help lists them; NULL-terminated. */
extern const struct cli_object *const cli_objects[];
extern const struct cli_param cli_global_params[];

/* By enum cli_value: its name for completion, and its words (NULL: any value). */
extern const char *const cli_value_names[CLI_VALUE_KINDS];
extern const struct cli_choice *const cli_value_choice_lists[CLI_VALUE_KINDS];

/* The names --format accepts, in enum cli_format order; NULL-terminated. */
extern const char *const cli_format_names[];

/* ---- parameters several objects share, spelt the same everywhere ---- */

/* A command without keywords or options. */
#define CLI_NO_PARAMS ((const struct cli_param[]){ { 0 } })

#define CLI_DEV_PARAM							\
	{ "dev", 0, NULL, "DEV", CLI_VALUE_DEVICE,			\
	  "only this device (like -d)" }

/* Filters shared by every `show` of the SVM objects. */
#define CLI_FILTER_PARAMS						\
	CLI_DEV_PARAM,							\
	{ "pid", 0, NULL, "PID", CLI_VALUE_PID,				\
	  "only VMs of this process" },					\
	{ "client", 0, NULL, "ID", CLI_VALUE_NUMBER,			\
	  "only VMs of this DRM client" },				\
	{ "vm", 0, NULL, "ID", CLI_VALUE_NUMBER,			\
	  "only this VM (its number in vm show)" },			\
	{ "addr", 0, NULL, "ADDR[-END|+LEN]", CLI_VALUE_WINDOW,		\
	  "only what overlaps this address window" }

/*
 * The live admin commands name one VM: by process, DRM client or number,
 * on a device (needed only when the others leave a choice).
 */
#define CLI_TARGET_PARAMS						\
	{ "dev", 0, NULL, "DEV", CLI_VALUE_DEVICE,			\
	  "the device of the VM (like -d)" },				\
	{ "pid", 0, NULL, "PID", CLI_VALUE_PID,				\
	  "the VM of this process" },					\
	{ "client", 0, NULL, "ID", CLI_VALUE_NUMBER,			\
	  "the VM of this DRM client" },				\
	{ "vm", 0, NULL, "ID", CLI_VALUE_NUMBER,			\
	  "the VM with this number (as vm show lists it)" }

#endif /* XESVMCTL_CMDTAB_H */
