/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One connection as `mptcpshim check` reports it, from either end: MPTCP
 * or fallback (and the cause the namespace's counters give), the addresses
 * the peer announced (path-manager events for the connection's token, or
 * only their count without CAP_NET_ADMIN), and the subflows with their
 * round-trip time (MPTCP_TCPINFO + MPTCP_SUBFLOW_ADDRS, no privilege).
 */
#ifndef MPTCPSHIM_CHECK_CONN_H
#define MPTCPSHIM_CHECK_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "explain.h"
#include "mib.h"
#include "output.h"
#include "pm_events.h"
#include "sockdiag.h"

#define CHECK_MAX_SUBFLOWS 16
#define CHECK_MAX_ANNOUNCED 16

struct check_subflow {
	struct sockdiag_endpoint local, remote;
	uint32_t rtt_us;		/* smoothed RTT (tcpi_rtt) */
	unsigned state;
};

struct check_announced {
	struct sockdiag_endpoint addr;	/* port 0: the connection's port */
	int id;
};

struct check_conn {
	const char *side;		/* "client" | "server" */
	struct sockdiag_endpoint local, remote;
	double connect_ms;		/* client: connect() to established */
	bool mptcp;
	uint32_t token;			/* 0 unknown */
	/* Fallback: the first counter-backed reason, if any. */
	bool cause_known;
	struct explain_reason cause;
	bool events;			/* PM events were read */
	char events_note[160];		/* why not, when not */
	struct check_announced announced[CHECK_MAX_ANNOUNCED];
	size_t nannounced;
	unsigned announced_accepted;	/* mptcpi_add_addr_accepted */
	struct check_subflow sub[CHECK_MAX_SUBFLOWS];
	size_t nsub;
	double waited;			/* seconds subflows were awaited */
	/* The peer closed while we watched (client side: a server that
	 * accepts and closes at once speaks MPTCP but serves nothing). */
	bool peer_closed;
	double peer_closed_ms;		/* after connecting */
	/* What the counters say about subflows (joins unanswered, refused,
	 * reset...), when MPTCP. */
	struct explain_reason subflow_causes[4];
	size_t nsubflow_causes;
};

struct sockaddr;
/* sa (AF_INET or AF_INET6) as an address and port; e cleared otherwise. */
void check_endpoint_of(const struct sockaddr *sa, struct sockdiag_endpoint *e);

/* Whether fd (connected or accepted) runs MPTCP now. */
bool check_is_mptcp(int fd);

/* Refreshes c->mptcp, token, announced_accepted and the subflows of fd. */
void check_conn_sample(int fd, struct check_conn *c);

/* Adds an event about c's token (ANNOUNCED: the peer's address). */
void check_conn_event(struct check_conn *c, const struct pm_event *ev);

/* From the counters' change over the connection: the fallback cause, or
 * (MPTCP) what they say about subflows. */
void check_conn_cause(struct check_conn *c, const struct mib_set *before,
		      const struct mib_set *after);

/* The report, into the object open in out (JSON), or a few lines. */
void check_conn_print(struct out *out, const struct check_conn *c);

#endif
