// SPDX-License-Identifier: MIT
/*
 * xesvmctl: global options, dispatch, batch mode, error reporting.
 *
 * Error discipline: every command reports through cli->err and returns its
 * status; only this file prints errors. Under -j an error is one JSON line
 * on stderr and nothing is written to stdout (commands validate everything
 * before their first byte of output); otherwise "xesvmctl: <message>".
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xesvm-config.h"
#include "xesvmctl.h"

void cli_report_error(struct cli *cli, const char *prefix)
{
	const char *msg = cli->err.msg[0] ? cli->err.msg : "unknown error";
	int status = cli->err.status ? (int)cli->err.status : XESVM_E_SYSTEM;

	fflush(stdout);
	/* -j asked for JSON errors even where a keyword picked another format. */
	if (cli->json || cli->global_format == CLI_FORMAT_JSON) {
		char full[700];
		json_t *o;
		char *text;

		snprintf(full, sizeof(full), "%s%s", prefix, msg);
		o = json_pack("{s:{s:i,s:s}}", "error", "status", status,
			      "message", full);
		text = o ? json_dumps(o, JSON_COMPACT) : NULL;
		if (text)
			fprintf(stderr, "%s\n", text);
		else
			fprintf(stderr, "{\"error\":{\"status\":%d,\"message\":\"out of memory\"}}\n",
				status);
		free(text);
		json_decref(o);
	} else {
		fprintf(stderr, "xesvmctl: %s%s\n", prefix, msg);
	}
}

void cli_clear_error(struct cli *cli)
{
	memset(&cli->err, 0, sizeof(cli->err));
}

/* ------------------------------------------------------------------ */
/* Models, queries, views                                              */
/* ------------------------------------------------------------------ */

void cli_show_notes(struct cli *cli, const struct xesvm_model *m)
{
	json_t *root = xesvm_model_root(m);
	json_t *notes = json_object_get(root, "notes");
	json_t *sources = json_object_get(root, "sources");
	const char *key;
	json_t *val;
	size_t i;

	if (cli->notes_shown)
		return;
	cli->notes_shown = true;
	if (cli->verbose && json_is_object(sources))
		json_object_foreach(sources, key, val)
			fprintf(stderr, "xesvmctl: %s: %s%s\n", key,
				json_is_string(val) ? "from " : "",
				json_is_string(val) ? json_string_value(val)
						    : "not available");
	/* Notes are not errors: keep stderr JSON-only under -j unless -v. */
	if (cli->json && !cli->verbose)
		return;
	json_array_foreach(notes, i, val)
		if (json_is_string(val))
			fprintf(stderr, "xesvmctl: note: %s\n", json_string_value(val));
}

int cli_get_model(struct cli *cli, struct xesvm_model **m, bool *owned)
{
	int ret;

	*m = NULL;
	*owned = false;
	if (cli->snapshot_path) {
		if (!cli->snapshot) {
			ret = xesvm_snapshot_load(cli->snapshot_path, &cli->snapshot,
						  &cli->err);
			if (ret)
				return ret;
		}
		*m = cli->snapshot;
	} else {
		ret = xesvm_gather(&cli->sources, m, &cli->err);
		if (ret)
			return ret;
		*owned = true;
	}
	return XESVM_OK;
}

void cli_put_model(struct xesvm_model *m, bool owned)
{
	if (owned)
		xesvm_model_free(m);
}

int cli_parse_id(struct cli *cli, const char *what, const char *text,
		 int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 0);
	if (errno || end == text || *end || v < 0) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"%s: '%s' is not a valid number", what, text);
		return XESVM_E_USAGE;
	}
	*out = v;
	return XESVM_OK;
}

int cli_parse_positive(struct cli *cli, const char *what, const char *text,
		       double *out, bool integer)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || *end || !(v > 0) || v > 1e9 ||
	    (integer && v != floor(v))) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"%s: '%s' is not a positive %s", what, text,
				integer ? "integer" : "number");
		return XESVM_E_USAGE;
	}
	*out = v;
	return XESVM_OK;
}

