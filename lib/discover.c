/* SPDX-License-Identifier: MIT */
/*
 * Device discovery.
 *
 * Live system: libdrm's drmGetDevices2() lists DRM devices with their
 * nodes and PCI identity; the driver name comes from sysfs (no open
 * needed) or drmGetVersion(); VRAM regions come from
 * DRM_IOCTL_XE_DEVICE_QUERY(DRM_XE_DEVICE_QUERY_MEM_REGIONS) on the render
 * node, which any member of the render group may open.
 *
 * Recorded tree (or a debugfs root given explicitly): the devices are those
 * of the machine the tree describes, so they come from its
 * dri/<minor>/name files (drm_debugfs.c:drm_name_info()), never from this
 * machine's libdrm.
 *
 * Each device is a model object keyed by its DRM primary minor (the card
 * index); see xesvm-json(7).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>
#include <drm/xe_drm.h>

#include "gather_internal.h"
#include "xesvm.h"

/* DRM minor ranges (drm_drv.c:DRM_MINOR_LIMIT): primary 0-63, render 128-191. */
#define DRM_PRIMARY_MINOR_MAX 63
#define DRM_RENDER_MINOR_MIN 128
#define DRM_RENDER_MINOR_MAX 191

/* Documented in gather_internal.h. */
json_t *xesvm_device_new(int minor, const char *driver, const char *card)
{
	json_t *dev = json_object();

	if (!dev)
		return NULL;
	if (json_object_set_new(dev, "minor", json_integer(minor)) ||
	    json_object_set_new(dev, "driver", driver ? json_string(driver) : json_null()) ||
	    json_object_set_new(dev, "pci_bdf", json_null()) ||
	    json_object_set_new(dev, "pci_id", json_null()) ||
	    json_object_set_new(dev, "card", card ? json_string(card) : json_null()) ||
	    json_object_set_new(dev, "render", json_null()) ||
	    json_object_set_new(dev, "memory_regions", json_array()) ||
	    json_object_set_new(dev, "gts", json_array())) {
		json_decref(dev);
		return NULL;
	}
	return dev;
}

/* A device found through its card node: /dev/dri/card<minor>. */
static json_t *new_device(int minor, const char *driver)
{
	char card[64];

	snprintf(card, sizeof(card), "/dev/dri/card%d", minor);
	return xesvm_device_new(minor, driver, card);
}

static json_t *memory_region(const char *name, bool known, uint64_t total,
			     uint64_t used)
{
	json_t *r = json_object();

	if (!r)
		return NULL;
	json_object_set_new(r, "name", json_string(name));
	/*
	 * total_bytes: the size the driver manages (xe: total_size of the
	 * query, the TTM manager size); usable_bytes: what of it is not
	 * allocated now (total_size - used).
	 */
	json_object_set_new(r, "total_bytes",
			    known && total <= INT64_MAX ? json_integer((json_int_t)total) : json_null());
	json_object_set_new(r, "usable_bytes",
			    known && used <= total && total <= INT64_MAX ?
			    json_integer((json_int_t)(total - used)) : json_null());
	return r;
}

static int device_minor_cmp(const void *a, const void *b)
{
	const json_t *da = *(const json_t *const *)a, *db = *(const json_t *const *)b;
	json_int_t ma = json_integer_value(json_object_get(da, "minor"));
	json_int_t mb = json_integer_value(json_object_get(db, "minor"));

	return ma < mb ? -1 : ma > mb;
}

/* Appends @found (array of devices) to the model's devices, sorted by minor. */
static int append_sorted(struct xesvm_model *m, json_t *found,
			 struct xesvm_error *err)
{
	json_t *devices = xesvm_model_array(m, "devices");
	size_t n = json_array_size(found), i;
	json_t **list;

	if (!devices) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	list = calloc(n ? n : 1, sizeof(*list));
	if (!list) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		list[i] = json_array_get(found, i);
	qsort(list, n, sizeof(*list), device_minor_cmp);
	for (i = 0; i < n; i++)
		json_array_append(devices, list[i]);
	free(list);
	return 0;
}

/* ------------------------------------------------------------------ */
/* libdrm                                                              */
/* ------------------------------------------------------------------ */

/* Kernel driver bound to char device @rdev, from sysfs; false if unknown. */
static bool sysfs_driver(dev_t rdev, char *driver, size_t size)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	xesvm_path(link, "/sys/dev/char/%u:%u/device/driver",
		 major(rdev), minor(rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= size)
		return false;
	memcpy(driver, base, strlen(base) + 1);
	return driver[0] != '\0';
}

