// SPDX-License-Identifier: BSD-3-Clause
/*
 * The hooks as an application meets them, without root: run with the shim
 * in LD_PRELOAD and MPTCPSHIM_CONFIG naming fixtures/MODE.conf, where MODE
 * (the first argument) is the policy's unsupported_option: tcp, ignore or
 * fail. Covers dup sharing, fcntl flags across a switch, option rescue
 * and read-back, errno kept on success, no rebuild of shared sockets, and
 * close() of fds the shim does not track.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <netinet/tcp.h>
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

#include "fixture.h"

/* A value no call sets: success must leave it in errno. */
#define SENTINEL 4242

enum mode { MODE_TCP, MODE_IGNORE, MODE_FAIL };
static enum mode mode;

static int new_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	return fd;
}

static int set_uto(int fd, int ms)
{
	return setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, sizeof(ms));
}

/* TCP_USER_TIMEOUT as the app reads it, or -errno. */
static int get_uto(int fd)
{
	int ms = -1;
	socklen_t len = sizeof(ms);

	if (getsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, &len) < 0)
		return -errno;
	assert_int_equal(len, sizeof(ms));
	return ms;
}

/* What the kernel answers an MPTCP socket's TCP_USER_TIMEOUT read or
 * write (-errno), asked without the shim: "fail" must give exactly this. */
static int kernel_uto(bool get)
{
	long fd = syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
			  IPPROTO_MPTCP);
	int ms = 5000, rc;
	socklen_t len = sizeof(ms);

	assert_true(fd >= 0);
	rc = get ? (int)syscall(SYS_getsockopt, fd, IPPROTO_TCP,
				TCP_USER_TIMEOUT, &ms, &len)
		 : (int)syscall(SYS_setsockopt, fd, IPPROTO_TCP,
				TCP_USER_TIMEOUT, &ms, sizeof(ms));
	if (rc < 0)
		rc = -errno;
	syscall(SYS_close, fd);
	assert_true(rc < 0);	/* else this test has nothing to rescue */
	return rc;
}

static int get_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	assert_int_equal(getsockopt(fd, level, name, &v, &len), 0);
	return v;
}

/* TCP_USER_TIMEOUT on a socket that must not be rebuilt: the app gets
 * success and reads the value back (tcp, ignore), or the kernel's error
 * (fail); the socket stays MPTCP in every mode. */
static void set_uto_kept_mptcp(int fd, int ms)
{
	int rc;

	errno = SENTINEL;
	rc = set_uto(fd, ms);
	if (mode == MODE_FAIL) {
		assert_int_equal(rc, -1);
		assert_int_equal(-errno, kernel_uto(false));
	} else {
		assert_int_equal(rc, 0);
		assert_int_equal(errno, SENTINEL);
		assert_int_equal(get_uto(fd), ms);
	}
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
}

static void connect_and_send(int fd, struct server *srv)
{
	errno = SENTINEL;
	assert_int_equal(connect(fd, (struct sockaddr *)&srv->addr, srv->len),
			 0);
	assert_int_equal(errno, SENTINEL);
	assert_int_equal(send(fd, "ping", 4, MSG_NOSIGNAL), 4);
	server_expect(srv, "ping", 4);
}

/* ---- dup sharing ---- */

enum dup_kind { DUP, DUP2, DUP3, DUPFD, DUPFD_CLOEXEC, DUP_KINDS };
static const char *const dup_names[DUP_KINDS] = {
	"dup", "dup2", "dup3", "F_DUPFD", "F_DUPFD_CLOEXEC"
};

/* A second fd for fd's socket, made the way kind says. */
static int dup_as(enum dup_kind kind, int fd)
{
	int target = 150 + (int)kind;

	switch (kind) {
	case DUP:
		return dup(fd);
	case DUP2:
		return dup2(fd, target);
	case DUP3:
		return dup3(fd, target, O_CLOEXEC);
	case DUPFD:
		return fcntl(fd, F_DUPFD, 200);
	case DUPFD_CLOEXEC:
		return fcntl(fd, F_DUPFD_CLOEXEC, 200);
	default:
		return -1;
	}
}

