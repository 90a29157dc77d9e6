// SPDX-License-Identifier: BSD-3-Clause
/*
 * Reading MPTCP connections and subflows from the kernel over sock_diag,
 * as `ss -Mni` and `ss -tni` do, but joined: a subflow carries its
 * connection's token in the "mptcp" ULP info, the msk carries it in
 * mptcp_info. No `ss` output is parsed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/mptcp.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diag_compat.h"
#include "nlsession.h"
#include "sockdiag.h"
#include "uapi_compat.h"

/* The kernel's TCP states (include/net/tcp_states.h), which the uapi
 * headers do not export. */
enum {
	TCP_ESTABLISHED = 1,
	TCP_SYN_SENT,
	TCP_SYN_RECV,
	TCP_FIN_WAIT1,
	TCP_FIN_WAIT2,
	TCP_TIME_WAIT,
	TCP_CLOSE,
	TCP_CLOSE_WAIT,
	TCP_LAST_ACK,
	TCP_LISTEN,
	TCP_CLOSING,
};

/* Dumps arrive in chunks of up to 32 KiB on current kernels. */
#define SD_BUF_LEN 65536

static void endpoint_from(struct sockdiag_endpoint *e, int family,
			  const __be32 *addr, __be16 port)
{
	e->family = family;
	e->port = ntohs(port);
	if (!inet_ntop(family, addr, e->addr, sizeof(e->addr)))
		e->addr[0] = '\0';
}

/* What connections and subflows alike take from the fixed header. */
static void header_fields(const struct inet_diag_msg *m,
			  struct sockdiag_endpoint *local, struct sockdiag_endpoint *remote,
			  unsigned *state)
{
	endpoint_from(local, m->idiag_family, m->id.idiag_src,
		      m->id.idiag_sport);
	endpoint_from(remote, m->idiag_family, m->id.idiag_dst,
		      m->id.idiag_dport);
	*state = m->idiag_state;
}

/*
 * Copies an info attribute into *to, zero-filled past what this kernel
 * sent (older kernels send shorter structs); returns the length sent.
 */
static size_t copy_info(const struct nlattr *attr, void *to, size_t size)
{
	size_t len = mnl_attr_get_payload_len(attr);

	memset(to, 0, size);
	memcpy(to, mnl_attr_get_payload(attr), len < size ? len : size);
	return len;
}

/* The fixed header, or NULL when the message cannot hold one. */
static const struct inet_diag_msg *diag_header(const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct inet_diag_msg)) {
		errno = EBADMSG;
		return NULL;
	}
	return mnl_nlmsg_get_payload(nlh);
}

/* Attributes after the header, one table entry per type (last wins). */
static int attr_table_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	unsigned type = mnl_attr_get_type(attr);

	if (type <= INET_DIAG_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

/* The callbacks here never fail, and libmnl ends its walk at a malformed
 * attribute without an error: a damaged tail reads as absent attributes,
 * so there is no parse error to report. */
static void parse_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb)
{
	memset(tb, 0, sizeof(*tb) * (INET_DIAG_MAX + 1));
	mnl_attr_parse(nlh, sizeof(struct inet_diag_msg), attr_table_cb, tb);
}

int sockdiag_parse_conn(const struct nlmsghdr *nlh, struct sockdiag_conn *c)
{
	const struct inet_diag_msg *m = diag_header(nlh);
	const struct nlattr *tb[INET_DIAG_MAX + 1];
	struct diag_mptcp_info info;

	if (!m)
		return -1;
	parse_attrs(nlh, tb);
	memset(c, 0, sizeof(*c));
	header_fields(m, &c->local, &c->remote, &c->state);
	c->uid = m->idiag_uid;
	c->inode = m->idiag_inode;
	if (tb[INET_DIAG_INFO]) {
		size_t len = copy_info(tb[INET_DIAG_INFO], &info,
				       sizeof(info));
		c->info_known =
		    len >= offsetof(struct diag_mptcp_info, write_seq);
		c->token = info.token;
		c->fallback = info.flags & MPTCP_INFO_FLAG_FALLBACK;
		c->extra_subflows = info.subflows;
		c->bytes_known = len >= DIAG_MPTCP_INFO_HAS_BYTES;
		c->bytes_sent = info.bytes_sent;
		c->bytes_received = info.bytes_received;
		c->bytes_acked = info.bytes_acked;
		c->bytes_retrans = info.bytes_retrans;
	}
	return 0;
}

