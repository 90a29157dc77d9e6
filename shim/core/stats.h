/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-process counts for `mptcpshim run --stats`. The hooks call these only
 * when shim_rt.stats is set (MPTCPSHIM_STATS given), so a normal run pays
 * nothing. The implementation writes small O_APPEND records to the location
 * the CLI created; the CLI sums them per program and pid. The records
 * themselves are made by the writer the seccomp route uses too
 * (shim/rules/stats_events.c); this file only says where they go.
 */
#ifndef MPTCPSHIM_STATS_H
#define MPTCPSHIM_STATS_H

#include <stdbool.h>

#include "stats_events.h"

/* Every TCP candidate socket() the shim saw, with what it did. */
void shim_stats_socket(int fd, enum stats_socket_outcome outcome,
		       int err, const char *reason);

/* A socket switched between protocols at connect/listen/option time. */
void shim_stats_switch(int fd, bool to_mptcp, const char *why);

/*
 * A connection's handshake outcome, learnt once per connection (connect
 * completion or accept): mptcp = still MPTCP, else fell back to TCP.
 */
void shim_stats_handshake(int fd, bool mptcp, bool accepted);

/* At close of an MPTCP socket: the extra subflows MPTCP_INFO reported. */
void shim_stats_subflows(int fd, unsigned extra_subflows);

/* An option MPTCP refused: rescued (socket rebuilt as TCP) or ignored. */
void shim_stats_option(int fd, int level, int optname, bool rescued);

/* Policy keepalive applied to a socket. */
void shim_stats_keepalive(int fd);

/* A log line that could not go to the program's stderr: `run --stats`
 * shows it (the system log has it too). */
void shim_stats_warning(const char *message);

#endif
