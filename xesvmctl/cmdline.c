// SPDX-License-Identifier: MIT
/*
 * Everything derived from the command table (cmdtab.c): parsing with
 * unique prefixes (bpftool's cmd_select, iproute2's matches()), the
 * parsed invocation's accessors, help text, the shell's completion and
 * the `__complete-table` dump the completion-file tests read.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

const char *cli_value_name(enum cli_value v)
{
	if ((size_t)v < CLI_VALUE_KINDS && cli_value_names[v])
		return cli_value_names[v];
	return "none";
}

const struct cli_choice *cli_value_choices(enum cli_value v)
{
	return (size_t)v < CLI_VALUE_KINDS ? cli_value_choice_lists[v] : NULL;
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

/* ------------------------------------------------------------------ */
/* Prefix matching                                                     */
/* ------------------------------------------------------------------ */

/*
 * Picks @word among @n candidates: an exact match wins, otherwise the one
 * candidate it is a prefix of. Returns the index, -1 if none, -2 if
 * ambiguous (then @list gets the candidates, comma separated).
 */
static int match_prefix(const char *word, const char *const *cand, int n,
			char *list, size_t list_size)
{
	size_t len = strlen(word);
	int found = -1, hits = 0;

	if (list_size)
		list[0] = '\0';
	if (len == 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (cand[i] && strcmp(cand[i], word) == 0)
			return i;
	for (int i = 0; i < n; i++) {
		if (!cand[i] || strncmp(cand[i], word, len) != 0)
			continue;
		size_t used = strlen(list);

		snprintf(list + used, list_size - used, "%s%s",
			 hits ? ", " : "", cand[i]);
		found = i;
		hits++;
	}
	return hits > 1 ? -2 : found;
}

bool cli_parse_format(struct cli *cli, const char *what, const char *text,
		      enum cli_format *out)
{
	char list[128];
	size_t used = 0, n = 0;
	int i;

	while (cli_format_names[n])
		n++;
	i = match_prefix(text, cli_format_names, (int)n, list, sizeof(list));
	if (i >= 0) {
		*out = (enum cli_format)i;
		return true;
	}
	/* "human, json or prometheus": the names of the table, whatever they are. */
	for (size_t k = 0; k < n; k++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s%s",
				 k == 0 ? "" : k + 1 < n ? ", " : " or ", cli_format_names[k]);

		used = w < 0 || (size_t)w >= sizeof(list) - used ? sizeof(list) - 1 : used + (size_t)w;
	}
	xesvm_error_set(&cli->err, XESVM_E_USAGE, 0, "%s: '%s' is not %s", what, text, list);
	return false;
}

static int count_objects(void)
{
	int n = 0;

	while (cli_objects[n])
		n++;
	return n;
}

const struct cli_object *cli_find_object(struct cli *cli, const char *word)
{
	const char *names[32];
	char list[256];
	int n = count_objects();

	for (int i = 0; i < n; i++)
		names[i] = cli_objects[i]->name;
	int i = match_prefix(word, names, n, list, sizeof(list));

	if (i == -2) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"ambiguous object '%s': %s", word, list);
		return NULL;
	}
	if (i < 0) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"unknown object '%s' (try: xesvmctl help)", word);
		return NULL;
	}
	return cli_objects[i];
}

static bool is_direct(const struct cli_object *obj)
{
	return obj->commands[0].name == NULL;
}

static int count_params(const struct cli_param *p)
{
	int n = 0;

	while (p[n].keyword || p[n].long_opt || p[n].short_opt)
		n++;
	return n;
}

static const char *param_name(const struct cli_param *p)
{
	return p->keyword ? p->keyword : p->long_opt;
}

const char *cli_arg(const struct cli_invocation *inv, const char *name)
{
	const struct cli_param *p = inv->command->params;

	for (int i = 0; i < count_params(p); i++)
		if (inv->present[i] && strcmp(param_name(&p[i]), name) == 0)
			return inv->values[i] ? inv->values[i] : "";
	return NULL;
}

