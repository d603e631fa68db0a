// SPDX-License-Identifier: MIT
/*
 * Every way a snapshot can be wrong: the exact status and message (naming
 * the file, the position and the problem), and no model handed out.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "../unprivileged.h"

struct bad_case {
	const char *file;
	const char *message;	/* after "<path>: " */
};

static const struct bad_case cases[] = {
	{ "array.json", "line 1, column 1 (byte 0): expected '{' (a snapshot is a JSON object), found '['" },
	{ "garbage.txt", "line 1, column 1 (byte 0): expected '{' (a snapshot is a JSON object), found 'G'" },
	{ "empty.json", "line 1, column 1 (byte 0): empty file, expected a snapshot (a JSON object)" },
	{ "devices-not-array.json", "line 1, column 34 (byte 33): \"devices\" must be an array" },
	{ "duplicate-key.json", "line 3, column 2 (byte 39): duplicate key \"devices\"" },
	{ "duplicate-nested-key.json", "line 2, column 51 (byte 72): duplicate object key near '\"driver\"'" },
	{ "future-schema.json", "line 2, column 21 (byte 22): schema_version 99 is newer than this xesvm understands (2): upgrade xesvm" },
	/* Ranges before the version: the version is still what gets reported. */
	{ "future-schema-ranges-first.json", "line 3, column 21 (byte 86): schema_version 3 is newer than this xesvm understands (2): upgrade xesvm" },
	{ "no-schema-version.json", "not an xesvm snapshot: no \"schema_version\"" },
	{ "schema-version-string.json", "line 1, column 20 (byte 19): \"schema_version\" must be an integer" },
	{ "range-start-string.json", "line 468, column 5 (byte 12942): ranges[3]: \"start\" must be an integer" },
	{ "range-unknown-flag.json", "line 712, column 5 (byte 18646): ranges[17]: \"flags\": unknown flag \"sparkly\"" },
	{ "trailing-garbage.json", "line 2, column 1 (byte 37): unexpected data after the snapshot object" },
	{ "truncated-in-range.json", "line 1, column 47 (byte 46): truncated: string or '}' expected near end of file" },
	{ "truncated.json", "line 769, column 38 (byte 20000): truncated: '}' expected near end of file" },
	{ "truncated.json.gz", "corrupt or truncated gzip data: unexpected end of file" },
	{ "bad-crc.json.gz", "corrupt or truncated gzip data: incorrect data check" },
	{ "vm-handle-string.json", "line 1, column 30 (byte 29): vms[0]: \"vm\" must be a non-negative integer" },
};

static void check_case(const struct bad_case *c, const char *path)
{
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = (struct xesvm_model *)&err;	/* must be reset to NULL */
	char expected[1024];

	assert_int_equal(xesvm_snapshot_load(path, &m, &err), -1);
	assert_null(m);
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_int_equal(err.sys_errno, 0);
	snprintf(expected, sizeof(expected), "%s: %s", path, c->message);
	assert_string_equal(err.msg, expected);
}

static void test_each_bad_snapshot(void **state)
{
	char name[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "bad/%s", cases[i].file);
		check_case(&cases[i], snapshot_path(name));
	}
}

/* Lines are not in the message for stdin, but the name "<stdin>" is. */
static void test_bad_snapshot_on_stdin(void **state)
{
	int saved = dup(0);
	FILE *f = fopen(snapshot_path("bad/future-schema.json"), "r");
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;

	assert_non_null(f);
	dup2(fileno(f), 0);
	assert_int_equal(xesvm_snapshot_load("-", &m, &err), -1);
	dup2(saved, 0);
	close(saved);
	fclose(f);
	assert_null(m);
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_string_equal(err.msg, "<stdin>: line 2, column 21 (byte 22): schema_version 99 is "
			    "newer than this xesvm understands (2): upgrade xesvm");
}

static void test_missing_file_and_directory(void **state)
{
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;

	assert_int_equal(xesvm_snapshot_load("/nonexistent/snap.json", &m, &err), -1);
	assert_null(m);
	assert_int_equal(err.status, XESVM_E_USAGE);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_string_equal(err.msg, "/nonexistent/snap.json: cannot open snapshot: No such file or directory");

	memset(&err, 0, sizeof(err));
	assert_int_equal(xesvm_snapshot_load("/tmp", &m, &err), -1);
	/* A directory exists: a system error (exit 2), not a missing file. */
	assert_int_equal(err.status, XESVM_E_SYSTEM);
	assert_int_equal(err.sys_errno, EISDIR);
	assert_string_equal(err.msg, "/tmp: cannot open snapshot: Is a directory");
}

/* Runs as an unprivileged user (see run_unprivileged()); 0 when right. */
static int check_unreadable_snapshot(const char *path)
{
	struct xesvm_error err = { 0 };
	struct xesvm_model *m = NULL;
	char expected[128];

	snprintf(expected, sizeof(expected), "%s: cannot open snapshot: Permission denied", path);
	if (xesvm_snapshot_load(path, &m, &err) != -1 || err.status != XESVM_E_SYSTEM ||
	    err.sys_errno != EACCES || strcmp(err.msg, expected)) {
		fprintf(stderr, "unreadable snapshot: status %d errno %d msg '%s', want '%s'\n",
			err.status, err.sys_errno, err.msg, expected);
		xesvm_model_free(m);
		return 1;
	}
	return 0;
}

static void test_unreadable_file_is_system_error(void **state)
{
	char path[] = "/tmp/xesvm-unreadable-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chmod(path, 0), 0);
	run_unprivileged(check_unreadable_snapshot, path);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_bad_snapshot),
		cmocka_unit_test(test_bad_snapshot_on_stdin),
		cmocka_unit_test(test_missing_file_and_directory),
		cmocka_unit_test(test_unreadable_file_is_system_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
