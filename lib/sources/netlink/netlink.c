// SPDX-License-Identifier: MIT
/*
 * The drm-svm generic netlink backend: live VMs, VMAs (memory attributes),
 * SVM ranges and pagemaps into the model; madvise, migrate and gc; events.
 *
 * libnl-genl resolves the family and builds the requests; replies are
 * read here, one datagram at a time into a 64 KiB buffer (the kernel
 * sends dump parts of up to 32 KiB, so one recvmsg() per part), and each
 * message goes to a pure decoder (decode.c). The socket sits
 * behind struct xesvm_nl_transport so the unit tests can play the kernel.
 *
 * Requests are numbered; replies with another sequence number (left over
 * from an earlier request) are skipped. A dump is always read to its
 * NLMSG_DONE, even after an error, because the kernel refuses a new dump
 * on a socket whose previous dump is still running (EBUSY).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include <drm/drm_svm.h>

#include "source.h"
#include "model_internal.h"
#include "netlink_internal.h"
#include "objects_internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct xesvm_nl {
	struct nl_sock *sk;		/* NULL with an injected transport */
	struct xesvm_nl_transport tp;
	int family;
	uint32_t seq;
	struct xesvm_nl_devmap map;
	struct xesvm_nl_dev *devs;	/* the last dev-get dump */
	size_t ndevs, devs_cap;
	unsigned char *buf;		/* XESVM_NL_RECV_BUF */
};

/* Devices whose event numbers are followed; more are not (rare: one per GPU). */
#define EVENTS_SEQ_DEVICES 64

struct xesvm_nl_events {
	struct nl_sock *sk;
	struct xesvm_nl_transport tp;
	int family;
	struct xesvm_nl *query;		/* dev-id -> minor for the events */
	uint64_t overruns;
	unsigned char *buf;
	/* The last event number (seq) seen of each device, by minor (-1: unknown). */
	struct {
		json_int_t device;
		uint64_t seq;
	} last[EVENTS_SEQ_DEVICES];
	unsigned int nlast;
	uint64_t missed;		/* numbers skipped so far, all devices */
};

/* ------------------------------------------------------------------ */
/* The socket                                                          */
/* ------------------------------------------------------------------ */

static int sock_send(void *priv, const void *buf, size_t len)
{
	struct nl_sock *sk = priv;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	do
		n = sendto(nl_socket_get_fd(sk), buf, len, 0, (struct sockaddr *)&kernel,
			   sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static ssize_t sock_recv(void *priv, void *buf, size_t len)
{
	struct nl_sock *sk = priv;

	for (;;) {
		struct sockaddr_nl from = { 0 };
		struct iovec iov = { .iov_base = buf, .iov_len = len };
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
		};
		ssize_t n = recvmsg(nl_socket_get_fd(sk), &mh, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (mh.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		if (from.nl_pid != 0)
			continue;	/* not from the kernel */
		return n;
	}
}

/* An errno for a libnl error code of a socket call (errno when it has one). */
static int nl_errno(int nlerr, int saved_errno)
{
	switch (-nlerr) {
	case NLE_OBJ_NOTFOUND:
		return ENOENT;
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_PERM:
		return EPERM;
	case NLE_NOACCESS:
		return EACCES;
	case NLE_AF_NOSUPPORT:
	case NLE_PROTO_MISMATCH:
		return EAFNOSUPPORT;
	default:
		return saved_errno ? saved_errno : EIO;
	}
}

/*
 * A generic netlink socket with the drm-svm family resolved, buffers
 * sized for large dumps, extended ACKs on.
 */
static struct nl_sock *open_socket(int *family, struct xesvm_error *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int rc, one = 1;

	if (!sk) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return NULL;
	}
	errno = 0;
	rc = genl_connect(sk);
	if (rc) {
		int e = nl_errno(rc, errno);

		xesvm_error_set(err, XESVM_E_SYSTEM, e,
				"cannot open a generic netlink socket: %s", strerror(e));
		nl_socket_free(sk);
		return NULL;
	}
	errno = 0;
	rc = genl_ctrl_resolve(sk, DRM_SVM_FAMILY_NAME);
	if (rc < 0) {
		int e = nl_errno(rc, errno);

		if (e == ENOENT)
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOENT,
					"this kernel has no drm-svm netlink family (it comes with the xesvm kernel patches: CONFIG_DRM_SVM_NETLINK)");
		else
			xesvm_error_set(err, XESVM_E_SYSTEM, e,
					"cannot look up the drm-svm netlink family: %s", strerror(e));
		nl_socket_free(sk);
		return NULL;
	}
	*family = rc;
	nl_socket_disable_auto_ack(sk);
	/* Failures below only cost speed or message detail. */
	nl_socket_set_buffer_size(sk, XESVM_NL_SOCK_RCVBUF, 0);
	nl_socket_set_msg_buf_size(sk, XESVM_NL_RECV_BUF);
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return sk;
}

static struct xesvm_nl *nl_new(struct xesvm_error *err)
{
	struct xesvm_nl *nl = calloc(1, sizeof(*nl));

	if (nl)
		nl->buf = malloc(XESVM_NL_RECV_BUF);
	if (!nl || !nl->buf) {
		free(nl);
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return NULL;
	}
	return nl;
}

int xesvm_nl_open(struct xesvm_nl **out, struct xesvm_error *err)
{
	struct xesvm_nl *nl;
	int family;
	struct nl_sock *sk;

	*out = NULL;
	sk = open_socket(&family, err);
	if (!sk)
		return -1;
	nl = nl_new(err);
	if (!nl) {
		nl_socket_free(sk);
		return -1;
	}
	nl->sk = sk;
	nl->tp.send = sock_send;
	nl->tp.recv = sock_recv;
	nl->tp.priv = sk;
	nl->family = family;
	*out = nl;
	return 0;
}

struct xesvm_nl *xesvm_nl_new_with_transport(const struct xesvm_nl_transport *tp,
					     int family_id, struct xesvm_error *err)
{
	struct xesvm_nl *nl = nl_new(err);

	if (!nl)
		return NULL;
	nl->tp = *tp;
	nl->family = family_id;
	return nl;
}

void xesvm_nl_close(struct xesvm_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	xesvm_nl_devmap_clear(&nl->map);
	free(nl->devs);
	free(nl->buf);
	free(nl);
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

struct nl_msg *xesvm_nl_request_new(struct xesvm_nl *nl, uint8_t cmd, bool dump)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 dump ? NLM_F_DUMP : 0, cmd, DRM_SVM_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* One exchange: the request, then replies up to NLMSG_DONE or the ACK. */
static int call_once(struct xesvm_nl *nl, struct nlmsghdr *req,
		     const struct xesvm_nl_call *c, bool *intr, struct xesvm_error *err)
{
	struct xesvm_error cb_err = { 0 };
	bool cb_failed = false;
	int rc;

	*intr = false;
	req->nlmsg_seq = ++nl->seq;
	req->nlmsg_pid = 0;
	req->nlmsg_flags |= NLM_F_REQUEST;
	if (!(req->nlmsg_flags & NLM_F_DUMP))
		req->nlmsg_flags |= NLM_F_ACK;
	rc = nl->tp.send(nl->tp.priv, req, req->nlmsg_len);
	if (rc < 0) {
		xesvm_error_set(err, XESVM_E_SYSTEM, -rc, "%s: sending the request failed: %s",
				c->what, strerror(-rc));
		return -1;
	}
	for (;;) {
		ssize_t n = nl->tp.recv(nl->tp.priv, nl->buf, XESVM_NL_RECV_BUF);
		struct nlmsghdr *nlh = (struct nlmsghdr *)nl->buf;
		int rem;

		if (n < 0) {
			xesvm_error_set(err, XESVM_E_SYSTEM, (int)-n,
					n == -ENOBUFS ?
					"%s: the socket's receive buffer overran: replies were lost (%s)" :
					"%s: receiving from the kernel failed: %s",
					c->what, strerror((int)-n));
			return -1;
		}
		if (n == 0) {
			xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO,
					"%s: no answer from the kernel", c->what);
			return -1;
		}
		for (rem = (int)n; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
			struct xesvm_nl_ack ack;

			if (nlh->nlmsg_seq != req->nlmsg_seq)
				continue;	/* left over from an earlier request */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			if (nlh->nlmsg_type == NLMSG_NOOP)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
				if (xesvm_nl_parse_ack(nlh, req, &ack, err))
					return -1;
				if (cb_failed) {
					xesvm_error_set(err, cb_err.status, cb_err.sys_errno, "%s",
							cb_err.msg);
					return -1;
				}
				if (ack.error) {
					xesvm_nl_ack_error(&ack, c->set, c->what, c->user_target, err);
					return -1;
				}
				return 0;
			}
			if (nlh->nlmsg_type != nl->family) {
				xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO,
						"%s: unexpected message type %u in the reply",
						c->what, nlh->nlmsg_type);
				return -1;
			}
			/* After an interruption or a failure, only drain. */
			if (*intr || cb_failed)
				continue;
			if (c->reply(nlh, c->arg, &cb_err))
				cb_failed = true;
		}
		if (rem != 0) {
			xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO,
					"%s: malformed netlink message from the kernel (%d bytes left over)",
					c->what, rem);
			return -1;
		}
	}
}