static bool drm_version_driver(const char *node, char *driver, size_t size)
{
	drmVersionPtr version;
	int fd;

	if (!node)
		return false;
	fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	version = drmGetVersion(fd);
	close(fd);
	if (!version)
		return false;
	snprintf(driver, size, "%.*s", version->name_len, version->name);
	drmFreeVersion(version);
	return driver[0] != '\0';
}

static int xe_query(int fd, uint32_t query_id, void **data, uint32_t *size)
{
	struct drm_xe_device_query query = { .query = query_id };

	*data = NULL;
	if (drmIoctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &query))
		return -errno;
	if (query.size == 0)
		return -ENODATA;
	*data = calloc(1, query.size);
	if (!*data)
		return -ENOMEM;
	query.data = (uintptr_t)*data;
	if (drmIoctl(fd, DRM_IOCTL_XE_DEVICE_QUERY, &query)) {
		int e = errno;

		free(*data);
		*data = NULL;
		return -e;
	}
	*size = query.size;
	return 0;
}

/* Fills memory_regions of an xe @dev from its render node; notes failures. */
static void xe_memory_regions(struct xesvm_model *m, json_t *dev,
			      const char *render, int minor)
{
	json_t *regions = json_object_get(dev, "memory_regions");
	struct drm_xe_query_mem_regions *mr;
	uint32_t size = 0, i;
	void *data;
	int fd, ret;

	if (!render) {
		xesvm_model_note(m, "device %d: no render node: memory region sizes unknown", minor);
		return;
	}
	fd = open(render, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		xesvm_model_note(m, "device %d: %s could not be opened (%s%s): memory region sizes unknown",
				 minor, render, strerror(errno),
				 errno == EACCES ? "; needs the render group" : "");
		return;
	}
	ret = xe_query(fd, DRM_XE_DEVICE_QUERY_MEM_REGIONS, &data, &size);
	close(fd);
	if (ret) {
		xesvm_model_note(m, "device %d: memory region query failed (%s): sizes unknown",
				 minor, strerror(-ret));
		return;
	}
	mr = data;
	if (size < sizeof(*mr) ||
	    mr->num_mem_regions > (size - sizeof(*mr)) / sizeof(mr->mem_regions[0])) {
		xesvm_model_note(m, "device %d: memory region query returned a short reply", minor);
		free(data);
		return;
	}
	for (i = 0; i < mr->num_mem_regions; i++) {
		const struct drm_xe_mem_region *r = &mr->mem_regions[i];
		char name[32];

		/*
		 * Names as xe's fdinfo prints them (xe_bo.c:xe_mem_type_to_name):
		 * the system region is instance 0, VRAM instances 1.. are
		 * vram0.. (xe_query.c:query_mem_regions()).
		 */
		if (r->mem_class == DRM_XE_MEM_REGION_CLASS_SYSMEM)
			snprintf(name, sizeof(name), "system");
		else if (r->mem_class == DRM_XE_MEM_REGION_CLASS_VRAM && r->instance >= 1)
			snprintf(name, sizeof(name), "vram%u", r->instance - 1u);
		else
			snprintf(name, sizeof(name), "class%u.%u", r->mem_class, r->instance);
		json_array_append_new(regions, memory_region(name, true, r->total_size, r->used));
	}
	free(data);
}

int xesvm_discover_libdrm(struct xesvm_model *m, bool all_drivers,
			  struct xesvm_error *err)
{
	drmDevicePtr *list = NULL;
	json_t *found;
	int count, i, ret = 0;

	count = drmGetDevices2(0, NULL, 0);
	if (count == -ENOENT) {
		/* No /dev/dri at all: no DRM driver loaded (or a container without it). */
		xesvm_model_note(m, "no DRM devices on this system (/dev/dri does not exist)");
		return 0;
	}
	if (count < 0) {
		xesvm_model_note(m, "libdrm could not list DRM devices (%s)", strerror(-count));
		return 0;
	}
	found = json_array();
	if (!found) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	if (count > 0) {
		list = calloc((size_t)count, sizeof(*list));
		if (!list) {
			json_decref(found);
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
			return -1;
		}
		count = drmGetDevices2(0, list, count);
		if (count < 0)
			count = 0;
	}

