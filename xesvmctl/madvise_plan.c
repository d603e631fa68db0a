// SPDX-License-Identifier: MIT
/* madvise --dry-run: the VMA split a change would leave (madvise_plan.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "madvise_plan.h"

struct piece {
	json_t *vma;		/* owned */
	uint64_t start, end;
	bool changed;
};

static bool get_u64(const json_t *obj, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*out = (uint64_t)json_integer_value(v);
	return true;
}

static int cmp_piece(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static bool is_cpu_mirror(const json_t *vma)
{
	const char *kind = json_string_value(json_object_get(vma, "kind"));

	return kind && strcmp(kind, "cpu_mirror") == 0;
}

/* A copy of @vma over [start, end), @change applied when given. */
static bool add_piece(struct piece *p, size_t *n, const json_t *vma,
		      uint64_t start, uint64_t end, const json_t *change)
{
	json_t *copy = json_deep_copy(vma);

	if (!copy ||
	    json_object_set_new(copy, "start", json_integer((json_int_t)start)) ||
	    json_object_set_new(copy, "end", json_integer((json_int_t)end)) ||
	    (change && json_object_update(copy, (json_t *)change))) {
		json_decref(copy);
		return false;
	}
	p[*n] = (struct piece){ copy, start, end, change != NULL };
	(*n)++;
	return true;
}

/* Same attributes: every member but the bounds is equal. */
static bool same_attributes(const json_t *a, const json_t *b)
{
	const char *key;
	json_t *v;

	if (json_object_size(a) != json_object_size(b))
		return false;
	json_object_foreach((json_t *)a, key, v) {
		if (strcmp(key, "start") == 0 || strcmp(key, "end") == 0)
			continue;
		if (!json_equal(v, json_object_get(b, key)))
			return false;
	}
	return true;
}

json_t *madvise_plan(const json_t *vmas, uint64_t start, uint64_t end,
		     const json_t *change, struct xesvm_error *err)
{
	size_t n = json_array_size(vmas), count = 0, i;
	struct piece *p = calloc(3 * n + 1, sizeof(*p));
	json_t *out = NULL, *vma;

	if (!p)
		goto oom;
	json_array_foreach(vmas, i, vma) {
		uint64_t s, e;

		if (!get_u64(vma, "start", &s) || !get_u64(vma, "end", &e) || e <= s) {
			xesvm_error_set(err, XESVM_E_USAGE, 0,
					"VMA %zu has no valid start and end", i);
			goto fail;
		}
		if (!is_cpu_mirror(vma) || e <= start || s >= end) {
			if (!add_piece(p, &count, vma, s, e, NULL))
				goto oom;
			continue;
		}
		if (s < start && !add_piece(p, &count, vma, s, start, NULL))
			goto oom;
		if (!add_piece(p, &count, vma, s > start ? s : start,
			       e < end ? e : end, change))
			goto oom;
		if (e > end && !add_piece(p, &count, vma, end, e, NULL))
			goto oom;
	}
	qsort(p, count, sizeof(*p), cmp_piece);

	/* Merge a changed piece with an adjoining equal CPU-mirror one. */
	size_t kept = 0;

	for (i = 0; i < count; i++) {
		struct piece *last = kept ? &p[kept - 1] : NULL;

		if (last && (last->changed || p[i].changed) &&
		    last->end == p[i].start && is_cpu_mirror(last->vma) &&
		    is_cpu_mirror(p[i].vma) && same_attributes(last->vma, p[i].vma)) {
			last->end = p[i].end;
			last->changed = true;
			if (json_object_set_new(last->vma, "end",
						json_integer((json_int_t)last->end)))
				goto oom;
			json_decref(p[i].vma);
			p[i].vma = NULL;
			continue;
		}
		p[kept++] = p[i];
		if (kept - 1 != i)
			p[i].vma = NULL;
	}
	count = kept;

	out = json_array();
	if (!out)
		goto oom;
	for (i = 0; i < count; i++) {
		if (json_array_append_new(out, p[i].vma)) {
			p[i].vma = NULL;
			goto oom;
		}
		p[i].vma = NULL;
	}
	free(p);
	return out;
oom:
	xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
fail:
	for (i = 0; p && i < count; i++)
		json_decref(p[i].vma);
	free(p);
	json_decref(out);
	return NULL;
}