int xesvm_nl_call(struct xesvm_nl *nl, struct nl_msg *req,
		  const struct xesvm_nl_call *c, struct xesvm_error *err)
{
	struct nlmsghdr *rh = nlmsg_hdr(req);
	int attempt;

	for (attempt = 1;; attempt++) {
		bool intr;

		if (c->reset)
			c->reset(c->arg);
		if (call_once(nl, rh, c, &intr, err))
			return -1;
		if (!intr)
			return 0;
		if (!(rh->nlmsg_flags & NLM_F_DUMP) || attempt >= XESVM_NL_DUMP_ATTEMPTS) {
			if (c->reset)
				c->reset(c->arg);
			xesvm_error_set(err, XESVM_E_SYSTEM, EAGAIN,
					"%s: inconsistent dump: the kernel's state changed while it was read, %d time%s in a row; try again",
					c->what, attempt, attempt == 1 ? "" : "s");
			return -1;
		}
	}
}

/* Builds a request; NULL (err set) when out of memory. */
static struct nl_msg *request(struct xesvm_nl *nl, uint8_t cmd, bool dump,
			      struct xesvm_error *err)
{
	struct nl_msg *msg = xesvm_nl_request_new(nl, cmd, dump);

	if (!msg)
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
	return msg;
}

static int put_failed(struct nl_msg *msg, struct xesvm_error *err)
{
	nlmsg_free(msg);
	xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory building a request");
	return -1;
}

/* ------------------------------------------------------------------ */
/* Devices                                                             */
/* ------------------------------------------------------------------ */

static void devs_reset(void *arg)
{
	((struct xesvm_nl *)arg)->ndevs = 0;
}

static int dev_reply(const struct nlmsghdr *nlh, void *arg, struct xesvm_error *err)
{
	struct xesvm_nl *nl = arg;
	struct xesvm_nl_dev *devs = xesvm_grow(nl->devs, &nl->devs_cap, nl->ndevs,
					       sizeof(*devs), 4);

	if (!devs) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	nl->devs = devs;
	if (xesvm_nl_decode_dev(nlh, &nl->devs[nl->ndevs], err))
		return -1;
	nl->ndevs++;
	return 0;
}

