/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Switching a not-yet-connected socket between TCP and MPTCP in place: the
 * application keeps its fd number, O_NONBLOCK, FD_CLOEXEC, its bound
 * address and every option it set.
 */
#ifndef MPTCPSHIM_REBUILD_H
#define MPTCPSHIM_REBUILD_H

#include <stdbool.h>

#include "fdtable.h"
#include "runtime.h"

/*
 * Replaces fd's socket with a fresh one of the other protocol. On failure
 * nothing changed: fd is the socket it was, errno is as on entry, and -1
 * is returned. why goes to the log and the stats.
 */
int shim_rebuild(int fd, struct shim_fd *entry, bool to_mptcp,
		 const char *why);

/* True if fd still holds an MPTCP socket of ours (guards stale entries). */
bool shim_fd_is_mptcp_socket(int fd);

/* Applies the policy's keepalive to a socket the app has not configured. */
void shim_apply_keepalive(int fd, struct shim_fd *entry);

/* Learns once whether a connection still runs MPTCP or fell back to TCP:
 * one getsockopt, recorded in the entry and the stats. */
void shim_classify_connection(int fd, struct shim_fd *entry, bool accepted);

/* Only `run --stats` asks what became of MPTCP connections. */
static inline bool wants_classification(const struct shim_fd *entry)
{
	return shim_rt.stats && (entry->flags & SHIM_FD_MPTCP);
}

#endif
