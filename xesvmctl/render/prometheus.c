// SPDX-License-Identifier: MIT
/*
 * The Prometheus text exposition format (version 0.0.4, what
 * node_exporter's textfile collector reads): the third renderer beside
 * the human tables and JSON. Like them it reads only the model, so a
 * snapshot (-f) renders exactly as the live system it was taken from.
 *
 * Naming (documented in xesvmctl(8), PROMETHEUS FORMAT):
 *   xe's gtN/stats counter NAME -> xesvm_gt_<name>_total, lower-cased;
 *   a "_us" suffix becomes "_seconds" (value / 10^6, printed exactly),
 *   "_kb" becomes "_bytes" (value * 1024), "_count" is dropped (the
 *   "_total" suffix says it). Every GT counter is a Prometheus counter:
 *   xe only ever adds to them ("stats reset" is a counter reset).
 *   Pagemaps: xesvm_pagemap_*; VMs: xesvm_vm_* (their ranges by residency,
 *   and their ranges' page sets by the device they are of: since Linux 7.3
 *   several devices may have pages of one range).
 * No sample carries a timestamp: the textfile collector refuses them.
 * A null value (not reported by the kernel) is left out, never 0.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../vm_index.h"
#include "cells.h"
#include "prometheus.h"

#define METRIC_NAME_MAX 160

/* Label values: backslash, double quote and newline are escaped. */
static void put_label_value(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '"')
			fputs("\\\"", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

/* HELP text: backslash and newline are escaped (quotes are not). */
static void put_help(FILE *out, const char *name, const char *help,
		     const char *type)
{
	fprintf(out, "# HELP %s ", name);
	for (; *help; help++) {
		if (*help == '\\')
			fputs("\\\\", out);
		else if (*help == '\n')
			fputs("\\n", out);
		else
			fputc(*help, out);
	}
	fprintf(out, "\n# TYPE %s %s\n", name, type);
}

/* A sample's labels, in the order given; NULL values are left out. */
struct label {
	const char *name;
	const char *value;
};

static void put_sample_head(FILE *out, const char *name,
			    const struct label *labels, size_t n)
{
	bool first = true;

	fputs(name, out);
	for (size_t i = 0; i < n; i++) {
		if (!labels[i].value)
			continue;
		fprintf(out, "%s%s=\"", first ? "{" : ",", labels[i].name);
		put_label_value(out, labels[i].value);
		fputc('"', out);
		first = false;
	}
	if (!first)
		fputc('}', out);
	fputc(' ', out);
}

static void put_u64_sample(FILE *out, const char *name,
			   const struct label *labels, size_t n, uint64_t v)
{
	put_sample_head(out, name, labels, n);
	fprintf(out, "%" PRIu64 "\n", v);
}

/* ------------------------------------------------------------------ */
/* GT counters                                                         */
/* ------------------------------------------------------------------ */

enum gt_unit { GT_PLAIN, GT_USECS, GT_KIB };

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len > n && memcmp(s + len - n, suffix, n) == 0;
}

/* xe counter name -> metric name and how to convert its value. */
static enum gt_unit gt_metric_name(const char *counter, char *buf, size_t size)
{
	size_t len = strlen(counter), base = len;
	enum gt_unit unit = GT_PLAIN;
	const char *suffix = "_total";
	size_t used;

	if (ends_with(counter, len, "_us")) {
		base = len - 3;
		unit = GT_USECS;
		suffix = "_seconds_total";
	} else if (ends_with(counter, len, "_kb")) {
		base = len - 3;
		unit = GT_KIB;
		suffix = "_bytes_total";
	} else if (ends_with(counter, len, "_count")) {
		base = len - 6;
	}
	used = (size_t)snprintf(buf, size, "xesvm_gt_%.*s%s", (int)base, counter, suffix);
	for (size_t i = 0; i < used && i < size; i++)
		if (buf[i] >= 'A' && buf[i] <= 'Z')
			buf[i] = (char)(buf[i] - 'A' + 'a');
	return unit;
}

static void put_gt_value(FILE *out, enum gt_unit unit, uint64_t v)
{
	switch (unit) {
	case GT_USECS:
		/* Exact decimal seconds: no float rounding of the counter. */
		fprintf(out, "%" PRIu64 ".%06" PRIu64 "\n", v / 1000000, v % 1000000);
		break;
	case GT_KIB:
		if (v <= UINT64_MAX / 1024)
			fprintf(out, "%" PRIu64 "\n", v * 1024);
		else
			fprintf(out, "%.17g\n", (double)v * 1024.0);
		break;
	case GT_PLAIN:
		fprintf(out, "%" PRIu64 "\n", v);
		break;
	}
}

