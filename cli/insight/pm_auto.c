// SPDX-License-Identifier: BSD-3-Clause
/*
 * Planning `endpoints auto`. An existing endpoint that already matches an
 * address (same address, interface and flags) is kept as it is; one that
 * differs is replaced; addresses nobody wants stay unless --flush.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "pm_auto.h"

static bool is_backup(const struct pm_auto_opts *o, const char *ifname)
{
	for (size_t i = 0; i < o->nbackup; i++)
		if (strcmp(o->backup[i], ifname) == 0)
			return true;
	return false;
}

static const struct pm_endpoint *existing(const struct pm_state *cur,
					  const struct rtnl_addr *a)
{
	for (size_t i = 0; i < cur->n; i++)
		if (cur->ep[i].family == a->family &&
		    strcmp(cur->ep[i].address, a->address) == 0)
			return &cur->ep[i];
	return NULL;
}

static bool wanted(const struct rtnl_addr *addr, size_t naddr,
		   const struct pm_endpoint *ep)
{
	for (size_t i = 0; i < naddr; i++)
		if (addr[i].family == ep->family &&
		    strcmp(addr[i].address, ep->address) == 0)
			return true;
	return false;
}

static struct pm_action *push(struct pm_action *out, size_t max, size_t *n)
{
	static struct pm_action overflow;
	struct pm_action *a = *n < max ? &out[(*n)++] : &overflow;

	memset(a, 0, sizeof(*a));
	return a;
}

static unsigned raise_to(unsigned now, size_t want)
{
	if (want > PM_AUTO_LIMIT_MAX)
		want = PM_AUTO_LIMIT_MAX;
	return now >= want ? now : (unsigned)want;
}

size_t pm_auto_plan(const struct pm_state *cur, const struct rtnl_addr *addr,
		    size_t naddr, const struct pm_auto_opts *o,
		    struct pm_action *out, size_t max)
{
	unsigned role = o->server ? PM_FLAG_SIGNAL : PM_FLAG_SUBFLOW;
	unsigned subflows, accepted;
	size_t n = 0;

	if (o->flush)
		for (size_t i = 0; i < cur->n; i++)
			if (!wanted(addr, naddr, &cur->ep[i]) &&
			    !(cur->ep[i].flags & PM_FLAG_IMPLICIT))
				push(out, max, &n)->ep = cur->ep[i];
	for (size_t i = 0; i < naddr; i++) {
		const struct rtnl_addr *a = &addr[i];
		const struct pm_endpoint *ep = existing(cur, a);
		unsigned flags =
		    role | (is_backup(o, a->ifname) ? PM_FLAG_BACKUP : 0);
		struct pm_action *act;

		if (ep && ep->flags == flags && ep->ifindex == a->ifindex)
			continue;
		if (ep) {
			act = push(out, max, &n);
			act->kind = PM_ACT_DELETE;
			act->ep = *ep;
		}
		act = push(out, max, &n);
		act->kind = PM_ACT_ADD;
		act->ep.family = a->family;
		snprintf(act->ep.address, sizeof(act->ep.address), "%s",
			 a->address);
		act->ep.flags = flags;
		act->ep.ifindex = a->ifindex;
		snprintf(act->ep.ifname, sizeof(act->ep.ifname), "%s",
			 a->ifname);
	}
	/* A client opens a subflow per endpoint and should accept the
	 * server's announcements; a server accepts a join per address. */
	subflows = raise_to(cur->subflows, naddr);
	accepted = o->server ? cur->add_addr_accepted
			     : raise_to(cur->add_addr_accepted, naddr);
	if (!cur->limits_known || subflows != cur->subflows ||
	    accepted != cur->add_addr_accepted) {
		struct pm_action *act = push(out, max, &n);

		act->kind = PM_ACT_LIMITS;
		act->subflows = subflows;
		act->add_addr_accepted = accepted;
	}
	return n;
}

void pm_action_command(const struct pm_action *a, char *buf, size_t len)
{
	const char *names[8];
	size_t nf, used;

	switch (a->kind) {
	case PM_ACT_DELETE:
		snprintf(buf, len, "ip mptcp endpoint delete id %u", a->ep.id);
		return;
	case PM_ACT_LIMITS:
		snprintf(buf, len,
			 "ip mptcp limits set subflows %u "
			 "add_addr_accepted %u",
			 a->subflows, a->add_addr_accepted);
		return;
	case PM_ACT_ADD:
		break;
	}
	used = (size_t)snprintf(buf, len, "ip mptcp endpoint add %s dev %s",
				a->ep.address, a->ep.ifname);
	nf = pm_flag_names(a->ep.flags, names, 8);
	for (size_t i = 0; i < nf && used < len; i++)
		used +=
		    (size_t)snprintf(buf + used, len - used, " %s", names[i]);
}

int pm_action_apply(const struct pm_action *a)
{
	switch (a->kind) {
	case PM_ACT_DELETE:
		return pm_delete_endpoint(a->ep.id);
	case PM_ACT_ADD:
		return pm_add_endpoint(&a->ep);
	case PM_ACT_LIMITS:
		return pm_set_limits(a->subflows, a->add_addr_accepted);
	}
	return -1;
}
