/* SPDX-License-Identifier: MIT */
/*
 * libxesvm - the one place that talks to the kernel about Intel Xe GPU
 * shared virtual memory (SVM): debugfs, fdinfo, libdrm discovery, the
 * drm-svm generic netlink family, and snapshot files.
 *
 * Everything gathered ends up in one model (struct xesvm_model). Renderers
 * read only the model; a snapshot file is the model saved as JSON. The JSON
 * keys are a public, versioned contract documented in xesvm-json(7).
 *
 * Representation: every collection except SVM ranges is a jansson tree
 * (small: tens to thousands of objects). Ranges can number in the millions,
 * so they are kept as a packed array of struct xesvm_range (with their page
 * sets) and converted to JSON one at a time when written
 * (xesvm_range_to_json() is the only mapping in either direction, together
 * with xesvm_range_from_json()).
 */
#ifndef XESVM_H
#define XESVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Version of the JSON model; bumped on any incompatible key change (the
 * history is in xesvm-json(7)). Snapshots of every version from
 * XESVM_SCHEMA_VERSION_OLDEST on load, converted to this one.
 */
#define XESVM_SCHEMA_VERSION 2
#define XESVM_SCHEMA_VERSION_OLDEST 1

const char *xesvm_version(void);

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/*
 * Error classes double as the CLI's exit codes (documented in xesvmctl(8)):
 * 0 ok, 1 usage (bad input from the user: arguments, a malformed or
 * future-schema snapshot, an unknown device), 2 system/kernel (I/O, missing
 * permissions, data the kernel gave us that we cannot parse).
 */
enum xesvm_status {
	XESVM_OK = 0,
	XESVM_E_USAGE = 1,
	XESVM_E_SYSTEM = 2,
};

struct xesvm_error {
	enum xesvm_status status;
	int sys_errno;		/* errno behind a system error, 0 if none */
	char msg[512];		/* one line, no trailing newline */
};

/* Records the first error only: later calls leave an existing error alone. */
void xesvm_error_set(struct xesvm_error *err, enum xesvm_status status,
		     int sys_errno, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ------------------------------------------------------------------ */
/* SVM ranges: the one large collection, held packed                    */
/* ------------------------------------------------------------------ */

/*
 * Bits of struct xesvm_range.flags and struct xesvm_range_pages.flags. A
 * range has its own (migrate_devmem, unmapped, partial_unmap, gc_pending)
 * and every flag of any of its page sets; a page set has only those of
 * XESVM_RANGE_PAGES_FLAGS.
 */
enum xesvm_range_flag {
	XESVM_RANGE_MIGRATE_DEVMEM = 1u << 0,
	XESVM_RANGE_UNMAPPED = 1u << 1,
	XESVM_RANGE_PARTIAL_UNMAP = 1u << 2,
	XESVM_RANGE_HAS_DEVMEM_PAGES = 1u << 3,
	XESVM_RANGE_HAS_DMA_MAPPING = 1u << 4,
	XESVM_RANGE_GC_PENDING = 1u << 5,
	XESVM_RANGE_STALE = 1u << 6,	/* invalidated since the pages were last taken */
};
#define XESVM_RANGE_FLAG_COUNT 7

/* The flags a page set can have: the state of one device's pages. */
#define XESVM_RANGE_PAGES_FLAGS (XESVM_RANGE_UNMAPPED | XESVM_RANGE_HAS_DEVMEM_PAGES | \
				 XESVM_RANGE_HAS_DMA_MAPPING | XESVM_RANGE_STALE)

/* JSON/human name of flag bit @bit ("migrate_devmem", ...), NULL past the end. */
const char *xesvm_range_flag_name(unsigned int bit);

#define XESVM_PAGEMAP_NONE UINT32_MAX		/* not in device memory */
#define XESVM_DEVICE_NONE UINT32_MAX		/* no device owns the pages' DMA mappings */
#define XESVM_NOTIFIER_SEQ_NONE UINT64_MAX	/* the pages were never collected */

/* The kernel describes at most this many page sets of a range (drm-svm, debugfs). */
#define XESVM_RANGE_PAGES_MAX 4

