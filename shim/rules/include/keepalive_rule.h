/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The policy's keepalive, for the library (its own sockets) and the
 * seccomp supervisor (a socket it makes for a trapped task): which sockets
 * get it, and the options set, in one place.
 */
#ifndef MPTCPSHIM_KEEPALIVE_RULE_H
#define MPTCPSHIM_KEEPALIVE_RULE_H

#include <stdbool.h>
#include <sys/socket.h>

#include "policy.h"

/* The setsockopt() to use: the library's next definition, or libc's. */
typedef int (*keepalive_setsockopt_fn)(int fd, int level, int name,
				       const void *value, socklen_t len);

/* Whether a new socket gets the policy's keepalive: every MPTCP one, TCP
 * ones too with keepalive.all_tcp. */
static inline bool keepalive_wanted(const struct policy_keepalive *ka,
				    bool mptcp)
{
	return ka->enabled && (mptcp || ka->all_tcp);
}

/*
 * SO_KEEPALIVE, then each of idle, interval and count the policy gives (0:
 * the kernel's default, not set). True only if every option was set: only
 * then may it be counted as applied. errno is that of the failure.
 */
bool keepalive_apply(int fd, const struct policy_keepalive *ka,
		     keepalive_setsockopt_fn set);

#endif
