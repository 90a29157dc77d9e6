// SPDX-License-Identifier: BSD-3-Clause
/*
 * Threads x fork x exec x vfork x posix_spawn with sockets churning, under
 * the shim (issue 11). Workers create sockets, register them with epoll
 * before connect(), set options MPTCP refuses, connect through a switching
 * destination rule, dup and close; other threads fork, vfork+exec, fork+exec
 * and posix_spawn this program (child mode) meanwhile. Every count is
 * bounded and so is the time (a deadline of 90 s, for a run that takes
 * well under one, ends the loops early and fails: something hung).
 *
 *   shim_stress WORKERS ITERATIONS PROTO4 PROTO6 [SPAWNS]
 *   shim_stress --child PROTO6
 *
 * PROTO4/PROTO6: the protocol `mptcpshim policy explain` predicts for a
 * connect() to 127.0.0.1 / [::1]; sockets with a refused option must be TCP
 * (unsupported_option = tcp). Exit 0 only if every socket had its
 * predicted protocol, no fd leaked, and every child exited 0.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>

#include "fixture.h"

extern char **environ;

static int proto4, proto6, iterations, spawns;
static unsigned short port4, port6;
static atomic_int mismatches, sockets_done, forks_done, execs_done;
static atomic_int child_failures, workers_left;
static atomic_bool deadline_hit;
static time_t deadline;
static const char *self;
/* Held (read) from socket() to the protocol check: a fork() in between
 * would make the socket shared, and a shared socket is rightly never
 * switched, so the prediction would not apply. */
static pthread_rwlock_t fork_lock = PTHREAD_RWLOCK_INITIALIZER;

static bool past_deadline(void)
{
	if (time(NULL) < deadline)
		return false;
	atomic_store(&deadline_hit, true);
	return true;
}

/* One socket's life; returns false on a wrong protocol. */
static bool one_socket(int i, int ep)
{
	bool v6 = i & 1, option = (i & 2) != 0, nonblock = (i & 4) != 0;
	struct sockaddr_in a4 = addr4("127.0.0.1", port4);
	struct sockaddr_in6 a6 = addr6("::1", port6);
	int want = option ? IPPROTO_TCP : v6 ? proto6 : proto4;
	int fd, rc, got, d;

	fd = socket(v6 ? AF_INET6 : AF_INET,
		    SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0),
		    0);
	if (fd < 0)
		return false;
	if (nonblock) {
		struct epoll_event ev = { .events = EPOLLOUT | EPOLLET,
					  .data.u64 = (uint64_t)fd };

		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	}
	if (option) {
		int hops = 32;

		if (v6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops,
				   sizeof(hops));
		else
			setsockopt(fd, IPPROTO_IP, IP_TTL, &hops, sizeof(hops));
	}
	rc = v6 ? connect(fd, (struct sockaddr *)&a6, sizeof(a6)) :
		  connect(fd, (struct sockaddr *)&a4, sizeof(a4));
	if (rc < 0 && errno == EINPROGRESS) {
		struct epoll_event ev;

		/* Bounded: the loopback handshake is immediate. */
		for (int k = 0; k < 50; k++)
			if (epoll_wait(ep, &ev, 1, 100) > 0 &&
			    ev.data.u64 == (uint64_t)fd)
				break;
	}
	got = protocol_of(fd);
	if (got != want) {
		fprintf(stderr, "socket %d (v6=%d option=%d nonblock=%d): "
			"protocol %d, predicted %d\n", i, v6, option, nonblock,
			got, want);
		atomic_fetch_add(&mismatches, 1);
	}
	d = dup(fd);
	if (d >= 0)
		close(d);
	if (nonblock)
		epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	atomic_fetch_add(&sockets_done, 1);
	return got == want;
}

static void *worker(void *arg)
{
	int base = (int)(intptr_t)arg;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	for (int i = 0; i < iterations && !past_deadline(); i++) {
		pthread_rwlock_rdlock(&fork_lock);
		one_socket(base + i, ep);
		pthread_rwlock_unlock(&fork_lock);
	}
	close(ep);
	atomic_fetch_sub(&workers_left, 1);
	return NULL;
}

/* Accepts and closes until the workers are done. */
static void *acceptor(void *arg)
{
	int *l = arg;
	struct pollfd p[2] = { { l[0], POLLIN, 0 }, { l[1], POLLIN, 0 } };

	while (atomic_load(&workers_left) > 0) {
		if (poll(p, 2, 100) <= 0)
			continue;
		for (int k = 0; k < 2; k++)
			if (p[k].revents & POLLIN) {
				int c = accept4(l[k], NULL, NULL, SOCK_CLOEXEC);

				if (c >= 0)
					close(c);
			}
	}
	return NULL;
}

static void reap(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		atomic_fetch_add(&child_failures, 1);
}

