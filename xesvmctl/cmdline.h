/* SPDX-License-Identifier: MIT */
/*
 * Everything derived from the command table: parsing a command line into
 * an invocation, reading its values, help text, completion and the
 * `__complete-table` dump.
 */
#ifndef XESVMCTL_CMDLINE_H
#define XESVMCTL_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "cmdtab.h"

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

/* Value of parameter @name (keyword or long option name), NULL if absent. */
const char *cli_arg(const struct cli_invocation *inv, const char *name);
bool cli_flag(const struct cli_invocation *inv, const char *name);
/* The choice given for parameter @name, NULL if absent; *@arg its argument. */
const struct cli_choice *cli_choice(const struct cli_invocation *inv,
				    const char *name, const char **arg);

/* A non-negative integer (decimal or 0x) for @what ("pid"); usage error if not. */
int cli_parse_id(struct cli *cli, const char *what, const char *text,
		 int64_t *out);
/* A positive number (@integer: whole) for @what ("--watch"); usage error if not. */
int cli_parse_positive(struct cli *cli, const char *what, const char *text,
		       double *out, bool integer);
/*
 * Parses a format name (unique prefix) given to @what ("--format"); false
 * with a usage error naming every format if none matches.
 */
bool cli_parse_format(struct cli *cli, const char *what, const char *text,
		      enum cli_format *out);

const char *cli_value_name(enum cli_value v);
/* The words a value of kind @v may be ({0}-terminated), NULL if any. */
const struct cli_choice *cli_value_choices(enum cli_value v);

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

#endif /* XESVMCTL_CMDLINE_H */
