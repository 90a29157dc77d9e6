// SPDX-License-Identifier: BSD-3-Clause
/* What one connection says about MPTCP, from either end (check_conn.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/mptcp.h>

#include "check_conn.h"
#include "uapi_compat.h"

bool check_is_mptcp(int fd)
{
	struct mptcp_info info;
	socklen_t len = sizeof(int);
	int on = 0;

	/* TCP_IS_MPTCP (6.10+) says it directly; before, MPTCP_INFO fails
	 * once the socket fell back (5.16+). */
	if (getsockopt(fd, SOL_TCP, TCP_IS_MPTCP, &on, &len) == 0)
		return on == 1;
	len = sizeof(info);
	return getsockopt(fd, SOL_MPTCP, MPTCP_INFO, &info, &len) == 0;
}

void check_endpoint_of(const struct sockaddr *sa, struct sockdiag_endpoint *e)
{
	memset(e, 0, sizeof(*e));
	e->family = sa->sa_family;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, e->addr, sizeof(e->addr));
		e->port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, e->addr, sizeof(e->addr));
		e->port = ntohs(in6->sin6_port);
	}
}

/* An array getsockopt of SOL_MPTCP: the header, then n elements of size
 * elem (the kernel's may differ: it writes min of both). */
struct subflow_array {
	struct mptcp_subflow_data head;
	unsigned char data[CHECK_MAX_SUBFLOWS * 512];
};

static int subflow_array(int fd, int opt, size_t elem,
			 struct subflow_array *a)
{
	socklen_t len = sizeof(a->head) + CHECK_MAX_SUBFLOWS * elem;

	memset(a, 0, sizeof(*a));
	a->head.size_subflow_data = sizeof(a->head);
	a->head.size_user = elem;
	if (getsockopt(fd, SOL_MPTCP, opt, a, &len) < 0)
		return -1;
	return a->head.num_subflows < CHECK_MAX_SUBFLOWS ?
		       (int)a->head.num_subflows : CHECK_MAX_SUBFLOWS;
}

void check_conn_sample(int fd, struct check_conn *c)
{
	static struct subflow_array addrs, infos;
	struct mptcp_info info;
	socklen_t len = sizeof(info);
	int na, ni;

	c->mptcp = check_is_mptcp(fd);
	if (!c->mptcp)
		return;
	memset(&info, 0, sizeof(info));
	if (getsockopt(fd, SOL_MPTCP, MPTCP_INFO, &info, &len) == 0) {
		c->token = info.mptcpi_token;
		c->announced_accepted = info.mptcpi_add_addr_accepted;
	}
	/* Two calls, not one snapshot: a subflow that comes or goes in
	 * between makes the counts differ, and the next sample is used. */
	na = subflow_array(fd, MPTCP_SUBFLOW_ADDRS,
			   sizeof(struct mptcp_subflow_addrs), &addrs);
	ni = subflow_array(fd, MPTCP_TCPINFO, sizeof(struct tcp_info), &infos);
	if (na < 0 || ni < 0 || na != ni)
		return;
	c->nsub = 0;
	for (int i = 0; i < na; i++) {
		const struct mptcp_subflow_addrs *a =
			(const void *)(addrs.data + i * sizeof(*a));
		const struct tcp_info *t =
			(const void *)(infos.data + i * sizeof(*t));
		struct check_subflow *s = &c->sub[c->nsub++];

		check_endpoint_of(&a->sa_local, &s->local);
		check_endpoint_of(&a->sa_remote, &s->remote);
		s->rtt_us = t->tcpi_rtt;
		s->state = t->tcpi_state;
	}
}

