// SPDX-License-Identifier: BSD-3-Clause
/* The (family, type, protocol) table and the fallback errno table. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "candidate.h"
#include "uapi_compat.h"

static const struct {
	int domain, type, protocol;
	bool convert;
} socket_table[] = {
	{ AF_INET, SOCK_STREAM, 0, true },
	{ AF_INET, SOCK_STREAM, IPPROTO_TCP, true },
	{ AF_INET6, SOCK_STREAM, 0, true },
	{ AF_INET6, SOCK_STREAM, IPPROTO_TCP, true },
	{ AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, true },
	{ AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, true },
	{ AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP,
	  true },
	{ AF_INET, SOCK_STREAM, IPPROTO_MPTCP, false },
	{ AF_INET, SOCK_STREAM, IPPROTO_SCTP, false },
	{ AF_INET, SOCK_STREAM, IPPROTO_UDP, false },
	{ AF_INET, SOCK_DGRAM, 0, false },
	{ AF_INET6, SOCK_DGRAM, IPPROTO_UDP, false },
	{ AF_INET, SOCK_RAW, IPPROTO_TCP, false },
	{ AF_INET, SOCK_RAW, IPPROTO_MPTCP, false },
	{ AF_INET, SOCK_SEQPACKET, 0, false },
	{ AF_INET, SOCK_STREAM | 0x10, 0, false }, /* unknown type bit */
	{ AF_UNIX, SOCK_STREAM, 0, false },
	{ AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, false },
	{ AF_PACKET, SOCK_STREAM, 0, false },
	{ AF_NETLINK, SOCK_RAW, 0, false },
	{ AF_UNSPEC, SOCK_STREAM, 0, false },
	{ -1, SOCK_STREAM, 0, false },
	{ AF_INET, -1, 0, false },
	{ AF_INET, SOCK_STREAM, -1, false },
};

static void test_socket_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(socket_table) / sizeof(socket_table[0]);
	     i++) {
		bool got = shim_is_tcp_candidate(socket_table[i].domain,
						 socket_table[i].type,
						 socket_table[i].protocol);
		if (got != socket_table[i].convert)
			fail_msg("row %zu (%d, %#x, %d): expected %d", i,
				 socket_table[i].domain, socket_table[i].type,
				 socket_table[i].protocol,
				 socket_table[i].convert);
	}
}

static void test_errno_table(void **state)
{
	static const int fallback[] = { ENOPROTOOPT, EPROTONOSUPPORT, EINVAL,
					ESOCKTNOSUPPORT, EACCES, EPERM };
	static const int passed_on[] = { EMFILE, ENFILE, ENOBUFS, ENOMEM,
					 EAFNOSUPPORT, EINTR, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(fallback) / sizeof(fallback[0]); i++)
		assert_true(shim_errno_means_no_mptcp(fallback[i]));
	for (size_t i = 0; i < sizeof(passed_on) / sizeof(passed_on[0]); i++)
		assert_false(shim_errno_means_no_mptcp(passed_on[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_table),
		cmocka_unit_test(test_errno_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
