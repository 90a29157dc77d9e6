// SPDX-License-Identifier: BSD-3-Clause
/*
 * A destination rule under LD_PRELOAD, without root: with
 * fixtures/exclude-loopback.conf (exclude = 127.0.0.0/8) a socket is made
 * MPTCP and switched to TCP in place when it connects to 127.0.0.1, the
 * connection completes (blocking and non-blocking) and carries data; an
 * address the rule does not name stays MPTCP; a socket with a second fd is
 * never switched, and still connects. After two connects the rule sent to
 * TCP, new sockets may start as TCP (libmptcpshim(8)): what socket()
 * created is then either protocol, what connect() leaves is the policy's.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"

#define SENTINEL 4242

static int new_socket(int family, int flags)
{
	int fd = socket(family, SOCK_STREAM | flags, 0);

	assert_true(fd >= 0);
	/* exclude alone: a TCP candidate either way, connect() decides. */
	assert_true(protocol_of(fd) == IPPROTO_MPTCP ||
		    protocol_of(fd) == IPPROTO_TCP);
	return fd;
}

static void send_ping(int fd, struct server *srv)
{
	assert_int_equal(send(fd, "ping", 4, MSG_NOSIGNAL), 4);
	server_expect(srv, "ping", 4);
}

static void test_excluded_connect_is_tcp(void **state)
{
	struct server srv;
	int fd = new_socket(AF_INET, SOCK_CLOEXEC);

	(void)state;
	server_start(&srv, false);
	errno = SENTINEL;
	assert_int_equal(connect(fd, (struct sockaddr *)&srv.addr, srv.len),
			 0);
	assert_int_equal(errno, SENTINEL);
	assert_int_equal(protocol_of(fd), IPPROTO_TCP);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	send_ping(fd, &srv);
	close(fd);
	server_stop(&srv);
}

static void test_nonblocking_excluded_connect(void **state)
{
	struct server srv;
	int fd = new_socket(AF_INET, SOCK_NONBLOCK), err = -1, rc;
	socklen_t len = sizeof(err);
	struct pollfd p;

	(void)state;
	server_start(&srv, false);
	rc = connect(fd, (struct sockaddr *)&srv.addr, srv.len);
	assert_true(rc == 0 || errno == EINPROGRESS);
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	assert_int_equal(poll(&p, 1, 5000), 1);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	assert_int_equal(err, 0);
	assert_int_equal(protocol_of(fd), IPPROTO_TCP);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	send_ping(fd, &srv);
	close(fd);
	server_stop(&srv);
}

/* ::1 is not in the rule: the socket stays MPTCP (the plain TCP server
 * makes the connection fall back, which is the kernel's business). */
static void test_other_address_stays_mptcp(void **state)
{
	struct server srv;
	int fd;

	(void)state;
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd < 0 && errno == EAFNOSUPPORT)
		skip();
	close(fd);
	fd = new_socket(AF_INET6, 0);
	server_start(&srv, true);
	assert_int_equal(connect(fd, (struct sockaddr *)&srv.addr, srv.len),
			 0);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	send_ping(fd, &srv);
	close(fd);
	server_stop(&srv);
}

/* A second fd would keep the old socket: no switch, the connect still
 * works, and the shim did not touch errno. */
static void test_shared_socket_not_switched(void **state)
{
	struct server srv;
	int fd = new_socket(AF_INET, 0), copy = dup(fd);
	int created = protocol_of(fd);

	/* First in the group: no connect() has taught the shim anything. */
	assert_int_equal(created, IPPROTO_MPTCP);

	(void)state;
	assert_true(copy >= 0);
	server_start(&srv, false);
	errno = SENTINEL;
	assert_int_equal(connect(fd, (struct sockaddr *)&srv.addr, srv.len),
			 0);
	assert_int_equal(errno, SENTINEL);
	assert_int_equal(protocol_of(fd), created);
	assert_int_equal(protocol_of(copy), created);
	send_ping(copy, &srv);
	close(copy);
	close(fd);
	server_stop(&srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* Before the two TCP outcomes that make sockets start TCP;
		 * the last test then needs the TCP -> MPTCP switch. */
		cmocka_unit_test(test_shared_socket_not_switched),
		cmocka_unit_test(test_excluded_connect_is_tcp),
		cmocka_unit_test(test_nonblocking_excluded_connect),
		cmocka_unit_test(test_other_address_stays_mptcp),
	};

	fixture_require_shim();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
