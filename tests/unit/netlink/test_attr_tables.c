// SPDX-License-Identifier: MIT
/*
 * What the drm-svm attribute tables make of messages, written out and
 * compared with attr-tables.golden, which was written with the hand-kept
 * tables the generated ones (spec/gen-tables.py) replaced: a table that
 * lost an attribute, renamed one or gave one another type changes a line.
 *
 *  - every attribute number of every set, with its name (or none), and
 *    for a nest the set of its attributes;
 *  - for every attribute of a set that a message of its own carries, the
 *    decoder's verdict on a 3-byte payload: the size it expected, "not a
 *    NUL-terminated string", or (a nest, a pad) the next check's error;
 *  - every message of the fuzz seed corpus (tests/fuzz/corpus/netlink,
 *    typed by hand in gen-netlink-seeds.py), decoded by the decoder of its
 *    command: its object or its error; ACKs through the error path.
 *
 * usage: test_attr_tables CORPUS_DIR GOLDEN   (XESVM_UPDATE_GOLDEN=1 rewrites
 * GOLDEN; read the difference before committing it).
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>

#include <drm/drm_svm.h>

#include "netlink_internal.h"

#define FAMILY 0x1c

/* The sets whose messages stand alone, with the command that carries them. */
static const struct {
	enum xesvm_nl_set set;
	uint8_t cmd;
} top_level_sets[] = {
	{ XESVM_NL_SET_DEV, DRM_SVM_CMD_DEV_GET },
	{ XESVM_NL_SET_VM, DRM_SVM_CMD_VM_GET },
	{ XESVM_NL_SET_RANGE, DRM_SVM_CMD_RANGE_GET },
	{ XESVM_NL_SET_MEM_ATTR, DRM_SVM_CMD_MEM_ATTR_GET },
	{ XESVM_NL_SET_PAGEMAP, DRM_SVM_CMD_PAGEMAP_GET },
	{ XESVM_NL_SET_MIGRATE, DRM_SVM_CMD_MIGRATE },
	{ XESVM_NL_SET_GC, DRM_SVM_CMD_GC },
	{ XESVM_NL_SET_EVENT, DRM_SVM_CMD_EVENT_NTF },
};

/* The largest attribute number a table may hold, and then some. */
#define PROBE_TYPES 32

static void print_json(FILE *out, int rc, json_t *obj, const struct xesvm_error *err)
{
	char *text;

	if (rc) {
		fprintf(out, "  rc %d: %s\n", rc, err->msg);
		return;
	}
	text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	fprintf(out, "  %s\n", text ? text : "(out of memory)");
	free(text);
	json_decref(obj);
}

static void print_range(FILE *out, int rc, const struct xesvm_range *r,
			const struct xesvm_error *err)
{
	if (rc) {
		fprintf(out, "  rc %d: %s\n", rc, err->msg);
		return;
	}
	fprintf(out, "  range device %" PRIu32 " vm %" PRIu64 " [0x%" PRIx64 ", 0x%" PRIx64
		") notifier [0x%" PRIx64 ", 0x%" PRIx64 ") flags 0x%x pages %" PRIu32
		" described %u tiles 0x%" PRIx32 "/0x%" PRIx32 "\n",
		r->device, r->vm, r->start, r->end, r->notifier_start, r->notifier_end,
		r->flags, r->pages_count, r->pages_described, r->tile_present,
		r->tile_invalidated);
	for (unsigned int i = 0; i < r->pages_described; i++) {
		struct xesvm_range_pages p = xesvm_range_get_pages(r, i);

		fprintf(out, "    pages device %" PRIu32 " pagemap %" PRIu32 " flags 0x%" PRIx32
			" seq %" PRIu64 "\n", p.device, p.pagemap, p.flags, p.notifier_seq);
	}
}

/* The decoders that make a JSON object of a message, by command. */
static const struct {
	uint8_t cmd;
	int (*decode)(const struct nlmsghdr *nlh, const struct xesvm_nl_devmap *map,
		      json_t **out, struct xesvm_error *err);
} json_decoders[] = {
	{ DRM_SVM_CMD_VM_GET, xesvm_nl_decode_vm },
	{ DRM_SVM_CMD_MEM_ATTR_GET, xesvm_nl_decode_mem_attr },
	{ DRM_SVM_CMD_PAGEMAP_GET, xesvm_nl_decode_pagemap },
};

