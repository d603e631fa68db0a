/* SPDX-License-Identifier: MIT */
/*
 * Gathering a model from a running system (or a recorded tree of one):
 *
 *   devices   libdrm, or <debugfs>/dri/<minor>/name for an explicit root
 *   GT stats  <debugfs>/dri/<minor>/gt<N>/stats     (xe_gt_debugfs.c: a
 *             symlink to tile<T>/gt<N>; mode 0600, so root only)
 *   clients   <debugfs>/dri/client-<id>/proc_info   (drm_debugfs.c:
 *             drm_debugfs_clients_add(): at the dri root, with a "device"
 *             symlink to ../<unique>), joined on drm-client-id with
 *             <proc>/<pid>/fdinfo/<fd> of DRM fds (memory per region)
 *   VMs, VMAs, ranges, pagemaps
 *             the drm-svm generic netlink family (netlink.c), on the live
 *             system only (not with a recorded debugfs tree); without it
 *             the SVM debugfs files (debugfs_svm.c: dri/<minor>/svm_vms,
 *             svm_pagemaps, dri/client-<id>/svm_ranges, svm_mem_attrs)
 *             where the kernel writes them, live or recorded
 *
 * What cannot be read for lack of privileges is counted and reported in
 * ONE note at the end, so a normal user sees one clear sentence about root
 * instead of a note per file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debugfs_internal.h"
#include "gather_internal.h"
#include "model_internal.h"
#include "xesvm.h"

/* model.c: generator, captured_at and host of a freshly gathered model. */
void xesvm_model_stamp(struct xesvm_model *m);

void xesvm_path(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		buf[0] = '\0';
}

int xesvm_read_text_file(const char *path, char **text, size_t *len)
{
	return xesvm_read_text_file_limit(path, XESVM_MAX_TEXT_FILE, text, len);
}

int xesvm_read_text_file_limit(const char *path, size_t limit, char **text,
			       size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf;
	int fd;

	*text = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	/* debugfs and procfs report st_size 0: read until end of file. */
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return ENOMEM;
	}
	for (;;) {
		ssize_t got;

		if (n == cap) {
			char *bigger;

			if (cap >= limit) {
				free(buf);
				close(fd);
				return EFBIG;
			}
			bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				close(fd);
				return ENOMEM;
			}
			buf = bigger;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(buf);
			close(fd);
			return e;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	*text = buf;
	*len = n;
	return 0;
}

static bool is_access_error(int e)
{
	return e == EACCES || e == EPERM;
}

struct roots {
	const char *debugfs;
	const char *proc;
	bool debugfs_explicit;
	bool proc_explicit;
};

static void resolve_roots(const struct xesvm_sources *src, struct roots *r);

const char *xesvm_proc_root(const struct xesvm_sources *src, bool *explicit_root)
{
	struct roots r;

	resolve_roots(src, &r);
	if (explicit_root)
		*explicit_root = r.proc_explicit;
	return r.proc;
}

static void resolve_roots(const struct xesvm_sources *src, struct roots *r)
{
	const char *env;

	r->debugfs_explicit = true;
	if (src && src->debugfs_root) {
		r->debugfs = src->debugfs_root;
	} else if ((env = getenv("XESVM_DEBUGFS")) && *env) {
		r->debugfs = env;
	} else {
		r->debugfs = "/sys/kernel/debug";
		r->debugfs_explicit = false;
	}
	r->proc_explicit = true;
	if (src && src->proc_root) {
		r->proc = src->proc_root;
	} else if ((env = getenv("XESVM_PROC")) && *env) {
		r->proc = env;
	} else {
		r->proc = "/proc";
		r->proc_explicit = false;
	}
}

static bool parse_uint_name(const char *s, const char *prefix, long *out)
{
	size_t n = strlen(prefix);
	char *end;
	long v;

	if (strncmp(s, prefix, n) || s[n] < '0' || s[n] > '9')
		return false;
	errno = 0;
	v = strtol(s + n, &end, 10);
	if (errno || *end || v < 0 || v > INT_MAX)
		return false;
	*out = v;
	return true;
}

