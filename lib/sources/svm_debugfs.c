// SPDX-License-Identifier: MIT
/*
 * SVM state from the SVM debugfs files (debugfs_internal.h): the fallback
 * for a kernel without the drm-svm netlink family whose providers (xe,
 * vsvm) write these files. The format is the team's contract, the same
 * the kernel documents in Documentation/gpu/drm-svm.rst ("debugfs"):
 *
 *   svm_vms        vm=<id> gpusvm=<id> start=<hex16> end=<hex16> pid=<pid>
 *                  client=<id> notifiers=<n> ranges=<n> devmem_pages=<n>
 *                  generation=<n> comm=<comm, the rest of the line>
 *   svm_ranges     vm=<id> gpusvm=<id> start=<hex16> end=<hex16> generation=<n>
 *                  <hex16>-<hex16> size=<bytes> notifier=<hex16>-<hex16>
 *                  refs=<n> flags=<f1,f2|-> pages=<n>[ [minor=<minor>
 *                  seq=<n|-> pagemap=<id> flags=<f1,f2|->]...]
 *   svm_mem_attrs  vm=<id> gpusvm=<id> start=<hex16> end=<hex16>
 *                  <hex16>-<hex16> kind=<mem-kind> preferred=<preferred-loc>
 *                  pagemap=<id> policy=<migration-policy>
 *                  atomic=<xe-atomic-access> pat=<n> purgeable=<xe-purgeable>
 *   svm_pagemaps   pagemap=<id> size=<bytes> enabled=<0|1>
 *                  to_devmem=<count>/<pages>/<bytes>
 *                  to_devmem_fail=<nomem>/<busy>/<fault>/<other>
 *                  to_ram=... to_ram_fail=... cpu_faults=<n>
 *                  cpu_faults_deferred=<n> evictions=<n> devmem_pages=<n>
 *
 * Fields are separated by one space; addresses are 16 lower-case hex
 * digits, other numbers decimal, enumeration values the YNL spec's names.
 * Parsing is strict (every known field present once, every value as the
 * kernel prints it, every line ending in '\n'), and a line that is not
 * right is left out with a note naming the file and the line: one odd
 * line must not hide a whole VM. Keys this xesvm does not know are
 * ignored, so a newer kernel may add fields (in a range line, before its
 * [...] groups of pages, which end it).
 *
 * The objects are those the netlink family gives for the same state
 * (model/objects.c builds both), and they are selected the same way: every
 * VM is listed, the VMAs and ranges are those of the VMs the filter
 * selects, ranges within its window widened to pages. Files are read a
 * line at a time (a VM can have 100,000 ranges and more); a range is
 * parsed into the model's packed array directly, and at the end the
 * ranges are put in the order of their VMs, as netlink dumps them, which
 * costs one copy when the client files listed them in another order.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <drm/drm_svm.h>

#include "debugfs_internal.h"
#include "source.h"
#include "model_internal.h"
#include "objects_internal.h"

/* Lines of one file left out with a note each; beyond that they are counted. */
#define NOTED_LINES 3

/* Index of a client file in struct dbg_vm.file. */
enum client_file { CF_ATTRS, CF_RANGES, CF_COUNT };

struct client_file_state {
	bool read;	/* the client's file was read, or found gone */
	bool missing;	/* found gone: the client closed its DRM file */
	bool seen;	/* it had this VM's header */
	bool failed;	/* it could not be read for another reason (noted) */
};

struct dbg_vm {
	json_t *obj;		/* borrowed: the model's "vms" holds it */
	uint32_t minor;
	uint64_t vm;
	uint64_t client_id, gpusvm_id;
	uint64_t start, end;
	bool selected;		/* VMAs and ranges of this VM are read */
	bool ranges_wanted;	/* selected, ranges asked for, the window meets the VM */
	bool windowed;		/* ranges only within [wstart, wend) */
	uint64_t wstart, wend;
	struct client_file_state file[CF_COUNT];
	json_t *vmas;		/* owned; NULL until one is read */
	size_t range_first;	/* its ranges: a slice of the model's array */
	size_t range_count;
};

struct xesvm_dbg {
	struct xesvm_model *m;
	const struct xesvm_filter *filter;
	bool want_ranges;
	struct dbg_vm *vms;	/* in the order of the model's "vms" */
	size_t nvms, cap;
	size_t range_base;	/* ranges in the model before this gathering */
};

/* Where a client file is in its headers. */
#define CUR_NONE (-1)	/* no header yet */
#define CUR_SKIP (-2)	/* lines of a VM that is not read */

/* One file being read. */
struct file_state {
	struct xesvm_dbg *g;
	enum xesvm_dbg_file file;
	const char *name;
	uint64_t owner;
	unsigned int lineno;
	unsigned int noted;	/* lines left out with a note */
	unsigned int unnoted;	/* lines left out beyond NOTED_LINES */
	long cur;		/* client files: index of the VM of the last header */
	bool oom;
	char why[300];		/* what is wrong with the current line */
};

static const char *const file_names[] = {
	[XESVM_DBG_VMS] = "svm_vms",
	[XESVM_DBG_PAGEMAPS] = "svm_pagemaps",
	[XESVM_DBG_MEM_ATTRS] = "svm_mem_attrs",
	[XESVM_DBG_RANGES] = "svm_ranges",
};

/* ------------------------------------------------------------------ */
/* Fields and values                                                   */
/* ------------------------------------------------------------------ */

