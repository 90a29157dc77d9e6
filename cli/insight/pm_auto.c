// SPDX-License-Identifier: BSD-3-Clause
/*
 * Planning `endpoints auto`. The kernel keeps one endpoint per address
 * (whatever its interface) and at most a few per network namespace, and
 * deleting an endpoint drops its subflows: so an endpoint already there for
 * an address and one of the interfaces holding it is kept, what can change
 * in place (backup) changes in place, an address on two interfaces gets
 * one endpoint, and what does not fit is left out with a note, never cut.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "output.h"
#include "pm_auto.h"
#include "strbuf.h"

struct builder {
	struct pm_plan *plan;
	int failed;
};

static struct pm_action *act(struct builder *b, enum pm_action_kind kind)
{
	struct pm_action *a = array_push(&b->plan->act, &b->plan->n,
					 sizeof(*a));

	if (!a) {
		b->failed = 1;
		return NULL;
	}
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	return a;
}

static void note(struct builder *b, enum pm_note_kind kind,
		 const struct rtnl_addr *a, const struct pm_endpoint *ep,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void note(struct builder *b, enum pm_note_kind kind,
		 const struct rtnl_addr *a, const struct pm_endpoint *ep,
		 const char *fmt, ...)
{
	struct pm_note *n = array_push(&b->plan->note, &b->plan->nnote,
				       sizeof(*n));
	va_list ap;

	if (!n) {
		b->failed = 1;
		return;
	}
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->family = a ? a->family : ep->family;
	snprintf(n->address, sizeof(n->address), "%s",
		 a ? a->address : ep->address);
	snprintf(n->ifname, sizeof(n->ifname), "%s",
		 a ? a->ifname : ep->ifname);
	n->id = ep ? ep->id : 0;
	va_start(ap, fmt);
	vsnprintf(n->why, sizeof(n->why), fmt, ap);
	va_end(ap);
}

static bool is_backup(const struct pm_auto_opts *o, const char *ifname)
{
	for (size_t i = 0; i < o->nbackup; i++)
		if (strcmp(o->backup[i], ifname) == 0)
			return true;
	return false;
}

static bool same_address(int family, const char *address,
			 const struct rtnl_addr *a)
{
	return family == a->family && strcmp(address, a->address) == 0;
}

/* The endpoint of a's address (the kernel has at most one), or NULL. */
static const struct pm_endpoint *existing(const struct pm_state *cur,
					  const struct rtnl_addr *a)
{
	for (size_t i = 0; i < cur->n; i++)
		if (same_address(cur->ep[i].family, cur->ep[i].address, a))
			return &cur->ep[i];
	return NULL;
}

static bool wanted(const struct rtnl_addr *addr, size_t naddr,
		   const struct pm_endpoint *ep)
{
	for (size_t i = 0; i < naddr; i++)
		if (same_address(ep->family, ep->address, &addr[i]))
			return true;
	return false;
}

/* Whether ifindex holds a's address (a itself or a twin on another
 * interface). */
static bool holds(const struct rtnl_addr *addr, size_t naddr,
		  const struct rtnl_addr *a, int ifindex)
{
	for (size_t i = 0; i < naddr; i++)
		if (same_address(a->family, a->address, &addr[i]) &&
		    addr[i].ifindex == ifindex)
			return true;
	return false;
}

/*
 * The one entry per address the plan covers: the interface an endpoint is
 * already bound to where there is one, else the first listed; the twins
 * are noted as left out.
 */
static bool chosen(const struct pm_state *cur, const struct rtnl_addr *addr,
		   size_t naddr, size_t i, struct builder *b)
{
	const struct pm_endpoint *ep = existing(cur, &addr[i]);
	size_t first = naddr;

	for (size_t k = 0; k < naddr; k++) {
		if (!same_address(addr[i].family, addr[i].address, &addr[k]))
			continue;
		if (ep && ep->ifindex == addr[k].ifindex) {
			first = k;
			break;
		}
		if (first == naddr)
			first = k;
	}
	if (first == i)
		return true;
	note(b, PM_NOTE_LEFT_OUT, &addr[i], NULL,
	     "same address as on %s: the kernel keeps one endpoint per "
	     "address", addr[first].ifname);
	return false;
}