static int long_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* Documented in gather_internal.h. */
int xesvm_list_numbered(const char *dir, const char *prefix, long **ids)
{
	size_t n = 0, cap = 8;
	struct dirent *de;
	DIR *d;

	*ids = NULL;
	d = opendir(dir);
	if (!d)
		return -errno;
	*ids = malloc(cap * sizeof(**ids));
	if (!*ids) {
		closedir(d);
		return -ENOMEM;
	}
	while ((de = readdir(d))) {
		long v;

		if (!parse_uint_name(de->d_name, prefix, &v))
			continue;
		if (n == cap) {
			long *bigger = realloc(*ids, cap * 2 * sizeof(**ids));

			if (!bigger) {
				free(*ids);
				*ids = NULL;
				closedir(d);
				return -ENOMEM;
			}
			*ids = bigger;
			cap *= 2;
		}
		(*ids)[n++] = v;
	}
	closedir(d);
	qsort(*ids, n, sizeof(**ids), long_cmp);
	return (int)n;
}

/* ------------------------------------------------------------------ */
/* GT statistics                                                       */
/* ------------------------------------------------------------------ */

/* Returns the number of GTs read, or -1 with @err set (unparseable file). */
static int gather_gt_stats(struct xesvm_model *m, const char *debugfs,
			   json_t *dev, struct xesvm_access *access,
			   struct xesvm_error *err)
{
	json_int_t minor_nr = json_integer_value(json_object_get(dev, "minor"));
	json_t *gts = json_object_get(dev, "gts");
	char dir[PATH_MAX];
	int count, i, read_ok = 0;
	long *ids;

	xesvm_path(dir, "%s/dri/%" JSON_INTEGER_FORMAT, debugfs, minor_nr);
	count = xesvm_list_numbered(dir, "gt", &ids);
	if (count < 0) {
		if (is_access_error(-count))
			access->debugfs_dri = true;
		else if (-count == ENOENT)
			xesvm_model_note(m, "%s: no debugfs directory for device %" JSON_INTEGER_FORMAT
					 ": GT statistics omitted", dir, minor_nr);
		else
			xesvm_model_note(m, "%s: %s: GT statistics omitted", dir, strerror(-count));
		return 0;
	}
	for (i = 0; i < count; i++) {
		struct xesvm_error perr = { 0 };
		char path[PATH_MAX], *text;
		json_t *stats, *gt;
		size_t len;
		int e;

		xesvm_path(path, "%s/gt%ld/stats", dir, ids[i]);
		e = xesvm_read_text_file(path, &text, &len);
		if (e) {
			if (is_access_error(e))
				access->stats_files++;
			else
				xesvm_model_note(m, "%s: %s: statistics of GT %ld omitted",
						 path, strerror(e), ids[i]);
			continue;
		}
		if (xesvm_parse_gt_stats(text, len, &stats, &perr)) {
			free(text);
			free(ids);
			xesvm_error_set(err, perr.status, perr.sys_errno, "%s: %s", path, perr.msg);
			return -1;
		}
		free(text);
		gt = json_object();
		if (!gt || json_object_set_new(gt, "id", json_integer(ids[i])) ||
		    json_object_set_new(gt, "stats", stats) ||
		    json_array_append_new(gts, gt)) {
			free(ids);
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
			return -1;
		}
		read_ok++;
	}
	free(ids);
	return read_ok;
}

/* ------------------------------------------------------------------ */
/* Clients                                                             */
/* ------------------------------------------------------------------ */

struct client {
	long long client_id;
	json_int_t device;	/* -1: not yet known */
	json_t *pid;		/* owned references, json null when unknown */
	json_t *comm;
	json_t *name;
	json_t *memory;		/* object, empty until an fdinfo is seen */
	bool from_fdinfo;
};

