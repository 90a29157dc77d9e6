// SPDX-License-Identifier: BSD-3-Clause
/*
 * What the path-manager configuration allows: whether endpoints can be used
 * (interface up, address present) and whether any extra subflow can ever be
 * created. Pure logic over struct pm_state (kernel/pm_interfaces.c probes
 * the interfaces).
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

#include "cli.h"
#include "output.h"
#include "pm_check.h"

static bool endpoint_usable(const struct pm_endpoint *ep)
{
	return ep->if_exists && ep->if_up && ep->address_present;
}

__attribute__((format(printf, 3, 4)))
static void say(struct pm_warning *w, const char *fix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->message, sizeof(w->message), fmt, ap);
	va_end(ap);
	snprintf(w->fix, sizeof(w->fix), "%s", fix);
}

static struct pm_warning *add(struct pm_warning *w, size_t max, size_t *n,
			      const char *id, bool fatal)
{
	static struct pm_warning overflow;
	struct pm_warning *slot = *n < max ? &w[*n] : &overflow;

	if (*n < max)
		(*n)++;
	memset(slot, 0, sizeof(*slot));
	slot->id = id;
	slot->fatal = fatal;
	return slot;
}

static void check_endpoint(const struct pm_endpoint *ep, struct pm_warning *w,
			   size_t max, size_t *n)
{
	const char *dev = ep->ifname[0] ? ep->ifname : "?";

	if (ep->flags & PM_FLAG_IMPLICIT)
		return;
	if (!ep->if_exists) {
		say(add(w, max, n, "interface_missing", false),
		    "re-create the endpoint on an existing interface: ip "
		    "mptcp endpoint delete id N; ip mptcp endpoint add ...",
		    "endpoint %u (%s): its interface (index %d) no longer "
		    "exists", ep->id, ep->address, ep->ifindex);
		return;
	}
	if (!ep->if_up) {
		struct pm_warning *slot = add(w, max, n, "interface_down",
					      false);

		say(slot, "", "endpoint %u (%s): interface %s is down, so no "
			      "subflow can use it", ep->id, ep->address, dev);
		snprintf(slot->fix, sizeof(slot->fix),
			 "bring the interface up: ip link set %s up", dev);
	}
	else if (!ep->if_running)
		say(add(w, max, n, "interface_no_carrier", false),
		    "check the link (cable, peer end of a veth)",
		    "endpoint %u (%s): interface %s has no carrier",
		    ep->id, ep->address, dev);
	if (!ep->address_present)
		say(add(w, max, n, "address_missing", false),
		    "add the address (ip addr add ADDR dev DEV) or delete "
		    "the endpoint",
		    "endpoint %u: address %s is not configured on this host",
		    ep->id, ep->address);
}

/* The interface an endpoint's subflows use: its dev, else the holder. */
static const char *endpoint_interface(const struct pm_endpoint *ep)
{
	if (ep->ifname[0])
		return ep->ifname;
	return ep->holder[0] ? ep->holder : NULL;
}

static void check_routing(const struct pm_state *st,
			  const struct pm_endpoint *ep, struct pm_warning *w,
			  size_t max, size_t *n)
{
	const char *dev = endpoint_interface(ep);
	char dev_buf[OUT_SHELL_WORD_MAX(IF_NAMESIZE)];
	/* In the fix lines, commands: a name holding '$' or a quote must
	 * stay one word. */
	const char *dev_word = dev ? out_shell_word(dev, dev_buf,
						    sizeof(dev_buf)) :
				     "IFACE";
	struct pm_warning *slot;

	if (ep->flags & PM_FLAG_IMPLICIT)
		return;
	if ((ep->flags & PM_FLAG_SUBFLOW) && ep->ifindex <= 0) {
		slot = add(w, max, n, "endpoint_no_dev", false);
		say(slot, "", "endpoint %u (%s) has no dev: its subflows are "
			      "not bound to an interface and follow the main "
			      "routing table, which may send them out the "
			      "first path", ep->id, ep->address);
		snprintf(slot->fix, sizeof(slot->fix),
			 "ip mptcp endpoint delete id %u; ip mptcp endpoint "
			 "add %s dev %s subflow", ep->id, ep->address,
			 dev_word);
	}
	if (ep->rp_filter == 1 && dev) {
		slot = add(w, max, n, "strict_rp_filter", false);
		say(slot, "", "interface %s of endpoint %u (%s) has strict "
			      "rp_filter (1): packets whose reverse route "
			      "leaves by another interface are dropped, which "
			      "breaks joins on asymmetric paths",
		    dev, ep->id, ep->address);
		snprintf(slot->fix, sizeof(slot->fix),
			 "sysctl -w net.ipv4.conf.%s.rp_filter=2 "
			 "net.ipv4.conf.all.rp_filter=2 (loose, as "
			 "NetworkManager sets it)", dev_word);
	}
	if (!ep->route_checked)
		return;
	if (ep->route_error) {
		slot = add(w, max, n, "no_route_to_peer", false);
		say(slot, "", "endpoint %u (%s): no route from %s to %s (%s): "
			      "its joins fail before the SYN leaves "
			      "(MPJoinSynTxConnectErr)", ep->id, ep->address,
		    ep->address, st->peer, strerror(ep->route_error));
		snprintf(slot->fix, sizeof(slot->fix),
			 "give %s a route: ip route add default via GATEWAY "
			 "dev %s table 100; ip rule add from %s table 100",
			 ep->address, dev_word, ep->address);
	} else if (dev && ep->route_ifname[0] &&
		   strcmp(ep->route_ifname, dev) != 0) {
		slot = add(w, max, n, "route_other_interface", false);
		say(slot, "", "endpoint %u (%s): the route from %s to %s "
			      "leaves by %s, not %s: the subflow does not get "
			      "a path of its own (as 'ip route get %s from %s' "
			      "shows)", ep->id, ep->address, ep->address,
		    st->peer, ep->route_ifname, dev, st->peer, ep->address);
		snprintf(slot->fix, sizeof(slot->fix),
			 "policy routing for the source: ip route add "
			 "default via GATEWAY dev %s table 100; ip rule add "
			 "from %s table 100", dev_word, ep->address);
	}
}