static unsigned raise_to(unsigned now, size_t want, unsigned max)
{
	if (want > max)
		want = max;
	return now >= want ? now : (unsigned)want;
}

/* The endpoint for a as the plan wants it (user's parts from keep). */
static void planned(struct pm_endpoint *ep, const struct rtnl_addr *a,
		    unsigned flags, const struct pm_endpoint *keep)
{
	ep->family = a->family;
	snprintf(ep->address, sizeof(ep->address), "%s", a->address);
	ep->flags = flags;
	ep->ifindex = a->ifindex;
	snprintf(ep->ifname, sizeof(ep->ifname), "%s", a->ifname);
	if (keep) {
		ep->id = keep->id;
		ep->port = keep->port;
		ep->flags |= keep->flags & PM_AUTO_USER_FLAGS;
	}
}

/*
 * An address that has an endpoint: kept, changed in place, or replaced.
 * Returns whether it is covered by an endpoint after the plan.
 */
static bool plan_existing(struct builder *b, const struct pm_endpoint *ep,
			  const struct rtnl_addr *addr, size_t naddr,
			  const struct rtnl_addr *a, unsigned flags,
			  const struct pm_auto_opts *o)
{
	unsigned role = flags & (PM_FLAG_SIGNAL | PM_FLAG_SUBFLOW);
	bool bound = ep->ifindex && holds(addr, naddr, a, ep->ifindex);
	bool user = (ep->flags & PM_AUTO_USER_FLAGS) || ep->port;
	struct pm_action *x;

	if (ep->flags & PM_FLAG_IMPLICIT) {
		/* The kernel's own record of an address a subflow used: an
		 * add replaces it in place. */
		if ((x = act(b, PM_ACT_ADD)))
			planned(&x->ep, a, flags, NULL);
		return true;
	}
	if ((ep->flags & role) && (bound || (!ep->ifindex && !o->force))) {
		if (!ep->ifindex)
			note(b, PM_NOTE_KEPT, a, ep,
			     "works without an interface; binding it to %s "
			     "means replacing it (--force)", a->ifname);
		if ((ep->flags & PM_FLAG_BACKUP) != (flags & PM_FLAG_BACKUP) &&
		    (x = act(b, PM_ACT_FLAGS))) {
			x->ep = *ep;
			x->ep.flags = (ep->flags & ~PM_FLAG_BACKUP) |
				      (flags & PM_FLAG_BACKUP);
		}
		return true;
	}
	/* The role or the interface must change, which only a new endpoint
	 * can do; the user's fullmesh, port and id go with it, except where
	 * the kernel refuses them together: then it stays as the user made
	 * it (fullmesh needs no signal, a port signal alone). */
	if (user && !o->force &&
	    (((role & PM_FLAG_SIGNAL) && (ep->flags & PM_FLAG_FULLMESH)) ||
	     ((role & PM_FLAG_SUBFLOW) && ep->port))) {
		note(b, PM_NOTE_KEPT, a, ep,
		     "its %s cannot go with %s; --force replaces it",
		     ep->port ? "port" : "fullmesh",
		     role & PM_FLAG_SIGNAL ? "signal" : "subflow");
		return true;
	}
	if ((x = act(b, PM_ACT_DELETE)))
		x->ep = *ep;
	if ((x = act(b, PM_ACT_ADD)))
		planned(&x->ep, a, flags, o->force ? NULL : ep);
	return true;
}