struct client_list {
	struct client *items;
	size_t count, cap;
};

static void client_list_free(struct client_list *l)
{
	size_t i;

	for (i = 0; i < l->count; i++) {
		json_decref(l->items[i].pid);
		json_decref(l->items[i].comm);
		json_decref(l->items[i].name);
		json_decref(l->items[i].memory);
	}
	free(l->items);
}

static struct client *client_find(struct client_list *l, long long id)
{
	size_t i;

	/* drm_file.c gives client ids from one global counter: unique per system. */
	for (i = 0; i < l->count; i++)
		if (l->items[i].client_id == id)
			return &l->items[i];
	return NULL;
}

static struct client *client_add(struct client_list *l, long long id)
{
	struct client *c;

	c = xesvm_grow(l->items, &l->cap, l->count, sizeof(*c), 16);
	if (!c)
		return NULL;
	l->items = c;
	c = &l->items[l->count];
	memset(c, 0, sizeof(*c));
	c->client_id = id;
	c->device = -1;
	c->pid = json_null();
	c->comm = json_null();
	c->name = json_null();
	c->memory = json_object();
	if (!c->memory)
		return NULL;
	l->count++;
	return c;
}

struct device_ref {
	json_int_t minor;
	char real[PATH_MAX];	/* realpath of <debugfs>/dri/<minor>, "" if unknown */
	const char *bdf;	/* may be NULL */
};

static json_int_t device_by_dir(const struct device_ref *refs, size_t n,
				const char *real, const char *unique)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (real && refs[i].real[0] && !strcmp(refs[i].real, real))
			return refs[i].minor;
	/* dev->unique of a PCI device is its BDF (drm_drv.c:drm_dev_init()). */
	for (i = 0; i < n; i++)
		if (unique && refs[i].bdf && !strcmp(refs[i].bdf, unique))
			return refs[i].minor;
	return -1;
}

/* dri/client-<id>/: proc_info for pid and comm, "device" symlink for the device. */
static int gather_debugfs_clients(struct xesvm_model *m, const char *debugfs,
				  const struct device_ref *refs, size_t nrefs,
				  struct client_list *clients,
				  struct xesvm_access *access, bool *readable,
				  struct xesvm_error *err)
{
	char dri[PATH_MAX];
	int count, i;
	long *ids;

	*readable = false;
	xesvm_path(dri, "%s/dri", debugfs);
	count = xesvm_list_numbered(dri, "client-", &ids);
	if (count < 0) {
		if (is_access_error(-count))
			access->debugfs_dri = true;
		else if (-count != ENOENT)
			xesvm_model_note(m, "%s: %s: DRM client list omitted", dri, strerror(-count));
		return 0;
	}
	/* Kernels before client directories existed list none: not a source then. */
	*readable = count > 0;
	for (i = 0; i < count; i++) {
		struct xesvm_error perr = { 0 };
		char path[PATH_MAX], link[PATH_MAX], real[PATH_MAX], *text;
		const char *unique = NULL;
		json_t *info;
		struct client *c;
		ssize_t n;
		size_t len;
		int e;

		xesvm_path(path, "%s/client-%ld/proc_info", dri, ids[i]);
		e = xesvm_read_text_file(path, &text, &len);
		if (e) {
			if (is_access_error(e))
				access->client_dirs++;
			else if (e != ENOENT)	/* the client closed its fd meanwhile */
				xesvm_model_note(m, "%s: %s: client %ld omitted", path, strerror(e), ids[i]);
			continue;
		}
		if (xesvm_parse_proc_info(text, len, &info, &perr)) {
			free(text);
			free(ids);
			xesvm_error_set(err, perr.status, perr.sys_errno, "%s: %s", path, perr.msg);
			return -1;
		}
		free(text);

		c = client_add(clients, ids[i]);
		if (!c) {
			json_decref(info);
			free(ids);
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
			return -1;
		}
		json_decref(c->pid);
		json_decref(c->comm);
		c->pid = json_incref(json_object_get(info, "pid"));
		c->comm = json_incref(json_object_get(info, "comm"));
		json_decref(info);

		xesvm_path(path, "%s/client-%ld/device", dri, ids[i]);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			unique = strrchr(link, '/');
			unique = unique ? unique + 1 : link;
		}
		c->device = device_by_dir(refs, nrefs, realpath(path, real) ? real : NULL, unique);
	}
	free(ids);
	return 0;
}

