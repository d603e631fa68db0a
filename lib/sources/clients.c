/* SPDX-License-Identifier: MIT */
/*
 * Source "clients": the DRM clients (open files) of the devices found,
 * from <debugfs>/dri/client-<id>/proc_info (drm_debugfs.c:
 * drm_debugfs_clients_add(): at the dri root, with a "device" symlink to
 * ../<unique>), joined on drm-client-id with <proc>/<pid>/fdinfo/<fd> of
 * DRM fds (memory per region).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model_internal.h"
#include "source.h"

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
		if (xesvm_is_access_error(-count))
			access->debugfs_dri = true;
		else if (-count != ENOENT)
			xesvm_model_note_about(m, XESVM_VIEW_CLIENTS, "%s: %s: DRM client list omitted", dri, strerror(-count));
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
			if (xesvm_is_access_error(e))
				access->client_dirs++;
			else if (e != ENOENT)	/* the client closed its fd meanwhile */
				xesvm_model_note_about(m, XESVM_VIEW_CLIENTS, "%s: %s: client %ld omitted", path, strerror(e), ids[i]);
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
		c->comm = xesvm_proc_comm(proc, pid);
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
		xesvm_model_note_about(m, XESVM_VIEW_CLIENTS, "%s: %s: DRM memory use per process omitted", proc, strerror(errno));
		return 0;
	}
	while ((de = readdir(d))) {
		char dir[PATH_MAX];
		long pid;
		long *fds;
		int count, i;

		if (!xesvm_numbered_name(de->d_name, "", &pid))
			continue;
		xesvm_path(dir, "%s/%ld/fdinfo", proc, pid);
		count = xesvm_list_numbered(dir, "", &fds);
		if (count < 0) {
			if (xesvm_is_access_error(-count))
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
				xesvm_model_note_about(m, XESVM_VIEW_CLIENTS, "%s: %s: fd skipped", path, perr.msg);
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

static int fill_clients(struct xesvm_gathering *g, void *state, struct xesvm_error *err)
{
	struct xesvm_model *m = g->m;
	const struct xesvm_roots *roots = &g->roots;
	bool all_drivers = g->options && g->options->all_drivers;
	struct xesvm_access *access = &g->access;
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

static int open_clients(struct xesvm_gathering *g, void **state, struct xesvm_unavailable *why,
			struct xesvm_error *err)
{
	return 0;
}

const struct xesvm_source xesvm_source_clients = {
	.name = "clients (debugfs, fdinfo)",
	.fills = XESVM_VIEW_CLIENTS,
	.open = open_clients,
	.fill = fill_clients,
};
