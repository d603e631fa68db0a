// SPDX-License-Identifier: MIT
/*
 * xesvm_gather() and xesvm_stats_reset() on the recorded trees in
 * tests/data (see tests/data/README.md), checked field by field; the bad
 * trees; unreadable files and the one "needs root" note; stats reset on a
 * copy of a tree.
 *
 * Permission checks: root reads a chmod 000 file anyway, so when the tests
 * run as root those checks run in a child that has dropped to uid/gid
 * 65534 first. They exercise the same EACCES path a normal user hits.
 */
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"
#include "../unprivileged.h"
#include "xesvm.h"

#define DATA XESVM_TEST_DATA_DIR
#define GOOD_DEBUGFS DATA "/debugfs-xe-2gt"
#define GOOD_PROC DATA "/proc-xe-2gt"
#define XE_DIR "/dri/0000:03:00.0"

static json_int_t int_at(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		fail_msg("%s is not an integer", key);
	return json_integer_value(v);
}

static const char *str_at(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		fail_msg("%s is not a string", key);
	return json_string_value(v);
}

static json_t *collection(struct xesvm_model *m, const char *key)
{
	return json_object_get(xesvm_model_root(m), key);
}

static const char *source_of(struct xesvm_model *m, const char *view)
{
	return json_string_value(json_object_get(json_object_get(xesvm_model_root(m), "sources"), view));
}

static struct xesvm_model *gather_ok(const char *debugfs, const char *proc, bool all)
{
	struct xesvm_sources src = { .debugfs_root = debugfs, .proc_root = proc, .all_drivers = all };
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;

	if (xesvm_gather(&src, &m, &err))
		fail_msg("gather failed: %s", err.msg);
	assert_non_null(m);
	return m;
}

/* A private copy of a data tree (in a fresh 0755 temp dir), as DIR/tree. */
static char *copy_tree(const char *tree, char *dir_out, size_t size)
{
	char cmd[8192];

	snprintf(dir_out, size, "/tmp/xesvm-gather-XXXXXX");
	assert_non_null(mkdtemp(dir_out));
	assert_int_equal(chmod(dir_out, 0755), 0);
	snprintf(cmd, sizeof(cmd), "cp -a '%s/%s' '%s/'", DATA, tree, dir_out);
	assert_int_equal(system(cmd), 0);
	return dir_out;
}

static void remove_tree(const char *dir)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwX '%s' && rm -rf '%s'", dir, dir);
	assert_int_equal(system(cmd), 0);
}

#define CHECK(cond) do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			rc = 1; \
			goto out; \
		} \
	} while (0)

/* ---- the good tree ---- */

static void expect_client(json_t *c, json_int_t device, json_int_t id, json_int_t pid,
			  const char *comm, const char *name)
{
	assert_int_equal(int_at(c, "device"), device);
	assert_int_equal(int_at(c, "client_id"), id);
	assert_int_equal(int_at(c, "pid"), pid);
	assert_string_equal(str_at(c, "comm"), comm);
	if (name)
		assert_string_equal(str_at(c, "name"), name);
	else
		assert_true(json_is_null(json_object_get(c, "name")));
}

