// SPDX-License-Identifier: MIT
/* The fake kernel of the netlink unit tests (fake_kernel.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "fake_kernel.h"

struct nl_msg *genl(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 0, FAMILY, 0, NLM_F_MULTI, cmd, 1));
	return msg;
}

void u32(struct nl_msg *msg, int type, uint32_t v)
{
	assert_int_equal(nla_put_u32(msg, type, v), 0);
}

/* As the kernel's nla_put_uint(): four bytes when @v fits, eight otherwise. */
void uint_put(struct nl_msg *msg, int type, uint64_t v)
{
	if (v <= UINT32_MAX)
		assert_int_equal(nla_put_u32(msg, type, (uint32_t)v), 0);
	else
		assert_int_equal(nla_put_u64(msg, type, v), 0);
}

void str(struct nl_msg *msg, int type, const char *s)
{
	assert_int_equal(nla_put_string(msg, type, s), 0);
}

const struct nlmsghdr *hdr(struct nl_msg *msg)
{
	return nlmsg_hdr(msg);
}

/* NLMSG_DONE of a dump: its errno, and the extack message when given. */
struct nl_msg *done_msg(int error, const char *ext_msg)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);

	assert_non_null(msg);
	assert_int_equal(nlmsg_append(msg, &error, sizeof(error), NLMSG_ALIGNTO), 0);
	if (ext_msg) {
		str(msg, NLMSGERR_ATTR_MSG, ext_msg);
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK_TLVS;
	}
	return msg;
}


void fake_free(struct fake *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->dgrams[i].data);
	for (i = 0; i < f->nreq; i++)
		free(f->reqs[i]);
	memset(f, 0, sizeof(*f));
}

/* Appends @msg (freed) to the datagram @data of *@len bytes. */
static unsigned char *append(unsigned char *data, size_t *len, struct nl_msg *msg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	size_t add = NLMSG_ALIGN(h->nlmsg_len);

	data = realloc(data, *len + add);
	assert_non_null(data);
	memset(data + *len, 0, add);
	memcpy(data + *len, h, h->nlmsg_len);
	*len += add;
	nlmsg_free(msg);
	return data;
}

static void queue_datagram(struct fake *f, unsigned char *data, size_t len, bool keep_seq)
{
	assert_true(f->n < FAKE_MAX);
	f->dgrams[f->n].data = data;
	f->dgrams[f->n].len = len;
	f->dgrams[f->n].keep_seq = keep_seq;
	f->n++;
}

void fake_queue(struct fake *f, bool keep_seq, size_t count, ...)
{
	unsigned char *data = NULL;
	size_t len = 0, i;
	va_list ap;

	va_start(ap, count);
	for (i = 0; i < count; i++)
		data = append(data, &len, va_arg(ap, struct nl_msg *));
	va_end(ap);
	queue_datagram(f, data, len, keep_seq);
}

void fake_queue_list(struct fake *f, struct nl_msg **msgs, size_t count)
{
	unsigned char *data = NULL;
	size_t len = 0, i;

	for (i = 0; i < count; i++) {
		if (len && len + NLMSG_ALIGN(nlmsg_hdr(msgs[i])->nlmsg_len) > 32768) {
			queue_datagram(f, data, len, false);
			data = NULL;
			len = 0;
		}
		data = append(data, &len, msgs[i]);
	}
	if (len)
		queue_datagram(f, data, len, false);
}

void fake_queue_errno(struct fake *f, int error)
{
	assert_true(f->n < FAKE_MAX);
	f->dgrams[f->n].data = NULL;
	f->dgrams[f->n].error = error;
	f->n++;
}

static int fake_send(void *priv, const void *buf, size_t len)
{
	struct fake *f = priv;
	const struct nlmsghdr *h = buf;

	assert_true(f->nreq < FAKE_MAX);
	assert_int_equal(h->nlmsg_len, len);
	assert_true(h->nlmsg_flags & NLM_F_REQUEST);
	f->reqs[f->nreq] = malloc(len);
	assert_non_null(f->reqs[f->nreq]);
	memcpy(f->reqs[f->nreq++], buf, len);
	f->last_seq = h->nlmsg_seq;
	return 0;
}

static ssize_t fake_recv(void *priv, void *buf, size_t len)
{
	struct fake *f = priv;
	unsigned char *p;
	size_t off;

	if (f->next == f->n)
		return -EAGAIN;
	if (!f->dgrams[f->next].data)
		return -f->dgrams[f->next++].error;
	assert_true(f->dgrams[f->next].len <= len);
	p = buf;
	memcpy(p, f->dgrams[f->next].data, f->dgrams[f->next].len);
	for (off = 0; !f->dgrams[f->next].keep_seq && off < f->dgrams[f->next].len;) {
		struct nlmsghdr *h = (struct nlmsghdr *)(p + off);

		h->nlmsg_seq = f->last_seq;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	return (ssize_t)f->dgrams[f->next++].len;
}

struct xesvm_nl_transport fake_transport(struct fake *f)
{
	struct xesvm_nl_transport tp = { fake_send, fake_recv, f };

	return tp;
}

struct xesvm_nl *fake_nl(struct fake *f)
{
	struct xesvm_nl_transport tp = fake_transport(f);
	struct xesvm_error err = { 0 };
	struct xesvm_nl *nl = xesvm_nl_new_with_transport(&tp, FAMILY, &err);

	assert_non_null(nl);
	return nl;
}


struct xesvm_model *model_with_card0(void)
{
	struct xesvm_model *m = xesvm_model_new();
	json_t *dev = json_pack("{s:i, s:s, s:s, s:n, s:s, s:s, s:[], s:[]}", "minor", 0,
				"driver", "xe", "pci_bdf", "0000:03:00.0", "pci_id", "card",
				"/dev/dri/card0", "render", "/dev/dri/renderD128",
				"memory_regions", "gts");

	assert_non_null(m);
	assert_non_null(dev);
	assert_int_equal(json_array_append_new(xesvm_model_array(m, "devices"), dev), 0);
	xesvm_model_set_source(m, "devices", "libdrm");
	return m;
}