/* dev-get: the providers, and the dev-id <-> minor map. */
static int refresh_devices(struct xesvm_nl *nl, struct xesvm_error *err)
{
	const struct xesvm_nl_call call = {
		.set = XESVM_NL_SET_DEV, .what = "drm-svm devices (dev-get)",
		.reply = dev_reply, .reset = devs_reset, .arg = nl,
	};
	struct nl_msg *msg = request(nl, DRM_SVM_CMD_DEV_GET, true, err);
	size_t i;
	int rc;

	if (!msg)
		return -1;
	rc = xesvm_nl_call(nl, msg, &call, err);
	nlmsg_free(msg);
	if (rc)
		return -1;
	nl->map.count = 0;
	for (i = 0; i < nl->ndevs; i++)
		if (nl->devs[i].has_minor &&
		    xesvm_nl_devmap_set(&nl->map, nl->devs[i].dev_id, nl->devs[i].minor)) {
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
			return -1;
		}
	return 0;
}

/* dev-id of DRM minor @minor, refreshing the map once if needed. */
static int dev_id_of(struct xesvm_nl *nl, uint32_t minor, uint32_t *dev_id,
		     struct xesvm_error *err)
{
	if (xesvm_nl_devmap_dev_id(&nl->map, minor, dev_id))
		return 0;
	if (refresh_devices(nl, err))
		return -1;
	if (xesvm_nl_devmap_dev_id(&nl->map, minor, dev_id))
		return 0;
	xesvm_error_set(err, XESVM_E_USAGE, ENODEV,
			"device %" PRIu32 " has no SVM state the kernel reports (it is not a drm-svm provider)",
			minor);
	return -1;
}

/*
 * Devices the family reports: a device already in the model (libdrm,
 * debugfs) gets the family's "name"; another one is added, sorted by minor.
 */
static int add_devices(struct xesvm_nl *nl, struct xesvm_model *m, struct xesvm_error *err)
{
	struct xesvm_roots roots;
	bool added = false;
	size_t i;

	xesvm_roots_resolve(NULL, &roots);
	for (i = 0; i < nl->ndevs; i++) {
		const struct xesvm_nl_dev *d = &nl->devs[i];
		char card[64], render[64];
		bool has_card, has_render;

		if (!d->has_minor) {
			xesvm_model_note_about(m, XESVM_SVM_VIEWS, "drm-svm device %s (dev-id %" PRIu32 ") has no primary node: its VMs are left out",
					 d->name[0] ? d->name : "?", d->dev_id);
			continue;
		}
		/*
		 * libdrm lists no device of a bus it does not know (vsvm is a
		 * faux device): the family's minor finds its nodes in sysfs.
		 */
		xesvm_device_nodes(roots.sysfs, d->minor, card, render, &has_card, &has_render);
		if (xesvm_svm_device(m, d->minor, d->driver, d->name, has_card ? card : NULL,
				     has_render ? render : NULL, &added)) {
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
			return -1;
		}
	}
	if (added)
		xesvm_svm_devices_source(m, "netlink");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Gathering                                                           */
/* ------------------------------------------------------------------ */

struct list_ctx {
	struct xesvm_nl *nl;
	json_t *list;
	int (*decode)(const struct nlmsghdr *, const struct xesvm_nl_devmap *, json_t **,
		      struct xesvm_error *);
	size_t unknown_dev;	/* objects of a device not in the map */
	/* For the dumps of one VM: what every object must belong to. */
	bool one_vm;
	uint32_t minor;
	uint64_t vm;
};

static void list_reset(void *arg)
{
	struct list_ctx *ctx = arg;

	json_array_clear(ctx->list);
	ctx->unknown_dev = 0;
}

static bool same_vm(const json_t *obj, uint32_t minor, uint64_t vm)
{
	/* The decoders keep vm-ids within 0..INT64_MAX, the model's integers. */
	return json_integer_value(json_object_get(obj, "device")) == minor &&
	       json_integer_value(json_object_get(obj, "vm")) == (json_int_t)vm;
}

static int list_reply(const struct nlmsghdr *nlh, void *arg, struct xesvm_error *err)
{
	struct list_ctx *ctx = arg;
	json_t *obj;
	int rc = ctx->decode(nlh, &ctx->nl->map, &obj, err);

	if (rc == XESVM_NL_UNKNOWN_DEV) {
		ctx->unknown_dev++;
		return 0;
	}
	if (rc)
		return -1;
	if (ctx->one_vm && !same_vm(obj, ctx->minor, ctx->vm)) {
		json_decref(obj);
		xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO,
				"drm-svm: a reply for vm %" PRIu64 " of device %" PRIu32 " named another VM",
				ctx->vm, ctx->minor);
		return -1;
	}
	if (json_array_append_new(ctx->list, obj)) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	return 0;
}

struct range_ctx {
	struct xesvm_nl *nl;
	struct xesvm_model *m;
	size_t base;		/* range count before this dump */
	uint32_t minor;
	uint64_t vm;
};

static void range_reset(void *arg)
{
	struct range_ctx *ctx = arg;

	ctx->m->range_count = ctx->base;
}

static int range_reply(const struct nlmsghdr *nlh, void *arg, struct xesvm_error *err)
{
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	struct range_ctx *ctx = arg;
	struct xesvm_range r;
	int rc = xesvm_nl_decode_range(nlh, &ctx->nl->map, &r, sets, err);

	if (rc == XESVM_NL_UNKNOWN_DEV || (!rc && (r.device != ctx->minor || r.vm != ctx->vm))) {
		xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO,
				"drm-svm: a range-get reply for vm %" PRIu64 " of device %" PRIu32 " named another VM",
				ctx->vm, ctx->minor);
		return -1;
	}
	if (rc)
		return -1;
	rc = xesvm_model_add_range(ctx->m, &r);
	if (rc) {
		xesvm_error_set(err, XESVM_E_SYSTEM, -rc, rc == -ENOMEM ? "out of memory" :
				"drm-svm: range 0x%" PRIx64 "-0x%" PRIx64 " of vm %" PRIu64 " cannot be represented",
				r.start, r.end, r.vm);
		return -1;
	}
	return 0;
}