static json_t *read_comm(const char *proc, long pid)
{
	char path[PATH_MAX], *text;
	size_t len;
	json_t *s;

	xesvm_path(path, "%s/%ld/comm", proc, pid);
	if (xesvm_read_text_file(path, &text, &len))
		return json_null();
	if (len && text[len - 1] == '\n')
		len--;
	s = json_stringn(text, len);
	free(text);
	return s ? s : json_null();
}

/* One DRM fdinfo: joins it with its client, or makes a client of it. */
static int take_fdinfo(struct client_list *clients, const struct device_ref *refs,
		       size_t nrefs, json_t *fdinfo, const char *proc, long pid)
{
	json_t *id = json_object_get(fdinfo, "client_id");
	struct client *c;

	if (!json_is_integer(id))
		return 0;	/* cannot be joined with anything */
	c = client_find(clients, json_integer_value(id));
	if (!c) {
		const char *pdev = json_string_value(json_object_get(fdinfo, "pdev"));
		json_int_t device = device_by_dir(refs, nrefs, NULL, pdev);

		if (device < 0)
			return 0;	/* a device we do not show */
		c = client_add(clients, json_integer_value(id));
		if (!c)
			return -1;
		c->device = device;
	}
	/* dup()ed or inherited fds share one drm_file: the first one speaks for it. */
	if (c->from_fdinfo)
		return 0;
	c->from_fdinfo = true;
	if (c->device < 0)
		c->device = device_by_dir(refs, nrefs, NULL,
					  json_string_value(json_object_get(fdinfo, "pdev")));
	json_decref(c->memory);
	c->memory = json_incref(json_object_get(fdinfo, "memory"));
	json_decref(c->name);
	c->name = json_incref(json_object_get(fdinfo, "client_name"));
	if (json_is_null(c->pid)) {
		json_decref(c->pid);
		c->pid = json_integer(pid);
		json_decref(c->comm);
		c->comm = read_comm(proc, pid);
	}
	return 0;
}

static int gather_fdinfo(struct xesvm_model *m, const char *proc, bool all_drivers,
			 const struct device_ref *refs, size_t nrefs,
			 struct client_list *clients, struct xesvm_access *access,
			 bool *any_drm, struct xesvm_error *err)
{
	struct dirent *de;
	DIR *d;

	*any_drm = false;
	d = opendir(proc);
	if (!d) {
		xesvm_model_note(m, "%s: %s: DRM memory use per process omitted", proc, strerror(errno));
		return 0;
	}
	while ((de = readdir(d))) {
		char dir[PATH_MAX];
		long pid;
		long *fds;
		int count, i;

		if (!parse_uint_name(de->d_name, "", &pid))
			continue;
		xesvm_path(dir, "%s/%ld/fdinfo", proc, pid);
		count = xesvm_list_numbered(dir, "", &fds);
		if (count < 0) {
			if (is_access_error(-count))
				access->fdinfo_procs++;
			continue;	/* ENOENT: the process exited meanwhile */
		}
		for (i = 0; i < count; i++) {
			struct xesvm_error perr = { 0 };
			char path[PATH_MAX], *text;
			const char *driver;
			json_t *fdinfo;
			size_t len;

			xesvm_path(path, "%s/%ld", dir, fds[i]);
			if (xesvm_read_text_file(path, &text, &len))
				continue;	/* the fd was closed meanwhile */
			if (xesvm_parse_fdinfo(text, len, &fdinfo, &perr)) {
				/*
				 * One odd fd of one process (possibly of another
				 * driver) must not hide every other client: a note,
				 * not an error.
				 */
				xesvm_model_note(m, "%s: %s: fd skipped", path, perr.msg);
				free(text);
				continue;
			}
			free(text);
			if (!fdinfo)
				continue;
			driver = json_string_value(json_object_get(fdinfo, "driver"));
			if (all_drivers || (driver && !strcmp(driver, "xe"))) {
				*any_drm = true;
				if (take_fdinfo(clients, refs, nrefs, fdinfo, proc, pid)) {
					json_decref(fdinfo);
					free(fds);
					closedir(d);
					xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
					return -1;
				}
			}
			json_decref(fdinfo);
		}
		free(fds);
	}
	closedir(d);
	return 0;
}

