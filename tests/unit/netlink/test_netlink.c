// SPDX-License-Identifier: MIT
/*
 * The drm-svm netlink backend without a kernel: messages built with libnl
 * the way the family builds them (drm_svm.c), fed to the decoders, and a
 * fake transport that plays the kernel's side of whole conversations
 * (dumps with NLM_F_DUMP_INTR, errors with extended ACKs, events).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <drm/drm_svm.h>

#include "netlink_internal.h"
#include "fake_kernel.h"
#include "../unprivileged.h"

#define DATA XESVM_TEST_DATA_DIR

/* ------------------------------------------------------------------ */
/* Building messages                                                   */
/* ------------------------------------------------------------------ */

/* A device map: dev-id 1 is card0, dev-id 2 is card5. */
static struct xesvm_nl_devmap map;

static int setup_map(void **state)
{
	assert_int_equal(xesvm_nl_devmap_set(&map, 1, 0), 0);
	assert_int_equal(xesvm_nl_devmap_set(&map, 2, 5), 0);
	return 0;
}

static int teardown_map(void **state)
{
	xesvm_nl_devmap_clear(&map);
	return 0;
}

static char *dumps(const json_t *obj)
{
	char *text = json_dumps(obj, JSON_COMPACT);

	assert_non_null(text);
	return text;
}

/* Whether the compact JSON text of @obj contains @needle. */
static bool contains(const json_t *obj, const char *needle)
{
	char *text = dumps(obj);
	bool found = strstr(text, needle) != NULL;

	free(text);
	return found;
}

static void assert_json(const json_t *obj, const char *expected)
{
	char *text = dumps(obj);

	if (strcmp(text, expected))
		fail_msg("got      %s\nexpected %s", text, expected);
	free(text);
}

/* The flags of the family a page set may have (the others are the range's own). */
#define PAGES_UAPI_FLAGS (DRM_SVM_RANGE_FLAGS_UNMAPPED | DRM_SVM_RANGE_FLAGS_DEVMEM | \
			  DRM_SVM_RANGE_FLAGS_DMA_MAPPED)

/* A pages nest as drm_svm_put_range_pages() sends it; a negative value is left out. */
static void pages_nest(struct nl_msg *msg, int64_t minor, uint32_t flags, int64_t pagemap)
{
	struct nlattr *nest = nla_nest_start(msg, DRM_SVM_A_RANGE_PAGES);

	assert_non_null(nest);
	if (minor >= 0)
		u32(msg, DRM_SVM_A_RANGE_PAGES_MINOR, (uint32_t)minor);
	u32(msg, DRM_SVM_A_RANGE_PAGES_FLAGS, flags);
	if (pagemap >= 0)
		u32(msg, DRM_SVM_A_RANGE_PAGES_PAGEMAP_ID, (uint32_t)pagemap);
	assert_int_equal(nla_nest_end(msg, nest), 0);
}

/*
 * A range as drm_svm_put_range() sends it, without its pages nests (and
 * without pages-count when @pages_count is negative).
 */
static struct nl_msg *range_head(uint32_t dev_id, uint64_t vm, uint64_t start, uint64_t end,
				 uint32_t flags, int64_t pages_count)
{
	struct nl_msg *msg = genl(DRM_SVM_CMD_RANGE_GET);

	u32(msg, DRM_SVM_A_RANGE_DEV_ID, dev_id);
	uint_put(msg, DRM_SVM_A_RANGE_VM_ID, vm);
	uint_put(msg, DRM_SVM_A_RANGE_START, start);
	uint_put(msg, DRM_SVM_A_RANGE_END, end);
	uint_put(msg, DRM_SVM_A_RANGE_NOTIFIER_START, start & ~0x1fffffULL);
	uint_put(msg, DRM_SVM_A_RANGE_NOTIFIER_END, (start & ~0x1fffffULL) + 0x20000000);
	u32(msg, DRM_SVM_A_RANGE_FLAGS, flags);
	if (pages_count >= 0)
		u32(msg, DRM_SVM_A_RANGE_PAGES_COUNT, (uint32_t)pages_count);
	return msg;
}

/* A range of one device's pages, card5's (negative @pagemap: none). */
static struct nl_msg *range_msg(uint32_t dev_id, uint64_t vm, uint64_t start, uint64_t end,
				uint32_t flags, int64_t pagemap)
{
	struct nl_msg *msg = range_head(dev_id, vm, start, end, flags, 1);

	pages_nest(msg, 5, flags & PAGES_UAPI_FLAGS, pagemap);
	return msg;
}

/* xe's nest of a range, as xe sends it: its tile masks. */
static void xe_range_nest(struct nl_msg *msg, uint32_t present, uint32_t invalidated)
{
	struct nlattr *nest = nla_nest_start(msg, DRM_SVM_A_RANGE_XE);

	assert_non_null(nest);
	u32(msg, DRM_SVM_A_XE_RANGE_TILE_PRESENT, present);
	u32(msg, DRM_SVM_A_XE_RANGE_TILE_INVALIDATED, invalidated);
	assert_int_equal(nla_nest_end(msg, nest), 0);
}

/* xe's nest of a region (mem-attr, mem-attr-values); a negative @purgeable is left out. */
static void xe_mem_attr_nest(struct nl_msg *msg, uint32_t atomic, uint16_t pat, int64_t purgeable)
{
	struct nlattr *nest = nla_nest_start(msg, DRM_SVM_A_MEM_ATTR_XE);

	assert_non_null(nest);
	u32(msg, DRM_SVM_A_XE_MEM_ATTR_ATOMIC_ACCESS, atomic);
	assert_int_equal(nla_put_u16(msg, DRM_SVM_A_XE_MEM_ATTR_PAT_INDEX, pat), 0);
	if (purgeable >= 0)
		u32(msg, DRM_SVM_A_XE_MEM_ATTR_PURGEABLE, (uint32_t)purgeable);
	assert_int_equal(nla_nest_end(msg, nest), 0);
}

/* A region of a provider without xe's attributes: no xe nest. */
static struct nl_msg *mem_attr_core_msg(uint32_t dev_id, uint64_t vm, uint64_t start,
					uint64_t end, uint32_t kind, uint32_t loc,
					uint32_t pagemap, uint32_t policy)
{
	struct nl_msg *msg = genl(DRM_SVM_CMD_MEM_ATTR_GET);

	u32(msg, DRM_SVM_A_MEM_ATTR_DEV_ID, dev_id);
	uint_put(msg, DRM_SVM_A_MEM_ATTR_VM_ID, vm);
	uint_put(msg, DRM_SVM_A_MEM_ATTR_START, start);
	uint_put(msg, DRM_SVM_A_MEM_ATTR_END, end);
	u32(msg, DRM_SVM_A_MEM_ATTR_KIND, kind);
	u32(msg, DRM_SVM_A_MEM_ATTR_PREFERRED_LOC, loc);
	if (pagemap)
		u32(msg, DRM_SVM_A_MEM_ATTR_PAGEMAP_ID, pagemap);
	u32(msg, DRM_SVM_A_MEM_ATTR_MIGRATION_POLICY, policy);
	return msg;
}

/* A region of xe (or vsvm, which implements xe's madvise): with the xe nest. */
static struct nl_msg *mem_attr_msg(uint32_t dev_id, uint64_t vm, uint64_t start, uint64_t end,
				   uint32_t kind, uint32_t loc, uint32_t pagemap, uint32_t policy,
				   uint32_t atomic, uint16_t pat, uint32_t purgeable)
{
	struct nl_msg *msg = mem_attr_core_msg(dev_id, vm, start, end, kind, loc, pagemap, policy);

	xe_mem_attr_nest(msg, atomic, pat, purgeable);
	return msg;
}

/* A VM of a driver without a handle of its own (no driver-handle). */
static struct nl_msg *vm_msg(uint32_t dev_id, uint64_t vm, uint32_t pid, const char *comm,
			     uint64_t ranges)
{
	struct nl_msg *msg = genl(DRM_SVM_CMD_VM_GET);

	u32(msg, DRM_SVM_A_VM_DEV_ID, dev_id);
	uint_put(msg, DRM_SVM_A_VM_VM_ID, vm);
	uint_put(msg, DRM_SVM_A_VM_GPUSVM_ID, 40 + vm);
	u32(msg, DRM_SVM_A_VM_PID, pid);
	str(msg, DRM_SVM_A_VM_COMM, comm);
	uint_put(msg, DRM_SVM_A_VM_CLIENT_ID, 7);
	uint_put(msg, DRM_SVM_A_VM_START, 0);
	uint_put(msg, DRM_SVM_A_VM_END, 0x800000000000ULL);
	uint_put(msg, DRM_SVM_A_VM_NOTIFIERS, 2);
	uint_put(msg, DRM_SVM_A_VM_RANGES, ranges);
	uint_put(msg, DRM_SVM_A_VM_DEVMEM_PAGES, 1);
	uint_put(msg, DRM_SVM_A_VM_GENERATION, 9);
	return msg;
}

/*
 * A mem-attr-values nest @type: preferred-loc system and, unless @pat is
 * negative (a provider without xe's attributes), atomic global, PAT @pat.
 */
static void before_nest(struct nl_msg *msg, int type, int pat)
{
	struct nlattr *nest = nla_nest_start(msg, type);

	assert_non_null(nest);
	u32(msg, DRM_SVM_A_MEM_ATTR_KIND, DRM_SVM_MEM_KIND_CPU_MIRROR);
	u32(msg, DRM_SVM_A_MEM_ATTR_PREFERRED_LOC, DRM_SVM_PREFERRED_LOC_SYSTEM);
	u32(msg, DRM_SVM_A_MEM_ATTR_MIGRATION_POLICY, DRM_SVM_MIGRATION_POLICY_ALL_PAGES);
	if (pat >= 0)
		xe_mem_attr_nest(msg, DRM_SVM_XE_ATOMIC_ACCESS_GLOBAL, (uint16_t)pat, -1);
	assert_int_equal(nla_nest_end(msg, nest), 0);
}

/* An attr-resets nest of a vm-get reply, as drm_svm_put_attr_reset() sends it. */
static void reset_nest(struct nl_msg *msg, uint64_t start, uint64_t end, bool split)
{
	struct nlattr *nest = nla_nest_start(msg, DRM_SVM_A_VM_ATTR_RESETS);

	assert_non_null(nest);
	uint_put(msg, DRM_SVM_A_ATTR_RESET_START, start);
	uint_put(msg, DRM_SVM_A_ATTR_RESET_END, end);
	uint_put(msg, DRM_SVM_A_ATTR_RESET_TIMESTAMP, 5000000000ULL);
	assert_int_equal(nla_put_u8(msg, DRM_SVM_A_ATTR_RESET_SPLIT, split), 0);
	before_nest(msg, DRM_SVM_A_ATTR_RESET_BEFORE, 3);
	assert_int_equal(nla_nest_end(msg, nest), 0);
}

static struct nl_msg *dev_msg(uint32_t dev_id, const char *name, const char *driver,
			      int64_t minor)
{
	struct nl_msg *msg = genl(DRM_SVM_CMD_DEV_GET);

	u32(msg, DRM_SVM_A_DEV_DEV_ID, dev_id);
	str(msg, DRM_SVM_A_DEV_NAME, name);
	str(msg, DRM_SVM_A_DEV_DRIVER, driver);
	if (minor >= 0)
		u32(msg, DRM_SVM_A_DEV_MINOR, (uint32_t)minor);
	return msg;
}

static void migrate_stats(struct nl_msg *msg, int type, uint64_t base)
{
	struct nlattr *nest = nla_nest_start(msg, type);
	int i;

	assert_non_null(nest);
	for (i = DRM_SVM_A_MIGRATE_STATS_COUNT; i <= DRM_SVM_A_MIGRATE_STATS_FAIL_OTHER; i++)
		uint_put(msg, i, base + (uint64_t)i);
	assert_int_equal(nla_nest_end(msg, nest), 0);
}

static struct nl_msg *pagemap_msg(uint32_t dev_id, uint32_t id, uint64_t size, bool stats)
{
	struct nl_msg *msg = genl(DRM_SVM_CMD_PAGEMAP_GET);
	struct nlattr *nest;

	u32(msg, DRM_SVM_A_PAGEMAP_DEV_ID, dev_id);
	u32(msg, DRM_SVM_A_PAGEMAP_PAGEMAP_ID, id);
	uint_put(msg, DRM_SVM_A_PAGEMAP_SIZE, size);
	if (!stats)
		return msg;
	nest = nla_nest_start(msg, DRM_SVM_A_PAGEMAP_STATS);
	assert_non_null(nest);
	assert_int_equal(nla_put_u8(msg, DRM_SVM_A_PAGEMAP_STATS_ENABLED, 1), 0);
	migrate_stats(msg, DRM_SVM_A_PAGEMAP_STATS_TO_DEVMEM, 100);
	migrate_stats(msg, DRM_SVM_A_PAGEMAP_STATS_TO_RAM, 200);
	uint_put(msg, DRM_SVM_A_PAGEMAP_STATS_CPU_FAULTS, 31);
	uint_put(msg, DRM_SVM_A_PAGEMAP_STATS_CPU_FAULTS_DEFERRED, 32);
	uint_put(msg, DRM_SVM_A_PAGEMAP_STATS_EVICTIONS, 33);
	uint_put(msg, DRM_SVM_A_PAGEMAP_STATS_DEVMEM_PAGES, 34);
	assert_int_equal(nla_nest_end(msg, nest), 0);
	return msg;
}

/*
 * NLMSG_ERROR answering @req (may be NULL: filled in by the fake), with
 * the request's payload echoed unless @capped, and extack TLVs: message,
 * offset of the attribute of type @bad_attr in @req, missing type.
 */
static struct nl_msg *error_msg(int error, const struct nlmsghdr *req, bool capped,
				const char *ext_msg, int bad_attr, int missing)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, capped ? NLM_F_CAPPED : 0);
	struct nlmsgerr e = { .error = error };

	assert_non_null(msg);
	if (req)
		e.msg = *req;
	assert_int_equal(nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO), 0);
	if (!capped && req)
		assert_int_equal(nlmsg_append(msg, nlmsg_data(req), req->nlmsg_len - NLMSG_HDRLEN,
					      NLMSG_ALIGNTO), 0);
	if (ext_msg)
		str(msg, NLMSGERR_ATTR_MSG, ext_msg);
	if (bad_attr >= 0) {
		struct nlattr *a;
		int rem;

		assert_non_null(req);
		nla_for_each_attr(a, (struct nlattr *)((char *)nlmsg_data(req) + GENL_HDRLEN),
				  (int)(req->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN), rem)
			if (nla_type(a) == bad_attr)
				u32(msg, NLMSGERR_ATTR_OFFS, (uint32_t)((char *)a - (char *)req));
	}
	if (missing >= 0)
		u32(msg, NLMSGERR_ATTR_MISS_TYPE, (uint32_t)missing);
	if (ext_msg || bad_attr >= 0 || missing >= 0)
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK_TLVS;
	return msg;
}

/* ------------------------------------------------------------------ */
/* The fake kernel's requests (fake_kernel.h)                          */
/* ------------------------------------------------------------------ */

/* Request @i as sent: its command, flags and attributes (set @set). */
static uint8_t req_cmd(const struct fake *f, size_t i)
{
	return ((const struct genlmsghdr *)nlmsg_data((const struct nlmsghdr *)f->reqs[i]))->cmd;
}

static struct nlattr *req_attr(const struct fake *f, size_t i, int type)
{
	struct nlmsghdr *h = (struct nlmsghdr *)f->reqs[i];
	struct nlattr *tb[32];

	assert_int_equal(genlmsg_parse(h, 0, tb, 31, NULL), 0);
	return tb[type];
}

/* ------------------------------------------------------------------ */
/* Decoders                                                            */
/* ------------------------------------------------------------------ */

