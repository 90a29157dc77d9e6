// SPDX-License-Identifier: BSD-3-Clause
/*
 * What around the path manager decides whether endpoints work: reverse
 * path filtering, routes from each endpoint to the peer, who manages
 * endpoints, and addresses left without one (mptcp-facts §15).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm_check.h"
#include "procmap.h"
#include "rtnl.h"
#include "strbuf.h"
#include "sysctl.h"

void pm_find_managers(bool *nm, bool *mptcpd)
{
	static const char *const names[] = { "NetworkManager", "mptcpd" };
	bool running[2];

	procmap_running(names, 2, running);
	*nm = running[0];
	*mptcpd = running[1];
}

static bool interface_usable(const char *ifname, const struct ifaddrs *list)
{
	for (const struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next)
		if (strcmp(ifa->ifa_name, ifname) == 0)
			return (ifa->ifa_flags & IFF_UP) &&
			       !(ifa->ifa_flags & IFF_LOOPBACK);
	return false;
}

static bool link_local(const struct rtnl_addr *a)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (a->family == AF_INET)
		return inet_pton(AF_INET, a->address, &a4) == 1 &&
		       (ntohl(a4.s_addr) >> 16) == 0xa9fe;
	return inet_pton(AF_INET6, a->address, &a6) == 1 &&
	       IN6_IS_ADDR_LINKLOCAL(&a6);
}

int pm_usable_addresses(struct rtnl_addr **out, size_t *nout)
{
	struct ifaddrs *list = NULL;
	struct rtnl_addr *v;
	size_t n, kept = 0;

	if (rtnl_addresses(&v, &n) < 0)
		return -1;
	if (getifaddrs(&list) < 0)
		list = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct rtnl_addr *a = &v[i];

		if (a->scope != RT_SCOPE_UNIVERSE || link_local(a) ||
		    (a->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) ||
		    !interface_usable(a->ifname, list))
			continue;
		v[kept++] = *a;
	}
	if (list)
		freeifaddrs(list);
	*out = v;
	*nout = kept;
	return (int)kept;
}

static bool is_ula(const char *address)
{
	struct in6_addr a6;

	return inet_pton(AF_INET6, address, &a6) == 1 &&
	       (a6.s6_addr[0] & 0xfe) == 0xfc;
}

static bool has_endpoint(const struct pm_state *st, const struct rtnl_addr *a)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->ep[i].family == a->family &&
		    strcmp(st->ep[i].address, a->address) == 0)
			return true;
	return false;
}

static void likely_cause(const struct pm_state *st, const struct rtnl_addr *a,
			 char *buf, size_t len)
{
	if (a->family == AF_INET6 && is_ula(a->address))
		snprintf(buf, len,
			 "a ULA address: NetworkManager adds no "
			 "endpoint for these");
	else if (a->flags & IFA_F_TEMPORARY)
		snprintf(buf, len,
			 "a privacy (temporary) address: "
			 "NetworkManager adds no endpoint for these");
	else if (!rtnl_default_route_via(a->family, a->ifindex))
		snprintf(buf, len,
			 "no IPv%c default route through %s: "
			 "NetworkManager adds no endpoint there",
			 a->family == AF_INET ? '4' : '6', a->ifname);
	else if (!st->nm_running && !st->mptcpd_running)
		snprintf(buf, len,
			 "neither NetworkManager nor mptcpd runs, "
			 "so nothing adds endpoints");
	else
		snprintf(buf, len,
			 "%s did not add it (is the interface "
			 "managed, and MPTCP enabled for it?)",
			 st->nm_running ? "NetworkManager" : "mptcpd");
}

/* Only worth saying on a multihomed host: one interface is one path. */
static void find_unused(struct pm_state *st)
{
	struct rtnl_addr *v;
	size_t n, ifaces = 0;

	if (pm_usable_addresses(&v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i; j++)
			seen |= v[j].ifindex == v[i].ifindex;
		ifaces += !seen;
	}
	for (size_t i = 0; i < n && ifaces >= 2; i++) {
		struct pm_unused_address *u;

		if (has_endpoint(st, &v[i]))
			continue;
		u = array_push(&st->unused, &st->nunused, sizeof(*u));
		if (!u)
			break;
		u->family = v[i].family;
		snprintf(u->address, sizeof(u->address), "%s", v[i].address);
		snprintf(u->ifname, sizeof(u->ifname), "%s", v[i].ifname);
		likely_cause(st, &v[i], u->cause, sizeof(u->cause));
	}
	free(v);
}

static void check_route(struct pm_endpoint *ep, const char *peer)
{
	struct in6_addr raw;
	int oif = 0;

	if (!(ep->flags & PM_FLAG_SUBFLOW) ||
	    inet_pton(ep->family, peer, &raw) != 1 || !ep->address_present)
		return;
	ep->route_checked = true;
	/* Without forcing dev: with it the kernel assumes the peer is on
	 * that link and always "finds" a route. */
	if (rtnl_route_get(ep->family, peer, ep->address, 0, &oif) < 0) {
		ep->route_error = errno;
		return;
	}
	if (oif <= 0 || !if_indextoname(oif, ep->route_ifname))
		ep->route_ifname[0] = '\0';
}

void pm_probe_environment(struct pm_state *st, const char *peer)
{
	struct ifaddrs *list = NULL;

	st->env_probed = true;
	snprintf(st->peer, sizeof(st->peer), "%s", peer ? peer : "");
	pm_find_managers(&st->nm_running, &st->mptcpd_running);
	if (getifaddrs(&list) < 0)
		list = NULL;
	for (size_t i = 0; i < st->n; i++) {
		struct pm_endpoint *ep = &st->ep[i];

		pm_interface_holding(list, ep->family, ep->address, ep->holder);
		ep->rp_filter = -1;
		if (ep->family == AF_INET && (ep->ifname[0] || ep->holder[0]))
			ep->rp_filter = sysctl_rp_filter(
			    ep->ifname[0] ? ep->ifname : ep->holder);
		if (peer)
			check_route(ep, peer);
	}
	if (list)
		freeifaddrs(list);
	find_unused(st);
}
