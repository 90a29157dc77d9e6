// SPDX-License-Identifier: BSD-3-Clause
/*
 * doctor's file inspection on files made here: `#!` parsing, Go version
 * comparison, ELF facts of this (dynamic) test binary, non-ELF files, and
 * ELF files crafted byte by byte (32-bit, foreign byte order, Go marks,
 * stripped section headers, out-of-file offsets).
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

/* A Go build-info blob: magic, flags with the inline-version bit, then a
 * varint length and the version (Go 1.18+). Returns its size. */
static size_t go_buildinfo(unsigned char *out, const unsigned char *len_varint,
			   size_t varint_n, const char *version)
{
	size_t n = 32;

	memset(out, 0, 32);
	memcpy(out, "\xff Go buildinf:", 14);
	out[14] = 8;
	out[15] = 0x2;
	memcpy(out + n, len_varint, varint_n);
	n += varint_n;
	memcpy(out + n, version, strlen(version));
	return n + strlen(version);
}

static void inspect_bytes(const void *bytes, size_t len, struct elf_facts *f)
{
	strcpy(path, "/tmp/test_elfcheck.XXXXXX");
	write_file(bytes, len);
	assert_int_equal(elf_inspect(path, f), 0);
	unlink(path);
}

static const char interp32[] = "/lib/ld-linux.so.2";
static const char shstrtab32[] = "\0.shstrtab\0.go.buildinfo";

/* A 32-bit file in img[1024]: PT_INTERP, a Go build ID note, and the
 * sections .shstrtab and .go.buildinfo (headers at 512). */
static void build_elf32(unsigned char *img)
{
	static const char *const interp = interp32, *const shstrtab = shstrtab32;
	unsigned char info[64];
	Elf32_Ehdr *eh = (void *)img;
	Elf32_Phdr *ph = (void *)(img + sizeof(*eh));
	Elf32_Shdr *sh = (void *)(img + 512);
	Elf32_Nhdr note = { .n_namesz = 3, .n_descsz = 4, .n_type = 4 };
	size_t info_len = go_buildinfo(info, (const unsigned char *)"\x08", 1,
				       "go1.22.1");

	memset(img, 0, 1024);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ?
				       ELFDATA2LSB : ELFDATA2MSB;
	eh->e_machine = EM_386;
	eh->e_phoff = sizeof(*eh);
	eh->e_phnum = 2;
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_shoff = 512;
	eh->e_shnum = 3;
	eh->e_shentsize = sizeof(Elf32_Shdr);
	eh->e_shstrndx = 1;
	ph[0] = (Elf32_Phdr){ .p_type = PT_INTERP, .p_offset = 200,
			      .p_filesz = sizeof(interp32) };
	memcpy(img + 200, interp, sizeof(interp32));
	ph[1] = (Elf32_Phdr){ .p_type = PT_NOTE, .p_offset = 240,
			      .p_filesz = sizeof(note) + 4 + 4 };
	memcpy(img + 240, &note, sizeof(note));
	memcpy(img + 240 + sizeof(note), "Go\0\0abcd", 8);
	sh[1] = (Elf32_Shdr){ .sh_name = 1, .sh_type = SHT_STRTAB,
			      .sh_offset = 300, .sh_size = sizeof(shstrtab32) };
	memcpy(img + 300, shstrtab, sizeof(shstrtab32));
	sh[2] = (Elf32_Shdr){ .sh_name = 11, .sh_type = SHT_PROGBITS,
			      .sh_offset = 400, .sh_size = info_len };
	memcpy(img + 400, info, info_len);
}