void check_conn_event(struct check_conn *c, const struct pm_event *ev)
{
	if (!c->token || ev->token != c->token ||
	    ev->type != MPTCP_EVENT_ANNOUNCED ||
	    c->nannounced == CHECK_MAX_ANNOUNCED)
		return;
	for (size_t i = 0; i < c->nannounced; i++)
		if (c->announced[i].id == ev->rem_id &&
		    strcmp(c->announced[i].addr.addr, ev->daddr) == 0)
			return;
	c->announced[c->nannounced].addr.family = ev->family;
	snprintf(c->announced[c->nannounced].addr.addr,
		 sizeof(c->announced[0].addr.addr), "%s", ev->daddr);
	c->announced[c->nannounced].addr.port = ev->dport;
	c->announced[c->nannounced].id = ev->rem_id;
	c->nannounced++;
}

void check_conn_cause(struct check_conn *c, const struct mib_set *before,
		      const struct mib_set *after)
{
	static const char *const fallback_rules[] = {
		"mptcp_disabled", "blackhole", "syn_dropped", "peer_not_mptcp",
		"option_stripped", "local_fallback",
	};
	static const char *const subflow_rules[] = {
		"join_local_error", "join_refused", "joins_unanswered",
		"subflow_reset", "add_addr_dropped",
	};
	struct explain_reason reasons[32];
	struct explain_sysctl sys;
	struct explain_input in = { .sys = &sys };
	struct mib_set delta;
	size_t n;

	if (mib_delta(before, after, &delta) < 0)
		return;
	explain_sysctl_read(EXPLAIN_SYSCTL_DIR, &sys);
	in.mib = &delta;
	n = explain_run(&in, reasons, 32);
	for (size_t i = 0; i < n && c->mptcp; i++)
		for (size_t r = 0; r < sizeof(subflow_rules) /
					       sizeof(subflow_rules[0]) &&
				   c->nsubflow_causes < 4; r++)
			if (strcmp(reasons[i].id, subflow_rules[r]) == 0)
				c->subflow_causes[c->nsubflow_causes++] =
					reasons[i];
	for (size_t i = 0; i < n && !c->cause_known && !c->mptcp; i++)
		for (size_t r = 0; r < sizeof(fallback_rules) /
					       sizeof(fallback_rules[0]); r++)
			if (strcmp(reasons[i].id, fallback_rules[r]) == 0) {
				c->cause = reasons[i];
				c->cause_known = true;
				break;
			}
	/* The server's side: an MPTCP listener hands out a plain TCP socket
	 * when the SYN had no MP_CAPABLE. */
	if (!c->cause_known && !c->mptcp && c->side[0] == 's' &&
	    mib_find(&delta, "MPCapableSYNRX") &&
	    mib_value(&delta, "MPCapableSYNRX") == 0) {
		memset(&c->cause, 0, sizeof(c->cause));
		c->cause.id = "client_not_mptcp";
		snprintf(c->cause.reason, sizeof(c->cause.reason),
			 "the client's SYN had no MP_CAPABLE: it does not use "
			 "MPTCP");
		snprintf(c->cause.evidence, sizeof(c->cause.evidence),
			 "MPCapableSYNRX unchanged");
		snprintf(c->cause.fix, sizeof(c->cause.fix),
			 "run the client with MPTCP ('mptcpshim run CMD' or "
			 "'mptcpshim check'); if it does, a middlebox strips "
			 "the option");
		c->cause_known = true;
	}
	mib_free(&delta);
}

static void print_endpoint(struct out *out, const char *key,
			   const struct sockdiag_endpoint *e, const char *fmt)
{
	char text[INET6_ADDRSTRLEN + 16];

	/* An IPv4 client of a dual-stack listener, as IPv4. */
	if (e->family == AF_INET6 && strncmp(e->addr, "::ffff:", 7) == 0 &&
	    strchr(e->addr, '.'))
		snprintf(text, sizeof(text), "%s:%u", e->addr + 7, e->port);
	else if (e->family == AF_INET6)
		snprintf(text, sizeof(text), "[%s]:%u", e->addr, e->port);
	else
		snprintf(text, sizeof(text), "%s:%u", e->addr, e->port);
	out_string(out, key, fmt, text);
}

