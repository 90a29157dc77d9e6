// SPDX-License-Identifier: BSD-3-Clause
/* Landlock on the seccomp route: see seccomp_landlock.h. */
#include <dirent.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp_landlock.h"
#include "seccomp_task.h"

bool landlock_launcher_restricted(void)
{
	static int answer = -1;
	const struct shim_landlock_calls calls = SHIM_LANDLOCK_SYS_CALLS;

	if (answer < 0)
		answer = shim_landlock_restricts_tcp(&calls);
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

/* An MPTCP socket nothing has happened to yet: not bound, not listening,
 * not connected; its family, or 0 for any other socket. */
static int fresh_mptcp_family(int fd)
{
	struct sockaddr_in6 local = { 0 };
	socklen_t len = sizeof(local);
	int family = int_option(fd, SOL_SOCKET, SO_DOMAIN);

	if (int_option(fd, SOL_SOCKET, SO_PROTOCOL) != IPPROTO_MPTCP ||
	    (family != AF_INET && family != AF_INET6) ||
	    int_option(fd, SOL_SOCKET, SO_ACCEPTCONN) != 0 ||
	    getsockname(fd, (struct sockaddr *)&local, &len) != 0 ||
	    local.sin6_port != 0 ||	/* same offset in sockaddr_in */
	    getpeername(fd, (struct sockaddr *)&local, &len) == 0)
		return 0;
	return family;
}

/* O_CLOEXEC of the task's fd, from /proc/TID/fdinfo/FD's octal flags. */
static bool task_cloexec(pid_t tid, int fd)
{
	char path[64], line[128];
	unsigned long flags = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tid, fd);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "flags:", 6) == 0)
			flags = strtoul(line + 6, NULL, 8);
	fclose(f);
	return flags & O_CLOEXEC;
}

/* Puts a fresh TCP socket at the task's fd number (as dup2 would). */
static bool replace(int listener, __u64 id, pid_t tid, int number,
		    int copy, int family)
{
	struct seccomp_notif_addfd addfd = {
		.id = id,
		.flags = SECCOMP_ADDFD_FLAG_SETFD,
		.newfd = (__u32)number,
		.newfd_flags = task_cloexec(tid, number) ? O_CLOEXEC : 0,
	};
	int status = fcntl(copy, F_GETFL);
	int tcp = socket(family, SOCK_STREAM | SOCK_CLOEXEC |
				  (status >= 0 && (status & O_NONBLOCK) ?
					   SOCK_NONBLOCK : 0),
			 IPPROTO_TCP);
	bool done;

	if (tcp < 0)
		return false;
	addfd.srcfd = (__u32)tcp;
	done = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) >= 0;
	close(tcp);
	return done;
}

int seccomp_landlock_noted(int listener, __u64 id, pid_t tid)
{
	struct seccomp_task t;
	struct dirent *e;
	char path[64];
	int pidfd, swapped = 0;
	DIR *dir;

	tree_restricted = true;
	if (seccomp_task_read(tid, true, &t) != 0 ||
	    seccomp_task_enter_netns(&t) != 0)
		return 0;
	pidfd = (int)syscall(SYS_pidfd_open, t.tgid, 0);
	if (pidfd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)tid);
	dir = opendir(path);
	while (dir && (e = readdir(dir))) {
		char link[64];
		int number = atoi(e->d_name), copy;
		ssize_t n;

		n = readlinkat(dirfd(dir), e->d_name, link, sizeof(link) - 1);
		if (e->d_name[0] == '.' || n < 7 ||
		    strncmp(link, "socket:", 7) != 0)
			continue;
		copy = (int)syscall(SYS_pidfd_getfd, pidfd, number, 0);
		if (copy < 0)
			continue;
		if (fresh_mptcp_family(copy) &&
		    replace(listener, id, tid, number, copy,
			    fresh_mptcp_family(copy)))
			swapped++;
		close(copy);
	}
	if (dir)
		closedir(dir);
	close(pidfd);
	return swapped;
}
