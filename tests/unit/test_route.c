// SPDX-License-Identifier: BSD-3-Clause
/* run's route choice: --route parsing and the decision from the ELF file. */
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

#include "cli.h"
#include "policy.h"
#include "route.h"
#include "run.h"

/* Debian's busybox-static (tests/packages.txt): a static program that
 * every test machine has. */
#define STATIC_PROGRAM "/bin/busybox"

static void test_route_option(void **state)
{
	char *seccomp[] = { "run", "--route=seccomp", "x", NULL };
	char *preload[] = { "run", "--route", "preload", "x", NULL };
	char *bad[] = { "run", "--route=bpf", "x", NULL };
	char *mptcpize[] = { "run", "--route=seccomp", "x", NULL };
	char *plain[] = { "run", "x", NULL };
	struct run_options o;
	enum route_request r;
	bool done;

	(void)state;
	assert_int_equal(route_parse("auto", &r), 0);
	assert_int_equal(r, ROUTE_AUTO);
	assert_int_equal(route_parse("seccomp", &r), 0);
	assert_int_equal(r, ROUTE_SECCOMP);
	assert_int_equal(route_parse("Seccomp", &r), -1);
	assert_int_equal(route_parse("", &r), -1);

	assert_int_equal(run_parse(3, seccomp, false, &o, &done), CLI_OK);
	assert_int_equal(o.route, ROUTE_SECCOMP);
	assert_string_equal(o.command[0], "x");
	assert_int_equal(run_parse(4, preload, false, &o, &done), CLI_OK);
	assert_int_equal(o.route, ROUTE_PRELOAD);
	assert_int_equal(run_parse(3, bad, false, &o, &done), CLI_USAGE);
	/* mptcpize knows only -d, as mptcpd's does. */
	assert_int_equal(run_parse(3, mptcpize, true, &o, &done), CLI_USAGE);
	/* Without the option: auto. */
	assert_int_equal(run_parse(2, plain, false, &o, &done), CLI_OK);
	assert_int_equal(o.route, ROUTE_AUTO);
}

static void test_dynamic(void **state)
{
	struct route_choice c;

	(void)state;
	route_choose("/bin/true", ROUTE_AUTO, &c);
	assert_false(c.seccomp);
	assert_false(c.forced);
	assert_string_equal(c.path, "/bin/true");
	assert_non_null(strstr(c.why, "dynamically linked"));
	/* Found in PATH like execvp. */
	route_choose("true", ROUTE_AUTO, &c);
	assert_false(c.seccomp);
	assert_non_null(strstr(c.path, "/true"));
	route_choose("/bin/true", ROUTE_SECCOMP, &c);
	assert_true(c.seccomp && c.forced);
	assert_non_null(strstr(c.why, "--route=seccomp overrides"));
}

static void test_static(void **state)
{
	struct route_choice c;

	(void)state;
	if (access(STATIC_PROGRAM, X_OK) != 0)
		skip();
	route_choose(STATIC_PROGRAM, ROUTE_AUTO, &c);
	assert_true(c.seccomp);
	assert_non_null(strstr(c.why, "statically linked"));
	route_choose(STATIC_PROGRAM, ROUTE_PRELOAD, &c);
	assert_false(c.seccomp);
	assert_true(c.forced);
}

static void write_script(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
}

/* A script is judged by what runs it, through #! and env(1). */
static void test_scripts(void **state)
{
	char dir[] = "/tmp/test_route.XXXXXX", path[64];
	struct route_choice c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s", dir);
	write_script(path, "#!/usr/bin/env true\n");
	route_choose(path, ROUTE_AUTO, &c);
	assert_false(c.seccomp);
	assert_non_null(strstr(c.path, "/true"));
	if (access(STATIC_PROGRAM, X_OK) == 0) {
		write_script(path, "#!" STATIC_PROGRAM " sh\nexit 0\n");
		route_choose(path, ROUTE_AUTO, &c);
		assert_true(c.seccomp);
		assert_string_equal(c.path, STATIC_PROGRAM);
	}
	write_script(path, "#!/no/such/interpreter\n");
	route_choose(path, ROUTE_AUTO, &c);
	assert_false(c.seccomp);
	assert_non_null(strstr(c.why, "cannot inspect"));
	unlink(path);
	rmdir(dir);
	route_choose("no-such-command-anywhere", ROUTE_AUTO, &c);
	assert_false(c.seccomp);
	assert_string_equal(c.path, "");
}

static void test_limits_listed(void **state)
{
	size_t n = 0;

	(void)state;
	while (route_seccomp_limits[n])
		n++;
	/* policy explain and the man page state each of these, with its
	 * reason; destination rules and option rescue are no longer among
	 * them (the supervisor applies them). */
	assert_true(n >= 4);
	for (size_t i = 0; i < n; i++) {
		assert_null(strstr(route_seccomp_limits[i], "[destinations]"));
		assert_null(strstr(route_seccomp_limits[i], "unsupported_option"));
		assert_true(strchr(route_seccomp_limits[i], '(') != NULL);
	}
}

static struct policy *policy_from(const char *text, struct policy_view *v)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct policy *p;

	assert_non_null(in);
	p = policy_load_stream(in, "test", NULL, NULL);
	fclose(in);
	assert_non_null(p);
	policy_resolve(p, NULL, v);
	return p;
}

/* Go 1.21+: GODEBUG unless the policy has rules it cannot express; older
 * or unknown versions: the seccomp route whatever the policy. */
static void test_go_route(void **state)
{
	static const struct {
		const char *policy, *version;
		bool seccomp;
		const char *why;
	} cases[] = {
		{ "[global]\nmode = all\n", "go1.22.1", false, "reaches it" },
		{ "[global]\nmode = all\n[destinations]\nexclude = 10.0.0.0/8\n",
		  "go1.22.1", true, "destination and port rules" },
		{ "[global]\nmode = all\n[destinations]\nports = 443\n",
		  "go1.21.0", true, "destination and port rules" },
		{ "[global]\nmode = all\nunsupported_option.TCP_USER_TIMEOUT = ignore\n",
		  "go1.23", true, "per-option modes" },
		/* Off for the program: GODEBUG's 0 says everything. */
		{ "[global]\nmode = all\nconnect = false\nlisten = false\n"
		  "[destinations]\nexclude = 10.0.0.0/8\n",
		  "go1.22.1", false, "reaches it" },
		{ "[global]\nmode = all\n", "go1.20.14", true, "older than Go 1.21" },
		{ "[global]\nmode = all\n", "", true, "unknown version" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct route_choice c = { 0 };
		struct policy_view v;
		struct policy *p = policy_from(cases[i].policy, &v);

		route_judge_go("/x/goprog", cases[i].version, &v, &c);
		assert_int_equal(c.seccomp, cases[i].seccomp);
		if (!strstr(c.why, cases[i].why))
			fail_msg("case %zu: %s", i, c.why);
		policy_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_option),
		cmocka_unit_test(test_dynamic),
		cmocka_unit_test(test_static),
		cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_limits_listed),
		cmocka_unit_test(test_go_route),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
