// SPDX-License-Identifier: BSD-3-Clause
/*
 * Helpers for the LD_PRELOAD tests. Everything that must not be seen by
 * the shim (the probe, the server) uses syscall() directly.
 */
#include <dlfcn.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "preload.h"

void preload_require_shim(void)
{
	Dl_info info;
	long fd;

	fd = syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
		     IPPROTO_MPTCP);
	if (fd < 0) {
		printf("skip: no MPTCP socket here (%s)\n", strerror(errno));
		exit(PRELOAD_SKIP);
	}
	syscall(SYS_close, fd);
	if (!dladdr((void *)socket, &info) || !info.dli_fname ||
	    !strstr(info.dli_fname, "mptcpshim")) {
		fprintf(stderr, "socket() is %s's, not the shim's: "
			"run with LD_PRELOAD=libmptcpshim.so\n",
			info.dli_fname ? info.dli_fname : "?");
		exit(1);
	}
}

int protocol_of(int fd)
{
	int protocol = -1;
	socklen_t len = sizeof(protocol);

	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) < 0)
		return -errno;
	return protocol;
}

void server_start(struct server *s, bool v6)
{
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->fd = (int)syscall(SYS_socket, v6 ? AF_INET6 : AF_INET,
			     SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	assert_true(s->fd >= 0);
	syscall(SYS_setsockopt, s->fd, SOL_SOCKET, SO_REUSEADDR, &one,
		sizeof(one));
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&s->addr;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		s->len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&s->addr;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s->len = sizeof(*a);
	}
	assert_int_equal(syscall(SYS_bind, s->fd, &s->addr, s->len), 0);
	assert_int_equal(syscall(SYS_listen, s->fd, 16), 0);
	assert_int_equal(syscall(SYS_getsockname, s->fd, &s->addr, &s->len),
			 0);
}

void server_expect(struct server *s, const char *data, size_t len)
{
	char buf[256];
	size_t got = 0;
	long c = syscall(SYS_accept4, s->fd, NULL, NULL, SOCK_CLOEXEC);

	assert_true(c >= 0);
	assert_true(len <= sizeof(buf));
	while (got < len) {
		long n = syscall(SYS_read, c, buf + got, len - got);

		assert_true(n > 0);
		got += (size_t)n;
	}
	assert_memory_equal(buf, data, len);
	syscall(SYS_close, c);
}

void server_stop(struct server *s)
{
	syscall(SYS_close, s->fd);
	s->fd = -1;
}