static void test_recorded_tree(void **state)
{
	struct xesvm_model *m = gather_ok(GOOD_DEBUGFS, GOOD_PROC, false);
	json_t *devices = collection(m, "devices"), *dev, *regions, *gts, *stats;
	json_t *clients = collection(m, "clients"), *mem;

	(void)state;
	assert_int_equal(json_array_size(devices), 1);
	dev = json_array_get(devices, 0);
	assert_int_equal(int_at(dev, "minor"), 0);
	assert_string_equal(str_at(dev, "driver"), "xe");
	assert_string_equal(str_at(dev, "pci_bdf"), "0000:03:00.0");
	assert_string_equal(str_at(dev, "pci_id"), "8086:e20b");
	assert_string_equal(str_at(dev, "card"), "/dev/dri/card0");
	assert_string_equal(str_at(dev, "render"), "/dev/dri/renderD128");

	regions = json_object_get(dev, "memory_regions");
	assert_int_equal(json_array_size(regions), 2);
	assert_string_equal(str_at(json_array_get(regions, 0), "name"), "system");
	assert_true(json_is_null(json_object_get(json_array_get(regions, 0), "total_bytes")));
	assert_true(json_is_null(json_object_get(json_array_get(regions, 0), "usable_bytes")));
	assert_string_equal(str_at(json_array_get(regions, 1), "name"), "vram0");
	assert_int_equal(int_at(json_array_get(regions, 1), "total_bytes"), 12868124672LL);
	assert_int_equal(int_at(json_array_get(regions, 1), "usable_bytes"),
			 12868124672LL - 4194304000LL);

	gts = json_object_get(dev, "gts");
	assert_int_equal(json_array_size(gts), 2);
	assert_int_equal(int_at(json_array_get(gts, 0), "id"), 0);
	assert_int_equal(int_at(json_array_get(gts, 1), "id"), 1);
	stats = json_object_get(json_array_get(gts, 0), "stats");
	assert_int_equal(json_object_size(stats), 54);
	assert_int_equal(int_at(stats, "svm_pagefault_count"), 18432);
	assert_int_equal(int_at(stats, "svm_64K_migrate_count"), 4100);
	assert_int_equal(int_at(stats, "svm_device_copy_kb"), 4162800);
	stats = json_object_get(json_array_get(gts, 1), "stats");
	assert_int_equal(json_object_size(stats), 54);
	assert_int_equal(int_at(stats, "tlb_inval_count"), 4210);
	assert_int_equal(int_at(stats, "svm_pagefault_count"), 0);

	/* Clients 5 and 7 of the xe device; 9 (i915) is not shown; fd 6 = fd 5. */
	assert_int_equal(json_array_size(clients), 2);
	expect_client(json_array_get(clients, 0), 0, 5, 2301, "svm_bench", NULL);
	expect_client(json_array_get(clients, 1), 0, 7, 2417, "llama-server", "llama-vk");
	mem = json_object_get(json_array_get(clients, 0), "memory");
	assert_int_equal(json_object_size(mem), 4);
	assert_int_equal(int_at(json_object_get(mem, "vram0"), "total"), 524LL << 20);
	assert_int_equal(int_at(json_object_get(mem, "vram0"), "active"), 512LL << 20);
	assert_int_equal(int_at(json_object_get(mem, "system"), "resident"), 2 << 20);
	assert_int_equal(int_at(json_object_get(mem, "system"), "purgeable"), 0);
	mem = json_object_get(json_array_get(clients, 1), "memory");
	assert_int_equal(int_at(json_object_get(mem, "gtt"), "total"), 5388 << 10);
	assert_int_equal(int_at(json_object_get(mem, "vram0"), "resident"), 3216LL << 20);

	assert_string_equal(source_of(m, "devices"), "debugfs");
	assert_string_equal(source_of(m, "stats"), "debugfs");
	assert_string_equal(source_of(m, "clients"), "debugfs+fdinfo");
	assert_int_equal(json_array_size(collection(m, "notes")), 0);
	xesvm_model_free(m);
}

static void test_all_drivers(void **state)
{
	struct xesvm_model *m = gather_ok(GOOD_DEBUGFS, GOOD_PROC, true);
	json_t *devices = collection(m, "devices"), *dev, *clients = collection(m, "clients");

	(void)state;
	assert_int_equal(json_array_size(devices), 2);
	dev = json_array_get(devices, 1);
	assert_int_equal(int_at(dev, "minor"), 1);
	assert_string_equal(str_at(dev, "driver"), "i915");
	assert_string_equal(str_at(dev, "pci_bdf"), "0000:00:02.0");
	assert_true(json_is_null(json_object_get(dev, "pci_id")));
	assert_string_equal(str_at(dev, "render"), "/dev/dri/renderD129");
	assert_int_equal(json_array_size(json_object_get(dev, "gts")), 0);
	assert_int_equal(json_array_size(clients), 3);
	expect_client(json_array_get(clients, 2), 1, 9, 2417, "llama-server", NULL);
	assert_int_equal(int_at(json_object_get(json_object_get(json_array_get(clients, 2), "memory"),
						"system0"), "total"), 13 << 20);
	xesvm_model_free(m);
}