static void test_range_every_flag(void **state)
{
	static const struct {
		uint32_t kernel, model;
	} flags[] = {
		{ DRM_SVM_RANGE_FLAGS_MIGRATE_DEVMEM, XESVM_RANGE_MIGRATE_DEVMEM },
		{ DRM_SVM_RANGE_FLAGS_UNMAPPED, XESVM_RANGE_UNMAPPED },
		{ DRM_SVM_RANGE_FLAGS_PARTIAL_UNMAP, XESVM_RANGE_PARTIAL_UNMAP },
		{ DRM_SVM_RANGE_FLAGS_DEVMEM, XESVM_RANGE_HAS_DEVMEM_PAGES },
		{ DRM_SVM_RANGE_FLAGS_DMA_MAPPED, XESVM_RANGE_HAS_DMA_MAPPING },
		{ DRM_SVM_RANGE_FLAGS_GC_PENDING, XESVM_RANGE_GC_PENDING },
	};
	uint32_t all_k = 0, all_m = 0;
	size_t i;

	for (i = 0; i <= sizeof(flags) / sizeof(flags[0]); i++) {
		struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX], p;
		struct xesvm_error err = { 0 };
		const size_t n = sizeof(flags) / sizeof(flags[0]);
		uint32_t k = i < n ? flags[i].kernel : all_k, mflags = i < n ? flags[i].model : all_m;
		struct nl_msg *msg = range_msg(2, 3, 0x7f0000200000, 0x7f0000400000, k, 4);
		struct xesvm_range r;

		memset(&r, 0xa5, sizeof(r));
		assert_int_equal(xesvm_nl_decode_range(hdr(msg), &map, &r, sets, &err), 0);
		assert_int_equal(r.flags, mflags);
		assert_int_equal(r.device, 5);
		assert_int_equal(r.vm, 3);
		assert_int_equal(r.start, 0x7f0000200000);
		assert_int_equal(r.end, 0x7f0000400000);
		assert_int_equal(r.notifier_start, 0x7f0000200000);
		assert_int_equal(r.notifier_end, 0x7f0020200000);
		assert_int_equal(r.pages_count, 1);
		assert_int_equal(r.pages_described, 1);
		/* The page set has the flags of pages, the same bits as the range's. */
		p = xesvm_range_get_pages(&r, 0);
		assert_int_equal(p.flags, mflags & XESVM_RANGE_PAGES_FLAGS);
		/* drm_gpusvm's internals are debugfs's only. */
		assert_int_equal(p.notifier_seq, XESVM_NOTIFIER_SEQ_NONE);
		assert_int_equal(p.pagemap, 4);
		assert_int_equal(p.device, 5);
		/* No xe nest (a vsvm range): no tiles, the masks stay 0. */
		assert_int_equal(r.tile_present, 0);
		assert_int_equal(r.tile_invalidated, 0);
		nlmsg_free(msg);
		if (i < n) {
			all_k |= flags[i].kernel;
			all_m |= flags[i].model;
		}
	}
	/* Every model flag but stale, which only debugfs reports. */
	assert_int_equal(all_m, ((1u << XESVM_RANGE_FLAG_COUNT) - 1) & ~(uint32_t)XESVM_RANGE_STALE);
	assert_string_equal(xesvm_range_flag_name(6), "stale");
}

static void test_range_optional_attrs(void **state)
{
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	struct xesvm_error err = { 0 };
	struct nl_msg *msg = range_head(1, 8, 0x1000, 0x2000, DRM_SVM_RANGE_FLAGS_MIGRATE_DEVMEM, 0);
	struct xesvm_range r;
	json_t *obj;

	/* No page set at all: a range no device has collected pages of. */
	assert_int_equal(xesvm_nl_decode_range(hdr(msg), &map, &r, sets, &err), 0);
	assert_int_equal(r.pages_count, 0);
	assert_int_equal(r.pages_described, 0);
	nlmsg_free(msg);

	/* A page set with only its flags: no device, system memory, never collected. */
	msg = range_head(1, 8, 0x1000, 0x2000, DRM_SVM_RANGE_FLAGS_DMA_MAPPED, 1);
	pages_nest(msg, -1, DRM_SVM_RANGE_FLAGS_DMA_MAPPED, -1);
	assert_int_equal(xesvm_nl_decode_range(hdr(msg), &map, &r, sets, &err), 0);
	obj = xesvm_range_to_json(&r);
	assert_json(obj, "{\"device\":0,\"vm\":8,\"start\":4096,\"end\":8192,\"notifier_start\":0,"
		    "\"notifier_end\":536870912,\"flags\":[\"has_dma_mapping\"],"
		    "\"residency\":\"system\",\"pages_count\":1,\"pages\":[{\"device\":null,"
		    "\"flags\":[\"has_dma_mapping\"],\"pagemap\":null,\"notifier_seq\":null}],"
		    "\"tile_present\":0,\"tile_invalidated\":0}");
	json_decref(obj);
	nlmsg_free(msg);
}

/*
 * A range several devices map: its page sets in the order the kernel sent
 * them, each of its own device (a minor, not a dev-id), the range's flags
 * the union of theirs; more page sets than described.
 */
static void test_range_page_sets(void **state)
{
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	struct xesvm_model *m = xesvm_model_new();
	struct xesvm_error err = { 0 };
	struct nl_msg *msg = range_head(2, 3, 0x200000, 0x400000,
					DRM_SVM_RANGE_FLAGS_MIGRATE_DEVMEM | DRM_SVM_RANGE_FLAGS_DEVMEM |
					DRM_SVM_RANGE_FLAGS_DMA_MAPPED, 7);
	struct xesvm_range r;
	json_t *obj;

	pages_nest(msg, 5, DRM_SVM_RANGE_FLAGS_DMA_MAPPED, -1);
	pages_nest(msg, 1, DRM_SVM_RANGE_FLAGS_DEVMEM | DRM_SVM_RANGE_FLAGS_DMA_MAPPED, 9);
	pages_nest(msg, 130, DRM_SVM_RANGE_FLAGS_DMA_MAPPED, -1);
	pages_nest(msg, -1, 0, -1);
	assert_int_equal(xesvm_nl_decode_range(hdr(msg), &map, &r, sets, &err), 0);
	nlmsg_free(msg);
	assert_int_equal(r.pages_count, 7);
	assert_int_equal(r.pages_described, 4);
	/* Kept in the caller's array until the model copies them. */
	assert_ptr_equal(r.pages.several, sets);
	assert_int_equal(xesvm_model_add_range(m, &r), 0);
	memset(sets, 0, sizeof(sets));
	obj = xesvm_range_to_json(xesvm_model_range(m, 0));
	assert_json(json_object_get(obj, "pages"),
		    "[{\"device\":5,\"flags\":[\"has_dma_mapping\"],\"pagemap\":null,\"notifier_seq\":null},"
		    "{\"device\":1,\"flags\":[\"has_devmem_pages\",\"has_dma_mapping\"],\"pagemap\":9,"
		    "\"notifier_seq\":null},"
		    "{\"device\":130,\"flags\":[\"has_dma_mapping\"],\"pagemap\":null,"
		    "\"notifier_seq\":null},"
		    "{\"device\":null,\"flags\":[],\"pagemap\":null,\"notifier_seq\":null}]");
	assert_string_equal(json_string_value(json_object_get(obj, "residency")), "device");
	json_decref(obj);
	xesvm_model_free(m);
}

/* Decodes @msg as a range and expects an error message containing @needle. */
static void expect_range_error(struct nl_msg *msg, const char *needle)
{
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	struct xesvm_error err = { 0 };
	struct xesvm_range r;

	assert_int_equal(xesvm_nl_decode_range(hdr(msg), &map, &r, sets, &err), -1);
	assert_int_equal(err.status, XESVM_E_SYSTEM);
	assert_int_equal(err.sys_errno, EPROTO);
	if (!strstr(err.msg, needle))
		fail_msg("\"%s\" not in \"%s\"", needle, err.msg);
	nlmsg_free(msg);
}

/* A range of card5 with pages-count @count and one page set of @flags and @minor, @pagemap. */
static struct nl_msg *range_one_set(uint32_t range_flags, int64_t count, int64_t minor,
				    uint32_t flags, int64_t pagemap)
{
	struct nl_msg *msg = range_head(2, 3, 0x1000, 0x2000, range_flags, count);

	pages_nest(msg, minor, flags, pagemap);
	return msg;
}

static void test_range_errors(void **state)
{
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	struct xesvm_error err = { 0 };
	struct nl_msg *msg;
	struct xesvm_range r;
	struct nlattr *nest;
	int i;

	expect_range_error(range_msg(1, 3, 0x1000, 0x2000, 0x80, -1),
			   "attribute flags: unknown bits in 0x80");
	expect_range_error(range_msg(1, 3, 0x2000, 0x2000, 0, -1), "is not above its start");
	expect_range_error(range_msg(1, 3, 0x1000, 1ULL << 63, 0, -1),
			   "attribute end: 9223372036854775808 is above 2^63-1");
	expect_range_error(range_msg(1, 3, 0x1000, 0x2000, 0, UINT32_MAX),
			   "attribute pages: pagemap-id 4294967295 is not a valid id");

	msg = genl(DRM_SVM_CMD_RANGE_GET);
	u32(msg, DRM_SVM_A_RANGE_DEV_ID, 1);
	u32(msg, DRM_SVM_A_RANGE_VM_ID, 3);
	uint_put(msg, DRM_SVM_A_RANGE_START, 0x1000);
	expect_range_error(msg, "drm-svm range-get reply: attribute end is missing");

	msg = genl(DRM_SVM_CMD_RANGE_GET);
	u32(msg, DRM_SVM_A_RANGE_DEV_ID, 1);
	assert_int_equal(nla_put_u16(msg, DRM_SVM_A_RANGE_START, 0x1000), 0); /* not a uint */
	expect_range_error(msg, "attribute start has 2 bytes, expected 4 or 8");

	msg = genl(DRM_SVM_CMD_VM_GET);
	expect_range_error(msg, "unexpected command 2 (expected 3)");

	/* The page sets: every one the kernel sends must be one the model takes. */
	msg = range_head(1, 3, 0x1000, 0x2000, 0, 1);
	nla_put_u32(msg, DRM_SVM_A_RANGE_MAX + 1, 0);	/* a newer kernel's: ignored */
	assert_int_equal(xesvm_nl_decode_range(hdr(msg), &map, &r, sets, &err), 0);
	nlmsg_free(msg);
	expect_range_error(range_head(1, 3, 0x1000, 0x2000, 0, -1),
			   "attribute pages-count is missing");
	msg = range_head(2, 3, 0x1000, 0x2000, 0, 9);
	for (i = 0; i < 5; i++)
		pages_nest(msg, i, 0, -1);
	expect_range_error(msg, "more than 4 pages attributes");
	msg = range_head(2, 3, 0x1000, 0x2000, 0, 1);
	pages_nest(msg, 0, 0, -1);
	pages_nest(msg, 1, 0, -1);
	expect_range_error(msg, "2 pages attributes for a pages-count of 1");
	expect_range_error(range_one_set(DRM_SVM_RANGE_FLAGS_GC_PENDING | DRM_SVM_RANGE_FLAGS_MIGRATE_DEVMEM,
					 1, 0, DRM_SVM_RANGE_FLAGS_MIGRATE_DEVMEM, -1),
			   "attribute pages: flags 0x1 has flags of a range, not of pages");
	expect_range_error(range_one_set(0, 1, 0, 0x100, -1),
			   "attribute pages: unknown flag bits 0x100");
	expect_range_error(range_one_set(DRM_SVM_RANGE_FLAGS_MIGRATE_DEVMEM, 1, 0,
					 DRM_SVM_RANGE_FLAGS_DMA_MAPPED, -1),
			   "attribute flags 0x1 lacks flags of its pages 0");
	expect_range_error(range_one_set(0, 1, UINT32_MAX, 0, -1),
			   "attribute pages: minor 4294967295 is not a valid minor");
	msg = range_head(2, 3, 0x1000, 0x2000, 0, 1);
	nest = nla_nest_start(msg, DRM_SVM_A_RANGE_PAGES);
	assert_int_equal(nla_put_u64(msg, DRM_SVM_A_RANGE_PAGES_MINOR, 1), 0); /* not a u32 */
	u32(msg, DRM_SVM_A_RANGE_PAGES_FLAGS, 0);
	nla_nest_end(msg, nest);
	expect_range_error(msg, "attribute minor has 8 bytes, expected 4");
	msg = range_head(2, 3, 0x1000, 0x2000, 0, 1);
	nest = nla_nest_start(msg, DRM_SVM_A_RANGE_PAGES);
	u32(msg, DRM_SVM_A_RANGE_PAGES_MINOR, 1);
	nla_nest_end(msg, nest);
	expect_range_error(msg, "attribute pages: its flags are missing");

	/* A device registered after the last dev-get is not an error here. */
	msg = range_msg(9, 3, 0x1000, 0x2000, 0, -1);
	assert_int_equal(xesvm_nl_decode_range(hdr(msg), &map, &r, sets, &err), XESVM_NL_UNKNOWN_DEV);
	assert_int_equal(err.status, XESVM_OK);
	nlmsg_free(msg);
}

/* xe's ranges carry their tile masks in its nest; a nest that is not right is an error. */
static void test_range_xe_tiles(void **state)
{
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	struct xesvm_error err = { 0 };
	struct nl_msg *msg = range_msg(2, 3, 0x200000, 0x400000, DRM_SVM_RANGE_FLAGS_DMA_MAPPED, -1);
	struct xesvm_range r;
	struct nlattr *xe;
	json_t *obj;

	xe_range_nest(msg, 0x3, 0x2);
	assert_int_equal(xesvm_nl_decode_range(hdr(msg), &map, &r, sets, &err), 0);
	assert_int_equal(r.tile_present, 0x3);
	assert_int_equal(r.tile_invalidated, 0x2);
	obj = xesvm_range_to_json(&r);
	assert_int_equal(json_integer_value(json_object_get(obj, "tile_present")), 3);
	assert_int_equal(json_integer_value(json_object_get(obj, "tile_invalidated")), 2);
	json_decref(obj);
	nlmsg_free(msg);

	msg = range_msg(2, 3, 0x200000, 0x400000, 0, -1);
	xe = nla_nest_start(msg, DRM_SVM_A_RANGE_XE);
	u32(msg, DRM_SVM_A_XE_RANGE_TILE_PRESENT, 1);
	nla_nest_end(msg, xe);
	expect_range_error(msg, "attribute tile-invalidated is missing");

	msg = range_msg(2, 3, 0x200000, 0x400000, 0, -1);
	xe = nla_nest_start(msg, DRM_SVM_A_RANGE_XE);
	assert_int_equal(nla_put_u64(msg, DRM_SVM_A_XE_RANGE_TILE_PRESENT, 1), 0);
	u32(msg, DRM_SVM_A_XE_RANGE_TILE_INVALIDATED, 0);
	nla_nest_end(msg, xe);
	expect_range_error(msg, "attribute tile-present has 8 bytes, expected 4");
}

