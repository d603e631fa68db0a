// SPDX-License-Identifier: MIT
/*
 * `stats show`, `stats show --watch`, `stats reset`: the per-GT counters
 * of debugfs dri/N/gtG/stats, grouped by xesvm_stat_group(). `stats show
 * format prometheus` renders the same view with render/prometheus.c,
 * which adds the pagemap and per-VM figures when the model has them.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmdtab.h"
#include "render/human.h"
#include "view.h"

/* Counter units come from xe's names: *_us are microseconds, *_kb KiB. */
enum stat_unit { UNIT_COUNT, UNIT_USECS, UNIT_KIB };

static enum stat_unit stat_unit(const char *name)
{
	size_t len = strlen(name);

	if (len > 3 && strcmp(name + len - 3, "_us") == 0)
		return UNIT_USECS;
	if (len > 3 && strcmp(name + len - 3, "_kb") == 0)
		return UNIT_KIB;
	return UNIT_COUNT;
}

static void fmt_stat(char *buf, size_t size, const char *name, uint64_t v,
		     const struct render_opts *ro)
{
	switch (stat_unit(name)) {
	case UNIT_USECS:
		fmt_usecs(buf, size, v, ro->exact);
		break;
	case UNIT_KIB:
		if (ro->exact)
			snprintf(buf, size, "%" PRIu64, v);
		else
			fmt_bytes(buf, size, v * 1024, false);
		break;
	case UNIT_COUNT:
		snprintf(buf, size, "%" PRIu64, v);
		break;
	}
}

/* One line of the grouped table. */
struct stat_row {
	const char *group;
	const char *name;
	uint64_t value;
	bool first_in_group;
	bool is_null;
};

static void col_group(const void *row, const struct table_column *col,
		      const struct render_opts *ro, char *buf, size_t size)
{
	const struct stat_row *r = row;

	snprintf(buf, size, "%s", r->first_in_group ? r->group : "");
}

static void col_name(const void *row, const struct table_column *col,
		     const struct render_opts *ro, char *buf, size_t size)
{
	fmt_text(buf, size, ((const struct stat_row *)row)->name);
}

static void col_value(const void *row, const struct table_column *col,
		      const struct render_opts *ro, char *buf, size_t size)
{
	const struct stat_row *r = row;

	if (r->is_null)
		snprintf(buf, size, "-");
	else
		fmt_stat(buf, size, r->name, r->value, ro);
}

struct array_rows {
	const struct stat_row *rows;
	size_t n, next;
};

static void array_rewind(void *state)
{
	((struct array_rows *)state)->next = 0;
}

static const void *array_next(void *state)
{
	struct array_rows *st = state;

	return st->next < st->n ? &st->rows[st->next++] : NULL;
}

/*
 * Orders a GT's counters by group (groups in order of first appearance,
 * counters in the kernel's order within a group).
 */
static struct stat_row *group_stats(json_t *stats, size_t *n)
{
	size_t count = json_object_size(stats), k = 0;
	struct stat_row *rows = calloc(count + 1, sizeof(*rows));
	const char **groups = calloc(count + 1, sizeof(*groups));
	size_t ngroups = 0;
	const char *name;
	json_t *v;

	if (!rows || !groups) {
		free(rows);
		free(groups);
		return NULL;
	}
	json_object_foreach(stats, name, v) {
		const char *g = xesvm_stat_group(name);
		size_t i;

		for (i = 0; i < ngroups; i++)
			if (strcmp(groups[i], g) == 0)
				break;
		if (i == ngroups)
			groups[ngroups++] = g;
	}
	for (size_t gi = 0; gi < ngroups; gi++) {
		bool first = true;

		json_object_foreach(stats, name, v) {
			if (strcmp(xesvm_stat_group(name), groups[gi]) != 0)
				continue;
			rows[k] = (struct stat_row){ groups[gi], name,
				(uint64_t)json_integer_value(v), first,
				!json_is_integer(v) };
			first = false;
			k++;
		}
	}
	free(groups);
	*n = k;
	return rows;
}