/* A 32-bit file: PT_INTERP, a Go build ID note, a .go.buildinfo section. */
static void test_crafted_elf32(void **state)
{
	static const char *const interp = interp32;
	unsigned char img[1024];
	Elf32_Ehdr *eh = (void *)img;
	Elf32_Phdr *ph = (void *)(img + sizeof(*eh));
	Elf32_Shdr *sh = (void *)(img + 512);
	Elf32_Nhdr note;
	struct elf_facts f;

	(void)state;
	build_elf32(img);
	inspect_bytes(img, sizeof(img), &f);
	assert_true(f.is_elf);
	assert_true(f.native);
	assert_int_equal(f.elf_class, ELFCLASS32);
	assert_int_equal(f.machine, EM_386);
	assert_true(f.dynamic);
	assert_string_equal(f.interp, interp);
	assert_true(f.go);
	assert_string_equal(f.go_version, "go1.22.1");

	/* The note alone marks Go (a build without .go.buildinfo's name). */
	memcpy(img + 300, "\0.shstrtab\0.go.other....", sizeof(shstrtab32));
	inspect_bytes(img, sizeof(img), &f);
	assert_true(f.go);
	assert_string_equal(f.go_version, "");

	/* A note of another owner, then a truncated one: not Go. */
	note = (Elf32_Nhdr){ .n_namesz = 4, .n_descsz = 0, .n_type = 3 };
	memcpy(img + 240, &note, sizeof(note));
	memcpy(img + 240 + sizeof(note), "GNU", 4);
	ph[1].p_filesz = sizeof(note) + 4 + sizeof(note);
	note = (Elf32_Nhdr){ .n_namesz = 3, .n_descsz = 64, .n_type = 4 };
	memcpy(img + 240 + sizeof(note) + 4, &note, sizeof(note));
	inspect_bytes(img, sizeof(img), &f);
	assert_false(f.go);
	assert_true(f.dynamic);

	/* Offsets past the end of the file are skipped, never read. */
	ph[0].p_offset = 5000;
	sh[1].sh_offset = 5000;
	inspect_bytes(img, sizeof(img), &f);
	assert_true(f.is_elf);
	assert_false(f.dynamic);
	assert_false(f.go);
	/* A section-name index past the table: no section found. */
	sh[1].sh_offset = 300;
	eh->e_shstrndx = 7;
	inspect_bytes(img, sizeof(img), &f);
	assert_false(f.go);
}

/* Every header field that points somewhere is checked before use. */
static void test_crafted_bounds(void **state)
{
	unsigned char img[1024];
	Elf32_Ehdr *eh = (void *)img;
	Elf32_Phdr *ph = (void *)(img + sizeof(*eh));
	Elf32_Shdr *sh = (void *)(img + 512);
	struct elf_facts f;
	char interp[64], arg[64];
	int cls, machine;

	(void)state;
	/* An interpreter path longer than the field is cut, not overrun. */
	build_elf32(img);
	ph[0].p_offset = 640;
	ph[0].p_filesz = 300;
	memset(img + 640, 'a', 300);
	inspect_bytes(img, sizeof(img), &f);
	assert_true(f.dynamic);
	assert_int_equal(strlen(f.interp), sizeof(f.interp) - 1);

	/* A section name past its table, or not NUL-terminated inside it:
	 * no .go.buildinfo (the note still says Go, without a version). */
	build_elf32(img);
	sh[2].sh_name = 200;
	inspect_bytes(img, sizeof(img), &f);
	assert_true(f.go);
	assert_string_equal(f.go_version, "");
	build_elf32(img);
	sh[1].sh_size = 15;	/* ends inside ".go.buildinfo" */
	inspect_bytes(img, sizeof(img), &f);
	assert_string_equal(f.go_version, "");
	/* Section headers smaller than the class's: none is read. */
	build_elf32(img);
	eh->e_shentsize = 10;
	inspect_bytes(img, sizeof(img), &f);
	assert_string_equal(f.go_version, "");
	/* Program headers past the end of the file. */
	build_elf32(img);
	eh->e_phoff = 1020;
	inspect_bytes(img, sizeof(img), &f);
	assert_false(f.dynamic);
	assert_string_equal(f.go_version, "go1.22.1");
	/* An unknown class: an ELF file, nothing else read. */
	build_elf32(img);
	img[EI_CLASS] = 3;
	inspect_bytes(img, sizeof(img), &f);
	assert_true(f.is_elf);
	assert_false(f.dynamic);
	assert_false(f.go);

	/* Paths that cannot be read (a directory reads EISDIR). */
	assert_int_equal(elf_inspect_header("/nonexistent", &cls, &machine),
			 -1);
	assert_int_equal(elf_inspect_header("/tmp", &cls, &machine), -1);
	assert_int_equal(elf_read_shebang("/tmp", interp, sizeof(interp), arg,
					  sizeof(arg)), -1);
	assert_int_equal(errno, EISDIR);
}

