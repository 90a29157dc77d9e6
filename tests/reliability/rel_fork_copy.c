// SPDX-License-Identifier: BSD-3-Clause
/*
 * The destination of a connect() is read through the kernel
 * (process_vm_readv) with the process's pid, which the shim keeps rather
 * than asking for it on every connect (issue 25). In a fork child that pid
 * is the parent's: the fork handler must forget it, or the child reads the
 * parent's memory at that address and decides on the parent's destination.
 * Here the parent's buffer still holds an IPv6 address (::1, converted)
 * while the child's holds 127.0.0.1 (excluded: TCP). Runs preloaded with
 * fixtures/exclude_loopback4.conf; as root (or with Yama's ptrace_scope
 * at 0) a wrong pid would be allowed to read the parent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "fixture.h"

static union {
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
} dst;

static void test_child_reads_its_own_destination(void **state)
{
	unsigned short port4 = 0, port6 = 0;
	int l4 = raw_listener(AF_INET, 4, &port4);
	int l6 = raw_listener(AF_INET6, 4, &port6);
	int fd, status = -1;
	pid_t child;

	(void)state;
	assert_true(l4 >= 0 && l6 >= 0);
	dst.v6 = addr6("::1", port6);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&dst.v6,
				 sizeof(dst.v6)), 0);
	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int c;

		memset(&dst, 0, sizeof(dst));
		dst.v4 = addr4("127.0.0.1", port4);
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&dst.v4,
				     sizeof(dst.v4)) < 0)
			_exit(2);
		_exit(protocol_of(c) == IPPROTO_TCP ? 0 : 1);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(fd);
	close(l4);
	close(l6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_child_reads_its_own_destination),
	};

	fixture_require_mptcp();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