/* Without dri/client-N/ the clients come from fdinfo alone, comm from /proc. */
static void test_clients_from_fdinfo_only(void **state)
{
	char dir[256], cmd[1024], debugfs[512];
	struct xesvm_model *m;
	json_t *clients;

	(void)state;
	copy_tree("debugfs-xe-2gt", dir, sizeof(dir));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/debugfs-xe-2gt/dri/'client-*", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(debugfs, sizeof(debugfs), "%s/debugfs-xe-2gt", dir);
	m = gather_ok(debugfs, GOOD_PROC, false);
	clients = collection(m, "clients");
	assert_int_equal(json_array_size(clients), 2);
	expect_client(json_array_get(clients, 0), 0, 5, 2301, "svm_bench", NULL);
	expect_client(json_array_get(clients, 1), 0, 7, 2417, "llama-server", "llama-vk");
	assert_string_equal(source_of(m, "clients"), "fdinfo");
	xesvm_model_free(m);
	remove_tree(dir);
}

/*
 * No client anywhere (no client directories, no DRM fd in proc): an empty
 * client table, with no qsort() of a NULL array on the way (UBSan's
 * nonnull-attribute check in the asan stage catches that).
 */
static void test_no_clients_at_all(void **state)
{
	char dir[256], cmd[1024], debugfs[512], proc[512];
	struct xesvm_model *m;

	(void)state;
	copy_tree("debugfs-xe-2gt", dir, sizeof(dir));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/debugfs-xe-2gt/dri/'client-*", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(debugfs, sizeof(debugfs), "%s/debugfs-xe-2gt", dir);
	snprintf(proc, sizeof(proc), "%s/empty-proc", dir);
	assert_int_equal(mkdir(proc, 0755), 0);
	m = gather_ok(debugfs, proc, false);
	assert_int_equal(json_array_size(collection(m, "clients")), 0);
	assert_null(source_of(m, "clients"));
	xesvm_model_free(m);
	remove_tree(dir);
}

static void test_env_roots(void **state)
{
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;

	(void)state;
	setenv("XESVM_DEBUGFS", GOOD_DEBUGFS, 1);
	setenv("XESVM_PROC", GOOD_PROC, 1);
	assert_int_equal(xesvm_gather(NULL, &m, &err), 0);
	unsetenv("XESVM_DEBUGFS");
	unsetenv("XESVM_PROC");
	assert_int_equal(json_array_size(collection(m, "devices")), 1);
	assert_int_equal(json_array_size(collection(m, "clients")), 2);
	assert_string_equal(source_of(m, "devices"), "debugfs");
	xesvm_model_free(m);
}

static void test_missing_root(void **state)
{
	struct xesvm_sources src = { .debugfs_root = DATA "/no-such-tree", .proc_root = GOOD_PROC };
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = (struct xesvm_model *)0x1;

	(void)state;
	assert_int_equal(xesvm_gather(&src, &m, &err), -1);
	assert_null(m);
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_non_null(strstr(err.msg, "no-such-tree"));
}

/* ---- bad trees ---- */

