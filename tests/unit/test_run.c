// SPDX-License-Identifier: BSD-3-Clause
/* `run`: LD_PRELOAD/GODEBUG merging, option parsing, exit-status mapping. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli.h"
#include "envmerge.h"
#include "gomptcp.h"
#include "run.h"

#define LIB "/usr/lib/x86_64-linux-gnu/libmptcpshim.so"

static void expect_merge(char *(*fn)(const char *, const char *),
			 const char *in, const char *want)
{
	char *got = fn(in, LIB);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_preload_merge(void **state)
{
	(void)state;
	expect_merge(envmerge_preload, NULL, LIB);
	expect_merge(envmerge_preload, "", LIB);
	expect_merge(envmerge_preload, "/opt/a.so", "/opt/a.so:" LIB);
	expect_merge(envmerge_preload, "/opt/a.so:", "/opt/a.so:" LIB);
	expect_merge(envmerge_preload, "/opt/a.so /opt/b.so",
		     "/opt/a.so /opt/b.so:" LIB);
	/* Already there (anywhere in the list): unchanged, never twice. */
	expect_merge(envmerge_preload, LIB, LIB);
	expect_merge(envmerge_preload, "/opt/a.so " LIB " /opt/b.so",
		     "/opt/a.so " LIB " /opt/b.so");
	/* A longer name that merely starts with ours is someone else's. */
	expect_merge(envmerge_preload, LIB ".1", LIB ".1:" LIB);
}

/* The same file under another name (a symlink) is already there. */
static void test_preload_merge_same_file(void **state)
{
	char dir[] = "/tmp/test_run.XXXXXX", lib[64], link_[64], other[64];
	char *got;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(lib, sizeof(lib), "%s/libmptcpshim.so", dir);
	snprintf(link_, sizeof(link_), "%s/alias.so", dir);
	snprintf(other, sizeof(other), "%s/copy.so", dir);
	f = fopen(lib, "w");
	assert_non_null(f);
	fclose(f);
	f = fopen(other, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(symlink(lib, link_), 0);
	got = envmerge_preload(link_, lib);
	assert_string_equal(got, link_);
	free(got);
	/* A different file (another copy) is not the same: appended. */
	got = envmerge_preload(other, lib);
	assert_true(strlen(got) > strlen(other) + 1 &&
		    strcmp(got + strlen(other) + 1, lib) == 0);
	free(got);
	unlink(link_);
	unlink(lib);
	unlink(other);
	rmdir(dir);
}

static void expect_godebug(const char *in, const char *want)
{
	char *got = envmerge_godebug(in, 1);

	assert_string_equal(got, want);
	free(got);
}

static void test_godebug_merge(void **state)
{
	(void)state;
	expect_godebug(NULL, "multipathtcp=1");
	expect_godebug("", "multipathtcp=1");
	expect_godebug("http2client=0", "http2client=0,multipathtcp=1");
	expect_godebug("http2client=0,", "http2client=0,multipathtcp=1");
	/* An explicit choice wins, including "off". */
	expect_godebug("multipathtcp=0", "multipathtcp=0");
	expect_godebug("a=1,multipathtcp=2,b=3", "a=1,multipathtcp=2,b=3");
	expect_godebug("xmultipathtcp=0", "xmultipathtcp=0,multipathtcp=1");
	{
		char *got = envmerge_godebug("a=1", 3);

		assert_string_equal(got, "a=1,multipathtcp=3");
		free(got);
		got = envmerge_godebug("multipathtcp=1", 0);
		assert_string_equal(got, "multipathtcp=1");
		free(got);
	}
}

/* GODEBUG=multipathtcp=N from the policy for one program. */
static int go_value(const char *text, const char *program)
{
	const char *const names[] = { program, NULL };
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct policy *p = policy_load_stream(in, "mem", NULL, NULL);
	struct policy_view view;
	int v;

	fclose(in);
	assert_non_null(p);
	policy_resolve(p, names, &view);
	v = gomptcp_for_view(&view);
	policy_free(p);
	return v;
}

static void test_go_follows_policy(void **state)
{
	(void)state;
	assert_int_equal(go_value("", "app"), GOMPTCP_BOTH);
	assert_int_equal(go_value("[global]\nmode = listed\n", "app"),
			 GOMPTCP_OFF);
	assert_int_equal(go_value("[global]\nmode = listed\n[app:app]\n",
				  "app"), GOMPTCP_BOTH);
	assert_int_equal(go_value("[app:app]\nenabled = false\n", "app"),
			 GOMPTCP_OFF);
	assert_int_equal(go_value("[app:app]\nconnect = false\n", "app"),
			 GOMPTCP_LISTEN);
	assert_int_equal(go_value("[global]\nlisten = false\n", "app"),
			 GOMPTCP_DIAL);
	assert_int_equal(go_value("[global]\nlisten = false\n"
				  "connect = false\n", "app"), GOMPTCP_OFF);
	/* Another program's section changes nothing for this one. */
	assert_int_equal(go_value("[app:other]\nenabled = false\n", "app"),
			 GOMPTCP_BOTH);
	/* Destination rules cannot reach Go: the role stays on. */
	assert_int_equal(go_value("[destinations]\ninclude = 10.0.0.0/8\n",
				  "app"), GOMPTCP_BOTH);
}

static void test_command_names(void **state)
{
	char buf[256];
	const char *names[3];

	(void)state;
	/* /bin/sh is a symlink on Debian: the shim sees the target too. */
	gomptcp_command_names("/bin/sh", buf, sizeof(buf), names);
	assert_non_null(names[0]);
	assert_string_equal(names[names[1] ? 1 : 0], "sh");
	gomptcp_command_names("no-such-command-here", buf, sizeof(buf),
			      names);
	assert_string_equal(names[0], "no-such-command-here");
	assert_null(names[1]);
}

static void test_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(cli_exit_code(0), 0);
	assert_int_equal(cli_exit_code(7 << 8), 7);
	assert_int_equal(cli_exit_code(255 << 8), 255);
	/* Killed by a signal: the shell's 128+N. */
	assert_int_equal(cli_exit_code(SIGTERM), 128 + SIGTERM);
	assert_int_equal(cli_exit_code(SIGKILL | 0x80), 128 + SIGKILL);
}