static void test_mem_attr_names(void **state)
{
	static const char *const kinds[] = { "cpu_mirror", "bo", "userptr", "null" };
	static const char *const locs[] = { "default_device", "system", "pagemap" };
	static const char *const policies[] = { "all_pages", "only_system_pages" };
	static const char *const atomics[] = { "undefined", "device", "global", "cpu" };
	static const char *const purgeables[] = { NULL, "willneed", "dontneed", "purged" };
	uint32_t v;

	for (v = 0; v < 4; v++) {
		struct xesvm_error err = { 0 };
		struct nl_msg *msg = mem_attr_msg(1, 3, 0x10000, 0x20000, v, v % 3, v ? v : 0,
						  v % 2, v, (uint16_t)(v + 60000), v);
		json_t *vma;

		assert_int_equal(xesvm_nl_decode_mem_attr(hdr(msg), &map, &vma, &err), 0);
		assert_string_equal(json_string_value(json_object_get(vma, "kind")), kinds[v]);
		assert_string_equal(json_string_value(json_object_get(vma, "preferred_location")),
				    locs[v % 3]);
		assert_string_equal(json_string_value(json_object_get(vma, "migration_policy")),
				    policies[v % 2]);
		assert_string_equal(json_string_value(json_object_get(vma, "atomic_access")),
				    atomics[v]);
		if (purgeables[v])
			assert_string_equal(json_string_value(json_object_get(vma, "purgeable")),
					    purgeables[v]);
		else
			assert_true(json_is_null(json_object_get(vma, "purgeable")));
		assert_int_equal(json_integer_value(json_object_get(vma, "pat_index")), v + 60000);
		if (v)
			assert_int_equal(json_integer_value(json_object_get(vma, "preferred_pagemap")), v);
		else
			assert_true(json_is_null(json_object_get(vma, "preferred_pagemap")));
		json_decref(vma);
		nlmsg_free(msg);
	}
}

static void test_mem_attr_object(void **state)
{
	struct xesvm_error err = { 0 };
	struct nl_msg *msg = mem_attr_msg(2, 3, 0x7f3a00000000, 0x7f3a02000000,
					  DRM_SVM_MEM_KIND_CPU_MIRROR, DRM_SVM_PREFERRED_LOC_PAGEMAP,
					  2, DRM_SVM_MIGRATION_POLICY_ONLY_SYSTEM_PAGES,
					  DRM_SVM_XE_ATOMIC_ACCESS_DEVICE, 3, DRM_SVM_XE_PURGEABLE_NONE);
	json_t *vma;

	assert_int_equal(xesvm_nl_decode_mem_attr(hdr(msg), &map, &vma, &err), 0);
	/* The key set and order of a snapshot's VMA (xesvm-json(7)). */
	assert_json(vma, "{\"device\":5,\"vm\":3,\"start\":139887084830720,\"end\":139887118385152,"
		    "\"kind\":\"cpu_mirror\",\"preferred_location\":\"pagemap\","
		    "\"preferred_pagemap\":2,\"migration_policy\":\"only_system_pages\","
		    "\"atomic_access\":\"device\",\"pat_index\":3,\"purgeable\":null}");
	json_decref(vma);
	nlmsg_free(msg);
}

static void expect_mem_attr_error(struct nl_msg *msg, const char *needle)
{
	struct xesvm_error err = { 0 };
	json_t *vma = (json_t *)1;

	assert_int_equal(xesvm_nl_decode_mem_attr(hdr(msg), &map, &vma, &err), -1);
	assert_null(vma);
	assert_int_equal(err.sys_errno, EPROTO);
	if (!strstr(err.msg, needle))
		fail_msg("\"%s\" not in \"%s\"", needle, err.msg);
	nlmsg_free(msg);
}

static void test_mem_attr_out_of_range(void **state)
{
	expect_mem_attr_error(mem_attr_msg(1, 3, 0x1000, 0x2000, 4, 0, 0, 0, 0, 0, 0),
			      "attribute kind: unknown value 4");
	expect_mem_attr_error(mem_attr_msg(1, 3, 0x1000, 0x2000, 0, 3, 0, 0, 0, 0, 0),
			      "attribute preferred-loc: unknown value 3");
	expect_mem_attr_error(mem_attr_msg(1, 3, 0x1000, 0x2000, 0, 0, 0, 2, 0, 0, 0),
			      "attribute migration-policy: unknown value 2");
	expect_mem_attr_error(mem_attr_msg(1, 3, 0x1000, 0x2000, 0, 0, 0, 0, 4, 0, 0),
			      "attribute atomic-access: unknown value 4");
	expect_mem_attr_error(mem_attr_msg(1, 3, 0x1000, 0x2000, 0, 0, 0, 0, 0, 0, UINT32_MAX),
			      "attribute purgeable: unknown value 4294967295");
	expect_mem_attr_error(mem_attr_msg(1, 3, 0x3000, 0x2000, 0, 0, 0, 0, 0, 0, 0),
			      "is not above its start");
}

/* A provider without xe's attributes sends no xe nest: they are null, not made up. */
static void test_mem_attr_without_xe(void **state)
{
	struct xesvm_error err = { 0 };
	struct nl_msg *msg = mem_attr_core_msg(2, 3, 0x7f3a00000000, 0x7f3a02000000,
					       DRM_SVM_MEM_KIND_CPU_MIRROR,
					       DRM_SVM_PREFERRED_LOC_SYSTEM, 0,
					       DRM_SVM_MIGRATION_POLICY_ALL_PAGES);
	json_t *vma;

	assert_int_equal(xesvm_nl_decode_mem_attr(hdr(msg), &map, &vma, &err), 0);
	/* The keys and their order stay those of xe's regions. */
	assert_json(vma, "{\"device\":5,\"vm\":3,\"start\":139887084830720,\"end\":139887118385152,"
		    "\"kind\":\"cpu_mirror\",\"preferred_location\":\"system\","
		    "\"preferred_pagemap\":null,\"migration_policy\":\"all_pages\","
		    "\"atomic_access\":null,\"pat_index\":null,\"purgeable\":null}");
	json_decref(vma);
	nlmsg_free(msg);
}

/* A region whose xe nest holds what @fill puts in it: the error names what is wrong. */
static void expect_xe_nest_error(void (*fill)(struct nl_msg *msg), const char *needle)
{
	struct nl_msg *msg = mem_attr_core_msg(1, 3, 0x1000, 0x2000, 0, 0, 0, 0);
	struct nlattr *xe = nla_nest_start(msg, DRM_SVM_A_MEM_ATTR_XE);

	assert_non_null(xe);
	fill(msg);
	assert_int_equal(nla_nest_end(msg, xe), 0);
	expect_mem_attr_error(msg, needle);
}

static void xe_without_atomic(struct nl_msg *msg)
{
	assert_int_equal(nla_put_u16(msg, DRM_SVM_A_XE_MEM_ATTR_PAT_INDEX, 3), 0);
}

static void xe_without_pat(struct nl_msg *msg)
{
	u32(msg, DRM_SVM_A_XE_MEM_ATTR_ATOMIC_ACCESS, DRM_SVM_XE_ATOMIC_ACCESS_DEVICE);
}

static void xe_pat_of_four_bytes(struct nl_msg *msg)
{
	u32(msg, DRM_SVM_A_XE_MEM_ATTR_ATOMIC_ACCESS, DRM_SVM_XE_ATOMIC_ACCESS_DEVICE);
	u32(msg, DRM_SVM_A_XE_MEM_ATTR_PAT_INDEX, 3);	/* a u32 where a u16 belongs */
}

/* Bytes that are no attribute: a header claiming more than the nest holds. */
static void xe_garbage(struct nl_msg *msg)
{
	static const unsigned char bytes[] = { 0xff, 0x7f, 0x01, 0x00, 0xde, 0xad };

	assert_int_equal(nlmsg_append(msg, (void *)bytes, sizeof(bytes), NLA_ALIGNTO), 0);
}

static void test_mem_attr_xe_nest_errors(void **state)
{
	struct nl_msg *msg;

	expect_xe_nest_error(xe_without_atomic, "attribute atomic-access is missing");
	expect_xe_nest_error(xe_without_pat, "attribute pat-index is missing");
	expect_xe_nest_error(xe_pat_of_four_bytes, "attribute pat-index has 4 bytes, expected 2");
	expect_xe_nest_error(xe_garbage, "attribute atomic-access is missing");
	/* An xe attribute that is no nest at all. */
	msg = mem_attr_core_msg(1, 3, 0x1000, 0x2000, 0, 0, 0, 0);
	u32(msg, DRM_SVM_A_MEM_ATTR_XE, DRM_SVM_XE_ATOMIC_ACCESS_DEVICE);
	expect_mem_attr_error(msg, "attribute atomic-access is missing");
}

#define BEFORE_JSON "{\"kind\":\"cpu_mirror\",\"preferred_location\":\"system\"," \
	"\"preferred_pagemap\":null,\"migration_policy\":\"all_pages\"," \
	"\"atomic_access\":\"global\",\"pat_index\":3,\"purgeable\":null}"

/* A reset whose nest holds @bad instead of a proper one: the error names it. */
static void expect_reset_error(void (*bad)(struct nl_msg *msg), const char *needle)
{
	struct nl_msg *msg = vm_msg(1, 3, 4242, "svm-stream", 28);
	struct xesvm_error err = { 0 };
	struct nlattr *nest = nla_nest_start(msg, DRM_SVM_A_VM_ATTR_RESETS);
	json_t *vm;

	assert_non_null(nest);
	bad(msg);
	assert_int_equal(nla_nest_end(msg, nest), 0);
	assert_int_equal(xesvm_nl_decode_vm(hdr(msg), &map, &vm, &err), -1);
	if (!strstr(err.msg, needle))
		fail_msg("\"%s\" not in \"%s\"", needle, err.msg);
	nlmsg_free(msg);
}

static void reset_window(struct nl_msg *msg, uint64_t start, uint64_t end)
{
	uint_put(msg, DRM_SVM_A_ATTR_RESET_START, start);
	uint_put(msg, DRM_SVM_A_ATTR_RESET_END, end);
	uint_put(msg, DRM_SVM_A_ATTR_RESET_TIMESTAMP, 1);
}

static void reset_without_before(struct nl_msg *msg)
{
	reset_window(msg, 0x1000, 0x2000);
}

static void reset_backwards(struct nl_msg *msg)
{
	reset_window(msg, 0x2000, 0x1000);
	before_nest(msg, DRM_SVM_A_ATTR_RESET_BEFORE, 0);
}

static void reset_bad_before(struct nl_msg *msg)
{
	struct nlattr *before, *xe;

	reset_window(msg, 0x1000, 0x2000);
	before = nla_nest_start(msg, DRM_SVM_A_ATTR_RESET_BEFORE);
	u32(msg, DRM_SVM_A_MEM_ATTR_KIND, DRM_SVM_MEM_KIND_CPU_MIRROR);
	u32(msg, DRM_SVM_A_MEM_ATTR_PREFERRED_LOC, DRM_SVM_PREFERRED_LOC_SYSTEM);
	u32(msg, DRM_SVM_A_MEM_ATTR_MIGRATION_POLICY, 0);
	xe = nla_nest_start(msg, DRM_SVM_A_MEM_ATTR_XE);
	u32(msg, DRM_SVM_A_XE_MEM_ATTR_ATOMIC_ACCESS, 0);
	u32(msg, DRM_SVM_A_XE_MEM_ATTR_PAT_INDEX, 3);	/* a u32 where a u16 belongs */
	nla_nest_end(msg, xe);
	nla_nest_end(msg, before);
}

static void reset_unknown_value(struct nl_msg *msg)
{
	struct nlattr *before;

	reset_window(msg, 0x1000, 0x2000);
	before = nla_nest_start(msg, DRM_SVM_A_ATTR_RESET_BEFORE);
	u32(msg, DRM_SVM_A_MEM_ATTR_KIND, DRM_SVM_MEM_KIND_CPU_MIRROR);
	u32(msg, DRM_SVM_A_MEM_ATTR_PREFERRED_LOC, 9);
	u32(msg, DRM_SVM_A_MEM_ATTR_MIGRATION_POLICY, 0);
	xe_mem_attr_nest(msg, 0, 0, -1);
	nla_nest_end(msg, before);
}

/* The last attribute resets of a VM, in the order sent (newest first). */
static void test_vm_attr_resets(void **state)
{
	struct xesvm_error err = { 0 };
	struct nl_msg *msg = vm_msg(1, 3, 4242, "svm-stream", 28);
	struct nlattr *nest;
	json_t *vm;

	reset_nest(msg, 0x7f0000200000, 0x7f0000400000, true);
	reset_nest(msg, 0x1000, 0x2000, false);
	assert_int_equal(xesvm_nl_decode_vm(hdr(msg), &map, &vm, &err), 0);
	assert_json(json_object_get(vm, "attr_resets"),
		    "[{\"start\":139637978824704,\"end\":139637980921856,\"time_ns\":5000000000,"
		    "\"split\":true,\"before\":" BEFORE_JSON "},{\"start\":4096,\"end\":8192,"
		    "\"time_ns\":5000000000,\"split\":false,\"before\":" BEFORE_JSON "}]");
	json_decref(vm);
	nlmsg_free(msg);

	/* A reset on a provider without xe's attributes: they are null before it too. */
	msg = vm_msg(1, 3, 4242, "svm-stream", 28);
	nest = nla_nest_start(msg, DRM_SVM_A_VM_ATTR_RESETS);
	assert_non_null(nest);
	reset_window(msg, 0x1000, 0x2000);
	before_nest(msg, DRM_SVM_A_ATTR_RESET_BEFORE, -1);
	assert_int_equal(nla_nest_end(msg, nest), 0);
	assert_int_equal(xesvm_nl_decode_vm(hdr(msg), &map, &vm, &err), 0);
	assert_json(json_object_get(json_array_get(json_object_get(vm, "attr_resets"), 0), "before"),
		    "{\"kind\":\"cpu_mirror\",\"preferred_location\":\"system\","
		    "\"preferred_pagemap\":null,\"migration_policy\":\"all_pages\","
		    "\"atomic_access\":null,\"pat_index\":null,\"purgeable\":null}");
	json_decref(vm);
	nlmsg_free(msg);

	expect_reset_error(reset_without_before, "attribute before is missing");
	expect_reset_error(reset_backwards, "reset end 0x1000 is not above its start 0x2000");
	expect_reset_error(reset_bad_before, "attribute pat-index has 4 bytes, expected 2");
	expect_reset_error(reset_unknown_value, "attribute preferred-loc: unknown value 9");
}

static void test_vm_object(void **state)
{
	struct xesvm_error err = { 0 };
	struct nl_msg *msg = vm_msg(1, 3, 4242, "svm-stream", 28);
	json_t *vm;

	assert_int_equal(xesvm_nl_decode_vm(hdr(msg), &map, &vm, &err), 0);
	assert_json(vm, "{\"device\":0,\"vm\":3,\"pid\":4242,\"comm\":\"svm-stream\",\"client_id\":7,"
		    "\"start\":0,\"end\":140737488355328,\"num_vmas\":null,\"num_ranges\":28,"
		    "\"gpusvm_id\":43,\"driver_handle\":null,\"notifiers\":2,\"devmem_pages\":1,"
		    "\"generation\":9,\"attr_resets\":[]}");
	json_decref(vm);
	nlmsg_free(msg);

	/* Owner not visible in our pid namespace, exited (no comm), odd bytes. */
	msg = vm_msg(2, 4, 0, "", 0);
	assert_int_equal(xesvm_nl_decode_vm(hdr(msg), &map, &vm, &err), 0);
	assert_true(json_is_null(json_object_get(vm, "pid")));
	assert_true(json_is_null(json_object_get(vm, "comm")));
	json_decref(vm);
	nlmsg_free(msg);
	msg = vm_msg(2, 4, 5, "a\xff\x01z", 0);
	assert_int_equal(xesvm_nl_decode_vm(hdr(msg), &map, &vm, &err), 0);
	assert_string_equal(json_string_value(json_object_get(vm, "comm")), "a??z");
	json_decref(vm);
	nlmsg_free(msg);

	/* A comm without its NUL. */
	msg = genl(DRM_SVM_CMD_VM_GET);
	assert_int_equal(nla_put(msg, DRM_SVM_A_VM_COMM, 3, "abc"), 0);
	assert_int_equal(xesvm_nl_decode_vm(hdr(msg), &map, &vm, &err), -1);
	assert_non_null(strstr(err.msg, "attribute comm is not a NUL-terminated string"));
	nlmsg_free(msg);
}

