// SPDX-License-Identifier: MIT
/*
 * The interactive shell: the same commands as the command line, read one
 * per line. On a terminal it uses readline with a history file and tab
 * completion from the command table; on a pipe it reads plain lines (no
 * prompt, no history), so scripts and tests can drive it.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cmdline.h"
#include "run.h"
#include "shell.h"

#define HISTORY_LINES 1000

/* Words only the shell knows; they are not commands of the table. */
static const char *const shell_words[] = { "quit", "exit", NULL };

static bool is_quit(const char *word)
{
	for (const char *const *w = shell_words; *w; w++)
		if (strcmp(word, *w) == 0)
			return true;
	return false;
}

/* mkdir -p for the history directory. */
static int make_dirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0700) && errno != EEXIST ? -1 : 0;
}

/* $XDG_STATE_HOME/xesvmctl/history, else ~/.local/state/xesvmctl/history. */
static bool history_path(char *buf, size_t size)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char dir[PATH_MAX - 16];	/* room for "/history" */

	if (state && state[0] == '/')
		snprintf(dir, sizeof(dir), "%s/xesvmctl", state);
	else if (home && home[0])
		snprintf(dir, sizeof(dir), "%s/.local/state/xesvmctl", home);
	else
		return false;
	if (make_dirs(dir))
		return false;
	snprintf(buf, size, "%s/history", dir);
	return true;
}

/* ---- completion ---- */

struct candidates {
	char **words;
	size_t n, cap;
};

static void collect(const char *word, void *data)
{
	struct candidates *c = data;

	if (c->n + 1 >= c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		char **w = realloc(c->words, cap * sizeof(*w));

		if (!w)
			return;
		c->words = w;
		c->cap = cap;
	}
	c->words[c->n] = strdup(word);
	if (c->words[c->n])
		c->n++;
}

static struct candidates pending;
static size_t pending_next;

static char *next_candidate(const char *text, int state)
{
	if (pending_next < pending.n) {
		char *w = pending.words[pending_next];

		pending.words[pending_next++] = NULL;
		return w;
	}
	return NULL;
}

static void clear_pending(void)
{
	for (size_t i = 0; i < pending.n; i++)
		free(pending.words[i]);
	free(pending.words);
	memset(&pending, 0, sizeof(pending));
	pending_next = 0;
}

static char **shell_complete(const char *text, int start, int end)
{
	char *before = strndup(rl_line_buffer, (size_t)start);
	struct xesvm_error err = { 0 };
	char **words;
	int n = 0;

	clear_pending();
	if (!before)
		return NULL;
	words = cli_split_line(before, &n, &err);
	free(before);
	if (!words)
		return NULL;

	const char **all = calloc((size_t)n + 2, sizeof(*all));

	if (all) {
		for (int i = 0; i < n; i++)
			all[i] = words[i];
		all[n] = text;
		cli_complete(all, n + 1, false, collect, &pending);
		if (n == 0)
			for (const char *const *w = shell_words; *w; w++)
				if (strncmp(*w, text, strlen(text)) == 0)
					collect(*w, &pending);
		free(all);
	}
	cli_free_words(words);
	if (pending.n == 0)
		return NULL;	/* readline falls back to file names */
	rl_attempted_completion_over = 1;
	return rl_completion_matches(text, next_candidate);
}

/* ---- the loop ---- */

static int run_line(struct cli *cli, const char *line, bool *quit)
{
	char **words;
	int argc, ret;

	cli_clear_error(cli);
	words = cli_split_line(line, &argc, &cli->err);
	if (!words) {
		cli_report_error(cli, "");
		return cli->err.status;
	}
	if (argc == 0) {
		ret = XESVM_OK;
	} else if (argc == 1 && is_quit(words[0])) {
		*quit = true;
		ret = XESVM_OK;
	} else {
		ret = cli_run_argv(cli, argc, words);
		fflush(stdout);
		if (ret)
			cli_report_error(cli, "");
	}
	cli_free_words(words);
	return ret;
}

static int shell_pipe(struct cli *cli)
{
	char *line = NULL;
	size_t cap = 0;
	bool quit = false;
	int worst = XESVM_OK;

	while (!quit && getline(&line, &cap, stdin) != -1) {
		int ret = run_line(cli, line, &quit);

		if (ret > worst)
			worst = ret;
	}
	/* A read error (stdin a directory, EIO) is not the end of the input. */
	if (!quit && ferror(stdin))
		worst = cli_report_read_error(cli, "the shell's input");
	free(line);
	return worst;
}

static int shell_tty(struct cli *cli)
{
	char hist[PATH_MAX];
	bool have_history = history_path(hist, sizeof(hist));
	bool quit = false;
	char *line;

	rl_readline_name = "xesvmctl";
	rl_attempted_completion_function = shell_complete;
	using_history();
	stifle_history(HISTORY_LINES);
	if (have_history)
		read_history(hist);	/* a missing file is the first run */
	printf("xesvmctl shell: OBJECT COMMAND [ARGS], 'help', 'quit'; TAB completes.\n");
	while (!quit && (line = readline("xesvm> "))) {
		size_t len = strlen(line);

		/* Completion leaves a trailing space; history keeps the command. */
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		if (line[strspn(line, " \t")])
			add_history(line);
		run_line(cli, line, &quit);
		free(line);
	}
	if (!quit)
		putchar('\n');	/* ^D leaves the cursor after the prompt */
	if (have_history && write_history(hist))
		fprintf(stderr, "xesvmctl: cannot write history %s\n", hist);
	clear_pending();
	rl_clear_history();
	return XESVM_OK;
}

int cli_shell(struct cli *cli)
{
	int ret;

	if (cli->interactive) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"already in the shell or a batch file");
		return XESVM_E_USAGE;
	}
	cli->interactive = true;
	ret = isatty(STDIN_FILENO) ? shell_tty(cli) : shell_pipe(cli);
	cli->interactive = false;
	/* Each line's error was reported when it happened. */
	cli_clear_error(cli);
	return ret;
}

static int shell(struct cli *cli, const struct cli_invocation *inv)
{
	return cli_shell(cli);
}

static const struct cli_command shell_commands[] = {
	{ NULL, "interactive shell with history and completion",
	  CLI_NO_PARAMS, NULL, 0, 0, CLI_VALUE_NONE, shell },
	{ 0 },
};

const struct cli_object shell_object = {
	"shell", "interactive shell", shell_commands, false,
};
