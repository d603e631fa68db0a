/* SPDX-License-Identifier: MIT */
/*
 * The kernel's side of the drm-svm family without a kernel, for the unit
 * tests: messages built with libnl the way the family builds them
 * (drm_svm.c), and a fake transport that hands queued datagrams to the
 * receive loop (lib/netlink.c) and records the requests it sends.
 * Every helper asserts (cmocka) instead of returning errors.
 */
#ifndef XESVM_TEST_FAKE_KERNEL_H
#define XESVM_TEST_FAKE_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <netlink/msg.h>

#include "netlink_internal.h"

#define FAMILY 0x1c

/* A generic netlink message of the family, command @cmd, as a dump part. */
struct nl_msg *genl(uint8_t cmd);
void u32(struct nl_msg *msg, int type, uint32_t v);
void uint_put(struct nl_msg *msg, int type, uint64_t v);
void str(struct nl_msg *msg, int type, const char *s);
const struct nlmsghdr *hdr(struct nl_msg *msg);

/* NLMSG_DONE of a dump: its errno, and the extack message when given. */
struct nl_msg *done_msg(int error, const char *ext_msg);

/* Datagrams and requests the fake holds at most. */
#define FAKE_MAX 1024

struct fake {
	struct {
		unsigned char *data;	/* one datagram, NULL: recv fails with -error */
		size_t len;
		int error;
		bool keep_seq;		/* do not answer the last request's seq */
	} dgrams[FAKE_MAX];
	size_t n, next;
	unsigned char *reqs[FAKE_MAX];	/* requests as sent */
	size_t nreq;
	uint32_t last_seq;
};

void fake_free(struct fake *f);
/* Queues one datagram with @count messages (struct nl_msg *, freed here). */
void fake_queue(struct fake *f, bool keep_seq, size_t count, ...);
/*
 * Queues @count messages (freed here) as a dump would send them: as many
 * datagrams of up to 32 KiB (the kernel's dump part size) as they need.
 */
void fake_queue_list(struct fake *f, struct nl_msg **msgs, size_t count);
/* A datagram that is not there: recv() fails with -@error. */
void fake_queue_errno(struct fake *f, int error);
/* The transport of @f (for xesvm_nl_events_new_with_transport()). */
struct xesvm_nl_transport fake_transport(struct fake *f);
/* A struct xesvm_nl talking to @f. */
struct xesvm_nl *fake_nl(struct fake *f);

/* A model with card0 from libdrm, as xesvm_gather() has it before the SVM sources. */
struct xesvm_model *model_with_card0(void);

#endif
