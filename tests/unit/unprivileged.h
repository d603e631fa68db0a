/* SPDX-License-Identifier: MIT */
/*
 * Tests of permission errors run as root in CI, and root reads any file.
 * run_unprivileged() runs the check as uid/gid 65534 in a child instead, so
 * the EACCES path a normal user hits is exercised for real, not skipped.
 */
#ifndef XESVM_TEST_UNPRIVILEGED_H
#define XESVM_TEST_UNPRIVILEGED_H

#include <grp.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Runs @check(@arg) as a user without privileges: directly when not root,
 * else in a child with uid/gid 65534. @check returns 0 or prints why not.
 * Must be called from a cmocka test (it asserts).
 */
static inline void run_unprivileged(int (*check)(const char *), const char *arg)
{
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		assert_int_equal(check(arg), 0);
		return;
	}
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
			perror("dropping privileges");
			_exit(3);
		}
		_exit(check(arg) ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

#endif