static void test_pagemap_stats(void **state)
{
	struct xesvm_error err = { 0 };
	struct nl_msg *msg = pagemap_msg(1, 2, 1ULL << 36, true);
	json_t *pm;

	assert_int_equal(xesvm_nl_decode_pagemap(hdr(msg), &map, &pm, &err), 0);
	assert_json(pm, "{\"device\":0,\"id\":2,\"name\":\"pagemap2\",\"region\":null,"
		    "\"size_bytes\":68719476736,\"stats\":{"
		    "\"to_device\":{\"count\":101,\"pages\":102,\"bytes\":103,\"fail_enomem\":104,"
		    "\"fail_ebusy\":105,\"fail_efault\":106,\"fail_other\":107},"
		    "\"to_ram\":{\"count\":201,\"pages\":202,\"bytes\":203,\"fail_enomem\":204,"
		    "\"fail_ebusy\":205,\"fail_efault\":206,\"fail_other\":207},"
		    "\"cpu_faults\":31,\"cpu_faults_deferred\":32,\"evictions\":33,"
		    "\"device_pages_in_use\":34},\"stats_enabled\":true}");
	json_decref(pm);
	nlmsg_free(msg);

	/* Size 0 is "not known"; no statistics: every counter null. */
	msg = pagemap_msg(2, 7, 0, false);
	assert_int_equal(xesvm_nl_decode_pagemap(hdr(msg), &map, &pm, &err), 0);
	assert_json(pm, "{\"device\":5,\"id\":7,\"name\":\"pagemap7\",\"region\":null,"
		    "\"size_bytes\":null,\"stats\":{"
		    "\"to_device\":{\"count\":null,\"pages\":null,\"bytes\":null,\"fail_enomem\":null,"
		    "\"fail_ebusy\":null,\"fail_efault\":null,\"fail_other\":null},"
		    "\"to_ram\":{\"count\":null,\"pages\":null,\"bytes\":null,\"fail_enomem\":null,"
		    "\"fail_ebusy\":null,\"fail_efault\":null,\"fail_other\":null},"
		    "\"cpu_faults\":null,\"cpu_faults_deferred\":null,\"evictions\":null,"
		    "\"device_pages_in_use\":null},\"stats_enabled\":null}");
	json_decref(pm);
	nlmsg_free(msg);
}

static void test_pagemap_errors(void **state)
{
	struct xesvm_error err = { 0 };
	struct nlattr *nest, *inner;
	struct nl_msg *msg;
	json_t *pm;

	/* A u16 inside the nested migration statistics (a uint is 4 or 8 bytes). */
	msg = pagemap_msg(1, 2, 4096, false);
	nest = nla_nest_start(msg, DRM_SVM_A_PAGEMAP_STATS);
	inner = nla_nest_start(msg, DRM_SVM_A_PAGEMAP_STATS_TO_RAM);
	assert_int_equal(nla_put_u16(msg, DRM_SVM_A_MIGRATE_STATS_PAGES, 1), 0);
	nla_nest_end(msg, inner);
	nla_nest_end(msg, nest);
	assert_int_equal(xesvm_nl_decode_pagemap(hdr(msg), &map, &pm, &err), -1);
	assert_non_null(strstr(err.msg, "attribute pages has 2 bytes, expected 4 or 8"));
	nlmsg_free(msg);

	memset(&err, 0, sizeof(err));
	msg = pagemap_msg(1, 2, 4096, false);
	nest = nla_nest_start(msg, DRM_SVM_A_PAGEMAP_STATS);
	assert_int_equal(nla_put_u8(msg, DRM_SVM_A_PAGEMAP_STATS_ENABLED, 2), 0);
	nla_nest_end(msg, nest);
	assert_int_equal(xesvm_nl_decode_pagemap(hdr(msg), &map, &pm, &err), -1);
	assert_non_null(strstr(err.msg, "attribute enabled: 2 is not 0 or 1"));
	nlmsg_free(msg);
}

static struct nl_msg *event_msg(uint32_t type, uint32_t dev_id)
{
	struct nl_msg *msg = genl(DRM_SVM_CMD_EVENT_NTF);

	u32(msg, DRM_SVM_A_EVENT_TYPE, type);
	u32(msg, DRM_SVM_A_EVENT_DEV_ID, dev_id);
	uint_put(msg, DRM_SVM_A_EVENT_VM_ID, 3);
	u32(msg, DRM_SVM_A_EVENT_PID, 4242);
	uint_put(msg, DRM_SVM_A_EVENT_TIMESTAMP, 1823345512000);
	uint_put(msg, DRM_SVM_A_EVENT_START, 0x200000);
	uint_put(msg, DRM_SVM_A_EVENT_END, 0x400000);
	if (type == DRM_SVM_EVENT_TYPE_MIGRATE || type == DRM_SVM_EVENT_TYPE_GPU_FAULT ||
	    type == DRM_SVM_EVENT_TYPE_MEM_ATTR)
		u32(msg, DRM_SVM_A_EVENT_PAGEMAP_ID, 1);
	if (type == DRM_SVM_EVENT_TYPE_MIGRATE) {
		u32(msg, DRM_SVM_A_EVENT_DIRECTION, DRM_SVM_MIGRATE_DIRECTION_TO_RAM);
		u32(msg, DRM_SVM_A_EVENT_TRIGGER, DRM_SVM_MIGRATE_TRIGGER_EVICTION);
	}
	if (type == DRM_SVM_EVENT_TYPE_MIGRATE || type == DRM_SVM_EVENT_TYPE_GPU_FAULT)
		uint_put(msg, DRM_SVM_A_EVENT_PAGES, 512);
	if (type == DRM_SVM_EVENT_TYPE_GC)
		uint_put(msg, DRM_SVM_A_EVENT_RANGES, 2);
	if (type == DRM_SVM_EVENT_TYPE_ATTR_RESET) {
		assert_int_equal(nla_put_u8(msg, DRM_SVM_A_EVENT_SPLIT, 1), 0);
		before_nest(msg, DRM_SVM_A_EVENT_BEFORE, 3);
	}
	assert_int_equal(nla_put_s32(msg, DRM_SVM_A_EVENT_RESULT,
				     type == DRM_SVM_EVENT_TYPE_MIGRATE ? -EBUSY :
				     type == DRM_SVM_EVENT_TYPE_VM_KILLED ? -ENOMEM : 0), 0);
	return msg;
}

static void test_event_each_type(void **state)
{
	static const char *const expected[] = {
		[DRM_SVM_EVENT_TYPE_GPU_FAULT] = "\"type\":\"fault\",\"device\":0,\"vm\":3,\"pid\":4242,"
			"\"start\":2097152,\"end\":4194304,\"seq\":null,\"pagemap\":1,\"pages\":512,\"result\":0}",
		[DRM_SVM_EVENT_TYPE_MIGRATE] = "\"type\":\"migrate\",\"device\":0,\"vm\":3,\"pid\":4242,"
			"\"start\":2097152,\"end\":4194304,\"seq\":null,\"pagemap\":1,\"direction\":\"to_ram\","
			"\"trigger\":\"eviction\",\"pages\":512,\"result\":16}",
		[DRM_SVM_EVENT_TYPE_INVALIDATE] = "\"type\":\"invalidate\",\"device\":0,\"vm\":3,"
			"\"pid\":4242,\"start\":2097152,\"end\":4194304,\"seq\":null,\"result\":0}",
		[DRM_SVM_EVENT_TYPE_UNMAP] = "\"type\":\"unmap\",\"device\":0,\"vm\":3,\"pid\":4242,"
			"\"start\":2097152,\"end\":4194304,\"seq\":null,\"result\":0}",
		[DRM_SVM_EVENT_TYPE_GC] = "\"type\":\"gc\",\"device\":0,\"vm\":3,\"pid\":4242,"
			"\"start\":2097152,\"end\":4194304,\"seq\":null,\"ranges\":2,\"result\":0}",
		[DRM_SVM_EVENT_TYPE_MEM_ATTR] = "\"type\":\"madvise\",\"device\":0,\"vm\":3,"
			"\"pid\":4242,\"start\":2097152,\"end\":4194304,\"seq\":null,\"pagemap\":1,\"result\":0}",
		[DRM_SVM_EVENT_TYPE_ATTR_RESET] = "\"type\":\"attr_reset\",\"device\":0,\"vm\":3,"
			"\"pid\":4242,\"start\":2097152,\"end\":4194304,\"seq\":null,\"split\":true,"
			"\"before\":" BEFORE_JSON ",\"result\":0}",
		[DRM_SVM_EVENT_TYPE_VM_KILLED] = "\"type\":\"vm_killed\",\"device\":0,\"vm\":3,"
			"\"pid\":4242,\"start\":2097152,\"end\":4194304,\"seq\":null,\"result\":12}",
	};
	uint32_t type;

	for (type = 0; type <= DRM_SVM_EVENT_TYPE_VM_KILLED; type++) {
		struct xesvm_error err = { 0 };
		struct nl_msg *msg = event_msg(type, 1);
		bool unknown = true;
		char want[512];
		json_t *ev;

		assert_int_equal(xesvm_nl_decode_event(hdr(msg), &map, &ev, &unknown, &err), 0);
		assert_false(unknown);
		snprintf(want, sizeof(want), "{\"time_ns\":1823345512000,%s", expected[type]);
		assert_json(ev, want);
		json_decref(ev);
		nlmsg_free(msg);
	}
}

/*
 * A migrate event of a CPU fault says how many faults the timeslice
 * deferred (null from a kernel that does not count them); the key is
 * absent for the other triggers (test_event_each_type).
 */
static void test_event_cpu_fault_deferred(void **state)
{
	static const char *const expected[] = {
		"{\"time_ns\":1,\"type\":\"migrate\",\"device\":0,\"vm\":3,\"pid\":null,"
		"\"start\":null,\"end\":null,\"seq\":null,\"pagemap\":null,\"direction\":\"to_ram\","
		"\"trigger\":\"cpu_fault\",\"pages\":16,\"cpu_faults_deferred\":174426,\"result\":0}",
		"{\"time_ns\":1,\"type\":\"migrate\",\"device\":0,\"vm\":3,\"pid\":null,"
		"\"start\":null,\"end\":null,\"seq\":null,\"pagemap\":null,\"direction\":\"to_ram\","
		"\"trigger\":\"cpu_fault\",\"pages\":16,\"cpu_faults_deferred\":null,\"result\":0}",
	};

	for (int with = 1; with >= 0; with--) {
		struct xesvm_error err = { 0 };
		struct nl_msg *msg = genl(DRM_SVM_CMD_EVENT_NTF);
		bool unknown = true;
		json_t *ev;

		u32(msg, DRM_SVM_A_EVENT_TYPE, DRM_SVM_EVENT_TYPE_MIGRATE);
		u32(msg, DRM_SVM_A_EVENT_DEV_ID, 1);
		u32(msg, DRM_SVM_A_EVENT_VM_ID, 3);
		uint_put(msg, DRM_SVM_A_EVENT_TIMESTAMP, 1);
		u32(msg, DRM_SVM_A_EVENT_DIRECTION, DRM_SVM_MIGRATE_DIRECTION_TO_RAM);
		u32(msg, DRM_SVM_A_EVENT_TRIGGER, DRM_SVM_MIGRATE_TRIGGER_CPU_FAULT);
		uint_put(msg, DRM_SVM_A_EVENT_PAGES, 16);
		if (with)
			uint_put(msg, DRM_SVM_A_EVENT_CPU_FAULTS_DEFERRED, 174426);
		assert_int_equal(nla_put_s32(msg, DRM_SVM_A_EVENT_RESULT, 0), 0);
		assert_int_equal(xesvm_nl_decode_event(hdr(msg), &map, &ev, &unknown, &err), 0);
		assert_json(ev, expected[!with]);
		json_decref(ev);
		nlmsg_free(msg);
	}
}

static void test_event_errors(void **state)
{
	struct xesvm_error err = { 0 };
	struct nl_msg *msg;
	bool unknown;
	json_t *ev;

	msg = event_msg(DRM_SVM_EVENT_TYPE_VM_KILLED + 1, 1);
	assert_int_equal(xesvm_nl_decode_event(hdr(msg), &map, &ev, &unknown, &err), -1);
	assert_non_null(strstr(err.msg, "attribute type: unknown value 8"));
	nlmsg_free(msg);

	/* Unknown dev-id: device null, and the caller is told. */
	msg = event_msg(DRM_SVM_EVENT_TYPE_UNMAP, 77);
	assert_int_equal(xesvm_nl_decode_event(hdr(msg), &map, &ev, &unknown, &err), 0);
	assert_true(unknown);
	assert_true(json_is_null(json_object_get(ev, "device")));
	json_decref(ev);
	nlmsg_free(msg);

	/* A migrate event with a direction from the future. */
	memset(&err, 0, sizeof(err));
	msg = genl(DRM_SVM_CMD_EVENT_NTF);
	u32(msg, DRM_SVM_A_EVENT_TYPE, DRM_SVM_EVENT_TYPE_MIGRATE);
	uint_put(msg, DRM_SVM_A_EVENT_TIMESTAMP, 1);
	u32(msg, DRM_SVM_A_EVENT_DIRECTION, 2);
	assert_int_equal(xesvm_nl_decode_event(hdr(msg), &map, &ev, &unknown, &err), -1);
	assert_non_null(strstr(err.msg, "attribute direction: unknown value 2"));
	nlmsg_free(msg);

	memset(&err, 0, sizeof(err));
	msg = genl(DRM_SVM_CMD_EVENT_NTF);
	u32(msg, DRM_SVM_A_EVENT_TYPE, DRM_SVM_EVENT_TYPE_GC);
	assert_int_equal(xesvm_nl_decode_event(hdr(msg), &map, &ev, &unknown, &err), -1);
	assert_non_null(strstr(err.msg, "attribute timestamp is missing"));
	nlmsg_free(msg);
}

/* ------------------------------------------------------------------ */
/* VM ids                                                              */
/* ------------------------------------------------------------------ */

/* VM id 2^32 + 3: what a truncation to 32 bits would take for vm 3. */
#define BIG_VM 0x100000003ULL

/* An event of type gc on card0 about VM @vm. */
static struct nl_msg *vm_event_msg(uint64_t vm)
{
	struct nl_msg *msg = genl(DRM_SVM_CMD_EVENT_NTF);

	u32(msg, DRM_SVM_A_EVENT_TYPE, DRM_SVM_EVENT_TYPE_GC);
	u32(msg, DRM_SVM_A_EVENT_DEV_ID, 1);
	uint_put(msg, DRM_SVM_A_EVENT_VM_ID, vm);
	uint_put(msg, DRM_SVM_A_EVENT_TIMESTAMP, 1);
	return msg;
}

/*
 * vm-id is a uint the kernel never reuses: past 32 bits it takes 8 bytes,
 * and every decoder keeps all of them. The driver's own handle is
 * "driver_handle", next to gpusvm_id.
 */
