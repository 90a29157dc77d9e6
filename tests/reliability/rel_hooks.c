// SPDX-License-Identifier: BSD-3-Clause
/*
 * What a switch in place must keep, and the app calls that must get the
 * kernel's answer rather than a crash (issue 11). Run with the shim in
 * LD_PRELOAD and fixtures/exclude_loopback4.conf: 127.0.0.0/8 is TCP, ::1
 * MPTCP; refused options rebuild as TCP, IP_RECVERR is ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <linux/close_range.h>

#include "fixture.h"

#define TAG 0xfeedf00dcafeULL

/* n bytes just before an unmapped page: reading one more faults. */
static void *before_guard(size_t n)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	assert_int_equal(mprotect(p + page, page, PROT_NONE), 0);
	return p + page - n;
}

/* True once epoll reports EPOLLOUT for our tag (bounded: 5 s). */
static bool epoll_sees_out(int ep)
{
	for (int round = 0; round < 50; round++) {
		struct epoll_event ev[4];
		int n = epoll_wait(ep, ev, 4, 100);

		for (int i = 0; i < n; i++)
			if (ev[i].data.u64 == TAG && (ev[i].events & EPOLLOUT))
				return true;
	}
	return false;
}

/* An event loop that registers the socket at open, edge-triggered, and
 * never touches the registration again (standalone asio does this). */
static void epoll_connect(bool refused_option)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET,
				  .data.u64 = TAG };
	unsigned short port = 0;
	int l = raw_listener(AF_INET, 8, &port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct sockaddr_in a = addr4("127.0.0.1", port);
	int err = -1, rc;
	socklen_t len = sizeof(err);

	assert_true(l >= 0 && fd >= 0 && ep >= 0);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
	if (refused_option) {
		int ttl = 32;

		/* IP_TTL: refused by MPTCP, rebuilt as TCP. */
		assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl,
					    sizeof(ttl)), 0);
		assert_int_equal(protocol_of(fd), IPPROTO_TCP);
	}
	rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
	assert_true(rc == 0 || errno == EINPROGRESS);
	assert_int_equal(protocol_of(fd), IPPROTO_TCP);
	assert_true(epoll_sees_out(ep));
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	assert_int_equal(err, 0);
	/* The app's own MOD and DEL still find the registration. */
	ev.events = EPOLLIN;
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev), 0);
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL), 0);
	close(fd);
	close(ep);
	close(l);
}

static void test_epoll_destination_switch(void **state)
{
	(void)state;
	epoll_connect(false);
}

static void test_epoll_refused_option(void **state)
{
	(void)state;
	epoll_connect(true);
}

/* A one-shot registration that already fired cannot be re-added
 * disarmed: the socket is then left alone (the option ignored). */
static void test_epoll_fired_oneshot_not_rebuilt(void **state)
{
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLONESHOT,
				  .data.u64 = TAG };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int ttl = 32;

	(void)state;
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
	/* An unconnected socket is writable (and hung up): fires once. */
	assert_int_equal(epoll_wait(ep, &ev, 1, 1000), 1);
	assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl,
				    sizeof(ttl)), 0);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	assert_int_equal(epoll_wait(ep, &ev, 1, 0), 0);
	/* ...and is still there to be re-armed by the app. */
	ev.events = EPOLLOUT | EPOLLONESHOT;
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev), 0);
	assert_int_equal(epoll_wait(ep, &ev, 1, 1000), 1);
	close(fd);
	close(ep);
}

