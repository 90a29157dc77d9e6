// SPDX-License-Identifier: BSD-3-Clause
/* The policy's keepalive options, set in one order for both routes. */
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "keepalive_rule.h"

static bool set_int(keepalive_setsockopt_fn set, int fd, int level, int name,
		    int value)
{
	return set(fd, level, name, &value, sizeof(value)) == 0;
}

bool keepalive_apply(int fd, const struct policy_keepalive *ka,
		     keepalive_setsockopt_fn set)
{
	return set_int(set, fd, SOL_SOCKET, SO_KEEPALIVE, 1) &&
	       (ka->idle <= 0 ||
		set_int(set, fd, IPPROTO_TCP, TCP_KEEPIDLE, ka->idle)) &&
	       (ka->interval <= 0 ||
		set_int(set, fd, IPPROTO_TCP, TCP_KEEPINTVL, ka->interval)) &&
	       (ka->count <= 0 ||
		set_int(set, fd, IPPROTO_TCP, TCP_KEEPCNT, ka->count));
}