static void test_vm_ids_of_64_bits(void **state)
{
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	struct xesvm_error err = { 0 };
	struct nl_msg *msg = vm_msg(1, BIG_VM, 4242, "svm-stream", 28);
	struct xesvm_range r;
	bool unknown;
	json_t *obj;

	u32(msg, DRM_SVM_A_VM_DRIVER_HANDLE, 3);
	assert_int_equal(nla_len(nlmsg_find_attr((struct nlmsghdr *)hdr(msg), GENL_HDRLEN,
						 DRM_SVM_A_VM_VM_ID)), 8);
	assert_int_equal(xesvm_nl_decode_vm(hdr(msg), &map, &obj, &err), 0);
	assert_json(obj, "{\"device\":0,\"vm\":4294967299,\"pid\":4242,\"comm\":\"svm-stream\","
		    "\"client_id\":7,\"start\":0,\"end\":140737488355328,\"num_vmas\":null,"
		    "\"num_ranges\":28,\"gpusvm_id\":4294967339,\"driver_handle\":3,\"notifiers\":2,"
		    "\"devmem_pages\":1,\"generation\":9,\"attr_resets\":[]}");
	json_decref(obj);
	nlmsg_free(msg);

	msg = range_msg(2, BIG_VM, 0x1000, 0x2000, 0, -1);
	assert_int_equal(xesvm_nl_decode_range(hdr(msg), &map, &r, sets, &err), 0);
	assert_int_equal(r.vm, BIG_VM);
	nlmsg_free(msg);

	msg = mem_attr_msg(1, BIG_VM, 0x1000, 0x2000, 0, 0, 0, 0, 0, 0, 0);
	assert_int_equal(xesvm_nl_decode_mem_attr(hdr(msg), &map, &obj, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(obj, "vm")), BIG_VM);
	json_decref(obj);
	nlmsg_free(msg);

	msg = vm_event_msg(BIG_VM);
	assert_int_equal(xesvm_nl_decode_event(hdr(msg), &map, &obj, &unknown, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(obj, "vm")), BIG_VM);
	json_decref(obj);
	nlmsg_free(msg);
	assert_int_equal(err.status, XESVM_OK);
}

/* A vm-id the model's int64 cannot hold is refused, by name, wherever it comes. */
static void test_vm_id_above_int64_max(void **state)
{
	const uint64_t id = (uint64_t)INT64_MAX + 1;
	struct xesvm_error err = { 0 };
	struct nl_msg *msg = vm_msg(1, id, 4242, "svm-stream", 28);
	json_t *obj = (json_t *)1;
	bool unknown;

	assert_int_equal(xesvm_nl_decode_vm(hdr(msg), &map, &obj, &err), -1);
	assert_null(obj);
	assert_int_equal(err.status, XESVM_E_SYSTEM);
	assert_int_equal(err.sys_errno, EPROTO);
	assert_string_equal(err.msg, "drm-svm vm-get reply: attribute vm-id: 9223372036854775808 is "
			    "above 2^63-1 (the kernel speaks a drm-svm this xesvm cannot read)");
	nlmsg_free(msg);

	expect_range_error(range_msg(1, id, 0x1000, 0x2000, 0, -1),
			   "drm-svm range-get reply: attribute vm-id: 9223372036854775808 is above 2^63-1");
	expect_mem_attr_error(mem_attr_msg(1, UINT64_MAX, 0x1000, 0x2000, 0, 0, 0, 0, 0, 0, 0),
			      "drm-svm mem-attr-get reply: attribute vm-id: 18446744073709551615 is "
			      "above 2^63-1");

	memset(&err, 0, sizeof(err));
	msg = vm_event_msg(id);
	assert_int_equal(xesvm_nl_decode_event(hdr(msg), &map, &obj, &unknown, &err), -1);
	assert_string_equal(err.msg, "drm-svm event: attribute vm-id: 9223372036854775808 is above "
			    "2^63-1 (the kernel speaks a drm-svm this xesvm cannot read)");
	nlmsg_free(msg);
}

static void test_migrate_and_gc_replies(void **state)
{
	struct xesvm_migrate_result res;
	struct xesvm_error err = { 0 };
	struct nl_msg *msg = genl(DRM_SVM_CMD_MIGRATE);
	struct xesvm_gc_result gc;

	u32(msg, DRM_SVM_A_MIGRATE_DEV_ID, 1);
	u32(msg, DRM_SVM_A_MIGRATE_VM_ID, 3);
	uint_put(msg, DRM_SVM_A_MIGRATE_RANGES, 5);
	uint_put(msg, DRM_SVM_A_MIGRATE_RANGES_FAILED, 1);
	uint_put(msg, DRM_SVM_A_MIGRATE_PAGES, 2048);
	assert_int_equal(nla_put_s32(msg, DRM_SVM_A_MIGRATE_FIRST_ERROR, -ENOMEM), 0);
	uint_put(msg, DRM_SVM_A_MIGRATE_FIRST_ERROR_ADDR, 0x7f0000600000);
	assert_int_equal(xesvm_nl_decode_migrate(hdr(msg), &res, &err), 0);
	assert_int_equal(res.ranges, 5);
	assert_int_equal(res.ranges_failed, 1);
	assert_int_equal(res.pages, 2048);
	assert_int_equal(res.first_error, -ENOMEM);
	assert_int_equal(res.first_error_addr, 0x7f0000600000);
	nlmsg_free(msg);

	msg = genl(DRM_SVM_CMD_GC);
	uint_put(msg, DRM_SVM_A_GC_RANGES, 3);
	uint_put(msg, DRM_SVM_A_GC_BYTES, 3 << 21);
	uint_put(msg, DRM_SVM_A_GC_ATTR_RESETS, 2);
	assert_int_equal(xesvm_nl_decode_gc(hdr(msg), &gc, &err), 0);
	assert_int_equal(gc.ranges, 3);
	assert_int_equal(gc.bytes, 3 << 21);
	assert_int_equal(gc.attr_resets, 2);
	nlmsg_free(msg);

	msg = genl(DRM_SVM_CMD_GC);
	uint_put(msg, DRM_SVM_A_GC_RANGES, 3);
	assert_int_equal(xesvm_nl_decode_gc(hdr(msg), &gc, &err), -1);
	assert_non_null(strstr(err.msg, "drm-svm gc reply: attribute bytes is missing"));
	nlmsg_free(msg);
}

/* ------------------------------------------------------------------ */
/* Extended ACKs                                                       */
/* ------------------------------------------------------------------ */

/* A migrate request like the one xesvm_nl_migrate() sends. */
static struct nl_msg *migrate_request(void)
{
	struct nl_msg *msg = genl(DRM_SVM_CMD_MIGRATE);

	nlmsg_hdr(msg)->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	u32(msg, DRM_SVM_A_MIGRATE_DEV_ID, 1);
	u32(msg, DRM_SVM_A_MIGRATE_VM_ID, 3);
	uint_put(msg, DRM_SVM_A_MIGRATE_START, 0x1000);
	uint_put(msg, DRM_SVM_A_MIGRATE_END, 0x2800);
	u32(msg, DRM_SVM_A_MIGRATE_TARGET, DRM_SVM_MIGRATE_TARGET_SYSTEM);
	return msg;
}

static void ack_error_text(struct nl_msg *reply, const struct nlmsghdr *req,
			   enum xesvm_nl_set set, bool user, struct xesvm_error *err)
{
	struct xesvm_nl_ack ack;

	memset(err, 0, sizeof(*err));
	assert_int_equal(xesvm_nl_parse_ack(hdr(reply), req, &ack, err), 0);
	xesvm_nl_ack_error(&ack, set, "vm 3 of device 0", user, err);
	nlmsg_free(reply);
}

static void test_extack_attribute_named(void **state)
{
	struct nl_msg *req = migrate_request();
	struct xesvm_error err;
	int capped;

	/* Capped or with the request echoed: the TLVs are found either way. */
	for (capped = 0; capped < 2; capped++) {
		ack_error_text(error_msg(-EINVAL, hdr(req), capped, "end is not page aligned",
					 DRM_SVM_A_MIGRATE_END, -1), hdr(req),
			       XESVM_NL_SET_MIGRATE, true, &err);
		assert_string_equal(err.msg, "vm 3 of device 0: invalid argument; kernel: end is not "
				    "page aligned (attribute end)");
		assert_int_equal(err.status, XESVM_E_USAGE);
		assert_int_equal(err.sys_errno, EINVAL);
	}
	nlmsg_free(req);
}

static void test_extack_permissions(void **state)
{
	struct nl_msg *req = migrate_request();
	struct xesvm_error err;

	ack_error_text(error_msg(-EACCES, hdr(req), true,
				 "no ptrace read access to the VM's process",
				 DRM_SVM_A_MIGRATE_VM_ID, -1), hdr(req), XESVM_NL_SET_MIGRATE,
		       true, &err);
	assert_string_equal(err.msg, "vm 3 of device 0: permission denied: reading another user's "
			    "VM needs ptrace read access (CAP_SYS_PTRACE or same user); kernel: no "
			    "ptrace read access to the VM's process (attribute vm-id)");
	assert_int_equal(err.status, XESVM_E_SYSTEM);
	assert_int_equal(err.sys_errno, EACCES);

	ack_error_text(error_msg(-EPERM, hdr(req), true, NULL, -1, -1), hdr(req),
		       XESVM_NL_SET_MIGRATE, true, &err);
	assert_string_equal(err.msg, "vm 3 of device 0: operation not permitted: changing a VM "
			    "needs CAP_SYS_NICE (and ptrace read access to its process)");
	assert_int_equal(err.status, XESVM_E_SYSTEM);

	ack_error_text(error_msg(-ESRCH, hdr(req), true, NULL, -1, -1), hdr(req),
		       XESVM_NL_SET_MIGRATE, true, &err);
	assert_string_equal(err.msg, "vm 3 of device 0: the process owning the VM has exited");

	ack_error_text(error_msg(-EOPNOTSUPP, hdr(req), true, "the device cannot migrate on request",
				 -1, -1), hdr(req), XESVM_NL_SET_MIGRATE, true, &err);
	assert_string_equal(err.msg, "vm 3 of device 0: operation not supported by the device's "
			    "driver; kernel: the device cannot migrate on request");

	/* Missing attribute (NL_REQ_ATTR_CHECK): named, no message. */
	ack_error_text(error_msg(-EINVAL, hdr(req), true, NULL, -1, DRM_SVM_A_MIGRATE_TARGET),
		       hdr(req), XESVM_NL_SET_MIGRATE, true, &err);
	assert_string_equal(err.msg, "vm 3 of device 0: invalid argument (missing attribute target)");

	/* "No such VM" is the user's mistake for a do, the kernel's state for a dump. */
	ack_error_text(error_msg(-ENOENT, hdr(req), true, "no such VM", DRM_SVM_A_MIGRATE_VM_ID, -1),
		       hdr(req), XESVM_NL_SET_MIGRATE, true, &err);
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_int_equal(err.sys_errno, ENOENT);
	ack_error_text(error_msg(-ENOENT, hdr(req), true, "no such VM", -1, -1), hdr(req),
		       XESVM_NL_SET_RANGE, false, &err);
	assert_int_equal(err.status, XESVM_E_SYSTEM);
	nlmsg_free(req);
}

static void test_extack_done_and_malformed(void **state)
{
	struct xesvm_error err = { 0 };
	struct xesvm_nl_ack ack;
	struct nl_msg *msg;

	/* A dump's error arrives in NLMSG_DONE, its message after the errno. */
	ack_error_text(done_msg(-EOPNOTSUPP, "the device does not report memory attributes"), NULL,
		       XESVM_NL_SET_MEM_ATTR, false, &err);
	assert_string_equal(err.msg, "vm 3 of device 0: operation not supported by the device's "
			    "driver; kernel: the device does not report memory attributes");

	/* A message with a newline and an escape stays one printable line. */
	ack_error_text(done_msg(-EIO, "bad\n\x1b[31mthing"), NULL, XESVM_NL_SET_RANGE, false, &err);
	assert_string_equal(err.msg, "vm 3 of device 0: Input/output error; kernel: bad??[31mthing");

	/* An offset outside the request is ignored, not followed. */
	msg = error_msg(-EINVAL, NULL, true, NULL, -1, -1);
	u32(msg, NLMSGERR_ATTR_OFFS, 4000);
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK_TLVS;
	assert_int_equal(xesvm_nl_parse_ack(hdr(msg), hdr(msg), &ack, &err), 0);
	assert_int_equal(ack.bad_attr, -1);
	nlmsg_free(msg);

	/* A positive error code is not an errno. */
	memset(&err, 0, sizeof(err));
	msg = error_msg(5, NULL, true, NULL, -1, -1);
	assert_int_equal(xesvm_nl_parse_ack(hdr(msg), NULL, &ack, &err), -1);
	assert_int_equal(err.sys_errno, EPROTO);
	nlmsg_free(msg);

	/* Truncated: the header of an NLMSG_ERROR without its payload. */
	memset(&err, 0, sizeof(err));
	msg = nlmsg_alloc_simple(NLMSG_ERROR, 0);
	assert_int_equal(xesvm_nl_parse_ack(hdr(msg), NULL, &ack, &err), -1);
	assert_non_null(strstr(err.msg, "truncated error message"));
	nlmsg_free(msg);
}

/* ------------------------------------------------------------------ */
/* The receive loop                                                    */
/* ------------------------------------------------------------------ */

struct counting {
	int messages;	/* reply messages since the last reset */
	int resets;
	int fail_at;	/* fail on this message (1-based), 0: never */
};

static int count_reply(const struct nlmsghdr *nlh, void *arg, struct xesvm_error *err)
{
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	struct counting *c = arg;
	struct xesvm_range r;

	if (xesvm_nl_decode_range(nlh, &map, &r, sets, err))
		return -1;
	if (++c->messages == c->fail_at) {
		xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO, "callback gave up");
		return -1;
	}
	return 0;
}

static void count_reset(void *arg)
{
	struct counting *c = arg;

	c->messages = 0;
	c->resets++;
}

static struct nl_msg *intr(struct nl_msg *msg)
{
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_DUMP_INTR;
	return msg;
}

/* One range dump of three ranges; @intr_from: first message marked, 0 none. */
static void queue_range_dump(struct fake *f, int intr_from)
{
	struct nl_msg *m[4];
	int i;

	for (i = 0; i < 3; i++) {
		m[i] = range_msg(1, 3, 0x200000 * (uint64_t)(i + 1), 0x200000 * (uint64_t)(i + 2),
				 DRM_SVM_RANGE_FLAGS_DMA_MAPPED, -1);
		if (intr_from && i + 1 >= intr_from)
			intr(m[i]);
	}
	m[3] = done_msg(0, NULL);
	if (intr_from)
		intr(m[3]);
	/* Two datagrams, as two dump parts. */
	fake_queue(f, false, 2, m[0], m[1]);
	fake_queue(f, false, 2, m[2], m[3]);
}

static void test_dump_intr_retried(void **state)
{
	struct fake f = { 0 };
	struct xesvm_nl *nl = fake_nl(&f);
	struct counting c = { 0 };
	const struct xesvm_nl_call call = {
		.set = XESVM_NL_SET_RANGE, .what = "vm 3 of device 0",
		.reply = count_reply, .reset = count_reset, .arg = &c,
	};
	struct xesvm_error err = { 0 };
	struct nl_msg *req = xesvm_nl_request_new(nl, DRM_SVM_CMD_RANGE_GET, true);

	queue_range_dump(&f, 2);	/* changed after the first range */
	queue_range_dump(&f, 1);
	queue_range_dump(&f, 0);
	assert_int_equal(xesvm_nl_call(nl, req, &call, &err), 0);
	assert_int_equal(err.status, XESVM_OK);
	assert_int_equal(f.nreq, 3);
	assert_int_equal(c.resets, 3);
	assert_int_equal(c.messages, 3);	/* only the clean attempt counts */
	assert_int_equal(f.next, f.n);
	/* Each attempt is a new request with a new sequence number. */
	assert_int_not_equal(((struct nlmsghdr *)f.reqs[0])->nlmsg_seq,
			     ((struct nlmsghdr *)f.reqs[2])->nlmsg_seq);
	assert_true(((struct nlmsghdr *)f.reqs[0])->nlmsg_flags & NLM_F_DUMP);
	nlmsg_free(req);
	xesvm_nl_close(nl);
	fake_free(&f);
}