/*
 * One device's pages of a range: a struct drm_gpusvm_pages of the driver.
 * Since Linux 7.3 a driver keeps one per range, or one per device that
 * maps the range (several GPUs sharing a process's address space).
 */
struct xesvm_range_pages {
	uint64_t notifier_seq;	/* MMU notifier sequence of the last get-pages, or _NONE */
	uint32_t device;	/* DRM primary minor owning their DMA mappings, or _NONE */
	uint32_t pagemap;	/* pagemap id holding them in device memory, or _NONE */
	uint32_t flags;		/* XESVM_RANGE_PAGES_FLAGS bits */
};

/*
 * A range as the model keeps it: packed, since there can be millions.
 * Nearly every range has one page set, which lives in the range itself;
 * a range with several keeps them aside (in the model's storage once the
 * range is in a model). Read the page sets with xesvm_range_get_pages(),
 * give them with xesvm_range_set_pages(): the members after "flags" are
 * theirs.
 */
struct xesvm_range {
	uint64_t start;			/* [start, end), CPU virtual address */
	uint64_t end;
	uint64_t notifier_start;	/* MMU interval notifier holding it */
	uint64_t notifier_end;
	uint64_t vm;			/* drm-svm VM id (never reused; not the driver's handle) */
	uint32_t device;		/* DRM primary minor of the device */
	uint32_t pages_count;		/* page sets the driver keeps for it */
	uint32_t tile_present;		/* xe's tile bitmasks (drm-svm's xe nest); 0 when not reported */
	uint32_t tile_invalidated;
	uint16_t flags;			/* enum xesvm_range_flag bits */
	uint8_t pages_described;	/* page sets described (at most _PAGES_MAX, pages_count) */
	uint8_t one_flags;		/* the only page set's flags, when pages_described is 1 */
	union {
		struct {		/* pages_described 1: the page set itself */
			uint64_t notifier_seq;
			uint32_t device;
			uint32_t pagemap;
		} one;
		/* pages_described > 1: all of them, in the model's storage (or the caller's) */
		const struct xesvm_range_pages *several;
	} pages;
};

/* Page set @i (below r->pages_described) of @r. */
struct xesvm_range_pages xesvm_range_get_pages(const struct xesvm_range *r, unsigned int i);

/*
 * Gives @r the @n described page sets @sets. One is copied into @r;
 * several stay where they are, and @r points at them, until
 * xesvm_model_add_range() copies them into the model: @sets must live
 * until then. -EINVAL (and @r unchanged) for more than
 * XESVM_RANGE_PAGES_MAX or a flag outside XESVM_RANGE_PAGES_FLAGS.
 */
int xesvm_range_set_pages(struct xesvm_range *r, const struct xesvm_range_pages *sets,
			  unsigned int n);

/* Where the pages of a range live, derived from its flags. */
enum xesvm_residency {
	XESVM_RES_NONE,		/* no pages gathered (or unmapped) */
	XESVM_RES_SYSTEM,	/* DMA-mapped system pages */
	XESVM_RES_DEVICE,	/* device-private pages of a pagemap */
};
/* Of the range: "device" when any of its page sets has device pages. */
enum xesvm_residency xesvm_range_residency(const struct xesvm_range *r);
/* Of one page set. */
enum xesvm_residency xesvm_range_pages_residency(const struct xesvm_range_pages *p);
const char *xesvm_residency_name(enum xesvm_residency res); /* "none", "system", "device" */

/*
 * The only range <-> JSON mapping (keys in xesvm-json(7)). From JSON, @r
 * gets the page sets in @sets (xesvm_range_set_pages()): keep @sets until
 * the range is added to a model.
 */
json_t *xesvm_range_to_json(const struct xesvm_range *r);
int xesvm_range_from_json(const json_t *obj, struct xesvm_range *r,
			  struct xesvm_range_pages sets[XESVM_RANGE_PAGES_MAX],
			  struct xesvm_error *err);

/* ------------------------------------------------------------------ */
/* The model                                                           */
/* ------------------------------------------------------------------ */

/*
 * Top-level collections (flat tables, joined by "device" and "vm" keys):
 * "devices", "clients", "vms", "vmas", "pagemaps", "events" are jansson
 * arrays inside the root object; "ranges" is the packed array.
 * Other root keys: "schema_version", "generator", "captured_at", "host",
 * "sources" (view -> where it came from), "notes" (what could not be read
 * and why).
 */