/* Per-VM dump errors that leave the VM out (or its details) instead of failing. */
static bool vm_gone(int e)
{
	return e == ENOENT || e == ENODEV || e == ESRCH;
}

/* A uint attribute as the kernel's nla_put_uint() puts it: 4 bytes when @v fits, else 8. */
static int put_uint(struct nl_msg *msg, int type, uint64_t v)
{
	return v <= UINT32_MAX ? nla_put_u32(msg, type, (uint32_t)v) : nla_put_u64(msg, type, v);
}

static int put_target(struct nl_msg *msg, int dev_attr, int vm_attr, uint32_t dev_id,
		      uint64_t vm)
{
	return nla_put_u32(msg, dev_attr, dev_id) || put_uint(msg, vm_attr, vm);
}

/* Outcome of the dumps of one VM. */
enum vm_outcome { VM_OK, VM_GONE, VM_FAILED };

static enum vm_outcome gather_vm(struct xesvm_nl *nl, struct xesvm_model *m, json_t *vm,
				 const struct xesvm_nl_scope *scope, bool *noted_no_attrs,
				 struct xesvm_error *err)
{
	uint32_t minor = (uint32_t)json_integer_value(json_object_get(vm, "device"));
	uint64_t id = (uint64_t)json_integer_value(json_object_get(vm, "vm"));
	uint64_t vm_start = (uint64_t)json_integer_value(json_object_get(vm, "start"));
	uint64_t vm_end = (uint64_t)json_integer_value(json_object_get(vm, "end"));
	json_t *vmas = xesvm_model_array(m, "vmas");
	struct xesvm_error derr = { 0 };
	char what[96];
	uint32_t dev_id;
	size_t range_base = m->range_count;

	if (!vmas) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return VM_FAILED;
	}
	if (!xesvm_nl_devmap_dev_id(&nl->map, minor, &dev_id)) {
		xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO, "drm-svm: device %" PRIu32 " lost its dev-id",
				minor);
		return VM_FAILED;
	}
	snprintf(what, sizeof(what), "vm %" PRIu64 " of device %" PRIu32, id, minor);

	if (scope->mem_attrs) {
		struct list_ctx ctx = {
			.nl = nl, .list = json_array(), .decode = xesvm_nl_decode_mem_attr,
			.one_vm = true, .minor = minor, .vm = id,
		};
		const struct xesvm_nl_call call = {
			.set = XESVM_NL_SET_MEM_ATTR, .what = what,
			.reply = list_reply, .reset = list_reset, .arg = &ctx,
		};
		struct nl_msg *msg = request(nl, DRM_SVM_CMD_MEM_ATTR_GET, true, err);
		int rc;

		if (!msg || !ctx.list) {
			nlmsg_free(msg);
			json_decref(ctx.list);
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
			return VM_FAILED;
		}
		if (put_target(msg, DRM_SVM_A_MEM_ATTR_DEV_ID, DRM_SVM_A_MEM_ATTR_VM_ID, dev_id, id)) {
			json_decref(ctx.list);
			put_failed(msg, err);
			return VM_FAILED;
		}
		rc = xesvm_nl_call(nl, msg, &call, &derr);
		nlmsg_free(msg);
		if (rc && vm_gone(derr.sys_errno)) {
			json_decref(ctx.list);
			xesvm_model_note_about(m, XESVM_SVM_VIEWS, "%s: the VM is left out", derr.msg);
			return VM_GONE;
		}
		if (rc && derr.sys_errno == EOPNOTSUPP) {
			/* One note per device (primary minors are 0-63). */
			if (!noted_no_attrs[minor % 64])
				xesvm_model_note_about(m, XESVM_SVM_VIEWS, "device %" PRIu32 " does not report memory attributes: its VMs have no VMAs in this view",
						 minor);
			noted_no_attrs[minor % 64] = true;
		} else if (rc && derr.sys_errno == EACCES) {
			xesvm_model_note_about(m, XESVM_SVM_VIEWS, "%s: its VMAs are left out", derr.msg);
		} else if (rc) {
			json_decref(ctx.list);
			xesvm_error_set(err, derr.status, derr.sys_errno, "%s", derr.msg);
			return VM_FAILED;
		} else {
			size_t n = json_array_size(ctx.list);

			if (json_array_extend(vmas, ctx.list) ||
			    json_object_set_new(vm, "num_vmas", json_integer((json_int_t)n))) {
				json_decref(ctx.list);
				xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
				return VM_FAILED;
			}
		}
		json_decref(ctx.list);
	}

	if (scope->ranges) {
		struct range_ctx ctx = { .nl = nl, .m = m, .base = range_base, .minor = minor, .vm = id };
		const struct xesvm_nl_call call = {
			.set = XESVM_NL_SET_RANGE, .what = what,
			.reply = range_reply, .reset = range_reset, .arg = &ctx,
		};
		uint64_t start = 0, end = 0;
		bool windowed;
		struct nl_msg *msg;
		int rc;

		if (!xesvm_svm_range_window(scope->filter, vm_start, vm_end, &windowed, &start,
					    &end))
			return VM_OK;	/* the window misses this VM */
		msg = request(nl, DRM_SVM_CMD_RANGE_GET, true, err);
		if (!msg)
			return VM_FAILED;
		if (put_target(msg, DRM_SVM_A_RANGE_DEV_ID, DRM_SVM_A_RANGE_VM_ID, dev_id, id) ||
		    (windowed && (nla_put_u64(msg, DRM_SVM_A_RANGE_START, start) ||
				  nla_put_u64(msg, DRM_SVM_A_RANGE_END, end)))) {
			put_failed(msg, err);
			return VM_FAILED;
		}
		memset(&derr, 0, sizeof(derr));
		rc = xesvm_nl_call(nl, msg, &call, &derr);
		nlmsg_free(msg);
		if (rc) {
			m->range_count = range_base;
			if (vm_gone(derr.sys_errno)) {
				xesvm_model_note_about(m, XESVM_SVM_VIEWS, "%s: the VM is left out", derr.msg);
				return VM_GONE;
			}
			if (derr.sys_errno == EACCES) {
				xesvm_model_note_about(m, XESVM_SVM_VIEWS, "%s: its SVM ranges are left out", derr.msg);
				return VM_OK;
			}
			xesvm_error_set(err, derr.status, derr.sys_errno, "%s", derr.msg);
			return VM_FAILED;
		}
	}
	return VM_OK;
}

