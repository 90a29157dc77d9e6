/* SPDX-License-Identifier: BSD-3-Clause */
/* Finding libmptcpshim.so by absolute path, from the build tree or installed. */
#ifndef MPTCPSHIM_LIBPATH_H
#define MPTCPSHIM_LIBPATH_H

#include <stddef.h>

/*
 * Writes the absolute path of the shim library into buf. Looks at
 * $MPTCPSHIM_LIBRARY, then beside the running CLI (build tree, then the
 * installed layout relative to bindir), then the configured libdir, then
 * where a CDI device mounts it in a container.
 * Returns 0, or -1 when no readable library was found.
 */
int libpath_find(char *buf, size_t len);

/* Run from a build tree: points the library at the build tree's
 * mptcpshim-exec (MPTCPSHIM_EXEC_HELPER), unless already set. */
void libpath_exec_helper_env(const char *library);

/* The seccomp route's launcher, as the library finds it: the path fixed
 * at build time, or MPTCPSHIM_EXEC_HELPER (not under AT_SECURE). */
const char *libpath_exec_helper(void);

#endif
