/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What became of an MPTCP connection, asked of the kernel the same way by
 * the library (its own sockets) and the seccomp supervisor (a task's
 * socket, borrowed): still MPTCP or fallen back to TCP, and its subflows.
 */
#ifndef MPTCPSHIM_FATE_RULE_H
#define MPTCPSHIM_FATE_RULE_H

#include <stdbool.h>
#include <sys/socket.h>

/* The getsockopt() to use: the library's next definition, or libc's. */
typedef int (*fate_getsockopt_fn)(int fd, int level, int name, void *value,
				  socklen_t *len);

/* True while the connection runs MPTCP (TCP_IS_MPTCP, 6.10+; before,
 * MPTCP_INFO, which fails once fallen back). */
bool fate_still_mptcp(int fd, fate_getsockopt_fn get);

/* The subflows MPTCP_INFO reports beyond the first; false if unknown. */
bool fate_extra_subflows(int fd, fate_getsockopt_fn get, unsigned *n);

#endif
