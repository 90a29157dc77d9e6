/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `endpoints auto`: what mptcpd's address-advertising plugin does, once.
 * The plan is pure (current endpoints + usable addresses -> actions), so
 * a second run over its own result plans nothing.
 */
#ifndef MPTCPSHIM_PM_AUTO_H
#define MPTCPSHIM_PM_AUTO_H

#include <stdbool.h>
#include <stddef.h>

#include "pm.h"
#include "rtnl.h"

#define PM_AUTO_MAX_BACKUP 16
/* The kernel's ceiling for both limits (MPTCP_PM_ADDR_MAX). */
#define PM_AUTO_LIMIT_MAX 8

struct pm_auto_opts {
	bool server; /* signal endpoints, else subflow */
	bool flush;  /* delete endpoints outside the plan */
	const char *backup[PM_AUTO_MAX_BACKUP]; /* interface names */
	size_t nbackup;
};

enum pm_action_kind { PM_ACT_DELETE, PM_ACT_ADD, PM_ACT_LIMITS };

struct pm_action {
	enum pm_action_kind kind;
	struct pm_endpoint ep; /* DELETE: id; ADD: the endpoint */
	unsigned subflows, add_addr_accepted; /* LIMITS */
};

/*
 * The actions that turn cur into one endpoint per usable address (bound to
 * its interface, flags per opts) with limits that fit. Returns how many
 * (<= max).
 */
size_t pm_auto_plan(const struct pm_state *cur, const struct rtnl_addr *addr,
		    size_t naddr, const struct pm_auto_opts *o,
		    struct pm_action *out, size_t max);

/* The `ip mptcp ...` command equivalent to a into buf. */
void pm_action_command(const struct pm_action *a, char *buf, size_t len);

/* Carries a out; 0 or -1 with errno. */
int pm_action_apply(const struct pm_action *a);

/* `mptcpshim endpoints auto` (argv[0] is "auto"). */
int cmd_endpoints_auto(int argc, char **argv);

#endif