static int subflow_attr_cb(const struct nlattr *attr, void *data)
{
	struct sockdiag_subflow *sf = data;
	size_t len = mnl_attr_get_payload_len(attr);

	switch (mnl_attr_get_type(attr)) {
	case MPTCP_SUBFLOW_ATTR_TOKEN_REM:
		if (len >= 4) {
			sf->token_rem = mnl_attr_get_u32(attr);
			sf->token_known = true;
		}
		break;
	case MPTCP_SUBFLOW_ATTR_TOKEN_LOC:
		if (len >= 4) {
			sf->token_loc = mnl_attr_get_u32(attr);
			sf->token_known = true;
		}
		break;
	case MPTCP_SUBFLOW_ATTR_FLAGS:
		sf->flags = nl_attr_uint_or(attr, 4, sf->flags);
		break;
	case MPTCP_SUBFLOW_ATTR_ID_REM:
		sf->id_rem = nl_attr_uint_or(attr, 1, sf->id_rem);
		break;
	case MPTCP_SUBFLOW_ATTR_ID_LOC:
		sf->id_loc = nl_attr_uint_or(attr, 1, sf->id_loc);
		break;
	}
	return MNL_CB_OK;
}

struct ulp_parse {
	bool is_mptcp;
	const struct nlattr *mptcp;
};

static int ulp_attr_cb(const struct nlattr *attr, void *data)
{
	struct ulp_parse *u = data;

	switch (mnl_attr_get_type(attr)) {
	case INET_ULP_INFO_NAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0 &&
		    strcmp(mnl_attr_get_str(attr), "mptcp") == 0)
			u->is_mptcp = true;
		break;
	case INET_ULP_INFO_MPTCP:
		u->mptcp = attr;
		break;
	}
	return MNL_CB_OK;
}

int sockdiag_parse_subflow(const struct nlmsghdr *nlh,
			   struct sockdiag_subflow *sf)
{
	const struct inet_diag_msg *m = diag_header(nlh);
	const struct nlattr *tb[INET_DIAG_MAX + 1];
	struct ulp_parse u = {0};

	if (!m)
		return -1;
	parse_attrs(nlh, tb);
	if (!tb[INET_DIAG_ULP_INFO])
		return 1;
	mnl_attr_parse_nested(tb[INET_DIAG_ULP_INFO], ulp_attr_cb, &u);
	if (!u.is_mptcp)
		return 1;
	memset(sf, 0, sizeof(*sf));
	header_fields(m, &sf->local, &sf->remote, &sf->state);
	sf->bound_ifindex = (int)m->id.idiag_if;
	if (u.mptcp)
		mnl_attr_parse_nested(u.mptcp, subflow_attr_cb, sf);
	if (tb[INET_DIAG_INFO]) {
		struct tcp_info ti;

		copy_info(tb[INET_DIAG_INFO], &ti, sizeof(ti));
		sf->info_known = true;
		sf->rtt_us = ti.tcpi_rtt;
		sf->cwnd = ti.tcpi_snd_cwnd;
		sf->total_retrans = ti.tcpi_total_retrans;
		sf->bytes_sent = ti.tcpi_bytes_sent;
		sf->bytes_received = ti.tcpi_bytes_received;
		sf->bytes_acked = ti.tcpi_bytes_acked;
	}
	return 0;
}

struct dump_ctx {
	struct sockdiag_snapshot *snap;
	bool mptcp;
	int error;
};

/*
 * Makes room for element n. The capacity is 16, then doubles at every
 * power of two, so it is implied by n and a 1,000-connection dump
 * reallocates a handful of times.
 */
static int grow(void **v, size_t n, size_t size)
{
	void *p;

	if (n != 0 && (n < 16 || (n & (n - 1)) != 0))
		return 0;
	p = realloc(*v, (n < 16 ? 16 : n * 2) * size);
	if (!p)
		return -1;
	*v = p;
	return 0;
}

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	struct sockdiag_snapshot *s = d->snap;
	int rc;

	if (d->mptcp) {
		struct sockdiag_conn c;

		if (sockdiag_parse_conn(nlh, &c) < 0)
			return MNL_CB_OK; /* skip what does not parse */
		if (grow((void **)&s->conns, s->nconns, sizeof(c)) < 0)
			goto nomem;
		s->conns[s->nconns++] = c;
		return MNL_CB_OK;
	}
	struct sockdiag_subflow sf;

	rc = sockdiag_parse_subflow(nlh, &sf);
	if (rc != 0)
		return MNL_CB_OK;
	if (!sf.token_known) {
		s->tokenless_subflows++;
		return MNL_CB_OK;
	}
	if (grow((void **)&s->subflows, s->nsubflows, sizeof(sf)) < 0)
		goto nomem;
	s->subflows[s->nsubflows++] = sf;
	return MNL_CB_OK;
