/* SPDX-License-Identifier: MIT */
/*
 * Source "libdrm": the DRM devices of this machine. libdrm's
 * drmGetDevices2() lists them with their nodes and PCI identity; the
 * driver name comes from sysfs (no open needed) or drmGetVersion(); VRAM
 * regions come from DRM_IOCTL_XE_DEVICE_QUERY(DRM_XE_DEVICE_QUERY_MEM_REGIONS)
 * on the render node, which any member of the render group may open.
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

#include "model_internal.h"
#include "objects_internal.h"
#include "source.h"

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
		xesvm_model_note_about(m, XESVM_VIEW_DEVICES, "device %d: no render node: memory region sizes unknown", minor);
		return;
	}
	fd = open(render, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		xesvm_model_note_about(m, XESVM_VIEW_DEVICES, "device %d: %s could not be opened (%s%s): memory region sizes unknown",
				 minor, render, strerror(errno),
				 errno == EACCES ? "; needs the render group" : "");
		return;
	}
	ret = xe_query(fd, DRM_XE_DEVICE_QUERY_MEM_REGIONS, &data, &size);
	close(fd);
	if (ret) {
		xesvm_model_note_about(m, XESVM_VIEW_DEVICES, "device %d: memory region query failed (%s): sizes unknown",
				 minor, strerror(-ret));
		return;
	}
	mr = data;
	if (size < sizeof(*mr) ||
	    mr->num_mem_regions > (size - sizeof(*mr)) / sizeof(mr->mem_regions[0])) {
		xesvm_model_note_about(m, XESVM_VIEW_DEVICES, "device %d: memory region query returned a short reply", minor);
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
		json_array_append_new(regions, xesvm_memory_region(name, true, r->total_size, r->used));
	}
	free(data);
}

static int discover(struct xesvm_model *m, bool all_drivers, struct xesvm_error *err)
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

		dev = xesvm_device_with_card(minor_nr, driver);
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
		ret = xesvm_devices_append_sorted(m, found, err);
	json_decref(found);
	return ret;
}

void xesvm_device_nodes(const char *sysfs, unsigned int minor, char *card, char *render,
			bool *has_card, bool *has_render)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d;

	*has_card = *has_render = false;
	/* The device's drm/ directory lists all of its nodes, as libdrm finds them. */
	xesvm_path(dir, "%s/class/drm/card%u/device/drm", sysfs, minor);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		long n;

		if (xesvm_numbered_name(de->d_name, "card", &n) && n == (long)minor) {
			snprintf(card, 64, "/dev/dri/card%ld", n);
			*has_card = true;
		} else if (xesvm_numbered_name(de->d_name, "renderD", &n) &&
			   n >= DRM_RENDER_MINOR_MIN && n <= DRM_RENDER_MINOR_MAX) {
			snprintf(render, 64, "/dev/dri/renderD%ld", n);
			*has_render = true;
		}
	}
	closedir(d);
}

/* The live system's devices; a recorded tree describes another machine's. */
static int open_libdrm_devices(struct xesvm_gathering *g, void **state,
			       struct xesvm_unavailable *why, struct xesvm_error *err)
{
	if (!g->roots.debugfs_explicit)
		return 0;
	why->on_purpose = true;
	return 1;
}

static int fill_libdrm_devices(struct xesvm_gathering *g, void *state, struct xesvm_error *err)
{
	if (discover(g->m, g->options && g->options->all_drivers, err))
		return -1;
	xesvm_model_set_source(g->m, "devices", "libdrm");
	return 0;
}

const struct xesvm_source xesvm_source_libdrm_devices = {
	.name = "devices (libdrm)",
	.fills = XESVM_VIEW_DEVICES,
	.open = open_libdrm_devices,
	.fill = fill_libdrm_devices,
};