static int client_cmp(const void *a, const void *b)
{
	const struct client *x = a, *y = b;

	if (x->device != y->device)
		return x->device < y->device ? -1 : 1;
	return x->client_id < y->client_id ? -1 : x->client_id > y->client_id;
}

static int gather_clients(struct xesvm_model *m, const struct roots *roots,
			  bool all_drivers, struct xesvm_access *access,
			  struct xesvm_error *err)
{
	json_t *devices = xesvm_model_array(m, "devices");
	json_t *out = xesvm_model_array(m, "clients");
	struct client_list clients = { 0 };
	struct device_ref *refs;
	size_t nrefs = json_array_size(devices), i;
	bool debugfs_ok = false, any_fdinfo = false;
	int ret = -1;

	refs = calloc(nrefs ? nrefs : 1, sizeof(*refs));
	if (!refs || !out) {
		free(refs);
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	for (i = 0; i < nrefs; i++) {
		json_t *dev = json_array_get(devices, i);
		char dir[PATH_MAX];

		refs[i].minor = json_integer_value(json_object_get(dev, "minor"));
		refs[i].bdf = json_string_value(json_object_get(dev, "pci_bdf"));
		xesvm_path(dir, "%s/dri/%" JSON_INTEGER_FORMAT, roots->debugfs, refs[i].minor);
		if (!realpath(dir, refs[i].real))
			refs[i].real[0] = '\0';
	}

	if (gather_debugfs_clients(m, roots->debugfs, refs, nrefs, &clients, access,
				   &debugfs_ok, err))
		goto out;
	if (gather_fdinfo(m, roots->proc, all_drivers, refs, nrefs, &clients, access,
			  &any_fdinfo, err))
		goto out;

	/* No client at all leaves items NULL: qsort() must not see a NULL base. */
	if (clients.count)
		qsort(clients.items, clients.count, sizeof(*clients.items), client_cmp);
	for (i = 0; i < clients.count; i++) {
		struct client *c = &clients.items[i];
		json_t *obj;

		if (c->device < 0)
			continue;	/* a client of a device not shown */
		obj = json_pack("{s:I, s:I, s:O, s:O, s:O, s:O}",
				"device", (json_int_t)c->device,
				"client_id", (json_int_t)c->client_id,
				"pid", c->pid, "comm", c->comm, "name", c->name,
				"memory", c->memory);
		if (!obj || json_array_append_new(out, obj)) {
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
			goto out;
		}
	}
	xesvm_model_set_source(m, "clients",
			       debugfs_ok ? (any_fdinfo ? "debugfs+fdinfo" : "debugfs") :
			       (any_fdinfo ? "fdinfo" : NULL));
	ret = 0;
out:
	client_list_free(&clients);
	free(refs);
	return ret;
}

/* ------------------------------------------------------------------ */
/* The root note                                                       */
/* ------------------------------------------------------------------ */

static void note_access(struct xesvm_model *m, const char *debugfs,
			const struct xesvm_access *a)
{
	char text[512] = "";
	size_t n = 0;

#define APPEND(...) do { \
		if (n < sizeof(text)) \
			n += (size_t)snprintf(text + n, sizeof(text) - n, __VA_ARGS__); \
	} while (0)

