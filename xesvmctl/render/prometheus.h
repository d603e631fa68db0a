/* SPDX-License-Identifier: MIT */
/* The Prometheus renderer (stats show format prometheus). */
#ifndef XESVMCTL_RENDER_PROMETHEUS_H
#define XESVMCTL_RENDER_PROMETHEUS_H

#include <stdio.h>

#include <xesvm.h>

/* The Prometheus text exposition format of what @q selects in @m. */
int prometheus_write(FILE *out, const struct xesvm_model *m,
		     const struct xesvm_query *q, struct xesvm_error *err);

#endif /* XESVMCTL_RENDER_PROMETHEUS_H */