static bool bad(struct file_state *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records why the current line is left out; returns false for the caller. */
static bool bad(struct file_state *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
	return false;
}

struct val {
	const char *s;
	size_t n;
	bool set;
};

enum { FIELD_OPTIONAL = 1, FIELD_REST = 2 /* the value is the rest of the line */ };

struct field {
	const char *key;
	unsigned int flags;
};

/*
 * Splits a line into its "key=value" fields: @vals[i] gets the value of
 * @spec[i]. With @lead, the first field is not key=value and goes there
 * (the "<start>-<end>" of a range or VMA). Unknown keys are ignored.
 */
static bool fields(struct file_state *f, const char *s, size_t n, const struct field *spec,
		   size_t count, struct val *vals, struct val *lead)
{
	char ex[XESVM_EXCERPT_SIZE];
	bool first = true;
	size_t i = 0, k;

	memset(vals, 0, count * sizeof(*vals));
	if (n == 0)
		return bad(f, "empty line");
	for (;;) {
		size_t end = i, tlen, klen;
		const char *tok = s + i, *eq;

		while (end < n && s[end] != ' ')
			end++;
		tlen = end - i;
		if (tlen == 0)
			return bad(f, i == 0 ? "the line starts with a space" : "two spaces in a row");
		if (first && lead) {
			lead->s = tok;
			lead->n = tlen;
			lead->set = true;
		} else {
			eq = memchr(tok, '=', tlen);
			if (!eq || eq == tok)
				return bad(f, "\"%s\" is not a key=value field",
					   xesvm_excerpt(tok, tlen, ex, sizeof(ex)));
			klen = (size_t)(eq - tok);
			for (k = 0; k < count; k++)
				if (strlen(spec[k].key) == klen && !memcmp(spec[k].key, tok, klen))
					break;
			if (k < count && vals[k].set)
				return bad(f, "%s= appears twice", spec[k].key);
			if (k < count) {
				vals[k].s = eq + 1;
				vals[k].set = true;
				if (spec[k].flags & FIELD_REST) {
					vals[k].n = (size_t)(s + n - vals[k].s);
					break;
				}
				vals[k].n = tlen - klen - 1;
			}
		}
		first = false;
		if (end == n)
			break;
		i = end + 1;
		if (i == n)
			return bad(f, "a space at the end of the line");
	}
	if (lead && !lead->set)
		return bad(f, "empty line");
	for (k = 0; k < count; k++)
		if (!vals[k].set && !(spec[k].flags & FIELD_OPTIONAL))
			return bad(f, "no %s= field", spec[k].key);
	return true;
}

/* A decimal number up to @max (digits only, as %u/%llu print it). */
static bool dec(struct file_state *f, const char *key, const struct val *v, uint64_t max,
		uint64_t *out)
{
	char ex[XESVM_EXCERPT_SIZE];
	uint64_t x = 0;
	size_t i;

	if (v->n == 0)
		return bad(f, "%s= is empty", key);
	for (i = 0; i < v->n; i++) {
		unsigned int d = (unsigned int)(v->s[i] - '0');

		if (v->s[i] < '0' || v->s[i] > '9')
			return bad(f, "%s=%s is not a decimal number", key,
				   xesvm_excerpt(v->s, v->n, ex, sizeof(ex)));
		if (x > max / 10 || (x == max / 10 && d > max % 10))
			return bad(f, "%s=%s is above %" PRIu64, key,
				   xesvm_excerpt(v->s, v->n, ex, sizeof(ex)), max);
		x = x * 10 + d;
	}
	*out = x;
	return true;
}

static bool dec_opt(struct file_state *f, const char *key, const struct val *v,
		    struct xesvm_svm_opt *out)
{
	out->known = dec(f, key, v, INT64_MAX, &out->value);
	return out->known;
}

/* An address: 16 lower-case hex digits ("%016llx"), within the model's int64. */
static bool hex16(struct file_state *f, const char *what, const char *s, size_t n,
		  uint64_t *out)
{
	char ex[XESVM_EXCERPT_SIZE];
	uint64_t x = 0;
	size_t i;

	if (n != 16)
		goto wrong;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			x = x << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x = x << 4 | (uint64_t)(c - 'a' + 10);
		else
			goto wrong;
	}
	if (x > INT64_MAX)
		return bad(f, "%s %s is above 2^63-1", what, xesvm_excerpt(s, n, ex, sizeof(ex)));
	*out = x;
	return true;
wrong:
	return bad(f, "%s \"%s\" is not 16 lower-case hex digits", what,
		   xesvm_excerpt(s, n, ex, sizeof(ex)));
}

static bool addr(struct file_state *f, const char *key, const struct val *v, uint64_t *out)
{
	char what[32];

	snprintf(what, sizeof(what), "%s=", key);
	return hex16(f, what, v->s, v->n, out);
}

/* "<hex16>-<hex16>", a half-open window with end above start. */
static bool window(struct file_state *f, const char *what, const struct val *v,
		   uint64_t *start, uint64_t *end)
{
	char ex[XESVM_EXCERPT_SIZE];

	if (v->n != 33 || v->s[16] != '-')
		return bad(f, "%s \"%s\" is not <hex16>-<hex16>", what,
			   xesvm_excerpt(v->s, v->n, ex, sizeof(ex)));
	if (!hex16(f, what, v->s, 16, start) || !hex16(f, what, v->s + 17, 16, end))
		return false;
	if (*end <= *start)
		return bad(f, "%s %s: the end is not above the start", what,
			   xesvm_excerpt(v->s, v->n, ex, sizeof(ex)));
	return true;
}

/* The "<hex16>-<hex16>" a range or VMA line starts with. */
static bool lead_window(struct file_state *f, const char *what, const char *s, size_t n,
			uint64_t *start, uint64_t *end)
{
	const char *space = memchr(s, ' ', n);
	struct val lead = { s, space ? (size_t)(space - s) : n, true };

	return window(f, what, &lead, start, end);
}

/* "<n>/<n>/..." with exactly @count numbers. */
static bool slashed(struct file_state *f, const char *key, const struct val *v, size_t count,
		    struct xesvm_svm_opt *out)
{
	char ex[XESVM_EXCERPT_SIZE];
	const char *p = v->s, *end = v->s + v->n;
	size_t i;

	for (i = 0; i < count; i++) {
		bool last = i + 1 == count;
		const char *slash = last ? NULL : memchr(p, '/', (size_t)(end - p));
		struct val part = { p, slash ? (size_t)(slash - p) : (size_t)(end - p), true };

		/* The last part must not hold a '/': dec() takes digits only. */
		if ((!last && !slash) || !dec_opt(f, key, &part, &out[i]))
			return bad(f, "%s=%s is not %zu decimal numbers separated by '/'", key,
				   xesvm_excerpt(v->s, v->n, ex, sizeof(ex)), count);
		if (slash)
			p = slash + 1;
	}
	return true;
}