static int parse(bool mptcpize, struct run_options *opt, bool *done, ...)
{
	char *argv[16];
	va_list ap;
	int argc = 0;

	va_start(ap, done);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	return run_parse(argc, argv, mptcpize, opt, done);
}

static void test_parse(void **state)
{
	struct run_options o;
	bool done;

	(void)state;
	assert_int_equal(parse(false, &o, &done, "run", "-d", "curl", "-v",
			       "x", NULL),
			 CLI_OK);
	assert_true(o.debug);
	assert_string_equal(o.command[0], "curl");
	/* The command's own options are not ours. */
	assert_string_equal(o.command[1], "-v");

	assert_int_equal(parse(false, &o, &done, "run", "-c", "p.conf",
			       "--stats", "--json", "--", "-x", NULL),
			 CLI_OK);
	assert_string_equal(o.config, "p.conf");
	assert_true(o.stats && o.json);
	assert_string_equal(o.command[0], "-x");

	assert_int_equal(parse(false, &o, &done, "run", NULL), CLI_USAGE);
	assert_int_equal(parse(false, &o, &done, "run", "--bogus", "x", NULL),
			 CLI_USAGE);
	assert_int_equal(parse(false, &o, &done, "run", "--json", "x", NULL),
			 CLI_USAGE);
	assert_int_equal(parse(false, &o, &done, "run", "-c", NULL),
			 CLI_USAGE);
	/* mptcpize knows only -d, as mptcpd's does. */
	assert_int_equal(parse(true, &o, &done, "run", "-d", "x", NULL),
			 CLI_OK);
	assert_int_equal(parse(true, &o, &done, "run", "--stats", "x", NULL),
			 CLI_USAGE);
	assert_int_equal(parse(false, &o, &done, "run", "--help", NULL),
			 CLI_OK);
	assert_true(done);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preload_merge),
		cmocka_unit_test(test_preload_merge_same_file),
		cmocka_unit_test(test_godebug_merge),
		cmocka_unit_test(test_go_follows_policy),
		cmocka_unit_test(test_command_names),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
