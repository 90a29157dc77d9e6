// SPDX-License-Identifier: BSD-3-Clause
/*
 * --stats on the seccomp route: what became of each MPTCP connection
 * (handshake fallback, subflows), learnt where the supervisor still sees
 * the socket: when the task closes or shuts it down, or exits. The
 * library learns a connect()'s fate as it completes; the supervisor does
 * not see calls return, so it asks at the end of the socket's life, with
 * the library's own test (fate_rule.h) and records (stats_events.h). Only
 * with --stats are close(), shutdown() and exit_group() trapped.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <netinet/in.h>

#include "fate_rule.h"
#include "seccomp_fate.h"
#include "seccomp_ours.h"
#include "seccomp_taskfd.h"
#include "uapi_compat.h"

/* Sockets already reported (by inode; a shutdown, then a close). */
#define REPORTED_SLOTS 4096
static unsigned long reported[REPORTED_SLOTS];

/* The ports of MPTCP listeners made here, per process: what they accept
 * is theirs (the library tracks accept() from its own listeners). */
#define LISTENERS 64
static struct {
	pid_t tgid;
	unsigned short port;
} listeners[LISTENERS];
static unsigned next_listener;

static unsigned short local_port(int fd)
{
	struct sockaddr_in6 a = { 0 };
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		return 0;
	/* sin_port and sin6_port sit at the same offset. */
	return ntohs(a.sin6_port);
}

void seccomp_fate_listening(pid_t tgid, int copy)
{
	unsigned short port = local_port(copy);

	if (port) {
		listeners[next_listener % LISTENERS].tgid = tgid;
		listeners[next_listener % LISTENERS].port = port;
		next_listener++;
	}
}

static bool accepted_here(pid_t tgid, int copy)
{
	unsigned short port = local_port(copy);

	for (unsigned i = 0; port && i < LISTENERS; i++)
		if (listeners[i].tgid == tgid && listeners[i].port == port)
			return true;
	return false;
}

static int plain_getsockopt(int fd, int level, int name, void *value,
			    socklen_t *len)
{
	return getsockopt(fd, level, name, value, len);
}

static void report(const struct stats_writer *w, pid_t tgid, int fd,
		   int copy, bool closing)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	int protocol = -1;
	socklen_t plen = sizeof(protocol);
	struct stat st;
	unsigned subflows;
	bool accepted, mptcp;

	if (getsockopt(copy, SOL_SOCKET, SO_PROTOCOL, &protocol, &plen) != 0 ||
	    protocol != IPPROTO_MPTCP || fstat(copy, &st) != 0 ||
	    reported[st.st_ino % REPORTED_SLOTS] == st.st_ino ||
	    getpeername(copy, (struct sockaddr *)&peer, &len) != 0)
		return;
	accepted = accepted_here(tgid, copy);
	if (!seccomp_ours_is(copy))
		return;	/* the program's own MPTCP socket */
	reported[st.st_ino % REPORTED_SLOTS] = st.st_ino;
	mptcp = fate_still_mptcp(copy, plain_getsockopt);
	stats_handshake(w, fd, mptcp, accepted);
	/* As the library: subflows when the program closes, not at exit. */
	if (closing && mptcp &&
	    fate_extra_subflows(copy, plain_getsockopt, &subflows))
		stats_subflows(w, fd, subflows);
}

void seccomp_fate_closing(const struct stats_writer *w, pid_t tid,
			  pid_t tgid, int fd)
{
	int copy = seccomp_task_getfd(tid, fd);

	if (copy >= 0) {
		report(w, tgid, fd, copy, true);
		close(copy);
	}
}

void seccomp_fate_exiting(const struct stats_writer *w, pid_t tid,
			  pid_t tgid)
{
	char path[64];
	struct dirent *e;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)tgid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		char link[32];
		ssize_t n = readlinkat(dirfd(dir), e->d_name, link,
				       sizeof(link) - 1);
		int fd, copy;

		if (n <= 8 || strncmp(link, "socket:[", 8) != 0)
			continue;
		fd = atoi(e->d_name);
		copy = seccomp_task_getfd(tid, fd);
		if (copy >= 0) {
			report(w, tgid, fd, copy, false);
			close(copy);
		}
	}
	closedir(dir);
}
