// SPDX-License-Identifier: BSD-3-Clause
/* A connection's fate, read from the kernel (fate_rule.h). */
#include <stddef.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/mptcp.h>

#include "fate_rule.h"
#include "uapi_compat.h"

bool fate_still_mptcp(int fd, fate_getsockopt_fn get)
{
	int value = 0;
	socklen_t len = sizeof(value);

	if (get(fd, IPPROTO_TCP, TCP_IS_MPTCP, &value, &len) == 0)
		return value != 0;
	/* Before 6.10: MPTCP_INFO with optlen 0 fails once fallen back. */
	len = 0;
	return get(fd, SOL_MPTCP, MPTCP_INFO, NULL, &len) == 0;
}

bool fate_extra_subflows(int fd, fate_getsockopt_fn get, unsigned *n)
{
	struct mptcp_info info;
	socklen_t len = sizeof(info);

	if (get(fd, SOL_MPTCP, MPTCP_INFO, &info, &len) != 0)
		return false;
	*n = info.mptcpi_subflows;
	return true;
}
