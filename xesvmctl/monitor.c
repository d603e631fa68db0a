// SPDX-License-Identifier: MIT
/*
 * `monitor`: SVM events as they happen, one line each (a model event
 * object per line under -j), filtered by type, device, pid, VM and
 * address window. It stops after -n COUNT events, after --duration
 * SECONDS, on SIGINT or SIGTERM, or when the reader of stdout goes away
 * (exit 0 in all of these); then it says on stderr how many events it
 * printed and how many times the socket overran. An overrun loses events
 * the kernel sent; each is reported on stderr as it is seen, never
 * dropped silently.
 *
 * On a snapshot (-f) it prints the snapshot's recorded events instead,
 * through the same filters and renderer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "cmdtab.h"
#include "events.h"
#include "render/human.h"
#include "view.h"

/* The event types: their keywords and model "type" strings. */
static const struct {
	const char *keyword, *type;
} event_types[] = {
	{ "fault", "fault" }, { "migrate", "migrate" }, { "invalidate", "invalidate" },
	{ "unmap", "unmap" }, { "gc", "gc" }, { "madvise", "madvise" },
	{ "attr-reset", "attr_reset" }, { "vm-killed", "vm_killed" },
};
#define NTYPES (sizeof(event_types) / sizeof(event_types[0]))

/* Events kept for `explain` later in the same shell or batch run. */
#define SEEN_EVENTS_MAX 10000

struct monitor {
	struct cli *cli;
	unsigned int types;		/* bit i: event_types[i]; 0: every type */
	struct xesvm_filter filter;	/* dev, pid, vm, addr */
	struct xesvm_model *m;		/* VMs: pid of an event that lacks one */
	bool owned;
	struct xesvm_query *q;		/* device, vm, window */
	struct xesvm_query *q_owner;	/* the same and pid, through m's VMs */
	uint64_t limit;			/* -n; 0: none */
	bool live;			/* events from the kernel, not a snapshot */
	uint64_t shown, received;
	const char *stopped_by;
};

static bool type_wanted(const struct monitor *mo, const json_t *ev)
{
	const char *type = json_get_str(ev, "type");

	if (!mo->types)
		return true;
	for (size_t i = 0; type && i < NTYPES; i++)
		if (strcmp(type, event_types[i].type) == 0)
			return mo->types & (1u << i);
	return false;
}

/* The event's own pid, else that of its VM in the model. */
static bool event_pid(const struct monitor *mo, const json_t *ev, uint64_t *pid)
{
	uint64_t dev, vm, d, v;
	json_t *obj;
	size_t i;

	if (json_get_u64(ev, "pid", pid))
		return true;
	if (!mo->m || !json_get_u64(ev, "device", &dev) || !json_get_u64(ev, "vm", &vm))
		return false;
	json_array_foreach(xesvm_model_array(mo->m, "vms"), i, obj)
		if (json_get_u64(obj, "device", &d) && d == dev &&
		    json_get_u64(obj, "vm", &v) && v == vm)
			return json_get_u64(obj, "pid", pid);
	return false;
}

/*
 * A copy of @ev whose "pid" (right after "vm", where xesvm-json(7) puts
 * it) is the one the human line shows: the event's own, else that of its
 * VM in the model (events of older snapshots have none, the kernel's
 * have null for an owner outside our pid namespace), null if unknown.
 */
static json_t *event_with_owner(const struct monitor *mo, const json_t *ev)
{
	json_t *out = json_object(), *value;
	json_t *pid;
	const char *key;
	uint64_t v;
	bool placed = false;

	if (!out)
		return NULL;
	pid = event_pid(mo, ev, &v) ? json_integer((json_int_t)v) : json_null();
	json_object_foreach((json_t *)ev, key, value) {
		if (!strcmp(key, "pid"))
			continue;
		json_object_set(out, key, value);
		if (!strcmp(key, "vm")) {
			json_object_set(out, "pid", pid);
			placed = true;
		}
	}
	if (!placed)
		json_object_set(out, "pid", pid);
	json_decref(pid);
	return out;
}

static bool event_wanted(const struct monitor *mo, const json_t *ev)
{
	uint64_t pid;

	if (!type_wanted(mo, ev) || !xesvm_query_match(mo->q, "events", ev))
		return false;
	if (mo->filter.pid < 0)
		return true;
	if (json_get_u64(ev, "pid", &pid))
		return pid == (uint64_t)mo->filter.pid;
	return xesvm_query_match(mo->q_owner, "events", ev);
}

