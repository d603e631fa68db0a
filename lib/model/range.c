// SPDX-License-Identifier: MIT
/*
 * struct xesvm_range <-> JSON: the only mapping between the packed range
 * representation and the "ranges" objects of xesvm-json(7). Everything that
 * reads or writes a range (snapshot loader, writer, diff) goes through here,
 * so the two directions cannot drift apart.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "model_internal.h"

/* Packed: a million ranges are 64 MB. A new member must be worth that. */
_Static_assert(sizeof(struct xesvm_range) == 64, "struct xesvm_range is 64 bytes");

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

/*
 * drm_gpusvm keeps has_dma_mapping set for device-private pages too (they
 * are "mapped" through the pagemap's device_map), so device pages win over
 * system pages; an unmapped range has nothing the GPU can use.
 */
enum xesvm_residency xesvm_range_residency(const struct xesvm_range *r)
{
	if (r->flags & XESVM_RANGE_UNMAPPED)
		return XESVM_RES_NONE;
	if (r->flags & XESVM_RANGE_HAS_DEVMEM_PAGES)
		return XESVM_RES_DEVICE;
	if (r->flags & XESVM_RANGE_HAS_DMA_MAPPING)
		return XESVM_RES_SYSTEM;
	return XESVM_RES_NONE;
}

const char *xesvm_residency_name(enum xesvm_residency res)
{
	if ((unsigned int)res >= sizeof(residency_names) / sizeof(residency_names[0]))
		return NULL;
	return residency_names[res];
}

bool xesvm_range_equal(const struct xesvm_range *a, const struct xesvm_range *b)
{
	return a->start == b->start && a->end == b->end &&
	       a->notifier_start == b->notifier_start && a->notifier_end == b->notifier_end &&
	       a->notifier_seq == b->notifier_seq && a->device == b->device &&
	       a->vm == b->vm && a->pagemap == b->pagemap && a->flags == b->flags &&
	       a->tile_present == b->tile_present && a->tile_invalidated == b->tile_invalidated;
}

static struct xesvm_range_member uint_member(const char *key, uint64_t value)
{
	return (struct xesvm_range_member){ .key = key, .type = XESVM_RANGE_MEMBER_UINT,
					    .uint = value };
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
	out[i++] = uint_member("notifier_seq", r->notifier_seq);
	out[i++] = (struct xesvm_range_member){
		.key = "flags", .type = XESVM_RANGE_MEMBER_FLAGS, .uint = r->flags,
	};
	out[i++] = (struct xesvm_range_member){
		.key = "residency", .type = XESVM_RANGE_MEMBER_STRING,
		.string = xesvm_residency_name(xesvm_range_residency(r)),
	};
	out[i++] = r->pagemap == XESVM_PAGEMAP_NONE ?
		(struct xesvm_range_member){ .key = "pagemap", .type = XESVM_RANGE_MEMBER_NULL } :
		uint_member("pagemap", r->pagemap);
	out[i++] = uint_member("tile_present", r->tile_present);
	out[i++] = uint_member("tile_invalidated", r->tile_invalidated);
}

static json_t *member_to_json(const struct xesvm_range_member *mb)
{
	unsigned int bit;
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
	}
	return NULL;
}

