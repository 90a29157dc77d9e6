// SPDX-License-Identifier: BSD-3-Clause
/*
 * Why connections did not get (multipath) MPTCP. One table of rules, most
 * decisive first: a namespace-wide switch-off (or nobody trying MPTCP)
 * beats a blackhole, which beats what the counters show about peers and
 * middleboxes, which beats what the configuration merely allows. A rule fires on counters (any non-zero), on
 * a check of sysctls/counters, or on path-manager warnings (pm_check()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

#define MAX_COUNTERS 8
#define MAX_PM_WARNINGS 64

struct rule {
	const char *id;
	const char *counters[MAX_COUNTERS];	/* any non-zero: fires */
	const char *pm_ids[6];			/* pm_check() ids: one each */
	/* Counters check() reads (for the glossary: which rule explains a
	 * counter); counters[] are read as well. */
	const char *reads[MAX_COUNTERS];
	/* Decides (counters empty) or adds context (counters given). */
	bool (*check)(const struct explain_input *in,
		      struct explain_reason *r);
	const char *reason;
	const char *fix;
};

static bool mptcp_disabled(const struct explain_input *in,
			   struct explain_reason *r)
{
	if (!in->sys->present) {
		snprintf(r->reason, sizeof(r->reason),
			 "this kernel has no MPTCP (no %s)",
			 EXPLAIN_SYSCTL_DIR);
		snprintf(r->evidence, sizeof(r->evidence),
			 "%s missing", EXPLAIN_SYSCTL_DIR);
		snprintf(r->fix, sizeof(r->fix),
			 "use a kernel built with CONFIG_MPTCP=y (5.6 or "
			 "later; 6.1 or later recommended)");
		return true;
	}
	if (in->sys->enabled != 0)
		return false;
	snprintf(r->evidence, sizeof(r->evidence), "net.mptcp.enabled = 0");
	return true;
}

static bool blackhole_context(const struct explain_input *in,
			      struct explain_reason *r)
{
	size_t len = strlen(r->reason);

	if (in->sys->blackhole_timeout > 0)
		snprintf(r->reason + len, sizeof(r->reason) - len,
			 " for %ld s (blackhole_timeout), longer if it "
			 "recurs", in->sys->blackhole_timeout);
	return true;
}

static bool add_addr_context(const struct explain_input *in,
			     struct explain_reason *r)
{
	size_t len = strlen(r->fix);

	if (in->pm && in->pm->limits_known)
		snprintf(r->fix + len, sizeof(r->fix) - len,
			 " (now add_addr_accepted %u)",
			 in->pm->add_addr_accepted);
	return true;
}

static bool userspace_pm(const struct explain_input *in,
			 struct explain_reason *r)
{
	const struct explain_sysctl *s = in->sys;

	if (strcmp(s->path_manager, "userspace") == 0)
		snprintf(r->evidence, sizeof(r->evidence),
			 "net.mptcp.path_manager = userspace");
	else if (!s->path_manager[0] && s->pm_type == 1)
		snprintf(r->evidence, sizeof(r->evidence),
			 "net.mptcp.pm_type = 1");
	else
		return false;
	return true;
}

/* Only when the kernel counts active opens at all (MPCapableSYNTX, 5.18+). */
static bool no_attempts(const struct explain_input *in,
			struct explain_reason *r)
{
	if (!mib_find(in->mib, "MPCapableSYNTX") ||
	    mib_value(in->mib, "MPCapableSYNTX") ||
	    mib_value(in->mib, "MPCapableSYNRX") ||
	    mib_value(in->mib, "MPJoinSynRx") ||
	    mib_value(in->mib, "MPCapableSYNTXDisabled"))
		return false;
	snprintf(r->evidence, sizeof(r->evidence),
		 "MPCapableSYNTX = 0, MPCapableSYNRX = 0");
	return true;
}

/* "A sent, B answered" rules: fire when a exceeds b. */
static bool exceeds(const struct explain_input *in, struct explain_reason *r,
		    const char *a, const char *b)
{
	unsigned long long x = mib_value(in->mib, a), y = mib_value(in->mib, b);

	if (x <= y)
		return false;
	snprintf(r->evidence, sizeof(r->evidence), "%s %llu, %s %llu", a, x,
		 b, y);
	return true;
}