static const char *const unit_help[] = {
	[GT_PLAIN] = "",
	[GT_USECS] = ", converted from microseconds",
	[GT_KIB] = ", converted from KiB",
};

/* Counter names of the selected GTs, in order of first appearance. */
static int gt_counter_names(const struct xesvm_model *m,
			    const struct xesvm_query *q, json_t *names,
			    struct xesvm_error *err)
{
	json_t *dev, *gt, *by_metric = json_object();
	size_t i, j;
	int ret = 0;

	if (!by_metric)
		goto oom;
	json_array_foreach(xesvm_model_array((struct xesvm_model *)m, "devices"), i, dev) {
		if (!xesvm_query_match(q, "devices", dev))
			continue;
		json_array_foreach(json_object_get(dev, "gts"), j, gt) {
			const char *name;
			json_t *v;

			json_object_foreach(json_object_get(gt, "stats"), name, v) {
				char metric[METRIC_NAME_MAX];
				const char *other;

				gt_metric_name(name, metric, sizeof(metric));
				other = json_get_str(by_metric, metric);
				if (other && strcmp(other, name) != 0) {
					xesvm_error_set(err, XESVM_E_SYSTEM, 0,
							"counters %s and %s would both be the Prometheus metric %s",
							other, name, metric);
					ret = XESVM_E_SYSTEM;
					goto out;
				}
				if (other)
					continue;
				if (json_object_set_new(by_metric, metric, json_string(name)) ||
				    json_array_append_new(names, json_string(name)))
					goto oom;
			}
		}
	}
	goto out;
oom:
	xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
	ret = XESVM_E_SYSTEM;
out:
	json_decref(by_metric);
	return ret;
}

static int put_gt_counters(FILE *out, const struct xesvm_model *m,
			   const struct xesvm_query *q, struct xesvm_error *err)
{
	json_t *names = json_array(), *name_v, *dev, *gt;
	size_t k, i, j;
	int ret;

	if (!names) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return XESVM_E_SYSTEM;
	}
	ret = gt_counter_names(m, q, names, err);
	json_array_foreach(names, k, name_v) {
		const char *counter = json_string_value(name_v);
		char metric[METRIC_NAME_MAX], help[256];
		enum gt_unit unit = gt_metric_name(counter, metric, sizeof(metric));

		if (ret)
			break;
		snprintf(help, sizeof(help), "xe GT counter %s (debugfs gtN/stats, group %s)%s",
			 counter, xesvm_stat_group(counter), unit_help[unit]);
		put_help(out, metric, help, "counter");
		json_array_foreach(xesvm_model_array((struct xesvm_model *)m, "devices"), i, dev) {
			uint64_t minor = 0;
			char card[32];

			if (!xesvm_query_match(q, "devices", dev))
				continue;
			json_get_u64(dev, "minor", &minor);
			snprintf(card, sizeof(card), "card%" PRIu64, minor);
			json_array_foreach(json_object_get(dev, "gts"), j, gt) {
				uint64_t id, v;
				char gt_id[32];
				struct label labels[] = {
					{ "device", card },
					{ "pci", json_get_str(dev, "pci_bdf") },
					{ "gt", gt_id },
				};

				if (!json_get_u64(gt, "id", &id) ||
				    !json_get_u64(json_object_get(gt, "stats"), counter, &v))
					continue;
				snprintf(gt_id, sizeof(gt_id), "%" PRIu64, id);
				put_sample_head(out, metric, labels, 3);
				put_gt_value(out, unit, v);
			}
		}
	}
	json_decref(names);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Pagemaps                                                            */
/* ------------------------------------------------------------------ */

/* Where a pagemap metric's value lives: stats[dir][key] or stats[key]. */
struct pagemap_metric {
	const char *name;
	const char *type;
	const char *help;
	const char *key;	/* NULL: "size_bytes" of the pagemap itself */
	bool per_direction;	/* one sample per direction (to_device, to_ram) */
	const char *reason;	/* failure reason label, with per_direction */
};

static const struct pagemap_metric pagemap_metrics[] = {
	{ "xesvm_pagemap_size_bytes", "gauge", "size of the pagemap's device memory",
	  NULL, false, NULL },
	{ "xesvm_pagemap_device_pages_in_use", "gauge",
	  "device pages of the pagemap holding migrated data", "device_pages_in_use",
	  false, NULL },
	{ "xesvm_pagemap_migrations_total", "counter",
	  "migrations, by direction (to_device: into the pagemap, to_ram: out of it)",
	  "count", true, NULL },
	{ "xesvm_pagemap_migrated_pages_total", "counter", "pages migrated, by direction",
	  "pages", true, NULL },
	{ "xesvm_pagemap_migrated_bytes_total", "counter", "bytes migrated, by direction",
	  "bytes", true, NULL },
	{ "xesvm_pagemap_migration_failures_total", "counter",
	  "failed migrations, by direction and reason", "fail_enomem", true, "enomem" },
	{ "xesvm_pagemap_migration_failures_total", NULL, NULL, "fail_ebusy", true, "ebusy" },
	{ "xesvm_pagemap_migration_failures_total", NULL, NULL, "fail_efault", true, "efault" },
	{ "xesvm_pagemap_migration_failures_total", NULL, NULL, "fail_other", true, "other" },
	{ "xesvm_pagemap_cpu_faults_deferred_total", "counter",
	  "CPU faults on device pages that were deferred", "cpu_faults_deferred", false, NULL },
	{ "xesvm_pagemap_evictions_total", "counter", "evictions of device pages to RAM",
	  "evictions", false, NULL },
};

