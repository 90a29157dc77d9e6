// SPDX-License-Identifier: BSD-3-Clause
/*
 * A trapped task's memory and descriptors, seen from the supervisor. The
 * library reads its own process; the supervisor reads another one, so
 * every read here can fail for reasons the library never meets (the task
 * gone, its pid reused, a bad pointer): each failure is reported, and the
 * caller then lets the task's own system call run, which gives it the
 * kernel's answer (EFAULT for a bad pointer).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fdinfo_epoll.h"
#include "seccomp_taskfd.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL	/* 6.9: a pidfd for any thread */
#endif

/* len bytes between here and there in tid's memory, written there or read
 * from there: 0, or the errno the task's own access would meet. */
static int task_transfer(pid_t tid, void *here, unsigned long there,
			 size_t len, bool write)
{
	struct iovec local = { .iov_base = here, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)there, .iov_len = len };
	ssize_t n;

	if (!there)
		return EFAULT;
	n = write ? process_vm_writev(tid, &local, 1, &remote, 1, 0) :
		    process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n < 0)
		return errno;
	return (size_t)n == len ? 0 : EFAULT;
}

int seccomp_task_copy(pid_t tid, void *dst, unsigned long src, size_t len)
{
	return task_transfer(tid, dst, src, len, false);
}

int seccomp_task_write(pid_t tid, unsigned long dst, const void *src,
		       size_t len)
{
	/* process_vm_writev only reads the local buffer. */
	return task_transfer(tid, (void *)src, dst, len, true);
}

/* The start of a small /proc file (one read) as a string in buf: its
 * length, or -1 when it cannot be read or is empty. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static pid_t tgid_of(pid_t tid)
{
	char path[64], buf[1024], *line;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	line = strstr(buf, "\nTgid:");
	return line ? (pid_t)strtol(line + 6, NULL, 10) : -1;
}

int seccomp_task_getfd(pid_t tid, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
	int copy, err;

	/* Before 6.9 a pidfd names a process: its thread-group leader. */
	if (pidfd < 0 && errno == EINVAL) {
		pid_t tgid = tgid_of(tid);

		if (tgid > 0)
			pidfd = (int)syscall(SYS_pidfd_open, tgid, 0);
	}
	if (pidfd < 0)
		return -1;
	copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	err = errno;
	close(pidfd);
	errno = err;
	return copy;	/* close-on-exec: pidfd_getfd makes it so */
}

/* The inode of "socket:[INO]", or 0. */
static unsigned long socket_inode(const char *link)
{
	unsigned long ino = 0;

	return sscanf(link, "socket:[%lu]", &ino) == 1 ? ino : 0;
}

/* Whether an epoll fd's fdinfo lists the socket ino (under any number). */
static bool epoll_holds(pid_t pid, const char *epfd, unsigned long ino)
{
	char path[64], buf[4096];
	size_t have = 0;
	bool found = false;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", (int)pid, epfd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;	/* cannot tell: assume registered */
	while (!found && (n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		char *line = buf, *nl;

		have += (size_t)n;
		buf[have] = '\0';
		while (!found && (nl = strchr(line, '\n'))) {
			struct fdinfo_epoll_reg reg;

			*nl = '\0';
			found = fdinfo_epoll_line(line, &reg) && reg.ino == ino;
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1)
			have = 0;
	}
	close(fd);
	return found || n < 0;
}

/*
 * Walks one process's fd table: another fd of the socket, or an epoll
 * instance holding it, is a reason. self_fd (-1: none) is the task's own
 * number, which is not "another".
 */
static const char *scan_table(pid_t pid, int self_fd, unsigned long ino)
{
	char path[64], link[64];
	struct dirent *e;
	const char *why = NULL;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (!dir)
		return self_fd >= 0 ? "its descriptors cannot be read (/proc)" :
				      NULL;
	while (!why && (e = readdir(dir))) {
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(dir), e->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (socket_inode(link) == ino && atoi(e->d_name) != self_fd)
			why = "another fd or process holds the socket (dup, "
			      "fork)";
		else if (strcmp(link, "anon_inode:[eventpoll]") == 0 &&
			 epoll_holds(pid, e->d_name, ino))
			why = "it is registered in an epoll instance";
	}
	closedir(dir);
	return why;
}

/* The task's parent and children: where a fork leaves a copy. */
static const char *scan_relatives(pid_t tgid, unsigned long ino)
{
	char path[64], buf[4096];
	const char *why = NULL;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tgid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			char *close_paren;
			int ppid;

			buf[n] = '\0';
			close_paren = strrchr(buf, ')');
			if (close_paren &&
			    sscanf(close_paren + 1, " %*c %d", &ppid) == 1 &&
			    ppid > 1)
				why = scan_table(ppid, -1, ino);
		}
	}
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)tgid,
		 (int)tgid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return why;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	for (char *p = buf, *end; !why && n > 0 && p < buf + n; p = end) {
		long child;

		buf[n] = '\0';
		child = strtol(p, &end, 10);
		if (end == p)
			break;
		why = scan_table((pid_t)child, -1, ino);
	}
	return why;
}

const char *seccomp_task_socket_shared(pid_t tid, int fd, int copy)
{
	struct stat st;
	pid_t tgid = tgid_of(tid);
	const char *why;

	if (tgid <= 0 || fstat(copy, &st) != 0)
		return "the task's descriptors cannot be read";
	why = scan_table(tgid, fd, (unsigned long)st.st_ino);
	return why ? why : scan_relatives(tgid, (unsigned long)st.st_ino);
}

int seccomp_task_fd_cloexec(pid_t tid, int fd)
{
	char path[64], buf[512], *flags;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tid, fd);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	flags = strstr(buf, "flags:");
	if (!flags)
		return -1;
	return (strtoul(flags + 6, NULL, 8) & O_CLOEXEC) ? 1 : 0;
}
