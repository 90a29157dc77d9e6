/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The preloaded library loads into images older than the machine that
 * built it: it needs no glibc symbol version newer than GLIBC_2.28 (RHEL 8;
 * Debian 11 and Ubuntu 20.04 have 2.31), and no library but libc. Every
 * source of the library (and of the policy code linked into it) gets this
 * header first (-include, see shim/CMakeLists.txt); test_glibc_floor
 * reads the built library's version needs and fails on a newer one.
 *
 * What newer glibc would otherwise pull in, and what stands in:
 * - strtol/strtoul/sscanf become __isoc23_* (GLIBC_2.38) under _GNU_SOURCE
 *   from glibc 2.38 on (Debian 13): the redirect is switched off here; the
 *   only difference is a "0b" prefix, which no policy value uses.
 * - fstat and stat are symbols of their own only since GLIBC_2.33 (before,
 *   inline wrappers of __fxstat/__xstat): shim_fstat() and shim_stat()
 *   below make the system calls.
 * - pthread_once moved into libc at GLIBC_2.34; before, it lives only in
 *   libpthread, which a program need not load: init is claimed by a
 *   compare-and-swap of its own (core/runtime.c).
 * - strerrorname_np (GLIBC_2.32): shim_errno_name() in core/log.c.
 * - pthread_sigmask moved into libc at GLIBC_2.32 (before: libpthread):
 *   sigprocmask, the same per-thread mask on Linux (system_log.h).
 * - dlsym moved into libc at GLIBC_2.34 (before: libdl): the next
 *   definitions come from one walk of the loaded objects' symbol tables
 *   (core/symbol_walk.c), not from dlsym.
 * musl builds (musl-gcc) see only shim_fstat(), as a plain fstat().
 */
#ifndef MPTCPSHIM_GLIBC_FLOOR_H
#define MPTCPSHIM_GLIBC_FLOOR_H

#include <features.h>

#ifdef __GLIBC__
#undef __GLIBC_USE_C2X_STRTOL
#define __GLIBC_USE_C2X_STRTOL 0
#undef __GLIBC_USE_C23_STRTOL
#define __GLIBC_USE_C23_STRTOL 0
#endif

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* On LP64 Linux with glibc, struct stat is the kernel's own layout, so the
 * system call fills it as fstat() would; elsewhere, the libc call. */
static inline int shim_fstat(int fd, struct stat *st)
{
#if defined(__GLIBC__) && (defined(__x86_64__) || defined(__aarch64__))
	return (int)syscall(SYS_fstat, fd, st);
#else
	return fstat(fd, st);
#endif
}

/* stat() (a symbol of its own since GLIBC_2.33 too) as newfstatat, which
 * both architectures have (aarch64 has no plain stat system call). */
static inline int shim_stat(const char *path, struct stat *st)
{
#if defined(__GLIBC__) && (defined(__x86_64__) || defined(__aarch64__))
	return (int)syscall(SYS_newfstatat, AT_FDCWD, path, st, 0);
#else
	return stat(path, st);
#endif
}

/* Every fstat() and stat() the library's sources make is one of the above,
 * so that a call added later cannot raise the floor (lstat and fstatat are
 * GLIBC_2.33 too: test_glibc_floor names them if they appear). */
#if defined(__GLIBC__) && (defined(__x86_64__) || defined(__aarch64__))
#define fstat(fd, st) shim_fstat((fd), (st))
#define stat(path, st) shim_stat((path), (st))
#endif

#endif