/* Every way to a second fd keeps the conversion; the arguments reach the
 * kernel (target fd, minimum fd, close-on-exec). */
static void test_dup_keeps_conversion(void **state)
{
	(void)state;
	for (int k = 0; k < DUP_KINDS; k++) {
		int fd = new_socket(), copy;

		print_message("%s\n", dup_names[k]);
		errno = SENTINEL;
		copy = dup_as((enum dup_kind)k, fd);
		assert_true(copy >= 0);
		assert_int_equal(errno, SENTINEL);
		assert_int_equal(protocol_of(copy), IPPROTO_MPTCP);
		if (k == DUP2 || k == DUP3)
			assert_int_equal(copy, 150 + k);
		if (k == DUPFD || k == DUPFD_CLOEXEC)
			assert_true(copy >= 200);
		assert_int_equal(fcntl(copy, F_GETFD) & FD_CLOEXEC,
				 k == DUP3 || k == DUPFD_CLOEXEC ? FD_CLOEXEC
								 : 0);
		assert_int_equal(close(copy), 0);
		assert_int_equal(close(fd), 0);
	}
}

/* A refused option on a socket with a second fd: the shim must not
 * rebuild it (the other fd would keep the old socket), so with "tcp" it
 * stays MPTCP and the option is kept as ignored; the app succeeds. */
static void test_shared_socket_not_rebuilt(void **state)
{
	(void)state;
	for (int k = 0; k < DUP_KINDS; k++) {
		int fd = new_socket(), copy = dup_as((enum dup_kind)k, fd);

		print_message("%s\n", dup_names[k]);
		assert_true(copy >= 0);
		set_uto_kept_mptcp(fd, 5000);
		assert_int_equal(protocol_of(copy), IPPROTO_MPTCP);
		close(copy);
		close(fd);
	}
}

/* What the shim knows of a socket (an ignored option's value) goes with
 * its second fd, and outlives the first. */
static void test_dup_shares_knowledge(void **state)
{
	int fd = new_socket(), copy;

	(void)state;
	assert_int_equal(set_uto(fd, 7000), 0);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	copy = dup(fd);
	assert_true(copy >= 0);
	assert_int_equal(get_uto(copy), 7000);
	assert_int_equal(close(fd), 0);
	assert_int_equal(get_uto(copy), 7000);
	close(copy);
}

/* dup2() onto a tracked socket's number: the number now holds the other
 * socket, and the shim forgets what it knew of the replaced one. */
