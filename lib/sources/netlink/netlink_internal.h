/* SPDX-License-Identifier: MIT */
/*
 * Internals of the drm-svm netlink backend (netlink.c, decode.c, source.c),
 * shared with the unit tests and the fuzz target. Not installed, not API.
 *
 * Layering:
 *   decode.c          pure functions: one received message (a struct
 *                     nlmsghdr whose nlmsg_len the caller has checked
 *                     against the buffer) -> model objects; extended ACKs
 *                     -> error messages. No I/O, no state.
 *   netlink.c         the socket (or an injected transport), requests,
 *                     the receive loop (sequence numbers, NLM_F_DUMP_INTR
 *                     retries, errors), gather, admin operations, events.
 */
#ifndef XESVM_NETLINK_INTERNAL_H
#define XESVM_NETLINK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/netlink.h>
#include <netlink/msg.h>

#include "xesvm.h"

/* Attempts at a dump the kernel marks NLM_F_DUMP_INTR before giving up. */
#define XESVM_NL_DUMP_ATTEMPTS 5

/* Receive buffer: the kernel sends dump parts of up to 32 KiB. */
#define XESVM_NL_RECV_BUF (64 * 1024)
/* Socket receive buffer (SO_RCVBUF) asked for. */
#define XESVM_NL_SOCK_RCVBUF (1024 * 1024)
/*
 * The events socket's: an event takes about 960 bytes of it (measured in
 * tests/bench/monitor-rate.sh), and the kernel doubles what is asked, so
 * about 8,700 events wait for a reader that fell behind.
 */
#define XESVM_NL_EVENTS_RCVBUF (4 * 1024 * 1024)

/* ------------------------------------------------------------------ */
/* Attribute sets of the family (names as in the YNL spec)             */
/* ------------------------------------------------------------------ */

/* enum xesvm_nl_set: one value per attribute set of spec/drm_svm.yaml. */
#include "drm_svm_sets.h"

/* Spec name of attribute @type of @set ("end", "pagemap-id"), NULL if unknown. */
const char *xesvm_nl_attr_name(enum xesvm_nl_set set, unsigned int type);
/* Whether attribute @type of @set is a nest; *@nested is the set of its attributes. */
bool xesvm_nl_attr_nested(enum xesvm_nl_set set, unsigned int type, enum xesvm_nl_set *nested);

/* ------------------------------------------------------------------ */
/* dev-id <-> DRM primary minor                                        */
/* ------------------------------------------------------------------ */

struct xesvm_nl_devmap {
	struct {
		uint32_t dev_id;
		uint32_t minor;
	} *items;
	size_t count, cap;
};

/* 0, or -1 when out of memory. Replaces the minor of a known dev-id. */
int xesvm_nl_devmap_set(struct xesvm_nl_devmap *map, uint32_t dev_id, uint32_t minor);
bool xesvm_nl_devmap_minor(const struct xesvm_nl_devmap *map, uint32_t dev_id,
			   uint32_t *minor);
bool xesvm_nl_devmap_dev_id(const struct xesvm_nl_devmap *map, uint32_t minor,
			    uint32_t *dev_id);
void xesvm_nl_devmap_clear(struct xesvm_nl_devmap *map);

/* ------------------------------------------------------------------ */
/* Decoders (decode.c)                                                 */
/* ------------------------------------------------------------------ */

/*
 * Every decoder takes one generic netlink message of the family whose
 * nlmsg_len lies within the received buffer, checks the genl command, the
 * length of every attribute it knows and the presence of the attributes it
 * needs, and returns 0, -1 with @err set (XESVM_E_SYSTEM, EPROTO: the
 * kernel sent something this xesvm cannot read; the message names the
 * attribute), or XESVM_NL_UNKNOWN_DEV when the dev-id is not in @map.
 */
#define XESVM_NL_UNKNOWN_DEV 1

struct xesvm_nl_dev {
	uint32_t dev_id;
	bool has_minor;		/* a device without a primary node has none */
	uint32_t minor;
	char name[128];		/* "" when absent */
	char driver[64];
};

int xesvm_nl_decode_dev(const struct nlmsghdr *nlh, struct xesvm_nl_dev *out,
			struct xesvm_error *err);

/*
 * A "vms" object: device, vm, pid, comm, client_id, start, end, num_vmas
 * (null: the caller fills it in), num_ranges, gpusvm_id, driver_handle,
 * notifiers, devmem_pages, generation, attr_resets.
 */
int xesvm_nl_decode_vm(const struct nlmsghdr *nlh, const struct xesvm_nl_devmap *map,
		       json_t **out, struct xesvm_error *err);

/*
 * A range with its page sets (the pages nests): several stay in @page_sets,
 * which *@out points at, until it is added to a model.
 */
int xesvm_nl_decode_range(const struct nlmsghdr *nlh,
			  const struct xesvm_nl_devmap *map, struct xesvm_range *out,
			  struct xesvm_range_pages page_sets[XESVM_RANGE_PAGES_MAX],
			  struct xesvm_error *err);

/* A "vmas" object. */
int xesvm_nl_decode_mem_attr(const struct nlmsghdr *nlh,
			     const struct xesvm_nl_devmap *map, json_t **out,
			     struct xesvm_error *err);

/* A "pagemaps" object with its statistics. */
int xesvm_nl_decode_pagemap(const struct nlmsghdr *nlh,
			    const struct xesvm_nl_devmap *map, json_t **out,
			    struct xesvm_error *err);