/* Decodes @nlh with the decoder of its command and prints the result. */
static void decode_message(FILE *out, const struct nlmsghdr *nlh,
			   const struct xesvm_nl_devmap *map)
{
	const struct genlmsghdr *gh = nlmsg_data(nlh);
	struct xesvm_range_pages page_sets[XESVM_RANGE_PAGES_MAX];
	struct xesvm_error err = { 0 };
	struct xesvm_migrate_result res;
	struct xesvm_nl_dev dev;
	struct xesvm_range r;
	json_t *obj = NULL;
	struct xesvm_gc_result gc;
	bool unknown;
	int rc;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		fprintf(out, "  too short for a genl header\n");
		return;
	}
	fprintf(out, " cmd %u\n", gh->cmd);
	for (size_t i = 0; i < sizeof(json_decoders) / sizeof(json_decoders[0]); i++)
		if (json_decoders[i].cmd == gh->cmd) {
			rc = json_decoders[i].decode(nlh, map, &obj, &err);
			print_json(out, rc, obj, &err);
			return;
		}
	switch (gh->cmd) {
	case DRM_SVM_CMD_DEV_GET:
		rc = xesvm_nl_decode_dev(nlh, &dev, &err);
		if (rc)
			fprintf(out, "  rc %d: %s\n", rc, err.msg);
		else
			fprintf(out, "  dev %" PRIu32 " minor %s%" PRIu32 " name '%s' driver '%s'\n",
				dev.dev_id, dev.has_minor ? "" : "(none) ", dev.minor, dev.name,
				dev.driver);
		break;
	case DRM_SVM_CMD_RANGE_GET:
		rc = xesvm_nl_decode_range(nlh, map, &r, page_sets, &err);
		print_range(out, rc, &r, &err);
		break;
	case DRM_SVM_CMD_MIGRATE:
		rc = xesvm_nl_decode_migrate(nlh, &res, &err);
		if (rc)
			fprintf(out, "  rc %d: %s\n", rc, err.msg);
		else
			fprintf(out, "  ranges %" PRIu64 " failed %" PRIu64 " pages %" PRIu64
				" first error %d at 0x%" PRIx64 "\n", res.ranges, res.ranges_failed,
				res.pages, res.first_error, res.first_error_addr);
		break;
	case DRM_SVM_CMD_GC:
		rc = xesvm_nl_decode_gc(nlh, &gc, &err);
		if (rc)
			fprintf(out, "  rc %d: %s\n", rc, err.msg);
		else
			fprintf(out, "  ranges %" PRIu64 " bytes %" PRIu64 " attr-resets %" PRIu64 "\n",
				gc.ranges, gc.bytes, gc.attr_resets);
		break;
	case DRM_SVM_CMD_EVENT_NTF:
		rc = xesvm_nl_decode_event(nlh, map, &obj, &unknown, &err);
		print_json(out, rc, rc ? NULL : obj, &err);
		break;
	default:
		fprintf(out, "  no decoder\n");
	}
}