static bool enum_val(struct file_state *f, const char *key, const struct val *v,
		     const struct xesvm_svm_enum *e, uint32_t *out)
{
	char ex[XESVM_EXCERPT_SIZE];

	if (xesvm_svm_enum_from_spec(e, v->s, v->n, out))
		return true;
	return bad(f, "%s=%s is not a %s value", key, xesvm_excerpt(v->s, v->n, ex, sizeof(ex)),
		   e->name);
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */
/* ------------------------------------------------------------------ */

static void oom(struct file_state *f)
{
	f->oom = true;
}

/* The line just read is left out: a note for the first few. */
static void left_out(struct file_state *f)
{
	if (f->noted < NOTED_LINES) {
		xesvm_model_note_about(f->g->m, XESVM_SVM_VIEWS, "%s line %u: %s: line left out", f->name, f->lineno,
				 f->why);
		f->noted++;
	} else {
		f->unnoted++;
	}
}

static struct dbg_vm *add_vm(struct xesvm_dbg *g)
{
	struct dbg_vm *vms = xesvm_grow(g->vms, &g->cap, g->nvms, sizeof(*vms), 16);

	if (!vms)
		return NULL;
	g->vms = vms;
	memset(&g->vms[g->nvms], 0, sizeof(g->vms[0]));
	return &g->vms[g->nvms++];
}

/* dri/<minor>/svm_vms: one VM. */
static bool vm_line(struct file_state *f, const char *s, size_t n)
{
	enum { VM, GPUSVM, START, END, PID, CLIENT, NOTIFIERS, RANGES, DEVMEM, GEN, COMM, NF };
	static const struct field spec[NF] = {
		[VM] = { .key = "vm" }, [GPUSVM] = { .key = "gpusvm" }, [START] = { .key = "start" }, [END] = { .key = "end" },
		[PID] = { .key = "pid" }, [CLIENT] = { .key = "client" }, [NOTIFIERS] = { .key = "notifiers" },
		[RANGES] = { .key = "ranges" }, [DEVMEM] = { .key = "devmem_pages" },
		[GEN] = { .key = "generation" }, [COMM] = { .key = "comm", .flags = FIELD_REST },
	};
	struct xesvm_svm_vm v = { .device = (uint32_t)f->owner };
	struct xesvm_dbg *g = f->g;
	struct val val[NF];
	struct dbg_vm *e;
	uint64_t x;
	json_t *obj;
	size_t i;

	if (!fields(f, s, n, spec, NF, val, NULL) ||
	    !dec(f, "vm", &val[VM], INT64_MAX, &v.vm) ||
	    !dec_opt(f, "gpusvm", &val[GPUSVM], &v.gpusvm_id) ||
	    !addr(f, "start", &val[START], &v.start) || !addr(f, "end", &val[END], &v.end) ||
	    !dec(f, "pid", &val[PID], UINT32_MAX, &x))
		return false;
	v.pid = (uint32_t)x;
	if (!dec_opt(f, "client", &val[CLIENT], &v.client_id) ||
	    !dec_opt(f, "notifiers", &val[NOTIFIERS], &v.notifiers) ||
	    !dec_opt(f, "ranges", &val[RANGES], &v.ranges) ||
	    !dec_opt(f, "devmem_pages", &val[DEVMEM], &v.devmem_pages) ||
	    !dec_opt(f, "generation", &val[GEN], &v.generation))
		return false;
	if (v.end <= v.start)
		return bad(f, "end= is not above start=");
	for (i = 0; i < g->nvms; i++)
		if (g->vms[i].minor == v.device && g->vms[i].vm == v.vm)
			return bad(f, "vm %" PRIu64 " of device %" PRIu32 " is listed twice", v.vm,
				   v.device);
	v.comm = val[COMM].s;
	v.comm_len = val[COMM].n;
	obj = xesvm_svm_vm_json(&v);
	e = add_vm(g);
	if (!obj || !e || json_array_append_new(xesvm_model_array(g->m, "vms"), obj)) {
		if (e)
			g->nvms--;
		oom(f);
		return true;
	}
	e->obj = obj;
	e->minor = v.device;
	e->vm = v.vm;
	e->client_id = v.client_id.value;
	e->gpusvm_id = v.gpusvm_id.value;
	e->start = v.start;
	e->end = v.end;
	return true;
}

/* dri/<minor>/svm_pagemaps: one pagemap. */
static bool pagemap_line(struct file_state *f, const char *s, size_t n)
{
	enum { ID, SIZE, ENABLED, TO_DEV, TO_DEV_FAIL, TO_RAM, TO_RAM_FAIL, CPU_FAULTS,
	       DEFERRED, EVICTIONS, DEVMEM_PAGES, NF };
	static const struct field spec[NF] = {
		[ID] = { .key = "pagemap" }, [SIZE] = { .key = "size" }, [ENABLED] = { .key = "enabled" },
		[TO_DEV] = { .key = "to_devmem" }, [TO_DEV_FAIL] = { .key = "to_devmem_fail" },
		[TO_RAM] = { .key = "to_ram" }, [TO_RAM_FAIL] = { .key = "to_ram_fail" },
		[CPU_FAULTS] = { .key = "cpu_faults" }, [DEFERRED] = { .key = "cpu_faults_deferred" },
		[EVICTIONS] = { .key = "evictions" }, [DEVMEM_PAGES] = { .key = "devmem_pages" },
	};
	struct xesvm_svm_pagemap p = { .device = (uint32_t)f->owner };
	struct val val[NF];
	uint64_t x;
	json_t *obj;

	if (!fields(f, s, n, spec, NF, val, NULL) ||
	    !dec(f, "pagemap", &val[ID], UINT32_MAX, &x))
		return false;
	p.id = (uint32_t)x;
	if (!dec(f, "size", &val[SIZE], INT64_MAX, &p.size) ||
	    !dec(f, "enabled", &val[ENABLED], 1, &x))
		return false;
	p.enabled = (int)x;
	if (!slashed(f, "to_devmem", &val[TO_DEV], 3, p.to_devmem.v) ||
	    !slashed(f, "to_devmem_fail", &val[TO_DEV_FAIL], 4,
		     &p.to_devmem.v[XESVM_SVM_MIGRATE_FAIL_NOMEM]) ||
	    !slashed(f, "to_ram", &val[TO_RAM], 3, p.to_ram.v) ||
	    !slashed(f, "to_ram_fail", &val[TO_RAM_FAIL], 4,
		     &p.to_ram.v[XESVM_SVM_MIGRATE_FAIL_NOMEM]) ||
	    !dec_opt(f, "cpu_faults", &val[CPU_FAULTS], &p.cpu_faults) ||
	    !dec_opt(f, "cpu_faults_deferred", &val[DEFERRED], &p.cpu_faults_deferred) ||
	    !dec_opt(f, "evictions", &val[EVICTIONS], &p.evictions) ||
	    !dec_opt(f, "devmem_pages", &val[DEVMEM_PAGES], &p.devmem_pages))
		return false;
	obj = xesvm_svm_pagemap_json(&p);
	if (!obj || json_array_append_new(xesvm_model_array(f->g->m, "pagemaps"), obj))
		oom(f);
	return true;
}

static enum client_file client_file_of(enum xesvm_dbg_file file)
{
	return file == XESVM_DBG_RANGES ? CF_RANGES : CF_ATTRS;
}

/* The number of ranges of the VM of the last header, when it ends. */
static void close_vm(struct file_state *f)
{
	struct dbg_vm *v;

	if (f->file != XESVM_DBG_RANGES || f->cur < 0)
		return;
	v = &f->g->vms[f->cur];
	v->range_count = f->g->m->range_count - v->range_first;
}

/* A client file's "vm=... gpusvm=... start=... end=..." header. */
static bool header_line(struct file_state *f, const char *s, size_t n)
{
	enum { VM, GPUSVM, START, END, GEN, NF };
	/* svm_ranges headers carry the generation; svm_mem_attrs ones do not. */
	const struct field spec[NF] = {
		[VM] = { .key = "vm" }, [GPUSVM] = { .key = "gpusvm" }, [START] = { .key = "start" }, [END] = { .key = "end" },
		[GEN] = { .key = "generation",
			   .flags = f->file == XESVM_DBG_RANGES ? 0 : FIELD_OPTIONAL },
	};
	enum client_file cf = client_file_of(f->file);
	struct xesvm_dbg *g = f->g;
	uint64_t vm, gpusvm, start, end, gen;
	struct val val[NF];
	struct dbg_vm *v;
	size_t i;

	close_vm(f);
	/* Until a good header, the lines that follow belong to no VM read. */
	f->cur = CUR_SKIP;
	if (!fields(f, s, n, spec, NF, val, NULL) ||
	    !dec(f, "vm", &val[VM], INT64_MAX, &vm) ||
	    !dec(f, "gpusvm", &val[GPUSVM], INT64_MAX, &gpusvm) ||
	    !addr(f, "start", &val[START], &start) || !addr(f, "end", &val[END], &end) ||
	    (val[GEN].set && !dec(f, "generation", &val[GEN], INT64_MAX, &gen)))
		return false;
	/* Client ids are unique in the system, gpusvm ids never reused: one VM. */
	for (i = 0; i < g->nvms; i++)
		if (g->vms[i].client_id == f->owner && g->vms[i].vm == vm &&
		    g->vms[i].gpusvm_id == gpusvm)
			break;
	if (i == g->nvms)
		return bad(f, "vm %" PRIu64 " (gpusvm %" PRIu64 ") is not in the svm_vms of the client's device (created after it was read?); the lines up to the next header are skipped too",
			   vm, gpusvm);
	v = &g->vms[i];
	if (v->file[cf].seen)
		return bad(f, "a second header for vm %" PRIu64 "; the lines up to the next header are skipped too",
			   vm);
	v->file[cf].seen = true;
	if (!v->selected || (cf == CF_RANGES && !v->ranges_wanted))
		return true;
	f->cur = (long)i;
	v->range_first = g->m->range_count;
	v->range_count = 0;
	return true;
}

/*
 * "flags=<f1,f2|->" as drm_gpusvm_print_ranges() prints them, each once,
 * all of them among @allowed (model bits): the flags of a range or of one
 * of its page sets.
 */
static bool printed_flags(struct file_state *f, const struct val *v, uint32_t allowed,
			  uint32_t *out)
{
	char ex[XESVM_EXCERPT_SIZE], ex2[XESVM_EXCERPT_SIZE];
	const char *p = v->s, *end = v->s + v->n;

	*out = 0;
	if (v->n == 1 && v->s[0] == '-')
		return true;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t len = comma ? (size_t)(comma - p) : (size_t)(end - p), i;

		for (i = 0; i < xesvm_svm_range_flag_count; i++) {
			const char *name = xesvm_svm_range_flags[i].printed;

			if (name && strlen(name) == len && !memcmp(name, p, len))
				break;
		}
		if (i == xesvm_svm_range_flag_count)
			return bad(f, "flags=%s: \"%s\" is not a range flag",
				   xesvm_excerpt(v->s, v->n, ex, sizeof(ex)),
				   xesvm_excerpt(p, len, ex2, sizeof(ex2)));
		if (!(xesvm_svm_range_flags[i].model & allowed))
			return bad(f, "flags=%s: \"%s\" is a flag of the range, not of its pages",
				   xesvm_excerpt(v->s, v->n, ex, sizeof(ex)),
				   xesvm_excerpt(p, len, ex2, sizeof(ex2)));
		if (*out & xesvm_svm_range_flags[i].model)
			return bad(f, "flags=%s names a flag twice",
				   xesvm_excerpt(v->s, v->n, ex, sizeof(ex)));
		*out |= xesvm_svm_range_flags[i].model;
		if (!comma)
			return true;
		p = comma + 1;
	}
}

