/* SPDX-License-Identifier: MIT */
/*
 * One process's CPU side: its mappings (<proc>/<pid>/maps, for explain
 * and madvise) and its comm (also used by the clients source).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"

json_t *xesvm_proc_comm(const char *proc, long pid)
{
	char path[PATH_MAX], *text;
	size_t len;
	json_t *s;

	xesvm_path(path, "%s/%ld/comm", proc, pid);
	if (xesvm_read_text_file(path, &text, &len))
		return json_null();
	if (len && text[len - 1] == '\n')
		len--;
	s = json_stringn(text, len);
	free(text);
	return s ? s : json_null();
}

int xesvm_read_proc_maps(const struct xesvm_sources *src, long pid,
			 json_t **maps, json_t **comm, struct xesvm_error *err)
{
	const char *proc = xesvm_proc_root(src, NULL);
	char path[PATH_MAX], *text;
	size_t len;
	int e;

	*maps = NULL;
	if (comm)
		*comm = NULL;
	xesvm_path(path, "%s/%ld/maps", proc, pid);
	e = xesvm_read_text_file_limit(path, XESVM_MAX_MAPS_FILE, &text, &len);
	if (e == ENOENT || e == ESRCH) {
		xesvm_error_set(err, XESVM_E_SYSTEM, e,
				"process %ld is not running (no %s)", pid, path);
		return -1;
	}
	if (xesvm_is_access_error(e)) {
		xesvm_error_set(err, XESVM_E_SYSTEM, e,
				"reading %s needs ptrace read access to pid %ld (its user, or CAP_SYS_PTRACE)",
				path, pid);
		return -1;
	}
	if (e) {
		xesvm_error_set(err, XESVM_E_SYSTEM, e, "%s: %s", path, strerror(e));
		return -1;
	}
	if (xesvm_parse_proc_maps(text, len, maps, err)) {
		char msg[sizeof(err->msg)];

		/* Name the file in front of the parser's "line N: ..." */
		snprintf(msg, sizeof(msg), "%.200s: %.300s", path, err->msg);
		memcpy(err->msg, msg, sizeof(msg));
		free(text);
		return -1;
	}
	free(text);
	if (comm)
		*comm = xesvm_proc_comm(proc, pid);
	return 0;
}