int pm_auto_plan(const struct pm_state *cur, const struct rtnl_addr *addr,
		 size_t naddr, const struct pm_auto_opts *o,
		 struct pm_plan *plan)
{
	unsigned role = o->server ? PM_FLAG_SIGNAL : PM_FLAG_SUBFLOW;
	unsigned max_ep = o->max_endpoints ? o->max_endpoints
					   : PM_AUTO_LIMIT_MAX;
	unsigned max_limit = o->max_limit ? o->max_limit : PM_AUTO_LIMIT_MAX;
	struct builder b = { .plan = plan };
	size_t used = cur->n, covered = 0;
	unsigned subflows, accepted;
	struct pm_action *x;

	memset(plan, 0, sizeof(*plan));
	if (o->flush)
		for (size_t i = 0; i < cur->n; i++)
			if (!wanted(addr, naddr, &cur->ep[i]) &&
			    !(cur->ep[i].flags & PM_FLAG_IMPLICIT) &&
			    (x = act(&b, PM_ACT_DELETE))) {
				x->ep = cur->ep[i];
				used--;
			}
	/* Addresses with an endpoint first: they need no new slot, and the
	 * slots left go to the others in the order the host lists them. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < naddr; i++) {
			const struct rtnl_addr *a = &addr[i];
			const struct pm_endpoint *ep = existing(cur, a);
			unsigned flags = role | (is_backup(o, a->ifname) ?
							 PM_FLAG_BACKUP : 0);

			if ((pass == 0) != (ep != NULL) ||
			    !chosen(cur, addr, naddr, i, &b))
				continue;
			if (ep) {
				covered += plan_existing(&b, ep, addr, naddr,
							 a, flags, o);
				continue;
			}
			if (used >= max_ep) {
				note(&b, PM_NOTE_LEFT_OUT, a, NULL,
				     "the kernel holds at most %u endpoints "
				     "per network namespace", max_ep);
				continue;
			}
			if ((x = act(&b, PM_ACT_ADD))) {
				planned(&x->ep, a, flags, NULL);
				used++;
				covered++;
			}
		}
	/* A client opens a subflow per endpoint and should accept the
	 * server's announcements; a server accepts a join per address. */
	subflows = raise_to(cur->subflows, covered, max_limit);
	accepted = o->server ? cur->add_addr_accepted
			     : raise_to(cur->add_addr_accepted, covered,
					max_limit);
	if ((!cur->limits_known || subflows != cur->subflows ||
	     accepted != cur->add_addr_accepted) &&
	    (x = act(&b, PM_ACT_LIMITS))) {
		x->subflows = subflows;
		x->add_addr_accepted = accepted;
	}
	if (b.failed) {
		pm_plan_free(plan);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void pm_plan_free(struct pm_plan *plan)
{
	free(plan->act);
	free(plan->note);
	memset(plan, 0, sizeof(*plan));
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
	case PM_ACT_FLAGS:
		snprintf(buf, len, "ip mptcp endpoint change id %u %s",
			 a->ep.id,
			 a->ep.flags & PM_FLAG_BACKUP ? "backup" : "nobackup");
		return;
	case PM_ACT_ADD:
		break;
	}
	used = (size_t)snprintf(buf, len, "ip mptcp endpoint add %s",
				a->ep.address);
	if (a->ep.port && used < len)
		used += (size_t)snprintf(buf + used, len - used, " port %u",
					 a->ep.port);
	if (a->ep.id && used < len)
		used += (size_t)snprintf(buf + used, len - used, " id %u",
					 a->ep.id);
	if (used < len) {
		/* A command the user may paste: the name as one word. */
		char dev[OUT_SHELL_WORD_MAX(IF_NAMESIZE)];

		used += (size_t)snprintf(buf + used, len - used, " dev %s",
					 out_shell_word(a->ep.ifname, dev,
							sizeof(dev)));
	}
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
	case PM_ACT_FLAGS:
		return pm_set_endpoint_flags(a->ep.id, a->ep.flags);
	case PM_ACT_LIMITS:
		return pm_set_limits(a->subflows, a->add_addr_accepted);
	}
	return -1;
}
