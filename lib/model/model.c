// SPDX-License-Identifier: MIT
/*
 * The model: one jansson root object for everything small, plus a packed
 * array of struct xesvm_range for the one collection that can hold millions
 * of entries. See xesvm.h and xesvm-json(7).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>

#include "model_internal.h"
#include "xesvm-config.h"

/* Arrays of ranges from this size on are asked to live in huge pages. */
#define HUGE_HINT_BYTES (4u << 20)

const char *const xesvm_root_keys[] = {
	"schema_version", "generator", "captured_at", "host", "sources", "notes",
	"devices", "clients", "vms", "vmas", "ranges", "pagemaps", "events",
};
const size_t xesvm_root_key_count = sizeof(xesvm_root_keys) / sizeof(xesvm_root_keys[0]);

static const char *const json_collections[] = {
	"devices", "clients", "vms", "vmas", "pagemaps", "events",
};

bool xesvm_is_json_collection(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(json_collections) / sizeof(json_collections[0]); i++)
		if (!strcmp(key, json_collections[i]))
			return true;
	return false;
}

struct xesvm_model *xesvm_model_new(void)
{
	struct xesvm_model *m = calloc(1, sizeof(*m));
	size_t i;
	int rc = 0;

	if (!m)
		return NULL;
	m->root = json_object();
	if (!m->root) {
		free(m);
		return NULL;
	}
	/* Every key exists from the start (null when unknown): scripts rely on the key set. */
	rc |= json_object_set_new(m->root, "schema_version", json_integer(XESVM_SCHEMA_VERSION));
	rc |= json_object_set_new(m->root, "generator", json_null());
	rc |= json_object_set_new(m->root, "captured_at", json_null());
	rc |= json_object_set_new(m->root, "host", json_null());
	rc |= json_object_set_new(m->root, "sources", json_object());
	rc |= json_object_set_new(m->root, "notes", json_array());
	for (i = 0; i < sizeof(json_collections) / sizeof(json_collections[0]); i++)
		rc |= json_object_set_new(m->root, json_collections[i], json_array());
	if (rc) {
		xesvm_model_free(m);
		return NULL;
	}
	return m;
}

void xesvm_model_free(struct xesvm_model *m)
{
	if (!m)
		return;
	json_decref(m->root);
	free(m->ranges);
	while (m->pages_blocks) {
		struct xesvm_pages_block *next = m->pages_blocks->next;

		free(m->pages_blocks);
		m->pages_blocks = next;
	}
	free(m->note_views);
	free(m);
}

json_t *xesvm_model_root(const struct xesvm_model *m)
{
	return m->root;
}

json_t *xesvm_model_array(struct xesvm_model *m, const char *key)
{
	json_t *arr = json_object_get(m->root, key);

	if (json_is_array(arr))
		return arr;
	arr = json_array();
	if (!arr || json_object_set_new(m->root, key, arr))
		return NULL;
	return arr;
}