/*
 * One bracketed group of a range line, "[minor=<minor> seq=<n|->
 * pagemap=<id> flags=<f1,f2|->]" at @s (@n bytes, brackets included):
 * the pages one device has of the range.
 */
static bool page_set_group(struct file_state *f, const char *s, size_t n,
			   struct xesvm_range_pages *out)
{
	enum { MINOR, SEQ, PAGEMAP, FLAGS, NF };
	static const struct field spec[NF] = {
		[MINOR] = { .key = "minor" }, [SEQ] = { .key = "seq" },
		[PAGEMAP] = { .key = "pagemap" }, [FLAGS] = { .key = "flags" },
	};
	char ex[XESVM_EXCERPT_SIZE];
	struct val val[NF];
	uint64_t x;

	if (n < 2 || s[n - 1] != ']')
		return bad(f, "\"%s\" is not a [...] group of pages",
			   xesvm_excerpt(s, n, ex, sizeof(ex)));
	if (!fields(f, s + 1, n - 2, spec, NF, val, NULL))
		return false;
	/* -1: no device owns the pages' DMA mappings. */
	out->device = XESVM_DEVICE_NONE;
	if (!(val[MINOR].n == 2 && !memcmp(val[MINOR].s, "-1", 2))) {
		if (!dec(f, "minor", &val[MINOR], UINT32_MAX - 1, &x))
			return false;
		out->device = (uint32_t)x;
	}
	/* "-": the pages were never collected, as from netlink. */
	out->notifier_seq = XESVM_NOTIFIER_SEQ_NONE;
	if (!(val[SEQ].n == 1 && val[SEQ].s[0] == '-') &&
	    !dec(f, "seq", &val[SEQ], INT64_MAX, &out->notifier_seq))
		return false;
	if (!dec(f, "pagemap", &val[PAGEMAP], UINT32_MAX - 1, &x))
		return false;
	out->pagemap = x ? (uint32_t)x : XESVM_PAGEMAP_NONE;
	return printed_flags(f, &val[FLAGS], XESVM_RANGE_PAGES_FLAGS, &out->flags);
}

