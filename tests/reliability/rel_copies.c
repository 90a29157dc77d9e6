// SPDX-License-Identifier: BSD-3-Clause
/*
 * Two copies of the library in LD_PRELOAD (an installed one and a build
 * tree, say): the second must pass everything through, or it converts the
 * first copy's own TCP sockets again and destination rules stop working
 * (issue 11: 5,142 of 6,000 connects to an excluded address stayed MPTCP).
 * Runs with both copies preloaded and fixtures/exclude_loopback4.conf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"

#define ROUNDS 200

static void test_excluded_destinations_stay_tcp(void **state)
{
	unsigned short port4 = 0, port6 = 0;
	int l4 = raw_listener(AF_INET, ROUNDS, &port4);
	int l6 = raw_listener(AF_INET6, ROUNDS, &port6);
	struct sockaddr_in a4 = addr4("127.0.0.1", port4);
	struct sockaddr_in6 a6 = addr6("::1", port6);
	int tcp = 0, mptcp = 0;

	(void)state;
	assert_true(l4 >= 0 && l6 >= 0);
	for (int i = 0; i < ROUNDS; i++) {
		bool v6 = i % 4 == 0;
		int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
		int c;

		assert_int_equal(connect(fd, v6 ? (void *)&a6 : (void *)&a4,
					 v6 ? sizeof(a6) : sizeof(a4)), 0);
		if (protocol_of(fd) == IPPROTO_MPTCP)
			mptcp += v6;
		else
			tcp += !v6;
		close(fd);
		c = accept(v6 ? l6 : l4, NULL, NULL);
		close(c);
	}
	/* Excluded 127.0.0.1: all TCP; ::1 is converted (once). */
	assert_int_equal(tcp, ROUNDS - ROUNDS / 4);
	assert_int_equal(mptcp, ROUNDS / 4);
	close(l4);
	close(l6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_excluded_destinations_stay_tcp),
	};

	fixture_require_mptcp();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