	if (a->debugfs_dri) {
		APPEND("debugfs (%s/dri) is not readable (needs root): GT statistics and DRM client list omitted",
		       debugfs);
	} else {
		if (a->stats_files)
			APPEND("%u GT statistics file%s not readable (needs root): %s counters omitted",
			       a->stats_files, a->stats_files == 1 ? " is" : "s are",
			       a->stats_files == 1 ? "its" : "their");
		if (a->client_dirs)
			APPEND("%s%u DRM client director%s not readable (needs root): %s omitted",
			       n ? "; " : "", a->client_dirs,
			       a->client_dirs == 1 ? "y is" : "ies are",
			       a->client_dirs == 1 ? "that client is" : "those clients are");
	}
	/* Root is refused only by ptrace rules (e.g. Yama), not for lack of root. */
	if (a->fdinfo_procs && geteuid() != 0)
		APPEND("%sfdinfo of %u other users' processes is not readable (needs root): their GPU memory use is omitted",
		       n ? "; " : "", a->fdinfo_procs);
	else if (a->fdinfo_procs)
		APPEND("%sfdinfo of %u process%s is not readable (ptrace access denied): %s GPU memory use is omitted",
		       n ? "; " : "", a->fdinfo_procs, a->fdinfo_procs == 1 ? "" : "es",
		       a->fdinfo_procs == 1 ? "its" : "their");
#undef APPEND
	if (n)
		xesvm_model_note(m, "%s", text);
}

/* ------------------------------------------------------------------ */
/* SVM state: the drm-svm netlink family, or the SVM debugfs files   */
/* ------------------------------------------------------------------ */

enum svm_source { SVM_AUTO, SVM_NETLINK, SVM_DEBUGFS };

/* $XESVM_SOURCE: unset, "" or "auto", "netlink", "debugfs". */
static int svm_source(enum svm_source *out, struct xesvm_error *err)
{
	const char *env = getenv("XESVM_SOURCE");

	if (!env || !*env || !strcmp(env, "auto"))
		*out = SVM_AUTO;
	else if (!strcmp(env, "netlink"))
		*out = SVM_NETLINK;
	else if (!strcmp(env, "debugfs"))
		*out = SVM_DEBUGFS;
	else {
		xesvm_error_set(err, XESVM_E_USAGE, EINVAL,
				"XESVM_SOURCE=%.100s: expected netlink, debugfs or auto", env);
		return -1;
	}
	return 0;
}

/*
 * VMs, VMAs, ranges (when asked) and pagemaps: from the family when it
 * is to be used and the kernel has it; else from the SVM debugfs files
 * where the kernel writes them; else they are left out, with a note
 * saying why unless a recorded tree without the files was given (it
 * simply has none). XESVM_SOURCE=netlink without the family is an error.
 */
