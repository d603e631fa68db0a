// SPDX-License-Identifier: MIT
/* `snapshot`: save the model (and a window of live events) to a file. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdtab.h"
#include "events.h"
#include "render/render.h"
#include "view.h"

/*
 * --events SECONDS: the events of the SECONDS from joining the group, while
 * the rest is gathered, into the model's "events". SIGINT or SIGTERM ends
 * the recording early; the snapshot is still written, with a note.
 */
static int record_events(struct cli *cli, struct event_stream *es,
			 struct xesvm_model *m, uint64_t t0, double seconds)
{
	uint64_t deadline = t0 + (uint64_t)(seconds * 1e9);
	struct event_loss loss;
	json_t *events = xesvm_model_array(m, "events");
	bool progress = render_progress_wanted(cli);
	int ret = XESVM_OK;

	for (;;) {
		uint64_t now = monotonic_ns();

		if (now >= deadline || es->stop_signal)
			break;
		if (progress)
			fprintf(stderr, "\rxesvmctl: recording events: %.1f of %g s, %zu events ",
				(now - t0) / 1e9, seconds, json_array_size(events));
		ret = event_stream_wait(cli, es,
					timeout_until(deadline, progress ? 250 : 3600 * 1000),
					events);
		if (ret)
			break;
	}
	if (progress)
		fprintf(stderr, "\rxesvmctl: recorded %zu events in %.1f s%20s\n",
			json_array_size(events), (monotonic_ns() - t0) / 1e9, "");
	if (ret)
		return ret;
	xesvm_model_set_source(m, "events", "netlink");
	event_stream_loss(es, true, &loss);
	if (loss.overruns) {
		char buf[64];

		xesvm_model_note_about(m, XESVM_VIEW_EVENTS, "events: the event socket overran %" PRIu64 " time%s while recording%s",
				 loss.overruns, loss.overruns == 1 ? "" : "s",
				 event_loss_text(&loss, buf, sizeof(buf)));
	}
	if (es->stop_signal)
		xesvm_model_note_about(m, XESVM_VIEW_EVENTS, "events: recording stopped early by %s after %.1f of %g s",
				 es->stop_signal == SIGINT ? "SIGINT" : "SIGTERM",
				 (monotonic_ns() - t0) / 1e9, seconds);
	return XESVM_OK;
}

static int snapshot(struct cli *cli, const struct cli_invocation *inv)
{
	const char *path = cli_arg(inv, "output");
	const char *events = cli_arg(inv, "events");
	bool gzip = cli_flag(inv, "gzip");
	struct event_stream es = { .sigfd = -1 };
	struct xesvm_model *m;
	double seconds = 0;
	uint64_t t0 = 0;
	bool owned;
	int ret;

	if (!path)
		path = "-";
	if (gzip && strcmp(path, "-") == 0 && isatty(STDOUT_FILENO)) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"refusing to write compressed data to a terminal (use -o FILE)");
		return XESVM_E_USAGE;
	}
	if (events && cli_parse_positive(cli, "--events", events, &seconds, false))
		return XESVM_E_USAGE;
	if (events && cli->snapshot_path) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"--events records live events; it cannot add them to a snapshot (-f)");
		return XESVM_E_USAGE;
	}
	if (events) {
		/* First: a missing capability fails before anything is gathered. */
		ret = event_stream_open(cli, &es, "snapshot --events", false);
		if (ret)
			return ret;
		t0 = monotonic_ns();
	}
	/* Everything the live system offers, SVM ranges included. */
	cli->sources.ranges = true;
	ret = cli_get_model(cli, &m, &owned);
	if (ret)
		goto out;
	if (events) {
		ret = record_events(cli, &es, m, t0, seconds);
		event_stream_close(&es);
	}
	if (!ret) {
		cli_show_notes(cli, m, XESVM_VIEW_ALL);
		ret = xesvm_snapshot_save(m, path, gzip, &cli->err);
	}
	cli_put_model(m, owned);
	if (!ret && strcmp(path, "-") != 0)
		render_message(cli, "snapshot written to %s", path);
out:
	if (es.ev)
		event_stream_close(&es);
	return ret;
}

static const struct cli_param snapshot_params[] = {
	{ NULL, 'o', "output", "FILE", CLI_VALUE_FILE,
	  "write to FILE (atomically) instead of stdout" },
	{ NULL, 'z', "gzip", NULL, CLI_VALUE_NONE, "compress with gzip" },
	{ NULL, 0, "events", "SECONDS", CLI_VALUE_SECONDS,
	  "also record SECONDS of live events (needs CAP_SYS_ADMIN)" },
	{ 0 },
};

static const struct cli_command snapshot_commands[] = {
	{ NULL, "save everything the system offers as a snapshot file",
	  snapshot_params, NULL, 0, 0, CLI_VALUE_NONE, snapshot },
	{ 0 },
};

const struct cli_object snapshot_object = {
	"snapshot", "save a snapshot", snapshot_commands, true,
};
