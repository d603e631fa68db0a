// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the drm-svm netlink decoders and receive loop. The
 * input is one datagram as the kernel would send it (netlink messages
 * back to back). Each message goes through every decoder and, for
 * NLMSG_ERROR/NLMSG_DONE, the extended-ACK parser; then the whole
 * datagram answers a range dump (sequence numbers patched to match) and
 * is read as a batch of events. Checks the contract: success gives an
 * object, failure gives nothing and a one-line XESVM_E_SYSTEM message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <drm/drm_svm.h>

#include "netlink_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAMILY 0x1c

static void check_error(int rc, const struct xesvm_error *err)
{
	if (rc != -1 || err->status != XESVM_E_SYSTEM || !err->msg[0] || strchr(err->msg, '\n'))
		__builtin_trap();
}

static void check_json(int rc, json_t *obj, const struct xesvm_error *err)
{
	if (rc == 0) {
		char *text;

		if (!obj || err->status != XESVM_OK)
			__builtin_trap();
		/* Every string must be valid UTF-8, every number exact. */
		text = json_dumps(obj, JSON_COMPACT);
		if (!text)
			__builtin_trap();
		free(text);
	} else if (rc == XESVM_NL_UNKNOWN_DEV) {
		if (obj || err->status != XESVM_OK)
			__builtin_trap();
	} else {
		if (obj)
			__builtin_trap();
		check_error(rc, err);
	}
	json_decref(obj);
}

/* A decoded range is one the model takes (xesvm_model_add_range()). */
static bool range_fits_model(const struct xesvm_range *r)
{
	struct xesvm_model *m = xesvm_model_new();
	bool fits = m && xesvm_model_add_range(m, r) == 0;

	xesvm_model_free(m);
	return fits;
}

static void decode_all(const struct nlmsghdr *nlh, const struct xesvm_nl_devmap *map,
		       const struct nlmsghdr *req)
{
	typedef int (*json_decoder)(const struct nlmsghdr *, const struct xesvm_nl_devmap *,
				    json_t **, struct xesvm_error *);
	static const json_decoder decoders[] = {
		xesvm_nl_decode_vm, xesvm_nl_decode_mem_attr, xesvm_nl_decode_pagemap,
	};
	struct xesvm_error err = { 0 };
	struct xesvm_migrate_result res;
	struct xesvm_nl_dev dev;
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	struct xesvm_range r;
	struct xesvm_nl_ack ack;
	struct xesvm_gc_result gc;
	bool unknown;
	json_t *obj;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(decoders) / sizeof(decoders[0]); i++) {
		memset(&err, 0, sizeof(err));
		obj = NULL;
		rc = decoders[i](nlh, map, &obj, &err);
		check_json(rc, obj, &err);
	}
	memset(&err, 0, sizeof(err));
	rc = xesvm_nl_decode_event(nlh, map, &obj, &unknown, &err);
	check_json(rc, rc ? NULL : obj, &err);

	memset(&err, 0, sizeof(err));
	rc = xesvm_nl_decode_range(nlh, map, &r, sets, &err);
	if (rc == 0 && (!range_fits_model(&r) || err.status != XESVM_OK))
		__builtin_trap();
	if (rc && rc != XESVM_NL_UNKNOWN_DEV)
		check_error(rc, &err);

	memset(&err, 0, sizeof(err));
	if ((rc = xesvm_nl_decode_dev(nlh, &dev, &err)))
		check_error(rc, &err);
	memset(&err, 0, sizeof(err));
	if ((rc = xesvm_nl_decode_migrate(nlh, &res, &err)))
		check_error(rc, &err);
	memset(&err, 0, sizeof(err));
	if ((rc = xesvm_nl_decode_gc(nlh, &gc, &err)))
		check_error(rc, &err);

	if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
		memset(&err, 0, sizeof(err));
		rc = xesvm_nl_parse_ack(nlh, req, &ack, &err);
		if (rc) {
			check_error(rc, &err);
		} else {
			if (ack.error > 0 || ack.bad_attr > 0xffff || ack.bad_nest > 0xffff ||
			    ack.msg[sizeof(ack.msg) - 1])
				__builtin_trap();
			memset(&err, 0, sizeof(err));
			xesvm_nl_ack_error(&ack, XESVM_NL_SET_RANGE, "vm 3 of device 0", true, &err);
			if (err.status == XESVM_OK || !err.msg[0] || strchr(err.msg, '\n'))
				__builtin_trap();
		}
	}
}

/* The fake kernel: answers every request with the input, then has nothing. */
struct fake {
	unsigned char *data;
	size_t len;
	uint32_t seq;
	int answers;
};

