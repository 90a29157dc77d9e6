// SPDX-License-Identifier: BSD-3-Clause
/* Landlock on the seccomp route: see seccomp_landlock.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp_landlock.h"
#include "seccomp_switch.h"
#include "seccomp_taskfd.h"
#include "seccomp_task.h"

/*
 * The probe for one access in a child: in a process with a seccomp filter
 * (a service manager's SystemCallFilter=, a launcher's sandbox) bind() or
 * connect() may kill the caller. A child killed by the filter means the
 * program, which inherits the filter, cannot make that call either, so it
 * cannot escape the rules by it. A child that cannot be made: TCP, the
 * safe side.
 */
static bool restricts_in_child(int access)
{
	const struct shim_landlock_calls calls = SHIM_LANDLOCK_SYS_CALLS;
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(shim_landlock_restricts_tcp_of(&calls, access) ? 1 : 0);
	if (pid < 0)
		return true;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return true;
	return WIFEXITED(status) && WEXITSTATUS(status) == 1;
}

bool landlock_launcher_restricted(void)
{
	static int answer = -1;
	const struct shim_landlock_calls calls = SHIM_LANDLOCK_SYS_CALLS;
	int mode;

	if (answer >= 0)
		return answer;
	mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
	/* No filter, or a kernel without seccomp (EINVAL). */
	if (mode == 0 || (mode < 0 && errno == EINVAL))
		answer = shim_landlock_restricts_tcp(&calls);
	else
		answer = restricts_in_child(SHIM_LANDLOCK_BIND) ||
			 restricts_in_child(SHIM_LANDLOCK_CONNECT);
	return answer;
}

/* The supervisor is single-threaded: a plain flag. */
static bool tree_restricted;

bool seccomp_landlock_restricted(void)
{
	return tree_restricted;
}

static int int_option(int fd, int level, int name)
{
	int value = -1;
	socklen_t len = sizeof(value);

	return getsockopt(fd, level, name, &value, &len) == 0 ? value : -1;
}

/*
 * Every MPTCP socket of the process that is not connected or listening yet
 * is switched to TCP by the route's one rebuild (seccomp_switch.c: same
 * number, flags, options, bound address; never a socket in an epoll set or
 * held elsewhere).
 */
int seccomp_landlock_noted(int listener, __u64 id, pid_t tid)
{
	const struct policy_view *view;
	struct seccomp_task t;
	struct dirent *e;
	char path[64];
	int swapped = 0;
	DIR *dir;

	tree_restricted = true;
	if (seccomp_task_read(tid, true, &t) != 0 ||
	    seccomp_task_enter_netns(&t) != 0)
		return 0;
	view = seccomp_policy_for(&t);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)tid);
	dir = opendir(path);
	while (dir && (e = readdir(dir))) {
		char link[64];
		int number = atoi(e->d_name), copy;
		unsigned long ino;
		ssize_t n;

		n = readlinkat(dirfd(dir), e->d_name, link, sizeof(link) - 1);
		if (e->d_name[0] == '.' || n < 7 ||
		    strncmp(link, "socket:", 7) != 0)
			continue;
		copy = seccomp_task_getfd(tid, number);
		if (copy < 0)
			continue;
		if (int_option(copy, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_MPTCP &&
		    !seccomp_switch(listener, id, tid, number, copy, false, view,
				    &ino))
			swapped++;
		close(copy);
	}
	if (dir)
		closedir(dir);
	return swapped;
}
