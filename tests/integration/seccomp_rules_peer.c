// SPDX-License-Identifier: BSD-3-Clause
/*
 * The program of seccomp_rules.sh, built there twice: -static (only the
 * seccomp route reaches it) and dynamic (the preload library), so that the
 * two routes can be compared on the same code. Each line it prints is a
 * fact the test checks.
 *
 *   connect ADDR PORT        "connect PROTO" after a blocking connect
 *   fastopen ADDR PORT       "fastopen PROTO" after sendto(MSG_FASTOPEN)
 *   listen PORT              "listen PROTO" (bound to 127.0.0.1:PORT)
 *   epoll ADDR PORT          the socket in an epoll set before a
 *                            non-blocking connect: "epoll PROTO ready R"
 *   dup ADDR PORT            a dup()ed socket connects: "dup PROTO"
 *   efault                   connect() with a bad address pointer:
 *                            "efault ERRNO-NAME"
 *   option NAME VALUE        setsockopt(SOL_TCP, NAME, VALUE) before
 *                            connect: "option RC PROTO"
 *   own ADDR PORT            the program's own IPPROTO_MPTCP socket
 *                            connects, after a refused option:
 *                            "own OPTION-ERRNO PROTO"
 *   getopt NAME              getsockopt(SOL_TCP, NAME) on a new socket:
 *                            "getopt RC VALUE PROTO"
 *   threads N ADDR PORT      N threads connect at once: "threads MPTCP TCP"
 *   fork ADDR PORT           connect in a forked child: "fork PROTO"
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static int protocol_of(int fd)
{
	int p = -1;
	socklen_t len = sizeof(p);

	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &p, &len);
	return p;
}

static struct sockaddr_in addr_of(const char *ip, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((unsigned short)atoi(port)) };

	inet_pton(AF_INET, ip, &sa.sin_addr);
	return sa;
}

/* Connects and waits for the peer's close, so the server sees it all. */
static int connect_one(const char *ip, const char *port)
{
	struct sockaddr_in sa = addr_of(ip, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return -1;
	return fd;
}

static void *thread_main(void *arg)
{
	char **a = arg;
	int fd = connect_one(a[0], a[1]);
	long p = fd >= 0 ? protocol_of(fd) : -1;

	if (fd >= 0)
		close(fd);
	return (void *)p;
}

static int threads(int n, char **target)
{
	pthread_t t[64];
	int mptcp = 0, tcp = 0;

	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, thread_main, target);
	for (int i = 0; i < n; i++) {
		void *p;

		pthread_join(t[i], &p);
		mptcp += (long)p == IPPROTO_MPTCP;
		tcp += (long)p == IPPROTO_TCP;
	}
	printf("threads %d %d\n", mptcp, tcp);
	return 0;
}

static int epoll_case(const char *ip, const char *port)
{
	struct sockaddr_in sa = addr_of(ip, port);
	struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = 42 }, got;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int ep = epoll_create1(EPOLL_CLOEXEC), ready;

	if (fd < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
		return 1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 &&
	    errno != EINPROGRESS)
		return 1;
	/* The registration must still be the socket's: it reports. */
	ready = epoll_wait(ep, &got, 1, 5000);
	printf("epoll %d ready %d\n", protocol_of(fd),
	       ready == 1 && got.data.u64 == 42);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "connect") == 0 && argc == 4) {
		fd = connect_one(argv[2], argv[3]);
		printf("connect %d\n", fd >= 0 ? protocol_of(fd) : -errno);
		return fd < 0;
	}
	if (strcmp(mode, "fastopen") == 0 && argc == 4) {
		struct sockaddr_in sa = addr_of(argv[2], argv[3]);

		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (sendto(fd, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&sa,
			   sizeof(sa)) != 1)
			return 1;
		printf("fastopen %d\n", protocol_of(fd));
		return 0;
	}
	if (strcmp(mode, "listen") == 0 && argc == 3) {
		struct sockaddr_in sa = addr_of("127.0.0.1", argv[2]);

		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
		    listen(fd, 4) != 0)
			return 1;
		printf("listen %d\n", protocol_of(fd));
		return 0;
	}
	if (strcmp(mode, "epoll") == 0 && argc == 4)
		return epoll_case(argv[2], argv[3]);
	if (strcmp(mode, "dup") == 0 && argc == 4) {
		struct sockaddr_in sa = addr_of(argv[2], argv[3]);
		int twin;

		fd = socket(AF_INET, SOCK_STREAM, 0);
		twin = dup(fd);
		if (twin < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return 1;
		printf("dup %d same %d\n", protocol_of(fd),
		       protocol_of(twin) == protocol_of(fd));
		return 0;
	}
	if (strcmp(mode, "efault") == 0) {
		int rc;

		fd = socket(AF_INET, SOCK_STREAM, 0);
		rc = connect(fd, (struct sockaddr *)8, sizeof(struct sockaddr_in));
		printf("efault %s\n", rc == 0 ? "none" : strerrorname_np(errno));
		return 0;
	}
	if (strcmp(mode, "option") == 0 && argc == 4) {
		int name = strcmp(argv[2], "TCP_USER_TIMEOUT") == 0 ?
				   TCP_USER_TIMEOUT : atoi(argv[2]);
		int value = atoi(argv[3]), rc;

		fd = socket(AF_INET, SOCK_STREAM, 0);
		rc = setsockopt(fd, SOL_TCP, name, &value, sizeof(value));
		printf("option %d %d\n", rc == 0 ? 0 : errno, protocol_of(fd));
		return 0;
	}
	if (strcmp(mode, "own") == 0 && argc == 4) {
		struct sockaddr_in sa = addr_of(argv[2], argv[3]);
		int value = 5000, rc;

		fd = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
		rc = setsockopt(fd, SOL_TCP, TCP_USER_TIMEOUT, &value,
				sizeof(value));
		printf("own %d ", rc == 0 ? 0 : errno);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
			return 1;
		printf("%d\n", protocol_of(fd));
		return 0;
	}
	if (strcmp(mode, "getopt") == 0 && argc == 3) {
		int name = strcmp(argv[2], "TCP_USER_TIMEOUT") == 0 ?
				   TCP_USER_TIMEOUT : atoi(argv[2]);
		int value = -1, rc;
		socklen_t len = sizeof(value);

		fd = socket(AF_INET, SOCK_STREAM, 0);
		rc = getsockopt(fd, SOL_TCP, name, &value, &len);
		printf("getopt %d %d %d\n", rc == 0 ? 0 : errno, value,
		       protocol_of(fd));
		return 0;
	}
	if (strcmp(mode, "threads") == 0 && argc == 5)
		return threads(atoi(argv[2]), argv + 3);
	if (strcmp(mode, "fork") == 0 && argc == 4) {
		pid_t child = fork();
		int status;

		if (child == 0) {
			fd = connect_one(argv[2], argv[3]);
			printf("fork %d\n", fd >= 0 ? protocol_of(fd) : -1);
			_exit(0);
		}
		waitpid(child, &status, 0);
		return 0;
	}
	fprintf(stderr, "usage: see the comment at the top\n");
	return 2;
}
