// SPDX-License-Identifier: BSD-3-Clause
/*
 * doctor's file inspection on files made here: `#!` parsing, Go version
 * comparison, ELF facts of this (dynamic) test binary, non-ELF files.
 * Static, Go, setuid and capability binaries: tests/integration/doctor.sh.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "elfcheck.h"

static char path[] = "/tmp/test_elfcheck.XXXXXX";

static void write_file(const char *content, size_t len)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	close(fd);
}

static void shebang(const char *content, int want, const char *interp,
		    const char *arg)
{
	char got_interp[64], got_arg[64];

	strcpy(path, "/tmp/test_elfcheck.XXXXXX");
	write_file(content, strlen(content));
	assert_int_equal(elf_read_shebang(path, got_interp, sizeof(got_interp),
					  got_arg, sizeof(got_arg)),
			 want);
	if (want == 1) {
		assert_string_equal(got_interp, interp);
		assert_string_equal(got_arg, arg);
	}
	unlink(path);
}

static void test_shebang(void **state)
{
	(void)state;
	shebang("#!/bin/sh\necho\n", 1, "/bin/sh", "");
	shebang("#! /usr/bin/env python3\n", 1, "/usr/bin/env", "python3");
	/* The kernel passes the rest of the line as one argument. */
	shebang("#!/usr/bin/perl -w -T  \n", 1, "/usr/bin/perl", "-w -T");
	shebang("#!/bin/bash", 1, "/bin/bash", "");
	shebang("#!\n", 0, NULL, NULL);
	shebang("echo hi\n", 0, NULL, NULL);
	shebang("", 0, NULL, NULL);
	assert_int_equal(elf_read_shebang("/nonexistent", NULL, 0, NULL, 0),
			 -1);
}

static void test_go_version(void **state)
{
	(void)state;
	assert_int_equal(elf_go_at_least("go1.21.0", 1, 21), 1);
	assert_int_equal(elf_go_at_least("go1.22", 1, 21), 1);
	assert_int_equal(elf_go_at_least("go2.0", 1, 21), 1);
	assert_int_equal(elf_go_at_least("go1.19.8", 1, 21), 0);
	assert_int_equal(elf_go_at_least("go1.9", 1, 21), 0);
	assert_int_equal(elf_go_at_least("devel +abc", 1, 21), -1);
}

static void test_self_is_dynamic(void **state)
{
	struct elf_facts f;
	int cls, machine;

	(void)state;
	assert_int_equal(elf_inspect("/proc/self/exe", &f), 0);
	assert_true(f.is_elf);
	assert_true(f.native);
	assert_true(f.dynamic);
	assert_false(f.go);
	assert_int_equal(f.elf_class,
			 sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32);
	assert_true(strstr(f.interp, "ld-") != NULL);
	assert_int_equal(elf_inspect_header("/proc/self/exe", &cls, &machine),
			 0);
	assert_int_equal(cls, f.elf_class);
	assert_int_equal(machine, f.machine);
}

static void test_not_elf(void **state)
{
	static const char fake[] = "\x7f" "ELG not really an ELF file......";
	struct elf_facts f;
	int cls, machine;

	(void)state;
	strcpy(path, "/tmp/test_elfcheck.XXXXXX");
	write_file(fake, sizeof(fake));
	assert_int_equal(elf_inspect(path, &f), 0);
	assert_false(f.is_elf);
	assert_int_equal(elf_inspect_header(path, &cls, &machine), -1);
	unlink(path);

	/* A truncated ELF header is not trusted either. */
	strcpy(path, "/tmp/test_elfcheck.XXXXXX");
	write_file("\x7f" "ELF\x02\x01\x01", 7);
	assert_int_equal(elf_inspect(path, &f), 0);
	assert_false(f.dynamic);
	unlink(path);

	assert_int_equal(elf_inspect("/nonexistent", &f), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(elf_inspect("/tmp", &f), 0);
	assert_false(f.is_elf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shebang),
		cmocka_unit_test(test_go_version),
		cmocka_unit_test(test_self_is_dynamic),
		cmocka_unit_test(test_not_elf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
