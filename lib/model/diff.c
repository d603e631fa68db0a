// SPDX-License-Identifier: MIT
/*
 * What changed between two models (xesvm-json(7), DIFF).
 *
 * Counters (GT statistics, pagemap migration statistics, client memory) are
 * reported as deltas b - a. Every collection is compared by identity:
 * devices by minor, clients by device+client_id, VMs by device+vm, VMAs and
 * ranges by device+vm+start, pagemaps by device+id. Both sides are sorted
 * by key and merged, O(n log n); ranges are compared in their packed form
 * and only the few that differ are turned into JSON, one at a time when
 * the caller walks them (xesvm_range_diff_next()): the diff of two
 * snapshots of a million ranges changes tens of thousands. A range's page
 * sets are compared per device: the pages one device has of it before
 * and after.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

struct keyed {
	int64_t key[3];
	const json_t *obj;
};

struct collection_spec {
	const char *name;
	const char *keys[3];	/* identity, NULL-padded */
	const char *counters;	/* member holding counters, compared as deltas, or NULL */
};

static const struct collection_spec specs[] = {
	{ "devices",  { "minor" }, NULL },
	{ "clients",  { "device", "client_id" }, "memory" },
	{ "vms",      { "device", "vm" }, NULL },
	{ "vmas",     { "device", "vm", "start" }, NULL },
	{ "pagemaps", { "device", "id" }, "stats" },
};

