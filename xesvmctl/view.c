// SPDX-License-Identifier: MIT
/*
 * The view: the one place that turns a command line into what a command
 * shows, the model (the -f snapshot, loaded once per run, or a live
 * gather) and the query of the selection keywords (dev, pid, client, vm,
 * addr and -d), with the model's notes and the checks that tell an empty
 * answer from one we may not see.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "view.h"

void cli_show_notes(struct cli *cli, const struct xesvm_model *m, unsigned int views)
{
	json_t *root = xesvm_model_root(m);
	json_t *notes = json_object_get(root, "notes");
	json_t *sources = json_object_get(root, "sources");
	const char *key;
	json_t *val;
	size_t i;

	if (cli->notes_shown)
		return;
	cli->notes_shown = true;
	if (cli->verbose && json_is_object(sources))
		json_object_foreach(sources, key, val)
			fprintf(stderr, "xesvmctl: %s: %s%s\n", key,
				json_is_string(val) ? "from " : "",
				json_is_string(val) ? json_string_value(val)
						    : "not available");
	/* Notes are not errors: keep stderr JSON-only under -j unless -v. */
	if (!render_notes_wanted(cli))
		return;
	/* The notes about what this command shows; -v: every note. */
	json_array_foreach(notes, i, val)
		if (json_is_string(val) &&
		    (cli->verbose || (xesvm_model_note_views(m, i) & views)))
			fprintf(stderr, "xesvmctl: note: %s\n", json_string_value(val));
}

int cli_get_model(struct cli *cli, struct xesvm_model **m, bool *owned)
{
	int ret;

	*m = NULL;
	*owned = false;
	if (cli->snapshot_path) {
		if (!cli->snapshot) {
			ret = xesvm_snapshot_load(cli->snapshot_path, &cli->snapshot,
						  &cli->err);
			if (ret)
				return ret;
		}
		*m = cli->snapshot;
	} else {
		ret = xesvm_gather(&cli->sources, m, &cli->err);
		if (ret)
			return ret;
		*owned = true;
	}
	return XESVM_OK;
}

void cli_put_model(struct xesvm_model *m, bool owned)
{
	if (owned)
		xesvm_model_free(m);
}

int cli_build_filter(struct cli *cli, const struct cli_invocation *inv,
		     struct xesvm_filter *f)
{
	const char *v;

	xesvm_filter_init(f);
	f->device = cli_arg(inv, "dev") ? cli_arg(inv, "dev") : cli->device;
	if ((v = cli_arg(inv, "pid")) && cli_parse_id(cli, "pid", v, &f->pid))
		return XESVM_E_USAGE;
	if ((v = cli_arg(inv, "client")) &&
	    cli_parse_id(cli, "client", v, &f->client_id))
		return XESVM_E_USAGE;
	if ((v = cli_arg(inv, "vm")) && cli_parse_id(cli, "vm", v, &f->vm))
		return XESVM_E_USAGE;
	if ((v = cli_arg(inv, "addr"))) {
		if (xesvm_parse_window(v, &f->start, &f->end, &cli->err))
			return cli_status(cli, XESVM_E_USAGE);
		f->has_window = true;
	}
	return XESVM_OK;
}

int cli_build_query(struct cli *cli, const struct cli_invocation *inv,
		    const struct xesvm_model *m, struct xesvm_query **q)
{
	struct xesvm_filter f;
	int ret;

	*q = NULL;
	ret = cli_build_filter(cli, inv, &f);
	if (ret)
		return ret;
	*q = xesvm_query_new(m, &f, &cli->err);
	if (!*q)
		return cli->err.status ? (int)cli->err.status : XESVM_E_SYSTEM;
	return XESVM_OK;
}

/* The VMs of @m the filter selects, at most @max of them in @out. */
size_t vms_matching(struct xesvm_model *m, const struct xesvm_query *q,
		    const json_t **out, size_t max)
{
	size_t i, n = 0;
	json_t *vm;

	json_array_foreach(xesvm_model_array(m, "vms"), i, vm) {
		if (!xesvm_query_match(q, "vms", vm))
			continue;
		if (n < max)
			out[n] = vm;
		n++;
	}
	return n;
}

