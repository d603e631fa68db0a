/* SPDX-License-Identifier: MIT */
/*
 * The drm-svm event stream that monitor and snapshot --events read, with
 * its signal and closed-stdout handling, and the clock they time it by.
 */
#ifndef XESVMCTL_EVENTS_H
#define XESVMCTL_EVENTS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli.h"

/* A poll() timeout in ms until @deadline_ns (monotonic), at most @cap_ms. */
int timeout_until(uint64_t deadline_ns, int cap_ms);

/*
 * A subscription to the drm-svm "events" group that can be waited on
 * together with SIGINT/SIGTERM (a signalfd: the signals are blocked while
 * the stream is open) and, for a pipe or socket on stdout, the reader
 * going away.
 */
struct event_stream {
	struct xesvm_nl_events *ev;
	int sigfd;
	sigset_t saved_mask;
	struct sigaction saved_pipe;
	bool mask_saved, pipe_saved;
	bool watch_stdout;		/* stdout is a pipe or socket */
	uint64_t overruns_reported;	/* by event_stream_loss() */
	int stop_signal;		/* SIGINT/SIGTERM received, 0 if none */
	bool stdout_gone;		/* the reader of stdout went away */
};

/*
 * Joins the events group and sets up the signal handling; with
 * @ignore_sigpipe a write to a closed stdout fails with EPIPE instead of
 * killing the process. A failure to join (a missing capability or family,
 * as the library words it) is reported as "@command: ...", @command being
 * what the user ran ("monitor", "snapshot --events").
 * event_stream_close() undoes all of it.
 */
int event_stream_open(struct cli *cli, struct event_stream *s,
		      const char *command, bool ignore_sigpipe);
void event_stream_close(struct event_stream *s);

/*
 * Waits at most @timeout_ms (-1: without limit) for events and appends
 * every queued one to @out (model event objects). Returns a status; a
 * signal or a closed stdout is not an error: see s->stop_signal and
 * s->stdout_gone.
 */
int event_stream_wait(struct cli *cli, struct event_stream *s, int timeout_ms,
		      json_t *out);

/* What the events socket lost; see event_stream_loss(). */
struct event_loss {
	uint64_t new_overruns;		/* overruns since the last call */
	uint64_t overruns;		/* overruns since the stream opened */
	bool lost_known;		/* lost is a count, not a guess */
	uint64_t lost;			/* events lost since then */
};

/*
 * Overruns of the socket since the last call and in all, and the events
 * lost in all: the larger of two counts, the gaps in the events' numbers
 * (which also show events the kernel could not allocate) and, when there
 * were overruns (or @final, for a closing summary), the socket's drop
 * counter, which the kernel goes on counting until the socket drains.
 * lost_known is false when there were overruns, the counter cannot be
 * read and the events carry no numbers.
 */
void event_stream_loss(struct event_stream *s, bool final, struct event_loss *out);

/* ", N events lost" for a human line (or that how many is unknown); "" without loss. */
const char *event_loss_text(const struct event_loss *l, char *buf, size_t size);

/* CLOCK_MONOTONIC now, in nanoseconds. */
uint64_t monotonic_ns(void);

#endif /* XESVMCTL_EVENTS_H */