static int cmp_keys(const int64_t *a, const int64_t *b)
{
	int i;

	for (i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static int cmp_keyed(const void *a, const void *b)
{
	return cmp_keys(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

/*
 * b - a for counters: integers subtract, objects recurse (so nested stats
 * like to_device.count work), anything else (null, a counter on one side
 * only, overflow) is null: unknown, never a made-up zero.
 */
static json_t *counter_delta(const json_t *a, const json_t *b)
{
	if (json_is_integer(a) && json_is_integer(b)) {
		json_int_t d;

		if (__builtin_sub_overflow(json_integer_value(b), json_integer_value(a), &d))
			return json_null();
		return json_integer(d);
	}
	if (json_is_object(a) && json_is_object(b)) {
		json_t *out = json_object();
		const char *key;
		json_t *v;

		if (!out)
			return NULL;
		json_object_foreach((json_t *)b, key, v)
			if (json_object_set_new(out, key, counter_delta(json_object_get(a, key), v)))
				goto fail;
		json_object_foreach((json_t *)a, key, v)
			if (!json_object_get(b, key) && json_object_set_new(out, key, json_null()))
				goto fail;
		return out;
fail:
		json_decref(out);
		return NULL;
	}
	return json_null();
}

/* {"field": {"before": x, "after": y}, ...} for top-level members that differ. */
static json_t *member_changes(const json_t *a, const json_t *b, const char *skip)
{
	json_t *out = json_object();
	const char *key;
	json_t *va, *vb;

	if (!out)
		return NULL;
	json_object_foreach((json_t *)a, key, va) {
		if (skip && !strcmp(key, skip))
			continue;
		vb = json_object_get(b, key);
		if (vb && json_equal(va, vb))
			continue;
		if (json_object_set_new(out, key, json_pack("{s:O, s:O}", "before", va,
							    "after", vb ? vb : json_null())))
			goto fail;
	}
	json_object_foreach((json_t *)b, key, vb) {
		if ((skip && !strcmp(key, skip)) || json_object_get(a, key))
			continue;
		if (json_object_set_new(out, key, json_pack("{s:n, s:O}", "before", "after", vb)))
			goto fail;
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

/* A device without its GT counters (those are reported as deltas instead). */
static json_t *without_gt_stats(const json_t *dev)
{
	json_t *copy = json_deep_copy(dev);
	json_t *gt;
	size_t i;

	json_array_foreach(json_object_get(copy, "gts"), i, gt)
		json_object_del(gt, "stats");
	return copy;
}

static json_t *object_changes(const struct collection_spec *spec, const json_t *a,
			       const json_t *b)
{
	json_t *sa, *sb, *changes;

	if (strcmp(spec->name, "devices"))
		return member_changes(a, b, spec->counters);
	sa = without_gt_stats(a);
	sb = without_gt_stats(b);
	changes = sa && sb ? member_changes(sa, sb, NULL) : NULL;
	json_decref(sa);
	json_decref(sb);
	return changes;
}

static json_t *key_object(const struct collection_spec *spec, const int64_t *key)
{
	json_t *out = json_object();
	int i;

	for (i = 0; out && i < 3 && spec->keys[i]; i++)
		if (json_object_set_new(out, spec->keys[i], json_integer(key[i]))) {
			json_decref(out);
			return NULL;
		}
	return out;
}

static struct keyed *sorted_by_key(const json_t *arr, const struct collection_spec *spec,
				   const char *side, size_t *count, struct xesvm_error *err)
{
	size_t i, n = json_array_size(arr);
	struct keyed *out = calloc(n ? n : 1, sizeof(*out));
	const json_t *obj;
	int k;

	if (!out) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return NULL;
	}
	json_array_foreach(arr, i, obj) {
		out[i].obj = obj;
		for (k = 0; k < 3 && spec->keys[k]; k++) {
			json_t *v = json_object_get(obj, spec->keys[k]);

			if (!json_is_integer(v)) {
				xesvm_error_set(err, XESVM_E_USAGE, 0,
						"diff: %s: %s[%zu] has no integer \"%s\"",
						side, spec->name, i, spec->keys[k]);
				free(out);
				return NULL;
			}
			out[i].key[k] = json_integer_value(v);
		}
	}
	qsort(out, n, sizeof(*out), cmp_keyed);
	*count = n;
	return out;
}

/* added/removed/changed of one JSON collection, plus counter deltas of matched pairs. */
static int diff_collection(const struct xesvm_model *a, const struct xesvm_model *b,
			   const struct collection_spec *spec, json_t *result,
			   json_t *counters, struct xesvm_error *err)
{
	size_t na = 0, nb = 0, i = 0, j = 0;
	struct keyed *ka, *kb = NULL;
	json_t *added = json_array(), *removed = json_array(), *changed = json_array();
	json_t *deltas = spec->counters ? json_array() : NULL;
	int rc = -1;

	ka = sorted_by_key(json_object_get(a->root, spec->name), spec, "first", &na, err);
	if (ka)
		kb = sorted_by_key(json_object_get(b->root, spec->name), spec, "second", &nb, err);
	if (!ka || !kb)
		goto out;
	if (!added || !removed || !changed || (spec->counters && !deltas))
		goto oom;
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : cmp_keys(ka[i].key, kb[j].key);

		if (c < 0) {
			if (json_array_append(removed, (json_t *)ka[i++].obj))
				goto oom;
		} else if (c > 0) {
			if (json_array_append(added, (json_t *)kb[j++].obj))
				goto oom;
		} else {
			json_t *changes = object_changes(spec, ka[i].obj, kb[j].obj);

			if (!changes)
				goto oom;
			if (json_object_size(changes) &&
			    json_array_append_new(changed, json_pack("{s:o, s:o}",
					"key", key_object(spec, ka[i].key), "changes", changes)))
				goto oom;
			if (!json_object_size(changes))
				json_decref(changes);
			if (deltas) {
				json_t *d = key_object(spec, ka[i].key);

				if (!d || json_object_set_new(d, spec->counters,
						counter_delta(json_object_get(ka[i].obj, spec->counters),
							      json_object_get(kb[j].obj, spec->counters))) ||
				    json_array_append_new(deltas, d))
					goto oom;
			}
			i++;
			j++;
		}
	}
	if (json_object_set_new(result, spec->name, json_pack("{s:O, s:O, s:O}",
			"added", added, "removed", removed, "changed", changed)))
		goto oom;
	if (deltas && json_object_set(counters, spec->name, deltas))
		goto oom;
	rc = 0;
	goto out;
oom:
	xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
out:
	free(ka);
	free(kb);
	json_decref(added);
	json_decref(removed);
	json_decref(changed);
	json_decref(deltas);
	return rc;
}

/* GT statistics: per device minor and GT id, deltas of every counter. */
static int diff_gt_stats(const struct xesvm_model *a, const struct xesvm_model *b,
			 json_t *counters, struct xesvm_error *err)
{
	json_t *out = json_array();
	const json_t *da, *db, *ga, *gb;
	size_t i, j, k, l;

	if (!out)
		goto oom;
	json_array_foreach(json_object_get(a->root, "devices"), i, da) {
		json_array_foreach(json_object_get(b->root, "devices"), j, db) {
			if (!json_equal(json_object_get(da, "minor"), json_object_get(db, "minor")))
				continue;
			json_array_foreach(json_object_get(da, "gts"), k, ga) {
				json_array_foreach(json_object_get(db, "gts"), l, gb) {
					json_t *d;

					if (!json_is_integer(json_object_get(ga, "id")) ||
					    !json_equal(json_object_get(ga, "id"), json_object_get(gb, "id")))
						continue;
					d = json_pack("{s:O, s:O, s:o}",
						      "device", json_object_get(da, "minor"),
						      "gt", json_object_get(ga, "id"),
						      "stats", counter_delta(json_object_get(ga, "stats"),
									     json_object_get(gb, "stats")));
					if (!d || json_array_append_new(out, d))
						goto oom;
				}
			}
		}
	}
	return json_object_set_new(counters, "gts", out) ? (out = NULL, -1) : 0;
oom:
	json_decref(out);
	xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
	return -1;
}

static int cmp_range_key(const void *pa, const void *pb)
{
	const struct xesvm_range *a = pa, *b = pb;

	if (a->device != b->device)
		return a->device < b->device ? -1 : 1;
	if (a->vm != b->vm)
		return a->vm < b->vm ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return 0;
}

static int cmp_range_index(const void *pa, const void *pb, void *ranges)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int c = cmp_range_key(&((const struct xesvm_range *)ranges)[a],
			      &((const struct xesvm_range *)ranges)[b]);

	/* Equal keys keep the model's order, so the pairing does not depend on the sort. */
	return c ? c : a < b ? -1 : a > b;
}

/*
 * The indexes of @m's ranges in key order: 4 bytes a range where a sorted
 * copy took 80. In order already (as every source writes them), there is
 * nothing to sort or to hold: *@order stays NULL. -1 when out of memory.
 */
static int ranges_in_key_order(const struct xesvm_model *m, uint32_t **order)
{
	size_t i;

	*order = NULL;
	for (i = 1; i < m->range_count; i++)
		if (cmp_range_key(&m->ranges[i - 1], &m->ranges[i]) > 0)
			break;
	if (i >= m->range_count)
		return 0;
	if (m->range_count > UINT32_MAX)
		return -1;
	*order = malloc(m->range_count * sizeof(**order));
	if (!*order)
		return -1;
	for (i = 0; i < m->range_count; i++)
		(*order)[i] = (uint32_t)i;
	qsort_r(*order, m->range_count, sizeof(**order), cmp_range_index, m->ranges);
	return 0;
}

/* changes[@key] = {"before": @before, "after": @after}; takes both (NULL: out of memory). */
static int add_change(json_t *changes, const char *key, json_t *before, json_t *after)
{
	json_t *c = json_object();
	int rc = !c || !before || !after || json_object_set(c, "before", before) ||
		 json_object_set(c, "after", after) || json_object_set(changes, key, c);

	json_decref(c);
	json_decref(before);
	json_decref(after);
	return rc ? -1 : 0;
}

static bool same_member(const struct xesvm_range_member *a, const struct xesvm_range_member *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == XESVM_RANGE_MEMBER_STRING)
		return !strcmp(a->string, b->string);
	return a->uint == b->uint;
}

/*
 * "pages[device=D]": how a change names the page set of device D (null: of
 * no device). Page sets are paired by device; should a range have several
 * of one device, the second is "pages[device=D#2]", and so on.
 */
static void page_set_label(char *buf, size_t size, const struct xesvm_range_pages *sets,
			   unsigned int index)
{
	unsigned int nth = 1, k;
	int n;

	for (k = 0; k < index; k++)
		nth += sets[k].device == sets[index].device;
	if (sets[index].device == XESVM_DEVICE_NONE)
		n = snprintf(buf, size, "pages[device=null");
	else
		n = snprintf(buf, size, "pages[device=%" PRIu32, sets[index].device);
	if (nth > 1)
		snprintf(buf + n, size - (size_t)n, "#%u]", nth);
	else
		snprintf(buf + n, size - (size_t)n, "]");
}

/*
 * The page sets of a range in both models, device by device: a set on
 * both sides adds "pages[device=D].KEY" for each member that differs, a
 * set on one side only "pages[device=D]" with null on the other.
 */
static int page_set_changes(json_t *changes, const struct xesvm_range *a,
			    const struct xesvm_range *b)
{
	struct xesvm_range_pages pa[XESVM_RANGE_PAGES_MAX], pb[XESVM_RANGE_PAGES_MAX];
	bool paired[XESVM_RANGE_PAGES_MAX] = { false };
	unsigned int na = a->pages_described, nb = b->pages_described, i, j, k;
	char label[64], key[96];

	for (i = 0; i < na; i++)
		pa[i] = xesvm_range_get_pages(a, i);
	for (j = 0; j < nb; j++)
		pb[j] = xesvm_range_get_pages(b, j);
	for (i = 0; i < na; i++) {
		struct xesvm_range_member ma[XESVM_RANGE_PAGES_MEMBER_COUNT];
		struct xesvm_range_member mb[XESVM_RANGE_PAGES_MEMBER_COUNT];

		for (j = 0; j < nb && (paired[j] || pb[j].device != pa[i].device); j++)
			;
		page_set_label(label, sizeof(label), pa, i);
		if (j == nb) {
			if (add_change(changes, label, xesvm_range_pages_to_json(&pa[i]), json_null()))
				return -1;
			continue;
		}
		paired[j] = true;
		xesvm_range_pages_members(&pa[i], ma);
		xesvm_range_pages_members(&pb[j], mb);
		for (k = 0; k < XESVM_RANGE_PAGES_MEMBER_COUNT; k++) {
			if (same_member(&ma[k], &mb[k]))
				continue;
			snprintf(key, sizeof(key), "%s.%s", label, ma[k].key);
			if (add_change(changes, key, xesvm_range_member_json(&ma[k]),
				       xesvm_range_member_json(&mb[k])))
				return -1;
		}
	}
	for (j = 0; j < nb; j++) {
		if (paired[j])
			continue;
		page_set_label(label, sizeof(label), pb, j);
		if (add_change(changes, label, json_null(), xesvm_range_pages_to_json(&pb[j])))
			return -1;
	}
	return 0;
}

/* {KEY: {"before", "after"}} of two ranges with the same key, in the order of their members. */
static json_t *range_changes(const struct xesvm_range *a, const struct xesvm_range *b)
{
	struct xesvm_range_member ma[XESVM_RANGE_MEMBER_COUNT], mb[XESVM_RANGE_MEMBER_COUNT];
	json_t *changes = json_object();
	size_t i;

	xesvm_range_members(a, ma);
	xesvm_range_members(b, mb);
	for (i = 0; changes && i < XESVM_RANGE_MEMBER_COUNT; i++) {
		int rc = 0;

		if (ma[i].type == XESVM_RANGE_MEMBER_PAGES)
			rc = page_set_changes(changes, a, b);
		else if (!same_member(&ma[i], &mb[i]))
			rc = add_change(changes, ma[i].key, xesvm_range_member_json(&ma[i]),
					xesvm_range_member_json(&mb[i]));
		if (rc) {
			json_decref(changes);
			return NULL;
		}
	}
	return changes;
}

/* ------------------------------------------------------------------ */
/* Ranges, one entry at a time                                          */
/* ------------------------------------------------------------------ */

struct xesvm_range_diff {
	const struct xesvm_model *a, *b;
	uint32_t *order_a, *order_b;	/* key order; NULL: the model's order is */
	enum xesvm_diff_part part;	/* being walked */
	size_t i, j;			/* next range of a and b in key order */
};

struct xesvm_range_diff *xesvm_range_diff_new(const struct xesvm_model *a,
					      const struct xesvm_model *b,
					      struct xesvm_error *err)
{
	struct xesvm_range_diff *d = calloc(1, sizeof(*d));

	if (!d || ranges_in_key_order(a, &d->order_a) || ranges_in_key_order(b, &d->order_b)) {
		xesvm_range_diff_free(d);
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return NULL;
	}
	d->a = a;
	d->b = b;
	return d;
}

void xesvm_range_diff_free(struct xesvm_range_diff *d)
{
	if (!d)
		return;
	free(d->order_a);
	free(d->order_b);
	free(d);
}

void xesvm_range_diff_rewind(struct xesvm_range_diff *d, enum xesvm_diff_part part)
{
	d->part = part;
	d->i = d->j = 0;
}

static const struct xesvm_range *range_in_order(const struct xesvm_model *m,
						const uint32_t *order, size_t k)
{
	return &m->ranges[order ? order[k] : k];
}

/*
 * One step of the merge of both models' ranges in key order: the next
 * range only in a (removed), only in b (added) or in both but not equal
 * (changed); *@ra and *@rb are the two sides (NULL for a side that lacks
 * it). False at the end.
 */
static bool next_difference(struct xesvm_range_diff *d, enum xesvm_diff_part *part,
			    const struct xesvm_range **ra, const struct xesvm_range **rb)
{
	size_t na = d->a->range_count, nb = d->b->range_count;

	while (d->i < na || d->j < nb) {
		*ra = d->i < na ? range_in_order(d->a, d->order_a, d->i) : NULL;
		*rb = d->j < nb ? range_in_order(d->b, d->order_b, d->j) : NULL;
		int c = !*ra ? 1 : !*rb ? -1 : cmp_range_key(*ra, *rb);

		if (c < 0) {
			d->i++;
			*rb = NULL;
			*part = XESVM_DIFF_REMOVED;
			return true;
		}
		if (c > 0) {
			d->j++;
			*ra = NULL;
			*part = XESVM_DIFF_ADDED;
			return true;
		}
		d->i++;
		d->j++;
		if (!xesvm_range_equal(*ra, *rb)) {
			*part = XESVM_DIFF_CHANGED;
			return true;
		}
	}
	return false;
}

int xesvm_range_diff_next(struct xesvm_range_diff *d, json_t **entry, struct xesvm_error *err)
{
	const struct xesvm_range *ra, *rb;
	enum xesvm_diff_part part;

	*entry = NULL;
	while (next_difference(d, &part, &ra, &rb)) {
		if (part != d->part)
			continue;
		if (part == XESVM_DIFF_CHANGED) {
			json_t *changes = range_changes(ra, rb);

			*entry = changes ? json_pack("{s:{s:I, s:I, s:I}, s:o}", "key",
						     "device", (json_int_t)ra->device,
						     "vm", (json_int_t)ra->vm,
						     "start", (json_int_t)ra->start,
						     "changes", changes) : NULL;
		} else {
			*entry = xesvm_range_to_json(ra ? ra : rb);
		}
		if (!*entry) {
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
			return -1;
		}
		return 1;
	}
	return 0;
}

size_t xesvm_range_diff_count(struct xesvm_range_diff *d, enum xesvm_diff_part part)
{
	const struct xesvm_range *ra, *rb;
	enum xesvm_diff_part seen;
	size_t n = 0;

	xesvm_range_diff_rewind(d, part);
	while (next_difference(d, &seen, &ra, &rb))
		n += seen == part;
	xesvm_range_diff_rewind(d, part);
	return n;
}

/* The "ranges" object of a diff, every entry held: for xesvm_model_diff(). */
static int diff_ranges(const struct xesvm_model *a, const struct xesvm_model *b,
		       json_t *result, struct xesvm_error *err)
{
	static const char *const parts[] = {
		[XESVM_DIFF_ADDED] = "added",
		[XESVM_DIFF_REMOVED] = "removed",
		[XESVM_DIFF_CHANGED] = "changed",
	};
	struct xesvm_range_diff *d = xesvm_range_diff_new(a, b, err);
	json_t *ranges = json_object(), *entry;
	int rc = d && ranges ? 0 : -1;

	for (size_t p = 0; !rc && p < sizeof(parts) / sizeof(parts[0]); p++) {
		json_t *list = json_array();

		if (!list || json_object_set_new(ranges, parts[p], list)) {
			rc = -1;
			break;
		}
		xesvm_range_diff_rewind(d, (enum xesvm_diff_part)p);
		while (!rc && (rc = xesvm_range_diff_next(d, &entry, err)) > 0)
			rc = json_array_append_new(list, entry) ? -1 : 0;
	}
	if (!rc && json_object_set(result, "ranges", ranges))
		rc = -1;
	if (rc)
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
	json_decref(ranges);
	xesvm_range_diff_free(d);
	return rc;
}

static json_t *origin(const struct xesvm_model *m)
{
	json_t *gen = json_object_get(m->root, "generator");
	json_t *at = json_object_get(m->root, "captured_at");

	return json_pack("{s:O, s:O}", "generator", gen ? gen : json_null(),
			 "captured_at", at ? at : json_null());
}

json_t *xesvm_model_diff_head(const struct xesvm_model *a,
			      const struct xesvm_model *b, struct xesvm_error *err)
{
	json_t *out = json_pack("{s:i, s:o, s:o, s:{}}", "schema_version", XESVM_SCHEMA_VERSION,
				"from", origin(a), "to", origin(b), "counters");
	json_t *counters = out ? json_object_get(out, "counters") : NULL;
	size_t i;

	if (!out) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return NULL;
	}
	if (diff_gt_stats(a, b, counters, err))
		goto fail;
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		if (diff_collection(a, b, &specs[i], out, counters, err))
			goto fail;
		/* Ranges sit between VMAs and pagemaps, as in the model: their place, for now. */
		if (!strcmp(specs[i].name, "vmas") && json_object_set_new(out, "ranges", json_null())) {
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
			goto fail;
		}
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

json_t *xesvm_model_diff(const struct xesvm_model *a,
			 const struct xesvm_model *b, struct xesvm_error *err)
{
	json_t *out = xesvm_model_diff_head(a, b, err);

	if (out && diff_ranges(a, b, out, err)) {
		json_decref(out);
		return NULL;
	}
	return out;
}