/* Where the first " [" of a range line starts its groups of pages, or NULL. */
static const char *first_group(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if (s[i] == ' ' && s[i + 1] == '[')
			return s + i;
	return NULL;
}

/*
 * drm_gpusvm_print_ranges(): one range of the VM of the last header,
 * "<start>-<end> size=.. notifier=.. refs=.. flags=.. pages=<n>", then on
 * the same line one " [...]" group per page set the kernel describes.
 */
static bool range_line(struct file_state *f, struct dbg_vm *v, const char *s, size_t n)
{
	enum { SIZE, NOTIFIER, REFS, FLAGS, PAGES, NF };
	static const struct field spec[NF] = {
		[SIZE] = { .key = "size" }, [NOTIFIER] = { .key = "notifier" },
		[REFS] = { .key = "refs" }, [FLAGS] = { .key = "flags" }, [PAGES] = { .key = "pages" },
	};
	struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX];
	struct xesvm_range r = { .device = v->minor, .vm = v->vm };
	const char *groups = first_group(s, n);
	size_t head = groups ? (size_t)(groups - s) : n;
	unsigned int nsets = 0;
	struct val val[NF], lead;
	uint32_t flags;
	uint64_t x;
	int rc;

	if (!lead_window(f, "range", s, head, &r.start, &r.end) ||
	    !fields(f, s, head, spec, NF, val, &lead) ||
	    !dec(f, "size", &val[SIZE], INT64_MAX, &x))
		return false;
	if (x != r.end - r.start)
		return bad(f, "size=%" PRIu64 " is not end - start", x);
	if (!window(f, "notifier=", &val[NOTIFIER], &r.notifier_start, &r.notifier_end) ||
	    !dec(f, "refs", &val[REFS], UINT32_MAX, &x) ||
	    !printed_flags(f, &val[FLAGS], (1u << XESVM_RANGE_FLAG_COUNT) - 1, &flags) ||
	    !dec(f, "pages", &val[PAGES], UINT32_MAX, &x))
		return false;
	r.flags = (uint16_t)flags;
	r.pages_count = (uint32_t)x;
	/* The groups: " [" starts one, "]" ends it, and the line ends after the last. */
	while (groups) {
		const char *start = groups + 1, *close = memchr(start, ']', (size_t)(s + n - start));
		size_t len = close ? (size_t)(close - start) + 1 : (size_t)(s + n - start);

		if (nsets == XESVM_RANGE_PAGES_MAX)
			return bad(f, "more than %d [...] groups of pages", XESVM_RANGE_PAGES_MAX);
		if (!page_set_group(f, start, len, &sets[nsets]))
			return false;
		if (sets[nsets].flags & ~flags)
			return bad(f, "the flags of [...] group %u are not all in the range's flags=",
				   nsets + 1);
		nsets++;
		groups = start + len;
		if (groups == s + n)
			break;
		if (s + n - groups < 2 || groups[0] != ' ' || groups[1] != '[')
			return bad(f, "something else than a [...] group after the groups of pages");
	}
	if (nsets > r.pages_count)
		return bad(f, "%u [...] groups of pages for pages=%" PRIu32, nsets, r.pages_count);
	xesvm_range_set_pages(&r, sets, nsets);
	/* The ranges meeting the window, as the family's range-get gives them. */
	if (v->windowed && (r.end <= v->wstart || r.start >= v->wend))
		return true;
	rc = xesvm_model_add_range(f->g->m, &r);
	if (rc == -ENOMEM)
		oom(f);
	else if (rc)
		return bad(f, "the range cannot be represented");
	return true;
}

/* svm_mem_attrs: one VMA of the VM of the last header. */
static bool vma_line(struct file_state *f, struct dbg_vm *v, const char *s, size_t n)
{
	enum { KIND, PREFERRED, PAGEMAP, POLICY, ATOMIC, PAT, PURGEABLE, NF };
	static const struct field spec[NF] = {
		[KIND] = { .key = "kind" }, [PREFERRED] = { .key = "preferred" }, [PAGEMAP] = { .key = "pagemap" },
		[POLICY] = { .key = "policy" }, [ATOMIC] = { .key = "atomic" }, [PAT] = { .key = "pat" },
		[PURGEABLE] = { .key = "purgeable" },
	};
	struct xesvm_svm_vma a = { .device = v->minor, .vm = v->vm };
	struct val val[NF], lead;
	uint64_t x;
	json_t *obj;

	if (!lead_window(f, "region", s, n, &a.start, &a.end) ||
	    !fields(f, s, n, spec, NF, val, &lead) ||
	    !enum_val(f, "kind", &val[KIND], &xesvm_svm_mem_kind, &a.kind) ||
	    !enum_val(f, "preferred", &val[PREFERRED], &xesvm_svm_preferred_loc,
		      &a.preferred_loc) ||
	    !dec(f, "pagemap", &val[PAGEMAP], UINT32_MAX, &x))
		return false;
	a.pagemap = (uint32_t)x;	/* 0: not a pagemap (null) */
	if (!enum_val(f, "policy", &val[POLICY], &xesvm_svm_migration_policy,
		      &a.migration_policy) ||
	    !enum_val(f, "atomic", &val[ATOMIC], &xesvm_svm_xe_atomic_access, &a.atomic_access) ||
	    !dec(f, "pat", &val[PAT], UINT16_MAX, &x))
		return false;
	a.pat_index = (uint16_t)x;
	if (!enum_val(f, "purgeable", &val[PURGEABLE], &xesvm_svm_xe_purgeable, &a.purgeable))
		return false;
	/* The providers that write these files (xe, vsvm) implement xe's madvise. */
	a.xe_known = true;
	if (!v->vmas)
		v->vmas = json_array();
	obj = xesvm_svm_vma_json(&a);
	if (!v->vmas || !obj || json_array_append_new(v->vmas, obj))
		oom(f);
	return true;
}

