// SPDX-License-Identifier: MIT
/* The error of a run (cli.h says how errors travel) and stdout's state. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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