static void test_dup2_replaces_knowledge(void **state)
{
	int a = new_socket(), b = new_socket();
	int pipefd[2];

	(void)state;
	set_uto(a, 9000);	/* remembered as ignored, in that mode */
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	assert_int_equal(dup2(pipefd[0], a), a);
	assert_int_equal(protocol_of(a), -ENOTSOCK);
	assert_int_equal(get_uto(a), -ENOTSOCK);
	assert_int_equal(dup2(b, a), a);
	assert_int_equal(protocol_of(a), IPPROTO_MPTCP);
	/* b's: never set (nothing of a's 9000 may show) */
	assert_int_equal(get_uto(a), mode == MODE_FAIL ? kernel_uto(true) : 0);
	close(a);
	close(b);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* ---- option rescue and read-back ---- */

/* TCP_USER_TIMEOUT, which MPTCP refuses: tcp rebuilds the socket as TCP
 * and sets it; ignore keeps MPTCP and reads the value back; fail hands
 * the app the kernel's ENOPROTOOPT. The connection works in every mode. */
static void test_option_rescue(void **state)
{
	struct server srv;
	int fd = new_socket(), rc;

	(void)state;
	server_start(&srv, false);
	errno = SENTINEL;
	rc = set_uto(fd, 5000);
	switch (mode) {
	case MODE_TCP:
		assert_int_equal(rc, 0);
		assert_int_equal(errno, SENTINEL);
		assert_int_equal(protocol_of(fd), IPPROTO_TCP);
		assert_int_equal(get_uto(fd), 5000);
		break;
	case MODE_IGNORE:
		assert_int_equal(rc, 0);
		assert_int_equal(errno, SENTINEL);
		assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
		assert_int_equal(get_uto(fd), 5000);
		break;
	case MODE_FAIL:
		assert_int_equal(rc, -1);
		assert_int_equal(-errno, kernel_uto(false));
		assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
		assert_int_equal(get_uto(fd), kernel_uto(true));
		break;
	}
	connect_and_send(fd, &srv);
	if (mode == MODE_IGNORE)
		assert_int_equal(get_uto(fd), 5000);
	close(fd);
	server_stop(&srv);
}

/* An option that TCP refuses as well keeps TCP's error in every mode:
 * the shim never turns a real error into success. */
static void test_option_tcp_refuses_too(void **state)
{
	int fd = new_socket(), ms = -5;

	(void)state;
	errno = 0;
	assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms,
				    sizeof(ms)),
			 -1);
	assert_int_equal(-errno, mode == MODE_FAIL ? kernel_uto(false) : -EINVAL);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	close(fd);
}

/* An accepted connection is never rebuilt (it has a peer): a refused
 * option on it is kept as ignored with "tcp" too, and the app succeeds. */
static void test_accepted_socket_not_rebuilt(void **state)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int listener = new_socket(), conn;
	long client;

	(void)state;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(listener, (struct sockaddr *)&addr, len), 0);
	assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len),
			 0);
	assert_int_equal(listen(listener, 4), 0);
	/* An MPTCP client past the shim, so the connection really is one. */
	client = syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
			 IPPROTO_MPTCP);
	assert_true(client >= 0);
	assert_int_equal(syscall(SYS_connect, client, &addr, len), 0);
	conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	assert_true(conn >= 0);
	assert_int_equal(protocol_of(conn), IPPROTO_MPTCP);
	set_uto_kept_mptcp(conn, 6000);
	assert_int_equal(send(conn, "pong", 4, MSG_NOSIGNAL), 4);
	{
		char buf[4];

		assert_int_equal(syscall(SYS_read, client, buf, 4), 4);
		assert_memory_equal(buf, "pong", 4);
	}
	close(conn);
	close(listener);
	syscall(SYS_close, client);
}

/* ---- fcntl flags and the rest of the socket across a switch ---- */

static void test_switch_keeps_fd_state(void **state)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct sockaddr_in after;
	socklen_t len = sizeof(addr);
	int fd = new_socket(), plain = new_socket(), one = 1;

	(void)state;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
	assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
				    sizeof(one)),
			 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);

	assert_int_equal(set_uto(fd, 5000), 0);
	assert_int_equal(protocol_of(fd), IPPROTO_TCP);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(get_int(fd, IPPROTO_TCP, TCP_NODELAY), 1);
	len = sizeof(after);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&after, &len), 0);
	assert_int_equal(after.sin_port, addr.sin_port);
	assert_int_equal(after.sin_addr.s_addr, addr.sin_addr.s_addr);

	/* And what was clear stays clear. */
	assert_int_equal(set_uto(plain, 5000), 0);
	assert_int_equal(protocol_of(plain), IPPROTO_TCP);
	assert_false(fcntl(plain, F_GETFL) & O_NONBLOCK);
	assert_int_equal(fcntl(plain, F_GETFD) & FD_CLOEXEC, 0);
	close(fd);
	close(plain);
}

/* ---- errno kept on success ---- */

