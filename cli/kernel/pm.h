/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The in-kernel path manager as the kernel tells it: endpoints and limits
 * (over generic netlink) and the state of the interfaces they name. What
 * that configuration means (warnings, the host around it) is
 * insight/pm_check.h. Shared by `endpoints`, `doctor`, `mib --explain`
 * and `run --events`.
 */
#ifndef MPTCPSHIM_PM_H
#define MPTCPSHIM_PM_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Endpoint flags (uapi values; LAMINAR is newer than 6.18's headers). */
#define PM_FLAG_SIGNAL 0x01
#define PM_FLAG_SUBFLOW 0x02
#define PM_FLAG_BACKUP 0x04
#define PM_FLAG_FULLMESH 0x08
#define PM_FLAG_IMPLICIT 0x10
#define PM_FLAG_LAMINAR 0x20

struct pm_endpoint {
	unsigned id;
	int family;			/* AF_INET or AF_INET6 */
	char address[INET6_ADDRSTRLEN];
	unsigned port;			/* 0: none */
	unsigned flags;
	int ifindex;			/* 0: none */
	char ifname[IF_NAMESIZE];	/* "" when ifindex is 0 or unknown */
	/* From pm_probe_interfaces(); true until probed. */
	bool if_exists;
	bool if_up;			/* IFF_UP */
	bool if_running;		/* IFF_RUNNING: carrier */
	bool address_present;		/* configured on the host (or if) */
	/* From pm_probe_environment(), when st->env_probed. */
	int rp_filter;			/* effective IPv4 value; -1 unknown */
	char holder[IF_NAMESIZE];	/* interface holding the address */
	bool route_checked;		/* towards st->peer */
	int route_error;		/* errno of the lookup; 0: routed */
	char route_ifname[IF_NAMESIZE];	/* where the route leaves */
};

/* A usable address no endpoint uses, and the likely reason. */
struct pm_unused_address {
	int family;
	char address[INET6_ADDRSTRLEN];
	char ifname[IF_NAMESIZE];
	char cause[160];
};

struct pm_state {
	struct pm_endpoint *ep;
	size_t n;
	bool limits_known;
	unsigned subflows;		/* max extra subflows per connection */
	unsigned add_addr_accepted;	/* max ADD_ADDRs used per connection */
	/* The host around the path manager (pm_probe_environment()). */
	bool env_probed;
	bool nm_running, mptcpd_running;
	char peer[INET6_ADDRSTRLEN];	/* "" unless --peer was given */
	struct pm_unused_address *unused;
	size_t nunused;
};

/*
 * Fetches endpoints (GET_ADDR dump) and limits (GET_LIMITS) of the current
 * network namespace from the "mptcp_pm" family. Returns 0, or -1 with errno
 * set: ENOENT when the family does not exist (kernel without MPTCP).
 */
int pm_fetch(struct pm_state *st);

/* pm_fetch() from the generic netlink family called name (for tests). */
int pm_fetch_family(const char *name, struct pm_state *st);

/*
 * The ids of a generic netlink family and of one of its multicast groups
 * (for the event listener). Returns 0, or -1 with errno (ENOENT: no such
 * family or group).
 */
int pm_genl_group(const char *family, const char *group,
		  uint16_t *family_id, uint32_t *group_id);

/*
 * Changes to the path manager (CAP_NET_ADMIN): add ep (family, address,
 * flags, ifindex; id and port when set), delete by id, flush, set limits.
 * Each returns 0, or -1 with the kernel's errno.
 */
int pm_add_endpoint(const struct pm_endpoint *ep);
int pm_delete_endpoint(unsigned id);
/* Backup and fullmesh of endpoint id, changed in place. */
int pm_set_endpoint_flags(unsigned id, unsigned flags);
int pm_flush_endpoints(void);
int pm_set_limits(unsigned subflows, unsigned add_addr_accepted);

/*
 * The kernel's endpoint limit per network namespace and its ceiling for
 * the two limits, measured in a private network namespace (pm_limits.c);
 * false (values untouched) where that cannot be done (no CAP_SYS_ADMIN,
 * no MPTCP).
 */
bool pm_probe_kernel_max(unsigned *max_endpoints, unsigned *max_limit);

/* The interface of list (getifaddrs) holding address, into name
 * (IF_NAMESIZE); false and "" when none does. */
struct ifaddrs;
bool pm_interface_holding(const struct ifaddrs *list, int family,
			  const char *address, char *name);

/* Fills the if_ and address_ fields from the host's interfaces. */
void pm_probe_interfaces(struct pm_state *st);

void pm_state_free(struct pm_state *st);

/*
 * Parses netlink bytes as received for GET_LIMITS or a GET_ADDR dump into
 * st (what pm_fetch() does with the kernel's answer): for tests and the
 * fuzzer. Returns 0, or -1 on a malformed or error message.
 */
int pm_parse_reply(const void *buf, size_t len, struct pm_state *st);

/* Flag names as `ip mptcp endpoint show` prints them, in bit order. */
size_t pm_flag_names(unsigned flags, const char **names, size_t max);

/* "signal 1, laminar 1": each flag the endpoints carry (newer ones such
 * as laminar included), with how many do, into buf; "" when none. */
void pm_flag_counts(const struct pm_state *st, char *buf, size_t len);

#endif