static void test_bad_trees(void **state)
{
	static const struct {
		const char *tree;
		const char *fragment;
	} cases[] = {
		{ "debugfs-bad-truncated", "line 22: counter svm_2M_migrate_us is truncated" },
		{ "debugfs-bad-garbage", "line 11: not a" },
		{ "debugfs-bad-overflow", "line 34: counter svm_2M_device_copy_kb is negative (-3)" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xesvm_sources src = { .proc_root = GOOD_PROC };
		struct xesvm_error err = { 0 };
		struct xesvm_model *m = (struct xesvm_model *)0x1;
		char root[512], path[600];

		snprintf(root, sizeof(root), "%s/%s", DATA, cases[i].tree);
		snprintf(path, sizeof(path), "%s/dri/0/gt0/stats: ", root);
		src.debugfs_root = root;
		assert_int_equal(xesvm_gather(&src, &m, &err), -1);
		assert_null(m);
		assert_int_equal(err.status, XESVM_E_SYSTEM);
		if (strncmp(err.msg, path, strlen(path)) || !strstr(err.msg, cases[i].fragment))
			fail_msg("%s: message \"%s\"", cases[i].tree, err.msg);
	}
}

/* ---- unreadable files ---- */

/* gt0/stats is chmod 000: gt1 is still read, one note says root is needed. */
static int check_unreadable_stats(const char *debugfs)
{
	struct xesvm_sources src = { .debugfs_root = debugfs, .proc_root = GOOD_PROC };
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;
	json_t *gts, *notes;
	int rc = 0;

	CHECK(xesvm_gather(&src, &m, &err) == 0);
	gts = json_object_get(json_array_get(collection(m, "devices"), 0), "gts");
	CHECK(json_array_size(gts) == 1);
	CHECK(json_integer_value(json_object_get(json_array_get(gts, 0), "id")) == 1);
	notes = collection(m, "notes");
	CHECK(json_array_size(notes) == 1);
	CHECK(!strcmp(json_string_value(json_array_get(notes, 0)),
		      "1 GT statistics file is not readable (needs root): its counters omitted"));
	CHECK(json_array_size(collection(m, "clients")) == 2);
out:
	xesvm_model_free(m);
	return rc;
}

/*
 * Notes know the views they concern, so that a command prints only those
 * about what it shows: without SVM files, the note about VMs and ranges
 * does not concern the devices, and the privilege note about GT
 * statistics concerns only them.
 */
static void test_notes_concern_their_views(void **state)
{
	const unsigned int svm = XESVM_VIEW_VMS | XESVM_VIEW_VMAS | XESVM_VIEW_RANGES |
				 XESVM_VIEW_PAGEMAPS;
	struct xesvm_model *m;
	json_t *notes;

	setenv("XESVM_SOURCE", "debugfs", 1);
	m = gather_ok(GOOD_DEBUGFS, GOOD_PROC, false);
	unsetenv("XESVM_SOURCE");
	notes = collection(m, "notes");
	assert_int_equal(json_array_size(notes), 1);
	assert_non_null(strstr(json_string_value(json_array_get(notes, 0)),
			       "VMs, VMAs, SVM ranges and pagemaps omitted: XESVM_SOURCE=debugfs"));
	assert_int_equal(xesvm_model_note_views(m, 0), svm);
	xesvm_model_free(m);

	m = xesvm_model_new();
	assert_non_null(m);
	xesvm_model_note_about(m, XESVM_VIEW_STATS, "1 GT statistics file is not readable");
	xesvm_model_note(m, "about everything");
	/* As a snapshot holds them: plain strings, the view named in front or none. */
	json_array_append_new(collection(m, "notes"), json_string("events: only the last 5 recorded"));
	json_array_append_new(collection(m, "notes"), json_string("eventsx: not a view"));
	assert_int_equal(xesvm_model_note_views(m, 0), XESVM_VIEW_STATS);
	assert_int_equal(xesvm_model_note_views(m, 1), XESVM_VIEW_ALL);
	assert_int_equal(xesvm_model_note_views(m, 2), XESVM_VIEW_EVENTS);
	assert_int_equal(xesvm_model_note_views(m, 3), XESVM_VIEW_ALL);
	xesvm_model_free(m);
}

static void test_unreadable_stats_file(void **state)
{
	char dir[256], debugfs[512], path[600];

	(void)state;
	copy_tree("debugfs-xe-2gt", dir, sizeof(dir));
	snprintf(debugfs, sizeof(debugfs), "%s/debugfs-xe-2gt", dir);
	snprintf(path, sizeof(path), "%s" XE_DIR "/tile0/gt0/stats", debugfs);
	assert_int_equal(chmod(path, 0), 0);
	run_unprivileged(check_unreadable_stats, debugfs);
	remove_tree(dir);
}

/*
 * A read error that is not about permissions (here EISDIR: a directory
 * where the stats file should be) becomes a note naming the file and the
 * reason; the rest is still gathered. Runs as any user.
 */
static void test_stats_read_error(void **state)
{
	char dir[256], debugfs[512], path[600], cmd[1400];
	struct xesvm_model *m;
	json_t *gts, *notes;

	(void)state;
	copy_tree("debugfs-xe-2gt", dir, sizeof(dir));
	snprintf(debugfs, sizeof(debugfs), "%s/debugfs-xe-2gt", dir);
	snprintf(path, sizeof(path), "%s" XE_DIR "/tile0/gt1/stats", debugfs);
	snprintf(cmd, sizeof(cmd), "rm '%s' && mkdir '%s'", path, path);
	assert_int_equal(system(cmd), 0);
	m = gather_ok(debugfs, GOOD_PROC, false);
	gts = json_object_get(json_array_get(collection(m, "devices"), 0), "gts");
	assert_int_equal(json_array_size(gts), 1);
	assert_int_equal(int_at(json_array_get(gts, 0), "id"), 0);
	notes = collection(m, "notes");
	assert_int_equal(json_array_size(notes), 1);
	assert_non_null(strstr(json_string_value(json_array_get(notes, 0)), "/dri/0/gt1/stats: Is a directory"));
	xesvm_model_free(m);
	remove_tree(dir);
}

/* Stats and client dirs unreadable: still ONE note, naming both. */
static int check_one_root_note(const char *debugfs)
{
	struct xesvm_sources src = { .debugfs_root = debugfs, .proc_root = GOOD_PROC };
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;
	json_t *notes, *clients;
	int rc = 0;

	CHECK(xesvm_gather(&src, &m, &err) == 0);
	notes = collection(m, "notes");
	CHECK(json_array_size(notes) == 1);
	CHECK(test_count_notes(m, "2 GT statistics files are not readable (needs root)") == 1);
	CHECK(test_count_notes(m, "3 DRM client directories are not readable (needs root)") == 1);
	CHECK(json_array_size(json_object_get(json_array_get(collection(m, "devices"), 0), "gts")) == 0);
	/* fdinfo is still readable: the clients come from there. */
	clients = collection(m, "clients");
	CHECK(json_array_size(clients) == 2);
	CHECK(!strcmp(source_of(m, "clients"), "debugfs+fdinfo"));
out:
	xesvm_model_free(m);
	return rc;
}

static void test_one_root_note(void **state)
{
	char dir[256], debugfs[512], cmd[1400];

	(void)state;
	copy_tree("debugfs-xe-2gt", dir, sizeof(dir));
	snprintf(debugfs, sizeof(debugfs), "%s/debugfs-xe-2gt", dir);
	snprintf(cmd, sizeof(cmd),
		 "chmod 000 '%s'" XE_DIR "/tile0/gt*/stats '%s'/dri/client-*", debugfs, debugfs);
	assert_int_equal(system(cmd), 0);
	run_unprivileged(check_one_root_note, debugfs);
	remove_tree(dir);
}

/* An explicit root whose dri/ cannot be read: an error, exit class 2. */
static int check_unreadable_dri(const char *debugfs)
{
	struct xesvm_sources src = { .debugfs_root = debugfs, .proc_root = GOOD_PROC };
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;
	int rc = 0;

	CHECK(xesvm_gather(&src, &m, &err) == -1);
	CHECK(m == NULL);
	CHECK(err.status == XESVM_E_SYSTEM);
	CHECK(strstr(err.msg, "/dri is not readable (needs root)") != NULL);
out:
	xesvm_model_free(m);
	return rc;
}

static void test_unreadable_debugfs(void **state)
{
	char dir[256], debugfs[512], path[600];

	(void)state;
	copy_tree("debugfs-xe-2gt", dir, sizeof(dir));
	snprintf(debugfs, sizeof(debugfs), "%s/debugfs-xe-2gt", dir);
	snprintf(path, sizeof(path), "%s/dri", debugfs);
	assert_int_equal(chmod(path, 0), 0);
	run_unprivileged(check_unreadable_dri, debugfs);
	remove_tree(dir);
}

/* ---- stats reset ---- */

static void expect_file(const char *path, const char *content)
{
	char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, content);
}