/* Section headers stripped: the build-info magic is found in the data. */
static void test_crafted_stripped_go(void **state)
{
	unsigned char img[512] = { 0 }, info[200];
	char long_version[150];
	Elf64_Ehdr *eh = (void *)img;
	struct elf_facts f;
	size_t n;

	(void)state;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ?
				       ELFDATA2LSB : ELFDATA2MSB;
	eh->e_machine = EM_X86_64;
	n = go_buildinfo(info, (const unsigned char *)"\x07", 1, "go1.21.5");
	memcpy(img + 128, info, n);
	inspect_bytes(img, sizeof(img), &f);
	assert_true(f.is_elf);
	assert_int_equal(f.elf_class, ELFCLASS64);
	assert_false(f.dynamic);
	assert_true(f.go);
	/* The varint said 7 bytes: exactly those are the version. */
	assert_string_equal(f.go_version, "go1.21.");

	/* A two-byte varint (130) longer than the field: Go, no version. */
	memset(long_version, 'x', sizeof(long_version) - 1);
	long_version[sizeof(long_version) - 1] = '\0';
	memcpy(long_version, "go", 2);
	memset(img + 128, 0, sizeof(img) - 128);
	n = go_buildinfo(info, (const unsigned char *)"\x82\x01", 2,
			 long_version);
	memcpy(img + 128, info, n < sizeof(img) - 128 ? n : sizeof(img) - 128);
	inspect_bytes(img, sizeof(img), &f);
	assert_true(f.go);
	assert_string_equal(f.go_version, "");

	/* A length running past the end of the file: no version either. */
	memset(img + 128, 0, sizeof(img) - 128);
	n = go_buildinfo(info, (const unsigned char *)"\x10", 1, "go1.2");
	memcpy(img + sizeof(img) - n, info, n);
	inspect_bytes(img, sizeof(img), &f);
	assert_true(f.go);
	assert_string_equal(f.go_version, "");
}

/* The other byte order: an ELF file, but nothing in it is read. */
static void test_crafted_foreign_order(void **state)
{
	unsigned char img[sizeof(Elf64_Ehdr)] = { 0 };
	struct elf_facts f;
	int cls = 0, machine = -1;

	(void)state;
	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = ELFCLASS64;
	img[EI_DATA] = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ?
			       ELFDATA2MSB : ELFDATA2LSB;
	inspect_bytes(img, sizeof(img), &f);
	assert_true(f.is_elf);
	assert_false(f.native);
	assert_false(f.dynamic);
	strcpy(path, "/tmp/test_elfcheck.XXXXXX");
	write_file((const char *)img, sizeof(img));
	assert_int_equal(elf_inspect_header(path, &cls, &machine), 0);
	assert_int_equal(cls, ELFCLASS64);
	assert_int_equal(machine, 0);	/* not read in a foreign order */
	unlink(path);
}

/* "#!/usr/bin/env": the named program found in PATH; options refused. */
static void test_script_runner(void **state)
{
	char out[256], *saved = getenv("PATH") ? strdup(getenv("PATH")) : NULL;

	(void)state;
	strcpy(path, "/tmp/test_elfcheck.XXXXXX");
	write_file("#!/usr/bin/env sh -x\n", 21);
	setenv("PATH", "/nonexistent::/bin", 1);
	assert_int_equal(elf_script_runner(path, out, sizeof(out)), 1);
	assert_string_equal(out, "/bin/sh");
	/* execvp's default search path: glibc's _CS_PATH, /bin:/usr/bin
	 * (strace of `env -u PATH env NAME` shows that order). */
	unsetenv("PATH");
	assert_int_equal(elf_script_runner(path, out, sizeof(out)), 1);
	assert_string_equal(out, access("/bin/sh", X_OK) == 0 ? "/bin/sh"
							      : "/usr/bin/sh");
	unlink(path);

	strcpy(path, "/tmp/test_elfcheck.XXXXXX");
	write_file("#!/usr/bin/env -S sh -x\n", 24);
	assert_int_equal(elf_script_runner(path, out, sizeof(out)), -1);
	assert_string_equal(out, "/usr/bin/env -S sh -x");
	unlink(path);

	strcpy(path, "/tmp/test_elfcheck.XXXXXX");
	write_file("plain text\n", 11);
	strcpy(out, "junk");
	assert_int_equal(elf_script_runner(path, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	unlink(path);
	if (saved)
		setenv("PATH", saved, 1);
	free(saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shebang),
		cmocka_unit_test(test_go_version),
		cmocka_unit_test(test_self_is_dynamic),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_crafted_elf32),
		cmocka_unit_test(test_crafted_bounds),
		cmocka_unit_test(test_crafted_stripped_go),
		cmocka_unit_test(test_crafted_foreign_order),
		cmocka_unit_test(test_script_runner),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