struct xesvm_model;

struct xesvm_model *xesvm_model_new(void);
void xesvm_model_free(struct xesvm_model *m);

/* Borrowed root object; holds everything but the ranges. */
json_t *xesvm_model_root(const struct xesvm_model *m);

/* Borrowed top-level array @key, created empty if missing. */
json_t *xesvm_model_array(struct xesvm_model *m, const char *key);

/*
 * Copies @r and its page sets into @m. 0, -ENOMEM, or -EINVAL for a range
 * the JSON of xesvm-json(7) cannot hold (a value above INT64_MAX, end not
 * above start, an unknown flag, more page sets described than counted or
 * than XESVM_RANGE_PAGES_MAX, a page set flag the range's flags lack).
 */
int xesvm_model_add_range(struct xesvm_model *m, const struct xesvm_range *r);
size_t xesvm_model_range_count(const struct xesvm_model *m);
const struct xesvm_range *xesvm_model_range(const struct xesvm_model *m,
					    size_t index);

/*
 * Views of the model: the top-level collections one command shows
 * ("devices", "stats" (the GT statistics of the devices), "clients",
 * "vms", "vmas", "ranges", "pagemaps", "events"). A source fills views; a
 * note concerns views.
 */
enum xesvm_view_bit {
	XESVM_VIEW_DEVICES = 1u << 0,
	XESVM_VIEW_STATS = 1u << 1,
	XESVM_VIEW_CLIENTS = 1u << 2,
	XESVM_VIEW_VMS = 1u << 3,
	XESVM_VIEW_VMAS = 1u << 4,
	XESVM_VIEW_RANGES = 1u << 5,
	XESVM_VIEW_PAGEMAPS = 1u << 6,
	XESVM_VIEW_EVENTS = 1u << 7,
	XESVM_VIEW_ALL = (1u << 8) - 1,
};

