// SPDX-License-Identifier: MIT
/*
 * What xesvmctl prints besides views: errors and JSON values.
 *
 * Error discipline: every command reports through cli->err and returns its
 * status; only the callers of cli_report_error() print errors. Under -j an
 * error is one JSON line on stderr and nothing is written to stdout
 * (commands validate everything before their first byte of output);
 * otherwise "xesvmctl: <message>".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

int cli_check_stdout(struct cli *cli)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, errno,
				"writing output: %s", strerror(errno));
		return XESVM_E_SYSTEM;
	}
	return XESVM_OK;
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
	return cli_check_stdout(cli);
}
