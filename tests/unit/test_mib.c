// SPDX-License-Identifier: BSD-3-Clause
/*
 * MPTcpExt parsing by header name across kernels (fixtures/netstat: 5.15,
 * 6.1, 6.18 counter sets, a future counter, broken files) and on the live
 * /proc/net/netstat; deltas.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mib.h"

static int load(const char *name, struct mib_set *set)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/netstat/%s", FIXTURES, name);
	return mib_read(path, set);
}

static void test_kernel_5_15(void **state)
{
	struct mib_set set;

	(void)state;
	assert_int_equal(load("5.15", &set), 0);
	assert_int_equal(set.n, 40);
	assert_string_equal(set.v[0].name, "MPCapableSYNRX");
	assert_int_equal(mib_value(&set, "MPCapableSYNRX"), 7);
	assert_int_equal(mib_value(&set, "MPCapableFallbackACK"), 2);
	assert_int_equal(mib_value(&set, "AddAddrDrop"), 1);
	/* Removed later, still read here. */
	assert_non_null(mib_find(&set, "RcvPruned"));
	assert_int_equal(mib_value(&set, "RcvPruned"), 5);
	/* Added later: absent, which reads as 0. */
	assert_null(mib_find(&set, "MPCapableSYNTX"));
	assert_null(mib_find(&set, "Blackhole"));
	assert_int_equal(mib_value(&set, "Blackhole"), 0);
	/* TcpExt has its own RcvPruned; only MPTcpExt's counts. */
	mib_free(&set);
}

static void test_kernel_6_1(void **state)
{
	struct mib_set set;

	(void)state;
	assert_int_equal(load("6.1", &set), 0);
	assert_int_equal(set.n, 54);
	assert_int_equal(mib_value(&set, "MPCapableSYNTX"), 12);
	assert_int_equal(mib_value(&set, "MPCapableFallbackSYNACK"), 3);
	assert_int_equal(mib_value(&set, "MPRstTx"), 4);
	assert_non_null(mib_find(&set, "MPCapableEndpAttempt"));
	assert_null(mib_find(&set, "MPCurrEstab"));
	assert_null(mib_find(&set, "MPJoinSynTxConnectErr"));
	mib_free(&set);
}

static void test_kernel_6_18(void **state)
{
	struct mib_set set;

	(void)state;
	assert_int_equal(load("6.18", &set), 0);
	assert_int_equal(set.n, 76);
	assert_int_equal(mib_value(&set, "MPCapableSYNTX"), 4);
	assert_int_equal(mib_value(&set, "MPCapableFallbackSYNACK"), 2);
	assert_int_equal(mib_value(&set, "MPCurrEstab"), 1);
	/* Full 64-bit range. */
	assert_true(mib_value(&set, "Blackhole") == 18446744073709551615ull);
	assert_null(mib_find(&set, "RcvPruned"));
	assert_string_equal(set.v[set.n - 1].name, "WinProbe");
	mib_free(&set);
}

static void test_unknown_counter_passes_through(void **state)
{
	struct mib_set set;

	(void)state;
	assert_int_equal(load("future", &set), 0);
	assert_int_equal(set.n, 77);
	assert_string_equal(set.v[76].name, "LaminarFutureCounter");
	assert_int_equal(set.v[76].value, 9);
	mib_free(&set);
}

static void test_broken_files(void **state)
{
	struct mib_set set;

	(void)state;
	assert_int_equal(load("no-mptcp", &set), 1);
	assert_int_equal(set.n, 0);
	assert_int_equal(load("truncated", &set), -1);
	assert_int_equal(set.n, 0);
	assert_null(set.v);
	assert_int_equal(load("does-not-exist", &set), -1);
}

static void test_malformed_values(void **state)
{
	static const char *const bad[] = {
		"MPTcpExt: A B\nMPTcpExt: 1 2 3\n",	/* too many values */
		"MPTcpExt: A B\nMPTcpExt: 1 x\n",	/* not a number */
		"MPTcpExt: A B\nMPTcpExt: 1 -2\n",	/* negative */
		"MPTcpExt: A B\n",			/* no value line */
		"MPTcpExt: A B\nMPTcpExt: 1 99999999999999999999\n",
	};
	struct mib_set set;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *fp = fmemopen((void *)bad[i], strlen(bad[i]), "r");

		assert_non_null(fp);
		assert_int_equal(mib_parse(fp, &set), -1);
		fclose(fp);
	}
}

static void test_live_file(void **state)
{
	struct mib_set set;
	int rc;

	(void)state;
	rc = mib_read(MIB_NETSTAT, &set);
	if (rc == 1)
		skip();	/* a kernel without MPTCP */
	assert_int_equal(rc, 0);
	/* Counters every MPTCP kernel has had since 5.6. */
	assert_non_null(mib_find(&set, "MPCapableSYNRX"));
	assert_non_null(mib_find(&set, "MPJoinSynRx"));
	assert_true(set.n >= 20);
	for (size_t i = 0; i < set.n; i++)
		assert_true(set.v[i].name[0] >= 'A' &&
			    set.v[i].name[0] <= 'Z');
	mib_free(&set);
}

static void test_delta(void **state)
{
	struct mib_set before, after, delta;

	(void)state;
	assert_int_equal(load("6.1", &before), 0);
	assert_int_equal(load("future", &after), 0);
	assert_int_equal(mib_delta(&before, &after, &delta), 0);
	assert_int_equal(delta.n, after.n);
	/* 4 in 6.18 vs 12 in 6.1: went backwards, keeps the new value. */
	assert_int_equal(mib_value(&delta, "MPCapableSYNTX"), 4);
	/* 2 vs 3: backwards too. */
	assert_int_equal(mib_value(&delta, "MPCapableFallbackSYNACK"), 2);
	/* Only in after: passes through. */
	assert_int_equal(mib_value(&delta, "LaminarFutureCounter"), 9);
	/* A gauge is a level, never a difference. */
	assert_int_equal(mib_value(&delta, "MPCurrEstab"), 1);
	mib_free(&delta);

	assert_int_equal(mib_delta(&after, &after, &delta), 0);
	for (size_t i = 0; i < delta.n; i++)
		if (!mib_is_gauge(delta.v[i].name))
			assert_int_equal(delta.v[i].value, 0);
	mib_free(&delta);
	mib_free(&before);
	mib_free(&after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_5_15),
		cmocka_unit_test(test_kernel_6_1),
		cmocka_unit_test(test_kernel_6_18),
		cmocka_unit_test(test_unknown_counter_passes_through),
		cmocka_unit_test(test_broken_files),
		cmocka_unit_test(test_malformed_values),
		cmocka_unit_test(test_live_file),
		cmocka_unit_test(test_delta),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