/* After fork() both processes hold the socket: never rebuilt. */
static void test_fork_shares(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int p[2], ttl = 32, status;
	pid_t pid;
	char c = 0;

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Holds the socket until the parent is done (or gone). */
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl,
				    sizeof(ttl)), 0);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	assert_int_equal(write(p[1], &c, 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(p[0]);
	close(p[1]);
	close(fd);
	/* A socket created after the fork is this process's alone. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl,
				    sizeof(ttl)), 0);
	assert_int_equal(protocol_of(fd), IPPROTO_TCP);
	close(fd);
}

/* A socket passed to another process (SCM_RIGHTS) is never rebuilt. */
static void test_scm_rights_shares(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int sp[2], ttl = 32, got = -1;
	char byte = 'x', cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    sp), 0);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	assert_int_equal(sendmsg(sp[0], &msg, 0), 1);
	assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl,
				    sizeof(ttl)), 0);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	assert_int_equal(recvmsg(sp[1], &msg, MSG_CMSG_CLOEXEC), 1);
	memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	assert_int_equal(protocol_of(got), IPPROTO_MPTCP);
	close(got);
	close(sp[0]);
	close(sp[1]);
	close(fd);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * A blocking connect() interrupted by a signal leaves the handshake in
 * SYN_SENT: a refused option set afterwards must not replace it with a
 * fresh socket. The listener's full accept queue makes the kernel drop
 * our SYN, so connect() blocks until the alarm.
 */
static void test_eintr_connect_stays_connecting(void **state)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval t = { .it_value = { 0, 200000 } };
	unsigned short port = 0;
	int l = raw_listener(AF_INET6, 0, &port);
	struct sockaddr_in6 a = addr6("::1", port);
	int filler = (int)syscall(SYS_socket, AF_INET6, SOCK_STREAM,
				  IPPROTO_TCP);
	int fd, hops = 32;

	(void)state;
	assert_int_equal(syscall(SYS_connect, filler, &a, sizeof(a)), 0);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &t, NULL), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), -1);
	assert_int_equal(errno, EINTR);
	assert_int_equal(tcp_state_of(fd), TCP_SYN_SENT);
	/* Refused by MPTCP: ignored, as the socket cannot be rebuilt. */
	assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS,
				    &hops, sizeof(hops)), 0);
	assert_int_equal(tcp_state_of(fd), TCP_SYN_SENT);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	close(fd);
	close(filler);
	close(l);
}

/* A port with no listener (bound once, then closed). */
static unsigned short closed_port(int family)
{
	unsigned short port = 0;
	int l = raw_listener(family, 1, &port);

	close(l);
	return port;
}

