/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Switching a not-yet-connected socket between TCP and MPTCP in place: the
 * application keeps its fd number, O_NONBLOCK, FD_CLOEXEC, its bound
 * address, every option it set and its epoll registrations.
 */
#ifndef MPTCPSHIM_REBUILD_H
#define MPTCPSHIM_REBUILD_H

#include <stdbool.h>

#include "fdtable.h"
#include "runtime.h"

/*
 * Replaces fd's socket with a fresh one of the other protocol, if the table
 * (shim_fd_rebuildable) and the kernel (TCP state CLOSE, no peer) both say
 * it is safe. On failure nothing changed: fd is the socket it was, errno is
 * as on entry, -1 is returned and the reason is logged. why goes to the
 * log and the stats.
 */
int shim_rebuild(int fd, struct shim_fd *entry, bool to_mptcp,
		 const char *why);

/* True if fd still holds an MPTCP socket of ours (guards stale entries). */
bool shim_fd_is_mptcp_socket(int fd);

/* The kernel's TCP state of fd (TCP_CLOSE, TCP_SYN_SENT...), or -1. */
int shim_fd_tcp_state(int fd);

#endif
