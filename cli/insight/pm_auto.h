/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `endpoints auto`: what mptcpd's address-advertising plugin does, once.
 * The plan is pure (current endpoints + usable addresses -> actions and
 * notes), so a second run over its own result plans nothing.
 */
#ifndef MPTCPSHIM_PM_AUTO_H
#define MPTCPSHIM_PM_AUTO_H

#include <stdbool.h>
#include <stddef.h>

#include "pm.h"
#include "rtnl.h"

#define PM_AUTO_MAX_BACKUP 16
/* The kernel's ceiling for endpoints and both limits (MPTCP_PM_ADDR_MAX)
 * where it cannot be probed (pm_probe_kernel_max). */
#define PM_AUTO_LIMIT_MAX 8

/* Flags that are the user's and no plan sets: kept unless --force. */
#define PM_AUTO_USER_FLAGS (PM_FLAG_FULLMESH | PM_FLAG_LAMINAR)

struct pm_auto_opts {
	bool server; /* signal endpoints, else subflow */
	bool flush;  /* delete endpoints outside the plan */
	bool force;  /* replace what differs, user's flags, port, id too */
	const char *backup[PM_AUTO_MAX_BACKUP]; /* interface names */
	size_t nbackup;
	unsigned max_endpoints; /* per network namespace (0: the default) */
	unsigned max_limit;	/* for subflows and add_addr_accepted */
};

enum pm_action_kind { PM_ACT_DELETE, PM_ACT_ADD, PM_ACT_FLAGS, PM_ACT_LIMITS };

struct pm_action {
	enum pm_action_kind kind;
	/* DELETE: id; ADD: the endpoint; FLAGS: id and the new flags */
	struct pm_endpoint ep;
	unsigned subflows, add_addr_accepted; /* LIMITS */
};

/* What the plan leaves as it is, or out, and why (said to the user). */
enum pm_note_kind { PM_NOTE_LEFT_OUT, PM_NOTE_KEPT };

struct pm_note {
	enum pm_note_kind kind;
	int family;
	char address[INET6_ADDRSTRLEN];
	char ifname[IF_NAMESIZE];
	unsigned id;		/* KEPT: the endpoint */
	char why[160];
};

struct pm_plan {
	struct pm_action *act;
	size_t n;
	struct pm_note *note;
	size_t nnote;
};

/*
 * The actions that turn cur into one endpoint per usable address (bound to
 * its interface, flags per opts) within the kernel's endpoint limit, with
 * limits that fit: an endpoint already there for the address and one of
 * its interfaces is kept (its backup flag changed in place if asked), a
 * user's fullmesh, port and id survive a replacement unless o->force, and
 * every address left out or endpoint kept as it is gets a note. Returns 0,
 * or -1 when out of memory.
 */
int pm_auto_plan(const struct pm_state *cur, const struct rtnl_addr *addr,
		 size_t naddr, const struct pm_auto_opts *o,
		 struct pm_plan *plan);

void pm_plan_free(struct pm_plan *plan);

/* The `ip mptcp ...` command equivalent to a into buf. */
void pm_action_command(const struct pm_action *a, char *buf, size_t len);

/* Carries a out; 0 or -1 with errno. */
int pm_action_apply(const struct pm_action *a);

/* `mptcpshim endpoints auto` (argv[0] is "auto"). */
int cmd_endpoints_auto(int argc, char **argv);

#endif