static void test_stats_reset(void **state)
{
	char dir[256], debugfs[512], gt0[600], gt1[600];
	struct xesvm_sources src = { .proc_root = GOOD_PROC };
	struct xesvm_error err = { 0 };
	struct xesvm_model *m;
	FILE *f;
	char head[32];

	(void)state;
	copy_tree("debugfs-xe-2gt", dir, sizeof(dir));
	snprintf(debugfs, sizeof(debugfs), "%s/debugfs-xe-2gt", dir);
	snprintf(gt0, sizeof(gt0), "%s" XE_DIR "/tile0/gt0/stats", debugfs);
	snprintf(gt1, sizeof(gt1), "%s" XE_DIR "/tile0/gt1/stats", debugfs);
	m = gather_ok(debugfs, GOOD_PROC, false);
	src.debugfs_root = debugfs;

	f = fopen(gt0, "r");
	assert_non_null(f);
	assert_non_null(fgets(head, sizeof(head), f));
	fclose(f);
	assert_string_equal(head, "svm_pagefault_count: 18432\n");

	assert_int_equal(xesvm_stats_reset(&src, m, NULL, &err), 0);
	/* What xe's stats_write() would receive: a kstrtobool() true value. */
	expect_file(gt0, "1\n");
	expect_file(gt1, "1\n");
	xesvm_model_free(m);
	remove_tree(dir);
}

