// SPDX-License-Identifier: BSD-3-Clause
/*
 * An fd-table entry answers only for the file it was made for (issue 20).
 * Raw close/close_range system calls pass no hook, and a descriptor made
 * outside libc passes no socket() hook: the number's old entry is still
 * there when the new file gets it. Run with the shim in LD_PRELOAD and
 * fixtures/ignore_options.conf, so that a refused option is remembered
 * and read back as set; with the argument "rebuild" and
 * fixtures/include_loopback4.conf, where connect() to 127.0.0.1 switches
 * a TCP socket to MPTCP, replaying its options.
 */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"

/* A converted socket that remembers TTL 99 and IP_RECVERR 1 (both refused
 * by MPTCP, so only the table knows them). */
static int socket_with_remembered_options(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1, ttl = 99;

	assert_true(fd >= 0);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl,
				    sizeof(ttl)), 0);
	assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one,
				    sizeof(one)), 0);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	return fd;
}

/* The kernel's own answers for a fresh socket: TTL 64, IP_RECVERR 0. */
static void reads_kernel_values(int fd)
{
	int v = -1;
	socklen_t len = sizeof(v);

	assert_int_equal(getsockopt(fd, IPPROTO_IP, IP_TTL, &v, &len), 0);
	assert_int_equal(v, 64);
	len = sizeof(v);
	assert_int_equal(getsockopt(fd, IPPROTO_IP, IP_RECVERR, &v, &len), 0);
	assert_int_equal(v, 0);
}

/* The case: a UDP socket reuses the number after close_range. */
static void test_raw_close_range_then_udp(void **state)
{
	int fd = socket_with_remembered_options();
	int udp;

	(void)state;
	assert_int_equal(syscall(SYS_close_range, fd, fd, 0), 0);
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(udp, fd);
	reads_kernel_values(udp);
	close(udp);
}

/* A raw close, then a TCP socket made by a raw system call (as Go or an
 * io_uring program would): TCP like the old one, but another file. */
static void test_raw_close_then_raw_socket(void **state)
{
	int fd = socket_with_remembered_options();
	int other;

	(void)state;
	assert_int_equal(syscall(SYS_close, fd), 0);
	other = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	assert_int_equal(other, fd);
	reads_kernel_values(other);
	close(other);
}

/* A close_range() the kernel refuses (EINVAL: an unknown flag) closes
 * nothing: the socket's entry still answers. */
static void test_refused_close_range_keeps_entry(void **state)
{
	int fd = socket_with_remembered_options();
	int v = -1;
	socklen_t len = sizeof(v);

	(void)state;
	errno = 0;
	assert_int_equal(close_range(fd, fd, 1u << 14), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(getsockopt(fd, IPPROTO_IP, IP_TTL, &v, &len), 0);
	assert_int_equal(v, 99);
	close(fd);
}

/* The file the entry was made for still reads back what it remembers. */
static void test_own_socket_reads_back(void **state)
{
	int fd = socket_with_remembered_options();
	int v = -1;
	socklen_t len = sizeof(v);

	(void)state;
	assert_int_equal(getsockopt(fd, IPPROTO_IP, IP_TTL, &v, &len), 0);
	assert_int_equal(v, 99);
	/* A dup is the same file: it answers as well. */
	int twin = dup(fd);

	len = sizeof(v);
	v = -1;
	assert_int_equal(getsockopt(twin, IPPROTO_IP, IP_TTL, &v, &len), 0);
	assert_int_equal(v, 99);
	close(twin);
	close(fd);
}

/*
 * A rebuild never replaces another file: the entry of a closed TCP socket
 * (TTL 99 recorded) must not turn a TCP socket made by a raw system call
 * at its number into an MPTCP one with the old socket's TTL when it
 * connects where the policy wants MPTCP.
 */
static void test_no_rebuild_of_another_socket(void **state)
{
	struct sockaddr_in to;
	unsigned short port;
	int l = raw_listener(AF_INET, 4, &port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int ttl = 99, v = -1, other;
	socklen_t len = sizeof(v);

	(void)state;
	assert_true(l >= 0);
	/* TCP until connect() decides (an include rule). */
	assert_int_equal(protocol_of(fd), IPPROTO_TCP);
	assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl,
				    sizeof(ttl)), 0);
	assert_int_equal(syscall(SYS_close, fd), 0);
	other = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	assert_int_equal(other, fd);
	to = addr4("127.0.0.1", port);
	assert_int_equal(connect(other, (struct sockaddr *)&to, sizeof(to)),
			 0);
	assert_int_equal(protocol_of(other), IPPROTO_TCP);
	assert_int_equal(getsockopt(other, IPPROTO_IP, IP_TTL, &v, &len), 0);
	assert_int_equal(v, 64);
	close(other);
	/* The shim's own sockets still switch. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&to, sizeof(to)), 0);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	close(fd);
	close(l);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest options[] = {
		cmocka_unit_test(test_own_socket_reads_back),
		cmocka_unit_test(test_raw_close_range_then_udp),
		cmocka_unit_test(test_raw_close_then_raw_socket),
		cmocka_unit_test(test_refused_close_range_keeps_entry),
	};
	const struct CMUnitTest rebuild[] = {
		cmocka_unit_test(test_no_rebuild_of_another_socket),
	};

	fixture_require_shim();
	if (argc > 1 && strcmp(argv[1], "rebuild") == 0)
		return cmocka_run_group_tests(rebuild, NULL, NULL);
	return cmocka_run_group_tests(options, NULL, NULL);
}