static int gather_svm(struct xesvm_model *m, const struct xesvm_sources *src,
		      const struct roots *roots, enum svm_source svm, struct xesvm_error *err)
{
	const struct xesvm_filter *filter = src ? src->filter : NULL;
	bool ranges = src && src->ranges;
	struct xesvm_error nerr = { 0 };
	int rc, why = 0;

	/* A debugfs root given on purpose is another machine's (or a test's) tree. */
	if (svm == SVM_NETLINK || (svm == SVM_AUTO && !roots->debugfs_explicit)) {
		struct xesvm_nl_scope scope = {
			.filter = filter, .ranges = ranges, .mem_attrs = true, .pagemaps = true,
		};
		struct xesvm_nl *nl;

		if (!xesvm_nl_open(&nl, &nerr)) {
			rc = xesvm_nl_gather(nl, m, &scope, err);
			xesvm_nl_close(nl);
			return rc;
		}
		if (svm == SVM_NETLINK) {
			xesvm_error_set(err, nerr.status, nerr.sys_errno, "XESVM_SOURCE=netlink: %s",
					nerr.msg);
			return -1;
		}
	}
	rc = xesvm_debugfs_svm_gather(m, roots->debugfs, filter, ranges, &why, err);
	if (rc <= 0)
		return rc;
	if (!nerr.msg[0] && svm != SVM_DEBUGFS)
		return 0;
	if (why == EACCES)
		xesvm_model_note(m, "VMs, VMAs, SVM ranges and pagemaps omitted: %s; debugfs (%s/dri) is not readable to look for SVM files (needs root)",
				 nerr.msg[0] ? nerr.msg : "XESVM_SOURCE=debugfs", roots->debugfs);
	else
		xesvm_model_note(m, "VMs, VMAs, SVM ranges and pagemaps omitted: %s, and there are no SVM debugfs files (%s/dri/N/svm_vms)",
				 nerr.msg[0] ? nerr.msg : "XESVM_SOURCE=debugfs", roots->debugfs);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

static int check_explicit_root(const char *root, const char *what,
			       struct xesvm_error *err)
{
	struct stat st;

	if (stat(root, &st)) {
		xesvm_error_set(err, XESVM_E_USAGE, errno, "%s root %s: %s", what, root,
				strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		xesvm_error_set(err, XESVM_E_USAGE, ENOTDIR, "%s root %s is not a directory",
				what, root);
		return -1;
	}
	return 0;
}

int xesvm_gather(const struct xesvm_sources *src, struct xesvm_model **out,
		 struct xesvm_error *err)
{
	struct xesvm_access access = { 0 };
	bool all_drivers = src && src->all_drivers;
	enum svm_source svm;
	struct roots roots;
	struct xesvm_model *m;
	json_t *devices;
	size_t i;
	int stats_read = 0;

	*out = NULL;
	resolve_roots(src, &roots);
	if (svm_source(&svm, err))
		return -1;
	if ((roots.debugfs_explicit && check_explicit_root(roots.debugfs, "debugfs", err)) ||
	    (roots.proc_explicit && check_explicit_root(roots.proc, "proc", err)))
		return -1;

	m = xesvm_model_new();
	if (!m) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	xesvm_model_stamp(m);

	if (roots.debugfs_explicit) {
		if (xesvm_discover_debugfs(m, roots.debugfs, all_drivers, &access, err))
			goto fail;
		if (access.debugfs_dri) {
			/* A tree given on purpose that we cannot read: nothing to show. */
			xesvm_error_set(err, XESVM_E_SYSTEM, EACCES,
					"debugfs %s/dri is not readable (needs root)", roots.debugfs);
			goto fail;
		}
		xesvm_model_set_source(m, "devices", "debugfs");
	} else {
		if (xesvm_discover_libdrm(m, all_drivers, err))
			goto fail;
		xesvm_model_set_source(m, "devices", "libdrm");
	}

	devices = xesvm_model_array(m, "devices");
	for (i = 0; i < json_array_size(devices); i++) {
		int n = gather_gt_stats(m, roots.debugfs, json_array_get(devices, i), &access, err);

		if (n < 0)
			goto fail;
		stats_read += n;
	}
	xesvm_model_set_source(m, "stats", stats_read ? "debugfs" : NULL);

	if (gather_clients(m, &roots, all_drivers, &access, err))
		goto fail;

	if (gather_svm(m, src, &roots, svm, err))
		goto fail;

	note_access(m, roots.debugfs, &access);
	*out = m;
	return 0;
fail:
	xesvm_model_free(m);
	return -1;
}

int xesvm_stats_reset(const struct xesvm_sources *src,
		      const struct xesvm_model *m, const char *device_selector,
		      struct xesvm_error *err)
{
	json_t *devices = json_object_get(xesvm_model_root(m), "devices");
	struct xesvm_query *query = NULL;
	struct roots roots;
	size_t i, selected = 0;
	int ret = -1;

	resolve_roots(src, &roots);
	if (device_selector) {
		struct xesvm_filter filter;

		xesvm_filter_init(&filter);
		filter.device = device_selector;
		query = xesvm_query_new(m, &filter, err);
		if (!query)
			return -1;
	}
	for (i = 0; i < json_array_size(devices); i++) {
		json_t *dev = json_array_get(devices, i);
		json_int_t minor_nr = json_integer_value(json_object_get(dev, "minor"));
		char dir[PATH_MAX];
		int count, g;
		long *ids;

		if (query && !xesvm_query_match(query, "devices", dev))
			continue;
		selected++;
		xesvm_path(dir, "%s/dri/%" JSON_INTEGER_FORMAT, roots.debugfs, minor_nr);
		count = xesvm_list_numbered(dir, "gt", &ids);
		if (count < 0) {
			xesvm_error_set(err, XESVM_E_SYSTEM, -count,
					is_access_error(-count) ?
					"resetting GT statistics needs root (%s: %s)" :
					"cannot reset GT statistics (%s: %s)", dir, strerror(-count));
			goto out;
		}
		if (count == 0) {
			free(ids);
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOENT,
					"%s: no gtN/stats files to reset", dir);
			goto out;
		}
		for (g = 0; g < count; g++) {
			char path[PATH_MAX];
			int fd, e = 0;

			xesvm_path(path, "%s/gt%ld/stats", dir, ids[g]);
			/* Any kstrtobool() true value resets (xe_gt_debugfs.c:stats_write()). */
			fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
			if (fd < 0)
				e = errno;
			else if (write(fd, "1\n", 2) != 2)
				e = errno ? errno : EIO;
			if (fd >= 0 && close(fd) && !e)
				e = errno;
			if (e) {
				free(ids);
				xesvm_error_set(err, XESVM_E_SYSTEM, e,
						is_access_error(e) ?
						"resetting GT statistics needs root (%s: %s)" :
						"cannot reset GT statistics (%s: %s)", path, strerror(e));
				goto out;
			}
		}
		free(ids);
	}
	if (!selected) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "no device to reset");
		goto out;
	}
	ret = 0;