/* "1823.345512000  migrate    card0  vm 3     pid 4242    0x...-0x... 2 MiB  k=v ..." */
static void print_event_line(FILE *out, const json_t *ev, const void *arg,
			     const struct render_opts *ro)
{
	char time[32], type[16], dev[16], vm[16], pid[24], window[96];
	char details[TABLE_CELL_MAX];
	uint64_t v, start, end;

	fmt_event_time(time, sizeof(time), ev);
	cell_str(type, sizeof(type), ev, "type");
	if (json_get_u64(ev, "device", &v))
		snprintf(dev, sizeof(dev), "card%" PRIu64, v);
	else
		snprintf(dev, sizeof(dev), "-");
	cell_int(vm, sizeof(vm), ev, "vm");
	cell_int(pid, sizeof(pid), ev, "pid");
	if (json_get_u64(ev, "start", &start) && json_get_u64(ev, "end", &end) &&
	    end >= start) {
		char s[32], e[32], size[32];

		fmt_addr(s, sizeof(s), start);
		fmt_addr(e, sizeof(e), end);
		fmt_bytes(size, sizeof(size), end - start, ro->exact);
		snprintf(window, sizeof(window), "%s-%s %9s", s, e, size);
	} else {
		snprintf(window, sizeof(window), "-");
	}
	fmt_event_details(details, sizeof(details), ev);
	fprintf(out, "%-17s %-10s %-6s vm %-5s pid %-7s %s  %s\n", time, type, dev, vm,
		pid, window, details);
}

/*
 * Keeps the newer half of @events. Removing the oldest event one at a time
 * would move all the others for every new event of a long monitor run.
 */
static void forget_older_half(json_t **events)
{
	size_t n = json_array_size(*events), i;
	json_t *newer = json_array();

	if (!newer)
		return;
	for (i = n / 2; i < n; i++)
		json_array_append(newer, json_array_get(*events, i));
	json_decref(*events);
	*events = newer;
}

static void print_event(struct monitor *mo, json_t *ev)
{
	json_t *shown = event_with_owner(mo, ev);

	/* A failed write shows in the flush after the batch. */
	if (shown)
		render_record(mo->cli, shown, print_event_line, NULL);
	json_decref(shown);
	mo->shown++;
	if (!mo->live)
		return;	/* a snapshot's events are in its model already */
	if (!mo->cli->seen_events)
		mo->cli->seen_events = json_array();
	if (json_array_size(mo->cli->seen_events) >= SEEN_EVENTS_MAX)
		forget_older_half(&mo->cli->seen_events);
	json_array_append(mo->cli->seen_events, ev);
}

/* Prints what it wants of @batch; false once -n COUNT is reached. */
static bool show_batch(struct monitor *mo, json_t *batch)
{
	json_t *ev;
	size_t i;

	mo->received += json_array_size(batch);
	json_array_foreach(batch, i, ev) {
		if (!event_wanted(mo, ev))
			continue;
		print_event(mo, ev);
		if (mo->limit && mo->shown >= mo->limit) {
			mo->stopped_by = "count";
			return false;
		}
	}
	return true;
}

/* The kernel's count of events dropped, as JSON (null: unknown). */
static json_t *lost_json(const struct event_loss *l)
{
	return l->lost_known ? json_integer((json_int_t)l->lost) : json_null();
}

static void report_summary(struct monitor *mo, const struct event_loss *loss)
{
	char buf[64];

	if (loss)
		render_status(mo->cli, json_pack("{s:{s:I,s:I,s:I,s:o,s:s}}", "monitor",
					  "events", (json_int_t)mo->shown,
					  "received", (json_int_t)mo->received,
					  "overruns", (json_int_t)loss->overruns,
					  "lost", lost_json(loss),
					  "stopped_by", mo->stopped_by), "monitor",
		       "%" PRIu64 " events, %" PRIu64 " socket overruns%s; stopped by %s",
		       mo->shown, loss->overruns, event_loss_text(loss, buf, sizeof(buf)),
		       mo->stopped_by);
	else
		render_status(mo->cli, json_pack("{s:{s:I,s:I,s:n,s:n,s:s}}", "monitor",
					  "events", (json_int_t)mo->shown,
					  "received", (json_int_t)mo->received,
					  "overruns", "lost", "stopped_by", mo->stopped_by), "monitor",
		       "%" PRIu64 " events (of %" PRIu64 " recorded in the snapshot); stopped by %s",
		       mo->shown, mo->received, mo->stopped_by);
}