static bool joins_unanswered(const struct explain_input *in,
			     struct explain_reason *r)
{
	return exceeds(in, r, "MPJoinSynTx", "MPJoinSynAckRx");
}

static bool announce_not_echoed(const struct explain_input *in,
				struct explain_reason *r)
{
	return exceeds(in, r, "AddAddrTx", "EchoAdd");
}

/* SubflowRecover alone is good news; with SubflowStale it is context. */
static bool stale_context(const struct explain_input *in,
			  struct explain_reason *r)
{
	size_t len = strlen(r->evidence);

	if (in->sys->stale_loss_cnt > 0)
		snprintf(r->evidence + len, sizeof(r->evidence) - len,
			 "; net.mptcp.stale_loss_cnt = %ld",
			 in->sys->stale_loss_cnt);
	return true;
}

static const struct rule rules[] = {
	{
		.id = "mptcp_disabled",
		.check = mptcp_disabled,
		.reason = "MPTCP is disabled in this network namespace: "
			  "socket(IPPROTO_MPTCP) fails, every program uses TCP",
		.fix = "sysctl -w net.mptcp.enabled=1 (per namespace; persist "
		       "it in /etc/sysctl.d/)",
	},
	{
		.id = "no_mptcp_attempts",
		.check = no_attempts,
		.reads = { "MPCapableSYNTX", "MPCapableSYNRX", "MPJoinSynRx" },
		.reason = "no program in this namespace has tried MPTCP: "
			  "nothing sent or received an MP_CAPABLE SYN",
		/* The counters cannot tell "not under the shim" from "the
		 * shim kept it TCP": say both, and where to look. */
		.fix = "if the programs do not run under the shim, start them "
		       "with 'mptcpshim run CMD' (or 'mptcpshim enable UNIT'); "
		       "if they do, the policy or a socket option MPTCP "
		       "refuses kept them on TCP: 'mptcpshim run --stats CMD' "
		       "names it and prints the fix",
	},
	{
		.id = "blackhole",
		.counters = { "Blackhole", "MPCapableSYNTXDisabled" },
		.check = blackhole_context,
		.reason = "a firewall blackhole for MPTCP was detected, so new "
			  "outgoing connections skip MPTCP",
		.fix = "find the firewall that drops SYNs carrying MPTCP "
		       "options (TCP option 30) and let them through; "
		       "'sysctl -w net.mptcp.blackhole_timeout=0' stops the "
		       "back-off",
	},
	{
		.id = "syn_dropped",
		.counters = { "MPCapableSYNTXDrop" },
		.reason = "SYNs with MP_CAPABLE were lost on the way; the "
			  "retransmitted SYNs went out as plain TCP",
		.fix = "a firewall or middlebox drops SYNs with MPTCP options: "
		       "let TCP option 30 through (net.mptcp."
		       "syn_retrans_before_tcp_fallback sets how soon MPTCP "
		       "gives up)",
	},
	{
		.id = "peer_not_mptcp",
		.counters = { "MPCapableFallbackSYNACK" },
		.reason = "peer not MPTCP capable: the server's SYN/ACK had no "
			  "MP_CAPABLE, so the connection fell back to TCP",
		.fix = "enable MPTCP on the server (run it under 'mptcpshim "
		       "run' or mptcpize, with net.mptcp.enabled=1 there); if "
		       "it does use MPTCP, a middlebox strips the option",
	},
	{
		.id = "option_stripped",
		.counters = { "MPCapableFallbackACK", "MPCapableDataFallback",
			      "DssFallback", "DSSCorruptionFallback",
			      "InfiniteMapRx" },
		.reason = "MPTCP options were stripped or altered on the way: "
			  "a third ACK or the first data came without valid "
			  "MPTCP options, so connections fell back to TCP",
		.fix = "look for a middlebox rewriting TCP options between the "
		       "hosts (proxy, NAT, IDS, TCP normaliser) and exempt "
		       "MPTCP (option 30)",
	},
	{
		.id = "local_fallback",
		.counters = { "MD5SigFallback", "MPFallbackTokenInit",
			      "SimultConnectFallback", "FallbackFailed",
			      "MPCapableEndpAttempt", "DSSCorruptionReset" },
		.reason = "connections fell back to TCP (or were reset) for "
			  "local reasons: TCP-MD5 on the socket, no token "
			  "available, simultaneous connect, a connect to a "
			  "port-based endpoint, or an impossible fallback",
		.fix = "the evidence names the cause: TCP-MD5 cannot be used "
		       "with MPTCP; port-based (signal port) endpoints only "
		       "accept joins",
	},
	{
		.id = "join_local_error",
		.counters = { "MPJoinSynTxCreatSkErr", "MPJoinSynTxBindErr",
			      "MPJoinSynTxConnectErr" },
		.reason = "extra subflows failed here before their SYN left: "
			  "the subflow socket could not be created, bound to "
			  "the endpoint address or routed to the peer",
		.fix = "check each subflow endpoint: its address exists, its "
		       "interface is up, and 'ip route get PEER from ADDR' "
		       "finds a route",
	},
	{
		.id = "join_refused",
		.counters = { "MPJoinRejected", "MPJoinSynAckHMacFailure",
			      "MPJoinAckHMacFailure", "MPJoinNoTokenFound",
			      "MismatchPortSynRx", "MismatchPortAckRx" },
		.reason = "joins (extra subflows) were refused: over the "
			  "accepting side's subflows limit, an unknown "
			  "connection token, or a failed HMAC",
		.fix = "raise 'ip mptcp limits set subflows N' on the side "
		       "that accepts; HMAC or token failures point to a "
		       "middlebox or NAT rewriting the joins",
	},
	{
		.id = "joins_unanswered",
		.check = joins_unanswered,
		.reads = { "MPJoinSynTx", "MPJoinSynAckRx" },
		.reason = "SYNs for extra subflows (MP_JOIN) were sent but not "
			  "answered: the second path drops them, the peer "
			  "cannot route its reply to that source, the peer "
			  "ignores joins, or the server listens on one address "
			  "only (a join to another of its addresses finds no "
			  "listener)",
		.fix = "check the path of each subflow endpoint: 'ip route "
		       "get PEER from ADDR' here, a route back on the peer, "
		       "rp_filter (strict 1 drops asymmetric replies), and a "
		       "firewall dropping SYNs with MPTCP options (TCP option "
		       "30) on that path",
	},
	{
		.id = "subflow_reset",
		.counters = { "MPRstTx", "MPRstRx" },
		.reason = "subflows were reset with MP_TCPRST (sent or "
			  "received): a join over the peer's subflows limit, a "
			  "failed HMAC, or a path judged unusable",
		.fix = "'mptcpshim run --events CMD' names each reset's reason; "
		       "'administratively prohibited' means the accepting "
		       "side's 'ip mptcp limits set subflows N' is too low",
	},
	{
		.id = "subflow_stale",
		.counters = { "SubflowStale" },
		.reads = { "SubflowRecover" },
		.check = stale_context,
		.reason = "subflows went stale: a path made no progress for "
			  "several retransmission timeouts, so the scheduler "
			  "stopped sending on it (SubflowRecover counts those "
			  "that came back)",
		.fix = "look at the stale subflow's path (loss, a link or "
		       "route that went away: 'mptcpshim conns' shows which); "
		       "net.mptcp.stale_loss_cnt sets how soon it is declared",
	},
	{
		.id = "subflow_removed",
		.counters = { "RmSubflow" },
		.reason = "subflows were closed because their address was "
			  "withdrawn: a local endpoint was deleted or the peer "
			  "sent RM_ADDR",
		.fix = "check what removes endpoints or addresses (DHCP lease "
		       "changes, NetworkManager, mptcpd, a script running 'ip "
		       "mptcp endpoint delete'); 'mptcpshim endpoints' shows "
		       "the current set",
	},
	{
		.id = "fastclose",
		.counters = { "MPFastcloseTx", "MPFastcloseRx" },
		.reason = "connections were aborted with MP_FASTCLOSE, MPTCP's "
			  "reset of the whole connection: a program closed with "
			  "unread data or SO_LINGER 0, or the peer did",
		.fix = "usually the application's choice; if connections end "
		       "early, check the side whose Tx counter grows",
	},
	{
		.id = "announce_not_echoed",
		.check = announce_not_echoed,
		.reads = { "AddAddrTx", "EchoAdd" },
		.reason = "addresses this host announced (ADD_ADDR) were not "
			  "echoed by the peer: the announcements were lost or "
			  "stripped on the way, so the peer may never open a "
			  "subflow to them",
		.fix = "look for a middlebox stripping MPTCP options from "
		       "established traffic; the kernel retransmits "
		       "announcements every net.mptcp.add_addr_timeout",
	},
	{
		.id = "rm_addr_dropped",
		.counters = { "RmAddrDrop" },
		.reason = "address removals (RM_ADDR) from the peer were "
			  "dropped: one arrived while another was still being "
			  "processed, so subflows to a withdrawn address may "
			  "linger until they time out",
		.fix = "nothing to configure here; if the peer withdraws "
		       "addresses in bursts (flapping links), stabilise them",
	},
	{
		.id = "add_addr_dropped",
		.counters = { "AddAddrDrop" },
		.check = add_addr_context,
		.reason = "addresses the peer announced (ADD_ADDR) were "
			  "dropped: the add_addr_accepted limit was reached, "
			  "so no subflow was opened towards them",
		.fix = "ip mptcp limits set add_addr_accepted N",
	},
	{
		.id = "announce_not_sent",
		.counters = { "AddAddrTxDrop", "EchoAddTxDrop",
			      "RmAddrTxDrop" },
		.reason = "address announcements could not be sent "
			  "(resource exhaustion)",
		.fix = "check memory pressure; retry with fewer signal "
		       "endpoints",
	},
	{
		.id = "pm_limits",
		.pm_ids = { "subflow_limit_zero" },
	},
	{
		.id = "pm_endpoints",
		.pm_ids = { "no_endpoints", "no_usable_subflow_endpoint",
			    "add_addr_accepted_zero" },
	},
	{
		.id = "pm_endpoint_state",
		.pm_ids = { "interface_missing", "interface_down",
			    "interface_no_carrier", "address_missing",
			    "subflow_limit_low" },
	},
	{
		.id = "pm_routing",
		.pm_ids = { "endpoint_no_dev", "no_route_to_peer",
			    "route_other_interface", "strict_rp_filter",
			    "two_managers", "interface_without_endpoint" },
	},
	{
		.id = "userspace_pm",
		.check = userspace_pm,
		.reason = "the userspace path manager is selected: only a "
			  "daemon (such as mptcpd) creates extra subflows and "
			  "announcements",
		.fix = "run the daemon, or 'sysctl -w "
		       "net.mptcp.path_manager=kernel' (pm_type=0 before "
		       "6.15)",
	},
};

