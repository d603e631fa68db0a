// SPDX-License-Identifier: MIT
/* The error of a run (cli.h says how errors travel) and stdout's state. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "render/table.h"

/* Bytes outside ASCII as '?': the last resort for a message that is not UTF-8. */
static void ascii_only(char *text)
{
	for (; *text; text++)
		if ((unsigned char)*text >= 0x80)
			*text = '?';
}

void cli_report_error(struct cli *cli, const char *prefix)
{
	const char *msg = cli->err.msg[0] ? cli->err.msg : "unknown error";
	int status = cli->err.status ? (int)cli->err.status : XESVM_E_SYSTEM;
	char full[700], text[700];

	fflush(stdout);
	/*
	 * Messages quote what the user gave (a batch line, a keyword, a file
	 * name): its control characters become '?' as in the human tables,
	 * so no input can send escape sequences to the terminal.
	 */
	snprintf(full, sizeof(full), "%s%s", prefix, msg);
	fmt_text(text, sizeof(text), full);
	/* -j asked for JSON errors even where a keyword picked another format. */
	if (cli->json || cli->global_format == CLI_FORMAT_JSON) {
		json_t *o = json_pack("{s:{s:i,s:s}}", "error", "status", status,
				      "message", text);
		char *line;

		if (!o) {
			/* jansson takes UTF-8 only: keep the message, not its odd bytes. */
			ascii_only(text);
			o = json_pack("{s:{s:i,s:s}}", "error", "status", status,
				      "message", text);
		}
		line = o ? json_dumps(o, JSON_COMPACT) : NULL;
		if (line)
			fprintf(stderr, "%s\n", line);
		else
			fprintf(stderr, "{\"error\":{\"status\":%d,\"message\":\"out of memory\"}}\n",
				status);
		free(line);
		json_decref(o);
	} else {
		fprintf(stderr, "xesvmctl: %s\n", text);
	}
}

void cli_clear_error(struct cli *cli)
{
	memset(&cli->err, 0, sizeof(cli->err));
}

int cli_check_stdout(struct cli *cli)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, errno,
				"writing output: %s", strerror(errno));
		return XESVM_E_SYSTEM;
	}
	return XESVM_OK;
}