bool cli_flag(const struct cli_invocation *inv, const char *name)
{
	return cli_arg(inv, name) != NULL;
}

const struct cli_choice *cli_choice(const struct cli_invocation *inv,
				    const char *name, const char **arg)
{
	const struct cli_param *p = inv->command->params;

	if (arg)
		*arg = NULL;
	for (int i = 0; i < count_params(p); i++) {
		if (!inv->present[i] || strcmp(param_name(&p[i]), name) != 0)
			continue;
		if (arg)
			*arg = inv->choice_arg[i];
		return inv->choice[i];
	}
	return NULL;
}

static int count_choices(const struct cli_choice *c)
{
	int n = 0;

	while (c && c[n].word)
		n++;
	return n;
}

/* "a, b, c": the words of @c, for messages. */
static void list_choices(const struct cli_choice *c, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; c->word && used + 1 < size; c++) {
		int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
				 c->word);

		used = n < 0 || (size_t)n >= size - used ? size - 1 : used + (size_t)n;
	}
}

/* The choice @word names (unique prefix, '-' taken as '_'); -1/-2 as match_prefix. */
static int match_choice(const struct cli_choice *c, const char *word,
			char *list, size_t list_size)
{
	const char *names[CLI_MAX_PARAMS] = { 0 };
	char norm[64];
	int n = count_choices(c);
	size_t i;

	for (i = 0; word[i] && i + 1 < sizeof(norm); i++)
		norm[i] = word[i] == '-' ? '_' : word[i];
	norm[i] = '\0';
	if (word[i] || n > CLI_MAX_PARAMS)
		return -1;
	for (int k = 0; k < n; k++)
		names[k] = c[k].word;
	return match_prefix(norm, names, n, list, list_size);
}

static bool is_help_word(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

/* Matches an option argument ("-w", "-w5", "--watch", "--wat=5"). */
static int match_option(struct cli *cli, const struct cli_command *cmd,
			const char *arg, const char **attached)
{
	const struct cli_param *p = cmd->params;
	int n = count_params(p);

	*attached = NULL;
	if (arg[1] == '-') {
		const char *names[CLI_MAX_PARAMS] = { 0 };
		char list[256], name[64];
		const char *eq = strchr(arg + 2, '=');
		size_t len = eq ? (size_t)(eq - (arg + 2)) : strlen(arg + 2);

		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		memcpy(name, arg + 2, len);
		name[len] = '\0';
		for (int i = 0; i < n; i++)
			names[i] = p[i].long_opt;
		int i = match_prefix(name, names, n, list, sizeof(list));

		if (i == -2) {
			xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
					"ambiguous option '--%s': %s", name, list);
			return -1;
		}
		if (i < 0)
			goto unknown;
		if (eq)
			*attached = eq + 1;
		return i;
	}
	for (int i = 0; i < n; i++) {
		if (p[i].short_opt && p[i].short_opt == arg[1]) {
			if (arg[2])
				*attached = arg + 2;
			return i;
		}
	}
unknown:
	xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
			"unknown option '%s' for this command (global options go before the object)",
			arg);
	return -1;
}

static int match_keyword(struct cli *cli, const struct cli_object *obj,
			 const struct cli_command *cmd, const char *arg)
{
	const struct cli_param *p = cmd->params;
	const char *names[CLI_MAX_PARAMS] = { 0 };
	char list[256];
	int n = count_params(p);

	for (int i = 0; i < n; i++)
		names[i] = p[i].keyword;
	int i = match_prefix(arg, names, n, list, sizeof(list));

	if (i == -2)
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"ambiguous keyword '%s': %s", arg, list);
	return i;
}

int cli_parse(struct cli *cli, int argc, char **argv,
	      struct cli_invocation *inv, const struct cli_object **help_for)
{
	int ai = 0;

