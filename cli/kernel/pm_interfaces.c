// SPDX-License-Identifier: BSD-3-Clause
/*
 * Where the endpoints' addresses and interfaces are on this host
 * (getifaddrs): which interface holds an address, whether it is up.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "pm.h"

static bool same_address(const struct pm_endpoint *ep,
			 const struct sockaddr *sa)
{
	char text[INET6_ADDRSTRLEN];
	const void *raw;

	if (!sa || sa->sa_family != ep->family)
		return false;
	if (sa->sa_family == AF_INET)
		raw = &((const struct sockaddr_in *)sa)->sin_addr;
	else
		raw = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	return inet_ntop(sa->sa_family, raw, text, sizeof(text)) &&
	       strcmp(text, ep->address) == 0;
}

bool pm_interface_holding(const struct ifaddrs *list, int family,
			  const char *address, char *name)
{
	struct pm_endpoint probe = { .family = family };

	snprintf(probe.address, sizeof(probe.address), "%s", address);
	for (const struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next)
		if (same_address(&probe, ifa->ifa_addr)) {
			snprintf(name, IF_NAMESIZE, "%s", ifa->ifa_name);
			return true;
		}
	name[0] = '\0';
	return false;
}

/* Flags of the interface called name, from the AF_PACKET entries. */
static bool interface_flags(const struct ifaddrs *list, const char *name,
			    unsigned *flags)
{
	for (const struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next)
		if (strcmp(ifa->ifa_name, name) == 0) {
			*flags = ifa->ifa_flags;
			return true;
		}
	return false;
}

static void probe_endpoint(struct pm_endpoint *ep, const struct ifaddrs *list)
{
	const char *ifname = ep->ifindex > 0 ? ep->ifname : NULL;
	const char *holder = NULL;
	unsigned flags;

	for (const struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next)
		if (same_address(ep, ifa->ifa_addr)) {
			holder = ifa->ifa_name;
			break;
		}
	ep->address_present = holder != NULL;
	/* Without "dev", the interface that holds the address is the one
	 * whose state matters. */
	if (!ifname)
		ifname = holder;
	if (ep->ifindex > 0 && !ep->ifname[0]) {
		ep->if_exists = false;
		ep->if_up = ep->if_running = false;
		return;
	}
	if (!ifname || !interface_flags(list, ifname, &flags)) {
		ep->if_exists = ep->ifindex <= 0;
		ep->if_up = ep->if_running = ep->ifindex <= 0;
		return;
	}
	ep->if_exists = true;
	ep->if_up = flags & IFF_UP;
	ep->if_running = flags & IFF_RUNNING;
}

void pm_probe_interfaces(struct pm_state *st)
{
	struct ifaddrs *list = NULL;

	if (getifaddrs(&list) < 0)
		return;
	for (size_t i = 0; i < st->n; i++)
		probe_endpoint(&st->ep[i], list);
	freeifaddrs(list);
}