void explain_sysctl_init(struct explain_sysctl *s)
{
	memset(s, 0, sizeof(*s));
	s->enabled = -1;
	s->pm_type = -1;
	s->blackhole_timeout = -1;
	s->syn_retrans_before_tcp_fallback = -1;
	s->stale_loss_cnt = -1;
}

static long number_or(const char *value, long fallback)
{
	char *end;
	long v = strtol(value, &end, 10);

	while (*end == ' ' || *end == '\n')
		end++;
	return end == value || *end ? fallback : v;
}

void explain_sysctl_set(struct explain_sysctl *s, const char *name,
			const char *value)
{
	s->present = true;
	if (strcmp(name, "enabled") == 0) {
		s->enabled = (int)number_or(value, -1);
	} else if (strcmp(name, "path_manager") == 0) {
		size_t len = strcspn(value, " \n");

		if (len >= sizeof(s->path_manager))
			len = sizeof(s->path_manager) - 1;
		memcpy(s->path_manager, value, len);
		s->path_manager[len] = '\0';
	} else if (strcmp(name, "pm_type") == 0) {
		s->pm_type = (int)number_or(value, -1);
	} else if (strcmp(name, "blackhole_timeout") == 0) {
		s->blackhole_timeout = number_or(value, -1);
	} else if (strcmp(name, "syn_retrans_before_tcp_fallback") == 0) {
		s->syn_retrans_before_tcp_fallback = number_or(value, -1);
	} else if (strcmp(name, "stale_loss_cnt") == 0) {
		s->stale_loss_cnt = number_or(value, -1);
	}
}