	memset(inv, 0, sizeof(*inv));
	*help_for = NULL;
	if (argc < 1) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"missing object (try: xesvmctl help)");
		return XESVM_E_USAGE;
	}
	inv->object = cli_find_object(cli, argv[ai++]);
	if (!inv->object)
		return XESVM_E_USAGE;

	const struct cli_object *obj = inv->object;

	if (ai < argc && strcmp(argv[ai], "help") == 0) {
		/*
		 * "OBJECT help" for every object, as xesvmctl(8) says: a direct
		 * object (`gc`, `diff`, ...) would otherwise take the word as a
		 * keyword or positional and fail.
		 */
		*help_for = obj;
		return XESVM_OK;
	}
	if (is_direct(obj)) {
		inv->command = &obj->commands[0];
	} else if (ai >= argc || argv[ai][0] == '-') {
		if (ai < argc && is_help_word(argv[ai])) {
			*help_for = obj;
			return XESVM_OK;
		}
		inv->command = &obj->commands[0];	/* default command */
	} else {
		const char *names[CLI_MAX_PARAMS] = { 0 };
		char list[256];
		int n = 0;

		while (obj->commands[n].run)
			n++;
		for (int i = 0; i < n; i++)
			names[i] = obj->commands[i].name;
		int i = match_prefix(argv[ai], names, n, list, sizeof(list));

		if (i == -2) {
			xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
					"ambiguous command '%s' for %s: %s",
					argv[ai], obj->name, list);
			return XESVM_E_USAGE;
		}
		if (i < 0 && match_keyword(cli, obj, &obj->commands[0], argv[ai]) >= 0) {
			/* `stats count 3`: a keyword of the default command. */
			inv->command = &obj->commands[0];
		} else if (i < 0) {
			xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
					"unknown command '%s' for %s (try: xesvmctl %s help)",
					argv[ai], obj->name, obj->name);
			return XESVM_E_USAGE;
		} else {
			inv->command = &obj->commands[i];
			ai++;
		}
	}

	const struct cli_command *cmd = inv->command;
	const struct cli_param *p = cmd->params;

	while (ai < argc) {
		const char *arg = argv[ai++];
		const char *value = NULL;
		int i;

		if (is_help_word(arg)) {
			*help_for = obj;
			return XESVM_OK;
		}
		if (arg[0] == '-' && arg[1] != '\0') {
			i = match_option(cli, cmd, arg, &value);
			if (i < 0)
				return XESVM_E_USAGE;
		} else {
			i = match_keyword(cli, obj, cmd, arg);
			if (i == -2)
				return XESVM_E_USAGE;
			if (i < 0) {
				if (inv->npositional < cmd->max_positional) {
					inv->positional[inv->npositional++] = arg;
					continue;
				}
				xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
						"unexpected argument '%s' (try: xesvmctl %s help)",
						arg, obj->name);
				return XESVM_E_USAGE;
			}
		}
		if (inv->present[i]) {
			xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
					"'%s' given twice", param_name(&p[i]));
			return XESVM_E_USAGE;
		}
		if (p[i].value != CLI_VALUE_NONE && !value) {
			if (ai >= argc) {
				xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
						"'%s' needs a value (%s)",
						param_name(&p[i]), p[i].metavar);
				return XESVM_E_USAGE;
			}
			value = argv[ai++];
		} else if (p[i].value == CLI_VALUE_NONE && value) {
			xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
					"'%s' takes no value", param_name(&p[i]));
			return XESVM_E_USAGE;
		}
		const struct cli_choice *choices = cli_value_choices(p[i].value);

		if (choices) {
			char list[256];
			int c = match_choice(choices, value, list, sizeof(list));

			if (c < 0) {
				if (c == -1)
					list_choices(choices, list, sizeof(list));
				xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
						"%s: %s '%s' (choose %s%s)", param_name(&p[i]),
						c == -2 ? "ambiguous" : "unknown value", value,
						c == -2 ? "among " : "one of ", list);
				return XESVM_E_USAGE;
			}
			inv->choice[i] = &choices[c];
			value = choices[c].word;
			if (inv->choice[i]->metavar) {
				if (ai >= argc) {
					xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
							"'%s %s' needs a value (%s)",
							param_name(&p[i]), value,
							inv->choice[i]->metavar);
					return XESVM_E_USAGE;
				}
				inv->choice_arg[i] = argv[ai++];
			}
		}
		inv->present[i] = true;
		inv->values[i] = value;
	}
	if (inv->npositional < cmd->min_positional) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"%s needs %s", obj->name, cmd->positional);
		return XESVM_E_USAGE;
	}
	return XESVM_OK;
}

