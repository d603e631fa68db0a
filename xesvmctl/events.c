// SPDX-License-Identifier: MIT
/*
 * The drm-svm event stream: monitor prints events as they come, snapshot
 * --events records a window of them.
 *
 * Waiting: one poll() over the events socket, a signalfd for SIGINT and
 * SIGTERM (blocked while the stream is open, so a signal can neither be
 * lost between two polls nor kill the process halfway through a line),
 * and stdout when it is a pipe or socket, whose reader going away shows
 * as POLLERR/POLLHUP even when no event comes to be written.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "events.h"

uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int timeout_until(uint64_t deadline_ns, int cap_ms)
{
	uint64_t now = monotonic_ns(), ms;

	if (now >= deadline_ns)
		return 0;
	ms = (deadline_ns - now + 999999) / 1000000;
	return ms < (uint64_t)cap_ms ? (int)ms : cap_ms;
}

/* ------------------------------------------------------------------ */
/* The stream                                                          */
/* ------------------------------------------------------------------ */

int event_stream_open(struct cli *cli, struct event_stream *s,
		      const char *command, bool watch_stdout)
{
	struct stat st;
	sigset_t stop;

	memset(s, 0, sizeof(*s));
	s->sigfd = -1;
	if (xesvm_nl_events_open(&s->ev, &cli->err)) {
		/* The library cannot know which command asked for the events. */
		struct xesvm_error lib = cli->err;

		cli_clear_error(cli);
		xesvm_error_set(&cli->err, lib.status ? lib.status : XESVM_E_SYSTEM,
				lib.sys_errno, "%s: %s", command, lib.msg);
		return cli_status(cli, XESVM_E_SYSTEM);
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &stop, &s->saved_mask) == 0)
		s->mask_saved = true;
	s->sigfd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);
	if (!s->mask_saved || s->sigfd < 0) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, errno,
				"cannot wait for signals: %s", strerror(errno));
		event_stream_close(s);
		return XESVM_E_SYSTEM;
	}
	if (watch_stdout) {
		struct sigaction ignore = { .sa_handler = SIG_IGN };

		sigemptyset(&ignore.sa_mask);
		if (sigaction(SIGPIPE, &ignore, &s->saved_pipe) == 0)
			s->pipe_saved = true;
		s->watch_stdout = fstat(STDOUT_FILENO, &st) == 0 &&
				  (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
	}
	return XESVM_OK;
}

void event_stream_close(struct event_stream *s)
{
	if (s->ev)
		xesvm_nl_events_close(s->ev);
	if (s->sigfd >= 0) {
		struct signalfd_siginfo si;

		/* Take a signal still pending, or unblocking would deliver it. */
		while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			;
		close(s->sigfd);
	}
	if (s->mask_saved)
		sigprocmask(SIG_SETMASK, &s->saved_mask, NULL);
	if (s->pipe_saved)
		sigaction(SIGPIPE, &s->saved_pipe, NULL);
	s->ev = NULL;
	s->sigfd = -1;
	s->mask_saved = s->pipe_saved = false;
}

int event_stream_wait(struct cli *cli, struct event_stream *s, int timeout_ms,
		      json_t *out)
{
	struct pollfd fds[3] = {
		{ .fd = xesvm_nl_events_fd(s->ev), .events = POLLIN },
		{ .fd = s->sigfd, .events = POLLIN },
		{ .fd = STDOUT_FILENO, .events = 0 },
	};
	nfds_t n = s->watch_stdout ? 3 : 2;

	if (poll(fds, n, timeout_ms) < 0) {
		if (errno == EINTR)
			return XESVM_OK;
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, errno,
				"waiting for events: %s", strerror(errno));
		return XESVM_E_SYSTEM;
	}
	if (fds[1].revents & POLLIN) {
		struct signalfd_siginfo si;

		if (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			s->stop_signal = (int)si.ssi_signo;
	}
	if (n == 3 && (fds[2].revents & (POLLERR | POLLHUP)))
		s->stdout_gone = true;
	/* An overrun shows as POLLERR: reading it is what counts it. */
	if ((fds[0].revents & (POLLIN | POLLERR)) &&
	    xesvm_nl_events_read(s->ev, out, &cli->err) < 0)
		return cli_status(cli, XESVM_E_SYSTEM);
	return XESVM_OK;
}

void event_stream_loss(struct event_stream *s, bool final, struct event_loss *out)
{
	uint64_t now = xesvm_nl_events_overruns(s->ev);

	*out = (struct event_loss) {
		.new_overruns = now - s->overruns_reported,
		.overruns = now,
	};
	uint64_t missed = xesvm_nl_events_missed(s->ev);

	s->overruns_reported = now;
	/* Reading procfs costs: only when there is something to count. */
	if (now && (final || out->new_overruns))
		out->lost_known = !xesvm_nl_events_lost(s->ev, &out->lost);
	else if (!now)
		out->lost_known = true;	/* no overrun, nothing dropped */
	if (missed && (!out->lost_known || missed > out->lost)) {
		out->lost = missed;
		out->lost_known = true;
	}
}

const char *event_loss_text(const struct event_loss *l, char *buf, size_t size)
{
	if (!l->overruns && !l->lost)
		return "";
	if (l->lost_known)
		snprintf(buf, size, ", %" PRIu64 " event%s lost", l->lost, l->lost == 1 ? "" : "s");
	else
		snprintf(buf, size, ", events lost (how many: unknown)");
	return buf;
}