/* After ECONNREFUSED the same socket may connect elsewhere: decided anew. */
static void test_reconnect_redecides(void **state)
{
	struct sockaddr_in6 refused = addr6("::1", closed_port(AF_INET6));
	unsigned short port = 0;
	int l = raw_listener(AF_INET, 8, &port);
	struct sockaddr_in6 mapped = addr6("::ffff:127.0.0.1", port);
	int fd = socket(AF_INET6, SOCK_STREAM, 0);

	(void)state;
	assert_int_equal(connect(fd, (struct sockaddr *)&refused,
				 sizeof(refused)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	/* 127.0.0.1, v4-mapped: excluded, so this connection is TCP. */
	assert_int_equal(connect(fd, (struct sockaddr *)&mapped,
				 sizeof(mapped)), 0);
	assert_int_equal(protocol_of(fd), IPPROTO_TCP);
	close(fd);
	close(l);
}

/*
 * The kernel refuses listen() on a socket that has tried to connect
 * (EINVAL), even after the attempt failed. The failed connect clears the
 * destination decision; listen() must not rebuild a fresh socket that
 * would then listen where the program's own socket could not.
 */
static void test_listen_after_failed_connect_einval(void **state)
{
	struct sockaddr_in refused = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	refused.sin_port = htons(closed_port(AF_INET));
	refused.sin_addr.s_addr = htonl(0x7f000001);
	assert_int_equal(connect(fd, (struct sockaddr *)&refused,
				 sizeof(refused)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	assert_int_equal(listen(fd, 1), -1);
	assert_int_equal(errno, EINVAL);
	close(fd);
}

/* The kernel takes a 24-byte sockaddr_in6 (RFC 2133, no scope id). */
static void test_sin6_rfc2133_length(void **state)
{
	unsigned short port = 0;
	int l = raw_listener(AF_INET, 8, &port);
	struct sockaddr_in6 mapped = addr6("::ffff:127.0.0.1", port);
	int fd = socket(AF_INET6, SOCK_STREAM, 0);

	(void)state;
	assert_int_equal(connect(fd, (struct sockaddr *)&mapped, 24), 0);
	assert_int_equal(protocol_of(fd), IPPROTO_TCP);
	close(fd);
	close(l);
}

/* Bad pointers reach the kernel, which says EFAULT; we must not crash. */
static void test_bad_pointers_get_efault(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	const struct sockaddr *bad = (const struct sockaddr *)16;

	(void)state;
	errno = 0;
	assert_int_equal(connect(fd, bad, sizeof(struct sockaddr_in)), -1);
	assert_int_equal(errno, EFAULT);
	errno = 0;
	assert_int_equal(sendto(fd, "x", 1, MSG_FASTOPEN, bad,
				sizeof(struct sockaddr_in)), -1);
	assert_int_equal(errno, EFAULT);
	errno = 0;
	assert_int_equal(sendmsg(fd, (const struct msghdr *)16,
				 MSG_FASTOPEN), -1);
	assert_int_equal(errno, EFAULT);
	/* The socket is still usable and still undecided. */
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	assert_int_equal(tcp_state_of(fd), TCP_CLOSE);
	close(fd);
}

/* addrlen < 2: the kernel says EINVAL and reads nothing; neither may we. */
static void test_connect_short_length(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char *family = before_guard(1);

	(void)state;
	*family = AF_INET;
	errno = 0;
	assert_int_equal(connect(fd, (struct sockaddr *)family, 1), -1);
	assert_int_equal(errno, EINVAL);
	close(fd);
}

/* getsockopt(SO_ERROR) into a 1-byte buffer: only that byte is read. */
static void test_so_error_short_buffer(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned char *value = before_guard(1);
	socklen_t len = 1;

	(void)state;
	*value = 0xff;
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, value, &len), 0);
	assert_int_equal(len, 1);
	assert_int_equal(*value, 0);
	close(fd);
}

/* Sockets closed by close_range()/closefrom() are forgotten: a UDP socket
 * reusing the number reads its own IP_RECVERR, not an ignored value. */
static void closed_in_bulk(bool use_closefrom)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1, v = -1, udp;
	socklen_t len = sizeof(v);

	assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one,
				    sizeof(one)), 0);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	if (use_closefrom)
		closefrom(fd);
	else
		assert_int_equal(close_range(fd, fd, 0), 0);
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(udp, fd);
	assert_int_equal(getsockopt(udp, IPPROTO_IP, IP_RECVERR, &v, &len), 0);
	assert_int_equal(v, 0);
	close(udp);
}

static void test_close_range_forgets(void **state)
{
	(void)state;
	closed_in_bulk(false);
}

static void test_closefrom_forgets(void **state)
{
	(void)state;
	closed_in_bulk(true);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoll_destination_switch),
		cmocka_unit_test(test_epoll_refused_option),
		cmocka_unit_test(test_epoll_fired_oneshot_not_rebuilt),
		cmocka_unit_test(test_fork_shares),
		cmocka_unit_test(test_scm_rights_shares),
		cmocka_unit_test(test_eintr_connect_stays_connecting),
		cmocka_unit_test(test_reconnect_redecides),
		cmocka_unit_test(test_listen_after_failed_connect_einval),
		cmocka_unit_test(test_sin6_rfc2133_length),
		cmocka_unit_test(test_bad_pointers_get_efault),
		cmocka_unit_test(test_connect_short_length),
		cmocka_unit_test(test_so_error_short_buffer),
		cmocka_unit_test(test_close_range_forgets),
		cmocka_unit_test(test_closefrom_forgets),
	};

	fixture_require_mptcp();
	/* One test by name (a pattern), as when checking an old library. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
