/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pure decisions about socket() arguments and errors, kept apart from the
 * hooks so the unit tests can walk the whole table.
 */
#ifndef MPTCPSHIM_CANDIDATE_H
#define MPTCPSHIM_CANDIDATE_H

#include <stdbool.h>
#include <netinet/in.h>
#include <sys/socket.h>

/*
 * True for exactly the sockets MPTCP can stand in for: AF_INET/AF_INET6,
 * SOCK_STREAM (SOCK_NONBLOCK/SOCK_CLOEXEC allowed) and protocol 0 or
 * IPPROTO_TCP. SOCK_RAW with 262 would succeed and not be MPTCP, so the
 * type test must mask only the two flag bits.
 */
static inline bool shim_is_tcp_candidate(int domain, int type, int protocol)
{
	if (domain != AF_INET && domain != AF_INET6)
		return false;
	if ((type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != SOCK_STREAM)
		return false;
	return protocol == 0 || protocol == IPPROTO_TCP;
}

/*
 * True when socket(IPPROTO_MPTCP) failed because MPTCP cannot be had in
 * this process (disabled, not built, refused by an LSM): retrying with TCP is
 * then right. Resource errors (EMFILE, ENOBUFS...) are the application's and
 * must reach it unchanged.
 */
bool shim_errno_means_no_mptcp(int err);

#endif