/* ------------------------------------------------------------------ */
/* Help (do_help in bpftool's words)                                   */
/* ------------------------------------------------------------------ */

static void param_syntax(const struct cli_param *p, char *buf, size_t size)
{
	const char *meta = p->metavar ? p->metavar : "";
	const char *sep = p->metavar ? " " : "";

	if (p->keyword)
		snprintf(buf, size, "%s%s%s", p->keyword, sep, meta);
	else if (p->short_opt)
		snprintf(buf, size, "-%c%s%s", p->short_opt, sep, meta);
	else
		snprintf(buf, size, "--%s%s%s", p->long_opt, sep, meta);
}

static void print_grammar(FILE *out, const struct cli_object *obj,
			  const struct cli_command *cmd)
{
	char line[512];
	int len;

	len = snprintf(line, sizeof(line), "xesvmctl [OPTIONS] %s%s%s",
		       obj->name, cmd->name ? " " : "", cmd->name ? cmd->name : "");
	for (const struct cli_param *p = cmd->params;
	     p->keyword || p->long_opt || p->short_opt; p++) {
		char syn[64];

		param_syntax(p, syn, sizeof(syn));
		if (len < (int)sizeof(line))
			len += snprintf(line + len, sizeof(line) - len, " [%s]", syn);
	}
	if (cmd->positional && len < (int)sizeof(line))
		snprintf(line + len, sizeof(line) - len, " %s", cmd->positional);
	fprintf(out, "  %s\n", line);
}

static void print_options(FILE *out, const struct cli_param *p, const char *indent)
{
	for (; p->keyword || p->long_opt || p->short_opt; p++) {
		char syn[96];

		if (p->keyword) {
			param_syntax(p, syn, sizeof(syn));
		} else {
			char shortpart[8] = "    ";

			if (p->short_opt)
				snprintf(shortpart, sizeof(shortpart), "-%c, ",
					 p->short_opt);
			snprintf(syn, sizeof(syn), "%s--%s%s%s", shortpart,
				 p->long_opt, p->metavar ? " " : "",
				 p->metavar ? p->metavar : "");
		}
		fprintf(out, "%s%-26s %s\n", indent, syn, p->help);
	}
}

void cli_print_usage(FILE *out)
{
	fprintf(out, "Usage: xesvmctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
		"       xesvmctl [OPTIONS] -b FILE\n"
		"       xesvmctl help [OBJECT]\n\n"
		"Objects and commands (the first command is the default;\n"
		"every keyword may be abbreviated to a unique prefix):\n");
	for (const struct cli_object *const *op = cli_objects, *o; (o = *op); op++)
		for (const struct cli_command *c = o->commands; c->run; c++)
			print_grammar(out, o, c);
	fprintf(out, "\nOptions:\n");
	print_options(out, cli_global_params, "  ");
	fprintf(out, "\nExit status: 0 ok, 1 usage error, 2 system or kernel error.\n"
		"See xesvmctl(8) and xesvm-json(7).\n");
}

void cli_print_object_help(FILE *out, const struct cli_object *obj)
{
	fprintf(out, "%s: %s\n\nUsage:\n", obj->name, obj->summary);
	for (const struct cli_command *c = obj->commands; c->run; c++)
		print_grammar(out, obj, c);
	for (const struct cli_command *c = obj->commands; c->run; c++) {
		fprintf(out, "\n%s%s%s: %s\n", obj->name, c->name ? " " : "",
			c->name ? c->name : "", c->summary);
		print_options(out, c->params, "    ");
	}
}

/* ------------------------------------------------------------------ */
/* Completion                                                          */
/* ------------------------------------------------------------------ */

