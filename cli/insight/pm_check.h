/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the path-manager configuration means: the host around it (rp_filter,
 * routes, other managers, unused addresses) and the warnings that say when
 * no extra subflow can ever be created. Shared by `endpoints`, `doctor`
 * and `mib --explain`.
 */
#ifndef MPTCPSHIM_PM_CHECK_H
#define MPTCPSHIM_PM_CHECK_H

#include "pm.h"

/* Says on stderr, for subcommand, why pm_fetch() failed (errno). */
void pm_fetch_error(const char *subcommand);

/*
 * Looks at what decides whether endpoints work: rp_filter of their
 * interfaces, the route from each subflow endpoint to peer (NULL: none;
 * rtnetlink, as `ip route get PEER from ADDR`), NetworkManager and mptcpd,
 * and usable addresses without an endpoint. Call after pm_probe_interfaces.
 */
void pm_probe_environment(struct pm_state *st, const char *peer);

/* Whether NetworkManager / mptcpd run (by process name, in /proc). */
void pm_find_managers(bool *nm, bool *mptcpd);

/* The usable addresses of the host (up, not loopback, global scope,
 * neither tentative nor link-local); returns the count, -1 on error. */
struct rtnl_addr;
int pm_usable_addresses(struct rtnl_addr **v, size_t *n);

struct pm_warning {
	const char *id;			/* stable, for JSON and tests */
	bool fatal;			/* no extra subflow can ever be made */
	char message[320];
	char fix[256];
};

/* Up to max warnings about st; returns how many were written. */
size_t pm_check(const struct pm_state *st, struct pm_warning *w, size_t max);

/* net.mptcp.stale_loss_cnt of this namespace, or -1 when unreadable. */
int pm_stale_loss_cnt(void);

/*
 * The backup trade-off when st has backup endpoints: note->message names
 * them and the stall (~ stale_loss_cnt x RTO), note->fix the sysctl that
 * shortens it. False (note cleared) without backup endpoints.
 */
bool pm_backup_note(const struct pm_state *st, int stale_loss_cnt,
		    struct pm_warning *note);

struct out;
/* pm_backup_note() as an "backup_note" object (text: a note line). */
void pm_print_backup_note(struct out *out, const struct pm_state *st);

#endif
