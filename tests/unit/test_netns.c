// SPDX-License-Identifier: BSD-3-Clause
/*
 * cli/kernel/netns.c: which specs netns_open() takes and refuses (with
 * the errno its header promises), and netns_call(): the output of the
 * function run in the child (also past the first read buffer), its exit
 * code, a namespace that cannot be joined and a child that dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "netns.h"


/* setns() needs CAP_SYS_ADMIN, which root in a container may lack: the
 * effective set, not the uid, says whether a join can succeed. */
static int has_cap_sys_admin(void)
{
	char line[256];
	unsigned long long eff = 0;
	FILE *fp = fopen("/proc/self/status", "r");

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(fp);
	return (int)((eff >> 21) & 1);	/* CAP_SYS_ADMIN */
}

static void expect_refused(const char *spec, int err)
{
	errno = 0;
	assert_int_equal(netns_open(spec), -1);
	assert_int_equal(errno, err);
}

static void test_open_refuses(void **state)
{
	(void)state;
	expect_refused(NULL, EINVAL);
	expect_refused("", EINVAL);
	expect_refused("blue\nred", EINVAL);
	/* A relative path is not a name under /run/netns. */
	expect_refused("../../proc/self/ns/net", EINVAL);
	expect_refused("a/b", EINVAL);
	expect_refused(".", EINVAL);
	expect_refused("..", EINVAL);
	/* Another kind of namespace. */
	expect_refused("/proc/self/ns/mnt", EINVAL);
	expect_refused("/proc/self/ns/uts", EINVAL);
}

static void test_open_missing(void **state)
{
	char name[64];

	(void)state;
	snprintf(name, sizeof(name), "mptcpshim-no-such-ns-%d", (int)getpid());
	expect_refused(name, ENOENT);
	/* Digits are a process id: past pid_max there is none. */
	expect_refused("4294967295", ENOENT);
	expect_refused("/nonexistent/ns", ENOENT);
}

static void test_open_accepts(void **state)
{
	char pid[32];
	int fd;

	(void)state;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	fd = netns_open(pid);
	assert_true(fd >= 0);
	/* O_CLOEXEC: a command run later does not inherit it. */
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	fd = netns_open("/proc/self/ns/net");
	assert_true(fd >= 0);
	close(fd);
}

#define BIG 10000	/* more than the first 4096-byte read buffer */

static int write_big(FILE *fp, void *arg)
{
	for (int i = 0; i < BIG; i++)
		fputc('a' + i % 26, fp);
	/* The child's pid: fn runs in another process. */
	*(pid_t *)arg = getpid();
	return 3;
}

static void test_call_output(void **state)
{
	int fd = netns_open("/proc/self/ns/net");
	pid_t seen = getpid();
	char *out = (char *)"untouched";
	size_t len = 1;
	int rc;

	(void)state;
	assert_true(fd >= 0);
	errno = 0;
	rc = netns_call(fd, write_big, &seen, &out, &len);
	close(fd);
	if (rc < 0) {
		/* setns() needs CAP_SYS_ADMIN: EPERM, and nothing returned. */
		assert_int_equal(errno, EPERM);
		assert_false(has_cap_sys_admin());
		assert_null(out);
		assert_int_equal(len, 0);
		skip();
	}
	assert_int_equal(rc, 3);
	assert_int_equal(len, BIG);
	assert_int_equal(strlen(out), BIG);
	for (int i = 0; i < BIG; i++)
		assert_int_equal(out[i], 'a' + i % 26);
	/* The argument was written in the child, not here. */
	assert_int_equal(seen, getpid());
	free(out);
}

static int write_nothing(FILE *fp, void *arg)
{
	(void)fp;
	(void)arg;
	return 0;
}

static void test_call_cannot_join(void **state)
{
	/* Not a namespace file at all (NS_GET_NSTYPE says ENOTTY, which
	 * netns_open leaves to setns()): the join fails with EINVAL. */
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char *out = (char *)"untouched";
	size_t len = 1;

	(void)state;
	assert_true(fd >= 0);
	errno = 0;
	assert_int_equal(netns_call(fd, write_nothing, NULL, &out, &len), -1);
	assert_true(errno == EINVAL || errno == EPERM);
	assert_null(out);
	assert_int_equal(len, 0);
	close(fd);
}

static int die(FILE *fp, void *arg)
{
	(void)arg;
	fputs("partial", fp);
	fflush(fp);
	raise(SIGKILL);
	return 0;
}

static void test_call_child_dies(void **state)
{
	int fd = netns_open("/proc/self/ns/net");
	char *out = (char *)"untouched";
	size_t len = 1;

	(void)state;
	assert_true(fd >= 0);
	errno = 0;
	assert_int_equal(netns_call(fd, die, NULL, &out, &len), -1);
	close(fd);
	/* Killed: ECHILD (or EPERM where it could not even join); never a
	 * half output taken for a result. */
	assert_true(errno == ECHILD || (errno == EPERM && !has_cap_sys_admin()));
	assert_null(out);
}

static void test_own_label(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	const char *l = netns_own_label();

	assert_true(strcmp(l, "host") == 0 || strcmp(l, "self") == 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* A fresh namespace is never PID 1's. */
		if (unshare(CLONE_NEWNET) < 0)
			_exit(77);
		_exit(strcmp(netns_own_label(), "self") == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_refuses),
		cmocka_unit_test(test_open_missing),
		cmocka_unit_test(test_open_accepts),
		cmocka_unit_test(test_call_output),
		cmocka_unit_test(test_call_cannot_join),
		cmocka_unit_test(test_call_child_dies),
		cmocka_unit_test(test_own_label),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
