// SPDX-License-Identifier: MIT
/*
 * struct xesvm_range <-> JSON: the only mapping between the packed range
 * representation and the "ranges" objects of xesvm-json(7). Everything that
 * reads or writes a range (snapshot loader, writer, diff) goes through here,
 * so the two directions cannot drift apart.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "model_internal.h"

/*
 * Packed: a million ranges are 80 MB. A new member must be worth that. The
 * page sets take 24 of them: one inline (nearly every range has one), or
 * a pointer to several. A 64-bit VM id (the kernel never reuses one)
 * made it 76 bytes of members where there were 72, 80 with the alignment
 * of the page set: no member has 4 bytes to give up.
 */
_Static_assert(sizeof(struct xesvm_range) == 80, "struct xesvm_range is 80 bytes");
_Static_assert(XESVM_RANGE_PAGES_FLAGS <= UINT8_MAX, "a page set's flags fit one_flags");
_Static_assert(XESVM_RANGE_FLAG_COUNT <= 16, "a range's flags fit its 16 bits");

static const char *const range_flag_names[XESVM_RANGE_FLAG_COUNT] = {
	"migrate_devmem",
	"unmapped",
	"partial_unmap",
	"has_devmem_pages",
	"has_dma_mapping",
	"gc_pending",
	"stale",
};

static const char *const residency_names[] = {
	[XESVM_RES_NONE] = "none",
	[XESVM_RES_SYSTEM] = "system",
	[XESVM_RES_DEVICE] = "device",
};

const char *xesvm_range_flag_name(unsigned int bit)
{
	return bit < XESVM_RANGE_FLAG_COUNT ? range_flag_names[bit] : NULL;
}

/* ------------------------------------------------------------------ */
/* Page sets                                                           */
/* ------------------------------------------------------------------ */

struct xesvm_range_pages xesvm_range_get_pages(const struct xesvm_range *r, unsigned int i)
{
	if (r->pages_described > 1)
		return r->pages.several[i];
	return (struct xesvm_range_pages){
		.notifier_seq = r->pages.one.notifier_seq,
		.device = r->pages.one.device,
		.pagemap = r->pages.one.pagemap,
		.flags = r->one_flags,
	};
}