/* The filter against the model: once with pid (through its VMs), once without. */
static int build_queries(struct cli *cli, struct monitor *mo)
{
	struct xesvm_filter f = mo->filter;

	mo->q_owner = xesvm_query_new(mo->m, &f, &cli->err);
	if (!mo->q_owner)
		return cli_status(cli, XESVM_E_SYSTEM);
	f.pid = -1;
	mo->q = xesvm_query_new(mo->m, &f, &cli->err);
	if (!mo->q)
		return cli_status(cli, XESVM_E_SYSTEM);
	return XESVM_OK;
}

static int replay(struct monitor *mo)
{
	if (show_batch(mo, xesvm_model_array(mo->m, "events")))
		mo->stopped_by = "end_of_snapshot";
	if (fflush(stdout) == EOF || ferror(stdout)) {
		xesvm_error_set(&mo->cli->err, XESVM_E_SYSTEM, errno,
				"writing output: %s", strerror(errno));
		return XESVM_E_SYSTEM;
	}
	report_summary(mo, NULL);
	return XESVM_OK;
}

/*
 * The devices and VMs of the family, for a device selector and for the
 * pid of events that do not carry one.
 */
static int gather_vms(struct cli *cli, struct monitor *mo)
{
	struct xesvm_filter f;
	struct xesvm_nl_scope scope = { .filter = &f };
	struct xesvm_nl *nl;
	int ret = XESVM_OK;

	xesvm_filter_init(&f);
	if (xesvm_nl_open(&nl, &cli->err))
		return cli_status(cli, XESVM_E_SYSTEM);
	if (xesvm_nl_gather(nl, mo->m, &scope, &cli->err))
		ret = cli_status(cli, XESVM_E_SYSTEM);
	xesvm_nl_close(nl);
	return ret;
}

static int live(struct cli *cli, struct monitor *mo, double duration)
{
	uint64_t deadline = 0;
	struct event_loss loss;
	struct event_stream es;
	json_t *batch = json_array();
	int ret;

	ret = event_stream_open(cli, &es, "monitor", true);
	if (ret)
		goto out_batch;
	if (mo->filter.device || mo->filter.pid >= 0) {
		ret = gather_vms(cli, mo);
		if (ret)
			goto out;
	}
	ret = build_queries(cli, mo);
	if (ret)
		goto out;
	if (duration > 0)
		deadline = monotonic_ns() + (uint64_t)(duration * 1e9);
	for (;;) {
		int timeout = -1;

		if (deadline) {
			if (monotonic_ns() >= deadline) {
				mo->stopped_by = "duration";
				break;
			}
			timeout = timeout_until(deadline, 3600 * 1000);
		}
		ret = event_stream_wait(cli, &es, timeout, batch);
		if (ret)
			break;
		bool more = show_batch(mo, batch);

		json_array_clear(batch);
		if (fflush(stdout) == EOF || ferror(stdout)) {
			if (errno != EPIPE) {
				xesvm_error_set(&cli->err, XESVM_E_SYSTEM, errno,
						"writing output: %s", strerror(errno));
				ret = XESVM_E_SYSTEM;
				break;
			}
			es.stdout_gone = true;
		}
		event_stream_loss(&es, false, &loss);
		if (loss.new_overruns) {
			char buf[64];

			render_status(cli, json_pack("{s:{s:I,s:I,s:I,s:o}}", "overrun",
					      "time_ns", (json_int_t)monotonic_ns(),
					      "overruns", (json_int_t)loss.new_overruns,
					      "total", (json_int_t)loss.overruns,
					      "lost", lost_json(&loss)), "monitor",
			       "the event socket overran %" PRIu64 " time%s: events were lost (%" PRIu64 " overruns so far%s)",
			       loss.new_overruns, loss.new_overruns == 1 ? "" : "s",
			       loss.overruns, event_loss_text(&loss, buf, sizeof(buf)));
		}
		if (!more)
			break;
		if (es.stdout_gone) {
			mo->stopped_by = "closed_stdout";
			break;
		}
		if (es.stop_signal) {
			mo->stopped_by = es.stop_signal == SIGINT ? "SIGINT" : "SIGTERM";
			break;
		}
	}
	if (!ret) {
		event_stream_loss(&es, true, &loss);
		report_summary(mo, &loss);
	}
out:
	event_stream_close(&es);
out_batch:
	json_decref(batch);
	return ret;
}