/*
 * One line per word a completer may offer, tab separated:
 *   CONTEXT  WORD  TYPE  VALUE-KIND  DESCRIPTION
 * CONTEXT is "" for the top level (objects, global options), "OBJECT" for
 * the commands of an object, "OBJECT COMMAND" (or "OBJECT" for a direct
 * object such as `snapshot`) for its keywords and options. TYPE is
 * object, command, keyword or option (one line per spelling). VALUE-KIND
 * says what follows the word: for keywords and options their value, for
 * objects and commands their positional arguments ("none" if none).
 * The completion files are generated from these lines (`xesvmctl_w ...`).
 */
static void dump_params(FILE *out, const char *ctx, const struct cli_param *p)
{
	for (; p->keyword || p->long_opt || p->short_opt; p++) {
		const char *kind = cli_value_name(p->value);

		if (p->keyword)
			fprintf(out, "%s\t%s\tkeyword\t%s\t%s\n", ctx, p->keyword,
				kind, p->help);
		if (p->short_opt)
			fprintf(out, "%s\t-%c\toption\t%s\t%s\n", ctx, p->short_opt,
				kind, p->help);
		if (p->long_opt)
			fprintf(out, "%s\t--%s\toption\t%s\t%s\n", ctx, p->long_opt,
				kind, p->help);
	}
}

