// SPDX-License-Identifier: BSD-3-Clause
/*
 * /proc/PID reading (cli/kernel/procmap.c): the inode lookup gives the
 * lowest pid holding a socket, the process tree and the name lookup see
 * this very process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "procmap.h"

static void test_find_lowest_pid(void **state)
{
	/* Sorted by inode, then pid, as procmap_build() leaves it. */
	struct procmap_entry v[] = {
		{ 5, 10 }, { 7, 3 }, { 7, 4 }, { 7, 9 }, { 9, 1 },
	};
	struct procmap m = { .v = v, .n = 5 };
	struct procmap empty = { 0 };

	(void)state;
	assert_int_equal(procmap_find(&m, 7), 3);
	assert_int_equal(procmap_find(&m, 5), 10);
	assert_int_equal(procmap_find(&m, 9), 1);
	assert_int_equal(procmap_find(&m, 6), -1);
	assert_int_equal(procmap_find(&m, 10), -1);
	assert_int_equal(procmap_find(&m, 0), -1);
	assert_int_equal(procmap_find(&empty, 7), -1);
}

static void test_socket_inode(void **state)
{
	(void)state;
	assert_int_equal(procmap_socket_inode("socket:[4026531993]"),
			 4026531993u);
	assert_int_equal(procmap_socket_inode("pipe:[12]"), 0);
	assert_int_equal(procmap_socket_inode("socket:[12"), 0);
}

static void test_own_process(void **state)
{
	const char *names[2] = { NULL, "no-such-process-name" };
	bool running[2];
	char comm[64];
	pid_t *tree = NULL;
	ssize_t n;

	(void)state;
	n = procmap_tree(getpid(), &tree);
	assert_true(n >= 1);
	assert_int_equal(tree[0], getpid());
	free(tree);
	procmap_comm(getpid(), comm, sizeof(comm));
	names[0] = comm;
	procmap_running(names, 2, running);
	assert_true(running[0]);
	assert_false(running[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_lowest_pid),
		cmocka_unit_test(test_socket_inode),
		cmocka_unit_test(test_own_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