static void test_errno_kept_on_success(void **state)
{
	struct server srv;
	int fd, copy, one = 1, v;
	socklen_t len = sizeof(v);

	(void)state;
	server_start(&srv, false);
	errno = SENTINEL;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(errno, SENTINEL);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one,
				    sizeof(one)),
			 0);
	assert_int_equal(errno, SENTINEL);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, &len),
			 0);
	assert_int_equal(errno, SENTINEL);
	if (mode != MODE_FAIL) {
		assert_int_equal(set_uto(fd, 4000), 0);
		assert_int_equal(errno, SENTINEL);
		assert_int_equal(get_uto(fd), 4000);
		assert_int_equal(errno, SENTINEL);
	}
	copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	assert_true(copy >= 0);
	assert_int_equal(errno, SENTINEL);
	assert_int_equal(close(copy), 0);
	assert_int_equal(errno, SENTINEL);
	connect_and_send(fd, &srv);
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	assert_int_equal(errno, SENTINEL);
	assert_int_equal(close(fd), 0);
	assert_int_equal(errno, SENTINEL);
	server_stop(&srv);
}

/* ---- close() of fds the shim does not track ---- */

static void test_close_untracked(void **state)
{
	int pipefd[2], fd;

	(void)state;
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	errno = SENTINEL;
	assert_int_equal(close(pipefd[0]), 0);
	assert_int_equal(close(pipefd[1]), 0);
	assert_int_equal(errno, SENTINEL);
	/* The kernel's answers, untouched. */
	assert_int_equal(close(-1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(close(pipefd[0]), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(close(1 << 30), -1);
	assert_int_equal(errno, EBADF);

	/* A socket's number reused by a pipe is not a socket any more. */
	fd = new_socket();
	assert_int_equal(set_uto(fd, 3000), mode == MODE_FAIL ? -1 : 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	assert_int_equal(pipefd[0], fd);
	assert_int_equal(get_uto(pipefd[0]), -ENOTSOCK);
	assert_int_equal(fcntl(pipefd[0], F_GETFL) & O_ACCMODE, O_RDONLY);
	assert_int_equal(close(pipefd[0]), 0);
	assert_int_equal(close(pipefd[1]), 0);

	/* A socket closed behind the shim's back, its number then reused by
	 * a socket the shim did not make: answers are that socket's. */
	fd = new_socket();
	assert_int_equal(syscall(SYS_close, fd), 0);
	assert_int_equal(syscall(SYS_socket, AF_INET,
				 SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP),
			 fd);
	assert_int_equal(protocol_of(fd), IPPROTO_TCP);
	assert_int_equal(get_uto(fd), 0);
	assert_int_equal(close(fd), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dup_keeps_conversion),
		cmocka_unit_test(test_shared_socket_not_rebuilt),
		cmocka_unit_test(test_dup2_replaces_knowledge),
		cmocka_unit_test(test_option_rescue),
		cmocka_unit_test(test_option_tcp_refuses_too),
		cmocka_unit_test(test_accepted_socket_not_rebuilt),
		cmocka_unit_test(test_errno_kept_on_success),
		cmocka_unit_test(test_close_untracked),
	};
	const struct CMUnitTest tcp_tests[] = {
		cmocka_unit_test(test_switch_keeps_fd_state),
	};
	const struct CMUnitTest ignore_tests[] = {
		cmocka_unit_test(test_dup_shares_knowledge),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s tcp|ignore|fail (the policy's "
			"unsupported_option)\n", argv[0]);
		return 2;
	}
	if (strcmp(argv[1], "tcp") == 0)
		mode = MODE_TCP;
	else if (strcmp(argv[1], "ignore") == 0)
		mode = MODE_IGNORE;
	else if (strcmp(argv[1], "fail") == 0)
		mode = MODE_FAIL;
	else
		return 2;
	fixture_require_shim();
	if (mode == MODE_TCP &&
	    cmocka_run_group_tests_name("tcp only", tcp_tests, NULL, NULL))
		return 1;
	if (mode == MODE_IGNORE &&
	    cmocka_run_group_tests_name("ignore only", ignore_tests, NULL,
					NULL))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
