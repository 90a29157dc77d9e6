/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers for the reliability tests: programs run by ctest with the shim in
 * LD_PRELOAD, on loopback, without privileges. Their own servers are made
 * with raw system calls so that the shim never touches them.
 */
#ifndef MPTCPSHIM_RTEST_H
#define MPTCPSHIM_RTEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

/* A plain TCP listener the shim does not see; port in *port. */
static inline int rt_listener(int family, int backlog, unsigned short *port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr *a = family == AF_INET6 ? (void *)&a6 : (void *)&a4;
	socklen_t len = family == AF_INET6 ? sizeof(a6) : sizeof(a4);
	int fd;

	*port = 0;
	fd = (int)syscall(SYS_socket, family, SOCK_STREAM | SOCK_CLOEXEC,
			      IPPROTO_TCP);

	if (fd < 0 || syscall(SYS_bind, fd, a, len) < 0 ||
	    syscall(SYS_listen, fd, backlog) < 0 ||
	    getsockname(fd, a, &len) < 0)
		return -1;
	*port = ntohs(family == AF_INET6 ? a6.sin6_port : a4.sin_port);
	return fd;
}

static inline struct sockaddr_in rt_addr4(const char *ip, unsigned short port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };

	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static inline struct sockaddr_in6 rt_addr6(const char *ip,
					   unsigned short port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_port = htons(port) };

	inet_pton(AF_INET6, ip, &a.sin6_addr);
	return a;
}

static inline int rt_protocol(int fd)
{
	int p = -1;
	socklen_t len = sizeof(p);

	return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &p, &len) ? -1 : p;
}

static inline int rt_tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	return getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) ?
		       -1 : ti.tcpi_state;
}

/* Exit 77 (ctest: skipped) where this kernel gives no MPTCP sockets. */
static inline void rt_require_mptcp(void)
{
	int fd = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, IPPROTO_MPTCP);

	if (fd < 0) {
		printf("skip: no MPTCP here (%s)\n", strerror(errno));
		exit(77);
	}
	close(fd);
}

#endif