static void put_pagemaps(FILE *out, const struct xesvm_model *m,
			 const struct xesvm_query *q)
{
	static const char *const dirs[] = { "to_device", "to_ram" };
	json_t *pagemaps = xesvm_model_array((struct xesvm_model *)m, "pagemaps");

	for (size_t k = 0; k < sizeof(pagemap_metrics) / sizeof(pagemap_metrics[0]); k++) {
		const struct pagemap_metric *pm = &pagemap_metrics[k];
		json_t *p;
		size_t i;

		if (pm->type)	/* the first entry of a family */
			put_help(out, pm->name, pm->help, pm->type);
		json_array_foreach(pagemaps, i, p) {
			json_t *stats = json_object_get(p, "stats");
			uint64_t dev = 0, id = 0, v;
			char card[32], pm_id[32];

			if (!xesvm_query_match(q, "pagemaps", p))
				continue;
			json_get_u64(p, "device", &dev);
			json_get_u64(p, "id", &id);
			snprintf(card, sizeof(card), "card%" PRIu64, dev);
			snprintf(pm_id, sizeof(pm_id), "%" PRIu64, id);
			for (size_t d = 0; d < (pm->per_direction ? 2 : 1); d++) {
				struct label labels[] = {
					{ "device", card },
					{ "pagemap", pm_id },
					{ "name", json_get_str(p, "name") },
					{ "region", json_get_str(p, "region") },
					{ "direction", pm->per_direction ? dirs[d] : NULL },
					{ "reason", pm->reason },
				};
				const json_t *src = !pm->key ? p :
					pm->per_direction ? json_object_get(stats, dirs[d]) : stats;

				if (json_get_u64(src, pm->key ? pm->key : "size_bytes", &v))
					put_u64_sample(out, pm->name, labels, 6, v);
			}
		}
	}
}

/* ------------------------------------------------------------------ */
/* VMs: VMAs, ranges by residency, page sets by device and residency    */
/* ------------------------------------------------------------------ */

/* The labels every VM sample has, and the text they point at. */
struct vm_labels {
	char card[32], vm_id[32], pid[32], client[32];
	struct label labels[7];	/* device, vm, pid, comm, client, and two of the family's */
};

static void vm_labels_fill(struct vm_labels *l, const struct vm_entry *v)
{
	uint64_t u;

	snprintf(l->card, sizeof(l->card), "card%" PRIu64, v->device);
	snprintf(l->vm_id, sizeof(l->vm_id), "%" PRIu64, v->id);
	l->labels[0] = (struct label){ "device", l->card };
	l->labels[1] = (struct label){ "vm", l->vm_id };
	l->labels[2] = (struct label){ "pid", json_get_u64(v->vm, "pid", &u) ?
		(snprintf(l->pid, sizeof(l->pid), "%" PRIu64, u), l->pid) : NULL };
	l->labels[3] = (struct label){ "comm", json_get_str(v->vm, "comm") };
	l->labels[4] = (struct label){ "client", json_get_u64(v->vm, "client_id", &u) ?
		(snprintf(l->client, sizeof(l->client), "%" PRIu64, u), l->client) : NULL };
}

/* Page sets of the ranges of one VM (an index into vm_index.vms) of one device. */
struct page_set_count {
	size_t vm;
	uint32_t device;	/* whose pages they are; XESVM_DEVICE_NONE: none's */
	uint64_t count[RESIDENCY_COUNT];
};

static int cmp_page_set_count(const void *a, const void *b)
{
	const struct page_set_count *x = a, *y = b;

	if (x->vm != y->vm)
		return x->vm < y->vm ? -1 : 1;
	return x->device < y->device ? -1 : x->device > y->device;
}

/*
 * The page sets of the ranges @q selects, counted per VM of @ix, device
 * and residency, sorted by VM and device, into *@out (*@n of them; free
 * it). -1 when out of memory.
 */
