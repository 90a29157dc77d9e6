/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The seccomp route's supervisor: answers the filter's notifications by
 * making the MPTCP socket itself and installing it in the trapped task, or
 * by letting the task's own socket() run (any failure, or policy TCP).
 */
#ifndef MPTCPSHIM_SECCOMP_SUPERVISOR_H
#define MPTCPSHIM_SECCOMP_SUPERVISOR_H

#include <stdbool.h>

/*
 * Serves listener_fd until no task uses the filter any more (the listener
 * reports POLLHUP), then returns. Policy comes from the standard sources
 * (MPTCPSHIM_CONFIG included), per program, on first use; stats records go
 * to $MPTCPSHIM_STATS when set; debug logs each socket on stderr.
 */
void seccomp_supervise(int listener_fd, bool debug);

#endif
