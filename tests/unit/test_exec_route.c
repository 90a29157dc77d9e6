// SPDX-License-Identifier: BSD-3-Clause
/*
 * shim/core/exec_route.c's judgement of an exec target: a static ELF
 * (busybox-static) and an executable "#!" script run by one need the
 * launcher; a dynamic ELF, a script that is not executable, one whose
 * interpreter is missing or empty do not. By descriptor too (an O_PATH fd
 * is opened again through /proc), and through execvp()'s PATH search.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "exec_route.h"

/* Only shim_exec_launch() (not tested here) resolves the real table. */
void shim_real_resolve_once(void);
void shim_real_resolve_once(void)
{
}

#define STATIC_ELF "/bin/busybox"	/* busybox-static, tests/packages.txt */

static char dir[] = "/tmp/test_exec_route.XXXXXX";

static void write_file(const char *name, const char *text, mode_t mode,
		       char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_files(void **state)
{
	char path[PATH_MAX];
	bool script = true;

	(void)state;
	assert_true(shim_exec_needs_route(AT_FDCWD, STATIC_ELF, false, &script));
	assert_false(script);
	/* A dynamic program: the library reaches it. */
	assert_false(shim_exec_needs_route(AT_FDCWD, "/bin/sh", false, NULL));
	write_file("s1", "#! " STATIC_ELF " sh\necho hi\n", 0755, path,
		   sizeof(path));
	assert_true(shim_exec_needs_route(AT_FDCWD, path, false, &script));
	assert_true(script);
	/* Not executable: the kernel would refuse it, so no route. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_false(shim_exec_needs_route(AT_FDCWD, path, false, &script));
	write_file("s2", "#!/nonexistent/interp\n", 0755, path, sizeof(path));
	assert_false(shim_exec_needs_route(AT_FDCWD, path, false, &script));
	assert_true(script);
	write_file("s3", "#!   \n", 0755, path, sizeof(path));
	assert_false(shim_exec_needs_route(AT_FDCWD, path, false, NULL));
	write_file("s4", "#!/bin/sh\n", 0755, path, sizeof(path));
	assert_false(shim_exec_needs_route(AT_FDCWD, path, false, NULL));
	assert_false(shim_exec_needs_route(AT_FDCWD, "", false, NULL));
	assert_false(shim_exec_needs_route(AT_FDCWD, NULL, false, NULL));
	assert_false(shim_exec_needs_route(AT_FDCWD, "/nonexistent", false,
					   NULL));
}

static void test_descriptors(void **state)
{
	char path[PATH_MAX];
	bool script = false;
	int fd;

	(void)state;
	write_file("d1", "#!" STATIC_ELF " sh\n", 0755, path, sizeof(path));
	fd = open(path, O_PATH | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_true(shim_exec_fd_needs_route(fd, &script));
	assert_true(script);
	close(fd);
	fd = open(STATIC_ELF, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_true(shim_exec_fd_needs_route(fd, &script));
	assert_false(script);
	close(fd);
	fd = open("/bin/sh", O_PATH | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_false(shim_exec_fd_needs_route(fd, NULL));
	close(fd);
	/* Not an open descriptor. */
	assert_false(shim_exec_fd_needs_route(9999, NULL));
}

static void test_search(void **state)
{
	struct shim_exec_plan plan;
	char path[PATH_MAX];

	(void)state;
	memset(&plan, 0, sizeof(plan));
	/* The first directory that has it wins, as in execvp(). */
	write_file("busybox", "#!/bin/sh\n", 0755, path, sizeof(path));
	setenv("PATH", dir, 1);
	assert_false(shim_exec_search("busybox", &plan));
	snprintf(path, sizeof(path), "/nonexistent:%s:/bin", dir);
	setenv("PATH", path, 1);
	assert_false(shim_exec_search("busybox", &plan));
	setenv("PATH", "/nonexistent:/bin", 1);
	assert_true(shim_exec_search("busybox", &plan));
	assert_string_equal(plan.found, STATIC_ELF);
	assert_false(shim_exec_search("mptcpshim-no-such-program", &plan));
	/* A name with '/' is not searched. */
	assert_true(shim_exec_search(STATIC_ELF, &plan));
	assert_string_equal(plan.path, STATIC_ELF);
	assert_false(shim_exec_search("", &plan));
}

/* The launcher's argv: "mptcpshim-exec -p PATH ARGV..." or "-f/-F FD";
 * in the caller's buffer when it fits, else mapped (and released). */
static void test_launcher_argv(void **state)
{
	char *argv[] = { "prog", "a", "b", NULL };
	char *buf[8], **made;
	struct shim_exec_plan plan = { .by = SHIM_EXEC_BY_PATH,
				       .path = "/x/prog" };

	(void)state;
	made = shim_exec_argv(&plan, argv, buf, 8);
	assert_ptr_equal(made, buf);
	assert_string_equal(made[0], "mptcpshim-exec");
	assert_string_equal(made[1], "-p");
	assert_string_equal(made[2], "/x/prog");
	assert_string_equal(made[3], "prog");
	assert_string_equal(made[5], "b");
	assert_null(made[6]);
	shim_exec_argv_free(made, buf);
	plan = (struct shim_exec_plan){ .by = SHIM_EXEC_BY_FD, .fd = 1234 };
	made = shim_exec_argv(&plan, argv, buf, 6);	/* 3 + 3 + NULL: 7 */
	assert_non_null(made);
	assert_ptr_not_equal(made, buf);
	assert_string_equal(made[1], "-f");
	assert_string_equal(made[2], "1234");
	assert_string_equal(made[4], "a");
	assert_null(made[6]);
	shim_exec_argv_free(made, buf);
	plan = (struct shim_exec_plan){ .by = SHIM_EXEC_BY_OWN_FD, .fd = 7 };
	made = shim_exec_argv(&plan, NULL, buf, 8);
	assert_string_equal(made[1], "-F");
	assert_string_equal(made[2], "7");
	assert_null(made[3]);
}

/* Wanted only where the launcher is and MPTCPSHIM_DISABLE is not set. */
static void test_route_wanted(void **state)
{
	(void)state;
	setenv("MPTCPSHIM_EXEC_HELPER", STATIC_ELF, 1);
	assert_string_equal(shim_exec_helper(), STATIC_ELF);
	unsetenv("MPTCPSHIM_DISABLE");
	assert_true(shim_exec_route_wanted());
	setenv("MPTCPSHIM_DISABLE", "1", 1);
	assert_false(shim_exec_route_wanted());
	setenv("MPTCPSHIM_DISABLE", "0", 1);
	assert_true(shim_exec_route_wanted());
	unsetenv("MPTCPSHIM_DISABLE");
	/* Only an absolute path replaces the built-in one. */
	setenv("MPTCPSHIM_EXEC_HELPER", "relative/helper", 1);
	assert_true(shim_exec_helper()[0] == '/');
	setenv("MPTCPSHIM_EXEC_HELPER", "/nonexistent/helper", 1);
	assert_false(shim_exec_route_wanted());
	unsetenv("MPTCPSHIM_EXEC_HELPER");
}

/* A set-id copy of a static program keeps its privileges only without
 * the route; an ELF for another machine is not judged static-native. */
static void test_refused_targets(void **state)
{
	char path[PATH_MAX], cmd[2 * PATH_MAX];
	static const unsigned char elf32[64] = {
		0x7f, 'E', 'L', 'F', 1, 1, 1, 0, [16] = 2, 0, 3, 0, 1,
	};
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/bb", dir);
	snprintf(cmd, sizeof(cmd), "cp %s %s", STATIC_ELF, path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(chmod(path, 0755), 0);
	assert_true(shim_exec_needs_route(AT_FDCWD, path, false, NULL));
	assert_int_equal(chmod(path, 04755), 0);
	assert_false(shim_exec_needs_route(AT_FDCWD, path, false, NULL));
	snprintf(path, sizeof(path), "%s/elf32", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(elf32, 1, sizeof(elf32), f), sizeof(elf32));
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	assert_false(shim_exec_needs_route(AT_FDCWD, path, false, NULL));
	/* No PATH: execvp's default, /bin:/usr/bin. */
	unsetenv("PATH");
	{
		struct shim_exec_plan plan;

		assert_true(shim_exec_search("busybox", &plan));
		assert_string_equal(plan.found, STATIC_ELF);
	}
	setenv("PATH", "/usr/bin:/bin", 1);
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
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_descriptors),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_launcher_argv),
		cmocka_unit_test(test_route_wanted),
		cmocka_unit_test(test_refused_targets),
	};

	if (access(STATIC_ELF, X_OK) != 0) {
		printf("skipped: no %s (busybox-static)\n", STATIC_ELF);
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
