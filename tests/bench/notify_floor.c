// SPDX-License-Identifier: BSD-3-Clause
/*
 * The floor of the seccomp route on this machine: socket()+close() with
 * socket() trapped by a filter whose listener a thread of this process
 * answers with an empty answer (CONTINUE: the kernel then runs the call
 * itself), against the same loop untrapped. Nothing of mptcpshim runs:
 * what the route costs above this is the supervisor's own work.
 *
 *   notify_floor N     prints "direct_ns=D trapped_ns=T" (wall, per call)
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static double wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double loop(long n)
{
	double start = wall_ns();

	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0) {
			perror("socket");
			exit(1);
		}
		close(fd);
	}
	return (wall_ns() - start) / n;
}

static void *answer(void *arg)
{
	int listener = *(int *)arg;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	for (;;) {
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return NULL;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

int main(int argc, char **argv)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { .len = 4, .filter = prog };
	long n = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
	double direct, trapped;
	static int listener;
	pthread_t t;

	if (n <= 0) {
		fprintf(stderr, "usage: notify_floor N\n");
		return 2;
	}
	direct = loop(n);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return 1;
	/* The answering thread, created after, carries the filter too; it
	 * never calls socket(). */
	listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				SECCOMP_FILTER_FLAG_NEW_LISTENER |
					SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
				&fprog);
	if (listener < 0) {
		perror("seccomp");
		return 1;
	}
	if (pthread_create(&t, NULL, answer, &listener) != 0)
		return 1;
	trapped = loop(n);
	printf("direct_ns=%.1f trapped_ns=%.1f\n", direct, trapped);
	return 0;
}