static void test_dump_intr_gives_up(void **state)
{
	struct fake f = { 0 };
	struct xesvm_nl *nl = fake_nl(&f);
	struct counting c = { 0 };
	const struct xesvm_nl_call call = {
		.set = XESVM_NL_SET_RANGE, .what = "vm 3 of device 0",
		.reply = count_reply, .reset = count_reset, .arg = &c,
	};
	struct xesvm_error err = { 0 };
	struct nl_msg *req = xesvm_nl_request_new(nl, DRM_SVM_CMD_RANGE_GET, true);
	int i;

	for (i = 0; i < XESVM_NL_DUMP_ATTEMPTS + 1; i++)
		queue_range_dump(&f, 3);
	assert_int_equal(xesvm_nl_call(nl, req, &call, &err), -1);
	assert_int_equal(f.nreq, XESVM_NL_DUMP_ATTEMPTS);
	assert_int_equal(err.status, XESVM_E_SYSTEM);
	assert_int_equal(err.sys_errno, EAGAIN);
	assert_string_equal(err.msg, "vm 3 of device 0: inconsistent dump: the kernel's state changed "
			    "while it was read, 5 times in a row; try again");
	assert_int_equal(c.messages, 0);	/* reset after the last attempt too */
	nlmsg_free(req);
	xesvm_nl_close(nl);
	fake_free(&f);
}

static void test_stale_replies_and_draining(void **state)
{
	struct fake f = { 0 };
	struct xesvm_nl *nl = fake_nl(&f);
	struct counting c = { .fail_at = 1 };
	const struct xesvm_nl_call call = {
		.set = XESVM_NL_SET_RANGE, .what = "vm 3 of device 0",
		.reply = count_reply, .reset = count_reset, .arg = &c,
	};
	struct xesvm_error err = { 0 };
	struct nl_msg *req = xesvm_nl_request_new(nl, DRM_SVM_CMD_RANGE_GET, true);

	/* Left over from an earlier request (another seq): skipped, not decoded. */
	fake_queue(&f, true, 2, range_msg(1, 3, 0x1000, 0x2000, 0x80, -1), done_msg(-EIO, NULL));
	queue_range_dump(&f, 0);
	assert_int_equal(xesvm_nl_call(nl, req, &call, &err), -1);
	/* The callback's error, after the dump was read to its end. */
	assert_string_equal(err.msg, "callback gave up");
	assert_int_equal(f.next, f.n);

	/* The socket is idle again: the next request works. */
	c.fail_at = 0;
	memset(&err, 0, sizeof(err));
	queue_range_dump(&f, 0);
	assert_int_equal(xesvm_nl_call(nl, req, &call, &err), 0);
	assert_int_equal(c.messages, 3);

	/* A socket error ends the call with the errno. */
	memset(&err, 0, sizeof(err));
	fake_queue_errno(&f, ENOBUFS);
	assert_int_equal(xesvm_nl_call(nl, req, &call, &err), -1);
	assert_int_equal(err.sys_errno, ENOBUFS);
	assert_non_null(strstr(err.msg, "receive buffer overran"));
	nlmsg_free(req);
	xesvm_nl_close(nl);
	fake_free(&f);
}

static void test_garbage_datagram(void **state)
{
	struct fake f = { 0 };
	struct xesvm_nl *nl = fake_nl(&f);
	struct counting c = { 0 };
	const struct xesvm_nl_call call = {
		.set = XESVM_NL_SET_RANGE, .what = "vm 3 of device 0",
		.reply = count_reply, .reset = count_reset, .arg = &c,
	};
	struct xesvm_error err = { 0 };
	struct nl_msg *req = xesvm_nl_request_new(nl, DRM_SVM_CMD_RANGE_GET, true);
	struct nl_msg *msg = range_msg(1, 3, 0x1000, 0x2000, 0, -1);

	/* A length past the datagram: not read beyond it. */
	fake_queue(&f, false, 1, msg);
	((struct nlmsghdr *)f.dgrams[0].data)->nlmsg_len = 4096;
	assert_int_equal(xesvm_nl_call(nl, req, &call, &err), -1);
	assert_int_equal(err.sys_errno, EPROTO);
	assert_non_null(strstr(err.msg, "malformed netlink message"));
	nlmsg_free(req);
	xesvm_nl_close(nl);
	fake_free(&f);
}

/* ------------------------------------------------------------------ */
/* Gathering through the fake                                          */
/* ------------------------------------------------------------------ */

static void queue_devices(struct fake *f)
{
	fake_queue(f, false, 3, dev_msg(1, "0000:03:00.0", "xe", 0),
		   dev_msg(2, "vsvm.0", "vsvm", 5), done_msg(0, NULL));
}

static void test_gather_everything(void **state)
{
	struct fake f = { 0 };
	struct xesvm_nl *nl = fake_nl(&f);
	struct xesvm_model *m = model_with_card0();
	const struct xesvm_nl_scope scope = { .ranges = true, .mem_attrs = true, .pagemaps = true };
	struct xesvm_error err = { 0 };
	json_t *root = xesvm_model_root(m), *devices, *vms, *vmas, *notes;

	queue_devices(&f);
	/* vm-get: vm 3 on card0, vm 4 on card5, and one of an unknown dev-id. */
	fake_queue(&f, false, 4, vm_msg(1, 3, 4242, "svm-stream", 2), vm_msg(2, 4, 5170, "llama", 1),
		   vm_msg(9, 1, 1, "x", 0), done_msg(0, NULL));
	/* vm 3: two VMAs; ranges interrupted once, then clean. */
	fake_queue(&f, false, 3,
		   mem_attr_msg(1, 3, 0x1000, 0x200000, 0, 0, 0, 0, 0, 0, 0),
		   mem_attr_msg(1, 3, 0x200000, 0x400000, 0, 2, 1, 1, 1, 0, 0), done_msg(0, NULL));
	fake_queue(&f, false, 2, range_msg(1, 3, 0x200000, 0x400000, 0, -1),
		   intr(done_msg(0, NULL)));
	fake_queue(&f, false, 3, range_msg(1, 3, 0x200000, 0x400000, DRM_SVM_RANGE_FLAGS_DEVMEM |
					   DRM_SVM_RANGE_FLAGS_DMA_MAPPED, 1),
		   range_msg(1, 3, 0x400000, 0x600000, DRM_SVM_RANGE_FLAGS_DMA_MAPPED, -1),
		   done_msg(0, NULL));
	/* vm 4: the device reports no memory attributes; one range. */
	fake_queue(&f, false, 1, done_msg(-EOPNOTSUPP, "the device does not report memory attributes"));
	fake_queue(&f, false, 2, range_msg(2, 4, 0x10000, 0x20000, 0, -1), done_msg(0, NULL));
	fake_queue(&f, false, 3, pagemap_msg(1, 1, 1 << 30, true), pagemap_msg(2, 2, 0, false),
		   done_msg(0, NULL));

	assert_int_equal(xesvm_nl_gather(nl, m, &scope, &err), 0);
	assert_int_equal(err.status, XESVM_OK);
	assert_int_equal(f.next, f.n);

	devices = json_object_get(root, "devices");
	assert_int_equal(json_array_size(devices), 2);
	/* card0 kept what libdrm said and got the family's name. */
	assert_string_equal(json_string_value(json_object_get(json_array_get(devices, 0),
							      "card")), "/dev/dri/card0");
	assert_string_equal(json_string_value(json_object_get(json_array_get(devices, 0),
							      "name")), "0000:03:00.0");
	assert_json(json_array_get(devices, 1),
		    "{\"minor\":5,\"driver\":\"vsvm\",\"pci_bdf\":null,\"pci_id\":null,\"card\":null,"
		    "\"render\":null,\"memory_regions\":[],\"gts\":[],\"name\":\"vsvm.0\"}");
	assert_json(json_object_get(root, "sources"),
		    "{\"devices\":\"libdrm+netlink\",\"vms\":\"netlink\",\"vmas\":\"netlink\","
		    "\"ranges\":\"netlink\",\"pagemaps\":\"netlink\"}");

	vms = json_object_get(root, "vms");
	assert_int_equal(json_array_size(vms), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(vms, 0), "num_vmas")), 2);
	assert_true(json_is_null(json_object_get(json_array_get(vms, 1), "num_vmas")));
	vmas = json_object_get(root, "vmas");
	assert_int_equal(json_array_size(vmas), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(vmas, 1),
							      "preferred_location")), "pagemap");

	/* Only the clean attempt's ranges; the device of each is its minor. */
	assert_int_equal(xesvm_model_range_count(m), 3);
	assert_int_equal(xesvm_model_range(m, 0)->flags,
			 XESVM_RANGE_HAS_DEVMEM_PAGES | XESVM_RANGE_HAS_DMA_MAPPING);
	assert_int_equal(xesvm_range_get_pages(xesvm_model_range(m, 0), 0).pagemap, 1);
	assert_int_equal(xesvm_range_get_pages(xesvm_model_range(m, 1), 0).pagemap,
			 XESVM_PAGEMAP_NONE);
	assert_int_equal(xesvm_model_range(m, 2)->device, 5);
	assert_int_equal(xesvm_model_range(m, 2)->vm, 4);

	assert_int_equal(json_array_size(json_object_get(root, "pagemaps")), 2);
	notes = json_object_get(root, "notes");
	assert_true(contains(notes, "1 VM of a drm-svm device that appeared while gathering left out"));
	assert_true(contains(notes, "device 5 does not report memory attributes"));

	/* The requests: dev-get, vm-get, mem-attr-get + 2x range-get for vm 3, ... */
	assert_int_equal(f.nreq, 8);
	assert_int_equal(req_cmd(&f, 0), DRM_SVM_CMD_DEV_GET);
	assert_int_equal(req_cmd(&f, 1), DRM_SVM_CMD_VM_GET);
	assert_int_equal(req_cmd(&f, 2), DRM_SVM_CMD_MEM_ATTR_GET);
	assert_int_equal(nla_get_u32(req_attr(&f, 2, DRM_SVM_A_MEM_ATTR_DEV_ID)), 1);
	assert_int_equal(nla_get_u32(req_attr(&f, 2, DRM_SVM_A_MEM_ATTR_VM_ID)), 3);
	assert_int_equal(req_cmd(&f, 3), DRM_SVM_CMD_RANGE_GET);
	assert_null(req_attr(&f, 3, DRM_SVM_A_RANGE_START));	/* no window: the whole VM */
	assert_int_equal(req_cmd(&f, 4), DRM_SVM_CMD_RANGE_GET);
	assert_int_equal(nla_get_u32(req_attr(&f, 6, DRM_SVM_A_RANGE_DEV_ID)), 2);
	assert_int_equal(req_cmd(&f, 7), DRM_SVM_CMD_PAGEMAP_GET);

	/* What was gathered saves and loads back as a snapshot. */
	{
		char path[] = "/tmp/xesvm-nl-XXXXXX";
		int fd = mkstemp(path);
		struct xesvm_model *back = NULL;

		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(xesvm_snapshot_save(m, path, false, &err), 0);
		assert_int_equal(xesvm_snapshot_load(path, &back, &err), 0);
		assert_int_equal(xesvm_model_range_count(back), 3);
		assert_true(json_equal(json_object_get(xesvm_model_root(back), "vms"), vms));
		xesvm_model_free(back);
		unlink(path);
	}
	xesvm_model_free(m);
	xesvm_nl_close(nl);
	fake_free(&f);
}

/* mkdir -p */
static int mkdir_p(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	return system(cmd);
}

/* A device only the family knows (vsvm: libdrm lists no faux device) gets its nodes by minor. */
static void test_gather_family_device_nodes(void **state)
{
	char sysfs[] = "/tmp/xesvm-sysfs-XXXXXX", path[128];
	struct fake f = { 0 };
	struct xesvm_nl *nl = fake_nl(&f);
	struct xesvm_model *m = model_with_card0();
	const struct xesvm_nl_scope scope = { 0 };
	struct xesvm_error err = { 0 };
	json_t *devices;

	assert_non_null(mkdtemp(sysfs));
	/* <sysfs>/class/drm/card5 -> the device's drm/card5; its drm/ lists every node. */
	snprintf(path, sizeof(path), "%s/class/drm/card5/device/drm/card5", sysfs);
	assert_int_equal(mkdir_p(path), 0);
	snprintf(path, sizeof(path), "%s/class/drm/card5/device/drm/renderD133", sysfs);
	assert_int_equal(mkdir_p(path), 0);
	setenv("XESVM_SYSFS", sysfs, 1);

	queue_devices(&f);
	fake_queue(&f, false, 1, done_msg(0, NULL));
	assert_int_equal(xesvm_nl_gather(nl, m, &scope, &err), 0);
	devices = json_object_get(xesvm_model_root(m), "devices");
	assert_int_equal(json_array_size(devices), 2);
	assert_json(json_array_get(devices, 1),
		    "{\"minor\":5,\"driver\":\"vsvm\",\"pci_bdf\":null,\"pci_id\":null,"
		    "\"card\":\"/dev/dri/card5\",\"render\":\"/dev/dri/renderD133\","
		    "\"memory_regions\":[],\"gts\":[],\"name\":\"vsvm.0\"}");
	/* card0, which libdrm described, is left as it was. */
	assert_string_equal(json_string_value(json_object_get(json_array_get(devices, 0), "card")),
			    "/dev/dri/card0");

	unsetenv("XESVM_SYSFS");
	snprintf(path, sizeof(path), "rm -r '%s'", sysfs);
	assert_int_equal(system(path), 0);
	xesvm_model_free(m);
	xesvm_nl_close(nl);
	fake_free(&f);
}

static void test_gather_vm_gone_and_filter(void **state)
{
	struct fake f = { 0 };
	struct xesvm_nl *nl = fake_nl(&f);
	struct xesvm_model *m = model_with_card0();
	struct xesvm_filter filter;
	struct xesvm_nl_scope scope = { .filter = &filter, .ranges = true, .mem_attrs = true };
	struct xesvm_error err = { 0 };
	json_t *root = xesvm_model_root(m);

	/* Only pid 5170's VM, and only its ranges in [0x7000, 0x9001) -> pages. */
	xesvm_filter_init(&filter);
	filter.pid = 5170;
	filter.has_window = true;
	filter.start = 0x7000;
	filter.end = 0x9001;

	queue_devices(&f);
	fake_queue(&f, false, 4, vm_msg(1, 3, 4242, "a", 2), vm_msg(1, 4, 5170, "b", 1),
		   vm_msg(1, 5, 5170, "c", 1), done_msg(0, NULL));
	/* vm 4: VMAs read, then its ranges: the VM went away. */
	fake_queue(&f, false, 2, mem_attr_msg(1, 4, 0x1000, 0x200000, 0, 0, 0, 0, 0, 0, 0),
		   done_msg(0, NULL));
	fake_queue(&f, false, 2, range_msg(1, 4, 0x1000, 0x2000, 0, -1),
		   done_msg(-ENOENT, "no such VM"));
	/* vm 5: fine. */
	fake_queue(&f, false, 2, mem_attr_msg(1, 5, 0x1000, 0x200000, 0, 0, 0, 0, 0, 0, 0),
		   done_msg(0, NULL));
	fake_queue(&f, false, 2, range_msg(1, 5, 0x8000, 0x9000, 0, -1), done_msg(0, NULL));

	assert_int_equal(xesvm_nl_gather(nl, m, &scope, &err), 0);
	assert_int_equal(f.next, f.n);
	/* vm 3 listed without details; vm 4 left out with its VMAs; vm 5 complete. */
	assert_int_equal(json_array_size(json_object_get(root, "vms")), 2);
	assert_int_equal(json_integer_value(json_object_get(
		json_array_get(json_object_get(root, "vms"), 1), "vm")), 5);
	assert_int_equal(json_array_size(json_object_get(root, "vmas")), 1);
	assert_int_equal(xesvm_model_range_count(m), 1);
	assert_int_equal(xesvm_model_range(m, 0)->vm, 5);
	assert_true(contains(json_object_get(root, "notes"),
			     "vm 4 of device 0: not found (the VM or pagemap does not exist, or went "
			     "away); kernel: no such VM: the VM is left out"));
	assert_null(json_object_get(json_object_get(root, "sources"), "pagemaps"));
	/* The window went out page aligned. */
	assert_int_equal(nla_get_u64(req_attr(&f, 3, DRM_SVM_A_RANGE_START)), 0x7000);
	assert_int_equal(nla_get_u64(req_attr(&f, 3, DRM_SVM_A_RANGE_END)), 0xa000);
	xesvm_model_free(m);
	xesvm_nl_close(nl);
	fake_free(&f);
}

