/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The routing questions the endpoint checks ask the kernel over rtnetlink
 * (libmnl): where would a packet from SRC to DST leave (as `ip route get
 * DST from SRC` asks), which addresses exist with which flags, and which
 * interfaces carry a default route.
 */
#ifndef MPTCPSHIM_RTNL_H
#define MPTCPSHIM_RTNL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The output interface for dst from src (oif > 0 forces the device, as an
 * endpoint's dev does). Returns 0 with *out_ifindex set, or -1 with the
 * kernel's errno (ENETUNREACH, EHOSTUNREACH, EINVAL for a src that is not
 * local...).
 */
int rtnl_route_get(int family, const char *dst, const char *src, int oif,
		   int *out_ifindex);

struct rtnl_addr {
	int family;
	int ifindex;
	char ifname[IF_NAMESIZE];
	char address[INET6_ADDRSTRLEN];
	unsigned prefixlen;
	unsigned scope; /* RT_SCOPE_UNIVERSE = 0 ... */
	uint32_t flags; /* IFA_F_* (32-bit via IFA_FLAGS) */
};

/* Every address (RTM_GETADDR dump). Returns 0 or -1 with errno. */
int rtnl_addresses(struct rtnl_addr **v, size_t *n);

/* Whether the main table has a default route of family via ifindex. */
bool rtnl_default_route_via(int family, int ifindex);

#endif