static int fake_send(void *priv, const void *buf, size_t len)
{
	struct fake *f = priv;

	f->seq = ((const struct nlmsghdr *)buf)->nlmsg_seq;
	f->answers = 1;
	return 0;
}

static ssize_t fake_recv(void *priv, void *buf, size_t len)
{
	struct fake *f = priv;
	struct nlmsghdr *nlh = buf;
	int rem;

	if (!f->answers || f->len > len)
		return -EAGAIN;
	f->answers = 0;
	memcpy(buf, f->data, f->len);
	for (rem = (int)f->len; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem))
		nlh->nlmsg_seq = f->seq;
	return (ssize_t)f->len;
}

struct dump {
	struct xesvm_nl_devmap *map;
	size_t ranges;
};

static int range_reply(const struct nlmsghdr *nlh, void *arg, struct xesvm_error *err)
{
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	struct dump *d = arg;
	struct xesvm_range r;
	int rc = xesvm_nl_decode_range(nlh, d->map, &r, sets, err);

	if (rc == XESVM_NL_UNKNOWN_DEV) {
		xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO, "unknown device");
		return -1;
	}
	if (rc)
		return -1;
	d->ranges++;
	return 0;
}

static void range_reset(void *arg)
{
	((struct dump *)arg)->ranges = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fake f = { .len = size };
	struct xesvm_nl_transport tp = { fake_send, fake_recv, &f };
	struct xesvm_nl_devmap map = { 0 };
	struct xesvm_error err = { 0 };
	struct xesvm_nl_events *ev;
	struct xesvm_nl *nl;
	struct nl_msg *req;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct dump dump;
	json_t *events;
	int rem, rc;

	/* An exact-size copy: ASan catches any read past the datagram. */
	f.data = malloc(size ? size : 1);
	if (!f.data)
		abort();
	memcpy(f.data, data, size);
	if (xesvm_nl_devmap_set(&map, 1, 0) || xesvm_nl_devmap_set(&map, 2, 5))
		abort();

	nl = xesvm_nl_new_with_transport(&tp, FAMILY, &err);
	if (!nl)
		abort();
	/*
	 * A request for NLMSGERR_ATTR_OFFS to point into, with a nest as
	 * mem-attr-set has xe's (offset 52 is the attribute inside it).
	 */
	req = xesvm_nl_request_new(nl, DRM_SVM_CMD_RANGE_GET, true);
	if (!req || nla_put_u32(req, DRM_SVM_A_RANGE_DEV_ID, 1) ||
	    nla_put_u32(req, DRM_SVM_A_RANGE_VM_ID, 3) ||
	    nla_put_u64(req, DRM_SVM_A_RANGE_START, 0x1000))
		abort();
	nest = nla_nest_start(req, DRM_SVM_A_RANGE_XE | NLA_F_NESTED);
	if (!nest || nla_put_u32(req, DRM_SVM_A_XE_RANGE_TILE_PRESENT, 1) ||
	    nla_nest_end(req, nest))
		abort();

	nlh = (struct nlmsghdr *)f.data;
	for (rem = (int)size; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem))
		decode_all(nlh, &map, nlmsg_hdr(req));

	/* The datagram as the answer to a range dump (retries get nothing more). */
	dump.map = &map;
	dump.ranges = 0;
	{
		const struct xesvm_nl_call call = {
			.set = XESVM_NL_SET_RANGE, .what = "vm 3 of device 0",
			.reply = range_reply, .reset = range_reset, .arg = &dump,
		};

		memset(&err, 0, sizeof(err));
		rc = xesvm_nl_call(nl, req, &call, &err);
		if (rc == 0 && err.status != XESVM_OK)
			__builtin_trap();
		if (rc && (err.status == XESVM_OK || !err.msg[0] || strchr(err.msg, '\n')))
			__builtin_trap();
	}

	/* The datagram as events. */
	memset(&err, 0, sizeof(err));
	ev = xesvm_nl_events_new_with_transport(&tp, FAMILY, NULL, &err);
	events = json_array();
	if (!ev || !events)
		abort();
	f.answers = 1;
	rc = xesvm_nl_events_read(ev, events, &err);
	if (rc >= 0 && (size_t)rc != json_array_size(events))
		__builtin_trap();
	if (rc < 0)
		check_error(rc, &err);
	json_decref(events);
	xesvm_nl_events_close(ev);

	nlmsg_free(req);
	xesvm_nl_close(nl);
	xesvm_nl_devmap_clear(&map);
	free(f.data);
	return 0;
}