int cli_build_filter(struct cli *cli, const struct cli_invocation *inv,
		     struct xesvm_filter *f)
{
	const char *v;

	xesvm_filter_init(f);
	f->device = cli_arg(inv, "dev") ? cli_arg(inv, "dev") : cli->device;
	if ((v = cli_arg(inv, "pid")) && cli_parse_id(cli, "pid", v, &f->pid))
		return XESVM_E_USAGE;
	if ((v = cli_arg(inv, "client")) &&
	    cli_parse_id(cli, "client", v, &f->client_id))
		return XESVM_E_USAGE;
	if ((v = cli_arg(inv, "vm")) && cli_parse_id(cli, "vm", v, &f->vm))
		return XESVM_E_USAGE;
	if ((v = cli_arg(inv, "addr"))) {
		if (xesvm_parse_window(v, &f->start, &f->end, &cli->err))
			return cli_status(cli, XESVM_E_USAGE);
		f->has_window = true;
	}
	return XESVM_OK;
}

int cli_build_query(struct cli *cli, const struct cli_invocation *inv,
		    const struct xesvm_model *m, struct xesvm_query **q)
{
	struct xesvm_filter f;
	int ret;

	*q = NULL;
	ret = cli_build_filter(cli, inv, &f);
	if (ret)
		return ret;
	*q = xesvm_query_new(m, &f, &cli->err);
	if (!*q)
		return cli->err.status ? (int)cli->err.status : XESVM_E_SYSTEM;
	return XESVM_OK;
}

static int check_stdout(struct cli *cli)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, errno,
				"writing output: %s", strerror(errno));
		return XESVM_E_SYSTEM;
	}
	return XESVM_OK;
}

int cli_write_view(struct cli *cli, const struct xesvm_model *m,
		   const char *const *collections, const struct xesvm_query *q)
{
	struct xesvm_view view = { .collections = collections, .query = q };
	int ret;

	ret = xesvm_model_write_view(m, stdout, &view,
				     cli->pretty ? XESVM_WRITE_PRETTY : 0, &cli->err);
	if (ret)
		return ret;
	return check_stdout(cli);
}

int cli_dump_json(struct cli *cli, json_t *value)
{
	size_t flags = JSON_ENCODE_ANY | (cli->pretty ? JSON_INDENT(2) : JSON_COMPACT);

	if (json_dumpf(value, stdout, flags)) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, errno,
				"writing JSON output failed");
		return XESVM_E_SYSTEM;
	}
	fputc('\n', stdout);
	return check_stdout(cli);
}

/* ------------------------------------------------------------------ */
/* Running one command line                                            */
/* ------------------------------------------------------------------ */

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

	if (text && !cli_parse_format(text, &f)) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"format: '%s' is not human, json or prometheus", text);
		return XESVM_E_USAGE;
	}
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
		return check_stdout(cli);
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

int cmd_help(struct cli *cli, const struct cli_invocation *inv)
{
	if (inv->npositional) {
		const struct cli_object *obj = cli_find_object(cli, inv->positional[0]);

		if (!obj)
			return XESVM_E_USAGE;
		cli_print_object_help(stdout, obj);
	} else {
		cli_print_usage(stdout);
	}
	return check_stdout(cli);
}

int cmd_shell(struct cli *cli, const struct cli_invocation *inv)
{
	return cli_shell(cli);
}

/* ------------------------------------------------------------------ */
/* Batch                                                               */
/* ------------------------------------------------------------------ */

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

static int run_batch(struct cli *cli)
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
	free(line);
	if (in != stdin)
		fclose(in);
	return worst;
}

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

		if (!cli_parse_format(format, &f)) {
			xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
					"--format: '%s' is not human, json or prometheus",
					format);
			return XESVM_E_USAGE;
		}
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
		ret = run_batch(&cli);
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