int xesvm_model_reserve_ranges(struct xesvm_model *m, size_t count)
{
	size_t want, cap, page = 4096;
	struct xesvm_range *p;

	if (count > SIZE_MAX / sizeof(*p) - m->range_count)
		return -ENOMEM;
	want = m->range_count + count;
	if (want <= m->range_capacity)
		return 0;
	cap = m->range_capacity ? m->range_capacity : 256;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 / sizeof(*p) ? want : cap * 2;
	p = realloc(m->ranges, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	/*
	 * A million ranges are 80 MB that are written once, in order: in 2 MB
	 * pages that is 40 page faults instead of 20,000, a tenth of the time
	 * of loading them. Only a hint; the array stays where realloc() put it.
	 */
	if (cap * sizeof(*p) >= HUGE_HINT_BYTES) {
		uintptr_t from = ((uintptr_t)p + page - 1) & ~(uintptr_t)(page - 1);
		uintptr_t to = ((uintptr_t)p + cap * sizeof(*p)) & ~(uintptr_t)(page - 1);

		madvise((void *)from, to - from, MADV_HUGEPAGE);
	}
	m->ranges = p;
	m->range_capacity = cap;
	return 0;
}

/* Page sets per block of the model's storage for ranges with several. */
#define PAGES_BLOCK_SETS 1024

/* Room for @n page sets that stays where it is for the model's life. */
static struct xesvm_range_pages *store_pages(struct xesvm_model *m, size_t n)
{
	struct xesvm_pages_block *b = m->pages_blocks;

	if (!b || b->capacity - b->used < n) {
		b = malloc(sizeof(*b) + PAGES_BLOCK_SETS * sizeof(b->sets[0]));
		if (!b)
			return NULL;
		b->next = m->pages_blocks;
		b->used = 0;
		b->capacity = PAGES_BLOCK_SETS;
		m->pages_blocks = b;
	}
	b->used += n;
	return &b->sets[b->used - n];
}

/* What xesvm_range_to_json() can write and the loader read back: see xesvm.h. */
static bool representable(const struct xesvm_range *r)
{
	unsigned int i;

	if (r->vm > INT64_MAX || r->start > INT64_MAX || r->end > INT64_MAX || r->end <= r->start ||
	    r->notifier_start > INT64_MAX || r->notifier_end > INT64_MAX ||
	    (r->flags >> XESVM_RANGE_FLAG_COUNT) || r->pages_described > XESVM_RANGE_PAGES_MAX ||
	    r->pages_described > r->pages_count)
		return false;
	for (i = 0; i < r->pages_described; i++) {
		struct xesvm_range_pages p = xesvm_range_get_pages(r, i);

		if ((p.flags & ~(uint32_t)XESVM_RANGE_PAGES_FLAGS) || (p.flags & ~(uint32_t)r->flags) ||
		    (p.notifier_seq > INT64_MAX && p.notifier_seq != XESVM_NOTIFIER_SEQ_NONE))
			return false;
	}
	return true;
}

int xesvm_model_add_range(struct xesvm_model *m, const struct xesvm_range *r)
{
	struct xesvm_range *copy;

	if (!representable(r))
		return -EINVAL;
	if (m->range_count == m->range_capacity && xesvm_model_reserve_ranges(m, 1))
		return -ENOMEM;
	copy = &m->ranges[m->range_count];
	*copy = *r;
	/* Page sets kept aside move into the model: the caller's copy may go. */
	if (r->pages_described > 1) {
		struct xesvm_range_pages *sets = store_pages(m, r->pages_described);

		if (!sets)
			return -ENOMEM;
		memcpy(sets, r->pages.several, r->pages_described * sizeof(*sets));
		copy->pages.several = sets;
	}
	m->range_count++;
	return 0;
}

size_t xesvm_model_range_count(const struct xesvm_model *m)
{
	return m->range_count;
}

const struct xesvm_range *xesvm_model_range(const struct xesvm_model *m, size_t index)
{
	return index < m->range_count ? &m->ranges[index] : NULL;
}

static void add_note(struct xesvm_model *m, unsigned int views, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void add_note(struct xesvm_model *m, unsigned int views, const char *fmt, va_list ap)
{
	json_t *notes = xesvm_model_array(m, "notes");
	size_t index = json_array_size(notes);
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (!notes || json_array_append_new(notes, json_string(buf)))
		return;
	/* Without room for its views the note concerns every view: shown, never lost. */
	while (m->note_view_count <= index) {
		unsigned int *grown = xesvm_grow(m->note_views, &m->note_view_capacity,
						 m->note_view_count, sizeof(*grown), 16);

		if (!grown)
			return;
		m->note_views = grown;
		m->note_views[m->note_view_count++] = 0;
	}
	m->note_views[index] = views;
}

void xesvm_model_note(struct xesvm_model *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_note(m, XESVM_VIEW_ALL, fmt, ap);
	va_end(ap);
}

void xesvm_model_note_about(struct xesvm_model *m, unsigned int views, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_note(m, views, fmt, ap);
	va_end(ap);
}

/* The view names in enum xesvm_view bit order, as notes and "sources" spell them. */
static const char *const view_keys[] = {
	"devices", "stats", "clients", "vms", "vmas", "ranges", "pagemaps", "events",
};

unsigned int xesvm_model_note_views(const struct xesvm_model *m, size_t index)
{
	const char *text = json_string_value(json_array_get(json_object_get(m->root, "notes"),
							    index));
	size_t i, n;

	if (index < m->note_view_count && m->note_views[index])
		return m->note_views[index];
	for (i = 0; text && i < sizeof(view_keys) / sizeof(view_keys[0]); i++) {
		n = strlen(view_keys[i]);
		if (!strncmp(text, view_keys[i], n) && text[n] == ':' && text[n + 1] == ' ')
			return 1u << i;
	}
	return XESVM_VIEW_ALL;
}

void xesvm_model_set_source(struct xesvm_model *m, const char *view, const char *source)
{
	json_t *sources = json_object_get(m->root, "sources");

	if (!json_is_object(sources)) {
		sources = json_object();
		if (!sources || json_object_set_new(m->root, "sources", sources))
			return;
	}
	json_object_set_new(sources, view, source ? json_string(source) : json_null());
}

/*
 * "captured_at" honours SOURCE_DATE_EPOCH (the reproducible-builds
 * convention) so tests and reproducible pipelines get a fixed timestamp.
 */
void xesvm_model_stamp(struct xesvm_model *m)
{
	char when[32];
	struct utsname uts;
	struct tm tm;
	time_t now = time(NULL);
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	json_t *host;

	if (epoch && *epoch) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(epoch, &end, 10);
		if (!errno && !*end && v >= 0)
			now = (time_t)v;
	}
	json_object_set_new(m->root, "generator", json_string("libxesvm " XESVM_VERSION));
	if (gmtime_r(&now, &tm) && strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		json_object_set_new(m->root, "captured_at", json_string(when));
	if (uname(&uts) == 0) {
		host = json_pack("{s:s, s:s}", "hostname", uts.nodename, "kernel", uts.release);
		if (host)
			json_object_set_new(m->root, "host", host);
	}
}