void cli_dump_table(FILE *out)
{
	dump_params(out, "", cli_global_params);
	/* The words of a fixed-list value kind, in context "=KIND". */
	for (int v = 0; v <= CLI_VALUE_DESTINATION; v++)
		for (const struct cli_choice *c = cli_value_choices((enum cli_value)v);
		     c && c->word; c++)
			fprintf(out, "=%s\t%s\tchoice\t%s\t%s\n",
				cli_value_name((enum cli_value)v), c->word,
				cli_value_name(c->value), c->help);
	/* The output formats are a fixed list too (not a cli_choice list). */
	for (const char *const *f = cli_format_names; *f; f++)
		fprintf(out, "=%s\t%s\tchoice\tnone\toutput format\n",
			cli_value_name(CLI_VALUE_FORMAT), *f);
	for (const struct cli_object *const *op = cli_objects, *o; (o = *op); op++)
		fprintf(out, "\t%s\tobject\t%s\t%s\n", o->name,
			is_direct(o) ? cli_value_name(o->commands[0].positional_value)
				     : "none", o->summary);
	for (const struct cli_object *const *op = cli_objects, *o; (o = *op); op++) {
		for (const struct cli_command *c = o->commands; c->run; c++) {
			char ctx[64];

			if (c->name) {
				fprintf(out, "%s\t%s\tcommand\t%s\t%s\n", o->name,
					c->name, cli_value_name(c->positional_value),
					c->summary);
				snprintf(ctx, sizeof(ctx), "%s %s", o->name, c->name);
			} else {
				snprintf(ctx, sizeof(ctx), "%s", o->name);
			}
			dump_params(out, ctx, c->params);
		}
	}
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Candidates for a value of kind @v. */
static void emit_value(enum cli_value v, const char *cur,
		       void (*emit)(const char *, void *), void *data)
{
	const struct cli_choice *choices = cli_value_choices(v);

	for (const struct cli_choice *c = choices; c && c->word; c++)
		if (starts_with(c->word, cur))
			emit(c->word, data);
	if (v == CLI_VALUE_FORMAT)
		for (const char *const *f = cli_format_names; *f; f++)
			if (starts_with(*f, cur))
				emit(*f, data);
	if (v != CLI_VALUE_OBJECT)
		return;	/* files, pids... are left to the caller's defaults */
	for (const struct cli_object *const *op = cli_objects, *o; (o = *op); op++)
		if (starts_with(o->name, cur))
			emit(o->name, data);
}

static const struct cli_param *find_param_word(const struct cli_param *p,
					       const char *word)
{
	for (; p->keyword || p->long_opt || p->short_opt; p++) {
		if (p->keyword && strcmp(p->keyword, word) == 0)
			return p;
		if (word[0] == '-' && word[1] == '-' && p->long_opt &&
		    strcmp(p->long_opt, word + 2) == 0)
			return p;
		if (word[0] == '-' && word[1] == p->short_opt && !word[2])
			return p;
	}
	return NULL;
}

void cli_complete(const char *const *words, int nwords, bool global_opts,
		  void (*emit)(const char *word, void *data), void *data)
{
	const char *cur = nwords > 0 ? words[nwords - 1] : "";
	int i = 0, done = nwords - 1;	/* words before the current one */

	/* Global options (and their values) before the object. */
	while (global_opts && i < done && words[i][0] == '-') {
		const struct cli_param *p = find_param_word(cli_global_params, words[i]);

		i++;
		if (p && p->value != CLI_VALUE_NONE) {
			if (i == done) {
				emit_value(p->value, cur, emit, data);
				return;
			}
			i++;
		}
	}
	if (i > done) {
		return;	/* completing a global option's value */
	}
	if (i == done) {
		if (global_opts && cur[0] == '-') {
			for (const struct cli_param *p = cli_global_params;
			     p->long_opt || p->short_opt; p++) {
				char opt[64];

				snprintf(opt, sizeof(opt), "--%s", p->long_opt);
				if (starts_with(opt, cur))
					emit(opt, data);
			}
			return;
		}
		for (const struct cli_object *const *op = cli_objects, *o; (o = *op); op++)
			if (starts_with(o->name, cur))
				emit(o->name, data);
		return;
	}

	/* Resolve the object and command without reporting errors. */
	struct cli scratch = { 0 };
	const struct cli_object *obj = cli_find_object(&scratch, words[i++]);

	if (!obj)
		return;
	const struct cli_command *cmd = &obj->commands[0];

	if (!is_direct(obj)) {
		if (i == done) {
			if (cur[0] == '-')
				goto params;
			for (const struct cli_command *c = obj->commands; c->run; c++)
				if (starts_with(c->name, cur))
					emit(c->name, data);
			return;
		}
		if (words[i][0] != '-') {
			cmd = NULL;
			for (const struct cli_command *c = obj->commands; c->run; c++)
				if (starts_with(c->name, words[i]))
					cmd = cmd ? NULL : c;
			if (!cmd)
				return;
			i++;
		}
	}
params:
	/* Skip keywords already given, with their values. */
	{
		const char *given[CLI_MAX_PARAMS * 2];
		int ngiven = 0;

		while (i < done) {
			const struct cli_param *p = find_param_word(cmd->params, words[i]);

			i++;
			if (!p)
				continue;	/* a positional */
			given[ngiven++] = param_name(p);
			if (p->value != CLI_VALUE_NONE) {
				if (i == done) {
					emit_value(p->value, cur, emit, data);
					return;
				}
				i++;
			}
			const struct cli_choice *choices = cli_value_choices(p->value);

			if (choices) {
				/* "to pagemap ID": the choice's own argument. */
				char list[8];
				int c = match_choice(choices, words[i - 1], list,
						     sizeof(list));

				if (c >= 0 && choices[c].metavar) {
					if (i == done) {
						emit_value(choices[c].value, cur, emit, data);
						return;
					}
					i++;
				}
			}
		}
		for (const struct cli_param *p = cmd->params;
		     p->keyword || p->long_opt || p->short_opt; p++) {
			bool seen = false;

			for (int g = 0; g < ngiven; g++)
				seen |= strcmp(given[g], param_name(p)) == 0;
			if (seen)
				continue;
			if (cur[0] == '-' && p->long_opt) {
				char opt[64];

				snprintf(opt, sizeof(opt), "--%s", p->long_opt);
				if (starts_with(opt, cur))
					emit(opt, data);
			} else if (cur[0] != '-' && p->keyword &&
				   starts_with(p->keyword, cur)) {
				emit(p->keyword, data);
			}
		}
		if (cur[0] != '-')
			emit_value(cmd->positional_value, cur, emit, data);
	}
}