	for (i = 0; i < count; i++) {
		drmDevicePtr d = list[i];
		const char *primary, *render = NULL;
		char driver[64] = "";
		struct stat st;
		json_t *dev;
		int minor_nr;

		/* The model keys devices on the primary node (card index). */
		if (!(d->available_nodes & (1 << DRM_NODE_PRIMARY)))
			continue;
		primary = d->nodes[DRM_NODE_PRIMARY];
		if (d->available_nodes & (1 << DRM_NODE_RENDER))
			render = d->nodes[DRM_NODE_RENDER];
		if (stat(primary, &st) || !S_ISCHR(st.st_mode))
			continue;
		minor_nr = (int)minor(st.st_rdev);
		if (!sysfs_driver(st.st_rdev, driver, sizeof(driver)) &&
		    !drm_version_driver(render ? render : primary, driver, sizeof(driver)))
			snprintf(driver, sizeof(driver), "unknown");
		if (!all_drivers && strcmp(driver, "xe"))
			continue;

		dev = new_device(minor_nr, driver);
		if (!dev) {
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
			ret = -1;
			break;
		}
		json_object_set_new(dev, "card", json_string(primary));
		if (render)
			json_object_set_new(dev, "render", json_string(render));
		if (d->bustype == DRM_BUS_PCI && d->businfo.pci && d->deviceinfo.pci) {
			char text[32];

			snprintf(text, sizeof(text), "%04x:%02x:%02x.%u",
				 d->businfo.pci->domain, d->businfo.pci->bus,
				 d->businfo.pci->dev, d->businfo.pci->func);
			json_object_set_new(dev, "pci_bdf", json_string(text));
			snprintf(text, sizeof(text), "%04x:%04x",
				 d->deviceinfo.pci->vendor_id, d->deviceinfo.pci->device_id);
			json_object_set_new(dev, "pci_id", json_string(text));
		}
		if (!strcmp(driver, "xe"))
			xe_memory_regions(m, dev, render, minor_nr);
		json_array_append_new(found, dev);
	}
	if (list)
		drmFreeDevices(list, count);
	free(list);
	if (ret == 0)
		ret = append_sorted(m, found, err);
	json_decref(found);
	return ret;
}

/* ------------------------------------------------------------------ */
/* debugfs (recorded trees)                                            */
/* ------------------------------------------------------------------ */

static bool parse_minor(const char *name, long *out)
{
	char *end;
	long v;

	if (name[0] < '0' || name[0] > '9')
		return false;
	errno = 0;
	v = strtol(name, &end, 10);
	if (errno || *end || v < 0 || v > INT_MAX)
		return false;
	*out = v;
	return true;
}

/* PCI device id from xe's dri/N/info ("devid 0x%x", xe_debugfs.c:info()). */
static void xe_info_pci_id(const char *dir, json_t *dev)
{
	char path[PATH_MAX], *text, *line;
	size_t len;

	xesvm_path(path, "%s/info", dir);
	if (xesvm_read_text_file(path, &text, &len))
		return;
	for (line = text; line && line < text + len;) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		unsigned int devid;
		char tail;

		if (!nl)
			break;
		*nl = '\0';
		if (sscanf(line, "devid 0x%x%c", &devid, &tail) == 1 && devid <= 0xffff) {
			char id[16];

			/* Every xe device is an Intel PCI function. */
			snprintf(id, sizeof(id), "8086:%04x", devid);
			json_object_set_new(dev, "pci_id", json_string(id));
			break;
		}
		line = nl + 1;
	}
	free(text);
}

/*
 * VRAM of tile T from tileT/vram_mm (ttm_resource.c:
 * ttm_resource_manager_debug(): "  size: %llu", "  usage: %llu", bytes
 * for xe's VRAM manager). System memory sizes are not in debugfs.
 */