static bool have_capability(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

static int gather_vms(struct xesvm_nl *nl, struct xesvm_model *m,
		      const struct xesvm_nl_scope *scope, struct xesvm_error *err)
{
	json_t *vms = xesvm_model_array(m, "vms");
	struct list_ctx ctx = { .nl = nl, .list = json_array(), .decode = xesvm_nl_decode_vm };
	const struct xesvm_nl_call call = {
		.set = XESVM_NL_SET_VM, .what = "drm-svm VMs (vm-get)",
		.reply = list_reply, .reset = list_reset, .arg = &ctx,
	};
	bool noted_no_attrs[64] = { false };
	struct xesvm_query *q = NULL;
	size_t first, i;
	struct nl_msg *msg;
	int rc = -1;

	msg = request(nl, DRM_SVM_CMD_VM_GET, true, err);
	if (!vms || !ctx.list || !msg) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		goto out;
	}
	if (xesvm_nl_call(nl, msg, &call, err))
		goto out;
	if (ctx.unknown_dev)
		xesvm_model_note_about(m, XESVM_SVM_VIEWS, "%zu VM%s of a drm-svm device that appeared while gathering left out",
				 ctx.unknown_dev, ctx.unknown_dev == 1 ? "" : "s");
	if (!have_capability(CAP_SYS_PTRACE))
		xesvm_model_note_about(m, XESVM_SVM_VIEWS, "the kernel lists only the VMs of processes this user may ptrace-read (all of them with CAP_SYS_PTRACE, e.g. as root)");

	first = json_array_size(vms);
	/* Device by device, as the SVM debugfs files list them. */
	if (xesvm_svm_sort_by_device(ctx.list) || json_array_extend(vms, ctx.list)) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		goto out;
	}
	if (!scope->mem_attrs && !scope->ranges) {
		rc = 0;
		goto out;
	}
	/* The filter selects whose VMAs and ranges are read (the same match the CLI makes). */
	if (scope->filter) {
		q = xesvm_query_new(m, scope->filter, err);
		if (!q)
			goto out;
	}
	for (i = first; i < json_array_size(vms);) {
		json_t *vm = json_array_get(vms, i);

		if (q && !xesvm_query_match(q, "vms", vm)) {
			i++;
			continue;
		}
		switch (gather_vm(nl, m, vm, scope, noted_no_attrs, err)) {
		case VM_OK:
			i++;
			break;
		case VM_GONE:
			xesvm_svm_drop_vmas(m, (uint32_t)json_integer_value(json_object_get(vm, "device")),
					    (uint64_t)json_integer_value(json_object_get(vm, "vm")));
			json_array_remove(vms, i);
			break;
		case VM_FAILED:
			goto out;
		}
	}
	rc = 0;
out:
	if (q)
		xesvm_query_free(q);
	nlmsg_free(msg);
	json_decref(ctx.list);
	return rc;
}

static int gather_pagemaps(struct xesvm_nl *nl, struct xesvm_model *m,
			   struct xesvm_error *err)
{
	json_t *pagemaps = xesvm_model_array(m, "pagemaps");
	struct list_ctx ctx = { .nl = nl, .list = json_array(), .decode = xesvm_nl_decode_pagemap };
	const struct xesvm_nl_call call = {
		.set = XESVM_NL_SET_PAGEMAP, .what = "drm-svm pagemaps (pagemap-get)",
		.reply = list_reply, .reset = list_reset, .arg = &ctx,
	};
	struct nl_msg *msg = request(nl, DRM_SVM_CMD_PAGEMAP_GET, true, err);
	int rc = -1;

	if (!pagemaps || !ctx.list || !msg) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		goto out;
	}
	if (xesvm_nl_call(nl, msg, &call, err))
		goto out;
	if (json_array_extend(pagemaps, ctx.list)) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		goto out;
	}
	rc = 0;
out:
	nlmsg_free(msg);
	json_decref(ctx.list);
	return rc;
}

int xesvm_nl_gather(struct xesvm_nl *nl, struct xesvm_model *m,
		    const struct xesvm_nl_scope *scope, struct xesvm_error *err)
{
	static const struct xesvm_nl_scope all = { .ranges = true, .mem_attrs = true,
						   .pagemaps = true };

	if (!scope)
		scope = &all;
	if (refresh_devices(nl, err) || add_devices(nl, m, err) ||
	    gather_vms(nl, m, scope, err))
		return -1;
	if (scope->pagemaps && gather_pagemaps(nl, m, err))
		return -1;
	xesvm_model_set_source(m, "vms", "netlink");
	if (scope->mem_attrs)
		xesvm_model_set_source(m, "vmas", "netlink");
	if (scope->ranges)
		xesvm_model_set_source(m, "ranges", "netlink");
	if (scope->pagemaps)
		xesvm_model_set_source(m, "pagemaps", "netlink");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Admin operations                                                    */
/* ------------------------------------------------------------------ */

struct one_reply {
	enum { R_VM, R_MIGRATE, R_GC, R_NONE } kind;
	bool seen;
	struct xesvm_nl *nl;
	json_t *vm;
	struct xesvm_migrate_result *migrate;
	struct xesvm_gc_result *gc;
};

static int one_reply(const struct nlmsghdr *nlh, void *arg, struct xesvm_error *err)
{
	struct one_reply *r = arg;
	int rc = 0;

	if (r->seen || r->kind == R_NONE) {
		xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO, "drm-svm: unexpected reply message");
		return -1;
	}
	r->seen = true;
	switch (r->kind) {
	case R_VM:
		rc = xesvm_nl_decode_vm(nlh, &r->nl->map, &r->vm, err);
		if (rc == XESVM_NL_UNKNOWN_DEV) {
			xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO,
					"drm-svm: the vm-get reply names an unknown device");
			rc = -1;
		}
		break;
	case R_MIGRATE:
		rc = xesvm_nl_decode_migrate(nlh, r->migrate, err);
		break;
	case R_GC:
		rc = xesvm_nl_decode_gc(nlh, r->gc, err);
		break;
	case R_NONE:
		break;
	}
	return rc ? -1 : 0;
}