/* One line of a client file. */
static bool client_line(struct file_state *f, const char *s, size_t n)
{
	if (n >= 3 && !memcmp(s, "vm=", 3))
		return header_line(f, s, n);
	if (f->cur == CUR_NONE)
		return bad(f, "a line before the first vm= header");
	if (f->cur == CUR_SKIP)
		return true;
	if (f->file == XESVM_DBG_RANGES)
		return range_line(f, &f->g->vms[f->cur], s, n);
	return vma_line(f, &f->g->vms[f->cur], s, n);
}

static void file_begin(struct file_state *f, struct xesvm_dbg *g, enum xesvm_dbg_file file,
		       const char *name, uint64_t owner)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->g = g;
	f->file = file;
	f->name = name;
	f->owner = owner;
	f->cur = CUR_NONE;
	if (file == XESVM_DBG_VMS || file == XESVM_DBG_PAGEMAPS)
		return;
	for (i = 0; i < g->nvms; i++)
		if (g->vms[i].client_id == owner)
			g->vms[i].file[client_file_of(file)].read = true;
}

/* One line (without its '\n'); false only when out of memory. */
static bool file_line(struct file_state *f, const char *s, size_t n, bool terminated)
{
	bool ok;

	f->lineno++;
	f->why[0] = '\0';
	if (!terminated) {
		/* The kernel ends every line: this one was cut short. */
		bad(f, "no newline at its end (the file was cut short)");
		ok = false;
	} else if (f->file == XESVM_DBG_VMS) {
		ok = vm_line(f, s, n);
	} else if (f->file == XESVM_DBG_PAGEMAPS) {
		ok = pagemap_line(f, s, n);
	} else {
		ok = client_line(f, s, n);
	}
	if (!ok)
		left_out(f);
	return !f->oom;
}

static int file_end(struct file_state *f, struct xesvm_error *err)
{
	close_vm(f);
	if (f->unnoted)
		xesvm_model_note_about(f->g->m, XESVM_SVM_VIEWS, "%s: %u more line%s left out", f->name, f->unnoted,
				 f->unnoted == 1 ? "" : "s");
	if (f->oom) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* A gathering                                                         */
/* ------------------------------------------------------------------ */

struct xesvm_dbg *xesvm_dbg_new(struct xesvm_model *m, const struct xesvm_filter *filter,
				bool ranges)
{
	struct xesvm_dbg *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->m = m;
	g->filter = filter;
	g->want_ranges = ranges;
	g->range_base = m->range_count;
	return g;
}

void xesvm_dbg_free(struct xesvm_dbg *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->nvms; i++)
		json_decref(g->vms[i].vmas);
	free(g->vms);
	free(g);
}

int xesvm_dbg_parse(struct xesvm_dbg *g, enum xesvm_dbg_file file, const char *name,
		    uint64_t owner, const char *text, size_t len, struct xesvm_error *err)
{
	struct xesvm_lines r;
	struct xesvm_line l;
	struct file_state f;

	file_begin(&f, g, file, name, owner);
	xesvm_lines_init(&r, text, len);
	while (xesvm_lines_next(&r, &l))
		if (!file_line(&f, l.text, l.len, l.terminated))
			break;
	return file_end(&f, err);
}

int xesvm_dbg_select(struct xesvm_dbg *g, struct xesvm_error *err)
{
	struct xesvm_query *q = NULL;
	size_t i;

	/* The filter selects whose VMAs and ranges are read (the same match the CLI makes). */
	if (g->filter) {
		q = xesvm_query_new(g->m, g->filter, err);
		if (!q)
			return -1;
	}
	for (i = 0; i < g->nvms; i++) {
		struct dbg_vm *v = &g->vms[i];

		v->selected = !q || xesvm_query_match(q, "vms", v->obj);
		v->ranges_wanted = v->selected && g->want_ranges &&
				   xesvm_svm_range_window(g->filter, v->start, v->end,
							  &v->windowed, &v->wstart, &v->wend);
	}
	if (q)
		xesvm_query_free(q);
	return 0;
}

bool xesvm_dbg_wants(const struct xesvm_dbg *g, enum xesvm_dbg_file file, uint64_t client_id)
{
	size_t i;

	for (i = 0; i < g->nvms; i++)
		if (g->vms[i].client_id == client_id &&
		    (file == XESVM_DBG_RANGES ? g->vms[i].ranges_wanted : g->vms[i].selected))
			return true;
	return false;
}

/* Why a file could not be read, for a note. */
static const char *unreadable_why(int e)
{
	return e == EACCES || e == EPERM ? "not readable (needs root)" : strerror(e);
}

void xesvm_dbg_unreadable(struct xesvm_dbg *g, enum xesvm_dbg_file file, const char *name,
			  uint64_t client_id, int e)
{
	enum client_file cf = client_file_of(file);
	size_t i;

	for (i = 0; i < g->nvms; i++) {
		if (g->vms[i].client_id != client_id)
			continue;
		/* Gone: the client closed its file; xesvm_dbg_finish() leaves its VMs out. */
		g->vms[i].file[cf].read = true;
		g->vms[i].file[cf].missing = e == ENOENT;
		g->vms[i].file[cf].failed = e != ENOENT;
	}
	if (e == ENOENT)
		return;
	xesvm_model_note_about(g->m, XESVM_SVM_VIEWS, "%s: %s: the %s of client %" PRIu64 "'s VMs are left out", name,
			 unreadable_why(e), cf == CF_RANGES ? "SVM ranges" : "VMAs", client_id);
}

/* Removes VM object @obj from the model's "vms". */
static void remove_vm(struct xesvm_model *m, const json_t *obj)
{
	json_t *vms = xesvm_model_array(m, "vms");
	size_t i;

	for (i = 0; i < json_array_size(vms); i++)
		if (json_array_get(vms, i) == obj) {
			json_array_remove(vms, i);
			return;
		}
}

