/* SPDX-License-Identifier: MIT */
/*
 * Source "netlink": VMs, VMAs, ranges and pagemaps from the drm-svm
 * generic netlink family (the family's client: netlink.c), on the live
 * system only: a recorded debugfs tree describes another machine.
 * $XESVM_SOURCE=netlink makes a kernel without the family an error,
 * $XESVM_SOURCE=debugfs leaves the family out.
 */
#include <stdio.h>

#include "objects_internal.h"
#include "source.h"

static int open_netlink(struct xesvm_gathering *g, void **state, struct xesvm_unavailable *why,
			struct xesvm_error *err)
{
	struct xesvm_error nerr = { 0 };
	struct xesvm_nl *nl;

	if (g->svm == XESVM_SVM_DEBUGFS) {
		snprintf(why->why, sizeof(why->why), "XESVM_SOURCE=debugfs");
		return 1;
	}
	if (g->svm == XESVM_SVM_AUTO && g->roots.debugfs_explicit) {
		why->on_purpose = true;
		return 1;
	}
	if (xesvm_nl_open(&nl, &nerr)) {
		if (g->svm == XESVM_SVM_NETLINK) {
			xesvm_error_set(err, nerr.status, nerr.sys_errno, "XESVM_SOURCE=netlink: %s",
					nerr.msg);
			return -1;
		}
		snprintf(why->why, sizeof(why->why), "%s", nerr.msg);
		return 1;
	}
	*state = nl;
	return 0;
}

static int fill_netlink(struct xesvm_gathering *g, void *state, struct xesvm_error *err)
{
	struct xesvm_nl_scope scope = {
		.filter = g->options ? g->options->filter : NULL,
		.ranges = g->options && g->options->ranges,
		.mem_attrs = true,
		.pagemaps = true,
	};

	return xesvm_nl_gather(state, g->m, &scope, err);
}

static void close_netlink(void *state)
{
	xesvm_nl_close(state);
}

const struct xesvm_source xesvm_source_netlink = {
	.name = "drm-svm netlink family",
	.fills = XESVM_SVM_VIEWS,
	.open = open_netlink,
	.fill = fill_netlink,
	.close = close_netlink,
};