static void print_announced(struct out *out, const struct check_conn *c)
{
	if (!c->mptcp)
		return;
	out_uint(out, "announced_accepted", NULL, c->announced_accepted);
	if (!c->events) {
		out_string(out, "announced", NULL, NULL);
		out_text(out, "  addresses the peer announced: %u used",
			 c->announced_accepted);
		out_text_string(out, " (%s)\n", c->events_note);
		return;
	}
	out_array_open(out, "announced");
	out_text(out, "  addresses the peer announced:%s",
		 c->nannounced ? "\n" : " none\n");
	for (size_t i = 0; i < c->nannounced; i++) {
		const struct check_announced *a = &c->announced[i];

		out_object_open(out, NULL);
		out_string(out, "address", "    %s", a->addr.addr);
		if (a->addr.port)
			out_uint(out, "port", " port %llu", a->addr.port);
		out_int(out, "id", " (id %lld)\n", a->id);
		out_object_close(out);
	}
	out_array_close(out);
}

void check_conn_print(struct out *out, const struct check_conn *c)
{
	out_string(out, "side", NULL, c->side);
	print_endpoint(out, "local", &c->local, NULL);
	/* The client's heading names its target already. */
	print_endpoint(out, "remote", &c->remote,
		       c->side[0] == 's' ? "from %s: " : NULL);
	out_string(out, "protocol", NULL, c->mptcp ? "MPTCP" : "TCP");
	out_text(out, "%s", c->mptcp ? "MPTCP" : "fallback to TCP");
	out_bool(out, "mptcp", NULL, c->mptcp);
	if (c->side[0] == 'c')
		out_double(out, "connect_ms", " (connected in %.3g ms)",
			   c->connect_ms);
	out_text(out, "\n");
	if (c->mptcp)
		out_uint(out, "token", NULL, c->token);
	if (!c->mptcp && c->cause_known) {
		out_object_open(out, "fallback");
		out_string(out, "id", NULL, c->cause.id);
		out_string(out, "reason", "  cause: %s\n", c->cause.reason);
		out_string(out, "evidence", "  evidence: %s\n",
			   c->cause.evidence);
		out_string(out, "fix", "  fix: %s\n", c->cause.fix);
		out_object_close(out);
	} else if (!c->mptcp) {
		out_string(out, "fallback", "  cause: %s\n",
			   "the counters of this namespace name none (the "
			   "peer's side may tell)");
	}
	if (c->side[0] == 'c') {
		out_bool(out, "peer_closed", NULL, c->peer_closed);
		if (c->peer_closed)
			out_double(out, "peer_closed_ms",
				   "  the peer closed the connection %.3g ms "
				   "after it was made (its program refused or "
				   "failed)\n", c->peer_closed_ms);
	}
	print_announced(out, c);
	out_double(out, "waited", NULL, c->waited);
	out_array_open(out, "subflows");
	if (c->mptcp)
		out_text(out, "  subflows within %.3g s: %zu\n", c->waited,
			 c->nsub);
	for (size_t i = 0; i < c->nsub; i++) {
		const struct check_subflow *s = &c->sub[i];

		out_object_open(out, NULL);
		print_endpoint(out, "local", &s->local, "    %s");
		print_endpoint(out, "remote", &s->remote, " -> %s");
		out_string(out, "state", " %s", sockdiag_state_name(s->state));
		out_double(out, "rtt_ms", "  rtt %.3g ms\n",
			   s->rtt_us / 1000.0);
		out_object_close(out);
	}
	out_array_close(out);
	out_array_open(out, "subflow_causes");
	for (size_t i = 0; i < c->nsubflow_causes; i++) {
		const struct explain_reason *r = &c->subflow_causes[i];

		out_object_open(out, NULL);
		out_string(out, "id", NULL, r->id);
		out_string(out, "reason", "  subflows: %s\n", r->reason);
		out_string(out, "evidence", "    evidence: %s\n", r->evidence);
		out_string(out, "fix", "    fix: %s\n", r->fix);
		out_object_close(out);
	}
	out_array_close(out);
}
