// SPDX-License-Identifier: BSD-3-Clause
/* The Landlock probe's reading of the kernel's answers (landlock_probe.h),
 * with the calls faked: EINVAL means "this access is handled", anything
 * else (EAFNOSUPPORT from the stack, EPERM from a cgroup program) not. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "landlock_probe.h"

/* What bind and connect answer on a TCP (t_) and an MPTCP (m_) socket. */
static int t_bind, t_connect, m_bind, m_connect, socket_errno;
static int open_fds, last_protocol, closes;

static int fake_socket(int domain, int type, int protocol)
{
	(void)domain;
	(void)type;
	if (socket_errno) {
		errno = socket_errno;
		return -1;
	}
	last_protocol = protocol;
	open_fds++;
	return 3;
}

static int answer(int err)
{
	errno = err;
	return err ? -1 : 0;
}

static int fake_bind(int fd, const struct sockaddr *a, socklen_t len)
{
	assert_int_equal(fd, 3);
	/* The wrong family: what makes Landlock answer before any port. */
	assert_int_equal(a->sa_family, AF_INET6);
	assert_int_equal(len, sizeof(struct sockaddr_in6));
	return answer(last_protocol == IPPROTO_TCP ? t_bind : m_bind);
}

static int fake_connect(int fd, const struct sockaddr *a, socklen_t len)
{
	assert_int_equal(fd, 3);
	assert_int_equal(a->sa_family, AF_INET6);
	(void)len;
	return answer(last_protocol == IPPROTO_TCP ? t_connect : m_connect);
}

static int fake_close(int fd)
{
	assert_int_equal(fd, 3);
	open_fds--;
	closes++;
	return 0;
}

static const struct shim_landlock_calls fake = { fake_socket, fake_bind,
						 fake_connect, fake_close };

static bool restricts(int tb, int tc, int mb, int mc)
{
	bool r;

	t_bind = tb, t_connect = tc, m_bind = mb, m_connect = mc;
	socket_errno = 0;
	closes = 0;
	errno = 4242;
	r = shim_landlock_restricts_tcp(&fake);
	assert_int_equal(errno, 4242);	/* errno as it was */
	assert_int_equal(open_fds, 0);	/* every probe socket closed */
	return r;
}

static void test_outside_a_domain(void **state)
{
	(void)state;
	assert_false(restricts(EAFNOSUPPORT, EAFNOSUPPORT, EAFNOSUPPORT,
			       EAFNOSUPPORT));
	assert_int_equal(closes, 1);	/* no MPTCP probe needed */
	/* A cgroup program's EPERM is not Landlock. */
	assert_false(restricts(EPERM, EAFNOSUPPORT, EPERM, EAFNOSUPPORT));
}

static void test_tcp_restricted_mptcp_not(void **state)
{
	(void)state;
	assert_true(restricts(EINVAL, EINVAL, EAFNOSUPPORT, EAFNOSUPPORT));
	assert_int_equal(closes, 2);
	assert_true(restricts(EINVAL, EAFNOSUPPORT, EAFNOSUPPORT,
			      EAFNOSUPPORT));
	assert_true(restricts(EAFNOSUPPORT, EINVAL, EAFNOSUPPORT,
			      EAFNOSUPPORT));
	/* MPTCP held to bind only, TCP to connect too: still an escape. */
	assert_true(restricts(EINVAL, EINVAL, EINVAL, EAFNOSUPPORT));
}

static void test_kernel_that_covers_mptcp(void **state)
{
	(void)state;
	assert_false(restricts(EINVAL, EINVAL, EINVAL, EINVAL));
	assert_false(restricts(EINVAL, EAFNOSUPPORT, EINVAL, EAFNOSUPPORT));
}

static void test_no_socket(void **state)
{
	(void)state;
	socket_errno = EMFILE;
	assert_int_equal(shim_landlock_handled(&fake, IPPROTO_TCP), 0);
	errno = 7;
	assert_false(shim_landlock_restricts_tcp(&fake));
	assert_int_equal(errno, 7);
	socket_errno = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outside_a_domain),
		cmocka_unit_test(test_tcp_restricted_mptcp_not),
		cmocka_unit_test(test_kernel_that_covers_mptcp),
		cmocka_unit_test(test_no_socket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