/* Puts the ranges of the VMs kept into VM order (one copy, when needed). */
static int order_ranges(struct xesvm_dbg *g, const bool *gone)
{
	struct xesvm_model *m = g->m;
	size_t expect = g->range_base, total = g->range_base, i;
	struct xesvm_range *sorted;
	bool in_order = true;

	for (i = 0; i < g->nvms; i++) {
		const struct dbg_vm *v = &g->vms[i];

		if (gone[i] || !v->ranges_wanted || !v->range_count)
			continue;
		in_order &= v->range_first == expect;
		expect = v->range_first + v->range_count;
		total += v->range_count;
	}
	if (in_order && total == m->range_count)
		return 0;
	sorted = malloc((total ? total : 1) * sizeof(*sorted));
	if (!sorted)
		return -1;
	if (g->range_base)
		memcpy(sorted, m->ranges, g->range_base * sizeof(*sorted));
	total = g->range_base;
	for (i = 0; i < g->nvms; i++) {
		const struct dbg_vm *v = &g->vms[i];

		if (gone[i] || !v->ranges_wanted || !v->range_count)
			continue;
		memcpy(sorted + total, m->ranges + v->range_first,
		       v->range_count * sizeof(*sorted));
		total += v->range_count;
	}
	free(m->ranges);
	m->ranges = sorted;
	m->range_count = total;
	m->range_capacity = total ? total : 1;
	return 0;
}

int xesvm_dbg_finish(struct xesvm_dbg *g, struct xesvm_error *err)
{
	json_t *vmas = xesvm_model_array(g->m, "vmas");
	bool *gone = calloc(g->nvms ? g->nvms : 1, sizeof(*gone));
	size_t i;
	int cf;

	if (!vmas || !gone)
		goto oom;
	for (i = 0; i < g->nvms; i++) {
		struct dbg_vm *v = &g->vms[i];

		if (!v->selected)
			continue;
		for (cf = 0; cf < CF_COUNT && !gone[i]; cf++) {
			const struct client_file_state *s = &v->file[cf];

			if (cf == CF_RANGES && !v->ranges_wanted)
				continue;
			/* Read (or found gone), and no header for the VM: it was destroyed. */
			if (s->read && !s->failed && !s->seen) {
				xesvm_model_note_about(g->m, XESVM_SVM_VIEWS, "vm %" PRIu64 " of device %" PRIu32 " went away while it was read (dri/client-%" PRIu64 "/%s %s): the VM is left out",
						 v->vm, v->minor, v->client_id,
						 file_names[cf == CF_RANGES ? XESVM_DBG_RANGES :
							    XESVM_DBG_MEM_ATTRS],
						 s->missing ? "is gone: the client closed its DRM file" :
						 "no longer lists it");
				gone[i] = true;
			}
		}
		if (gone[i]) {
			remove_vm(g->m, v->obj);
			continue;
		}
		if (v->file[CF_ATTRS].seen) {
			size_t n = json_array_size(v->vmas);

			if ((v->vmas && json_array_extend(vmas, v->vmas)) ||
			    json_object_set_new(v->obj, "num_vmas", json_integer((json_int_t)n)))
				goto oom;
		}
	}
	if (order_ranges(g, gone))
		goto oom;
	free(gone);
	return 0;
oom:
	free(gone);
	xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
	return -1;
}

/* ------------------------------------------------------------------ */
/* Reading a debugfs tree                                              */
/* ------------------------------------------------------------------ */

/*
 * Parses file @path a line at a time (a ranges file of 100,000 ranges is
 * about 13 MB). Returns 0, an errno value when it cannot be opened or
 * read (nothing was parsed then, or only what came before a read error),
 * or -1 with @err set.
 */
static int read_file(struct xesvm_dbg *g, enum xesvm_dbg_file file, const char *path,
		     uint64_t owner, struct xesvm_error *err)
{
	struct file_state f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *in;
	int e = 0;

	in = fopen(path, "re");
	if (!in)
		return errno;
	file_begin(&f, g, file, path, owner);
	errno = 0;
	while ((n = getline(&line, &cap, in)) > 0) {
		bool terminated = line[n - 1] == '\n';

		if (!file_line(&f, line, (size_t)n - terminated, terminated))
			break;
		errno = 0;
	}
	if (ferror(in))
		e = errno ? errno : EIO;
	free(line);
	fclose(in);
	if (file_end(&f, err))
		return -1;
	if (e) {
		enum client_file cf = client_file_of(file);
		size_t i;

		xesvm_model_note_about(g->m, XESVM_SVM_VIEWS, "%s: %s after line %u: the lines after it are left out", path,
				 strerror(e), f.lineno);
		/* VMs it did not reach are not known to be gone. */
		for (i = 0; file != XESVM_DBG_VMS && file != XESVM_DBG_PAGEMAPS && i < g->nvms; i++)
			if (g->vms[i].client_id == owner && !g->vms[i].file[cf].seen)
				g->vms[i].file[cf].failed = true;
	}
	return 0;
}

/*
 * dri/<minor>/@file (svm_vms, svm_pagemaps) of the device in @dir. Returns
 * 1 when read, 0 when it could not be (a note says so), -1 with @err set.
 */
static int read_device_file(struct xesvm_dbg *g, enum xesvm_dbg_file file, const char *dir,
			    long minor, struct xesvm_error *err)
{
	char path[PATH_MAX];
	int e;

	xesvm_path(path, "%s/%s", dir, file_names[file]);
	e = read_file(g, file, path, (uint64_t)minor, err);
	if (e <= 0)
		return e < 0 ? -1 : 1;
	xesvm_model_note_about(g->m, XESVM_SVM_VIEWS, "%s: %s: the %s of device %ld are left out", path,
			 unreadable_why(e), file == XESVM_DBG_VMS ? "VMs" : "pagemaps", minor);
	return 0;
}