static void print_device_header(FILE *out, json_t *dev, json_t *gt,
				const struct render_opts *ro)
{
	uint64_t minor = 0, id = 0;
	char driver[32], bdf[32];

	json_get_u64(dev, "minor", &minor);
	json_get_u64(gt, "id", &id);
	cell_str(driver, sizeof(driver), dev, "driver");
	cell_str(bdf, sizeof(bdf), dev, "pci_bdf");
	term_sgr(out, ro, "1");
	fprintf(out, "card%" PRIu64 " gt%" PRIu64, minor, id);
	term_reset(out, ro);
	fprintf(out, "  %s %s\n", driver, bdf);
}

static int print_stats(struct cli *cli, const struct view *view, const void *arg)
{
	static const struct table_column cols[] = {
		{ "GROUP", false, col_group, NULL, NULL },
		{ "COUNTER", false, col_name, NULL, NULL },
		{ "VALUE", true, col_value, NULL, NULL },
	};
	struct render_opts ro = render_opts_of(cli);
	json_t *dev, *gt;
	size_t i, j;
	bool first = true;

	json_array_foreach(xesvm_model_array(view->m, "devices"), i, dev) {
		if (!xesvm_query_match(view->q, "devices", dev))
			continue;
		json_array_foreach(json_object_get(dev, "gts"), j, gt) {
			size_t n = 0;
			struct stat_row *rows = group_stats(json_object_get(gt, "stats"), &n);
			struct array_rows st = { rows, n, 0 };
			struct table_rows tr = { array_rewind, array_next, &st };

			if (!rows) {
				xesvm_error_set(&cli->err, XESVM_E_SYSTEM, ENOMEM,
						"out of memory");
				return XESVM_E_SYSTEM;
			}
			if (!first)
				fputc('\n', stdout);
			first = false;
			print_device_header(stdout, dev, gt, &ro);
			if (n == 0)
				printf("  (no statistics)\n");
			table_render(stdout, cols, 3, &tr, &ro, "  ");
			free(rows);
		}
	}
	return XESVM_OK;
}

/* ------------------------------------------------------------------ */
/* --watch: rates between samples                                      */
/* ------------------------------------------------------------------ */

static volatile sig_atomic_t watch_stop;

