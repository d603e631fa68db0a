/* SPDX-License-Identifier: MIT */
/*
 * The state of one xesvmctl run, which every command receives: the global
 * options, the format of the command being run, the snapshot loaded once
 * for a batch or shell session, and the first error.
 *
 * Error discipline: every command reports through cli->err and returns its
 * status; only the callers of cli_report_error() print errors. Under -j an
 * error is one JSON line on stderr and nothing is written to stdout
 * (commands validate everything before their first byte of output);
 * otherwise "xesvmctl: <message>".
 */
#ifndef XESVMCTL_CLI_H
#define XESVMCTL_CLI_H

#include <stdbool.h>

#include <xesvm.h>

/* Output formats (--format; -j is json). */
enum cli_format {
	CLI_FORMAT_HUMAN,
	CLI_FORMAT_JSON,
	CLI_FORMAT_PROMETHEUS,
};

struct cli {
	/*
	 * The format of the command being run: the global --format (or -j),
	 * overridden by the command's own `format` keyword. json mirrors
	 * format == CLI_FORMAT_JSON (errors are JSON lines under it).
	 */
	enum cli_format format;
	enum cli_format global_format;
	bool json;
	bool pretty;
	bool exact;
	bool verbose;
	bool color;
	bool force;
	bool interactive;	/* inside the shell */
	const char *snapshot_path;	/* -f */
	const char *device;		/* -d */
	const char *batch_path;		/* -b */
	struct xesvm_sources sources;

	struct xesvm_model *snapshot;	/* loaded once, reused by batch/shell */
	json_t *seen_events;		/* printed by monitor, for explain */
	bool notes_shown;
	struct xesvm_error err;
};

/* Prints cli->err: one JSON line under -j, else "xesvmctl: PREFIXmessage". */
void cli_report_error(struct cli *cli, const char *prefix);
void cli_clear_error(struct cli *cli);
/* Flushes stdout; a failed write is a system error in cli->err. */
int cli_check_stdout(struct cli *cli);

/* The status of the error recorded in cli->err, @fallback if none. */
static inline int cli_status(const struct cli *cli, int fallback)
{
	return cli->err.status ? (int)cli->err.status : fallback;
}

#endif /* XESVMCTL_CLI_H */