nomem:
	d->error = ENOMEM;
	return MNL_CB_ERROR;
}

static int dump_one(struct nl_session *s, int family, bool mptcp,
		    struct dump_ctx *d)
{
	struct nlmsghdr *nlh = nl_session_request(s, SOCK_DIAG_BY_FAMILY,
						  NLM_F_DUMP, 256);
	struct inet_diag_req_v2 *req;
	int rc;

	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	/* Every state but listeners and time-wait (which have no ULP). */
	req->idiag_states = ~((1u << TCP_LISTEN) | (1u << TCP_TIME_WAIT));
	req->idiag_ext = 1u << (INET_DIAG_INFO - 1);
	if (mptcp) {
		/* sdiag_protocol is 8 bits wide; 262 goes in an attribute. */
		req->sdiag_protocol = IPPROTO_TCP;
		mnl_attr_put_u32(nlh, INET_DIAG_REQ_PROTOCOL, IPPROTO_MPTCP);
	} else {
		req->sdiag_protocol = IPPROTO_TCP;
	}
	d->mptcp = mptcp;
	rc = nl_session_transact(s, nlh, dump_cb, d);
	if (d->error) {
		errno = d->error;
		return -1;
	}
	/* A kernel without MPTCP diag answers ENOENT: nothing to list. */
	if (rc < 0 && mptcp && errno == ENOENT)
		return 0;
	return rc;
}

static int take(struct sockdiag_snapshot *snap, bool subflows)
{
	static const int families[] = {AF_INET, AF_INET6};
	struct dump_ctx d = {.snap = snap};
	struct nl_session s;
	int rc = -1;

	memset(snap, 0, sizeof(*snap));
	if (nl_session_open(&s, NETLINK_SOCK_DIAG, 0, SD_BUF_LEN) < 0)
		goto out;
	for (size_t i = 0; i < 2; i++) {
		if (dump_one(&s, families[i], true, &d) < 0)
			goto out;
		if (subflows && dump_one(&s, families[i], false, &d) < 0)
			goto out;
	}
	rc = 0;
out:
	nl_session_close(&s);
	if (rc < 0) {
		int saved = errno;

		sockdiag_snapshot_free(snap);
		errno = saved;
	}
	return rc;
}

int sockdiag_snapshot_take(struct sockdiag_snapshot *snap)
{
	return take(snap, true);
}

int sockdiag_snapshot_conns(struct sockdiag_snapshot *snap)
{
	return take(snap, false);
}

void sockdiag_snapshot_free(struct sockdiag_snapshot *snap)
{
	free(snap->conns);
	free(snap->subflows);
	memset(snap, 0, sizeof(*snap));
}

bool sockdiag_subflow_of(const struct sockdiag_subflow *sf,
			 const struct sockdiag_conn *c)
{
	return c->info_known && sf->token_known && sf->token_loc == c->token;
}

const char *sockdiag_state_name(unsigned state)
{
	static const char *const names[] = {
	    [TCP_ESTABLISHED] = "ESTAB",    [TCP_SYN_SENT] = "SYN-SENT",
	    [TCP_SYN_RECV] = "SYN-RECV",    [TCP_FIN_WAIT1] = "FIN-WAIT-1",
	    [TCP_FIN_WAIT2] = "FIN-WAIT-2", [TCP_TIME_WAIT] = "TIME-WAIT",
	    [TCP_CLOSE] = "CLOSE",	    [TCP_CLOSE_WAIT] = "CLOSE-WAIT",
	    [TCP_LAST_ACK] = "LAST-ACK",    [TCP_LISTEN] = "LISTEN",
	    [TCP_CLOSING] = "CLOSING",
	};

	if (state < sizeof(names) / sizeof(names[0]) && names[state])
		return names[state];
	return "UNKNOWN";
}
