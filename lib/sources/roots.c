/* SPDX-License-Identifier: MIT */
/*
 * Where the sources read from: debugfs, procfs and sysfs, each the
 * system's own unless an option or the environment names another root
 * (a recorded tree, a test's). An explicit debugfs root may describe
 * another machine, which is why sources ask whether it was given.
 */
#include <errno.h>
#include <stdlib.h>

#include "source.h"

bool xesvm_is_access_error(int e)
{
	return e == EACCES || e == EPERM;
}

void xesvm_roots_resolve(const struct xesvm_sources *src, struct xesvm_roots *r)
{
	const char *env;

	r->debugfs_explicit = true;
	if (src && src->debugfs_root) {
		r->debugfs = src->debugfs_root;
	} else if ((env = getenv("XESVM_DEBUGFS")) && *env) {
		r->debugfs = env;
	} else {
		r->debugfs = "/sys/kernel/debug";
		r->debugfs_explicit = false;
	}
	r->proc_explicit = true;
	if (src && src->proc_root) {
		r->proc = src->proc_root;
	} else if ((env = getenv("XESVM_PROC")) && *env) {
		r->proc = env;
	} else {
		r->proc = "/proc";
		r->proc_explicit = false;
	}
	/* Only tests point it elsewhere: device nodes of devices libdrm does not list. */
	env = getenv("XESVM_SYSFS");
	r->sysfs = env && *env ? env : "/sys";
}

const char *xesvm_proc_root(const struct xesvm_sources *src, bool *explicit_root)
{
	struct xesvm_roots r;

	xesvm_roots_resolve(src, &r);
	if (explicit_root)
		*explicit_root = r.proc_explicit;
	return r.proc;
}
