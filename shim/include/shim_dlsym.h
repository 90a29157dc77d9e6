/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dlsym() at its first symbol version, so that the library built against
 * glibc 2.34+ (where dlsym moved into libc as GLIBC_2.34) still loads into
 * older images (see glibc_floor.h). Before 2.34 that version is defined by
 * libdl, so a program that never loaded libdl cannot bind it: the pin keeps
 * the version need within the floor until symbol resolution stops needing
 * dlsym at all (issue 25).
 */
#ifndef MPTCPSHIM_SHIM_DLSYM_H
#define MPTCPSHIM_SHIM_DLSYM_H

#include <dlfcn.h>

#if defined(__GLIBC__) && defined(__x86_64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.2.5");
#elif defined(__GLIBC__) && defined(__aarch64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.17");
#endif

#endif