static void xe_debugfs_regions(const char *dir, json_t *dev)
{
	json_t *regions = json_object_get(dev, "memory_regions");
	int tile;

	json_array_append_new(regions, memory_region("system", false, 0, 0));
	for (tile = 0; tile < 8; tile++) {
		char path[PATH_MAX], name[16], *text;
		unsigned long long size = 0, usage = 0;
		bool have_size = false, have_usage = false;
		const char *p;
		size_t len;

		xesvm_path(path, "%s/tile%d/vram_mm", dir, tile);
		if (xesvm_read_text_file(path, &text, &len))
			continue;
		for (p = text; p < text + len;) {
			const char *nl = memchr(p, '\n', (size_t)(text + len - p));
			char line[128];
			size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);

			if (n < sizeof(line)) {
				memcpy(line, p, n);
				line[n] = '\0';
				if (sscanf(line, "  size: %llu", &size) == 1)
					have_size = true;
				else if (sscanf(line, "  usage: %llu", &usage) == 1)
					have_usage = true;
			}
			p += n + 1;
		}
		free(text);
		snprintf(name, sizeof(name), "vram%d", tile);
		json_array_append_new(regions,
				      memory_region(name, have_size && have_usage, size, usage));
	}
}

int xesvm_discover_debugfs(struct xesvm_model *m, const char *debugfs_root,
			   bool all_drivers, struct xesvm_access *access,
			   struct xesvm_error *err)
{
	char dri[PATH_MAX];
	struct dirent *de;
	json_t *found;
	DIR *d;
	int ret = 0;

	xesvm_path(dri, "%s/dri", debugfs_root);
	d = opendir(dri);
	if (!d) {
		if (errno == EACCES || errno == EPERM)
			access->debugfs_dri = true;
		else
			xesvm_model_note(m, "%s: %s: no DRM devices listed", dri, strerror(errno));
		return 0;
	}
	found = json_array();
	if (!found) {
		closedir(d);
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	while ((de = readdir(d))) {
		char dir[PATH_MAX], path[PATH_MAX], real[PATH_MAX];
		struct xesvm_error perr = { 0 };
		char driver[64];
		json_t *name = NULL, *dev, *bdf;
		char *text;
		size_t len;
		long minor_nr;
		int e;

		if (!parse_minor(de->d_name, &minor_nr) || minor_nr > DRM_PRIMARY_MINOR_MAX)
			continue;
		xesvm_path(dir, "%s/%s", dri, de->d_name);
		xesvm_path(path, "%s/name", dir);
		e = xesvm_read_text_file(path, &text, &len);
		if (e) {
			if (e == EACCES || e == EPERM)
				access->debugfs_dri = true;
			else
				xesvm_model_note(m, "%s: %s: device %ld skipped", path, strerror(e), minor_nr);
			continue;
		}
		if (xesvm_parse_dri_name(text, len, &name, &perr)) {
			free(text);
			xesvm_error_set(err, perr.status, 0, "%s: %s", path, perr.msg);
			ret = -1;
			break;
		}
		free(text);
		snprintf(driver, sizeof(driver), "%s",
			 json_string_value(json_object_get(name, "driver")));
		if (!all_drivers && strcmp(driver, "xe")) {
			json_decref(name);
			continue;
		}
		dev = new_device((int)minor_nr, driver);
		if (!dev) {
			json_decref(name);
			xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
			ret = -1;
			break;
		}
		/* drm_name_info() prints dev_name(): the BDF for a PCI device. */
		bdf = json_object_get(name, "dev");
		if (json_is_string(bdf) && strlen(json_string_value(bdf)) == 12 &&
		    json_string_value(bdf)[4] == ':' && json_string_value(bdf)[10] == '.')
			json_object_set(dev, "pci_bdf", bdf);
		json_decref(name);

		/* The render minor's dri/M symlink points at the same directory. */
		if (realpath(dir, real)) {
			DIR *d2 = opendir(dri);
			struct dirent *de2;

			while (d2 && (de2 = readdir(d2))) {
				char other[PATH_MAX], other_real[PATH_MAX];
				long rminor;

				if (!parse_minor(de2->d_name, &rminor) ||
				    rminor < DRM_RENDER_MINOR_MIN || rminor > DRM_RENDER_MINOR_MAX)
					continue;
				xesvm_path(other, "%s/%s", dri, de2->d_name);
				if (realpath(other, other_real) && !strcmp(real, other_real)) {
					char node[64];

					snprintf(node, sizeof(node), "/dev/dri/renderD%ld", rminor);
					json_object_set_new(dev, "render", json_string(node));
					break;
				}
			}
			if (d2)
				closedir(d2);
		}
		if (!strcmp(driver, "xe")) {
			xe_info_pci_id(dir, dev);
			xe_debugfs_regions(dir, dev);
		}
		json_array_append_new(found, dev);
	}
	closedir(d);
	if (ret == 0)
		ret = append_sorted(m, found, err);
	json_decref(found);
	return ret;
}