static void test_gather_error_is_reported(void **state)
{
	struct fake f = { 0 };
	struct xesvm_nl *nl = fake_nl(&f);
	struct xesvm_model *m = model_with_card0();
	struct xesvm_error err = { 0 };

	queue_devices(&f);
	fake_queue(&f, false, 2, vm_msg(1, 3, 4242, "a", 2), done_msg(0, NULL));
	fake_queue(&f, false, 2, mem_attr_msg(1, 3, 0x1000, 0x2000, 9, 0, 0, 0, 0, 0, 0),
		   done_msg(0, NULL));
	assert_int_equal(xesvm_nl_gather(nl, m, NULL, &err), -1);
	assert_int_equal(err.sys_errno, EPROTO);
	assert_non_null(strstr(err.msg, "attribute kind: unknown value 9"));
	xesvm_model_free(m);
	xesvm_nl_close(nl);
	fake_free(&f);
}

/* ------------------------------------------------------------------ */
/* Admin operations through the fake                                   */
/* ------------------------------------------------------------------ */

static void test_mem_attr_set_request(void **state)
{
	struct fake f = { 0 };
	struct xesvm_nl *nl = fake_nl(&f);
	const struct xesvm_nl_target t = { .minor = 5, .vm = 4 };
	const struct xesvm_attr_change chg = {
		.set = XESVM_ATTR_PREFERRED_LOC | XESVM_ATTR_PAT_INDEX,
		.preferred_loc = DRM_SVM_PREFERRED_LOC_PAGEMAP, .pagemap = 2, .pat_index = 7,
	};
	const struct xesvm_attr_change policy_only = {
		.set = XESVM_ATTR_MIGRATION_POLICY,
		.migration_policy = DRM_SVM_MIGRATION_POLICY_ONLY_SYSTEM_PAGES,
	};
	const struct xesvm_attr_change atomic_only = {
		.set = XESVM_ATTR_ATOMIC_ACCESS, .atomic_access = DRM_SVM_XE_ATOMIC_ACCESS_GLOBAL,
	};
	const struct xesvm_attr_change pat_only = { .set = XESVM_ATTR_PAT_INDEX, .pat_index = 7 };
	/* A window: no vm-get first. */
	const struct xesvm_nl_target window = { .minor = 5, .vm = 4, .start = 0x1000, .end = 0x3000 };
	struct nlattr *xtb[DRM_SVM_A_XE_MEM_ATTR_MAX + 1], *xe;
	struct xesvm_error err = { 0 };
	struct nl_msg *req, *reply;

	queue_devices(&f);
	/* Window 0/0: the VM's span comes from vm-get first. */
	fake_queue(&f, false, 2, vm_msg(2, 4, 1, "w", 0), error_msg(0, NULL, true, NULL, -1, -1));
	fake_queue(&f, false, 1, error_msg(0, NULL, true, NULL, -1, -1));
	assert_int_equal(xesvm_nl_mem_attr_set(nl, &t, &chg, &err), 0);
	assert_int_equal(f.nreq, 3);
	assert_int_equal(req_cmd(&f, 1), DRM_SVM_CMD_VM_GET);
	assert_false(((struct nlmsghdr *)f.reqs[1])->nlmsg_flags & NLM_F_DUMP);
	assert_int_equal(req_cmd(&f, 2), DRM_SVM_CMD_MEM_ATTR_SET);
	assert_true(((struct nlmsghdr *)f.reqs[2])->nlmsg_flags & NLM_F_ACK);
	assert_int_equal(nla_get_u32(req_attr(&f, 2, DRM_SVM_A_MEM_ATTR_DEV_ID)), 2);
	assert_int_equal(nla_get_u32(req_attr(&f, 2, DRM_SVM_A_MEM_ATTR_VM_ID)), 4);
	assert_int_equal(nla_get_u64(req_attr(&f, 2, DRM_SVM_A_MEM_ATTR_START)), 0);
	assert_int_equal(nla_get_u64(req_attr(&f, 2, DRM_SVM_A_MEM_ATTR_END)), 0x800000000000ULL);
	assert_int_equal(nla_get_u32(req_attr(&f, 2, DRM_SVM_A_MEM_ATTR_PREFERRED_LOC)),
			 DRM_SVM_PREFERRED_LOC_PAGEMAP);
	assert_int_equal(nla_get_u32(req_attr(&f, 2, DRM_SVM_A_MEM_ATTR_PAGEMAP_ID)), 2);
	assert_null(req_attr(&f, 2, DRM_SVM_A_MEM_ATTR_MIGRATION_POLICY));
	/* xe's attributes go in its nest, only those that change. */
	xe = req_attr(&f, 2, DRM_SVM_A_MEM_ATTR_XE);
	assert_non_null(xe);
	assert_true(xe->nla_type & NLA_F_NESTED);
	assert_int_equal(nla_parse_nested(xtb, DRM_SVM_A_XE_MEM_ATTR_MAX, xe, NULL), 0);
	assert_int_equal(nla_len(xtb[DRM_SVM_A_XE_MEM_ATTR_PAT_INDEX]), 2);
	assert_int_equal(nla_get_u16(xtb[DRM_SVM_A_XE_MEM_ATTR_PAT_INDEX]), 7);
	assert_null(xtb[DRM_SVM_A_XE_MEM_ATTR_ATOMIC_ACCESS]);
	assert_null(xtb[DRM_SVM_A_XE_MEM_ATTR_PURGEABLE]);

	/* No xe attribute to set: no nest, which a provider without them would refuse. */
	fake_queue(&f, false, 1, error_msg(0, NULL, true, NULL, -1, -1));
	assert_int_equal(xesvm_nl_mem_attr_set(nl, &window, &policy_only, &err), 0);
	assert_int_equal(f.nreq, 4);
	assert_int_equal(nla_get_u32(req_attr(&f, 3, DRM_SVM_A_MEM_ATTR_MIGRATION_POLICY)),
			 DRM_SVM_MIGRATION_POLICY_ONLY_SYSTEM_PAGES);
	assert_null(req_attr(&f, 3, DRM_SVM_A_MEM_ATTR_XE));

	/* Atomic access alone: the nest holds it and nothing else. */
	fake_queue(&f, false, 1, error_msg(0, NULL, true, NULL, -1, -1));
	assert_int_equal(xesvm_nl_mem_attr_set(nl, &window, &atomic_only, &err), 0);
	assert_int_equal(f.nreq, 5);
	assert_null(req_attr(&f, 4, DRM_SVM_A_MEM_ATTR_PREFERRED_LOC));
	assert_int_equal(nla_parse_nested(xtb, DRM_SVM_A_XE_MEM_ATTR_MAX,
					  req_attr(&f, 4, DRM_SVM_A_MEM_ATTR_XE), NULL), 0);
	assert_int_equal(nla_get_u32(xtb[DRM_SVM_A_XE_MEM_ATTR_ATOMIC_ACCESS]),
			 DRM_SVM_XE_ATOMIC_ACCESS_GLOBAL);
	assert_null(xtb[DRM_SVM_A_XE_MEM_ATTR_PAT_INDEX]);

	/* A value the kernel refuses inside the nest: named with its nest. */
	req = xesvm_nl_request_new(nl, DRM_SVM_CMD_MEM_ATTR_SET, false);
	u32(req, DRM_SVM_A_MEM_ATTR_DEV_ID, 2);
	u32(req, DRM_SVM_A_MEM_ATTR_VM_ID, 4);
	assert_int_equal(nla_put_u64(req, DRM_SVM_A_MEM_ATTR_START, 0x1000), 0);
	assert_int_equal(nla_put_u64(req, DRM_SVM_A_MEM_ATTR_END, 0x3000), 0);
	xe = nla_nest_start(req, DRM_SVM_A_MEM_ATTR_XE | NLA_F_NESTED);
	assert_int_equal(nla_put_u16(req, DRM_SVM_A_XE_MEM_ATTR_PAT_INDEX, 7), 0);
	assert_int_equal(nla_nest_end(req, xe), 0);
	assert_int_equal(nla_parse_nested(xtb, DRM_SVM_A_XE_MEM_ATTR_MAX, xe, NULL), 0);
	reply = error_msg(-EINVAL, hdr(req), true, "PAT index 7 is not valid on this device", -1, -1);
	u32(reply, NLMSGERR_ATTR_OFFS, (uint32_t)((char *)xtb[DRM_SVM_A_XE_MEM_ATTR_PAT_INDEX] -
						  (char *)hdr(req)));
	fake_queue(&f, false, 1, reply);
	nlmsg_free(req);
	assert_int_equal(xesvm_nl_mem_attr_set(nl, &window, &pat_only, &err), -1);
	assert_string_equal(err.msg, "vm 4 of device 5: invalid argument; kernel: PAT index 7 is "
			    "not valid on this device (attribute xe.pat-index)");
	assert_int_equal(err.status, XESVM_E_USAGE);
	memset(&err, 0, sizeof(err));

	/* The kernel refuses: its message and the attribute, verbatim. */
	req = xesvm_nl_request_new(nl, DRM_SVM_CMD_MEM_ATTR_SET, false);
	u32(req, DRM_SVM_A_MEM_ATTR_DEV_ID, 2);
	u32(req, DRM_SVM_A_MEM_ATTR_VM_ID, 4);
	/* Eight bytes each, as libxesvm sends them: the offset of end must match. */
	assert_int_equal(nla_put_u64(req, DRM_SVM_A_MEM_ATTR_START, 0x1000), 0);
	assert_int_equal(nla_put_u64(req, DRM_SVM_A_MEM_ATTR_END, 0x3000), 0);
	fake_queue(&f, false, 1, error_msg(-ERANGE, hdr(req), true,
					   "end is beyond the VM's address space",
					   DRM_SVM_A_MEM_ATTR_END, -1));
	nlmsg_free(req);
	{
		const struct xesvm_nl_target t2 = { .minor = 5, .vm = 4, .start = 0x1000, .end = 0x3000 };

		assert_int_equal(xesvm_nl_mem_attr_set(nl, &t2, &chg, &err), -1);
	}
	assert_string_equal(err.msg, "vm 4 of device 5: address window outside the VM's address "
			    "space; kernel: end is beyond the VM's address space (attribute end)");
	assert_int_equal(err.status, XESVM_E_USAGE);

	/* Nothing to set, or a device that is no provider: refused here. */
	memset(&err, 0, sizeof(err));
	{
		const struct xesvm_attr_change none = { 0 };

		assert_int_equal(xesvm_nl_mem_attr_set(nl, &t, &none, &err), -1);
		assert_int_equal(err.status, XESVM_E_USAGE);
	}
	memset(&err, 0, sizeof(err));
	queue_devices(&f);	/* the map is refreshed once for an unknown minor */
	{
		const struct xesvm_nl_target t3 = { .minor = 9, .vm = 1 };

		assert_int_equal(xesvm_nl_mem_attr_set(nl, &t3, &chg, &err), -1);
	}
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_int_equal(err.sys_errno, ENODEV);
	assert_int_equal(f.next, f.n);
	xesvm_nl_close(nl);
	fake_free(&f);
}

static void test_migrate_and_gc_calls(void **state)
{
	struct fake f = { 0 };
	struct xesvm_nl *nl = fake_nl(&f);
	const struct xesvm_nl_target t = { .minor = 0, .vm = 3, .start = 0x200000, .end = 0x600000 };
	struct xesvm_migrate_result res;
	struct xesvm_error err = { 0 };
	struct nl_msg *reply;
	struct xesvm_gc_result gc;

	queue_devices(&f);
	reply = genl(DRM_SVM_CMD_MIGRATE);
	uint_put(reply, DRM_SVM_A_MIGRATE_RANGES, 2);
	uint_put(reply, DRM_SVM_A_MIGRATE_RANGES_FAILED, 0);
	uint_put(reply, DRM_SVM_A_MIGRATE_PAGES, 1024);
	fake_queue(&f, false, 2, reply, error_msg(0, NULL, true, NULL, -1, -1));
	assert_int_equal(xesvm_nl_migrate(nl, &t, true, 1, &res, &err), 0);
	assert_int_equal(res.pages, 1024);
	assert_int_equal(res.ranges, 2);
	assert_int_equal(res.first_error, 0);
	assert_int_equal(nla_get_u32(req_attr(&f, 1, DRM_SVM_A_MIGRATE_TARGET)),
			 DRM_SVM_MIGRATE_TARGET_PAGEMAP);
	assert_int_equal(nla_get_u32(req_attr(&f, 1, DRM_SVM_A_MIGRATE_PAGEMAP_ID)), 1);
	assert_int_equal(nla_get_u64(req_attr(&f, 1, DRM_SVM_A_MIGRATE_START)), 0x200000);

	/* An ACK without the reply the operation promises. */
	fake_queue(&f, false, 1, error_msg(0, NULL, true, NULL, -1, -1));
	assert_int_equal(xesvm_nl_migrate(nl, &t, false, 0, &res, &err), -1);
	assert_non_null(strstr(err.msg, "acknowledged without a reply"));
	assert_null(req_attr(&f, 2, DRM_SVM_A_MIGRATE_PAGEMAP_ID));

	memset(&err, 0, sizeof(err));
	reply = genl(DRM_SVM_CMD_GC);
	uint_put(reply, DRM_SVM_A_GC_RANGES, 4);
	uint_put(reply, DRM_SVM_A_GC_BYTES, 4 << 21);
	uint_put(reply, DRM_SVM_A_GC_ATTR_RESETS, 1);
	fake_queue(&f, false, 2, reply, error_msg(0, NULL, true, NULL, -1, -1));
	assert_int_equal(xesvm_nl_gc(nl, &t, &gc, &err), 0);
	assert_int_equal(gc.ranges, 4);
	assert_int_equal(gc.bytes, 4 << 21);
	assert_int_equal(gc.attr_resets, 1);

	fake_queue(&f, false, 1, error_msg(-EPERM, NULL, true,
					   "changing another process's VM needs CAP_SYS_NICE", -1, -1));
	assert_int_equal(xesvm_nl_gc(nl, &t, &gc, &err), -1);
	assert_string_equal(err.msg, "vm 3 of device 0: operation not permitted: changing a VM needs "
			    "CAP_SYS_NICE (and ptrace read access to its process); kernel: changing "
			    "another process's VM needs CAP_SYS_NICE");
	assert_int_equal(err.sys_errno, EPERM);
	assert_int_equal(f.next, f.n);
	xesvm_nl_close(nl);
	fake_free(&f);
}

/* The vm-id of request @i (set by @type), which must take @len bytes. */
static uint64_t req_vm_id(const struct fake *f, size_t i, int type, int len)
{
	struct nlattr *a = req_attr(f, i, type);

	assert_non_null(a);
	assert_int_equal(nla_len(a), len);
	return len == 8 ? nla_get_u64(a) : nla_get_u32(a);
}

/*
 * A VM id past 32 bits goes out as the kernel's nla_put_uint() puts it,
 * in 8 bytes; one that fits, in 4: in the requests of admin operations
 * and in the vm-get that finds the span of a whole VM.
 */