/* Sends a do request and checks that the reply it expects came. */
static int do_request(struct xesvm_nl *nl, struct nl_msg *msg, enum xesvm_nl_set set,
		      const char *what, struct one_reply *r, struct xesvm_error *err)
{
	const struct xesvm_nl_call call = {
		.set = set, .what = what, .user_target = true, .reply = one_reply, .arg = r,
	};
	int rc = xesvm_nl_call(nl, msg, &call, err);

	nlmsg_free(msg);
	if (rc)
		return -1;
	if (r->kind != R_NONE && !r->seen) {
		xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO, "%s: the kernel acknowledged without a reply",
				what);
		return -1;
	}
	return 0;
}

/* dev-id, and the window ([start, end), or the whole VM for 0/0). */
static int resolve_target(struct xesvm_nl *nl, const struct xesvm_nl_target *t,
			  bool need_window, uint32_t *dev_id, uint64_t *start, uint64_t *end,
			  char *what, size_t what_size, struct xesvm_error *err)
{
	struct one_reply r = { .kind = R_VM, .nl = nl };
	struct nl_msg *msg;

	snprintf(what, what_size, "vm %" PRIu64 " of device %" PRIu32, t->vm, t->minor);
	if (dev_id_of(nl, t->minor, dev_id, err))
		return -1;
	if (!need_window)
		return 0;
	*start = t->start;
	*end = t->end;
	if (t->start || t->end)
		return 0;
	msg = request(nl, DRM_SVM_CMD_VM_GET, false, err);
	if (!msg)
		return -1;
	if (put_target(msg, DRM_SVM_A_VM_DEV_ID, DRM_SVM_A_VM_VM_ID, *dev_id, t->vm))
		return put_failed(msg, err);
	if (do_request(nl, msg, XESVM_NL_SET_VM, what, &r, err))
		return -1;
	*start = (uint64_t)json_integer_value(json_object_get(r.vm, "start"));
	*end = (uint64_t)json_integer_value(json_object_get(r.vm, "end"));
	json_decref(r.vm);
	return 0;
}

/*
 * The xe nest of a mem-attr-set request: the attributes of @chg that xe's
 * uAPI defines. Sent only when one of them changes, since a provider that
 * does not implement them refuses the nest (EOPNOTSUPP) even when empty.
 */
static int put_xe_mem_attrs(struct nl_msg *msg, const struct xesvm_attr_change *chg)
{
	/* The kernel checks nests strictly: NLA_F_NESTED must be set. */
	struct nlattr *xe = nla_nest_start(msg, DRM_SVM_A_MEM_ATTR_XE | NLA_F_NESTED);
	int fail = 0;

	if (!xe)
		return -1;
	if (chg->set & XESVM_ATTR_ATOMIC_ACCESS)
		fail |= nla_put_u32(msg, DRM_SVM_A_XE_MEM_ATTR_ATOMIC_ACCESS, chg->atomic_access);
	if (chg->set & XESVM_ATTR_PAT_INDEX)
		fail |= nla_put_u16(msg, DRM_SVM_A_XE_MEM_ATTR_PAT_INDEX, chg->pat_index);
	return fail | nla_nest_end(msg, xe);
}

int xesvm_nl_mem_attr_set(struct xesvm_nl *nl, const struct xesvm_nl_target *t,
			  const struct xesvm_attr_change *chg,
			  struct xesvm_error *err)
{
	const unsigned int known = XESVM_ATTR_PREFERRED_LOC | XESVM_ATTR_MIGRATION_POLICY |
				   XESVM_ATTR_ATOMIC_ACCESS | XESVM_ATTR_PAT_INDEX;
	struct one_reply r = { .kind = R_NONE, .nl = nl };
	uint64_t start, end;
	uint32_t dev_id;
	struct nl_msg *msg;
	char what[96];
	int fail = 0;

	if (!chg->set || (chg->set & ~known)) {
		xesvm_error_set(err, XESVM_E_USAGE, EINVAL,
				"madvise: no attribute to set, or an unknown one (0x%x)", chg->set);
		return -1;
	}
	if (resolve_target(nl, t, true, &dev_id, &start, &end, what, sizeof(what), err))
		return -1;
	msg = request(nl, DRM_SVM_CMD_MEM_ATTR_SET, false, err);
	if (!msg)
		return -1;
	fail |= put_target(msg, DRM_SVM_A_MEM_ATTR_DEV_ID, DRM_SVM_A_MEM_ATTR_VM_ID, dev_id, t->vm);
	fail |= nla_put_u64(msg, DRM_SVM_A_MEM_ATTR_START, start);
	fail |= nla_put_u64(msg, DRM_SVM_A_MEM_ATTR_END, end);
	if (chg->set & XESVM_ATTR_PREFERRED_LOC) {
		fail |= nla_put_u32(msg, DRM_SVM_A_MEM_ATTR_PREFERRED_LOC, chg->preferred_loc);
		if (chg->preferred_loc == DRM_SVM_PREFERRED_LOC_PAGEMAP)
			fail |= nla_put_u32(msg, DRM_SVM_A_MEM_ATTR_PAGEMAP_ID, chg->pagemap);
	}
	if (chg->set & XESVM_ATTR_MIGRATION_POLICY)
		fail |= nla_put_u32(msg, DRM_SVM_A_MEM_ATTR_MIGRATION_POLICY, chg->migration_policy);
	if (chg->set & (XESVM_ATTR_ATOMIC_ACCESS | XESVM_ATTR_PAT_INDEX))
		fail |= put_xe_mem_attrs(msg, chg);
	if (fail)
		return put_failed(msg, err);
	return do_request(nl, msg, XESVM_NL_SET_MEM_ATTR, what, &r, err);
}