/* An ACK, and the error message it makes of a range-get request. */
static void decode_ack(FILE *out, const struct nlmsghdr *nlh)
{
	struct xesvm_error err = { 0 };
	struct xesvm_nl_ack ack;

	if (xesvm_nl_parse_ack(nlh, NULL, &ack, &err)) {
		fprintf(out, " ack: %s\n", err.msg);
		return;
	}
	xesvm_nl_ack_error(&ack, XESVM_NL_SET_RANGE, "vm 3 of device 0", true, &err);
	fprintf(out, " ack %d: %s\n", ack.error, err.msg);
}

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int decode_corpus(FILE *out, const char *dir)
{
	struct xesvm_nl_devmap map = { 0 };
	char *names[256];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		perror(dir);
		return -1;
	}
	while ((de = readdir(d)) && n < sizeof(names) / sizeof(names[0]))
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	/* The seeds' devices: dev-ids 1 and 2 are cards 0 and 1. */
	if (xesvm_nl_devmap_set(&map, 1, 0) || xesvm_nl_devmap_set(&map, 2, 1))
		return -1;
	for (i = 0; i < n; i++) {
		char path[4096];
		unsigned char *buf;
		size_t len = 0;
		int rem, k = 0;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		buf = read_all(path, &len);
		if (!buf) {
			perror(path);
			return -1;
		}
		fprintf(out, "corpus %s\n", names[i]);
		rem = (int)len;
		for (struct nlmsghdr *nlh = (struct nlmsghdr *)buf; nlmsg_ok(nlh, rem);
		     nlh = nlmsg_next(nlh, &rem), k++) {
			fprintf(out, " message %d type %u:", k, nlh->nlmsg_type);
			if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE)
				decode_ack(out, nlh);
			else
				decode_message(out, nlh, &map);
		}
		free(buf);
		free(names[i]);
	}
	xesvm_nl_devmap_clear(&map);
	return 0;
}

/* A message of command @cmd with one attribute, @type, of 3 bytes "ab\x01". */
static void probe_attribute(FILE *out, uint8_t cmd, int type,
			    const struct xesvm_nl_devmap *map)
{
	struct {
		struct nlmsghdr nlh;
		struct genlmsghdr gh;
		struct nlattr nla;
		char payload[4];
	} m;

	memset(&m, 0, sizeof(m));
	m.nlh.nlmsg_len = sizeof(m);
	m.nlh.nlmsg_type = FAMILY;
	m.gh.cmd = cmd;
	m.nla.nla_len = NLA_HDRLEN + 3;
	m.nla.nla_type = (uint16_t)type;
	memcpy(m.payload, "ab\x01", 3);
	decode_message(out, &m.nlh, map);
}

static void list_tables(FILE *out)
{
	struct xesvm_nl_devmap map = { 0 };

	for (int set = 0; set < XESVM_NL_SET_COUNT; set++)
		for (int type = 0; type < PROBE_TYPES; type++) {
			const char *name = xesvm_nl_attr_name((enum xesvm_nl_set)set, (unsigned)type);
			enum xesvm_nl_set nested;

			if (!name)
				continue;
			fprintf(out, "set %d attribute %d: %s", set, type, name);
			if (xesvm_nl_attr_nested((enum xesvm_nl_set)set, (unsigned)type, &nested))
				fprintf(out, " (a nest of set %d)", nested);
			fprintf(out, "\n");
		}
	for (size_t i = 0; i < sizeof(top_level_sets) / sizeof(top_level_sets[0]); i++)
		for (int type = 1; type < PROBE_TYPES; type++) {
			const char *name = xesvm_nl_attr_name(top_level_sets[i].set, (unsigned)type);

			if (!name)
				continue;
			fprintf(out, "probe set %d attribute %s:", top_level_sets[i].set, name);
			probe_attribute(out, top_level_sets[i].cmd, type, &map);
		}
}

int main(int argc, char **argv)
{
	const char *update = getenv("XESVM_UPDATE_GOLDEN");
	char *text = NULL, *want;
	size_t len = 0, want_len = 0;
	FILE *out;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: %s CORPUS_DIR GOLDEN\n", argv[0]);
		return 2;
	}
	out = open_memstream(&text, &len);
	if (!out)
		return 2;
	list_tables(out);
	rc = decode_corpus(out, argv[1]);
	fclose(out);
	if (rc) {
		free(text);
		return 2;
	}
	if (update && strcmp(update, "1") == 0) {
		FILE *g = fopen(argv[2], "w");

		rc = !g || fwrite(text, 1, len, g) != len;
		if (g && fclose(g))
			rc = 1;
		free(text);
		return rc;
	}
	want = (char *)read_all(argv[2], &want_len);
	rc = !want || want_len != len || memcmp(want, text, len) != 0;
	if (rc) {
		/* The whole output: meson keeps it in the test log for a diff. */
		fprintf(stderr, "differs from %s (XESVM_UPDATE_GOLDEN=1 rewrites it); got:\n",
			argv[2]);
		fwrite(text, 1, len, stderr);
	}
	free(want);
	free(text);
	return rc;
}