static int count_page_sets(const struct xesvm_model *m, const struct xesvm_query *q,
			   const struct vm_index *ix, struct page_set_count **out, size_t *n)
{
	struct page_set_count *counts = NULL;
	size_t cap = 0, k;

	*n = 0;
	for (size_t i = 0; i < xesvm_model_range_count(m); i++) {
		const struct xesvm_range *r = xesvm_model_range(m, i);
		const struct vm_entry *v;

		if (!xesvm_query_match_range(q, r) ||
		    !(v = vm_index_find_vm(ix, r->device, r->vm)))
			continue;
		for (unsigned int j = 0; j < r->pages_described; j++) {
			struct xesvm_range_pages p = xesvm_range_get_pages(r, j);
			size_t vm = (size_t)(v - ix->vms);

			/* A handful of VMs and devices: a search is cheaper than a map. */
			for (k = 0; k < *n && (counts[k].vm != vm || counts[k].device != p.device); k++)
				;
			if (k == *n) {
				if (*n == cap) {
					struct page_set_count *grown;

					cap = cap ? cap * 2 : 16;
					grown = realloc(counts, cap * sizeof(*counts));
					if (!grown) {
						free(counts);
						return -1;
					}
					counts = grown;
				}
				counts[(*n)++] = (struct page_set_count){ .vm = vm, .device = p.device };
			}
			counts[k].count[xesvm_range_pages_residency(&p)]++;
		}
	}
	if (*n)
		qsort(counts, *n, sizeof(*counts), cmp_page_set_count);
	*out = counts;
	return 0;
}

static int put_vms(FILE *out, const struct xesvm_model *m,
		   const struct xesvm_query *q, struct xesvm_error *err)
{
	struct page_set_count *sets = NULL;
	struct vm_index ix;
	size_t nsets;
	int ret = vm_index_build(&ix, m, q, false, err);

	if (ret)
		return ret;
	put_help(out, "xesvm_vm_vmas", "GPU VMAs of the VM", "gauge");
	for (size_t pass = 0; pass < 3; pass++) {
		const char *name = pass == 0 ? "xesvm_vm_vmas" :
				   pass == 1 ? "xesvm_vm_ranges" : "xesvm_vm_range_bytes";

		if (pass == 1)
			put_help(out, name, "SVM ranges of the VM, by residency", "gauge");
		if (pass == 2)
			put_help(out, name, "bytes of the VM's SVM ranges, by residency", "gauge");
		for (size_t i = 0; i < ix.nvms; i++) {
			const struct vm_entry *v = &ix.vms[i];
			struct vm_labels l;

			vm_labels_fill(&l, v);
			if (pass == 0) {
				put_u64_sample(out, name, l.labels, 5, v->nvmas);
				continue;
			}
			for (int r = 0; r < RESIDENCY_COUNT; r++) {
				l.labels[5] = (struct label){ "residency",
					xesvm_residency_name((enum xesvm_residency)r) };
				put_u64_sample(out, name, l.labels, 6,
					       pass == 1 ? v->sum.count[r] : v->sum.bytes[r]);
			}
		}
	}

	if (count_page_sets(m, q, &ix, &sets, &nsets)) {
		vm_index_free(&ix);
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return XESVM_E_SYSTEM;
	}
	put_help(out, "xesvm_vm_page_sets",
		 "page sets of the VM's SVM ranges (the pages one device has of a range), by that device and their residency",
		 "gauge");
	for (size_t k = 0; k < nsets; k++) {
		struct vm_labels l;
		char pages_card[32];

		vm_labels_fill(&l, &ix.vms[sets[k].vm]);
		snprintf(pages_card, sizeof(pages_card), "card%" PRIu32, sets[k].device);
		l.labels[5] = (struct label){ "pages_device",
			sets[k].device == XESVM_DEVICE_NONE ? NULL : pages_card };
		for (int r = 0; r < RESIDENCY_COUNT; r++) {
			l.labels[6] = (struct label){ "residency",
				xesvm_residency_name((enum xesvm_residency)r) };
			put_u64_sample(out, "xesvm_vm_page_sets", l.labels, 7, sets[k].count[r]);
		}
	}
	free(sets);
	vm_index_free(&ix);
	return XESVM_OK;
}

int prometheus_write(FILE *out, const struct xesvm_model *m,
		     const struct xesvm_query *q, struct xesvm_error *err)
{
	json_t *sources = json_object_get(xesvm_model_root(m), "sources");
	int ret = put_gt_counters(out, m, q, err);

	if (ret)
		return ret;
	/* Families the model has no source for are left out, not shown as empty. */
	if (json_object_get(sources, "pagemaps"))
		put_pagemaps(out, m, q);
	if (json_object_get(sources, "vms"))
		ret = put_vms(out, m, q, err);
	return ret;
}
