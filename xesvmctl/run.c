// SPDX-License-Identifier: MIT
/*
 * Running command lines: one (from argv, a batch line or a shell line),
 * and a batch file of them. Lines are split into words here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "run.h"


/* True when @cmd has a parameter named @name (keyword or long option). */
static bool command_takes(const struct cli_command *cmd, const char *name)
{
	for (const struct cli_param *p = cmd->params;
	     p->keyword || p->long_opt || p->short_opt; p++)
		if (strcmp(p->keyword ? p->keyword : p->long_opt, name) == 0)
			return true;
	return false;
}

/*
 * The format of this command line: its own `format` keyword, else the
 * global one. Only commands with a `format` parameter have a Prometheus
 * renderer; asking another for it is a usage error, not a silent fallback.
 */
static int apply_format(struct cli *cli, const struct cli_invocation *inv,
			const struct cli_object *help_for)
{
	const char *text = help_for ? NULL : cli_arg(inv, "format");
	enum cli_format f = cli->global_format;

	if (text && !cli_parse_format(cli, "format", text, &f))
		return XESVM_E_USAGE;
	cli->format = f;
	cli->json = f == CLI_FORMAT_JSON;
	if (!help_for && f == CLI_FORMAT_PROMETHEUS &&
	    !command_takes(inv->command, "format")) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"%s%s%s has no Prometheus format (only stats show has)",
				inv->object->name, inv->command->name ? " " : "",
				inv->command->name ? inv->command->name : "");
		return XESVM_E_USAGE;
	}
	return XESVM_OK;
}

int cli_run_argv(struct cli *cli, int argc, char **argv)
{
	struct cli_invocation inv;
	const struct cli_object *help_for;
	int ret;

	ret = cli_parse(cli, argc, argv, &inv, &help_for);
	if (ret)
		return ret;
	ret = apply_format(cli, &inv, help_for);
	if (ret)
		return ret;
	if (help_for) {
		cli_print_object_help(stdout, help_for);
		return cli_check_stdout(cli);
	}
	if (cli->interactive && !inv.object->nestable) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"'%s' cannot run inside the shell or a batch file",
				inv.object->name);
		return XESVM_E_USAGE;
	}
	ret = inv.command->run(cli, &inv);
	/* The library may return -1: the status is in the error it recorded. */
	if (ret < 0 || ret > XESVM_E_SYSTEM)
		ret = cli->err.status ? (int)cli->err.status : XESVM_E_SYSTEM;
	return ret;
}


char **cli_split_line(const char *line, int *argc, struct xesvm_error *err)
{
	size_t len = strlen(line);
	char **words = calloc(len / 2 + 2, sizeof(*words));
	char *buf = malloc(len + 1);
	const char *s = line;
	int n = 0;

	if (!words || !buf) {
		free(words);
		free(buf);
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return NULL;
	}
	for (;;) {
		char *w = buf, quote = 0;
		bool any = false;

		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (!*s || *s == '#')
			break;
		while (*s && (quote || (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r'))) {
			if (quote && *s == quote) {
				quote = 0;
			} else if (!quote && (*s == '\'' || *s == '"')) {
				quote = *s;
			} else if (*s == '\\' && quote != '\'' && s[1]) {
				*w++ = *++s;
			} else {
				*w++ = *s;
			}
			any = true;
			s++;
		}
		if (quote) {
			xesvm_error_set(err, XESVM_E_USAGE, 0,
					"unterminated %c quote", quote);
			*w = '\0';
			words[n] = NULL;
			cli_free_words(words);
			free(buf);
			return NULL;
		}
		*w = '\0';
		if (any) {
			words[n] = strdup(buf);
			if (!words[n]) {
				cli_free_words(words);
				free(buf);
				xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
				return NULL;
			}
			n++;
		}
	}
	free(buf);
	words[n] = NULL;
	*argc = n;
	return words;
}

void cli_free_words(char **words)
{
	if (!words)
		return;
	for (char **w = words; *w; w++)
		free(*w);
	free(words);
}

int cli_report_read_error(struct cli *cli, const char *what)
{
	int e = errno ? errno : EIO;

	cli_clear_error(cli);
	xesvm_error_set(&cli->err, XESVM_E_SYSTEM, e, "cannot read %s: %s", what, strerror(e));
	cli_report_error(cli, "");
	return XESVM_E_SYSTEM;
}

int cli_run_batch(struct cli *cli)
{
	FILE *in = stdin;
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	int worst = XESVM_OK;

	if (strcmp(cli->batch_path, "-") != 0) {
		in = fopen(cli->batch_path, "r");
		if (!in) {
			xesvm_error_set(&cli->err, XESVM_E_USAGE, errno,
					"cannot open batch file %s: %s",
					cli->batch_path, strerror(errno));
			cli_report_error(cli, "");
			return XESVM_E_USAGE;
		}
	}
	cli->interactive = true;
	while (getline(&line, &cap, in) != -1) {
		char **words;
		int argc, ret;
		char prefix[64];

		lineno++;
		cli_clear_error(cli);
		words = cli_split_line(line, &argc, &cli->err);
		if (!words) {
			ret = cli->err.status;
		} else if (argc == 0) {
			cli_free_words(words);
			continue;
		} else {
			ret = cli_run_argv(cli, argc, words);
			cli_free_words(words);
		}
		fflush(stdout);
		if (ret) {
			snprintf(prefix, sizeof(prefix), "batch line %lu: ", lineno);
			cli_report_error(cli, prefix);
			if (ret > worst)
				worst = ret;
			if (!cli->force)
				break;
		}
	}
	/*
	 * getline() ends the loop on a read error as on the end of the file:
	 * a directory (EISDIR) or an I/O error must not pass for an empty
	 * batch. Only when no line stopped it first (without --force).
	 */
	if (ferror(in) && (!worst || cli->force)) {
		char what[300];

		snprintf(what, sizeof(what), "batch file %s",
			 in == stdin ? "(standard input)" : cli->batch_path);
		worst = cli_report_read_error(cli, what);
	}
	free(line);
	if (in != stdin)
		fclose(in);
	return worst;
}