/*
 * An "events" object. An unknown dev-id is not an error here: "device" is
 * null and *@unknown_dev true (the caller may refresh @map and decode again).
 */
int xesvm_nl_decode_event(const struct nlmsghdr *nlh,
			  const struct xesvm_nl_devmap *map, json_t **out,
			  bool *unknown_dev, struct xesvm_error *err);

/*
 * The drop counter of the netlink socket with inode @inode in @f, a
 * /proc/net/netlink listing ("sk Eth Pid Groups Rmem Wmem Dump Locks Drops
 * Inode" columns). Returns 0, or -1 when no line has that inode.
 */
int xesvm_nl_parse_socket_drops(FILE *f, unsigned long inode, uint64_t *drops);

int xesvm_nl_decode_migrate(const struct nlmsghdr *nlh,
			    struct xesvm_migrate_result *res, struct xesvm_error *err);
int xesvm_nl_decode_gc(const struct nlmsghdr *nlh, struct xesvm_gc_result *res,
		       struct xesvm_error *err);

/* ------------------------------------------------------------------ */
/* Errors and extended ACKs                                            */
/* ------------------------------------------------------------------ */

struct xesvm_nl_ack {
	int error;		/* 0 or a negative errno */
	char msg[256];		/* NLMSGERR_ATTR_MSG, "" if none */
	int bad_attr;		/* type of the attribute NLMSGERR_ATTR_OFFS points at, or -1 */
	int bad_nest;		/* type of the request's nest holding it, or -1 (top level) */
	int missing_attr;	/* NLMSGERR_ATTR_MISS_TYPE, or -1 */
};

/*
 * Reads an NLMSG_ERROR or NLMSG_DONE message into @ack. @req (may be NULL)
 * is the request it answers: NLMSGERR_ATTR_OFFS is an offset into it.
 * Returns 0, or -1 with @err set when the message is malformed.
 */
int xesvm_nl_parse_ack(const struct nlmsghdr *nlh, const struct nlmsghdr *req,
		       struct xesvm_nl_ack *ack, struct xesvm_error *err);

/*
 * Sets @err from a failed request: "@what: explanation of the errno
 * (kernel: MSG, attribute NAME)", the kernel's message verbatim. @set
 * names the attributes (one in a nest of the request as NEST.NAME:
 * "xe.pat-index"). @user_target: the request named something the user
 * chose (a VM, a window, attribute values), so "no such VM" and invalid
 * values are usage errors; otherwise everything is a system error.
 */
void xesvm_nl_ack_error(const struct xesvm_nl_ack *ack, enum xesvm_nl_set set,
			const char *what, bool user_target, struct xesvm_error *err);

/* ------------------------------------------------------------------ */
/* Transport and requests (netlink.c)                                  */
/* ------------------------------------------------------------------ */

/*
 * Where requests go and replies come from: the generic netlink socket, or
 * a fake in the tests. send() gets one complete message; recv() fills @buf
 * with one datagram (one or more messages) and returns its length, or a
 * negative errno (-EAGAIN when nothing is queued on a non-blocking socket).
 */
struct xesvm_nl_transport {
	int (*send)(void *priv, const void *buf, size_t len);
	ssize_t (*recv)(void *priv, void *buf, size_t len);
	void *priv;
};

/* A struct xesvm_nl speaking through @tp to family @family_id (tests). */
struct xesvm_nl *xesvm_nl_new_with_transport(const struct xesvm_nl_transport *tp,
					     int family_id, struct xesvm_error *err);

/* A request message of command @cmd (NLM_F_DUMP when @dump). */
struct nl_msg *xesvm_nl_request_new(struct xesvm_nl *nl, uint8_t cmd, bool dump);

/* Called for each reply message; returns 0 or -1 with err set. */
typedef int (*xesvm_nl_reply_fn)(const struct nlmsghdr *nlh, void *arg,
				 struct xesvm_error *err);
/* Called before each attempt of a dump: forget what earlier attempts gave. */
typedef void (*xesvm_nl_reset_fn)(void *arg);

struct xesvm_nl_call {
	enum xesvm_nl_set set;	/* attribute set of the request (error messages) */
	const char *what;	/* "vm 3 of device 0", "devices", ... */
	bool user_target;	/* see xesvm_nl_ack_error() */
	xesvm_nl_reply_fn reply;
	xesvm_nl_reset_fn reset;	/* may be NULL */
	void *arg;
};

/*
 * Sends @req (a dump, or a do with NLM_F_ACK added) and reads replies until
 * the dump is done or the ACK arrives. A dump marked NLM_F_DUMP_INTR is
 * read to its end and sent again, up to XESVM_NL_DUMP_ATTEMPTS times in
 * all, then fails with EAGAIN ("inconsistent dump"). After a reply
 * callback fails, the rest of the dump is still read (the socket must be
 * idle for the next request), then its error is returned.
 * Returns 0 or -1 with @err set; err->sys_errno is the kernel's errno.
 */
int xesvm_nl_call(struct xesvm_nl *nl, struct nl_msg *req,
		  const struct xesvm_nl_call *call, struct xesvm_error *err);

/* Events through @tp (tests); @query (may be NULL) maps dev-ids to minors. */
struct xesvm_nl_events *xesvm_nl_events_new_with_transport(const struct xesvm_nl_transport *tp,
							   int family_id, struct xesvm_nl *query,
							   struct xesvm_error *err);

/* 0 with CAP_SYS_ADMIN, else -1 (XESVM_E_SYSTEM, EPERM). */
int xesvm_nl_events_check_capabilities(struct xesvm_error *err);

#endif
