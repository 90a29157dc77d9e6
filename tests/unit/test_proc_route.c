// SPDX-License-Identifier: BSD-3-Clause
/*
 * cli/systemd/proc_route.c on real processes in a known state: a file
 * named like the library mapped in counts as the library route only when
 * it is the very file (device and inode); a seccomp filter alone is no
 * route, a filter with a supervisor (by its comm) in the same cgroups is;
 * a process that is gone or a library that does not exist is "unknown".
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "proc_route.h"
#include "seccomp_launch.h"

static char dir[] = "/tmp/test_proc_route.XXXXXX";
static char lib[PATH_MAX], other[PATH_MAX];

static void make_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789abcdef", 16), 16);
	close(fd);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(lib, sizeof(lib), "%s/libmptcpshim.so", dir);
	snprintf(other, sizeof(other), "%s/libmptcpshim-copy.so", dir);
	make_file(lib);
	make_file(other);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(lib);
	unlink(other);
	rmdir(dir);
	return 0;
}

/* A child that sets up what mode asks, then waits to be killed; returns
 * once the child reported it is ready (a byte on a pipe). */
enum child_mode { CHILD_FILTER, CHILD_SUPERVISOR_NAME };

static pid_t start_child(enum child_mode mode)
{
	int p[2];
	char c;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sock_filter allow[] = {
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = { .len = 1, .filter = allow };
		int ok = 1;

		close(p[0]);
		/* A failed assertion in the parent skips stop_child(): the
		 * child must not outlive it holding ctest's output pipe. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(1);
		if (mode == CHILD_FILTER)
			ok = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
			     prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER,
				   &prog) == 0;
		else
			ok = prctl(PR_SET_NAME, SECCOMP_SUPERVISOR_NAME, 0, 0,
				   0) == 0;
		if (write(p[1], ok ? "y" : "n", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	assert_int_equal(c, 'y');
	return pid;
}

static void stop_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_library_mapped(void **state)
{
	long sup = -1;
	int fd;
	void *m;

	(void)state;
	/* Nothing mapped yet, no filter: none. */
	assert_int_equal(proc_route_of(getpid(), lib, &sup), PROC_ROUTE_NONE);
	assert_int_equal(sup, 0);
	/* A different file with the same kind of name mapped: still none. */
	fd = open(other, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	m = mmap(NULL, 16, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	assert_true(m != MAP_FAILED);
	assert_int_equal(proc_route_of(getpid(), lib, &sup), PROC_ROUTE_NONE);
	munmap(m, 16);
	/* The file itself mapped: the library route. */
	fd = open(lib, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	m = mmap(NULL, 16, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	assert_true(m != MAP_FAILED);
	sup = -1;
	assert_int_equal(proc_route_of(getpid(), lib, &sup),
			 PROC_ROUTE_LIBRARY);
	assert_int_equal(sup, 0);
	munmap(m, 16);
	/* No library asked about: only the seccomp side is looked at. */
	assert_int_equal(proc_route_of(getpid(), NULL, &sup), PROC_ROUTE_NONE);
}

static void test_unknown(void **state)
{
	char missing[PATH_MAX + 16];
	long sup = -1;
	pid_t gone;

	(void)state;
	/* A library that does not exist cannot be matched. */
	snprintf(missing, sizeof(missing), "%s/absent/libmptcpshim.so", dir);
	assert_int_equal(proc_route_of(getpid(), missing, &sup),
			 PROC_ROUTE_UNKNOWN);
	assert_int_equal(sup, 0);
	/* A process that is gone (reaped), with and without a library. */
	gone = fork();
	assert_true(gone >= 0);
	if (gone == 0)
		_exit(0);
	assert_int_equal(waitpid(gone, NULL, 0), gone);
	assert_int_equal(proc_route_of(gone, lib, &sup), PROC_ROUTE_UNKNOWN);
	assert_int_equal(proc_route_of(gone, NULL, &sup), PROC_ROUTE_UNKNOWN);
}

/* Another supervisor (a seccomp-route test running beside this one in
 * the same cgroup) would make the answers below not ours to predict. */
static int foreign_supervisors(void)
{
	char path[300], comm[64];
	DIR *proc = opendir("/proc");
	struct dirent *e;
	int n = 0;
	FILE *f;

	assert_non_null(proc);
	while ((e = readdir(proc))) {
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) &&
		    strcmp(comm, SECCOMP_SUPERVISOR_NAME "\n") == 0)
			n++;
		fclose(f);
	}
	closedir(proc);
	return n;
}

static void test_seccomp_needs_supervisor(void **state)
{
	long sup = -1;
	pid_t filtered, supervisor;

	(void)state;
	if (foreign_supervisors())
		skip();
	filtered = start_child(CHILD_FILTER);
	/* A filter with no supervisor anywhere in its cgroups: none. */
	assert_int_equal(proc_route_of(filtered, lib, &sup), PROC_ROUTE_NONE);
	assert_int_equal(sup, 0);
	/* A process named as the supervisor, forked here (same cgroups). */
	supervisor = start_child(CHILD_SUPERVISOR_NAME);
	assert_int_equal(proc_route_of(filtered, lib, &sup),
			 PROC_ROUTE_SECCOMP);
	assert_int_equal(sup, supervisor);
	/* The supervisor's name alone, without a filter, is no route. Not
	 * checkable where this process has a filter of its own (a container
	 * runtime's seccomp profile, as in the Debian 13 package build). */
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0) {
		assert_int_equal(proc_route_of(getpid(), lib, &sup),
				 PROC_ROUTE_NONE);
		assert_int_equal(sup, 0);
	}
	stop_child(supervisor);
	assert_int_equal(proc_route_of(filtered, lib, &sup), PROC_ROUTE_NONE);
	stop_child(filtered);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(proc_route_name(PROC_ROUTE_LIBRARY), "library");
	assert_string_equal(proc_route_name(PROC_ROUTE_SECCOMP),
			    "seccomp route");
	assert_string_equal(proc_route_name(PROC_ROUTE_NONE), "none");
	assert_string_equal(proc_route_name(PROC_ROUTE_UNKNOWN), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_library_mapped),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_seccomp_needs_supervisor),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
