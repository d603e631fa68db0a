/* SPDX-License-Identifier: MIT */
/*
 * The live side of xesvmctl: the one VM an admin command (madvise,
 * migrate, gc) acts on, resolved once in target.c for all of them, and
 * the drm-svm event stream (events.c) that monitor and snapshot --events
 * read, with its signal and closed-stdout handling.
 */
#ifndef XESVMCTL_LIVE_H
#define XESVMCTL_LIVE_H

#include <signal.h>

#include "render.h"

/* ---- target.c ---- */

enum target_flags {
	/* The command's positional WINDOW: required, page aligned, in the VM. */
	TARGET_WINDOW = 1u << 0,
	/* The VM may come from the -f snapshot (madvise --dry-run). */
	TARGET_SNAPSHOT = 1u << 1,
	/* Live: also gather the VMAs (memory attributes) of the VM. */
	TARGET_VMAS = 1u << 2,
	/* Live: also gather the pagemaps (to check a pagemap ID). */
	TARGET_PAGEMAPS = 1u << 3,
};

struct target {
	struct xesvm_nl *nl;		/* live: the open family; NULL on a snapshot */
	struct xesvm_model *m;		/* the model the VM was found in */
	bool owned;			/* @m is ours to free */
	const json_t *vm;		/* the VM object, borrowed from @m */
	struct xesvm_nl_target t;	/* its device minor and handle, the window */
	char name[192];			/* "card0 vm 3 (pid 4242 svm-stream)" */
};

/*
 * The one VM the dev/pid/client/vm keywords (and -d) name: from a gather
 * of the drm-svm family (or, with TARGET_SNAPSHOT, the -f snapshot). At
 * least one of pid, client and vm is needed; several matching VMs are a
 * usage error that lists them, none a system error that says why (the
 * process is not running, or may not be read). With TARGET_WINDOW the
 * positional window is checked too. Returns a status; on success
 * target_close() must follow.
 */
int target_open(struct cli *cli, const struct cli_invocation *inv,
		unsigned int flags, struct target *tg);
void target_close(struct target *tg);

/*
 * Pagemap @text of the target's device: its id and (borrowed) object. A
 * pagemap of another device, or none at all, is a usage error that names
 * the device's pagemaps.
 */
int target_pagemap(struct cli *cli, const struct target *tg, const char *text,
		   uint32_t *id, const json_t **pagemap);

/* {"device", "vm", "pid", "comm", "start", "end"} of the target (new ref). */
json_t *target_json(const struct target *tg);

/* "card0 vm 3 (pid 4242 svm-stream) [0x7f3a00000000-0x7f3a00200000) 2 MiB" */
void target_describe_window(const struct target *tg, const struct render_opts *ro,
			    char *buf, size_t size);

/* "pid 4242 and vm 5": what the pid/client/vm keywords asked for. */
void cli_describe_target(const struct cli_invocation *inv, char *buf, size_t size);
/*
 * The error for keywords that name no VM: "no GPU VM of pid 4242 on device
 * 0 in the snapshot" and @why (may be NULL). Returns XESVM_E_SYSTEM.
 */
int cli_no_vm(struct cli *cli, const struct cli_invocation *inv, const char *why);

/*
 * A live view of one pid's VMs found none: XESVM_E_SYSTEM with an error
 * naming the missing ptrace access if the process exists but may not be
 * read by us (the family leaves such VMs out of its lists), else XESVM_OK.
 */
int cli_check_pid_readable(struct cli *cli, const struct cli_invocation *inv,
			   struct xesvm_model *m, const struct xesvm_query *q);

/* A poll() timeout in ms until @deadline_ns (monotonic), at most @cap_ms. */
int timeout_until(uint64_t deadline_ns, int cap_ms);

/* ---- events.c ---- */

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
	bool lost_known;		/* the kernel's drop counter was read */
	uint64_t lost;			/* events it dropped since then */
};

/*
 * Overruns of the socket since the last call and in all; when there are
 * any (or @final, for a closing summary) also the number of events the
 * kernel dropped in all, which it goes on counting until the socket
 * drains (lost_known is false when that counter cannot be read).
 */
void event_stream_loss(struct event_stream *s, bool final, struct event_loss *out);

/* ", N events lost" for a human line (or that how many is unknown); "" without overruns. */
const char *event_loss_text(const struct event_loss *l, char *buf, size_t size);

/* CLOCK_MONOTONIC now, in nanoseconds. */
uint64_t monotonic_ns(void);

#endif /* XESVMCTL_LIVE_H */
