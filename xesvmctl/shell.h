/* SPDX-License-Identifier: MIT */
/* The interactive shell (shell.c), also what xesvmctl runs without arguments on a terminal. */
#ifndef XESVMCTL_SHELL_H
#define XESVMCTL_SHELL_H

#include "cli.h"

/* Opens the shell (readline on a terminal, plain lines otherwise). */
int cli_shell(struct cli *cli);

#endif /* XESVMCTL_SHELL_H */
