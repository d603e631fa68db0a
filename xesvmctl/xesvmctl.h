/* SPDX-License-Identifier: MIT */
/*
 * xesvmctl internals: the command table, the invocation it produces, and
 * the per-run context every command receives.
 *
 * One table (cmdtab.c) describes objects, their commands, and each
 * command's keywords and options. The same table drives argument parsing
 * (cmdline.c), `help`, the interactive shell's completion and
 * `__complete-table`, which tests compare with the bash/zsh/fish
 * completion files.
 */
#ifndef XESVMCTL_H
#define XESVMCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <xesvm.h>

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

/* By enum cli_value: its name for completion, and its words (NULL: any value). */
extern const char *const cli_value_names[CLI_VALUE_KINDS];
extern const struct cli_choice *const cli_value_choice_lists[CLI_VALUE_KINDS];

/* Output formats (--format; -j is json). */
enum cli_format {
	CLI_FORMAT_HUMAN,
	CLI_FORMAT_JSON,
	CLI_FORMAT_PROMETHEUS,
};

/* The names --format accepts, in enum order; NULL-terminated. */
extern const char *const cli_format_names[];
/* Parses a format name (unique prefix); false if none matches. */
bool cli_parse_format(const char *text, enum cli_format *out);

const char *cli_value_name(enum cli_value v);
/* The words a value of kind @v may be ({0}-terminated), NULL if any. */
const struct cli_choice *cli_value_choices(enum cli_value v);

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

extern const struct cli_object cli_objects[];
extern const struct cli_param cli_global_params[];

/* The parsed form of one command line (after the global options). */
struct cli_invocation {
	const struct cli_object *object;
	const struct cli_command *command;
	const char *values[CLI_MAX_PARAMS];	/* by index into command->params */
	bool present[CLI_MAX_PARAMS];
	/* Parameters whose value is a choice: the choice and its argument. */
	const struct cli_choice *choice[CLI_MAX_PARAMS];
	const char *choice_arg[CLI_MAX_PARAMS];
	const char *positional[CLI_MAX_POSITIONAL];
	int npositional;
};

/* Value of parameter @name (keyword or long option name), NULL if absent. */
const char *cli_arg(const struct cli_invocation *inv, const char *name);
bool cli_flag(const struct cli_invocation *inv, const char *name);
/* The choice given for parameter @name, NULL if absent; *@arg its argument. */
const struct cli_choice *cli_choice(const struct cli_invocation *inv,
				    const char *name, const char **arg);

/* Per-run state: global options, the loaded snapshot, the first error. */
struct cli {
	/*
	 * The format of the command being run: the global --format (or -j),
	 * overridden by the command's own `format` keyword. json mirrors
	 * format == CLI_FORMAT_JSON (errors are JSON lines under it).
	 */
	enum cli_format format;
	enum cli_format global_format;
	bool json;
	bool pretty;
	bool exact;
	bool verbose;
	bool color;
	bool force;
	bool interactive;	/* inside the shell */
	const char *snapshot_path;	/* -f */
	const char *device;		/* -d */
	const char *batch_path;		/* -b */
	struct xesvm_sources sources;

	struct xesvm_model *snapshot;	/* loaded once, reused by batch/shell */
	json_t *seen_events;		/* printed by monitor, for explain */
	bool notes_shown;
	struct xesvm_error err;
};

/* ---- cmdline.c: matching, parsing, help, completion ---- */

/*
 * Parses argv (OBJECT COMMAND ARGS...) into @inv. Keywords, commands and
 * objects match by unique prefix. Returns XESVM_OK or XESVM_E_USAGE with
 * cli->err set. *help_for is set (and XESVM_OK returned) when the line
 * asked for help on an object ("OBJECT help", "OBJECT COMMAND --help").
 */
int cli_parse(struct cli *cli, int argc, char **argv,
	      struct cli_invocation *inv, const struct cli_object **help_for);

/* Object by unique prefix (NULL and cli->err set otherwise). */
const struct cli_object *cli_find_object(struct cli *cli, const char *word);

void cli_print_usage(FILE *out);
void cli_print_object_help(FILE *out, const struct cli_object *obj);
void cli_dump_table(FILE *out);

/*
 * Completion candidates for the word being typed (@words[@nwords-1], may be
 * empty) after the complete words before it. @global_opts: offer the
 * global options too (command line, not the shell). Calls @emit for each.
 */
void cli_complete(const char *const *words, int nwords, bool global_opts,
		  void (*emit)(const char *word, void *data), void *data);

