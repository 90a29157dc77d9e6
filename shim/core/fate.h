/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A connection's fate: whether it still runs MPTCP or fell back to TCP in
 * the handshake. Only `run --stats` asks, so nothing here runs otherwise.
 */
#ifndef MPTCPSHIM_FATE_H
#define MPTCPSHIM_FATE_H

#include <stdbool.h>

#include "fdtable.h"
#include "runtime.h"

/* Learns the fate once per connection: one getsockopt, recorded in the
 * entry (SHIM_FD_FATE_KNOWN, SHIM_FD_FALLBACK) and in the stats. */
void shim_learn_fate(int fd, struct shim_fd *entry, bool accepted);

/* True when the fate of this socket's connection is worth learning. */
static inline bool shim_wants_fate(const struct shim_fd *entry)
{
	return shim_stats_enabled() && (entry->flags & SHIM_FD_MPTCP);
}

#endif
