// SPDX-License-Identifier: BSD-3-Clause
/*
 * The real-function table: the resolving stubs every pointer starts as, and
 * the raw-syscall stand-ins used when the chain has no next definition.
 * Includes real.c to reach its static functions; our hooks are not linked,
 * so trivial stand-ins take the names real.c compares against.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../../shim/core/real.c"
#include "../../shim/core/once.c"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <linux/close_range.h>

#define SELF(ret, name, ...)                                                   \
	ret shim_self_##name(__VA_ARGS__)                                      \
	{                                                                      \
		__builtin_trap();                                              \
	}
SELF(int, socket, int a, int b, int c)
SELF(int, close, int a)
SELF(int, connect, int a, const struct sockaddr *b, socklen_t c)
SELF(int, bind, int a, const struct sockaddr *b, socklen_t c)
SELF(int, listen, int a, int b)
SELF(int, accept, int a, struct sockaddr *b, socklen_t *c)
SELF(int, accept4, int a, struct sockaddr *b, socklen_t *c, int d)
SELF(int, setsockopt, int a, int b, int c, const void *d, socklen_t e)
SELF(int, getsockopt, int a, int b, int c, void *d, socklen_t *e)
SELF(ssize_t, sendto, int a, const void *b, size_t c, int d,
     const struct sockaddr *e, socklen_t f)
SELF(ssize_t, sendmsg, int a, const struct msghdr *b, int c)
SELF(int, dup2, int a, int b)
SELF(int, dup3, int a, int b, int c)
SELF(int, shutdown, int a, int b)
SELF(int, dup, int a)
SELF(int, fcntl, int a, int b, ...)
SELF(int, fcntl64, int a, int b, ...)
SELF(int, epoll_ctl, int a, int b, int c, struct epoll_event *d)
SELF(int, close_range, unsigned a, unsigned b, int c)
SELF(void, closefrom, int a)

/* Exercises one table: a loopback connection, options, fds, epoll. */
static void walk(const struct shim_real_calls *t)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a), olen;
	struct epoll_event ev = { .events = EPOLLIN };
	struct iovec iov = { "y", 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int l, c, s, s2, d, one = 1, v = 0, ep, f;

	l = t->socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(l >= 0);
	assert_int_equal(t->setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one,
				       sizeof(one)), 0);
	olen = sizeof(v);
	assert_int_equal(t->getsockopt(l, SOL_SOCKET, SO_REUSEADDR, &v, &olen),
			 0);
	assert_int_equal(v, 1);
	assert_int_equal(t->bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &alen), 0);
	assert_int_equal(t->listen(l, 4), 0);
	c = t->socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(t->connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	s = t->accept(l, NULL, NULL);
	assert_true(s >= 0);
	assert_int_equal(t->sendto(c, "x", 1, 0, NULL, 0), 1);
	assert_int_equal(t->sendmsg(c, &msg, 0), 1);
	v = t->fcntl(c, F_DUPFD_CLOEXEC, (void *)3L);
	assert_true(v >= 3);
	t->close(v);
	s2 = t->socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(t->connect(s2, (struct sockaddr *)&a, sizeof(a)), 0);
	d = t->accept4(l, NULL, NULL, SOCK_CLOEXEC);
	assert_true(d >= 0);
	assert_int_equal(t->shutdown(d, SHUT_RDWR), 0);
	ep = epoll_create1(EPOLL_CLOEXEC);
	assert_int_equal(t->epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev), 0);
	assert_int_equal(t->epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL), 0);
	v = t->dup(s);
	assert_true(v >= 0);
	/* dup2 onto itself only checks the fd; onto another replaces it. */
	assert_int_equal(t->dup2(v, v), v);
	assert_int_equal(t->dup2(-1, -1), -1);
	assert_int_equal(t->dup2(s, v), v);
	assert_int_equal(t->dup3(s, v, O_CLOEXEC), v);
	assert_int_equal(t->fcntl(v, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(t->close(v), 0);
	f = t->open("/proc/self/fdinfo/0", O_RDONLY | O_CLOEXEC);
	assert_true(f >= 0);
	assert_int_equal(t->close(f), 0);
	/* close_range() and closefrom() on a block of fresh, high numbers. */
	assert_int_equal(t->dup2(s, 900), 900);
	assert_int_equal(t->dup2(s, 901), 901);
	assert_int_equal(t->close_range(900, 900, 0), 0);
	assert_int_equal(t->fcntl(900, F_GETFD), -1);
	t->closefrom(901);
	assert_int_equal(t->fcntl(901, F_GETFD), -1);
	t->close(l);
	t->close(c);
	t->close(s);
	t->close(s2);
	t->close(d);
	t->close(ep);
}

/* Before resolution every pointer is a stub that resolves and forwards. */
static void test_stubs_resolve_and_forward(void **state)
{
	struct shim_real_calls stubs = shim_real;

	(void)state;
	assert_ptr_equal(stubs.socket, first_socket);
	walk(&stubs);
	assert_ptr_not_equal(shim_real.socket, first_socket);
	assert_ptr_not_equal(shim_real.open, first_open);
	/* fcntl64's stub, which the walk does not take. */
	assert_true(first_fcntl64(0, F_GETFD) >= 0);
}

/* The raw system calls, for a chain without next definitions. */
static void test_raw_calls(void **state)
{
	(void)state;
	walk(&raw_calls);
}

/* What the chain gives is the next definition, never our own hook. */
static void test_next_symbol(void **state)
{
	(void)state;
	assert_null(next_symbol("socket", dlsym(RTLD_NEXT, "socket")));
	assert_ptr_equal(next_symbol("socket", (void *)shim_self_socket),
			 dlsym(RTLD_NEXT, "socket"));
	assert_null(next_symbol("no_such_function_here", NULL) ?
			    (void *)1 : NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stubs_resolve_and_forward),
		cmocka_unit_test(test_raw_calls),
		cmocka_unit_test(test_next_symbol),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