/* ---- output.c: errors and JSON values ---- */

/* Prints cli->err: one JSON line under -j, else "xesvmctl: PREFIXmessage". */
void cli_report_error(struct cli *cli, const char *prefix);
void cli_clear_error(struct cli *cli);
/* Flushes stdout; a failed write is a system error in cli->err. */
int cli_check_stdout(struct cli *cli);
/* Dumps a jansson value (not model data: diff, rates) under -j. */
int cli_dump_json(struct cli *cli, json_t *value);

/* ---- run.c: command lines and batch files ---- */

int cli_run_argv(struct cli *cli, int argc, char **argv);
/* Splits a batch/shell line into words (quotes, backslashes); NULL-terminated. */
char **cli_split_line(const char *line, int *argc, struct xesvm_error *err);
void cli_free_words(char **words);
/* Runs the lines of the -b file; reports each failing line's error. */
int cli_run_batch(struct cli *cli);

/* ---- context.c: the model, its notes, the selection ---- */

/*
 * The model a command works on: the -f snapshot (loaded once) or a fresh
 * live gather. *owned tells the caller to free it.
 */
int cli_get_model(struct cli *cli, struct xesvm_model **m, bool *owned);
/*
 * Prints the model's notes (what could not be read and why) about the
 * views @views (enum xesvm_view_bit) once per run; with -v every note, and
 * where each view came from. Called by a command once it knows it will
 * produce output, so an error is not buried under notes.
 */
void cli_show_notes(struct cli *cli, const struct xesvm_model *m, unsigned int views);

/* What the VM views (vm show, explain, madvise, migrate, gc) show of the model. */
#define CLI_VM_VIEWS (XESVM_VIEW_VMS | XESVM_VIEW_VMAS | XESVM_VIEW_RANGES | XESVM_VIEW_PAGEMAPS)
void cli_put_model(struct xesvm_model *m, bool owned);

/* The status of the error recorded in cli->err, @fallback if none. */
static inline int cli_status(const struct cli *cli, int fallback)
{
	return cli->err.status ? (int)cli->err.status : fallback;
}

/* A non-negative integer (decimal or 0x) for @what ("pid"); usage error if not. */
int cli_parse_id(struct cli *cli, const char *what, const char *text,
		 int64_t *out);
/* A positive number (@integer: whole) for @what ("--watch"); usage error if not. */
int cli_parse_positive(struct cli *cli, const char *what, const char *text,
		       double *out, bool integer);

/* The filter of the dev/pid/client/vm/addr keywords (and -d). */
int cli_build_filter(struct cli *cli, const struct cli_invocation *inv,
		     struct xesvm_filter *f);
/* Builds the filter from keywords and -d, resolves it against @m. */
int cli_build_query(struct cli *cli, const struct cli_invocation *inv,
		    const struct xesvm_model *m, struct xesvm_query **q);

/* Writes the view of @collections under -j. */
int cli_write_view(struct cli *cli, const struct xesvm_model *m,
		   const char *const *collections, const struct xesvm_query *q);

/* ---- commands ---- */
int cmd_device_show(struct cli *cli, const struct cli_invocation *inv);
int cmd_client_show(struct cli *cli, const struct cli_invocation *inv);
int cmd_vm_show(struct cli *cli, const struct cli_invocation *inv);
int cmd_vma_show(struct cli *cli, const struct cli_invocation *inv);
int cmd_range_show(struct cli *cli, const struct cli_invocation *inv);
int cmd_pagemap_show(struct cli *cli, const struct cli_invocation *inv);
int cmd_stats_show(struct cli *cli, const struct cli_invocation *inv);
int cmd_stats_reset(struct cli *cli, const struct cli_invocation *inv);
int cmd_snapshot(struct cli *cli, const struct cli_invocation *inv);
int cmd_diff(struct cli *cli, const struct cli_invocation *inv);
int cmd_explain(struct cli *cli, const struct cli_invocation *inv);
int cmd_monitor(struct cli *cli, const struct cli_invocation *inv);
int cmd_madvise(struct cli *cli, const struct cli_invocation *inv);
int cmd_migrate(struct cli *cli, const struct cli_invocation *inv);
int cmd_gc(struct cli *cli, const struct cli_invocation *inv);
int cmd_shell(struct cli *cli, const struct cli_invocation *inv);
int cmd_help(struct cli *cli, const struct cli_invocation *inv);

/* Opens the shell (readline on a terminal, plain lines otherwise). */
int cli_shell(struct cli *cli);

#endif /* XESVMCTL_H */