static void test_stats_reset_selector(void **state)
{
	char dir[256], debugfs[512], gt0[600];
	struct xesvm_sources src = { .proc_root = GOOD_PROC };
	struct xesvm_error err = { 0 };
	struct xesvm_model *m;

	(void)state;
	copy_tree("debugfs-xe-2gt", dir, sizeof(dir));
	snprintf(debugfs, sizeof(debugfs), "%s/debugfs-xe-2gt", dir);
	snprintf(gt0, sizeof(gt0), "%s" XE_DIR "/tile0/gt0/stats", debugfs);
	m = gather_ok(debugfs, GOOD_PROC, false);
	src.debugfs_root = debugfs;

	/* A device that is not there: usage error, nothing written. */
	assert_int_equal(xesvm_stats_reset(&src, m, "0000:99:00.0", &err), -1);
	assert_int_equal(err.status, XESVM_E_USAGE);
	memset(&err, 0, sizeof(err));
	assert_int_equal(xesvm_stats_reset(&src, m, "0000:03:00.0", &err), 0);
	expect_file(gt0, "1\n");
	xesvm_model_free(m);
	remove_tree(dir);
}

static int check_reset_needs_root(const char *debugfs)
{
	struct xesvm_sources src = { .debugfs_root = debugfs, .proc_root = GOOD_PROC };
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;
	int rc = 0;

	CHECK(xesvm_gather(&src, &m, &err) == 0);
	CHECK(xesvm_stats_reset(&src, m, NULL, &err) == -1);
	CHECK(err.status == XESVM_E_SYSTEM);
	CHECK(err.sys_errno == EACCES);
	CHECK(strstr(err.msg, "resetting GT statistics needs root") != NULL);
out:
	xesvm_model_free(m);
	return rc;
}

static void test_stats_reset_needs_root(void **state)
{
	char dir[256], debugfs[512], cmd[1200];

	(void)state;
	copy_tree("debugfs-xe-2gt", dir, sizeof(dir));
	snprintf(debugfs, sizeof(debugfs), "%s/debugfs-xe-2gt", dir);
	/* As in xe: stats files are 0600 root (readable here so gather works). */
	snprintf(cmd, sizeof(cmd), "chmod 644 '%s'" XE_DIR "/tile0/gt*/stats", debugfs);
	assert_int_equal(system(cmd), 0);
	if (geteuid() != 0) {
		snprintf(cmd, sizeof(cmd), "chmod 444 '%s'" XE_DIR "/tile0/gt*/stats", debugfs);
		assert_int_equal(system(cmd), 0);
	}
	run_unprivileged(check_reset_needs_root, debugfs);
	remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_tree),
		cmocka_unit_test(test_all_drivers),
		cmocka_unit_test(test_clients_from_fdinfo_only),
		cmocka_unit_test(test_no_clients_at_all),
		cmocka_unit_test(test_env_roots),
		cmocka_unit_test(test_missing_root),
		cmocka_unit_test(test_bad_trees),
		cmocka_unit_test(test_unreadable_stats_file),
		cmocka_unit_test(test_stats_read_error),
		cmocka_unit_test(test_one_root_note),
		cmocka_unit_test(test_unreadable_debugfs),
		cmocka_unit_test(test_notes_concern_their_views),
		cmocka_unit_test(test_stats_reset),
		cmocka_unit_test(test_stats_reset_selector),
		cmocka_unit_test(test_stats_reset_needs_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