static void test_requests_carry_64_bit_vm_ids(void **state)
{
	struct fake f = { 0 };
	struct xesvm_nl *nl = fake_nl(&f);
	const struct xesvm_nl_target big = { .minor = 0, .vm = BIG_VM }, small = { .minor = 0, .vm = 3 };
	const struct xesvm_attr_change chg = { .set = XESVM_ATTR_PAT_INDEX, .pat_index = 1 };
	struct xesvm_error err = { 0 };
	struct xesvm_gc_result gc;

	queue_devices(&f);
	for (int i = 0; i < 2; i++) {
		struct nl_msg *reply = genl(DRM_SVM_CMD_GC);

		uint_put(reply, DRM_SVM_A_GC_RANGES, 0);
		uint_put(reply, DRM_SVM_A_GC_BYTES, 0);
		uint_put(reply, DRM_SVM_A_GC_ATTR_RESETS, 0);
		fake_queue(&f, false, 2, reply, error_msg(0, NULL, true, NULL, -1, -1));
	}
	assert_int_equal(xesvm_nl_gc(nl, &big, &gc, &err), 0);
	assert_int_equal(req_vm_id(&f, 1, DRM_SVM_A_GC_VM_ID, 8), BIG_VM);
	assert_int_equal(xesvm_nl_gc(nl, &small, &gc, &err), 0);
	assert_int_equal(req_vm_id(&f, 2, DRM_SVM_A_GC_VM_ID, 4), 3);

	fake_queue(&f, false, 2, vm_msg(1, BIG_VM, 1, "w", 0), error_msg(0, NULL, true, NULL, -1, -1));
	fake_queue(&f, false, 1, error_msg(0, NULL, true, NULL, -1, -1));
	assert_int_equal(xesvm_nl_mem_attr_set(nl, &big, &chg, &err), 0);
	assert_int_equal(req_cmd(&f, 3), DRM_SVM_CMD_VM_GET);
	assert_int_equal(req_vm_id(&f, 3, DRM_SVM_A_VM_VM_ID, 8), BIG_VM);
	assert_int_equal(req_cmd(&f, 4), DRM_SVM_CMD_MEM_ATTR_SET);
	assert_int_equal(req_vm_id(&f, 4, DRM_SVM_A_MEM_ATTR_VM_ID, 8), BIG_VM);
	assert_int_equal(err.status, XESVM_OK);
	assert_int_equal(f.next, f.n);
	xesvm_nl_close(nl);
	fake_free(&f);
}

/*
 * Gathering a VM whose id is past 32 bits: its dumps ask for all 64 of
 * them, and a reply about vm 3 (its low 32 bits) is another VM's.
 */
static void test_gather_64_bit_vm_ids(void **state)
{
	struct fake f = { 0 };
	struct xesvm_nl *nl = fake_nl(&f);
	struct xesvm_model *m = model_with_card0();
	struct xesvm_filter filter;
	const struct xesvm_nl_scope scope = { .filter = &filter, .ranges = true, .mem_attrs = true };
	struct xesvm_error err = { 0 };
	json_t *root = xesvm_model_root(m);

	xesvm_filter_init(&filter);
	filter.vm = (int64_t)BIG_VM;
	queue_devices(&f);
	fake_queue(&f, false, 3, vm_msg(1, 3, 4242, "a", 1), vm_msg(1, BIG_VM, 4242, "a", 1),
		   done_msg(0, NULL));
	fake_queue(&f, false, 2, mem_attr_msg(1, BIG_VM, 0x1000, 0x200000, 0, 0, 0, 0, 0, 0, 0),
		   done_msg(0, NULL));
	fake_queue(&f, false, 2, range_msg(1, BIG_VM, 0x1000, 0x2000, 0, -1), done_msg(0, NULL));
	assert_int_equal(xesvm_nl_gather(nl, m, &scope, &err), 0);
	assert_int_equal(f.next, f.n);
	assert_int_equal(json_array_size(json_object_get(root, "vms")), 2);
	assert_int_equal(json_integer_value(json_object_get(
		json_array_get(json_object_get(root, "vmas"), 0), "vm")), BIG_VM);
	assert_int_equal(json_array_size(json_object_get(root, "vmas")), 1);
	assert_int_equal(xesvm_model_range_count(m), 1);
	assert_int_equal(xesvm_model_range(m, 0)->vm, BIG_VM);
	assert_int_equal(req_cmd(&f, 2), DRM_SVM_CMD_MEM_ATTR_GET);
	assert_int_equal(req_vm_id(&f, 2, DRM_SVM_A_MEM_ATTR_VM_ID, 8), BIG_VM);
	assert_int_equal(req_cmd(&f, 3), DRM_SVM_CMD_RANGE_GET);
	assert_int_equal(req_vm_id(&f, 3, DRM_SVM_A_RANGE_VM_ID, 8), BIG_VM);
	xesvm_model_free(m);

	m = model_with_card0();
	queue_devices(&f);
	fake_queue(&f, false, 2, vm_msg(1, BIG_VM, 4242, "a", 1), done_msg(0, NULL));
	fake_queue(&f, false, 2, mem_attr_msg(1, 3, 0x1000, 0x200000, 0, 0, 0, 0, 0, 0, 0),
		   done_msg(0, NULL));
	assert_int_equal(xesvm_nl_gather(nl, m, &scope, &err), -1);
	assert_string_equal(err.msg, "drm-svm: a reply for vm 4294967299 of device 0 named another VM");
	assert_int_equal(f.next, f.n);
	xesvm_model_free(m);
	xesvm_nl_close(nl);
	fake_free(&f);
}

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

/* The drop counter of one socket, by inode, from a /proc/net/netlink listing. */
static void test_socket_drops(void **state)
{
	static const char listing[] =
		"sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n"
		"0000000000000000 0   4194381    00000000 0        0        0     2        0        2431\n"
		"0000000000000000 16  381        00000004 213312   0        0     2        478      2437\n"
		"0000000000000000 16  0          00000000 0        0        0     2        0        17\n";
	uint64_t drops = 1;
	FILE *f = fmemopen((void *)listing, sizeof(listing) - 1, "r");

	assert_non_null(f);
	assert_int_equal(xesvm_nl_parse_socket_drops(f, 2437, &drops), 0);
	assert_int_equal(drops, 478);
	rewind(f);
	assert_int_equal(xesvm_nl_parse_socket_drops(f, 2431, &drops), 0);
	assert_int_equal(drops, 0);
	rewind(f);
	drops = 5;
	assert_int_equal(xesvm_nl_parse_socket_drops(f, 9999, &drops), -1);
	assert_int_equal(drops, 5);
	fclose(f);
}

/* An event of @dev_id numbered @seq (a uint: 4 bytes, or 8 past 32 bits). */
static struct nl_msg *numbered_event(uint32_t dev_id, uint64_t seq)
{
	struct nl_msg *msg = event_msg(DRM_SVM_EVENT_TYPE_GC, dev_id);

	if (seq >> 32)
		assert_int_equal(nla_put_u64(msg, DRM_SVM_A_EVENT_SEQ, seq), 0);
	else
		assert_int_equal(nla_put_u32(msg, DRM_SVM_A_EVENT_SEQ, (uint32_t)seq), 0);
	return msg;
}

/* An events socket on fake transports, its query socket and the events read. */
struct events_fixture {
	struct fake qf, ef;
	struct xesvm_nl_transport tp;
	struct xesvm_nl_events *ev;
	json_t *events;
	struct xesvm_error err;
};

static void events_setup(struct events_fixture *fx)
{
	struct xesvm_nl *query;

	memset(fx, 0, sizeof(*fx));
	query = fake_nl(&fx->qf);
	fx->tp = fake_transport(&fx->ef);
	fx->events = json_array();
	fx->ev = xesvm_nl_events_new_with_transport(&fx->tp, FAMILY, query, &fx->err);
	assert_non_null(fx->ev);
	assert_non_null(fx->events);
}

static void events_teardown(struct events_fixture *fx)
{
	xesvm_nl_events_close(fx->ev);	/* closes the query too */
	json_decref(fx->events);
	fake_free(&fx->qf);
	fake_free(&fx->ef);
}

/* Gaps in the numbers of a device are lost events; a restart is not. */
static void test_events_numbered(void **state)
{
	struct events_fixture fx;

	events_setup(&fx);
	queue_devices(&fx.qf);
	/* Device 1: 3 and 4 missing; device 2 starts at 9 (joined late), past 2^32. */
	fake_queue(&fx.ef, true, 4, numbered_event(1, 1), numbered_event(1, 2),
		   numbered_event(2, 9), numbered_event(1, 5));
	fake_queue(&fx.ef, true, 2, numbered_event(2, (1ull << 32) + 1), numbered_event(2, 10));
	assert_int_equal(xesvm_nl_events_read(fx.ev, fx.events, &fx.err), 6);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(fx.events, 4), "seq")),
			 (1ll << 32) + 1);
	/* 3 and 4 of device 1; 10 to 2^32 of device 2; then 10 again: a restart. */
	assert_int_equal(xesvm_nl_events_missed(fx.ev), 2 + ((1ull << 32) + 1 - 10));
	events_teardown(&fx);
	(void)state;
}

static void test_events_read(void **state)
{
	struct events_fixture fx;
	uint64_t lost = 7;

	events_setup(&fx);
	fake_queue(&fx.ef, true, 2, event_msg(DRM_SVM_EVENT_TYPE_GPU_FAULT, 1),
		   event_msg(DRM_SVM_EVENT_TYPE_MIGRATE, 2));
	fake_queue_errno(&fx.ef, ENOBUFS);
	fake_queue(&fx.ef, true, 1, event_msg(DRM_SVM_EVENT_TYPE_GC, 1));
	/* The first unknown dev-id makes the query socket list the devices. */
	queue_devices(&fx.qf);
	assert_int_equal(xesvm_nl_events_read(fx.ev, fx.events, &fx.err), 3);
	assert_int_equal(xesvm_nl_events_overruns(fx.ev), 1);
	assert_int_equal(json_array_size(fx.events), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(fx.events, 0), "device")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(fx.events, 1), "device")), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(fx.events, 2), "type")),
			    "gc");
	assert_int_equal(fx.qf.nreq, 1);
	/* Events without numbers (a kernel before them): no gap counted. */
	assert_int_equal(xesvm_nl_events_missed(fx.ev), 0);

	/* Nothing queued: 0, not an error. */
	assert_int_equal(xesvm_nl_events_read(fx.ev, fx.events, &fx.err), 0);
	assert_int_equal(xesvm_nl_events_fd(fx.ev), -1);
	/* No socket, so no drop counter: the count of lost events is unknown. */
	assert_int_equal(xesvm_nl_events_lost(fx.ev, &lost), -1);
	assert_int_equal(lost, 7);
	events_teardown(&fx);
	(void)state;
}

static int check_no_capabilities(const char *unused)
{
	struct xesvm_error err = { 0 };
	struct xesvm_nl_events *ev = (void *)1;

	if (xesvm_nl_events_check_capabilities(&err) != -1 || err.sys_errno != EPERM ||
	    strcmp(err.msg, "receiving drm-svm events needs CAP_SYS_ADMIN: the kernel lets no "
		   "other process join the events group")) {
		fprintf(stderr, "capability check: %s\n", err.msg);
		return 1;
	}
	memset(&err, 0, sizeof(err));
	if (xesvm_nl_events_open(&ev, &err) != -1 || ev || err.sys_errno != EPERM) {
		fprintf(stderr, "events_open without capabilities: %s\n", err.msg);
		return 1;
	}
	return 0;
}

static void test_events_need_capabilities(void **state)
{
	run_unprivileged(check_no_capabilities, NULL);
}

/* ------------------------------------------------------------------ */
/* Gather: which source                                                */
/* ------------------------------------------------------------------ */

static void test_gather_source_choice(void **state)
{
	struct xesvm_sources src = { .debugfs_root = DATA "/debugfs-xe-2gt",
				     .proc_root = DATA "/proc-xe-2gt" };
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;
	struct xesvm_nl *nl = NULL;
	json_t *sources;
	bool have_family;

	/* A recorded tree: never this machine's netlink family, and no note about it. */
	unsetenv("XESVM_SOURCE");
	assert_int_equal(xesvm_gather(&src, &m, &err), 0);
	sources = json_object_get(xesvm_model_root(m), "sources");
	assert_null(json_object_get(sources, "vms"));
	assert_false(contains(json_object_get(xesvm_model_root(m), "notes"), "netlink"));
	xesvm_model_free(m);

	setenv("XESVM_SOURCE", "sysfs", 1);
	assert_int_equal(xesvm_gather(&src, &m, &err), -1);
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_string_equal(err.msg, "XESVM_SOURCE=sysfs: expected netlink, debugfs or auto");

	/* Asked for: the family is used even with a tree, and its absence is an error. */
	memset(&err, 0, sizeof(err));
	have_family = xesvm_nl_open(&nl, &err) == 0;
	xesvm_nl_close(nl);
	if (!have_family) {
		assert_int_equal(err.sys_errno, ENOENT);
		memset(&err, 0, sizeof(err));
		setenv("XESVM_SOURCE", "netlink", 1);
		assert_int_equal(xesvm_gather(&src, &m, &err), -1);
		assert_int_equal(err.sys_errno, ENOENT);
		assert_non_null(strstr(err.msg, "XESVM_SOURCE=netlink: this kernel has no drm-svm netlink family"));
	}
	unsetenv("XESVM_SOURCE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_every_flag),
		cmocka_unit_test(test_range_optional_attrs),
		cmocka_unit_test(test_range_page_sets),
		cmocka_unit_test(test_range_errors),
		cmocka_unit_test(test_range_xe_tiles),
		cmocka_unit_test(test_mem_attr_names),
		cmocka_unit_test(test_mem_attr_object),
		cmocka_unit_test(test_mem_attr_out_of_range),
		cmocka_unit_test(test_mem_attr_without_xe),
		cmocka_unit_test(test_mem_attr_xe_nest_errors),
		cmocka_unit_test(test_vm_attr_resets),
		cmocka_unit_test(test_vm_object),
		cmocka_unit_test(test_pagemap_stats),
		cmocka_unit_test(test_pagemap_errors),
		cmocka_unit_test(test_event_each_type),
		cmocka_unit_test(test_event_cpu_fault_deferred),
		cmocka_unit_test(test_event_errors),
		cmocka_unit_test(test_vm_ids_of_64_bits),
		cmocka_unit_test(test_vm_id_above_int64_max),
		cmocka_unit_test(test_migrate_and_gc_replies),
		cmocka_unit_test(test_extack_attribute_named),
		cmocka_unit_test(test_extack_permissions),
		cmocka_unit_test(test_extack_done_and_malformed),
		cmocka_unit_test(test_dump_intr_retried),
		cmocka_unit_test(test_dump_intr_gives_up),
		cmocka_unit_test(test_stale_replies_and_draining),
		cmocka_unit_test(test_garbage_datagram),
		cmocka_unit_test(test_gather_everything),
		cmocka_unit_test(test_gather_family_device_nodes),
		cmocka_unit_test(test_gather_vm_gone_and_filter),
		cmocka_unit_test(test_gather_error_is_reported),
		cmocka_unit_test(test_mem_attr_set_request),
		cmocka_unit_test(test_migrate_and_gc_calls),
		cmocka_unit_test(test_requests_carry_64_bit_vm_ids),
		cmocka_unit_test(test_gather_64_bit_vm_ids),
		cmocka_unit_test(test_events_read),
		cmocka_unit_test(test_events_numbered),
		cmocka_unit_test(test_socket_drops),
		cmocka_unit_test(test_events_need_capabilities),
		cmocka_unit_test(test_gather_source_choice),
	};

	return cmocka_run_group_tests(tests, setup_map, teardown_map);
}
