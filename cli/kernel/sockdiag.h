/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MPTCP connections and their subflows as the kernel reports them over
 * sock_diag (netlink, libmnl): MPTCP sockets with their mptcp_info, TCP
 * sockets whose ULP is "mptcp" with their token, joined on the token.
 */
#ifndef MPTCPSHIM_SOCKDIAG_H
#define MPTCPSHIM_SOCKDIAG_H

#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockdiag_endpoint {
	int family;
	char addr[INET6_ADDRSTRLEN];
	unsigned port;
};

/* One TCP subflow of an MPTCP connection. */
struct sockdiag_subflow {
	struct sockdiag_endpoint local, remote;
	unsigned state;	  /* TCP_ESTABLISHED ... */
	bool token_known; /* the kernel showed it (privileged) */
	uint32_t token_loc, token_rem;
	unsigned flags; /* MPTCP_SUBFLOW_FLAG_* */
	unsigned id_loc, id_rem;
	int bound_ifindex; /* idiag_if: 0 unless bound */
	bool info_known;   /* tcp_info below was sent */
	uint32_t rtt_us, cwnd, total_retrans;
	uint64_t bytes_sent, bytes_received, bytes_acked;
};

/* One MPTCP socket (msk). */
struct sockdiag_conn {
	struct sockdiag_endpoint local, remote;
	unsigned state;
	uint32_t uid;
	uint64_t inode; /* 0: not attached to a file */
	bool info_known;
	uint32_t token;
	bool fallback;
	unsigned extra_subflows;
	bool bytes_known; /* 6.5+ kernels */
	uint64_t bytes_sent, bytes_received, bytes_acked, bytes_retrans;
};

struct sockdiag_snapshot {
	struct sockdiag_conn *conns;
	size_t nconns;
	struct sockdiag_subflow *subflows;
	size_t nsubflows;
	/* MPTCP subflows seen without a token (unprivileged readers). */
	size_t tokenless_subflows;
};

/*
 * Parses one inet_diag reply. For an MPTCP socket, fills *c and returns 0.
 * For a TCP socket, returns 0 and fills *sf when its ULP is mptcp, 1 when
 * it is a plain TCP socket. -1 (EBADMSG) on a malformed message.
 */
int sockdiag_parse_conn(const struct nlmsghdr *nlh, struct sockdiag_conn *c);
int sockdiag_parse_subflow(const struct nlmsghdr *nlh,
			   struct sockdiag_subflow *sf);

/*
 * Dumps the current network namespace's MPTCP connections (not listeners)
 * and their subflows, IPv4 and IPv6. Returns 0, or -1 with errno set.
 */
int sockdiag_snapshot_take(struct sockdiag_snapshot *snap);

/* Only the MPTCP sockets (cheaper: for the event listener). */
int sockdiag_snapshot_conns(struct sockdiag_snapshot *snap);

void sockdiag_snapshot_free(struct sockdiag_snapshot *snap);

/* Subflow i belongs to connection c (local token match). */
bool sockdiag_subflow_of(const struct sockdiag_subflow *sf,
			 const struct sockdiag_conn *c);

/* "ESTAB", "SYN-SENT", ... as ss prints them. */
const char *sockdiag_state_name(unsigned state);

#endif