int xesvm_nl_migrate(struct xesvm_nl *nl, const struct xesvm_nl_target *t,
		     bool to_pagemap, uint32_t pagemap,
		     struct xesvm_migrate_result *res, struct xesvm_error *err)
{
	struct one_reply r = { .kind = R_MIGRATE, .nl = nl, .migrate = res };
	uint64_t start, end;
	uint32_t dev_id;
	struct nl_msg *msg;
	char what[96];
	int fail = 0;

	memset(res, 0, sizeof(*res));
	if (resolve_target(nl, t, true, &dev_id, &start, &end, what, sizeof(what), err))
		return -1;
	msg = request(nl, DRM_SVM_CMD_MIGRATE, false, err);
	if (!msg)
		return -1;
	fail |= put_target(msg, DRM_SVM_A_MIGRATE_DEV_ID, DRM_SVM_A_MIGRATE_VM_ID, dev_id, t->vm);
	fail |= nla_put_u64(msg, DRM_SVM_A_MIGRATE_START, start);
	fail |= nla_put_u64(msg, DRM_SVM_A_MIGRATE_END, end);
	fail |= nla_put_u32(msg, DRM_SVM_A_MIGRATE_TARGET, to_pagemap ?
			    DRM_SVM_MIGRATE_TARGET_PAGEMAP : DRM_SVM_MIGRATE_TARGET_SYSTEM);
	if (to_pagemap)
		fail |= nla_put_u32(msg, DRM_SVM_A_MIGRATE_PAGEMAP_ID, pagemap);
	if (fail)
		return put_failed(msg, err);
	return do_request(nl, msg, XESVM_NL_SET_MIGRATE, what, &r, err);
}

int xesvm_nl_gc(struct xesvm_nl *nl, const struct xesvm_nl_target *t,
		struct xesvm_gc_result *res, struct xesvm_error *err)
{
	struct one_reply r = { .kind = R_GC, .nl = nl, .gc = res };
	uint32_t dev_id;
	struct nl_msg *msg;
	char what[96];

