// SPDX-License-Identifier: MIT
/*
 * xesvmctl: global options, then one command line, a batch file or the
 * shell.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xesvm-config.h"
#include "cmdline.h"
#include "run.h"
#include "shell.h"

/* ------------------------------------------------------------------ */
/* Global options, from the same table as help and completion          */
/* ------------------------------------------------------------------ */

#define LONG_ONLY_BASE 256

static int parse_global_options(struct cli *cli, int argc, char **argv,
				bool *want_help, bool *want_version)
{
	struct option longopts[CLI_MAX_PARAMS * 2];
	const char *format = NULL;
	bool json_opt = false;
	char optstring[CLI_MAX_PARAMS * 3 + 2] = "+:";
	size_t n = 0, olen = 2;
	int c;

	for (const struct cli_param *p = cli_global_params;
	     p->long_opt || p->short_opt; p++, n++) {
		int has_arg = p->value == CLI_VALUE_NONE ? no_argument : required_argument;

		longopts[n] = (struct option){ p->long_opt, has_arg, NULL,
					       p->short_opt ? p->short_opt :
					       LONG_ONLY_BASE + (int)n };
		if (p->short_opt) {
			optstring[olen++] = p->short_opt;
			if (has_arg == required_argument)
				optstring[olen++] = ':';
		}
	}
	longopts[n] = (struct option){ 0 };
	optstring[olen] = '\0';

	opterr = 0;	/* our own messages, JSON under -j */
	optind = 1;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		const char *name = NULL;

		if (c >= LONG_ONLY_BASE)
			name = longopts[c - LONG_ONLY_BASE].name;
		switch (c) {
		case 'j': json_opt = cli->json = true; break;
		case 'p': json_opt = cli->json = cli->pretty = true; break;
		case 'f': cli->snapshot_path = optarg; break;
		case 'd': cli->device = optarg; break;
		case 'b': cli->batch_path = optarg; break;
		case 'x': cli->exact = true; break;
		case 'v': cli->verbose = true; break;
		case 'V': *want_version = true; break;
		case 'h': *want_help = true; break;
		case ':':
			xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
					"option '%s' needs a value", argv[optind - 1]);
			return XESVM_E_USAGE;
		case '?':
			if (optopt)
				xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
						"unknown option '-%c'", optopt);
			else
				xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
						"unknown or ambiguous option '%s'",
						argv[optind - 1]);
			return XESVM_E_USAGE;
		default:
			if (!name)
				break;
			if (strcmp(name, "force") == 0)
				cli->force = true;
			else if (strcmp(name, "debugfs") == 0)
				cli->sources.debugfs_root = optarg;
			else if (strcmp(name, "proc") == 0)
				cli->sources.proc_root = optarg;
			else if (strcmp(name, "format") == 0)
				format = optarg;
			break;
		}
	}
	cli->global_format = json_opt ? CLI_FORMAT_JSON : CLI_FORMAT_HUMAN;
	cli->json = json_opt;	/* errors below are JSON lines under -j */
	if (format) {
		enum cli_format f;

		if (!cli_parse_format(cli, "--format", format, &f))
			return XESVM_E_USAGE;
		if (json_opt && f != CLI_FORMAT_JSON) {
			xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
					"-j/-p print JSON; they conflict with --format %s",
					cli_format_names[f]);
			return XESVM_E_USAGE;
		}
		cli->global_format = f;
	}
	cli->format = cli->global_format;
	cli->json = cli->global_format == CLI_FORMAT_JSON;
	return XESVM_OK;
}

static void emit_line(const char *word, void *data)
{
	puts(word);
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	bool want_help = false, want_version = false;
	const char *no_color = getenv("NO_COLOR");
	int ret;

	cli.color = isatty(STDOUT_FILENO) && !(no_color && no_color[0]);

	/* Hidden helpers for completion files and their tests. */
	if (argc >= 2 && strcmp(argv[1], "__complete-table") == 0) {
		cli_dump_table(stdout);
		return fflush(stdout) ? XESVM_E_SYSTEM : XESVM_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "__complete") == 0) {
		/* Words so far, the last one being completed (may be ""). */
		cli_complete((const char *const *)argv + 2, argc - 2, true,
			     emit_line, NULL);
		return fflush(stdout) ? XESVM_E_SYSTEM : XESVM_OK;
	}

	ret = parse_global_options(&cli, argc, argv, &want_help, &want_version);
	if (ret) {
		cli_report_error(&cli, "");
		return ret;
	}
	if (want_version) {
		printf("xesvmctl %s (libxesvm %s, JSON schema %d)\n", XESVM_VERSION,
		       xesvm_version(), XESVM_SCHEMA_VERSION);
		return XESVM_OK;
	}
	if (want_help) {
		cli_print_usage(stdout);
		return XESVM_OK;
	}

	argc -= optind;
	argv += optind;
	if (cli.batch_path) {
		if (argc) {
			xesvm_error_set(&cli.err, XESVM_E_USAGE, 0,
					"-b takes its commands from the file, not the command line");
			cli_report_error(&cli, "");
			return XESVM_E_USAGE;
		}
		if (cli.snapshot_path && strcmp(cli.batch_path, "-") == 0 &&
		    strcmp(cli.snapshot_path, "-") == 0) {
			xesvm_error_set(&cli.err, XESVM_E_USAGE, 0,
					"-b - and -f - cannot both read stdin");
			cli_report_error(&cli, "");
			return XESVM_E_USAGE;
		}
		ret = cli_run_batch(&cli);
	} else if (argc == 0) {
		if (isatty(STDIN_FILENO)) {
			ret = cli_shell(&cli);
		} else {
			cli_print_usage(stderr);
			ret = XESVM_E_USAGE;
		}
	} else {
		ret = cli_run_argv(&cli, argc, argv);
		/* An empty message: already reported (the shell reports per line). */
		if (ret && cli.err.msg[0])
			cli_report_error(&cli, "");
	}
	if (cli.snapshot)
		xesvm_model_free(cli.snapshot);
	json_decref(cli.seen_events);
	return ret;
}