/*
 * Whether we may read process @pid the way the drm-svm family checks it
 * (ptrace read access with fs credentials, which is also what opening
 * /proc/PID/maps checks; opening is enough, the file need not be read):
 * 0, ENOENT (not running), EACCES or another errno.
 */
int pid_read_access(struct cli *cli, int64_t pid)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%" PRId64 "/maps",
		 xesvm_proc_root(&cli->sources, NULL), pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == EPERM ? EACCES : errno;
}

/*
 * A live view of one pid's VMs found none: XESVM_E_SYSTEM with an error
 * naming the missing ptrace access if the process exists but may not be
 * read by us (the family leaves such VMs out of its lists), else XESVM_OK.
 */
static int check_pid_readable(struct cli *cli, const struct cli_invocation *inv,
			      struct xesvm_model *m, const struct xesvm_query *q)
{
	struct xesvm_filter f;

	if (cli->snapshot_path || cli_build_filter(cli, inv, &f) != XESVM_OK || f.pid < 0 ||
	    vms_matching(m, q, NULL, 0) > 0 || pid_read_access(cli, f.pid) != EACCES)
		return XESVM_OK;
	xesvm_error_set(&cli->err, XESVM_E_SYSTEM, EACCES,
			"%s%s%s: you may not read process %" PRId64 " (" PTRACE_HINT ")",
			inv->object->name, inv->command->name ? " " : "",
			inv->command->name ? inv->command->name : "", f.pid);
	return XESVM_E_SYSTEM;
}

int view_open(struct cli *cli, const struct cli_invocation *inv,
	      const char *needs_view, unsigned int views, struct view *v)
{
	int ret;

	memset(v, 0, sizeof(*v));
	/*
	 * Live range dumps cost a netlink round trip per batch of ranges, so
	 * they are asked for only by views that show or summarise ranges:
	 * range show, and the VM views (vm show, explain) whose maps count
	 * ranges by residency.
	 */
	if (needs_view && (!strcmp(needs_view, "ranges") || !strcmp(needs_view, "vms")))
		cli->sources.ranges = true;
	ret = cli_get_model(cli, &v->m, &v->owned);
	if (ret)
		return ret;
	if (needs_view && !cli->snapshot_path &&
	    !json_object_get(json_object_get(xesvm_model_root(v->m), "sources"),
			     needs_view)) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, 0,
				"%s%s%s: live %s need the drm-svm kernel family or the SVM debugfs files (dri/N/svm_vms, root only), and this system has neither; read a snapshot with -f FILE",
				inv->object->name, inv->command->name ? " " : "",
				inv->command->name ? inv->command->name : "",
				needs_view);
		cli_put_model(v->m, v->owned);
		return XESVM_E_SYSTEM;
	}
	ret = cli_build_query(cli, inv, v->m, &v->q);
	if (!ret)
		ret = check_pid_readable(cli, inv, v->m, v->q);
	if (ret) {
		xesvm_query_free(v->q);
		cli_put_model(v->m, v->owned);
		return ret;
	}
	cli_show_notes(cli, v->m, views);
	return XESVM_OK;
}

int view_close(struct cli *cli, struct view *v, int ret)
{
	if (v->q)
		xesvm_query_free(v->q);
	cli_put_model(v->m, v->owned);
	if (!ret && (fflush(stdout) == EOF || ferror(stdout))) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, 0, "writing output failed");
		return XESVM_E_SYSTEM;
	}
	return ret;
}

int view_show(struct cli *cli, const struct cli_invocation *inv, const char *needs_view,
	      unsigned int views, const char *const *collections, view_printer *human,
	      const void *arg)
{
	struct view v;
	int ret = view_open(cli, inv, needs_view, views, &v);

	if (ret)
		return ret;
	ret = render_view(cli, &v, collections, human, arg);
	return view_close(cli, &v, ret);
}
