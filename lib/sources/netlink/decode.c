// SPDX-License-Identifier: MIT
/*
 * drm-svm netlink messages -> model objects, and extended ACKs -> error
 * messages. Pure functions over one received message: no socket, no state
 * (netlink_internal.h). The attribute layout is the family's YNL spec
 * (spec/drm_svm.yaml, include/uapi/drm/drm_svm.h), whose attribute
 * tables the build generates (drm_svm_attr_tables.h).
 *
 * Strict like the text parsers: every attribute this xesvm knows must have
 * its exact size, the attributes a reply always carries must be there,
 * enumeration values and flag bits must be known, and values must fit the
 * model (JSON integers are int64). Anything else is an error naming the
 * attribute, never a guess. Attributes of a newer kernel with higher
 * numbers are ignored.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <drm/drm_svm.h>

#include "source.h"
#include "model_internal.h"
#include "netlink_internal.h"
#include "objects_internal.h"

/* ------------------------------------------------------------------ */
/* Attribute sets                                                      */
/* ------------------------------------------------------------------ */

/* K_UINT: netlink's variable-width unsigned integer, 4 or 8 bytes. */
enum kind { K_NONE, K_U8, K_U16, K_U32, K_S32, K_UINT, K_STR, K_NEST };

struct attr_spec {
	const char *name;
	enum kind kind;
	enum xesvm_nl_set nested;	/* K_NEST: the set of its attributes */
};

/*
 * The tables of every attribute set (dev_attrs, vm_attrs, ..., and sets[]
 * indexed by enum xesvm_nl_set), written by spec/gen-tables.py from the
 * family's YNL spec: a uAPI change is an edit of spec/drm_svm.yaml.
 */
#include "drm_svm_attr_tables.h"

const char *xesvm_nl_attr_name(enum xesvm_nl_set set, unsigned int type)
{
	if ((unsigned int)set >= XESVM_NL_SET_COUNT || type == 0 || type > sets[set].max)
		return NULL;
	return sets[set].attrs[type].name;
}

bool xesvm_nl_attr_nested(enum xesvm_nl_set set, unsigned int type, enum xesvm_nl_set *nested)
{
	if (!xesvm_nl_attr_name(set, type) || sets[set].attrs[type].kind != K_NEST)
		return false;
	*nested = sets[set].attrs[type].nested;
	return true;
}

/* ------------------------------------------------------------------ */
/* dev-id <-> minor                                                    */
/* ------------------------------------------------------------------ */

int xesvm_nl_devmap_set(struct xesvm_nl_devmap *map, uint32_t dev_id, uint32_t minor)
{
	void *items;
	size_t i;

	for (i = 0; i < map->count; i++)
		if (map->items[i].dev_id == dev_id) {
			map->items[i].minor = minor;
			return 0;
		}
	items = xesvm_grow(map->items, &map->cap, map->count, sizeof(*map->items), 8);
	if (!items)
		return -1;
	map->items = items;
	map->items[map->count].dev_id = dev_id;
	map->items[map->count].minor = minor;
	map->count++;
	return 0;
}

bool xesvm_nl_devmap_minor(const struct xesvm_nl_devmap *map, uint32_t dev_id,
			   uint32_t *minor)
{
	size_t i;

	for (i = 0; map && i < map->count; i++)
		if (map->items[i].dev_id == dev_id) {
			*minor = map->items[i].minor;
			return true;
		}
	return false;
}

bool xesvm_nl_devmap_dev_id(const struct xesvm_nl_devmap *map, uint32_t minor,
			    uint32_t *dev_id)
{
	size_t i;

	for (i = 0; map && i < map->count; i++)
		if (map->items[i].minor == minor) {
			*dev_id = map->items[i].dev_id;
			return true;
		}
	return false;
}

void xesvm_nl_devmap_clear(struct xesvm_nl_devmap *map)
{
	free(map->items);
	memset(map, 0, sizeof(*map));
}

/* ------------------------------------------------------------------ */
/* Parsing one message                                                 */
/* ------------------------------------------------------------------ */

struct dec {
	struct nlattr *tb[XESVM_NL_MAX_ATTR + 1];
	enum xesvm_nl_set set;
	const char *what;	/* "range-get reply", for messages */
	struct xesvm_error *err;
	bool failed;
};

static void fail(struct dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct dec *d, const char *fmt, ...)
{
	char text[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!d->failed)
		xesvm_error_set(d->err, XESVM_E_SYSTEM, EPROTO,
				"drm-svm %s: %s (the kernel speaks a drm-svm this xesvm cannot read)",
				d->what, text);
	d->failed = true;
}

