// SPDX-License-Identifier: BSD-3-Clause
/*
 * The seccomp route's filter plan from the policy (what is trapped beyond
 * socket()), and that the kernel accepts every program the plan builds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "policy.h"
#include "seccomp_filter.h"

static void plan_of(const char *text, struct seccomp_filter_plan *plan)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct policy *p;

	assert_non_null(in);
	p = policy_load_stream(in, "test", NULL, NULL);
	fclose(in);
	assert_non_null(p);
	seccomp_filter_plan_for(p, false, plan);
	policy_free(p);
}

/* A program that needs no later decision pays nothing at connect(). */
static void test_plan(void **state)
{
	struct seccomp_filter_plan plan;

	(void)state;
	plan_of("[global]\nmode = all\nunsupported_option = fail\n", &plan);
	assert_false(plan.connect);
	assert_false(plan.listen);
	assert_int_equal(plan.n_options, 0);

	plan_of("[global]\nmode = all\n", &plan);
	assert_false(plan.connect);
	/* auto: the option table's pairs, grouped by level */
	assert_true(plan.n_options > 10);
	for (size_t i = 1; i < plan.n_options; i++)
		assert_true(plan.options[i - 1].level <= plan.options[i].level);

	plan_of("[global]\nmode = all\n[destinations]\nexclude = 10.0.0.0/8\n",
		&plan);
	assert_true(plan.connect);
	assert_true(plan.listen);

	/* A rule in one program's section is enough: the filter serves
	 * every program the run starts. */
	plan_of("[global]\nmode = all\nunsupported_option = fail\n"
		"[app:curl]\nexclude = 10.0.0.0/8\n", &plan);
	assert_true(plan.connect);
	assert_int_equal(plan.n_options, 0);
	plan_of("[global]\nmode = all\nunsupported_option = fail\n"
		"[app:x]\nunsupported_option.TCP_USER_TIMEOUT = ignore\n",
		&plan);
	assert_true(plan.n_options > 0);
}

/* Each plan's program is one the kernel takes (in a child: a filter is
 * for life). */
static void test_kernel_accepts(void **state)
{
	struct seccomp_filter_plan plans[3];

	(void)state;
	if (!seccomp_filter_supported())
		skip();
	plan_of("[global]\nmode = all\nunsupported_option = fail\n", &plans[0]);
	plan_of("[global]\nmode = all\n[destinations]\nports = 443\n",
		&plans[1]);
	plans[2] = plans[1];
	plans[2].stats = true;
	for (size_t i = 0; i < 3; i++) {
		pid_t pid = fork();
		int status;

		assert_true(pid >= 0);
		if (pid == 0) {
			int fd = seccomp_filter_install_plan(true, &plans[i]);

			/* exit_group and close may be trapped, with nobody
			 * to answer: leave by a signal, touching nothing. */
			if (fd < 0)
				_exit(1);
			raise(SIGKILL);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_kernel_accepts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
