/* SPDX-License-Identifier: MIT */
/* Running command lines: one (argv, a batch or shell line) and a batch file. */
#ifndef XESVMCTL_RUN_H
#define XESVMCTL_RUN_H

#include "cli.h"

/* Parses and runs one command line (OBJECT COMMAND ARGS...); a status. */
int cli_run_argv(struct cli *cli, int argc, char **argv);
/* Splits a batch/shell line into words (quotes, backslashes); NULL-terminated. */
char **cli_split_line(const char *line, int *argc, struct xesvm_error *err);
void cli_free_words(char **words);
/*
 * After a read of command lines failed (errno): reports "cannot read
 * @what: ..." and returns XESVM_E_SYSTEM, so a directory or an I/O error
 * never passes for the end of the input.
 */
int cli_report_read_error(struct cli *cli, const char *what);
/* Runs the lines of the -b file; reports each failing line's error. */
int cli_run_batch(struct cli *cli);

#endif /* XESVMCTL_RUN_H */