static void on_stop_signal(int sig)
{
	watch_stop = 1;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleeps @seconds; false when a signal asked us to stop. */
static bool sleep_interruptible(double seconds)
{
	struct timespec ts = { (time_t)seconds,
			       (long)((seconds - floor(seconds)) * 1e9) };

	while (!watch_stop && nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	return !watch_stop;
}

static json_t *find_gt_stats(struct xesvm_model *m, uint64_t minor, uint64_t gt_id)
{
	json_t *dev, *gt;
	size_t i, j;

	json_array_foreach(xesvm_model_array(m, "devices"), i, dev) {
		uint64_t mi, id;

		if (!json_get_u64(dev, "minor", &mi) || mi != minor)
			continue;
		json_array_foreach(json_object_get(dev, "gts"), j, gt)
			if (json_get_u64(gt, "id", &id) && id == gt_id)
				return json_object_get(gt, "stats");
	}
	return NULL;
}

static void fmt_rate(char *buf, size_t size, const char *name, double rate,
		     const struct render_opts *ro)
{
	if (ro->exact) {
		snprintf(buf, size, "%.3f", rate);
		return;
	}
	switch (stat_unit(name)) {
	case UNIT_USECS:
		fmt_usecs(buf, size, (uint64_t)llround(rate), false);
		strncat(buf, "/s", size - strlen(buf) - 1);
		break;
	case UNIT_KIB:
		fmt_bytes(buf, size, (uint64_t)llround(rate * 1024), false);
		strncat(buf, "/s", size - strlen(buf) - 1);
		break;
	case UNIT_COUNT:
		snprintf(buf, size, "%.1f/s", rate);
		break;
	}
}

/* The human line of a sample of rates: the counters that moved. */
static void print_rate_line(FILE *out, const json_t *sample, const void *arg,
			    const struct render_opts *ro)
{
	double dt = json_real_value(json_object_get(sample, "interval_s"));
	json_t *rate;
	size_t i, moved = 0;

	fprintf(out, "%s  rates over %.2f s\n", json_get_str(sample, "time"), dt);
	json_array_foreach(json_object_get(sample, "rates"), i, rate) {
		const char *name = json_get_str(rate, "counter");
		uint64_t minor = 0, id = 0, delta = 0;
		char text[64];

		if (!json_get_u64(rate, "delta", &delta) || !delta)
			continue;
		json_get_u64(rate, "device", &minor);
		json_get_u64(rate, "gt", &id);
		fmt_rate(text, sizeof(text), name,
			 json_real_value(json_object_get(rate, "per_second")), ro);
		fprintf(out, "  card%-3" PRIu64 " gt%-3" PRIu64 " %-12s %-36s %14s\n",
			minor, id, json_get_str(rate, "group"), name, text);
		moved++;
	}
	if (!moved)
		fprintf(out, "  (no counter changed)\n");
}

/*
 * Renders the rates from @prev to @cur over @dt seconds for every GT the
 * query selects (all counters; the human line leaves out those that did
 * not move). A counter that went down was reset: its rate counts from 0.
 */
static int print_rates(struct cli *cli, struct xesvm_model *prev,
		       struct xesvm_model *cur, const struct xesvm_query *q,
		       double dt)
{
	json_t *line = json_object(), *rates = json_array();
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	json_t *dev, *gt;
	size_t i, j;
	int ret;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_array_foreach(xesvm_model_array(cur, "devices"), i, dev) {
		uint64_t minor, id;

		if (!xesvm_query_match(q, "devices", dev) ||
		    !json_get_u64(dev, "minor", &minor))
			continue;
		json_array_foreach(json_object_get(dev, "gts"), j, gt) {
			json_t *before, *now = json_object_get(gt, "stats");
			const char *name;
			json_t *v;

			if (!json_get_u64(gt, "id", &id))
				continue;
			before = find_gt_stats(prev, minor, id);
			json_object_foreach(now, name, v) {
				uint64_t a = 0, b = (uint64_t)json_integer_value(v);
				uint64_t delta;

				json_get_u64(before, name, &a);
				delta = b >= a ? b - a : b;
				json_array_append_new(rates,
					json_pack("{s:I,s:I,s:s,s:s,s:I,s:f}",
						  "device", (json_int_t)minor,
						  "gt", (json_int_t)id,
						  "group", xesvm_stat_group(name),
						  "counter", name,
						  "delta", (json_int_t)delta,
						  "per_second", dt > 0 ? delta / dt : 0));
			}
		}
	}
	json_object_set_new(line, "time", json_string(stamp));
	json_object_set_new(line, "interval_s", json_real(dt));
	json_object_set(line, "rates", rates);
	ret = render_record(cli, line, print_rate_line, NULL);
	if (!ret)
		ret = cli_check_stdout(cli);
	json_decref(rates);
	json_decref(line);
	return ret;
}

static int watch_stats(struct cli *cli, const struct cli_invocation *inv,
		       double interval, double count)
{
	struct sigaction sa = { .sa_handler = on_stop_signal }, old_int, old_term;
	struct xesvm_model *prev = NULL, *cur = NULL;
	struct xesvm_query *q = NULL;
	double t_prev, t_cur;
	bool owned;
	int ret;

	ret = cli_get_model(cli, &prev, &owned);
	if (ret)
		return ret;
	t_prev = now_seconds();
	ret = cli_build_query(cli, inv, prev, &q);
	if (ret) {
		xesvm_model_free(prev);
		return ret;
	}
	cli_show_notes(cli, prev, XESVM_VIEW_STATS);
	/* No SA_RESTART: the signal must cut the sleep short. */
	watch_stop = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	for (double n = 0; !count || n < count; n++) {
		if (!sleep_interruptible(interval))
			break;
		ret = cli_get_model(cli, &cur, &owned);
		if (ret)
			break;
		t_cur = now_seconds();
		ret = print_rates(cli, prev, cur, q, t_cur - t_prev);
		xesvm_model_free(prev);
		prev = cur;
		cur = NULL;
		t_prev = t_cur;
		if (ret)
			break;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	xesvm_query_free(q);
	xesvm_model_free(prev);
	return ret;
}

static int stats_show(struct cli *cli, const struct cli_invocation *inv)
{
	static const char *const view[] = { "devices", NULL };
	const char *watch = cli_arg(inv, "watch");
	const char *count_text = cli_arg(inv, "count");
	double interval = 0, count = 0;

	if (watch && cli_parse_positive(cli, "--watch", watch, &interval, false))
		return XESVM_E_USAGE;
	if (count_text && cli_parse_positive(cli, "count", count_text, &count, true))
		return XESVM_E_USAGE;
	if (count_text && !watch) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"count needs --watch SECONDS");
		return XESVM_E_USAGE;
	}
	if (watch && cli->snapshot_path) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"--watch samples the live system; it cannot watch a snapshot");
		return XESVM_E_USAGE;
	}
	if (watch && cli->format == CLI_FORMAT_PROMETHEUS) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"--watch prints rates; the Prometheus format is one scrape of the counters (run it from a timer instead)");
		return XESVM_E_USAGE;
	}
	if (watch)
		return watch_stats(cli, inv, interval, count);
	return view_show(cli, inv, NULL, XESVM_VIEW_STATS, view, print_stats, NULL);
}

