// SPDX-License-Identifier: BSD-3-Clause
/*
 * cli/systemd/dropin.c's file layer at its edges: dropin_read_own() calls
 * everything at the drop-in's path that is not a regular file of ours
 * foreign (a directory, a FIFO, which must not hang the read) and reads
 * nothing there; dropin_write_atomic() fails cleanly (errno, no temporary
 * file left) where the name cannot fit or the final name is taken by a
 * directory; dropin_open_regular() opens regular files only.
 */
#include <dirent.h>
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

#include "dropin.h"

static char dir[] = "/tmp/test_dropin_own.XXXXXX";

static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void test_read_own_foreign(void **state)
{
	char path[PATH_MAX];
	char *text = (char *)"untouched";

	(void)state;
	snprintf(path, sizeof(path), "%s/none.conf", dir);
	assert_int_equal(dropin_read_own(path, &text), 0);
	assert_null(text);
	snprintf(path, sizeof(path), "%s/adir.conf", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(dropin_read_own(path, &text), DROPIN_FOREIGN);
	assert_null(text);
	/* A FIFO with no writer: refused at once, not waited on. */
	snprintf(path, sizeof(path), "%s/fifo.conf", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(dropin_read_own(path, &text), DROPIN_FOREIGN);
	assert_null(text);
	/* A regular file without enable's header is someone else's. */
	snprintf(path, sizeof(path), "%s/theirs.conf", dir);
	assert_int_equal(dropin_write_atomic(dir, "theirs.conf",
					     "[Service]\nNice=5\n"), 0);
	assert_int_equal(dropin_read_own(path, &text), DROPIN_FOREIGN);
	assert_null(text);
}

/* What systemd reads: regular files only, a FIFO never waited on. */
static void test_open_regular(void **state)
{
	char path[PATH_MAX];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/odir.conf", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	errno = 0;
	assert_null(dropin_open_regular(path));
	assert_int_equal(errno, EISDIR);
	assert_null(dropin_read_text(path));
	snprintf(path, sizeof(path), "%s/ofifo.conf", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	errno = 0;
	assert_null(dropin_open_regular(path));
	assert_int_equal(errno, EINVAL);
	snprintf(path, sizeof(path), "%s/onone.conf", dir);
	errno = 0;
	assert_null(dropin_open_regular(path));
	assert_int_equal(errno, ENOENT);
	assert_int_equal(dropin_write_atomic(dir, "oreg.conf", "[Unit]\n"), 0);
	snprintf(path, sizeof(path), "%s/oreg.conf", dir);
	f = dropin_open_regular(path);
	assert_non_null(f);
	fclose(f);
}

static void test_write_fails_cleanly(void **state)
{
	static char name[PATH_MAX];
	char path[PATH_MAX];
	int before;

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	errno = 0;
	assert_int_equal(dropin_write_atomic(dir, name, "x\n"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	/* The final name is a directory: rename fails, nothing left. */
	snprintf(path, sizeof(path), "%s/taken.conf", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/taken.conf/inside", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	before = entries();
	errno = 0;
	assert_int_equal(dropin_write_atomic(dir, "taken.conf", "x\n"), -1);
	assert_true(errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST);
	assert_int_equal(entries(), before);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_own_foreign),
		cmocka_unit_test(test_open_regular),
		cmocka_unit_test(test_write_fails_cleanly),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
