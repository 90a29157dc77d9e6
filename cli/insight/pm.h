/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The in-kernel path manager as the CLI sees it: endpoints and limits
 * (fetched over generic netlink), the state of the interfaces they name,
 * and the warnings that say when no extra subflow can ever be created.
 * Shared by `endpoints`, `doctor` and `mib --explain`.
 */
#ifndef MPTCPSHIM_PM_H
#define MPTCPSHIM_PM_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

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
};

struct pm_state {
	struct pm_endpoint *ep;
	size_t n;
	bool limits_known;
	unsigned subflows;		/* max extra subflows per connection */
	unsigned add_addr_accepted;	/* max ADD_ADDRs used per connection */
};

/*
 * Fetches endpoints (GET_ADDR dump) and limits (GET_LIMITS) of the current
 * network namespace from the "mptcp_pm" family. Returns 0, or -1 with errno
 * set: ENOENT when the family does not exist (kernel without MPTCP).
 */
int pm_fetch(struct pm_state *st);

/* pm_fetch() from the generic netlink family called name (for tests). */
int pm_fetch_family(const char *name, struct pm_state *st);

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

struct pm_warning {
	const char *id;			/* stable, for JSON and tests */
	bool fatal;			/* no extra subflow can ever be made */
	char message[192];
	char fix[192];
};

/* Up to max warnings about st; returns how many were written. */
size_t pm_check(const struct pm_state *st, struct pm_warning *w, size_t max);

#endif
