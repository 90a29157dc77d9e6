// SPDX-License-Identifier: BSD-3-Clause
/*
 * Signals against trapped socket() calls (built -static by
 * seccomp_signals.sh, so only the seccomp route reaches it). Each mode
 * prints one line of counts the test compares with what the kernel gives
 * without the route:
 *
 *   seccomp_storm eintr N      N socket() calls under a 50 us SIGALRM whose
 *                              handler has no SA_RESTART:
 *                              "eintr E mptcp M tcp T other O"
 *   seccomp_storm stopcont N   a child makes N sockets while the parent
 *                              stops and continues it without pause:
 *                              "stopcont mptcp M tcp T failed F notsock S"
 *                              (S: socket() returned an fd that is no
 *                              socket, left open)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static int protocol_of(int fd)
{
	int p = -1;
	socklen_t len = sizeof(p);

	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &p, &len);
	return p;
}

static int eintr_storm(long n)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct itimerval it = { { 0, 50 }, { 0, 50 } };
	long eintr = 0, mptcp = 0, tcp = 0, other = 0;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) != 0 ||
	    setitimer(ITIMER_REAL, &it, NULL) != 0) {
		perror("timer");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0) {
			if (errno == EINTR)
				eintr++;
			else
				other++;
			continue;
		}
		if (protocol_of(fd) == IPPROTO_MPTCP)
			mptcp++;
		else
			tcp++;
		close(fd);
	}
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	printf("eintr %ld mptcp %ld tcp %ld other %ld alarms %ld\n", eintr,
	       mptcp, tcp, other, (long)alarms);
	return 0;
}

struct counts {
	volatile long mptcp, tcp, failed, notsock, done;
};

static int stopcont_storm(long n)
{
	struct counts *c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct timespec start, now;
	pid_t child;
	int status;

	if (c == MAP_FAILED)
		return 1;
	child = fork();
	if (child == 0) {
		for (long i = 0; i < n; i++) {
			int fd = socket(AF_INET, SOCK_STREAM, 0);

			if (fd < 0) {
				c->failed++;
				continue;
			}
			switch (protocol_of(fd)) {
			case IPPROTO_MPTCP:
				c->mptcp++;
				break;
			case IPPROTO_TCP:
				c->tcp++;
				break;
			default:	/* the kernel gave a non-socket fd */
				c->notsock++;
				continue;
			}
			close(fd);
		}
		c->done = 1;
		_exit(0);
	}
	if (child < 0)
		return 1;
	/* Bounded in time as well as by the child's count. */
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!c->done) {
		kill(child, SIGSTOP);
		kill(child, SIGCONT);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 60)
			break;
	}
	kill(child, SIGCONT);
	waitpid(child, &status, 0);
	printf("stopcont mptcp %ld tcp %ld failed %ld notsock %ld\n", c->mptcp,
	       c->tcp, c->failed, c->notsock);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && strcmp(argv[1], "eintr") == 0)
		return eintr_storm(n);
	if (argc > 2 && strcmp(argv[1], "stopcont") == 0)
		return stopcont_storm(n);
	fprintf(stderr, "usage: seccomp_storm eintr|stopcont N\n");
	return 2;
}