void explain_sysctl_read(const char *dir, struct explain_sysctl *s)
{
	static const char *const names[] = {
		"enabled", "path_manager", "pm_type", "blackhole_timeout",
		"syn_retrans_before_tcp_fallback", "stale_loss_cnt",
	};
	char value[64];

	explain_sysctl_init(s);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (sysctl_read_line(dir, names[i], value, sizeof(value)) == 0)
			explain_sysctl_set(s, names[i], value);
	if (!s->present)
		s->present = sysctl_dir_present(dir);
}

/* "Name N, Name M" for the rule's non-zero counters; false if none. */
static bool counter_evidence(const struct rule *rule,
			     const struct mib_set *mib, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < MAX_COUNTERS && rule->counters[i]; i++) {
		unsigned long long v = mib_value(mib, rule->counters[i]);
		int w;

		if (!v)
			continue;
		w = snprintf(buf + used, len - used, "%s%s %llu",
			     used ? ", " : "", rule->counters[i], v);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += w;
	}
	return used > 0;
}

static bool pm_rule_has(const struct rule *rule, const char *id)
{
	for (size_t i = 0; i < 6 && rule->pm_ids[i]; i++)
		if (strcmp(rule->pm_ids[i], id) == 0)
			return true;
	return false;
}

static size_t run_pm_rule(const struct rule *rule,
			  const struct explain_input *in,
			  const struct pm_warning *w, size_t nw,
			  struct explain_reason *out, size_t n, size_t max)
{
	for (size_t i = 0; i < nw && n < max; i++) {
		struct explain_reason *r = &out[n];

		if (!pm_rule_has(rule, w[i].id))
			continue;
		memset(r, 0, sizeof(*r));
		r->id = w[i].id;
		snprintf(r->reason, sizeof(r->reason), "%s", w[i].message);
		snprintf(r->fix, sizeof(r->fix), "%s", w[i].fix);
		if (in->pm->limits_known)
			snprintf(r->evidence, sizeof(r->evidence),
				 "%zu endpoint(s); limits subflows %u "
				 "add_addr_accepted %u", in->pm->n,
				 in->pm->subflows, in->pm->add_addr_accepted);
		else
			snprintf(r->evidence, sizeof(r->evidence),
				 "%zu endpoint(s)", in->pm->n);
		n++;
	}
	return n;
}