static int stats_reset(struct cli *cli, const struct cli_invocation *inv)
{
	const char *device = cli_arg(inv, "dev") ? cli_arg(inv, "dev") : cli->device;
	bool other_root = cli->sources.debugfs_root || getenv("XESVM_DEBUGFS");
	struct xesvm_model *m;
	struct xesvm_query *q;
	bool owned;
	int ret;

	if (cli->snapshot_path) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"stats reset works on the live system, not on a snapshot");
		return XESVM_E_USAGE;
	}
	/*
	 * The stats files are root-only in debugfs. Say so up front rather
	 * than reporting a bare EACCES; a recorded tree (--debugfs) may be
	 * writable by anyone, so only the real debugfs gets this check.
	 */
	if (!other_root && geteuid() != 0) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, EPERM,
				"stats reset needs root: it writes debugfs dri/N/gtG/stats");
		return XESVM_E_SYSTEM;
	}
	ret = cli_get_model(cli, &m, &owned);
	if (ret)
		return ret;
	ret = cli_build_query(cli, inv, m, &q);	/* validates the device */
	if (!ret)
		ret = xesvm_stats_reset(&cli->sources, m, device, &cli->err);
	if (!ret)
		render_message(cli, "statistics reset");
	if (q)
		xesvm_query_free(q);
	cli_put_model(m, owned);
	return ret;
}

static const struct cli_param stats_show_params[] = {
	CLI_DEV_PARAM,
	{ NULL, 'w', "watch", "SECONDS", CLI_VALUE_SECONDS,
	  "print rates every SECONDS until interrupted" },
	{ "count", 0, NULL, "N", CLI_VALUE_NUMBER,
	  "with --watch: stop after N samples" },
	{ "format", 0, "format", "FORMAT", CLI_VALUE_FORMAT,
	  "human, json or prometheus (like --format before the object)" },
	{ 0 },
};

static const struct cli_command stats_commands[] = {
	{ "show", "per-GT SVM statistics, grouped; --watch prints rates",
	  stats_show_params, NULL, 0, 0, CLI_VALUE_NONE, stats_show },
	{ "reset", "zero the per-GT statistics (needs root)",
	  (const struct cli_param[]){ CLI_DEV_PARAM, { 0 } }, NULL, 0, 0,
	  CLI_VALUE_NONE, stats_reset },
	{ 0 },
};

const struct cli_object stats_object = {
	"stats", "per-GT SVM statistics", stats_commands, true,
};