static void oom(struct dec *d)
{
	if (!d->failed)
		xesvm_error_set(d->err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
	d->failed = true;
}

static const char *attr_name(const struct dec *d, unsigned int type)
{
	return sets[d->set].attrs[type].name;
}

/* Checks the size of every known attribute of @tb (filled for set @set). */
static int check_sizes(struct dec *d, struct nlattr **tb, enum xesvm_nl_set set)
{
	static const int size_of[] = {
		[K_U8] = 1, [K_U16] = 2, [K_U32] = 4, [K_S32] = 4,
	};
	unsigned int type;

	for (type = 1; type <= sets[set].max; type++) {
		const struct attr_spec *spec = &sets[set].attrs[type];
		const struct nlattr *a = tb[type];
		int len;

		if (!a)
			continue;
		len = nla_len(a);
		switch (spec->kind) {
		case K_U8: case K_U16: case K_U32: case K_S32:
			if (len != size_of[spec->kind]) {
				fail(d, "attribute %s has %d bytes, expected %d", spec->name, len,
				     size_of[spec->kind]);
				return -1;
			}
			break;
		case K_UINT:
			if (len != 4 && len != 8) {
				fail(d, "attribute %s has %d bytes, expected 4 or 8", spec->name, len);
				return -1;
			}
			break;
		case K_STR:
			if (len < 1 || ((const char *)nla_data(a))[len - 1] != '\0') {
				fail(d, "attribute %s is not a NUL-terminated string", spec->name);
				return -1;
			}
			break;
		case K_NEST: case K_NONE:
			break;
		}
	}
	return 0;
}

/* Parses the attributes of a genl message of command @cmd. */
static int parse(struct dec *d, const struct nlmsghdr *nlh, uint8_t cmd,
		 enum xesvm_nl_set set, const char *what, struct xesvm_error *err)
{
	const struct genlmsghdr *gh;
	int len;

	memset(d, 0, sizeof(*d));
	d->set = set;
	d->what = what;
	d->err = err;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		fail(d, "message of %" PRIu32 " bytes is too short", nlh->nlmsg_len);
		return -1;
	}
	gh = nlmsg_data(nlh);
	if (gh->cmd != cmd) {
		fail(d, "unexpected command %u (expected %u)", gh->cmd, cmd);
		return -1;
	}
	len = (int)(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
	/* No libnl policy: check_sizes() names the attribute that is wrong. */
	if (nla_parse(d->tb, (int)sets[set].max,
		      (struct nlattr *)((char *)nlmsg_data(nlh) + GENL_HDRLEN), len, NULL)) {
		fail(d, "malformed attributes");
		return -1;
	}
	return check_sizes(d, d->tb, set);
}

static int require(struct dec *d, ...)
{
	va_list ap;
	int type;

	va_start(ap, d);
	while ((type = va_arg(ap, int)) != 0)
		if (!d->tb[type]) {
			fail(d, "attribute %s is missing", attr_name(d, (unsigned int)type));
			va_end(ap);
			return -1;
		}
	va_end(ap);
	return 0;
}

/* A uint attribute's value: 4 or 8 bytes, as check_sizes() checked. */
static uint64_t uint_value(const struct nlattr *a)
{
	return nla_len(a) == 4 ? nla_get_u32(a) : nla_get_u64(a);
}

static uint64_t get_uint(const struct dec *d, int type)
{
	return uint_value(d->tb[type]);
}

static uint32_t get_u32(const struct dec *d, int type)
{
	return nla_get_u32(d->tb[type]);
}

/* A uint that must fit a JSON integer (the model's int64). */
static int fit_u64(struct dec *d, struct nlattr **tb, enum xesvm_nl_set set, int type,
		   uint64_t *out)
{
	uint64_t v = uint_value(tb[type]);

	if (v > INT64_MAX) {
		fail(d, "attribute %s: %" PRIu64 " is above 2^63-1", sets[set].attrs[type].name, v);
		return -1;
	}
	*out = v;
	return 0;
}

/* Adds @v under @key; a NULL @v means its producer failed (or out of memory). */
static void put(struct dec *d, json_t *obj, const char *key, json_t *v)
{
	if (d->failed) {
		json_decref(v);
		return;
	}
	if (!v || json_object_set_new(obj, key, v))
		oom(d);
}

/* Integer from a u64 attribute of @tb (set @set), or null when absent. */
static json_t *j_u64_in(struct dec *d, struct nlattr **tb, enum xesvm_nl_set set, int type)
{
	uint64_t v;

	if (d->failed)
		return NULL;
	if (!tb[type])
		return json_null();
	if (fit_u64(d, tb, set, type, &v))
		return NULL;
	return json_integer((json_int_t)v);
}

static json_t *j_u64(struct dec *d, int type)
{
	return j_u64_in(d, d->tb, d->set, type);
}

static json_t *j_u32(struct dec *d, int type)
{
	if (d->failed)
		return NULL;
	return d->tb[type] ? json_integer(get_u32(d, type)) : json_null();
}

/*
 * An enumeration value of attribute @type: checked against the family's
 * table @e. An absent attribute gives @absent (-1: it must be there).
 */
static int get_enum(struct dec *d, int type, const struct xesvm_svm_enum *e, int64_t absent,
		    uint32_t *out)
{
	if (d->failed)
		return -1;
	if (!d->tb[type]) {
		if (absent < 0) {
			fail(d, "attribute %s is missing", attr_name(d, (unsigned int)type));
			return -1;
		}
		*out = (uint32_t)absent;
		return 0;
	}
	*out = get_u32(d, type);
	if (*out >= e->count) {
		fail(d, "attribute %s: unknown value %" PRIu32, attr_name(d, (unsigned int)type), *out);
		return -1;
	}
	return 0;
}

/* An enumeration value as its model name; absent is null. */
static json_t *j_enum(struct dec *d, int type, const struct xesvm_svm_enum *e)
{
	uint32_t v;

	if (d->failed)
		return NULL;
	if (!d->tb[type])
		return json_null();
	return get_enum(d, type, e, -1, &v) ? NULL : xesvm_svm_enum_json(e, v);
}

/*
 * An optional uint attribute of @tb (set @set) that must fit the model, or
 * a u32 one (4 bytes, as uint_value() reads them).
 */
static int get_opt(struct dec *d, struct nlattr **tb, enum xesvm_nl_set set, int type,
		   struct xesvm_svm_opt *out)
{
	out->known = tb[type] != NULL;
	out->value = 0;
	return out->known ? fit_u64(d, tb, set, type, &out->value) : 0;
}

/* The device of a message: the minor of its dev-id. */
static int device_of(const struct dec *d, const struct xesvm_nl_devmap *map, int type,
		     uint32_t *minor)
{
	return xesvm_nl_devmap_minor(map, get_u32(d, type), minor) ? 0 : XESVM_NL_UNKNOWN_DEV;
}

/* ------------------------------------------------------------------ */
/* Decoders                                                            */
/* ------------------------------------------------------------------ */

int xesvm_nl_decode_dev(const struct nlmsghdr *nlh, struct xesvm_nl_dev *out,
			struct xesvm_error *err)
{
	struct dec d;

	memset(out, 0, sizeof(*out));
	if (parse(&d, nlh, DRM_SVM_CMD_DEV_GET, XESVM_NL_SET_DEV, "dev-get reply", err) ||
	    require(&d, DRM_SVM_A_DEV_DEV_ID, 0))
		return -1;
	out->dev_id = get_u32(&d, DRM_SVM_A_DEV_DEV_ID);
	if (d.tb[DRM_SVM_A_DEV_MINOR]) {
		out->has_minor = true;
		out->minor = get_u32(&d, DRM_SVM_A_DEV_MINOR);
	}
	if (d.tb[DRM_SVM_A_DEV_NAME])
		snprintf(out->name, sizeof(out->name), "%s",
			 (const char *)nla_data(d.tb[DRM_SVM_A_DEV_NAME]));
	if (d.tb[DRM_SVM_A_DEV_DRIVER])
		snprintf(out->driver, sizeof(out->driver), "%s",
			 (const char *)nla_data(d.tb[DRM_SVM_A_DEV_DRIVER]));
	return 0;
}

/*
 * A decoder for the attributes nested in @nest, attribute @type of @d's
 * set (a K_NEST): its failures are @d's. False (and @d failed) when @nest
 * is malformed.
 */
static bool nested(struct dec *d, int type, const struct nlattr *nest, struct dec *sub)
{
	const struct attr_spec *spec = &sets[d->set].attrs[type];

	memset(sub, 0, sizeof(*sub));
	sub->set = spec->nested;
	sub->what = d->what;
	sub->err = d->err;
	sub->failed = d->failed;
	if (!sub->failed &&
	    (nla_parse_nested(sub->tb, (int)sets[sub->set].max, (struct nlattr *)nest, NULL) ||
	     check_sizes(sub, sub->tb, sub->set)))
		fail(sub, "malformed attribute %s", spec->name);
	d->failed = sub->failed;
	return !sub->failed;
}

/*
 * xe's attributes of a region, from the xe nest of @d (mem-attr or
 * mem-attr-values), into @a. A provider that implements xe's madvise
 * sends the nest with atomic-access and pat-index, and purgeable for a
 * buffer object; without the nest they stay unknown (null in the model).
 */
static int xe_mem_attrs(struct dec *d, struct xesvm_svm_vma *a)
{
	struct dec sub;

	if (!d->tb[DRM_SVM_A_MEM_ATTR_XE])
		return 0;
	if (!nested(d, DRM_SVM_A_MEM_ATTR_XE, d->tb[DRM_SVM_A_MEM_ATTR_XE], &sub))
		return -1;
	if (require(&sub, DRM_SVM_A_XE_MEM_ATTR_ATOMIC_ACCESS, DRM_SVM_A_XE_MEM_ATTR_PAT_INDEX, 0) ||
	    get_enum(&sub, DRM_SVM_A_XE_MEM_ATTR_ATOMIC_ACCESS, &xesvm_svm_xe_atomic_access, -1,
		     &a->atomic_access) ||
	    get_enum(&sub, DRM_SVM_A_XE_MEM_ATTR_PURGEABLE, &xesvm_svm_xe_purgeable,
		     DRM_SVM_XE_PURGEABLE_NONE, &a->purgeable)) {
		d->failed = true;
		return -1;
	}
	a->pat_index = nla_get_u16(sub.tb[DRM_SVM_A_XE_MEM_ATTR_PAT_INDEX]);
	a->xe_known = true;
	return 0;
}

/*
 * The attributes of a region (mem-attr-values: kind to the xe nest) from
 * @d's table into @a; its device, vm and bounds are left alone.
 */
static int mem_attr_values(struct dec *d, struct xesvm_svm_vma *a)
{
	if (require(d, DRM_SVM_A_MEM_ATTR_KIND, DRM_SVM_A_MEM_ATTR_PREFERRED_LOC,
		    DRM_SVM_A_MEM_ATTR_MIGRATION_POLICY, 0))
		return -1;
	/* Absent when the preferred location is not a pagemap. */
	if (d->tb[DRM_SVM_A_MEM_ATTR_PAGEMAP_ID])
		a->pagemap = get_u32(d, DRM_SVM_A_MEM_ATTR_PAGEMAP_ID);
	return get_enum(d, DRM_SVM_A_MEM_ATTR_KIND, &xesvm_svm_mem_kind, -1, &a->kind) ||
	       get_enum(d, DRM_SVM_A_MEM_ATTR_PREFERRED_LOC, &xesvm_svm_preferred_loc, -1,
			&a->preferred_loc) ||
	       get_enum(d, DRM_SVM_A_MEM_ATTR_MIGRATION_POLICY, &xesvm_svm_migration_policy, -1,
			&a->migration_policy) ||
	       xe_mem_attrs(d, a) ? -1 : 0;
}

/* The attributes before a reset, from @nest (attribute @type of @d's set), into @a. */
static int before_values(struct dec *d, int type, const struct nlattr *nest,
			 struct xesvm_svm_vma *a)
{
	struct dec sub;

	if (!nested(d, type, nest, &sub))
		return -1;
	if (mem_attr_values(&sub, a)) {
		d->failed = true;
		return -1;
	}
	return 0;
}

/* The attributes before a reset (an event's before nest), as a "before" object. */
static json_t *j_before(struct dec *d, const struct nlattr *nest)
{
	struct xesvm_svm_vma a = { 0 };
	json_t *obj;

	if (before_values(d, DRM_SVM_A_EVENT_BEFORE, nest, &a))
		return NULL;
	obj = xesvm_svm_mem_attr_values_json(&a);
	if (!obj)
		oom(d);
	return obj;
}

/* An attr-resets nest of a vm-get reply, as an "attr_resets" element. */
static json_t *j_attr_reset(struct dec *d, const struct nlattr *nest)
{
	struct xesvm_svm_attr_reset r = { 0 };
	struct dec sub;
	json_t *obj;

	if (!nested(d, DRM_SVM_A_VM_ATTR_RESETS, nest, &sub))
		return NULL;
	if (require(&sub, DRM_SVM_A_ATTR_RESET_START, DRM_SVM_A_ATTR_RESET_END,
		    DRM_SVM_A_ATTR_RESET_TIMESTAMP, DRM_SVM_A_ATTR_RESET_BEFORE, 0) ||
	    fit_u64(&sub, sub.tb, sub.set, DRM_SVM_A_ATTR_RESET_START, &r.start) ||
	    fit_u64(&sub, sub.tb, sub.set, DRM_SVM_A_ATTR_RESET_END, &r.end) ||
	    fit_u64(&sub, sub.tb, sub.set, DRM_SVM_A_ATTR_RESET_TIMESTAMP, &r.time_ns)) {
		d->failed = true;
		return NULL;
	}
	if (r.end <= r.start) {
		fail(&sub, "reset end 0x%" PRIx64 " is not above its start 0x%" PRIx64, r.end,
		     r.start);
		d->failed = true;
		return NULL;
	}
	r.split = sub.tb[DRM_SVM_A_ATTR_RESET_SPLIT] &&
		  nla_get_u8(sub.tb[DRM_SVM_A_ATTR_RESET_SPLIT]);
	if (before_values(&sub, DRM_SVM_A_ATTR_RESET_BEFORE, sub.tb[DRM_SVM_A_ATTR_RESET_BEFORE],
			  &r.before)) {
		d->failed = true;
		return NULL;
	}
	obj = xesvm_svm_attr_reset_json(&r);
	if (!obj)
		oom(d);
	return obj;
}

/* The attr-resets nests of a vm-get reply (a multi-attr), in the order sent. */
static json_t *j_attr_resets(struct dec *d, const struct nlmsghdr *nlh)
{
	json_t *list = json_array();
	const struct nlattr *a;
	int rem;

	if (!list) {
		oom(d);
		return NULL;
	}
	nla_for_each_attr(a, (struct nlattr *)((char *)nlmsg_data(nlh) + GENL_HDRLEN),
			  (int)(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN), rem) {
		json_t *r;

		if (nla_type(a) != DRM_SVM_A_VM_ATTR_RESETS)
			continue;
		r = j_attr_reset(d, a);
		if (!r || json_array_append_new(list, r)) {
			if (r)
				oom(d);
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

int xesvm_nl_decode_vm(const struct nlmsghdr *nlh, const struct xesvm_nl_devmap *map,
		       json_t **out, struct xesvm_error *err)
{
	struct xesvm_svm_vm v = { 0 };
	struct dec d;
	int rc;

	*out = NULL;
	if (parse(&d, nlh, DRM_SVM_CMD_VM_GET, XESVM_NL_SET_VM, "vm-get reply", err) ||
	    require(&d, DRM_SVM_A_VM_DEV_ID, DRM_SVM_A_VM_VM_ID, DRM_SVM_A_VM_START,
		    DRM_SVM_A_VM_END, 0))
		return -1;
	rc = device_of(&d, map, DRM_SVM_A_VM_DEV_ID, &v.device);
	if (rc)
		return rc;
	/* pid 0: the owner is not visible in our pid namespace. */
	if (d.tb[DRM_SVM_A_VM_PID])
		v.pid = get_u32(&d, DRM_SVM_A_VM_PID);
	if (d.tb[DRM_SVM_A_VM_COMM]) {
		v.comm = nla_data(d.tb[DRM_SVM_A_VM_COMM]);
		v.comm_len = strlen(v.comm);	/* check_sizes(): NUL-terminated */
	}
	if (fit_u64(&d, d.tb, d.set, DRM_SVM_A_VM_VM_ID, &v.vm) ||
	    get_opt(&d, d.tb, d.set, DRM_SVM_A_VM_CLIENT_ID, &v.client_id) ||
	    fit_u64(&d, d.tb, d.set, DRM_SVM_A_VM_START, &v.start) ||
	    fit_u64(&d, d.tb, d.set, DRM_SVM_A_VM_END, &v.end) ||
	    get_opt(&d, d.tb, d.set, DRM_SVM_A_VM_RANGES, &v.ranges) ||
	    get_opt(&d, d.tb, d.set, DRM_SVM_A_VM_GPUSVM_ID, &v.gpusvm_id) ||
	    get_opt(&d, d.tb, d.set, DRM_SVM_A_VM_DRIVER_HANDLE, &v.driver_handle) ||
	    get_opt(&d, d.tb, d.set, DRM_SVM_A_VM_NOTIFIERS, &v.notifiers) ||
	    get_opt(&d, d.tb, d.set, DRM_SVM_A_VM_DEVMEM_PAGES, &v.devmem_pages) ||
	    get_opt(&d, d.tb, d.set, DRM_SVM_A_VM_GENERATION, &v.generation))
		return -1;
	v.attr_resets = j_attr_resets(&d, nlh);
	if (!v.attr_resets)
		return -1;
	*out = xesvm_svm_vm_json(&v);
	if (!*out) {
		oom(&d);
		return -1;
	}
	return 0;
}

/* Flag bits of the family (range-flags) as the model's; false for a bit this xesvm does not know. */
static bool model_flags(uint32_t kflags, uint32_t *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < xesvm_svm_range_flag_count; i++)
		if (kflags & xesvm_svm_range_flags[i].uapi) {
			*out |= xesvm_svm_range_flags[i].model;
			kflags &= ~xesvm_svm_range_flags[i].uapi;
		}
	return kflags == 0;
}

/* One pages nest of a range-get reply: the pages one device has of the range. */
static int range_pages(struct dec *d, const struct nlattr *nest, struct xesvm_range_pages *out)
{
	const enum xesvm_nl_set pset = XESVM_NL_SET_RANGE_PAGES;
	struct nlattr *tb[XESVM_NL_MAX_ATTR + 1] = { NULL };
	uint32_t kflags;

	if (nla_parse_nested(tb, DRM_SVM_A_RANGE_PAGES_MAX, (struct nlattr *)nest, NULL)) {
		fail(d, "malformed pages attribute");
		return -1;
	}
	if (check_sizes(d, tb, pset))
		return -1;
	if (!tb[DRM_SVM_A_RANGE_PAGES_FLAGS]) {
		fail(d, "attribute pages: its flags are missing");
		return -1;
	}
	kflags = nla_get_u32(tb[DRM_SVM_A_RANGE_PAGES_FLAGS]);
	if (!model_flags(kflags, &out->flags)) {
		fail(d, "attribute pages: unknown flag bits 0x%" PRIx32, kflags);
		return -1;
	}
	if (out->flags & ~(uint32_t)XESVM_RANGE_PAGES_FLAGS) {
		fail(d, "attribute pages: flags 0x%" PRIx32 " has flags of a range, not of pages",
		     kflags);
		return -1;
	}
	/*
	 * Absent: no device owns their DMA mappings, they are in system
	 * memory. The notifier sequence is debugfs's only (the family keeps
	 * drm_gpusvm's internals out of its uAPI).
	 */
	out->device = XESVM_DEVICE_NONE;
	out->pagemap = XESVM_PAGEMAP_NONE;
	out->notifier_seq = XESVM_NOTIFIER_SEQ_NONE;
	if (tb[DRM_SVM_A_RANGE_PAGES_MINOR]) {
		out->device = nla_get_u32(tb[DRM_SVM_A_RANGE_PAGES_MINOR]);
		if (out->device == XESVM_DEVICE_NONE) {
			fail(d, "attribute pages: minor %" PRIu32 " is not a valid minor", out->device);
			return -1;
		}
	}
	if (tb[DRM_SVM_A_RANGE_PAGES_PAGEMAP_ID]) {
		out->pagemap = nla_get_u32(tb[DRM_SVM_A_RANGE_PAGES_PAGEMAP_ID]);
		if (out->pagemap == XESVM_PAGEMAP_NONE) {
			fail(d, "attribute pages: pagemap-id %" PRIu32 " is not a valid id", out->pagemap);
			return -1;
		}
	}
	return 0;
}

/*
 * The pages nests of a range-get reply (a multi-attr: the attribute
 * table holds only the last of them), in the order the kernel sent them.
 */
static int range_page_sets(struct dec *d, const struct nlmsghdr *nlh,
			   struct xesvm_range_pages page_sets[XESVM_RANGE_PAGES_MAX], unsigned int *n)
{
	const struct nlattr *a;
	int rem;

	*n = 0;
	nla_for_each_attr(a, (struct nlattr *)((char *)nlmsg_data(nlh) + GENL_HDRLEN),
			  (int)(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN), rem) {
		if (nla_type(a) != DRM_SVM_A_RANGE_PAGES)
			continue;
		if (*n == XESVM_RANGE_PAGES_MAX) {
			fail(d, "more than %d pages attributes", XESVM_RANGE_PAGES_MAX);
			return -1;
		}
		if (range_pages(d, a, &page_sets[*n]))
			return -1;
		(*n)++;
	}
	return 0;
}

/* What xe keeps of a range (its xe nest): which tiles map it, which were invalidated. */
static int xe_range(struct dec *d, const struct nlattr *nest, struct xesvm_range *r)
{
	struct dec sub;

	if (!nested(d, DRM_SVM_A_RANGE_XE, nest, &sub))
		return -1;
	if (require(&sub, DRM_SVM_A_XE_RANGE_TILE_PRESENT, DRM_SVM_A_XE_RANGE_TILE_INVALIDATED, 0)) {
		d->failed = true;
		return -1;
	}
	r->tile_present = nla_get_u32(sub.tb[DRM_SVM_A_XE_RANGE_TILE_PRESENT]);
	r->tile_invalidated = nla_get_u32(sub.tb[DRM_SVM_A_XE_RANGE_TILE_INVALIDATED]);
	return 0;
}

int xesvm_nl_decode_range(const struct nlmsghdr *nlh,
			  const struct xesvm_nl_devmap *map, struct xesvm_range *out,
			  struct xesvm_range_pages page_sets[XESVM_RANGE_PAGES_MAX],
			  struct xesvm_error *err)
{
	struct xesvm_range r = { 0 };
	uint32_t kflags, minor, flags;
	unsigned int nsets, i;
	struct dec d;
	int rc;

	if (parse(&d, nlh, DRM_SVM_CMD_RANGE_GET, XESVM_NL_SET_RANGE, "range-get reply", err) ||
	    require(&d, DRM_SVM_A_RANGE_DEV_ID, DRM_SVM_A_RANGE_VM_ID, DRM_SVM_A_RANGE_START,
		    DRM_SVM_A_RANGE_END, DRM_SVM_A_RANGE_NOTIFIER_START,
		    DRM_SVM_A_RANGE_NOTIFIER_END, DRM_SVM_A_RANGE_FLAGS,
		    DRM_SVM_A_RANGE_PAGES_COUNT, 0))
		return -1;
	rc = device_of(&d, map, DRM_SVM_A_RANGE_DEV_ID, &minor);
	if (rc)
		return rc;
	r.device = minor;
	if (fit_u64(&d, d.tb, d.set, DRM_SVM_A_RANGE_VM_ID, &r.vm) ||
	    fit_u64(&d, d.tb, d.set, DRM_SVM_A_RANGE_START, &r.start) ||
	    fit_u64(&d, d.tb, d.set, DRM_SVM_A_RANGE_END, &r.end) ||
	    fit_u64(&d, d.tb, d.set, DRM_SVM_A_RANGE_NOTIFIER_START, &r.notifier_start) ||
	    fit_u64(&d, d.tb, d.set, DRM_SVM_A_RANGE_NOTIFIER_END, &r.notifier_end))
		return -1;
	if (r.end <= r.start) {
		fail(&d, "range end 0x%" PRIx64 " is not above its start 0x%" PRIx64, r.end, r.start);
		return -1;
	}
	kflags = get_u32(&d, DRM_SVM_A_RANGE_FLAGS);
	if (!model_flags(kflags, &flags)) {
		fail(&d, "attribute flags: unknown bits in 0x%" PRIx32, kflags);
		return -1;
	}
	r.flags = (uint16_t)flags;
	r.pages_count = get_u32(&d, DRM_SVM_A_RANGE_PAGES_COUNT);
	if (range_page_sets(&d, nlh, page_sets, &nsets))
		return -1;
	if (nsets > r.pages_count) {
		fail(&d, "%u pages attributes for a pages-count of %" PRIu32, nsets, r.pages_count);
		return -1;
	}
	/* The range's flags hold those of all its pages (the family's spec). */
	for (i = 0; i < nsets; i++)
		if (page_sets[i].flags & ~flags) {
			fail(&d, "attribute flags 0x%" PRIx32 " lacks flags of its pages %u", kflags, i);
			return -1;
		}
	xesvm_range_set_pages(&r, page_sets, nsets);
	/*
	 * The tile masks are xe's (its xe nest); another provider (vsvm) has
	 * no tiles and sends no nest, and the model's masks stay 0.
	 */
	if (d.tb[DRM_SVM_A_RANGE_XE] && xe_range(&d, d.tb[DRM_SVM_A_RANGE_XE], &r))
		return -1;
	*out = r;
	return 0;
}

int xesvm_nl_decode_mem_attr(const struct nlmsghdr *nlh,
			     const struct xesvm_nl_devmap *map, json_t **out,
			     struct xesvm_error *err)
{
	struct xesvm_svm_vma a = { 0 };
	struct dec d;
	int rc;

	*out = NULL;
	if (parse(&d, nlh, DRM_SVM_CMD_MEM_ATTR_GET, XESVM_NL_SET_MEM_ATTR,
		  "mem-attr-get reply", err) ||
	    require(&d, DRM_SVM_A_MEM_ATTR_DEV_ID, DRM_SVM_A_MEM_ATTR_VM_ID,
		    DRM_SVM_A_MEM_ATTR_START, DRM_SVM_A_MEM_ATTR_END, DRM_SVM_A_MEM_ATTR_KIND,
		    DRM_SVM_A_MEM_ATTR_PREFERRED_LOC, DRM_SVM_A_MEM_ATTR_MIGRATION_POLICY, 0))
		return -1;
	rc = device_of(&d, map, DRM_SVM_A_MEM_ATTR_DEV_ID, &a.device);
	if (rc)
		return rc;
	if (fit_u64(&d, d.tb, d.set, DRM_SVM_A_MEM_ATTR_VM_ID, &a.vm) ||
	    fit_u64(&d, d.tb, d.set, DRM_SVM_A_MEM_ATTR_START, &a.start) ||
	    fit_u64(&d, d.tb, d.set, DRM_SVM_A_MEM_ATTR_END, &a.end))
		return -1;
	if (a.end <= a.start) {
		fail(&d, "region end 0x%" PRIx64 " is not above its start 0x%" PRIx64, a.end,
		     a.start);
		return -1;
	}
	if (mem_attr_values(&d, &a))
		return -1;
	*out = xesvm_svm_vma_json(&a);
	if (!*out) {
		oom(&d);
		return -1;
	}
	return 0;
}

/* The counters of a migrate-stats nest (unknown when absent). */
static int migrate_stats(struct dec *d, const struct nlattr *nest,
			 struct xesvm_svm_migrate_stats *out)
{
	static const int types[XESVM_SVM_MIGRATE_STAT_COUNT] = {
		[XESVM_SVM_MIGRATE_COUNT] = DRM_SVM_A_MIGRATE_STATS_COUNT,
		[XESVM_SVM_MIGRATE_PAGES] = DRM_SVM_A_MIGRATE_STATS_PAGES,
		[XESVM_SVM_MIGRATE_BYTES] = DRM_SVM_A_MIGRATE_STATS_BYTES,
		[XESVM_SVM_MIGRATE_FAIL_NOMEM] = DRM_SVM_A_MIGRATE_STATS_FAIL_NOMEM,
		[XESVM_SVM_MIGRATE_FAIL_BUSY] = DRM_SVM_A_MIGRATE_STATS_FAIL_BUSY,
		[XESVM_SVM_MIGRATE_FAIL_FAULT] = DRM_SVM_A_MIGRATE_STATS_FAIL_FAULT,
		[XESVM_SVM_MIGRATE_FAIL_OTHER] = DRM_SVM_A_MIGRATE_STATS_FAIL_OTHER,
	};
	struct nlattr *tb[XESVM_NL_MAX_ATTR + 1] = { NULL };
	int i;

	if (d->failed)
		return -1;
	if (nest && (nla_parse_nested(tb, DRM_SVM_A_MIGRATE_STATS_MAX, (struct nlattr *)nest,
				      NULL) ||
		     check_sizes(d, tb, XESVM_NL_SET_MIGRATE_STATS))) {
		fail(d, "malformed migration statistics");
		return -1;
	}
	for (i = 0; i < XESVM_SVM_MIGRATE_STAT_COUNT; i++)
		if (get_opt(d, tb, XESVM_NL_SET_MIGRATE_STATS, types[i], &out->v[i]))
			return -1;
	return 0;
}

int xesvm_nl_decode_pagemap(const struct nlmsghdr *nlh,
			    const struct xesvm_nl_devmap *map, json_t **out,
			    struct xesvm_error *err)
{
	struct nlattr *st[XESVM_NL_MAX_ATTR + 1] = { NULL };
	const enum xesvm_nl_set sset = XESVM_NL_SET_PAGEMAP_STATS;
	struct xesvm_svm_pagemap p = { .enabled = -1 };
	struct dec d;
	int rc;

	*out = NULL;
	if (parse(&d, nlh, DRM_SVM_CMD_PAGEMAP_GET, XESVM_NL_SET_PAGEMAP, "pagemap-get reply",
		  err) ||
	    require(&d, DRM_SVM_A_PAGEMAP_DEV_ID, DRM_SVM_A_PAGEMAP_PAGEMAP_ID, 0))
		return -1;
	rc = device_of(&d, map, DRM_SVM_A_PAGEMAP_DEV_ID, &p.device);
	if (rc)
		return rc;
	if (d.tb[DRM_SVM_A_PAGEMAP_STATS] &&
	    (nla_parse_nested(st, DRM_SVM_A_PAGEMAP_STATS_MAX, d.tb[DRM_SVM_A_PAGEMAP_STATS],
			      NULL) ||
	     check_sizes(&d, st, sset))) {
		fail(&d, "malformed attribute stats");
		return -1;
	}
	p.id = get_u32(&d, DRM_SVM_A_PAGEMAP_PAGEMAP_ID);
	/* "0 if not known" in the spec, as when absent. */
	if ((d.tb[DRM_SVM_A_PAGEMAP_SIZE] &&
	     fit_u64(&d, d.tb, d.set, DRM_SVM_A_PAGEMAP_SIZE, &p.size)) ||
	    migrate_stats(&d, st[DRM_SVM_A_PAGEMAP_STATS_TO_DEVMEM], &p.to_devmem) ||
	    migrate_stats(&d, st[DRM_SVM_A_PAGEMAP_STATS_TO_RAM], &p.to_ram) ||
	    get_opt(&d, st, sset, DRM_SVM_A_PAGEMAP_STATS_CPU_FAULTS, &p.cpu_faults) ||
	    get_opt(&d, st, sset, DRM_SVM_A_PAGEMAP_STATS_CPU_FAULTS_DEFERRED,
		    &p.cpu_faults_deferred) ||
	    get_opt(&d, st, sset, DRM_SVM_A_PAGEMAP_STATS_EVICTIONS, &p.evictions) ||
	    get_opt(&d, st, sset, DRM_SVM_A_PAGEMAP_STATS_DEVMEM_PAGES, &p.devmem_pages))
		return -1;
	if (st[DRM_SVM_A_PAGEMAP_STATS_ENABLED]) {
		uint8_t v = nla_get_u8(st[DRM_SVM_A_PAGEMAP_STATS_ENABLED]);

		if (v > 1) {
			fail(&d, "attribute enabled: %u is not 0 or 1", v);
			return -1;
		}
		p.enabled = v;
	}
	*out = xesvm_svm_pagemap_json(&p);
	if (!*out) {
		oom(&d);
		return -1;
	}
	return 0;
}

int xesvm_nl_decode_event(const struct nlmsghdr *nlh,
			  const struct xesvm_nl_devmap *map, json_t **out,
			  bool *unknown_dev, struct xesvm_error *err)
{
	uint32_t type, minor;
	json_t *ev;
	struct dec d;

	*out = NULL;
	*unknown_dev = false;
	if (parse(&d, nlh, DRM_SVM_CMD_EVENT_NTF, XESVM_NL_SET_EVENT, "event", err) ||
	    require(&d, DRM_SVM_A_EVENT_TYPE, DRM_SVM_A_EVENT_TIMESTAMP, 0))
		return -1;
	type = get_u32(&d, DRM_SVM_A_EVENT_TYPE);
	ev = json_object();
	if (!ev) {
		oom(&d);
		return -1;
	}
	put(&d, ev, "time_ns", j_u64(&d, DRM_SVM_A_EVENT_TIMESTAMP));
	put(&d, ev, "type", j_enum(&d, DRM_SVM_A_EVENT_TYPE, &xesvm_svm_event_type));
	if (d.tb[DRM_SVM_A_EVENT_DEV_ID] && !device_of(&d, map, DRM_SVM_A_EVENT_DEV_ID, &minor)) {
		put(&d, ev, "device", json_integer(minor));
	} else {
		*unknown_dev = d.tb[DRM_SVM_A_EVENT_DEV_ID] != NULL;
		put(&d, ev, "device", json_null());
	}
	put(&d, ev, "vm", j_u64(&d, DRM_SVM_A_EVENT_VM_ID));
	put(&d, ev, "pid", j_u32(&d, DRM_SVM_A_EVENT_PID));
	put(&d, ev, "start", j_u64(&d, DRM_SVM_A_EVENT_START));
	put(&d, ev, "end", j_u64(&d, DRM_SVM_A_EVENT_END));
	/* Null from a kernel that does not number its events. */
	put(&d, ev, "seq", j_u64(&d, DRM_SVM_A_EVENT_SEQ));
	switch (type) {
	case DRM_SVM_EVENT_TYPE_GPU_FAULT:
		put(&d, ev, "pagemap", j_u32(&d, DRM_SVM_A_EVENT_PAGEMAP_ID));
		put(&d, ev, "pages", j_u64(&d, DRM_SVM_A_EVENT_PAGES));
		break;
	case DRM_SVM_EVENT_TYPE_MIGRATE:
		put(&d, ev, "pagemap", j_u32(&d, DRM_SVM_A_EVENT_PAGEMAP_ID));
		put(&d, ev, "direction", j_enum(&d, DRM_SVM_A_EVENT_DIRECTION, &xesvm_svm_migrate_direction));
		put(&d, ev, "trigger", j_enum(&d, DRM_SVM_A_EVENT_TRIGGER, &xesvm_svm_migrate_trigger));
		put(&d, ev, "pages", j_u64(&d, DRM_SVM_A_EVENT_PAGES));
		/* Only a CPU fault can be deferred: no key for the other triggers. */
		if (d.tb[DRM_SVM_A_EVENT_TRIGGER] &&
		    nla_get_u32(d.tb[DRM_SVM_A_EVENT_TRIGGER]) == DRM_SVM_MIGRATE_TRIGGER_CPU_FAULT)
			put(&d, ev, "cpu_faults_deferred",
			    j_u64(&d, DRM_SVM_A_EVENT_CPU_FAULTS_DEFERRED));
		break;
	case DRM_SVM_EVENT_TYPE_GC:
		put(&d, ev, "ranges", j_u64(&d, DRM_SVM_A_EVENT_RANGES));
		break;
	case DRM_SVM_EVENT_TYPE_MEM_ATTR:
		put(&d, ev, "pagemap", j_u32(&d, DRM_SVM_A_EVENT_PAGEMAP_ID));
		break;
	case DRM_SVM_EVENT_TYPE_ATTR_RESET:
		put(&d, ev, "split", d.tb[DRM_SVM_A_EVENT_SPLIT] ?
		    json_boolean(nla_get_u8(d.tb[DRM_SVM_A_EVENT_SPLIT])) : json_null());
		put(&d, ev, "before", d.tb[DRM_SVM_A_EVENT_BEFORE] ?
		    j_before(&d, d.tb[DRM_SVM_A_EVENT_BEFORE]) : json_null());
		break;
	default:
		break;
	}
	/* The kernel sends 0 or -errno; the model keeps the positive errno. */
	if (!d.failed && d.tb[DRM_SVM_A_EVENT_RESULT]) {
		int32_t res = nla_get_s32(d.tb[DRM_SVM_A_EVENT_RESULT]);

		if (res > 0 || res < -4095)
			fail(&d, "attribute result: %" PRId32 " is not 0 or a negative errno", res);
		else
			put(&d, ev, "result", json_integer(-(json_int_t)res));
	} else {
		put(&d, ev, "result", json_null());
	}
	if (d.failed) {
		json_decref(ev);
		return -1;
	}
	*out = ev;
	return 0;
}

int xesvm_nl_decode_migrate(const struct nlmsghdr *nlh,
			    struct xesvm_migrate_result *res, struct xesvm_error *err)
{
	struct dec d;

	memset(res, 0, sizeof(*res));
	if (parse(&d, nlh, DRM_SVM_CMD_MIGRATE, XESVM_NL_SET_MIGRATE, "migrate reply", err) ||
	    require(&d, DRM_SVM_A_MIGRATE_RANGES, DRM_SVM_A_MIGRATE_RANGES_FAILED,
		    DRM_SVM_A_MIGRATE_PAGES, 0))
		return -1;
	res->ranges = get_uint(&d, DRM_SVM_A_MIGRATE_RANGES);
	res->ranges_failed = get_uint(&d, DRM_SVM_A_MIGRATE_RANGES_FAILED);
	res->pages = get_uint(&d, DRM_SVM_A_MIGRATE_PAGES);
	if (d.tb[DRM_SVM_A_MIGRATE_FIRST_ERROR]) {
		res->first_error = nla_get_s32(d.tb[DRM_SVM_A_MIGRATE_FIRST_ERROR]);
		if (res->first_error >= 0 || res->first_error < -4095) {
			fail(&d, "attribute first-error: %d is not a negative errno",
			     res->first_error);
			memset(res, 0, sizeof(*res));
			return -1;
		}
		if (d.tb[DRM_SVM_A_MIGRATE_FIRST_ERROR_ADDR])
			res->first_error_addr = get_uint(&d, DRM_SVM_A_MIGRATE_FIRST_ERROR_ADDR);
	}
	return 0;
}

int xesvm_nl_decode_gc(const struct nlmsghdr *nlh, struct xesvm_gc_result *res,
		       struct xesvm_error *err)
{
	struct dec d;

	memset(res, 0, sizeof(*res));
	if (parse(&d, nlh, DRM_SVM_CMD_GC, XESVM_NL_SET_GC, "gc reply", err) ||
	    require(&d, DRM_SVM_A_GC_RANGES, DRM_SVM_A_GC_BYTES, DRM_SVM_A_GC_ATTR_RESETS, 0))
		return -1;
	res->ranges = get_uint(&d, DRM_SVM_A_GC_RANGES);
	res->bytes = get_uint(&d, DRM_SVM_A_GC_BYTES);
	res->attr_resets = get_uint(&d, DRM_SVM_A_GC_ATTR_RESETS);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Errors and extended ACKs                                            */
/* ------------------------------------------------------------------ */

/*
 * The attribute of request @req whose header is at offset @offs (from an
 * extended ACK): its type in ack->bad_attr, and the type of the nest of
 * the request holding it in ack->bad_nest (the kernel points into xe's
 * nest of mem-attr-set for a value it refuses there). No attribute
 * starting at @offs leaves both -1.
 */
static void bad_attr_at(const struct nlmsghdr *req, uint32_t offs, struct xesvm_nl_ack *ack)
{
	const char *base = (const char *)req;
	const int first = NLMSG_HDRLEN + GENL_HDRLEN;
	struct nlattr *a, *inner;
	int rem, inner_rem;

	if (req->nlmsg_len < (uint32_t)first)
		return;
	nla_for_each_attr(a, (struct nlattr *)(base + first), (int)req->nlmsg_len - first, rem) {
		uint32_t at = (uint32_t)((const char *)a - base);

		if (offs == at) {
			ack->bad_attr = nla_type(a);
			return;
		}
		if (offs < at || offs >= at + (uint32_t)a->nla_len)
			continue;
		if (!(a->nla_type & NLA_F_NESTED))
			return;
		nla_for_each_nested(inner, a, inner_rem) {
			if (offs == (uint32_t)((const char *)inner - base)) {
				ack->bad_nest = nla_type(a);
				ack->bad_attr = nla_type(inner);
				return;
			}
		}
		return;
	}
}

int xesvm_nl_parse_ack(const struct nlmsghdr *nlh, const struct nlmsghdr *req,
		       struct xesvm_nl_ack *ack, struct xesvm_error *err)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	size_t payload = nlh->nlmsg_len >= NLMSG_HDRLEN ? nlh->nlmsg_len - NLMSG_HDRLEN : 0;
	size_t tlv_at;

	memset(ack, 0, sizeof(*ack));
	ack->bad_attr = -1;
	ack->bad_nest = -1;
	ack->missing_attr = -1;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = nlmsg_data(nlh);

		if (payload < sizeof(*e)) {
			xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO,
					"drm-svm: truncated error message from the kernel");
			return -1;
		}
		ack->error = e->error;
		tlv_at = NLMSG_ALIGN(sizeof(*e));
		/* Without NETLINK_CAP_ACK the request's payload is echoed first. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len > NLMSG_HDRLEN)
			tlv_at += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		/* A dump's end: its error code, then the extack of its last part. */
		if (payload >= sizeof(int))
			memcpy(&ack->error, nlmsg_data(nlh), sizeof(int));
		tlv_at = NLMSG_ALIGN(sizeof(int));
	} else {
		xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO,
				"drm-svm: message type %u is not an acknowledgement",
				nlh->nlmsg_type);
		return -1;
	}
	if (ack->error > 0 || ack->error < -4095) {
		xesvm_error_set(err, XESVM_E_SYSTEM, EPROTO,
				"drm-svm: error code %d from the kernel is not a negative errno",
				ack->error);
		return -1;
	}
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || tlv_at >= payload)
		return 0;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlmsg_data(nlh) + tlv_at),
		      (int)(payload - tlv_at), NULL))
		return 0;	/* the errno alone still says what failed */
	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		const char *s = nla_data(tb[NLMSGERR_ATTR_MSG]);
		size_t n = strnlen(s, (size_t)nla_len(tb[NLMSGERR_ATTR_MSG]));
		size_t i;

		if (n >= sizeof(ack->msg))
			n = sizeof(ack->msg) - 1;
		/* One printable line; anything else would garble a terminal or -j. */
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];

			ack->msg[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
		}
		ack->msg[n] = '\0';
	}
	/* An offset from the start of our request to the attribute's header. */
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) == 4 && req)
		bad_attr_at(req, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]), ack);
	if (tb[NLMSGERR_ATTR_MISS_TYPE] && nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) == 4)
		ack->missing_attr = (int)(nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]) & 0xffff);
	return 0;
}