/* The device of dri/<minor>: its driver and dev_name() from the name file. */
static int svm_device(struct xesvm_model *m, const char *dir, uint32_t minor, bool *added)
{
	struct xesvm_error perr = { 0 };
	char path[PATH_MAX], driver[64] = "", name[128] = "", *text;
	json_t *parsed = NULL;
	size_t len;
	int rc;

	xesvm_path(path, "%s/name", dir);
	if (!xesvm_read_text_file(path, &text, &len)) {
		if (!xesvm_parse_dri_name(text, len, &parsed, &perr)) {
			const char *d = json_string_value(json_object_get(parsed, "driver"));
			const char *n = json_string_value(json_object_get(parsed, "dev"));

			snprintf(driver, sizeof(driver), "%s", d ? d : "");
			snprintf(name, sizeof(name), "%s", n ? n : "");
		}
		free(text);
	}
	/* A recorded tree's device nodes are another machine's: not looked up here. */
	rc = xesvm_svm_device(m, minor, driver, name, NULL, NULL, added);
	json_decref(parsed);
	return rc;
}

/* Reads the client files of the selected VMs, each client once. */
static int read_client_files(struct xesvm_dbg *g, const char *dri, struct xesvm_error *err)
{
	static const enum xesvm_dbg_file files[] = { XESVM_DBG_MEM_ATTRS, XESVM_DBG_RANGES };
	size_t i, j, k;

	for (i = 0; i < g->nvms; i++) {
		uint64_t client = g->vms[i].client_id;

		for (j = 0; j < i && g->vms[j].client_id != client; j++)
			;
		if (j < i)
			continue;	/* read with an earlier VM of the client */
		for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
			char path[PATH_MAX];
			int e;

			if (!xesvm_dbg_wants(g, files[k], client))
				continue;
			xesvm_path(path, "%s/client-%" PRIu64 "/%s", dri, client, file_names[files[k]]);
			e = read_file(g, files[k], path, client, err);
			if (e < 0)
				return -1;
			if (e)
				xesvm_dbg_unreadable(g, files[k], path, client, e);
		}
	}
	return 0;
}

int xesvm_debugfs_svm_gather(struct xesvm_model *m, const char *debugfs,
			     const struct xesvm_filter *filter, bool ranges, int *why,
			     struct xesvm_error *err)
{
	char dri[PATH_MAX];
	struct xesvm_dbg *g = NULL;
	bool added = false, any = false, pagemaps = false;
	long *minors;
	int count, i, ret = -1;

	xesvm_path(dri, "%s/dri", debugfs);
	count = xesvm_list_numbered(dri, "", &minors);
	if (count < 0) {
		*why = -count == EACCES || -count == EPERM ? EACCES : ENOENT;
		return 1;
	}
	for (i = 0; i < count; i++) {
		char dir[PATH_MAX], path[PATH_MAX];
		struct stat st;
		int e;

		/* Primary minors 0-63 (drm_drv.c); the render minors link to the same directory. */
		if (minors[i] > 63)
			continue;
		xesvm_path(dir, "%s/%ld", dri, minors[i]);
		xesvm_path(path, "%s/svm_vms", dir);
		if (stat(path, &st))
			continue;
		if (!g) {
			g = xesvm_dbg_new(m, filter, ranges);
			if (!g) {
				xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
				goto out;
			}
		}
		any = true;
		if (svm_device(m, dir, (uint32_t)minors[i], &added)) {
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
			goto out;
		}
		if (read_device_file(g, XESVM_DBG_VMS, dir, minors[i], err) < 0)
			goto out;
		e = read_device_file(g, XESVM_DBG_PAGEMAPS, dir, minors[i], err);
		if (e < 0)
			goto out;
		pagemaps |= e > 0;
	}
	if (!any) {
		*why = ENOENT;
		ret = 1;
		goto out;
	}
	if (added)
		xesvm_svm_devices_source(m, "debugfs");
	if (xesvm_dbg_select(g, err) || read_client_files(g, dri, err) ||
	    xesvm_dbg_finish(g, err))
		goto out;
	xesvm_model_set_source(m, "vms", "debugfs");
	xesvm_model_set_source(m, "vmas", "debugfs");
	if (ranges)
		xesvm_model_set_source(m, "ranges", "debugfs");
	if (pagemaps)
		xesvm_model_set_source(m, "pagemaps", "debugfs");
	ret = 0;
out:
	xesvm_dbg_free(g);
	free(minors);
	return ret;
}

/* ------------------------------------------------------------------ */
/* The source                                                          */
/* ------------------------------------------------------------------ */

/* Whether some device of the tree at @debugfs has dri/<minor>/svm_vms; *@e why not. */
static bool has_svm_files(const char *debugfs, int *e)
{
	char dri[PATH_MAX];
	bool found = false;
	long *minors;
	int count, i;

	xesvm_path(dri, "%s/dri", debugfs);
	count = xesvm_list_numbered(dri, "", &minors);
	if (count < 0) {
		*e = xesvm_is_access_error(-count) ? EACCES : ENOENT;
		return false;
	}
	for (i = 0; i < count && !found; i++) {
		char path[PATH_MAX];
		struct stat st;

		xesvm_path(path, "%s/%ld/svm_vms", dri, minors[i]);
		found = minors[i] <= DRM_PRIMARY_MINOR_MAX && !stat(path, &st);
	}
	free(minors);
	*e = ENOENT;
	return found;
}

static int open_svm_debugfs(struct xesvm_gathering *g, void **state,
			    struct xesvm_unavailable *why, struct xesvm_error *err)
{
	int e;

	if (has_svm_files(g->roots.debugfs, &e))
		return 0;
	why->access = e == EACCES;
	if (why->access)
		snprintf(why->why, sizeof(why->why),
			 "debugfs (%.300s/dri) is not readable to look for SVM files (needs root)",
			 g->roots.debugfs);
	else
		snprintf(why->why, sizeof(why->why),
			 "there are no SVM debugfs files (%.300s/dri/N/svm_vms)", g->roots.debugfs);
	return 1;
}

static int fill_svm_debugfs(struct xesvm_gathering *g, void *state, struct xesvm_error *err)
{
	const struct xesvm_sources *o = g->options;
	int why;

	/* 1: the files went away since open(); then there is nothing to read. */
	return xesvm_debugfs_svm_gather(g->m, g->roots.debugfs, o ? o->filter : NULL,
					o && o->ranges, &why, err) < 0 ? -1 : 0;
}

const struct xesvm_source xesvm_source_svm_debugfs = {
	.name = "SVM debugfs files",
	.fills = XESVM_SVM_VIEWS,
	.open = open_svm_debugfs,
	.fill = fill_svm_debugfs,
};
