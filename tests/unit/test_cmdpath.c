// SPDX-License-Identifier: BSD-3-Clause
/*
 * The one $PATH lookup (cli/common/cmdpath.c) and the GODEBUG names and
 * route choice that use it: what execvp() would run, never a directory or
 * a file it cannot execute that stands earlier in $PATH.
 */
#include <limits.h>
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

#include "cmdpath.h"
#include "gomptcp.h"

struct tree {
	char root[64];
	char dir_a[96], dir_b[96];
};

static void make_file(const char *path, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("#!/bin/sh\n", f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

/* a/tool is a directory, a/plain is not executable, b/ holds both as
 * files (b/tool a link to b/real-tool). */
static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char path[160];

	snprintf(t->root, sizeof(t->root), "/tmp/cmdpath.XXXXXX");
	assert_non_null(mkdtemp(t->root));
	snprintf(t->dir_a, sizeof(t->dir_a), "%s/a", t->root);
	snprintf(t->dir_b, sizeof(t->dir_b), "%s/b", t->root);
	assert_int_equal(mkdir(t->dir_a, 0755), 0);
	assert_int_equal(mkdir(t->dir_b, 0755), 0);
	snprintf(path, sizeof(path), "%s/tool", t->dir_a);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/plain", t->dir_a);
	make_file(path, 0644);
	snprintf(path, sizeof(path), "%s/real-tool", t->dir_b);
	make_file(path, 0755);
	snprintf(path, sizeof(path), "%s/tool", t->dir_b);
	assert_int_equal(symlink("real-tool", path), 0);
	snprintf(path, sizeof(path), "%s/plain", t->dir_b);
	make_file(path, 0755);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
	free(t);
	return 0;
}

static void set_path(const struct tree *t)
{
	char path[256];

	snprintf(path, sizeof(path), "%s:%s", t->dir_a, t->dir_b);
	assert_int_equal(setenv("PATH", path, 1), 0);
}

static void test_skips_what_execvp_skips(void **state)
{
	const struct tree *t = *state;
	char out[PATH_MAX], want[PATH_MAX];

	set_path(t);
	assert_true(cmdpath_find("tool", out, sizeof(out)));
	snprintf(want, sizeof(want), "%s/tool", t->dir_b);
	assert_string_equal(out, want);
	assert_true(cmdpath_find("plain", out, sizeof(out)));
	snprintf(want, sizeof(want), "%s/plain", t->dir_b);
	assert_string_equal(out, want);
	assert_false(cmdpath_find("no-such-tool", out, sizeof(out)));
}

static void test_slash_and_empty_entry(void **state)
{
	const struct tree *t = *state;
	char out[PATH_MAX], cwd[PATH_MAX];

	snprintf(out, sizeof(out), "%s/plain", t->dir_a);
	assert_false(cmdpath_find(out, out, sizeof(out)));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(t->dir_b), 0);
	/* An empty entry is the current directory, as for execvp. */
	assert_int_equal(setenv("PATH", ":/nonexistent", 1), 0);
	assert_true(cmdpath_find("plain", out, sizeof(out)));
	assert_string_equal(out, "./plain");
	assert_int_equal(chdir(cwd), 0);
}

/* GODEBUG is decided for the program execvp runs, not for a directory of
 * the same name earlier in $PATH. */
static void test_go_names_follow_execvp(void **state)
{
	const struct tree *t = *state;
	const char *names[3];
	char buf[NAME_MAX + 1];

	set_path(t);
	gomptcp_command_names("tool", buf, sizeof(buf), names);
	assert_string_equal(names[0], "real-tool");
	assert_string_equal(names[1], "tool");
	assert_null(names[2]);
}

static void test_unset_path_uses_libc_default(void **state)
{
	char out[PATH_MAX], want[PATH_MAX];

	(void)state;
	assert_int_equal(unsetenv("PATH"), 0);
	/* sh is in the C library's default search path everywhere. */
	assert_true(cmdpath_find("sh", out, sizeof(out)));
	assert_int_equal(access(out, X_OK), 0);
	snprintf(want, sizeof(want), "/%s", strrchr(out, '/') + 1);
	assert_string_equal(want, "/sh");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skips_what_execvp_skips),
		cmocka_unit_test(test_slash_and_empty_entry),
		cmocka_unit_test(test_go_names_follow_execvp),
		cmocka_unit_test(test_unset_path_uses_libc_default),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