/* What an errno means for a request of this family (drm_svm.c). */
static const char *explain_errno(int e)
{
	switch (e) {
	case EACCES:
		return "permission denied: reading another user's VM needs ptrace read access "
		       "(CAP_SYS_PTRACE or same user)";
	case EPERM:
		return "operation not permitted: changing a VM needs CAP_SYS_NICE (and ptrace "
		       "read access to its process)";
	case ESRCH:
		return "the process owning the VM has exited";
	case ENOENT:
		return "not found (the VM or pagemap does not exist, or went away)";
	case ENODEV:
		return "no such device (not, or no longer, a drm-svm provider)";
	case EOPNOTSUPP:
		return "operation not supported by the device's driver";
	case ERANGE:
		return "address window outside the VM's address space";
	case EINVAL:
		return "invalid argument";
	default:
		return NULL;
	}
}

/*
 * The name of attribute @type of @set, or of nest @nest of @set when @nest
 * is not -1 ("xe.pat-index", as YNL writes it); "#N" for a number the
 * tables do not name.
 */
static void attr_path(char *buf, size_t size, enum xesvm_nl_set set, int nest, int type)
{
	char prefix[40] = "";
	const char *name;

	if (nest >= 0) {
		enum xesvm_nl_set nested_set;

		if (!xesvm_nl_attr_nested(set, (unsigned int)nest, &nested_set)) {
			snprintf(buf, size, "#%d.#%d", nest, type);
			return;
		}
		snprintf(prefix, sizeof(prefix), "%s.", xesvm_nl_attr_name(set, (unsigned int)nest));
		set = nested_set;
	}
	name = xesvm_nl_attr_name(set, (unsigned int)type);
	if (name)
		snprintf(buf, size, "%s%s", prefix, name);
	else
		snprintf(buf, size, "%s#%d", prefix, type);
}

