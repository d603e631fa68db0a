/* SPDX-License-Identifier: MIT */
/*
 * Source "GT statistics": <debugfs>/dri/<minor>/gt<N>/stats of each device
 * (xe_gt_debugfs.c: a symlink to tile<T>/gt<N>; mode 0600, so root only),
 * and resetting them (writing that file).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model_internal.h"
#include "source.h"

/* Returns the number of GTs read, or -1 with @err set (unparseable file). */
static int gather_gt_stats(struct xesvm_model *m, const char *debugfs,
			   json_t *dev, struct xesvm_access *access,
			   struct xesvm_error *err)
{
	json_int_t minor_nr = json_integer_value(json_object_get(dev, "minor"));
	json_t *gts = json_object_get(dev, "gts");
	char dir[PATH_MAX];
	int count, i, read_ok = 0;
	long *ids;

	xesvm_path(dir, "%s/dri/%" JSON_INTEGER_FORMAT, debugfs, minor_nr);
	count = xesvm_list_numbered(dir, "gt", &ids);
	if (count < 0) {
		if (xesvm_is_access_error(-count))
			access->debugfs_dri = true;
		else if (-count == ENOENT)
			xesvm_model_note_about(m, XESVM_VIEW_STATS, "%s: no debugfs directory for device %" JSON_INTEGER_FORMAT
					 ": GT statistics omitted", dir, minor_nr);
		else
			xesvm_model_note_about(m, XESVM_VIEW_STATS, "%s: %s: GT statistics omitted", dir, strerror(-count));
		return 0;
	}
	for (i = 0; i < count; i++) {
		struct xesvm_error perr = { 0 };
		char path[PATH_MAX], *text;
		json_t *stats, *gt;
		size_t len;
		int e;

		xesvm_path(path, "%s/gt%ld/stats", dir, ids[i]);
		e = xesvm_read_text_file(path, &text, &len);
		if (e) {
			if (xesvm_is_access_error(e))
				access->stats_files++;
			else
				xesvm_model_note_about(m, XESVM_VIEW_STATS, "%s: %s: statistics of GT %ld omitted",
						 path, strerror(e), ids[i]);
			continue;
		}
		if (xesvm_parse_gt_stats(text, len, &stats, &perr)) {
			free(text);
			free(ids);
			xesvm_error_set(err, perr.status, perr.sys_errno, "%s: %s", path, perr.msg);
			return -1;
		}
		free(text);
		gt = json_object();
		if (!gt || json_object_set_new(gt, "id", json_integer(ids[i])) ||
		    json_object_set_new(gt, "stats", stats) ||
		    json_array_append_new(gts, gt)) {
			free(ids);
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
			return -1;
		}
		read_ok++;
	}
	free(ids);
	return read_ok;
}

static int open_gt_stats(struct xesvm_gathering *g, void **state, struct xesvm_unavailable *why,
			 struct xesvm_error *err)
{
	return 0;
}

static int fill_gt_stats(struct xesvm_gathering *g, void *state, struct xesvm_error *err)
{
	json_t *devices = xesvm_model_array(g->m, "devices");
	int stats_read = 0;
	size_t i;

	for (i = 0; i < json_array_size(devices); i++) {
		int n = gather_gt_stats(g->m, g->roots.debugfs, json_array_get(devices, i),
					&g->access, err);

		if (n < 0)
			return -1;
		stats_read += n;
	}
	xesvm_model_set_source(g->m, "stats", stats_read ? "debugfs" : NULL);
	return 0;
}

const struct xesvm_source xesvm_source_gt_stats = {
	.name = "GT statistics (debugfs)",
	.fills = XESVM_VIEW_STATS,
	.open = open_gt_stats,
	.fill = fill_gt_stats,
};

int xesvm_stats_reset(const struct xesvm_sources *src,
		      const struct xesvm_model *m, const char *device_selector,
		      struct xesvm_error *err)
{
	json_t *devices = json_object_get(xesvm_model_root(m), "devices");
	struct xesvm_query *query = NULL;
	struct xesvm_roots roots;
	size_t i, selected = 0;
	int ret = -1;

	xesvm_roots_resolve(src, &roots);
	if (device_selector) {
		struct xesvm_filter filter;

		xesvm_filter_init(&filter);
		filter.device = device_selector;
		query = xesvm_query_new(m, &filter, err);
		if (!query)
			return -1;
	}
	for (i = 0; i < json_array_size(devices); i++) {
		json_t *dev = json_array_get(devices, i);
		json_int_t minor_nr = json_integer_value(json_object_get(dev, "minor"));
		char dir[PATH_MAX];
		int count, g;
		long *ids;

		if (query && !xesvm_query_match(query, "devices", dev))
			continue;
		selected++;
		xesvm_path(dir, "%s/dri/%" JSON_INTEGER_FORMAT, roots.debugfs, minor_nr);
		count = xesvm_list_numbered(dir, "gt", &ids);
		if (count < 0) {
			xesvm_error_set(err, XESVM_E_SYSTEM, -count,
					xesvm_is_access_error(-count) ?
					"resetting GT statistics needs root (%s: %s)" :
					"cannot reset GT statistics (%s: %s)", dir, strerror(-count));
			goto out;
		}
		if (count == 0) {
			free(ids);
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOENT,
					"%s: no gtN/stats files to reset", dir);
			goto out;
		}
		for (g = 0; g < count; g++) {
			char path[PATH_MAX];
			int fd, e = 0;

			xesvm_path(path, "%s/gt%ld/stats", dir, ids[g]);
			/* Any kstrtobool() true value resets (xe_gt_debugfs.c:stats_write()). */
			fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
			if (fd < 0)
				e = errno;
			else if (write(fd, "1\n", 2) != 2)
				e = errno ? errno : EIO;
			if (fd >= 0 && close(fd) && !e)
				e = errno;
			if (e) {
				free(ids);
				xesvm_error_set(err, XESVM_E_SYSTEM, e,
						xesvm_is_access_error(e) ?
						"resetting GT statistics needs root (%s: %s)" :
						"cannot reset GT statistics (%s: %s)", path, strerror(e));
				goto out;
			}
		}
		free(ids);
	}
	if (!selected) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "no device to reset");
		goto out;
	}
	ret = 0;
out:
	if (query)
		xesvm_query_free(query);
	return ret;
}