/* Appends a human-readable note ("debugfs not readable: needs root ..") about every view. */
void xesvm_model_note(struct xesvm_model *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same about the views @views (enum xesvm_view_bit bits) only. */
void xesvm_model_note_about(struct xesvm_model *m, unsigned int views, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * The views note @index of "notes" concerns. A note this library added
 * knows; a note read from a snapshot concerns the view its text starts
 * with ("events: ..." concerns the events), any other note every view.
 */
unsigned int xesvm_model_note_views(const struct xesvm_model *m, size_t index);

/* Records where view @view ("devices", "stats", "clients", ...) came from. */
void xesvm_model_set_source(struct xesvm_model *m, const char *view,
			    const char *source);

/*
 * Fills "generator" ("libxesvm VERSION"), "captured_at" (now, UTC RFC 3339;
 * $SOURCE_DATE_EPOCH overrides "now") and "host" (uname). Called by whoever
 * captures a model from the live system (gather, `xesvmctl snapshot`).
 */
void xesvm_model_stamp(struct xesvm_model *m);

/* ------------------------------------------------------------------ */
/* Writing and loading (snapshots, -j output)                          */
/* ------------------------------------------------------------------ */

enum xesvm_write_flags {
	XESVM_WRITE_PRETTY = 1u << 0,	/* indented, for people */
};

/* Streams the whole model as one JSON document (ranges one at a time). */
int xesvm_model_write(const struct xesvm_model *m, FILE *out, unsigned int flags,
		      struct xesvm_error *err);

/*
 * A view: the part of the model one command shows. @collections is a
 * NULL-terminated list of top-level keys ("devices", "ranges", ...; NULL
 * means the whole model); @query (may be NULL) selects objects within them.
 * `xesvmctl -j OBJECT show` is xesvm_model_write_view() of that object's
 * collection: the same writer as snapshots, so -j output is a valid
 * (partial) model that -f can load back.
 */
struct xesvm_query;
struct xesvm_view {
	const char *const *collections;
	const struct xesvm_query *query;
};

int xesvm_model_write_view(const struct xesvm_model *m, FILE *out,
			   const struct xesvm_view *view, unsigned int flags,
			   struct xesvm_error *err);

/*
 * Saves to @path atomically (temporary file + rename: never a half-written
 * snapshot). @gzip compresses; "-" writes to stdout.
 */
int xesvm_snapshot_save(const struct xesvm_model *m, const char *path,
			bool gzip, struct xesvm_error *err);

/*
 * Loads a snapshot ("-" for stdin; gzip detected by magic). A malformed
 * file or a schema_version newer than XESVM_SCHEMA_VERSION is XESVM_E_USAGE
 * with a message naming the file and what is wrong.
 */
int xesvm_snapshot_load(const char *path, struct xesvm_model **out,
			struct xesvm_error *err);

/* ------------------------------------------------------------------ */
/* Gathering from the running system                                   */
/* ------------------------------------------------------------------ */

struct xesvm_sources {
	const char *debugfs_root;	/* NULL: $XESVM_DEBUGFS, else /sys/kernel/debug */
	const char *proc_root;		/* NULL: $XESVM_PROC, else /proc */
	bool all_drivers;		/* also non-xe DRM devices */
	/*
	 * Also read SVM ranges (netlink: one dump per VM; debugfs: the
	 * clients' svm_ranges files; there can be millions). Without it the
	 * model has no "ranges" source.
	 */
	bool ranges;
	/*
	 * Read VMAs and ranges only of the VMs this selects (and ranges only
	 * within its window), from netlink or debugfs alike; NULL: of every
	 * VM. The model still lists every VM. Must stay valid during
	 * xesvm_gather().
	 */
	const struct xesvm_filter *filter;
};

/*
 * Fills a new model from the live system: devices (libdrm, or the
 * debugfs root's dri/N/name files when a debugfs root was given: a
 * recorded tree describes another machine), GT statistics, DRM clients,
 * and VMs, VMAs, ranges (when asked) and pagemaps through the drm-svm
 * netlink family, or without it from the SVM debugfs files
 * (dri/N/svm_vms, svm_pagemaps, dri/client-N/svm_ranges, svm_mem_attrs)
 * where the kernel writes them. The family is not used when a debugfs
 * root was given (it would describe this machine, not the recorded one);
 * $XESVM_SOURCE overrides: "netlink" (use it, failing if it is not
 * there), "debugfs" (never use it). "sources" says which one each view
 * came from ("netlink", "debugfs"). A kernel with neither is a note.
 * Unreadable sources become notes, not errors; an error is returned only
 * when nothing at all could be gathered for a reason the user must fix.
 */
int xesvm_gather(const struct xesvm_sources *src, struct xesvm_model **out,
		 struct xesvm_error *err);

/* The procfs root in use; *@explicit_root: given by option or environment. */
const char *xesvm_proc_root(const struct xesvm_sources *src, bool *explicit_root);

/*
 * Reads and parses <proc root>/@pid/maps (xesvm_parse_proc_maps()) and,
 * when @comm is not NULL, the process's comm now (string, or null when
 * unreadable). Fails (-1, XESVM_E_SYSTEM) with err->sys_errno ENOENT when
 * the process is not running, EACCES/EPERM without ptrace read access,
 * and with the file's name and line when it cannot be parsed.
 */
int xesvm_read_proc_maps(const struct xesvm_sources *src, long pid,
			 json_t **maps, json_t **comm, struct xesvm_error *err);

/* Resets the GT statistics of the selected devices (writes gtN/stats). */
int xesvm_stats_reset(const struct xesvm_sources *src,
		      const struct xesvm_model *m, const char *device_selector,
		      struct xesvm_error *err);

/* ------------------------------------------------------------------ */
/* Text parsers (exported for tests and fuzzers)                       */
/* ------------------------------------------------------------------ */

/* xe gtN/stats: "name: value" lines -> {"name": value, ...}. */
int xesvm_parse_gt_stats(const char *text, size_t len, json_t **out,
			 struct xesvm_error *err);
/* debugfs dri/client-N/proc_info: "pid: N", "comm: S". */
int xesvm_parse_proc_info(const char *text, size_t len, json_t **out,
			  struct xesvm_error *err);
/* /proc/PID/fdinfo/FD of a DRM fd; *out is NULL when not a DRM fd. */
int xesvm_parse_fdinfo(const char *text, size_t len, json_t **out,
		       struct xesvm_error *err);
/* debugfs dri/N/name: "DRIVER dev=BDF [master=..] [unique=..]". */
int xesvm_parse_dri_name(const char *text, size_t len, json_t **out,
			 struct xesvm_error *err);

/*
 * /proc/PID/maps (fs/proc/task_mmu.c:show_map_vma()) ->
 * {"mappings": [{"start", "end", "perms" ("rw-p"), "offset", "dev"
 * ("fd:01", hex as printed), "inode", "path" (null for an unnamed
 * mapping; "[heap]", "[anon:NAME]", "/path (deleted)" as printed)}]}.
 * Strict: every field as the kernel prints it, mappings non-empty,
 * ascending and disjoint, every line ending in '\n'.
 */
int xesvm_parse_proc_maps(const char *text, size_t len, json_t **out,
			  struct xesvm_error *err);
/* The mapping of a parsed maps object holding @addr (borrowed), or NULL. */
json_t *xesvm_proc_maps_find(const json_t *maps, uint64_t addr);

/* Statistic grouping for people: "faults", "migrations", "copies", ... */
const char *xesvm_stat_group(const char *stat_name);

/* ------------------------------------------------------------------ */
/* Selection                                                           */
/* ------------------------------------------------------------------ */

struct xesvm_filter {
	const char *device;	/* card index "0", "card0", "renderD128",
				 * "/dev/dri/renderD128" or PCI BDF; NULL: any */
	int64_t pid;		/* -1: any */
	int64_t client_id;	/* -1: any */
	int64_t vm;		/* -1: any */
	bool has_window;
	uint64_t start, end;	/* address window [start, end) */
};

void xesvm_filter_init(struct xesvm_filter *f);

/* "ADDR", "ADDR-END", "ADDR+LEN" (LEN may carry K/M/G/T); rejects wrap. */
int xesvm_parse_window(const char *text, uint64_t *start, uint64_t *end,
		       struct xesvm_error *err);

/* A filter resolved against a model (pid/client -> VMs, device -> minor). */
struct xesvm_query;

/* XESVM_E_USAGE if the device selector matches no device in @m. */
struct xesvm_query *xesvm_query_new(const struct xesvm_model *m,
				    const struct xesvm_filter *f,
				    struct xesvm_error *err);
void xesvm_query_free(struct xesvm_query *q);
/* @collection is the top-level key the object came from. */
bool xesvm_query_match(const struct xesvm_query *q, const char *collection,
		       const json_t *obj);
bool xesvm_query_match_range(const struct xesvm_query *q,
			     const struct xesvm_range *r);

/* ------------------------------------------------------------------ */
/* Live SVM state and admin actions: the drm-svm netlink family         */
/* ------------------------------------------------------------------ */

/*
 * The drm-svm generic netlink family (kernel-patches/, spec
 * Documentation/netlink/specs/drm_svm.yaml, uAPI include/uapi/drm/drm_svm.h)
 * names a VM by (dev-id, vm-id). In the model, "device" is the DRM primary
 * minor the family reports for the dev-id and "vm" is the vm-id, so a VM
 * looks the same whether it came from netlink, debugfs or a snapshot. A
 * vm-id is a 64-bit number the kernel never gives to another VM of the
 * device, so a VM named by it cannot be one that took a closed VM's
 * place; the driver's own handle of the VM (xe: the ASID), which it may
 * reuse, is the VM's "driver_handle".
 */
struct xesvm_nl;

/*
 * Opens a generic netlink socket and resolves the "drm-svm" family. A
 * kernel without the family is XESVM_E_SYSTEM with sys_errno ENOENT and a
 * message saying so (callers fall back to debugfs).
 */
int xesvm_nl_open(struct xesvm_nl **out, struct xesvm_error *err);
void xesvm_nl_close(struct xesvm_nl *nl);

/* What xesvm_nl_gather() dumps; zero/false members mean "all". */
struct xesvm_nl_scope {
	const struct xesvm_filter *filter;	/* device, pid, vm, window; NULL: all */
	bool ranges;		/* dump ranges of every selected VM */
	bool mem_attrs;		/* dump memory attributes (VMAs) */
	bool pagemaps;		/* dump pagemaps with statistics */
};

/*
 * Adds to @m: "devices" known to the family (minor, driver, name) unless a
 * device with that minor is already there (which then gets "name"), "vms",
 * and per @scope "vmas", ranges and "pagemaps"; records "netlink" as their
 * source. @scope NULL: everything. The filter selects the VMs whose VMAs
 * and ranges are read (all VMs are listed) and the window of the ranges;
 * a device selector matching no device is XESVM_E_USAGE. A dump the
 * kernel marks NLM_F_DUMP_INTR is retried (5 attempts in
 * all) and then reported as an inconsistent dump (EAGAIN). A VM that goes
 * away mid-dump is left out with a note, not an error; so are the VMAs or
 * ranges of a VM the caller may no longer read. Kernel extended-ACK
 * messages end up in err->msg verbatim.
 */
int xesvm_nl_gather(struct xesvm_nl *nl, struct xesvm_model *m,
		    const struct xesvm_nl_scope *scope, struct xesvm_error *err);

/* One VM of one device, as the family names it. */
struct xesvm_nl_target {
	uint32_t minor;		/* DRM primary minor (model "device") */
	uint64_t vm;		/* vm-id (<= INT64_MAX, as the model holds it) */
	uint64_t start, end;	/* [start, end), page aligned; 0/0 = whole VM */
};

/* madvise: which attributes to set (XESVM_ATTR_* bits) and their values. */
enum xesvm_attr_bits {
	XESVM_ATTR_PREFERRED_LOC = 1u << 0,
	XESVM_ATTR_MIGRATION_POLICY = 1u << 1,
	/* xe's attributes: a device whose driver has none refuses them (EOPNOTSUPP). */
	XESVM_ATTR_ATOMIC_ACCESS = 1u << 2,
	XESVM_ATTR_PAT_INDEX = 1u << 3,
};

struct xesvm_attr_change {
	unsigned int set;		/* enum xesvm_attr_bits, never 0 */
	uint32_t preferred_loc;		/* enum drm_svm_preferred_loc */
	uint32_t pagemap;		/* pagemap id when preferred_loc is PAGEMAP */
	uint32_t migration_policy;	/* enum drm_svm_migration_policy */
	uint32_t atomic_access;		/* xe's: enum drm_svm_xe_atomic_access */
	uint16_t pat_index;		/* xe's */
};

int xesvm_nl_mem_attr_set(struct xesvm_nl *nl, const struct xesvm_nl_target *t,
			  const struct xesvm_attr_change *chg,
			  struct xesvm_error *err);

struct xesvm_migrate_result {
	uint64_t ranges;		/* ranges looked at */
	uint64_t ranges_failed;
	uint64_t pages;			/* pages moved */
	int first_error;		/* negative errno, 0 if none failed */
	uint64_t first_error_addr;
};

/* @to_pagemap: false = system memory; else pagemap @pagemap. */
int xesvm_nl_migrate(struct xesvm_nl *nl, const struct xesvm_nl_target *t,
		     bool to_pagemap, uint32_t pagemap,
		     struct xesvm_migrate_result *res, struct xesvm_error *err);

struct xesvm_gc_result {
	uint64_t ranges;		/* ranges collected */
	uint64_t bytes;			/* of address space they covered */
	uint64_t attr_resets;		/* windows whose memory attributes were reset */
};

int xesvm_nl_gc(struct xesvm_nl *nl, const struct xesvm_nl_target *t,
		struct xesvm_gc_result *res, struct xesvm_error *err);

/*
 * Events. xesvm_nl_events_open() joins the "events" group on a socket of
 * its own (non-blocking); joining needs CAP_SYS_ADMIN, which it checks
 * first, and fails (XESVM_E_SYSTEM, EPERM) naming it, as it does when the
 * kernel refuses the membership. Without the family:
 * XESVM_E_SYSTEM, ENOENT, as xesvm_nl_open().
 */
struct xesvm_nl_events;

int xesvm_nl_events_open(struct xesvm_nl_events **out, struct xesvm_error *err);
void xesvm_nl_events_close(struct xesvm_nl_events *ev);
/* File descriptor to poll() for readability. */
int xesvm_nl_events_fd(const struct xesvm_nl_events *ev);
/*
 * Reads what is queued without blocking and appends one model "event"
 * object per message to @events (a JSON array). Returns the number
 * appended, or -1 on error (events appended before it stay). Overruns
 * (ENOBUFS) are counted, not errors. Reads at most a bounded batch per
 * call, so under a flood it returns and the caller polls again.
 */
int xesvm_nl_events_read(struct xesvm_nl_events *ev, json_t *events,
			 struct xesvm_error *err);
/* Socket overruns seen so far (each may have lost any number of events). */
uint64_t xesvm_nl_events_overruns(const struct xesvm_nl_events *ev);
/*
 * Events the kernel dropped so far because the socket's receive buffer was
 * full: the socket's drop counter (Drops in /proc/self/net/netlink, found
 * by the socket's inode), so the number of events, where an overrun says
 * only that some were lost. The kernel reports one overrun per episode of
 * a full buffer and goes on counting drops until it drains: read this
 * after the reads that follow an overrun for the whole count. Returns 0,
 * or -1 when the counter cannot be read (no procfs, no socket).
 */
int xesvm_nl_events_lost(const struct xesvm_nl_events *ev, uint64_t *lost);
/*
 * Events missing from the numbers (the seq attribute) of the events read
 * so far, summed over the devices: events lost for any reason, the kernel
 * out of memory as well as a full receive buffer, known from the events
 * alone. Counted from each device's first event read. 0 from a kernel
 * that does not number its events.
 */
uint64_t xesvm_nl_events_missed(const struct xesvm_nl_events *ev);

/* ------------------------------------------------------------------ */
/* Comparing snapshots                                                 */
/* ------------------------------------------------------------------ */

/*
 * What changed from @a to @b: counters as deltas, objects added, removed
 * and changed per collection (ranges included). Returns a new JSON object
 * (keys in xesvm-json(7), section DIFF).
 */
json_t *xesvm_model_diff(const struct xesvm_model *a,
			 const struct xesvm_model *b, struct xesvm_error *err);

/*
 * The same without the range entries: "ranges" is null, at its place.
 * They are walked with xesvm_range_diff_*() instead of being held all at
 * once (tens of thousands of objects of kilobytes between two snapshots
 * of a million ranges).
 */
json_t *xesvm_model_diff_head(const struct xesvm_model *a,
			      const struct xesvm_model *b, struct xesvm_error *err);

/* The three lists of a diff's "ranges". */
enum xesvm_diff_part {
	XESVM_DIFF_ADDED,
	XESVM_DIFF_REMOVED,
	XESVM_DIFF_CHANGED,
};

/* A walk over the range entries of the diff of two models (which must outlive it). */
struct xesvm_range_diff;

struct xesvm_range_diff *xesvm_range_diff_new(const struct xesvm_model *a,
					      const struct xesvm_model *b,
					      struct xesvm_error *err);
void xesvm_range_diff_free(struct xesvm_range_diff *d);
/* Starts (again) at the first entry of list @part. */
void xesvm_range_diff_rewind(struct xesvm_range_diff *d, enum xesvm_diff_part part);
/*
 * The next entry of the list being walked, as xesvm_model_diff() has it
 * (a range, or {"key", "changes"}): 1 and a new *@entry, 0 at the end of
 * the list, -1 when out of memory.
 */
int xesvm_range_diff_next(struct xesvm_range_diff *d, json_t **entry, struct xesvm_error *err);
/* The entries of list @part, counted without building them; rewinds to @part. */
size_t xesvm_range_diff_count(struct xesvm_range_diff *d, enum xesvm_diff_part part);

/*
 * Writes the diff of @a and @b to @out as jansson would dump
 * xesvm_model_diff() of them (JSON_COMPACT, or JSON_INDENT(2) with
 * XESVM_WRITE_PRETTY) and a newline, with one range entry in memory at a
 * time.
 */
int xesvm_model_diff_write(const struct xesvm_model *a, const struct xesvm_model *b,
			   FILE *out, unsigned int flags, struct xesvm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* XESVM_H */
