// SPDX-License-Identifier: MIT
/* `help [OBJECT]`: the grammar of every object, or the commands of one. */
#include "cmdline.h"

static int help(struct cli *cli, const struct cli_invocation *inv)
{
	if (inv->npositional) {
		const struct cli_object *obj = cli_find_object(cli, inv->positional[0]);

		if (!obj)
			return XESVM_E_USAGE;
		cli_print_object_help(stdout, obj);
	} else {
		cli_print_usage(stdout);
	}
	return cli_check_stdout(cli);
}

static const struct cli_command help_commands[] = {
	{ NULL, "print the grammar, or the commands of OBJECT",
	  CLI_NO_PARAMS, "[OBJECT]", 0, 1, CLI_VALUE_OBJECT, help },
	{ 0 },
};

const struct cli_object help_object = {
	"help", "help", help_commands, true,
};