void xesvm_nl_ack_error(const struct xesvm_nl_ack *ack, enum xesvm_nl_set set,
			const char *what, bool user_target, struct xesvm_error *err)
{
	int e = ack->error < 0 ? -ack->error : EPROTO;
	const char *expl = explain_errno(e);
	char attr[96] = "", kernel[300] = "";
	enum xesvm_status status = XESVM_E_SYSTEM;

	if (ack->bad_attr >= 0) {
		char path[64];

		attr_path(path, sizeof(path), set, ack->bad_nest, ack->bad_attr);
		snprintf(attr, sizeof(attr), "attribute %s", path);
	} else if (ack->missing_attr >= 0) {
		char path[64];

		attr_path(path, sizeof(path), set, -1, ack->missing_attr);
		snprintf(attr, sizeof(attr), "missing attribute %s", path);
	}
	if (ack->msg[0])
		snprintf(kernel, sizeof(kernel), "; kernel: %s%s%s%s", ack->msg,
			 attr[0] ? " (" : "", attr, attr[0] ? ")" : "");
	else if (attr[0])
		snprintf(kernel, sizeof(kernel), " (%s)", attr);
	if (user_target && (e == EINVAL || e == ERANGE || e == ENOENT || e == ENODEV))
		status = XESVM_E_USAGE;
	xesvm_error_set(err, status, e, "%s: %s%s", what, expl ? expl : strerror(e), kernel);
}

int xesvm_nl_parse_socket_drops(FILE *f, unsigned long inode, uint64_t *drops)
{
	char line[256];

	while (fgets(line, sizeof(line), f)) {
		unsigned long long d;
		unsigned long ino;

		/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
		if (sscanf(line, "%*s %*d %*u %*x %*d %*d %*d %*d %llu %lu", &d, &ino) == 2 &&
		    ino == inode) {
			*drops = d;
			return 0;
		}
	}
	return -1;
}
