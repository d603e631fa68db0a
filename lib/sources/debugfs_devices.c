/* SPDX-License-Identifier: MIT */
/*
 * Source "debugfs" of devices: those of a recorded tree (or of a debugfs
 * root given explicitly). They are the devices of the machine the tree
 * describes, so they come from its dri/<minor>/name files
 * (drm_debugfs.c:drm_name_info()), never from this machine's libdrm.
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

	json_array_append_new(regions, xesvm_memory_region("system", false, 0, 0));
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
				      xesvm_memory_region(name, have_size && have_usage, size, usage));
	}
}

static int discover(struct xesvm_model *m, const char *debugfs_root,
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
			xesvm_model_note_about(m, XESVM_VIEW_DEVICES, "%s: %s: no DRM devices listed", dri, strerror(errno));
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

		if (!xesvm_numbered_name(de->d_name, "", &minor_nr) || minor_nr > DRM_PRIMARY_MINOR_MAX)
			continue;
		xesvm_path(dir, "%s/%s", dri, de->d_name);
		xesvm_path(path, "%s/name", dir);
		e = xesvm_read_text_file(path, &text, &len);
		if (e) {
			if (e == EACCES || e == EPERM)
				access->debugfs_dri = true;
			else
				xesvm_model_note_about(m, XESVM_VIEW_DEVICES, "%s: %s: device %ld skipped", path, strerror(e), minor_nr);
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
		dev = xesvm_device_with_card((int)minor_nr, driver);
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

				if (!xesvm_numbered_name(de2->d_name, "", &rminor) ||
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
		ret = xesvm_devices_append_sorted(m, found, err);
	json_decref(found);
	return ret;
}

/* Only a tree given on purpose is read this way: the live system's devices come from libdrm. */
static int open_debugfs_devices(struct xesvm_gathering *g, void **state,
				struct xesvm_unavailable *why, struct xesvm_error *err)
{
	if (g->roots.debugfs_explicit)
		return 0;
	why->on_purpose = true;
	return 1;
}

static int fill_debugfs_devices(struct xesvm_gathering *g, void *state, struct xesvm_error *err)
{
	if (discover(g->m, g->roots.debugfs, g->options && g->options->all_drivers, &g->access,
		     err))
		return -1;
	if (g->access.debugfs_dri) {
		/* A tree given on purpose that we cannot read: nothing to show. */
		xesvm_error_set(err, XESVM_E_SYSTEM, EACCES,
				"debugfs %s/dri is not readable (needs root)", g->roots.debugfs);
		return -1;
	}
	xesvm_model_set_source(g->m, "devices", "debugfs");
	return 0;
}

const struct xesvm_source xesvm_source_debugfs_devices = {
	.name = "devices (debugfs)",
	.fills = XESVM_VIEW_DEVICES,
	.open = open_debugfs_devices,
	.fill = fill_debugfs_devices,
};