int xesvm_range_set_pages(struct xesvm_range *r, const struct xesvm_range_pages *sets,
			  unsigned int n)
{
	unsigned int i;

	if (n > XESVM_RANGE_PAGES_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (sets[i].flags & ~(uint32_t)XESVM_RANGE_PAGES_FLAGS)
			return -EINVAL;
	memset(&r->pages, 0, sizeof(r->pages));
	r->one_flags = 0;
	r->pages_described = (uint8_t)n;
	if (n == 1) {
		r->pages.one.notifier_seq = sets[0].notifier_seq;
		r->pages.one.device = sets[0].device;
		r->pages.one.pagemap = sets[0].pagemap;
		r->one_flags = (uint8_t)sets[0].flags;
	} else if (n > 1) {
		r->pages.several = sets;
	}
	return 0;
}

void xesvm_range_pages_from_v1(struct xesvm_range *r, uint64_t notifier_seq, uint32_t pagemap)
{
	const struct xesvm_range_pages set = {
		.notifier_seq = notifier_seq ? notifier_seq : XESVM_NOTIFIER_SEQ_NONE,
		.device = r->device,
		.pagemap = pagemap,
		.flags = r->flags & XESVM_RANGE_PAGES_FLAGS,
	};

	r->pages_count = 1;
	xesvm_range_set_pages(r, &set, 1);
}

/* ------------------------------------------------------------------ */
/* Residency                                                           */
/* ------------------------------------------------------------------ */

/*
 * drm_gpusvm keeps has_dma_mapping set for device-private pages too (they
 * are "mapped" through the pagemap's device_map), so device pages win over
 * system pages; unmapped pages are nothing the GPU can use.
 */
static enum xesvm_residency residency_of(uint32_t flags)
{
	if (flags & XESVM_RANGE_UNMAPPED)
		return XESVM_RES_NONE;
	if (flags & XESVM_RANGE_HAS_DEVMEM_PAGES)
		return XESVM_RES_DEVICE;
	if (flags & XESVM_RANGE_HAS_DMA_MAPPING)
		return XESVM_RES_SYSTEM;
	return XESVM_RES_NONE;
}

/* A range's flags hold those of all its page sets: "device" if any set is in device memory. */
enum xesvm_residency xesvm_range_residency(const struct xesvm_range *r)
{
	return residency_of(r->flags);
}

enum xesvm_residency xesvm_range_pages_residency(const struct xesvm_range_pages *p)
{
	return residency_of(p->flags);
}

const char *xesvm_residency_name(enum xesvm_residency res)
{
	if ((unsigned int)res >= sizeof(residency_names) / sizeof(residency_names[0]))
		return NULL;
	return residency_names[res];
}

/* ------------------------------------------------------------------ */
/* Equality and members                                                */
/* ------------------------------------------------------------------ */

bool xesvm_range_pages_equal(const struct xesvm_range_pages *a,
			     const struct xesvm_range_pages *b)
{
	return a->notifier_seq == b->notifier_seq && a->device == b->device &&
	       a->pagemap == b->pagemap && a->flags == b->flags;
}

bool xesvm_range_equal(const struct xesvm_range *a, const struct xesvm_range *b)
{
	unsigned int i;

	if (a->start != b->start || a->end != b->end ||
	    a->notifier_start != b->notifier_start || a->notifier_end != b->notifier_end ||
	    a->device != b->device || a->vm != b->vm || a->flags != b->flags ||
	    a->pages_count != b->pages_count || a->pages_described != b->pages_described ||
	    a->tile_present != b->tile_present || a->tile_invalidated != b->tile_invalidated)
		return false;
	for (i = 0; i < a->pages_described; i++) {
		struct xesvm_range_pages pa = xesvm_range_get_pages(a, i);
		struct xesvm_range_pages pb = xesvm_range_get_pages(b, i);

		if (!xesvm_range_pages_equal(&pa, &pb))
			return false;
	}
	return true;
}

static struct xesvm_range_member uint_member(const char *key, uint64_t value)
{
	return (struct xesvm_range_member){ .key = key, .type = XESVM_RANGE_MEMBER_UINT,
					    .uint = value };
}

/* An id or number, null when it is @none. */
static struct xesvm_range_member uint_or_null(const char *key, uint64_t value, uint64_t none)
{
	if (value == none)
		return (struct xesvm_range_member){ .key = key, .type = XESVM_RANGE_MEMBER_NULL };
	return uint_member(key, value);
}

static struct xesvm_range_member flags_member(uint32_t flags)
{
	return (struct xesvm_range_member){ .key = "flags", .type = XESVM_RANGE_MEMBER_FLAGS,
					    .uint = flags };
}

void xesvm_range_members(const struct xesvm_range *r,
			 struct xesvm_range_member out[XESVM_RANGE_MEMBER_COUNT])
{
	size_t i = 0;

	out[i++] = uint_member("device", r->device);
	out[i++] = uint_member("vm", r->vm);
	out[i++] = uint_member("start", r->start);
	out[i++] = uint_member("end", r->end);
	out[i++] = uint_member("notifier_start", r->notifier_start);
	out[i++] = uint_member("notifier_end", r->notifier_end);
	out[i++] = flags_member(r->flags);
	out[i++] = (struct xesvm_range_member){
		.key = "residency", .type = XESVM_RANGE_MEMBER_STRING,
		.string = xesvm_residency_name(xesvm_range_residency(r)),
	};
	out[i++] = uint_member("pages_count", r->pages_count);
	out[i++] = (struct xesvm_range_member){
		.key = "pages", .type = XESVM_RANGE_MEMBER_PAGES, .range = r,
	};
	out[i++] = uint_member("tile_present", r->tile_present);
	out[i++] = uint_member("tile_invalidated", r->tile_invalidated);
}

void xesvm_range_pages_members(const struct xesvm_range_pages *p,
			       struct xesvm_range_member out[XESVM_RANGE_PAGES_MEMBER_COUNT])
{
	out[0] = uint_or_null("device", p->device, XESVM_DEVICE_NONE);
	out[1] = flags_member(p->flags);
	out[2] = uint_or_null("pagemap", p->pagemap, XESVM_PAGEMAP_NONE);
	out[3] = uint_or_null("notifier_seq", p->notifier_seq, XESVM_NOTIFIER_SEQ_NONE);
}

/* ------------------------------------------------------------------ */
/* To JSON                                                             */
/* ------------------------------------------------------------------ */

static json_t *members_to_json(const struct xesvm_range_member *members, size_t count);

json_t *xesvm_range_member_json(const struct xesvm_range_member *mb)
{
	unsigned int bit, i;
	json_t *arr;

	switch (mb->type) {
	case XESVM_RANGE_MEMBER_UINT:
		/* JSON integers are int64 (jansson's json_int_t): larger values cannot be exact. */
		return mb->uint > INT64_MAX ? NULL : json_integer((json_int_t)mb->uint);
	case XESVM_RANGE_MEMBER_NULL:
		return json_null();
	case XESVM_RANGE_MEMBER_STRING:
		return json_string(mb->string);
	case XESVM_RANGE_MEMBER_FLAGS:
		arr = json_array();
		for (bit = 0; arr && bit < XESVM_RANGE_FLAG_COUNT; bit++)
			if ((mb->uint & (1u << bit)) &&
			    json_array_append_new(arr, json_string(range_flag_names[bit]))) {
				json_decref(arr);
				return NULL;
			}
		return arr;
	case XESVM_RANGE_MEMBER_PAGES:
		arr = json_array();
		for (i = 0; arr && i < mb->range->pages_described; i++) {
			struct xesvm_range_pages p = xesvm_range_get_pages(mb->range, i);

			if (json_array_append_new(arr, xesvm_range_pages_to_json(&p))) {
				json_decref(arr);
				return NULL;
			}
		}
		return arr;
	}
	return NULL;
}

static json_t *members_to_json(const struct xesvm_range_member *members, size_t count)
{
	json_t *obj = json_object();
	size_t i;

	for (i = 0; obj && i < count; i++) {
		json_t *v = xesvm_range_member_json(&members[i]);

		if (!v || json_object_set_new(obj, members[i].key, v)) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

json_t *xesvm_range_pages_to_json(const struct xesvm_range_pages *p)
{
	struct xesvm_range_member members[XESVM_RANGE_PAGES_MEMBER_COUNT];

	xesvm_range_pages_members(p, members);
	return members_to_json(members, XESVM_RANGE_PAGES_MEMBER_COUNT);
}

json_t *xesvm_range_to_json(const struct xesvm_range *r)
{
	struct xesvm_range_member members[XESVM_RANGE_MEMBER_COUNT];

	xesvm_range_members(r, members);
	return members_to_json(members, XESVM_RANGE_MEMBER_COUNT);
}

/* ------------------------------------------------------------------ */
/* From JSON                                                           */
/* ------------------------------------------------------------------ */

/*
 * Reading one object, a range or one of its page sets: @where names it in
 * messages ("range", "range: pages[1]").
 */
struct reading {
	const json_t *obj;
	const char *where;
	struct xesvm_error *err;
};

static int get_uint(const struct reading *rd, const char *key, uint64_t max, uint64_t *out)
{
	json_t *v = json_object_get(rd->obj, key);

	if (!v) {
		xesvm_error_set(rd->err, XESVM_E_USAGE, 0, "%s: missing key \"%s\"", rd->where, key);
		return -1;
	}
	if (!json_is_integer(v)) {
		xesvm_error_set(rd->err, XESVM_E_USAGE, 0, "%s: \"%s\" must be an integer",
				rd->where, key);
		return -1;
	}
	if (json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max) {
		xesvm_error_set(rd->err, XESVM_E_USAGE, 0,
				"%s: \"%s\" out of range: %" JSON_INTEGER_FORMAT,
				rd->where, key, json_integer_value(v));
		return -1;
	}
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_u32(const struct reading *rd, const char *key, uint32_t *out)
{
	uint64_t v;

	if (get_uint(rd, key, UINT32_MAX, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* An integer up to @max, or null for @none. */
static int get_uint_or_null(const struct reading *rd, const char *key, uint64_t max,
			    uint64_t none, uint64_t *out)
{
	json_t *v = json_object_get(rd->obj, key);

	if (json_is_null(v)) {
		*out = none;
		return 0;
	}
	return get_uint(rd, key, max, out);
}

/* An id of 32 bits or null: UINT32_MAX itself is the "none" marker, not a valid id. */
static int get_id_or_null(const struct reading *rd, const char *key, uint32_t *out)
{
	uint64_t v;

	if (get_uint_or_null(rd, key, UINT32_MAX - 1, UINT32_MAX, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Array @key, of @items ("strings") as its error says; NULL (and @rd's error) if there is none. */
static const json_t *get_array(const struct reading *rd, const char *key, const char *items)
{
	const json_t *arr = json_object_get(rd->obj, key);

	if (!arr) {
		xesvm_error_set(rd->err, XESVM_E_USAGE, 0, "%s: missing key \"%s\"", rd->where, key);
		return NULL;
	}
	if (!json_is_array(arr)) {
		xesvm_error_set(rd->err, XESVM_E_USAGE, 0, "%s: \"%s\" must be an array of %s",
				rd->where, key, items);
		return NULL;
	}
	return arr;
}

/* "flags": names of the bits @allowed, each once. */
static int get_flags(const struct reading *rd, uint32_t allowed, uint32_t *out)
{
	const json_t *arr = get_array(rd, "flags", "strings");
	unsigned int bit;
	json_t *name;
	size_t i;

	if (!arr)
		return -1;
	*out = 0;
	json_array_foreach(arr, i, name) {
		if (!json_is_string(name)) {
			xesvm_error_set(rd->err, XESVM_E_USAGE, 0,
					"%s: \"flags\"[%zu] must be a string", rd->where, i);
			return -1;
		}
		for (bit = 0; bit < XESVM_RANGE_FLAG_COUNT; bit++)
			if (!strcmp(json_string_value(name), range_flag_names[bit]))
				break;
		if (bit == XESVM_RANGE_FLAG_COUNT) {
			xesvm_error_set(rd->err, XESVM_E_USAGE, 0,
					"%s: \"flags\": unknown flag \"%s\"", rd->where,
					json_string_value(name));
			return -1;
		}
		if (!(allowed & (1u << bit))) {
			xesvm_error_set(rd->err, XESVM_E_USAGE, 0,
					"%s: \"flags\": \"%s\" is a flag of the range, not of a page set",
					rd->where, range_flag_names[bit]);
			return -1;
		}
		if (*out & (1u << bit)) {
			xesvm_error_set(rd->err, XESVM_E_USAGE, 0,
					"%s: \"flags\": flag \"%s\" given twice", rd->where,
					range_flag_names[bit]);
			return -1;
		}
		*out |= 1u << bit;
	}
	return 0;
}

static int get_page_set(const json_t *obj, size_t index, struct xesvm_range_pages *out,
			struct xesvm_error *err)
{
	char where[40];
	const struct reading rd = { obj, where, err };

	snprintf(where, sizeof(where), "range: pages[%zu]", index);
	if (!json_is_object(obj)) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "%s: not a JSON object", where);
		return -1;
	}
	if (!json_object_get(obj, "device") || !json_object_get(obj, "pagemap") ||
	    !json_object_get(obj, "notifier_seq")) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "%s: missing key \"%s\"", where,
				!json_object_get(obj, "device") ? "device" :
				!json_object_get(obj, "pagemap") ? "pagemap" : "notifier_seq");
		return -1;
	}
	if (get_id_or_null(&rd, "device", &out->device) ||
	    get_flags(&rd, XESVM_RANGE_PAGES_FLAGS, &out->flags) ||
	    get_id_or_null(&rd, "pagemap", &out->pagemap) ||
	    get_uint_or_null(&rd, "notifier_seq", INT64_MAX, XESVM_NOTIFIER_SEQ_NONE,
			     &out->notifier_seq))
		return -1;
	return 0;
}

/* "pages_count" and "pages" (schema 2 on). */
static int get_page_sets(const struct reading *rd, struct xesvm_range *r,
			 struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX])
{
	const json_t *arr;
	json_t *obj;
	size_t i, n;

	if (get_u32(rd, "pages_count", &r->pages_count))
		return -1;
	arr = get_array(rd, "pages", "objects");
	if (!arr)
		return -1;
	n = json_array_size(arr);
	if (n > XESVM_RANGE_PAGES_MAX) {
		xesvm_error_set(rd->err, XESVM_E_USAGE, 0,
				"%s: \"pages\" has %zu page sets; the kernel describes at most %d",
				rd->where, n, XESVM_RANGE_PAGES_MAX);
		return -1;
	}
	if (n > r->pages_count) {
		xesvm_error_set(rd->err, XESVM_E_USAGE, 0,
				"%s: \"pages\" has %zu page sets, more than \"pages_count\" (%" PRIu32 ")",
				rd->where, n, r->pages_count);
		return -1;
	}
	json_array_foreach(arr, i, obj) {
		if (get_page_set(obj, i, &sets[i], rd->err))
			return -1;
		if (sets[i].flags & ~(uint32_t)r->flags) {
			unsigned int bit = (unsigned int)__builtin_ctz(sets[i].flags & ~(uint32_t)r->flags);

			xesvm_error_set(rd->err, XESVM_E_USAGE, 0,
					"%s: \"flags\" lack \"%s\" of pages[%zu] (a range has the flags of its page sets)",
					rd->where, range_flag_names[bit], i);
			return -1;
		}
	}
	return xesvm_range_set_pages(r, sets, (unsigned int)n);
}

/* "notifier_seq" and "pagemap" of a range of schema version 1: its one page set. */
static int get_v1_pages(const struct reading *rd, struct xesvm_range *r)
{
	uint64_t seq;
	uint32_t pagemap;

	if (get_uint(rd, "notifier_seq", INT64_MAX, &seq))
		return -1;
	if (!json_object_get(rd->obj, "pagemap")) {
		xesvm_error_set(rd->err, XESVM_E_USAGE, 0, "%s: missing key \"pagemap\"", rd->where);
		return -1;
	}
	if (get_id_or_null(rd, "pagemap", &pagemap))
		return -1;
	xesvm_range_pages_from_v1(r, seq, pagemap);
	return 0;
}

int xesvm_range_from_json_version(const json_t *obj, int version, struct xesvm_range *r,
				  struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX],
				  struct xesvm_error *err)
{
	const struct reading rd = { obj, "range", err };
	struct xesvm_range out = { 0 };
	uint32_t flags;
	const json_t *v;
	const char *res;

	if (!json_is_object(obj)) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "range: not a JSON object");
		return -1;
	}
	if (get_u32(&rd, "device", &out.device) ||
	    get_uint(&rd, "vm", INT64_MAX, &out.vm) ||
	    get_uint(&rd, "start", INT64_MAX, &out.start) ||
	    get_uint(&rd, "end", INT64_MAX, &out.end) ||
	    get_uint(&rd, "notifier_start", INT64_MAX, &out.notifier_start) ||
	    get_uint(&rd, "notifier_end", INT64_MAX, &out.notifier_end))
		return -1;
	if (out.end <= out.start) {
		xesvm_error_set(err, XESVM_E_USAGE, 0,
				"range: \"end\" (%" PRIu64 ") must be above \"start\" (%" PRIu64 ")",
				out.end, out.start);
		return -1;
	}
	if (get_flags(&rd, (1u << XESVM_RANGE_FLAG_COUNT) - 1, &flags))
		return -1;
	out.flags = (uint16_t)flags;
	if (version == 1 ? get_v1_pages(&rd, &out) : get_page_sets(&rd, &out, sets))
		return -1;
	if (get_u32(&rd, "tile_present", &out.tile_present) ||
	    get_u32(&rd, "tile_invalidated", &out.tile_invalidated))
		return -1;

	/*
	 * "residency" is derived from the flags; it is in the JSON for people
	 * and scripts. A value that contradicts the flags means the file was
	 * edited or produced by something else: refuse rather than guess.
	 */
	v = json_object_get(obj, "residency");
	if (!v) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "range: missing key \"residency\"");
		return -1;
	}
	if (!json_is_string(v)) {
		xesvm_error_set(err, XESVM_E_USAGE, 0,
				"range: \"residency\" must be a string");
		return -1;
	}
	res = xesvm_residency_name(xesvm_range_residency(&out));
	if (strcmp(json_string_value(v), res)) {
		if (strcmp(json_string_value(v), "none") &&
		    strcmp(json_string_value(v), "system") &&
		    strcmp(json_string_value(v), "device"))
			xesvm_error_set(err, XESVM_E_USAGE, 0,
					"range: \"residency\": unknown value \"%s\"",
					json_string_value(v));
		else
			xesvm_error_set(err, XESVM_E_USAGE, 0,
					"range: \"residency\" is \"%s\" but its flags say \"%s\"",
					json_string_value(v), res);
		return -1;
	}
	*r = out;
	return 0;
}

int xesvm_range_from_json(const json_t *obj, struct xesvm_range *r,
			  struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX],
			  struct xesvm_error *err)
{
	return xesvm_range_from_json_version(obj, XESVM_SCHEMA_VERSION, r, sets, err);
}