	memset(res, 0, sizeof(*res));
	if (resolve_target(nl, t, false, &dev_id, NULL, NULL, what, sizeof(what), err))
		return -1;
	msg = request(nl, DRM_SVM_CMD_GC, false, err);
	if (!msg)
		return -1;
	if (put_target(msg, DRM_SVM_A_GC_DEV_ID, DRM_SVM_A_GC_VM_ID, dev_id, t->vm))
		return put_failed(msg, err);
	if (do_request(nl, msg, XESVM_NL_SET_GC, what, &r, err)) {
		memset(res, 0, sizeof(*res));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

static struct xesvm_nl_events *events_new(struct xesvm_nl *query, struct xesvm_error *err)
{
	struct xesvm_nl_events *ev = calloc(1, sizeof(*ev));

	if (ev)
		ev->buf = malloc(XESVM_NL_RECV_BUF);
	if (!ev || !ev->buf) {
		free(ev);
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return NULL;
	}
	ev->query = query;
	return ev;
}

struct xesvm_nl_events *xesvm_nl_events_new_with_transport(const struct xesvm_nl_transport *tp,
							   int family_id, struct xesvm_nl *query,
							   struct xesvm_error *err)
{
	struct xesvm_nl_events *ev = events_new(query, err);

	if (!ev)
		return NULL;
	ev->tp = *tp;
	ev->family = family_id;
	return ev;
}

/*
 * The events group has the cap-sys-admin flag: joining without
 * CAP_SYS_ADMIN fails with EPERM, and the kernel sends events only to
 * sockets whose opener had it.
 */
static const char events_capability_msg[] =
	"receiving drm-svm events needs CAP_SYS_ADMIN: the kernel lets no other process join the events group";

int xesvm_nl_events_check_capabilities(struct xesvm_error *err)
{
	if (have_capability(CAP_SYS_ADMIN))
		return 0;
	xesvm_error_set(err, XESVM_E_SYSTEM, EPERM,
			"%s", events_capability_msg);
	return -1;
}

int xesvm_nl_events_open(struct xesvm_nl_events **out, struct xesvm_error *err)
{
	struct xesvm_nl_events *ev = NULL;
	struct xesvm_nl *query = NULL;
	struct nl_sock *sk = NULL;
	int family, grp;

	*out = NULL;
	/*
	 * Checked before anything is opened, so that the error names the
	 * capability whatever fails first; the kernel checks it again.
	 */
	if (xesvm_nl_events_check_capabilities(err))
		return -1;
	/* The query socket maps dev-ids to minors; listed now, refreshed on demand. */
	if (xesvm_nl_open(&query, err) || refresh_devices(query, err))
		goto fail;
	sk = open_socket(&family, err);
	if (!sk)
		goto fail;
	errno = 0;
	grp = genl_ctrl_resolve_grp(sk, DRM_SVM_FAMILY_NAME, DRM_SVM_MCGRP_EVENTS);
	if (grp < 0) {
		int e = nl_errno(grp, errno);

		xesvm_error_set(err, XESVM_E_SYSTEM, e,
				"cannot find the drm-svm \"%s\" multicast group: %s",
				DRM_SVM_MCGRP_EVENTS, strerror(e));
		goto fail;
	}
	nl_socket_disable_seq_check(sk);
	/*
	 * Events the reader has not read yet wait in the receive buffer, so
	 * its size is the burst a monitor rides out without loss. SO_RCVBUF
	 * is capped by net.core.rmem_max (about 208 KiB by default);
	 * SO_RCVBUFFORCE, allowed with CAP_NET_ADMIN, is not.
	 */
	if (setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUFFORCE,
		       &(int){ XESVM_NL_EVENTS_RCVBUF }, sizeof(int)))
		nl_socket_set_buffer_size(sk, XESVM_NL_EVENTS_RCVBUF, 0);
	errno = 0;
	if (nl_socket_add_membership(sk, grp) || nl_socket_set_nonblocking(sk)) {
		int e = errno ? errno : EIO;

		if (e == EPERM)
			xesvm_error_set(err, XESVM_E_SYSTEM, e, "%s", events_capability_msg);
		else
			xesvm_error_set(err, XESVM_E_SYSTEM, e,
					"cannot join the drm-svm events group: %s", strerror(e));
		goto fail;
	}
	ev = events_new(query, err);
	if (!ev)
		goto fail;
	ev->sk = sk;
	ev->tp.send = sock_send;
	ev->tp.recv = sock_recv;
	ev->tp.priv = sk;
	ev->family = family;
	*out = ev;
	return 0;
fail:
	if (sk)
		nl_socket_free(sk);
	xesvm_nl_close(query);
	return -1;
}

void xesvm_nl_events_close(struct xesvm_nl_events *ev)
{
	if (!ev)
		return;
	if (ev->sk)
		nl_socket_free(ev->sk);
	xesvm_nl_close(ev->query);
	free(ev->buf);
	free(ev);
}

int xesvm_nl_events_fd(const struct xesvm_nl_events *ev)
{
	return ev->sk ? nl_socket_get_fd(ev->sk) : -1;
}

uint64_t xesvm_nl_events_overruns(const struct xesvm_nl_events *ev)
{
	return ev->overruns;
}

int xesvm_nl_events_lost(const struct xesvm_nl_events *ev, uint64_t *lost)
{
	struct stat st;
	FILE *f;
	int ret;

	if (!ev->sk || fstat(nl_socket_get_fd(ev->sk), &st))
		return -1;
	/* The socket is in this process's network namespace. */
	f = fopen("/proc/self/net/netlink", "re");
	if (!f)
		return -1;
	ret = xesvm_nl_parse_socket_drops(f, (unsigned long)st.st_ino, lost);
	fclose(f);
	return ret;
}

/*
 * Follows the numbers (seq) of @event's device: a number above the next
 * one means events were lost. A lower one means the device registered
 * again (numbers restart at 1): followed from there, nothing counted.
 */
static void count_missed(struct xesvm_nl_events *ev, const json_t *event)
{
	const json_t *dev = json_object_get(event, "device");
	json_int_t device = json_is_integer(dev) ? json_integer_value(dev) : -1;
	const json_t *seq_json = json_object_get(event, "seq");
	uint64_t seq;
	unsigned int i;

	if (!json_is_integer(seq_json))
		return;		/* a kernel that does not number its events */
	seq = (uint64_t)json_integer_value(seq_json);
	for (i = 0; i < ev->nlast && ev->last[i].device != device; i++)
		;
	if (i == ev->nlast) {
		if (ev->nlast == EVENTS_SEQ_DEVICES)
			return;
		ev->last[ev->nlast++].device = device;
	} else if (seq > ev->last[i].seq + 1) {
		ev->missed += seq - ev->last[i].seq - 1;
	}
	ev->last[i].seq = seq;
}

uint64_t xesvm_nl_events_missed(const struct xesvm_nl_events *ev)
{
	return ev->missed;
}

/* Datagrams read per call at most, so a flood cannot keep the caller here. */
#define EVENTS_READ_BATCH 256

int xesvm_nl_events_read(struct xesvm_nl_events *ev, json_t *events,
			 struct xesvm_error *err)
{
	const struct xesvm_nl_devmap *map = ev->query ? &ev->query->map : NULL;
	int count = 0, i;

	for (i = 0; i < EVENTS_READ_BATCH; i++) {
		ssize_t n = ev->tp.recv(ev->tp.priv, ev->buf, XESVM_NL_RECV_BUF);
		struct nlmsghdr *nlh = (struct nlmsghdr *)ev->buf;
		int rem;

		if (n == -EAGAIN || n == -EWOULDBLOCK || n == 0)
			break;
		if (n == -ENOBUFS) {
			ev->overruns++;	/* the kernel dropped events for us */
			continue;
		}
		if (n < 0) {
			xesvm_error_set(err, XESVM_E_SYSTEM, (int)-n,
					"reading drm-svm events failed: %s", strerror((int)-n));
			return -1;
		}
		for (rem = (int)n; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
			bool unknown_dev;
			json_t *obj;

			if (nlh->nlmsg_type != ev->family)
				continue;
			if (xesvm_nl_decode_event(nlh, map, &obj, &unknown_dev, err))
				return -1;
			/* A device registered since the last dev-get: look again once. */
			if (unknown_dev && ev->query) {
				struct xesvm_error ignored = { 0 };

				if (!refresh_devices(ev->query, &ignored)) {
					json_decref(obj);
					if (xesvm_nl_decode_event(nlh, map, &obj, &unknown_dev, err))
						return -1;
				}
			}
			count_missed(ev, obj);
			if (json_array_append_new(events, obj)) {
				xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
				return -1;
			}
			count++;
		}
		if (rem != 0) {
			xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO,
					"malformed drm-svm event message (%d bytes left over)", rem);
			return -1;
		}
	}
	return count;
}
