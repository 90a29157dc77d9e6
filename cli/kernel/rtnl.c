// SPDX-License-Identifier: BSD-3-Clause
/*
 * Small rtnetlink requests over libmnl: one route lookup, the address
 * dump and the default routes, each on a socket of its own (they are
 * asked a few times per command, never in a loop).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nlsession.h"
#include "rtnl.h"
#include "strbuf.h"

#define RTNL_BUF 32768
#define RTNL_REQUEST_MAX 512

/*
 * Opens r and starts its one request: type, flags and a zeroed extra
 * header of hdr_len, which is returned (NULL with errno on failure).
 */
static void *start(struct nl_session *r, uint16_t type, uint16_t flags,
		   size_t hdr_len, struct nlmsghdr **nlh)
{
	if (nl_session_open(r, NETLINK_ROUTE, 0, RTNL_BUF) < 0)
		return NULL;
	*nlh = nl_session_request(r, type, flags, RTNL_REQUEST_MAX);
	return mnl_nlmsg_put_extra_header(*nlh, hdr_len);
}

static int oif_attr_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == RTA_OIF &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		*(int *)data = (int)mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

static int route_get_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct rtmsg), oif_attr_cb, data);
}

int rtnl_route_get(int family, const char *dst, const char *src, int oif,
		   int *out_ifindex)
{
	unsigned char d[16], s[16];
	size_t len = family == AF_INET ? 4 : 16;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	struct nl_session r;
	int rc = -1;

	if (inet_pton(family, dst, d) != 1 ||
	    (src && inet_pton(family, src, s) != 1)) {
		errno = EINVAL;
		return -1;
	}
	rtm = start(&r, RTM_GETROUTE, NLM_F_ACK, sizeof(*rtm), &nlh);
	if (!rtm)
		goto out;
	rtm->rtm_family = family;
	rtm->rtm_dst_len = len * 8;
	mnl_attr_put(nlh, RTA_DST, len, d);
	if (src) {
		rtm->rtm_src_len = len * 8;
		mnl_attr_put(nlh, RTA_SRC, len, s);
	}
	if (oif > 0)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	*out_ifindex = 0;
	rc = nl_session_transact(&r, nlh, route_get_cb, out_ifindex);
out:
	nl_session_close(&r);
	return rc;
}

struct addr_dump {
	struct rtnl_addr *v;
	size_t n;
};

struct addr_attrs {
	const struct nlattr *local, *address, *flags;
};

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	struct addr_attrs *a = data;

	switch (mnl_attr_get_type(attr)) {
	case IFA_LOCAL:
		a->local = attr;
		break;
	case IFA_ADDRESS:
		a->address = attr;
		break;
	case IFA_FLAGS:
		a->flags = attr;
		break;
	}
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_dump *d = data;
	struct addr_attrs a = {0};
	const struct nlattr *which;
	struct rtnl_addr *e;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, &a) < 0)
		return MNL_CB_OK;
	/* IFA_LOCAL is the host's own address on point-to-point links. */
	which = a.local ? a.local : a.address;
	if (!which ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
	    mnl_attr_get_payload_len(which) <
		(ifa->ifa_family == AF_INET ? 4u : 16u))
		return MNL_CB_OK;
	e = array_push(&d->v, &d->n, sizeof(*e));
	if (!e)
		return MNL_CB_ERROR;
	e->family = ifa->ifa_family;
	e->ifindex = (int)ifa->ifa_index;
	e->prefixlen = ifa->ifa_prefixlen;
	e->scope = ifa->ifa_scope;
	e->flags = a.flags && mnl_attr_get_payload_len(a.flags) >= 4
		       ? mnl_attr_get_u32(a.flags)
		       : ifa->ifa_flags;
	inet_ntop(e->family, mnl_attr_get_payload(which), e->address,
		  sizeof(e->address));
	if (!if_indextoname(e->ifindex, e->ifname))
		e->ifname[0] = '\0';
	return MNL_CB_OK;
}

int rtnl_addresses(struct rtnl_addr **v, size_t *n)
{
	struct addr_dump d = {0};
	struct nlmsghdr *nlh;
	struct rtgenmsg *g;
	struct nl_session r;
	int rc = -1;

	*v = NULL;
	*n = 0;
	g = start(&r, RTM_GETADDR, NLM_F_DUMP, sizeof(*g), &nlh);
	if (!g)
		goto out;
	g->rtgen_family = AF_UNSPEC;
	rc = nl_session_transact(&r, nlh, addr_cb, &d);
out:
	nl_session_close(&r);
	if (rc < 0) {
		free(d.v);
		return -1;
	}
	*v = d.v;
	*n = d.n;
	return 0;
}

struct default_query {
	int ifindex;
	bool found;
};

static int multipath_has(const struct nlattr *attr, int ifindex)
{
	const struct rtnexthop *nh = mnl_attr_get_payload(attr);
	int left = (int)mnl_attr_get_payload_len(attr);

	while (left >= (int)sizeof(*nh) && nh->rtnh_len >= sizeof(*nh) &&
	       nh->rtnh_len <= left) {
		if (nh->rtnh_ifindex == ifindex)
			return 1;
		left -= RTNH_ALIGN(nh->rtnh_len);
		nh = (const struct rtnexthop *)((const char *)nh +
						RTNH_ALIGN(nh->rtnh_len));
	}
	return 0;
}

static int default_attr_cb(const struct nlattr *attr, void *data)
{
	struct default_query *q = data;

	if (mnl_attr_get_type(attr) == RTA_OIF &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0 &&
	    (int)mnl_attr_get_u32(attr) == q->ifindex)
		q->found = true;
	else if (mnl_attr_get_type(attr) == RTA_MULTIPATH &&
		 multipath_has(attr, q->ifindex))
		q->found = true;
	return MNL_CB_OK;
}

static int default_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_dst_len != 0 ||
	    rtm->rtm_table != RT_TABLE_MAIN || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	return mnl_attr_parse(nlh, sizeof(*rtm), default_attr_cb, data);
}

bool rtnl_default_route_via(int family, int ifindex)
{
	struct default_query q = {.ifindex = ifindex};
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	struct nl_session r;

	rtm = start(&r, RTM_GETROUTE, NLM_F_DUMP, sizeof(*rtm), &nlh);
	if (rtm) {
		rtm->rtm_family = family;
		nl_session_transact(&r, nlh, default_cb, &q);
	}
	nl_session_close(&r);
	return q.found;
}
