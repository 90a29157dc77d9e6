// SPDX-License-Identifier: BSD-3-Clause
/*
 * Paths inside an image tree (--root): links resolve inside it, absolute
 * or relative, '..' stops at its top; the kernel's openat2 and the walk by
 * hand (for kernels without it) agree on every case.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "rootpath.h"

static char root[PATH_MAX];

static void at(const char *rel, char *out)
{
	size_t n = strlen(root);

	assert_true(n + strlen(rel) < PATH_MAX);
	memcpy(out, root, n);
	strcpy(out + n, rel);
}

static void mk_dir(const char *rel)
{
	char p[PATH_MAX];

	at(rel, p);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void mk_link(const char *target, const char *rel)
{
	char p[PATH_MAX];

	at(rel, p);
	assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/test_rootpath.XXXXXX", p[PATH_MAX];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, root));
	mk_dir("/etc");
	mk_dir("/srv");
	mk_dir("/srv/units");
	at("/srv/units/a.service", p);
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
	mk_link("/srv/units/a.service", "/etc/abs");	/* absolute */
	mk_link("../srv/units", "/etc/rel");		/* relative dir */
	mk_link("../../../../../../srv", "/etc/up");	/* '..' past the top */
	mk_link("/etc/abs", "/etc/chain");		/* link to a link */
	mk_link("/nowhere/x", "/etc/dangling");
	mk_link("/etc/loop2", "/etc/loop1");
	mk_link("/etc/loop1", "/etc/loop2");
	mk_link("/", "/etc/top");
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

/* Both resolutions of inside: expected (relative to root), or NULL for
 * a failure with err. */
static void expect(const char *inside, const char *want, int err)
{
	char got[PATH_MAX], walk[PATH_MAX], full[PATH_MAX];
	int rc = root_path(root, inside, got, sizeof(got));

	if (!want) {
		assert_int_equal(rc, -1);
		assert_int_equal(errno, err);
		return;
	}
	at(want, full);
	assert_int_equal(rc, 0);
	assert_string_equal(got, full);
	/* The walk needs every component to exist; root_path then appends
	 * the missing ones itself. */
	if (root_path_walk(root, inside, walk, sizeof(walk)) == 0)
		assert_string_equal(walk, full);
	else
		assert_int_equal(errno, ENOENT);
}

static void test_links_stay_inside(void **state)
{
	(void)state;
	expect("/etc/abs", "/srv/units/a.service", 0);
	expect("/etc/rel/a.service", "/srv/units/a.service", 0);
	expect("/etc/up/units/a.service", "/srv/units/a.service", 0);
	expect("/etc/chain", "/srv/units/a.service", 0);
	expect("/etc/top/etc/abs", "/srv/units/a.service", 0);
	expect("/../../etc/abs", "/srv/units/a.service", 0);
	/* Missing components are appended as given. */
	expect("/etc/rel/b.service.d/x.conf", "/srv/units/b.service.d/x.conf",
	       0);
	expect("/new/dir", "/new/dir", 0);
	/* A link whose target is missing names nothing in the image. */
	expect("/etc/dangling", NULL, ENOENT);
	expect("/etc/loop1", NULL, ELOOP);
}

/* The walk alone, as on a kernel without openat2. */
static void test_walk(void **state)
{
	char got[PATH_MAX], want[PATH_MAX];

	(void)state;
	at("/srv/units/a.service", want);
	assert_int_equal(root_path_walk(root, "/etc/up/units/../units/a.service",
					got, sizeof(got)), 0);
	assert_string_equal(got, want);
	assert_int_equal(root_path_walk(root, "/etc/loop1", got, sizeof(got)),
			 -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(root_path_walk(root, "/etc/dangling", got,
					sizeof(got)), -1);
	assert_int_equal(errno, ENOENT);
}

/* No root: the running system's paths, untouched. */
static void test_no_root(void **state)
{
	char got[PATH_MAX];

	(void)state;
	assert_int_equal(root_path("", "/etc/x/../y", got, sizeof(got)), 0);
	assert_string_equal(got, "/etc/x/../y");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links_stay_inside),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_no_root),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
