/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What an executable file says about whether LD_PRELOAD can reach its
 * sockets: ELF interpreter (dynamic or static), Go toolchain marks, and the
 * `#!` line of scripts. For `doctor CMD`.
 */
#ifndef MPTCPSHIM_ELFCHECK_H
#define MPTCPSHIM_ELFCHECK_H

#include <stdbool.h>
#include <stddef.h>

struct elf_facts {
	bool is_elf;
	bool native;		/* this host's byte order, so we can read it */
	int elf_class;		/* ELFCLASS32 | ELFCLASS64 */
	int machine;		/* e_machine */
	bool dynamic;		/* PT_INTERP: the loader runs, preload works */
	char interp[256];	/* PT_INTERP path */
	bool go;		/* .go.buildinfo or a Go build ID note */
	char go_version[32];	/* "go1.21.4"; "" when not recorded inline */
	/* A Go program that links a Landlock package (a package path
	 * ".../landlock.", "go-landlock", "unix.Landlock": in its module
	 * list and function names, which -s -w keeps): it may sandbox
	 * itself. */
	bool go_landlock;
};

/*
 * Inspects the file at path. Returns 0 (also for a non-ELF file, with
 * is_elf false), or -1 with errno set when it cannot be read.
 */
int elf_inspect(const char *path, struct elf_facts *f);

/* The ELF header facts of the running CLI's own shim library file. */
int elf_inspect_header(const char *path, int *elf_class, int *machine);

/*
 * For a "#!" script: the interpreter path and its first argument (""
 * if none). Returns 1 for a script, 0 for anything else, -1 on error.
 */
int elf_read_shebang(const char *path, char *interp, size_t interp_len,
		     char *arg, size_t arg_len);

/*
 * Compares Go versions "goMAJOR.MINOR[.PATCH]" against major.minor.
 * Returns 1 if at least that version, 0 if older, -1 if unparsable.
 */
int elf_go_at_least(const char *version, int major, int minor);

/*
 * For a "#!" script at path: the program that runs it, found like the
 * kernel and env(1) do ("#!/usr/bin/env NAME" looks NAME up in PATH).
 * Returns 1 with its path in out; 0 for anything but a script; -1 when
 * it cannot be found (out: the "#!" text) or path cannot be read.
 */
int elf_script_runner(const char *path, char *out, size_t len);

#endif