size_t explain_run(const struct explain_input *in,
		   struct explain_reason *out, size_t max)
{
	struct pm_warning w[MAX_PM_WARNINGS];
	size_t nw = in->pm ? pm_check(in->pm, w, MAX_PM_WARNINGS) : 0;
	size_t n = 0;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]) && n < max;
	     i++) {
		const struct rule *rule = &rules[i];
		struct explain_reason *r = &out[n];

		if (rule->pm_ids[0]) {
			n = run_pm_rule(rule, in, w, nw, out, n, max);
			continue;
		}
		memset(r, 0, sizeof(*r));
		r->id = rule->id;
		snprintf(r->reason, sizeof(r->reason), "%s", rule->reason);
		snprintf(r->fix, sizeof(r->fix), "%s", rule->fix);
		if (rule->counters[0]) {
			if (!counter_evidence(rule, in->mib, r->evidence,
					      sizeof(r->evidence)))
				continue;
			if (rule->check)
				rule->check(in, r);
		} else if (!rule->check(in, r)) {
			continue;
		}
		n++;
	}
	return n;
}

static bool listed(const char *const *names, const char *name)
{
	for (size_t i = 0; i < MAX_COUNTERS && names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

const char *explain_rule_reading(const char *counter)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (listed(rules[i].counters, counter) ||
		    listed(rules[i].reads, counter))
			return rules[i].id;
	return NULL;
}
