/* SPDX-License-Identifier: MIT */
/*
 * vsvm-workload-fake: the workload built with fake-vsvm.c's stand-in for
 * the vsvm ioctls (host tests only; see fake-vsvm.c).
 */
#ifndef XESVM_FAKE_VSVM_H
#define XESVM_FAKE_VSVM_H

int fake_vsvm_ioctl(int fd, unsigned long req, void *arg);

#endif
