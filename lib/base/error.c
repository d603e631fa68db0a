// SPDX-License-Identifier: MIT
/*
 * Error reporting for libxesvm: the first error wins, because the first
 * failure is the cause and everything after it is a consequence.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xesvm.h"
#include "xesvm-config.h"

const char *xesvm_version(void)
{
	return XESVM_VERSION;
}

void xesvm_error_set(struct xesvm_error *err, enum xesvm_status status,
		     int sys_errno, const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (!err || err->status != XESVM_OK)
		return;
	err->status = status == XESVM_OK ? XESVM_E_SYSTEM : status;
	err->sys_errno = sys_errno;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* Messages are printed as one line (and as one JSON string under -j). */
	for (p = err->msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}
