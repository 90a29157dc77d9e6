// SPDX-License-Identifier: BSD-3-Clause
/*
 * Loading a policy must cost work linear in its size: a 1 MiB file of
 * [app:NAME] sections once blocked the first socket() of every program
 * for seconds, because the parser's duplicate check and the merge each
 * scanned every earlier section. Timing would be flaky, so this counts
 * the string comparisons loading makes: this file defines strcmp(),
 * strncmp() and memcmp(), and the policy library (linked statically)
 * calls these. Doubling the sections must (about) double the count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "policy.h"

static unsigned long compares;

int strcmp(const char *a, const char *b)
{
	compares++;
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	compares++;
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	compares++;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

/* n [app:] sections named PREFIX0.., each setting one key. */
static char *sections(size_t n, const char *prefix)
{
	size_t cap = n * 64 + 64, len = 0;
	char *text = malloc(cap);

	assert_non_null(text);
	len += (size_t)snprintf(text, cap, "[global]\nmode = all\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"[app:%s%zu]\nenabled = %s\n", prefix,
					i, i % 2 ? "true" : "false");
	return text;
}

static void diag_fail(void *ctx, const char *file, unsigned line,
		      const char *message)
{
	(void)ctx;
	fail_msg("%s:%u: %s", file, line, message);
}

/* Comparisons made by policy_load_stream() of n sections. */
static unsigned long load_compares(size_t n)
{
	char *text = sections(n, "p");
	FILE *in = fmemopen(text, strlen(text), "r");
	const char *names[] = { "p0", NULL };
	struct policy_view view;
	struct policy *p;
	unsigned long before = compares, used;

	assert_non_null(in);
	p = policy_load_stream(in, "mem.conf", diag_fail, NULL);
	used = compares - before;
	assert_non_null(p);
	/* Every section made it: the count is not of a failed load. */
	names[0] = "p0";
	policy_resolve(p, names, &view);
	assert_string_equal(view.app_name, "p0");
	{
		char last[32];

		snprintf(last, sizeof(last), "p%zu", n - 1);
		names[0] = last;
		policy_resolve(p, names, &view);
		assert_non_null(view.app_name);
		assert_string_equal(view.app_name, last);
	}
	policy_free(p);
	fclose(in);
	free(text);
	return used;
}

static void assert_linear(unsigned long at_n, unsigned long at_2n, size_t n)
{
	print_message("  %zu sections: %lu comparisons; %zu: %lu\n", n, at_n,
		      2 * n, at_2n);
	/* Quadratic work would quadruple; allow slack for constants. */
	assert_true(at_2n <= at_n * 2 + at_n / 4 + 64);
	assert_true(at_2n <= 2 * n * 16);
}

static void test_load_is_linear(void **state)
{
	size_t n = 2000;

	(void)state;
	assert_linear(load_compares(n), load_compares(2 * n), n);
}

static void test_check_is_linear(void **state)
{
	size_t n = 2000;
	unsigned long c[2];

	(void)state;
	for (int k = 0; k < 2; k++) {
		char *text = sections(n << k, "q");
		FILE *in = fmemopen(text, strlen(text), "r");
		unsigned long before = compares;

		assert_non_null(in);
		assert_int_equal(policy_check_stream(in, "mem.conf", diag_fail,
						     NULL),
				 0);
		c[k] = compares - before;
		fclose(in);
		free(text);
	}
	assert_linear(c[0], c[1], n);
}

/* A duplicate among many is still found, with the first line. */
static void test_duplicate_among_many(void **state)
{
	char *text = sections(3000, "d");
	size_t len = strlen(text);
	char *more = realloc(text, len + 64);
	FILE *in;
	int problems;

	(void)state;
	assert_non_null(more);
	strcpy(more + len, "[app:d1234]\n");
	in = fmemopen(more, strlen(more), "r");
	assert_non_null(in);
	problems = policy_check_stream(in, "mem.conf", NULL, NULL);
	assert_int_equal(problems, 1);
	fclose(in);
	free(more);
}

/* Merging a second file with n sections, half of them new, into a first
 * with n: the merge looks each one up once. */
static void test_merge_is_linear(void **state)
{
	char dir[] = "/tmp/mptcpshim-scale.XXXXXX";
	unsigned long c[2];
	size_t n = 2000;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (int k = 0; k < 2; k++) {
		char first[64], second[64];
		const char *names[] = { NULL, NULL };
		struct policy_sources src = { 0 };
		struct policy_view view;
		struct policy *p;
		unsigned long before;
		char *a = sections(n << k, "m"), *b = sections(n << k, "n");
		FILE *f;

		snprintf(first, sizeof(first), "%s/first.conf", dir);
		snprintf(second, sizeof(second), "%s/second.conf", dir);
		assert_non_null(f = fopen(first, "w"));
		fputs(a, f);
		fclose(f);
		assert_non_null(f = fopen(second, "w"));
		fputs(b, f);
		fputs(a + strlen("[global]\nmode = all\n"), f);
		fclose(f);
		/* policy_load() refuses files others may write. */
		assert_int_equal(chmod(first, 0644), 0);
		assert_int_equal(chmod(second, 0644), 0);
		src.system_file = first;
		src.user_file = second;
		before = compares;
		p = policy_load(&src, diag_fail, NULL);
		c[k] = compares - before;
		assert_non_null(p);
		names[0] = "n0";
		policy_resolve(p, names, &view);
		assert_non_null(view.app_name);
		/* The second file's section for m1 won over the first's. */
		names[0] = "m1";
		policy_resolve(p, names, &view);
		assert_non_null(view.app_origin.file);
		assert_string_equal(view.app_origin.file, second);
		policy_free(p);
		unlink(first);
		unlink(second);
		free(a);
		free(b);
	}
	rmdir(dir);
	/* The second file has 2n sections: count per section of both. */
	assert_linear(c[0], c[1], 3 * n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_is_linear),
		cmocka_unit_test(test_check_is_linear),
		cmocka_unit_test(test_duplicate_among_many),
		cmocka_unit_test(test_merge_is_linear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