static void check_environment(const struct pm_state *st,
			      struct pm_warning *w, size_t max, size_t *n)
{
	if (st->nm_running && st->mptcpd_running)
		say(add(w, max, n, "two_managers", false),
		    "keep one: disable mptcpd's address plugin (or mptcpd), or "
		    "set the NetworkManager connections' mptcp-flags to "
		    "disabled",
		    "NetworkManager and mptcpd both run and both manage MPTCP "
		    "endpoints: they undo each other's changes");
	/* With no endpoint at all, "no_endpoints" says it once. */
	for (size_t i = 0; st->n && i < st->nunused; i++) {
		const struct pm_unused_address *u = &st->unused[i];
		struct pm_warning *slot =
			add(w, max, n, "interface_without_endpoint", false);
		char dev_buf[OUT_SHELL_WORD_MAX(IF_NAMESIZE)];

		say(slot, "", "%s on %s has no endpoint, so no subflow uses "
			      "it; likely cause: %s", u->address, u->ifname,
		    u->cause);
		snprintf(slot->fix, sizeof(slot->fix),
			 "ip mptcp endpoint add %s dev %s subflow (or "
			 "'mptcpshim endpoints auto')", u->address,
			 out_shell_word(u->ifname, dev_buf, sizeof(dev_buf)));
	}
}

size_t pm_check(const struct pm_state *st, struct pm_warning *w, size_t max)
{
	size_t n = 0, subflow_eps = 0, signal_eps = 0, usable_subflow = 0;

	for (size_t i = 0; i < st->n; i++) {
		const struct pm_endpoint *ep = &st->ep[i];

		if (ep->flags & PM_FLAG_SUBFLOW) {
			subflow_eps++;
			usable_subflow += endpoint_usable(ep);
		}
		if (ep->flags & PM_FLAG_SIGNAL)
			signal_eps++;
		check_endpoint(ep, w, max, &n);
		if (st->env_probed)
			check_routing(st, ep, w, max, &n);
	}
	if (st->env_probed)
		check_environment(st, w, max, &n);

	if (st->limits_known && st->subflows == 0)
		say(add(w, max, &n, "subflow_limit_zero", true),
		    "ip mptcp limits set subflows 2 add_addr_accepted 2",
		    "the subflows limit is 0: no connection can get an extra "
		    "subflow, whether this host or the peer opens it");
	if (subflow_eps == 0 && signal_eps == 0) {
		bool deaf = st->limits_known && st->add_addr_accepted == 0;

		struct pm_warning *slot = add(w, max, &n, "no_endpoints",
					      deaf);
		size_t len;

		say(slot,
		    "as a client: ip mptcp endpoint add ADDR dev DEV subflow; "
		    "as a server: ip mptcp endpoint add ADDR dev DEV signal",
		    "no subflow or signal endpoint: this host never opens an "
		    "extra subflow itself nor announces an address%s",
		    deaf ? ", and it ignores the peer's announcements "
			   "(add_addr_accepted 0)"
			 : "");
		len = strlen(slot->message);
		if (st->env_probed && !st->nm_running && !st->mptcpd_running)
			snprintf(slot->message + len, sizeof(slot->message) - len,
				 "; neither NetworkManager nor mptcpd runs, so "
				 "nothing adds endpoints ('mptcpshim endpoints "
				 "auto' does it once)");
	} else if (subflow_eps > 0 && usable_subflow == 0) {
		say(add(w, max, &n, "no_usable_subflow_endpoint", false),
		    "fix the endpoints listed above",
		    "none of the %zu subflow endpoints is usable now",
		    subflow_eps);
	}
	if (st->limits_known && st->subflows > 0 &&
	    usable_subflow > st->subflows)
		say(add(w, max, &n, "subflow_limit_low", false),
		    "raise it: ip mptcp limits set subflows N",
		    "the subflows limit (%u) is below the number of usable "
		    "subflow endpoints (%zu): some will not be used",
		    st->subflows, usable_subflow);
	if (st->limits_known && st->add_addr_accepted == 0 &&
	    subflow_eps == 0 && signal_eps > 0)
		say(add(w, max, &n, "add_addr_accepted_zero", false),
		    "ip mptcp limits set add_addr_accepted 2",
		    "add_addr_accepted is 0: addresses the peer announces are "
		    "ignored, so as a client this host opens no extra subflow");
	return n;
}

void pm_fetch_error(const char *subcommand)
{
	if (errno == ENOENT)
		cli_error(subcommand, "the generic netlink family 'mptcp_pm' "
				      "does not exist: this kernel has no "
				      "MPTCP (CONFIG_MPTCP) or predates 5.7");
	else
		cli_error(subcommand, "cannot query the path manager: %s",
			  strerror(errno));
}