static int monitor(struct cli *cli, const struct cli_invocation *inv)
{
	const char *count = cli_arg(inv, "count"), *dur = cli_arg(inv, "duration");
	struct monitor mo = { .cli = cli };
	double limit = 0, duration = 0;
	int ret;

	for (size_t i = 0; i < NTYPES; i++)
		if (cli_flag(inv, event_types[i].keyword))
			mo.types |= 1u << i;
	if (count && cli_parse_positive(cli, "--count", count, &limit, true))
		return XESVM_E_USAGE;
	if (dur && cli_parse_positive(cli, "--duration", dur, &duration, false))
		return XESVM_E_USAGE;
	mo.limit = (uint64_t)limit;
	ret = cli_build_filter(cli, inv, &mo.filter);
	if (ret)
		return ret;
	if (cli->snapshot_path) {
		if (dur) {
			xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
					"--duration waits for live events; on a snapshot (-f) monitor prints the recorded ones and ends");
			return XESVM_E_USAGE;
		}
		ret = cli_get_model(cli, &mo.m, &mo.owned);
		if (!ret)
			ret = build_queries(cli, &mo);
		if (!ret) {
			cli_show_notes(cli, mo.m, XESVM_VIEW_EVENTS);
			ret = replay(&mo);
		}
	} else {
		mo.m = xesvm_model_new();
		mo.owned = true;
		if (!mo.m) {
			xesvm_error_set(&cli->err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
			return XESVM_E_SYSTEM;
		}
		mo.live = true;
		ret = live(cli, &mo, duration);
	}
	xesvm_query_free(mo.q);
	xesvm_query_free(mo.q_owner);
	if (mo.m)
		cli_put_model(mo.m, mo.owned);
	return ret;
}

static const struct cli_param monitor_params[] = {
	{ "fault", 0, NULL, NULL, CLI_VALUE_NONE, "GPU page faults" },
	{ "migrate", 0, NULL, NULL, CLI_VALUE_NONE, "migrations" },
	{ "invalidate", 0, NULL, NULL, CLI_VALUE_NONE,
	  "invalidations (CPU-side changes)" },
	{ "unmap", 0, NULL, NULL, CLI_VALUE_NONE, "CPU unmaps of ranges" },
	{ "gc", 0, NULL, NULL, CLI_VALUE_NONE, "garbage collections" },
	{ "madvise", 0, NULL, NULL, CLI_VALUE_NONE,
	  "memory attribute changes" },
	{ "attr-reset", 0, NULL, NULL, CLI_VALUE_NONE,
	  "memory attributes the garbage collector reset (what the CPU unmapped)" },
	{ "vm-killed", 0, NULL, NULL, CLI_VALUE_NONE,
	  "VMs the driver killed when it could not reset attributes" },
	{ "dev", 0, NULL, "DEV", CLI_VALUE_DEVICE,
	  "only this device (like -d)" },
	{ "pid", 0, NULL, "PID", CLI_VALUE_PID, "only VMs of this process" },
	{ "vm", 0, NULL, "ID", CLI_VALUE_NUMBER,
	  "only this VM (its number in vm show)" },
	{ "addr", 0, NULL, "ADDR[-END|+LEN]", CLI_VALUE_WINDOW,
	  "only events overlapping this address window" },
	{ NULL, 'n', "count", "COUNT", CLI_VALUE_NUMBER,
	  "stop after COUNT events" },
	{ NULL, 0, "duration", "SECONDS", CLI_VALUE_SECONDS,
	  "stop after SECONDS" },
	{ 0 },
};

static const struct cli_command monitor_commands[] = {
	{ NULL, "print live SVM events as they happen (all types unless some are named)",
	  monitor_params, NULL, 0, 0, CLI_VALUE_NONE, monitor },
	{ 0 },
};

const struct cli_object monitor_object = {
	"monitor", "live SVM events", monitor_commands, true,
};
