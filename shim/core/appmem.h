/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading what the application passed before the kernel has seen it (the
 * destination of a connect() the policy must decide first). A bad pointer
 * must give the app the kernel's EFAULT, never a crash in the shim.
 */
#ifndef MPTCPSHIM_APPMEM_H
#define MPTCPSHIM_APPMEM_H

#include <stdbool.h>
#include <stddef.h>

/* Copies len bytes from the app's src to dst; false (errno kept) if any
 * of them is not readable. */
bool shim_copy_from_app(void *dst, const void *src, size_t len);

/* In a fork child: the cached pid is the parent's. */
void shim_appmem_after_fork(void);

#endif