json_t *xesvm_range_to_json(const struct xesvm_range *r)
{
	struct xesvm_range_member members[XESVM_RANGE_MEMBER_COUNT];
	json_t *obj = json_object();
	size_t i;

	if (!obj)
		return NULL;
	xesvm_range_members(r, members);
	for (i = 0; i < XESVM_RANGE_MEMBER_COUNT; i++) {
		json_t *v = member_to_json(&members[i]);

		if (!v || json_object_set_new(obj, members[i].key, v)) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

static int get_uint(const json_t *obj, const char *key, uint64_t max,
		    uint64_t *out, struct xesvm_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (!v) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "range: missing key \"%s\"", key);
		return -1;
	}
	if (!json_is_integer(v)) {
		xesvm_error_set(err, XESVM_E_USAGE, 0,
				"range: \"%s\" must be an integer", key);
		return -1;
	}
	if (json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max) {
		xesvm_error_set(err, XESVM_E_USAGE, 0,
				"range: \"%s\" out of range: %" JSON_INTEGER_FORMAT,
				key, json_integer_value(v));
		return -1;
	}
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_u32(const json_t *obj, const char *key, uint32_t *out,
		   struct xesvm_error *err)
{
	uint64_t v;

	if (get_uint(obj, key, UINT32_MAX, &v, err))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int parse_flags(const json_t *arr, uint32_t *out, struct xesvm_error *err)
{
	size_t i;
	json_t *name;
	unsigned int bit;

	if (!json_is_array(arr)) {
		xesvm_error_set(err, XESVM_E_USAGE, 0,
				"range: \"flags\" must be an array of strings");
		return -1;
	}
	*out = 0;
	json_array_foreach(arr, i, name) {
		if (!json_is_string(name)) {
			xesvm_error_set(err, XESVM_E_USAGE, 0,
					"range: \"flags\"[%zu] must be a string", i);
			return -1;
		}
		for (bit = 0; bit < XESVM_RANGE_FLAG_COUNT; bit++)
			if (!strcmp(json_string_value(name), range_flag_names[bit]))
				break;
		if (bit == XESVM_RANGE_FLAG_COUNT) {
			xesvm_error_set(err, XESVM_E_USAGE, 0,
					"range: \"flags\": unknown flag \"%s\"",
					json_string_value(name));
			return -1;
		}
		if (*out & (1u << bit)) {
			xesvm_error_set(err, XESVM_E_USAGE, 0,
					"range: \"flags\": flag \"%s\" given twice",
					range_flag_names[bit]);
			return -1;
		}
		*out |= 1u << bit;
	}
	return 0;
}

int xesvm_range_from_json(const json_t *obj, struct xesvm_range *r,
			  struct xesvm_error *err)
{
	struct xesvm_range out = { 0 };
	const json_t *v;
	const char *res;

	if (!json_is_object(obj)) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "range: not a JSON object");
		return -1;
	}
	if (get_u32(obj, "device", &out.device, err) ||
	    get_u32(obj, "vm", &out.vm, err) ||
	    get_uint(obj, "start", INT64_MAX, &out.start, err) ||
	    get_uint(obj, "end", INT64_MAX, &out.end, err) ||
	    get_uint(obj, "notifier_start", INT64_MAX, &out.notifier_start, err) ||
	    get_uint(obj, "notifier_end", INT64_MAX, &out.notifier_end, err) ||
	    get_uint(obj, "notifier_seq", INT64_MAX, &out.notifier_seq, err))
		return -1;
	if (out.end <= out.start) {
		xesvm_error_set(err, XESVM_E_USAGE, 0,
				"range: \"end\" (%" PRIu64 ") must be above \"start\" (%" PRIu64 ")",
				out.end, out.start);
		return -1;
	}
	v = json_object_get(obj, "flags");
	if (!v) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "range: missing key \"flags\"");
		return -1;
	}
	if (parse_flags(v, &out.flags, err))
		return -1;

	v = json_object_get(obj, "pagemap");
	if (!v) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "range: missing key \"pagemap\"");
		return -1;
	}
	if (json_is_null(v)) {
		out.pagemap = XESVM_PAGEMAP_NONE;
	} else {
		uint64_t id;

		/* UINT32_MAX itself is the "none" marker, so it is not a valid id. */
		if (get_uint(obj, "pagemap", UINT32_MAX - 1, &id, err))
			return -1;
		out.pagemap = (uint32_t)id;
	}
	if (get_u32(obj, "tile_present", &out.tile_present, err) ||
	    get_u32(obj, "tile_invalidated", &out.tile_invalidated, err))
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