out:
	if (query)
		xesvm_query_free(query);
	return ret;
}

/* ------------------------------------------------------------------ */
/* One process's CPU mappings                                          */
/* ------------------------------------------------------------------ */

int xesvm_read_proc_maps(const struct xesvm_sources *src, long pid,
			 json_t **maps, json_t **comm, struct xesvm_error *err)
{
	const char *proc = xesvm_proc_root(src, NULL);
	char path[PATH_MAX], *text;
	size_t len;
	int e;

	*maps = NULL;
	if (comm)
		*comm = NULL;
	xesvm_path(path, "%s/%ld/maps", proc, pid);
	e = xesvm_read_text_file_limit(path, XESVM_MAX_MAPS_FILE, &text, &len);
	if (e == ENOENT || e == ESRCH) {
		xesvm_error_set(err, XESVM_E_SYSTEM, e,
				"process %ld is not running (no %s)", pid, path);
		return -1;
	}
	if (is_access_error(e)) {
		xesvm_error_set(err, XESVM_E_SYSTEM, e,
				"reading %s needs ptrace read access to pid %ld (its user, or CAP_SYS_PTRACE)",
				path, pid);
		return -1;
	}
	if (e) {
		xesvm_error_set(err, XESVM_E_SYSTEM, e, "%s: %s", path, strerror(e));
		return -1;
	}
	if (xesvm_parse_proc_maps(text, len, maps, err)) {
		char msg[sizeof(err->msg)];

		/* Name the file in front of the parser's "line N: ..." */
		snprintf(msg, sizeof(msg), "%.200s: %.300s", path, err->msg);
		memcpy(err->msg, msg, sizeof(msg));
		free(text);
		return -1;
	}
	free(text);
	if (comm)
		*comm = read_comm(proc, pid);
	return 0;
}