/* fork() from a thread while the workers run; the child uses the shim. */
static void *forker(void *arg)
{
	(void)arg;
	for (int i = 0; i < spawns && !past_deadline(); i++) {
		pid_t pid;

		pthread_rwlock_wrlock(&fork_lock);
		pid = fork();
		if (pid == 0) {
			int fd = socket(AF_INET6, SOCK_STREAM, 0);

			_exit(protocol_of(fd) == IPPROTO_MPTCP ? 0 : 1);
		}
		pthread_rwlock_unlock(&fork_lock);
		reap(pid);
		atomic_fetch_add(&forks_done, 1);
	}
	return NULL;
}

/* vfork + exec out of line, so that no caller's variable lives across the
 * shared stack (gcc -O2 -Wclobbered). */
static __attribute__((noinline)) pid_t vfork_exec(char **argv)
{
	pid_t pid = vfork();

	if (pid == 0) {
		execve(self, argv, environ);
		_exit(127);
	}
	return pid;
}

/* This program's child mode, started three ways in turn. */
static void *spawner(void *arg)
{
	char p6[16];
	char *argv[] = { (char *)self, "--child", p6, NULL };

	(void)arg;
	snprintf(p6, sizeof(p6), "%d", proto6);
	for (int i = 0; i < spawns && !past_deadline(); i++) {
		pid_t pid = -1;

		if (i % 3 == 0) {
			posix_spawn(&pid, self, NULL, NULL, argv, environ);
		} else if (i % 3 == 1) {
			/* Locked too: ThreadSanitizer turns vfork into fork. */
			pthread_rwlock_wrlock(&fork_lock);
			pid = vfork_exec(argv);
			pthread_rwlock_unlock(&fork_lock);
		} else {
			/* A fork, so the workers' sockets become shared. */
			pthread_rwlock_wrlock(&fork_lock);
			pid = fork();
			if (pid == 0) {
				execve(self, argv, environ);
				_exit(127);
			}
			pthread_rwlock_unlock(&fork_lock);
		}
		reap(pid);
		atomic_fetch_add(&execs_done, 1);
	}
	return NULL;
}

/* The open fds, as one sorted-by-kernel string of numbers. */
static void list_fds(char *out, size_t len)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int self_fd = d ? dirfd(d) : -1;
	size_t n = 0;

	out[0] = '\0';
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != self_fd &&
		    n + strlen(e->d_name) + 2 < len)
			n += (size_t)snprintf(out + n, len - n, "%s ",
					      e->d_name);
	if (d)
		closedir(d);
}

int main(int argc, char **argv)
{
	char before[4096], after[4096];
	pthread_t t[64];
	int l[2], workers, nt = 0;

	if (argc == 3 && strcmp(argv[1], "--child") == 0) {
		int fd = socket(AF_INET6, SOCK_STREAM, 0);

		return protocol_of(fd) == atoi(argv[2]) ? 0 : 1;
	}
	if (argc < 5) {
		fprintf(stderr, "usage: shim_stress WORKERS ITERATIONS PROTO4 "
			"PROTO6 [SPAWNS]\n");
		return 2;
	}
	fixture_require_mptcp();
	workers = atoi(argv[1]);
	iterations = atoi(argv[2]);
	proto4 = atoi(argv[3]);
	proto6 = atoi(argv[4]);
	spawns = argc > 5 ? atoi(argv[5]) : 30;
	if (workers < 1 || workers > 60)
		return 2;
	self = "/proc/self/exe";
	deadline = time(NULL) + 90;
	l[0] = raw_listener(AF_INET, 4096, &port4);
	l[1] = raw_listener(AF_INET6, 4096, &port6);
	if (l[0] < 0 || l[1] < 0)
		return 1;
	list_fds(before, sizeof(before));
	atomic_store(&workers_left, workers);
	for (int i = 0; i < workers; i++)
		pthread_create(&t[nt++], NULL, worker,
			       (void *)(intptr_t)(i * iterations));
	pthread_create(&t[nt++], NULL, acceptor, l);
	pthread_create(&t[nt++], NULL, forker, NULL);
	pthread_create(&t[nt++], NULL, spawner, NULL);
	for (int i = 0; i < nt; i++)
		pthread_join(t[i], NULL);
	list_fds(after, sizeof(after));
	printf("threads=%d sockets=%d forks=%d execs=%d mismatches=%d "
	       "child_failures=%d deadline_hit=%d\n", nt, sockets_done,
	       forks_done, execs_done, mismatches, child_failures,
	       (int)deadline_hit);
	if (strcmp(before, after) != 0) {
		printf("fd leak: before [%s] after [%s]\n", before, after);
		return 1;
	}
	if (deadline_hit)
		printf("the loops did not finish in 90 s: something hangs\n");
	return mismatches || child_failures || deadline_hit ? 1 : 0;
}
