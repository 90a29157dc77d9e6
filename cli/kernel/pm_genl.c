// SPDX-License-Identifier: BSD-3-Clause
/*
 * Reading the path manager's endpoints and limits over generic netlink
 * (libmnl), the way `ip mptcp endpoint/limits show` does: the family id is
 * dynamic, so it is resolved by name first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/mptcp.h>

#include "nlsession.h"
#include "pm.h"

#define GENL_REQUEST_MAX 256

static struct nlmsghdr *put_request(struct nl_session *c, uint16_t type,
				    uint16_t flags, uint8_t cmd,
				    uint8_t version)
{
	struct nlmsghdr *nlh = nl_session_request(c, type, flags,
						  GENL_REQUEST_MAX);
	struct genlmsghdr *genl;

	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct family_query {
	uint16_t id;
	const char *group;		/* NULL: no group wanted */
	uint32_t group_id;
};

static int group_attr_cb(const struct nlattr *attr, void *data)
{
	const char **name = data;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_NAME &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		name[0] = mnl_attr_get_str(attr);
	else if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_ID &&
		 mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		name[1] = (const char *)mnl_attr_get_payload(attr);
	return MNL_CB_OK;
}

/* One CTRL_ATTR_MCAST_GROUPS entry: keeps its id if the name matches. */
static int groups_cb(const struct nlattr *attr, void *data)
{
	struct family_query *q = data;
	const char *found[2] = { NULL, NULL };

	if (mnl_attr_parse_nested(attr, group_attr_cb, found) < 0)
		return MNL_CB_OK;
	if (found[0] && found[1] && strcmp(found[0], q->group) == 0)
		memcpy(&q->group_id, found[1], sizeof(q->group_id));
	return MNL_CB_OK;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family_query *q = data;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
		q->id = mnl_attr_get_u16(attr);
	else if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GROUPS &&
		 q->group)
		mnl_attr_parse_nested(attr, groups_cb, q);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb,
			      data);
}

static int resolve(struct nl_session *c, const char *name,
		   struct family_query *q)
{
	struct nlmsghdr *nlh = put_request(c, GENL_ID_CTRL, NLM_F_ACK,
					   CTRL_CMD_GETFAMILY, 1);

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (nl_session_transact(c, nlh, family_cb, q) < 0)
		return -1;
	if (q->id == 0 || (q->group && q->group_id == 0)) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

static int resolve_family(struct nl_session *c, const char *name,
			  uint16_t *id)
{
	struct family_query q = { 0 };
	int rc = resolve(c, name, &q);

	*id = q.id;
	return rc;
}

static int limits_attr_cb(const struct nlattr *attr, void *data)
{
	struct pm_state *st = data;

	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_OK;
	switch (mnl_attr_get_type(attr)) {
	case MPTCP_PM_ATTR_RCV_ADD_ADDRS:
		st->add_addr_accepted = mnl_attr_get_u32(attr);
		st->limits_known = true;
		break;
	case MPTCP_PM_ATTR_SUBFLOWS:
		st->subflows = mnl_attr_get_u32(attr);
		st->limits_known = true;
		break;
	}
	return MNL_CB_OK;
}

static int limits_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), limits_attr_cb,
			      data);
}

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	struct pm_endpoint *ep = data;
	size_t len = mnl_attr_get_payload_len(attr);
	const void *p = mnl_attr_get_payload(attr);

	switch (mnl_attr_get_type(attr)) {
	case MPTCP_PM_ADDR_ATTR_FAMILY:
		ep->family = nl_attr_uint_or(attr, 2, ep->family);
		break;
	case MPTCP_PM_ADDR_ATTR_ID:
		ep->id = nl_attr_uint_or(attr, 1, ep->id);
		break;
	case MPTCP_PM_ADDR_ATTR_ADDR4:
		if (len >= 4)
			inet_ntop(AF_INET, p, ep->address,
				  sizeof(ep->address));
		break;
	case MPTCP_PM_ADDR_ATTR_ADDR6:
		if (len >= 16)
			inet_ntop(AF_INET6, p, ep->address,
				  sizeof(ep->address));
		break;
	case MPTCP_PM_ADDR_ATTR_PORT:
		ep->port = nl_attr_uint_or(attr, 2, ep->port);
		break;
	case MPTCP_PM_ADDR_ATTR_FLAGS:
		ep->flags = nl_attr_uint_or(attr, 4, ep->flags);
		break;
	case MPTCP_PM_ADDR_ATTR_IF_IDX:
		ep->ifindex = (int32_t)nl_attr_uint_or(attr, 4,
							 (uint32_t)ep->ifindex);
		break;
	}
	return MNL_CB_OK;
}

static int endpoint_attr_cb(const struct nlattr *attr, void *data)
{
	struct pm_state *st = data;
	struct pm_endpoint *ep, *grown;

	/* The kernel sets NLA_F_NESTED; mnl_attr_get_type() masks it. */
	if (mnl_attr_get_type(attr) != MPTCP_PM_ATTR_ADDR)
		return MNL_CB_OK;
	grown = realloc(st->ep, (st->n + 1) * sizeof(*st->ep));
	if (!grown)
		return MNL_CB_ERROR;
	st->ep = grown;
	ep = &st->ep[st->n];
	memset(ep, 0, sizeof(*ep));
	if (mnl_attr_parse_nested(attr, addr_attr_cb, ep) < 0)
		return MNL_CB_ERROR;
	if (ep->ifindex > 0 && !if_indextoname(ep->ifindex, ep->ifname))
		ep->ifname[0] = '\0';
	ep->if_exists = ep->if_up = ep->if_running = true;
	ep->rp_filter = -1;
	ep->address_present = true;
	st->n++;
	return MNL_CB_OK;
}

static int endpoint_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr),
			      endpoint_attr_cb, data);
}

/* A reply of either request: limits and endpoints fill their own fields. */
static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	if (limits_cb(nlh, data) == MNL_CB_ERROR)
		return MNL_CB_ERROR;
	return endpoint_cb(nlh, data);
}

/*
 * True if every message header fits in what is left of buf. libmnl's own
 * check compares nlmsg_len as an int, so a length of 2 GiB or more passes
 * it and the walk jumps out of the buffer (found by tests/fuzz).
 */
static bool messages_fit(const unsigned char *buf, size_t len)
{
	while (len >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)buf;
		size_t step = NLMSG_ALIGN((size_t)nlh->nlmsg_len);

		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len)
			return false;
		if (step >= len)
			break;
		buf += step;
		len -= step;
	}
	return true;
}

int pm_parse_reply(const void *buf, size_t len, struct pm_state *st)
{
	if (len > INT32_MAX || !messages_fit(buf, len))
		return -1;
	return mnl_cb_run(buf, len, 0, 0, reply_cb, st) < 0 ? -1 : 0;
}

int pm_fetch(struct pm_state *st)
{
	return pm_fetch_family(MPTCP_PM_NAME, st);
}

/* Dumps come in messages of up to a page or 8 KiB; 32 KiB is ample. */
static int conn_open(struct nl_session *c)
{
	return nl_session_open(c, NETLINK_GENERIC, 0, 32768);
}

int pm_fetch_family(const char *name, struct pm_state *st)
{
	struct nl_session c;
	struct nlmsghdr *nlh;
	uint16_t family;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (conn_open(&c) < 0 || resolve_family(&c, name, &family) < 0)
		goto out;

	nlh = put_request(&c, family, NLM_F_ACK, MPTCP_PM_CMD_GET_LIMITS,
			  MPTCP_PM_VER);
	if (nl_session_transact(&c, nlh, limits_cb, st) < 0)
		goto out;

	nlh = put_request(&c, family, NLM_F_DUMP, MPTCP_PM_CMD_GET_ADDR,
			  MPTCP_PM_VER);
	if (nl_session_transact(&c, nlh, endpoint_cb, st) < 0)
		goto out;
	rc = 0;
out:
	nl_session_close(&c);
	if (rc < 0) {
		int saved = errno;

		pm_state_free(st);
		errno = saved;
	}
	return rc;
}

int pm_genl_group(const char *family, const char *group,
		  uint16_t *family_id, uint32_t *group_id)
{
	struct family_query q = { .group = group };
	struct nl_session c;
	int rc = -1;

	if (conn_open(&c) == 0 && resolve(&c, family, &q) == 0) {
		*family_id = q.id;
		*group_id = q.group_id;
		rc = 0;
	}
	nl_session_close(&c);
	return rc;
}

static void put_address(struct nlmsghdr *nlh, const struct pm_endpoint *ep)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, MPTCP_PM_ATTR_ADDR);
	unsigned char raw[sizeof(struct in6_addr)];

	/* Deleting by id: no family, or the kernel wants an address too. */
	if (ep->family)
		mnl_attr_put_u16(nlh, MPTCP_PM_ADDR_ATTR_FAMILY, ep->family);
	if (ep->id)
		mnl_attr_put_u8(nlh, MPTCP_PM_ADDR_ATTR_ID, ep->id);
	if (ep->family && ep->address[0] &&
	    inet_pton(ep->family, ep->address, raw) == 1)
		mnl_attr_put(nlh, ep->family == AF_INET
					  ? MPTCP_PM_ADDR_ATTR_ADDR4
					  : MPTCP_PM_ADDR_ATTR_ADDR6,
			     ep->family == AF_INET ? 4 : 16, raw);
	if (ep->port)
		mnl_attr_put_u16(nlh, MPTCP_PM_ADDR_ATTR_PORT, ep->port);
	if (ep->flags)
		mnl_attr_put_u32(nlh, MPTCP_PM_ADDR_ATTR_FLAGS, ep->flags);
	if (ep->ifindex > 0)
		mnl_attr_put_u32(nlh, MPTCP_PM_ADDR_ATTR_IF_IDX,
				 (uint32_t)ep->ifindex);
	mnl_attr_nest_end(nlh, nest);
}

/* One acknowledged change: ep and limits as the command takes them. */
static int change(uint8_t cmd, const struct pm_endpoint *ep,
		  const unsigned *limits)
{
	struct nl_session c;
	struct nlmsghdr *nlh;
	uint16_t family;
	int rc = -1;

	if (conn_open(&c) < 0 || resolve_family(&c, MPTCP_PM_NAME, &family) < 0)
		goto out;
	nlh = put_request(&c, family, NLM_F_ACK, cmd, MPTCP_PM_VER);
	if (ep)
		put_address(nlh, ep);
	if (limits) {
		mnl_attr_put_u32(nlh, MPTCP_PM_ATTR_SUBFLOWS, limits[0]);
		mnl_attr_put_u32(nlh, MPTCP_PM_ATTR_RCV_ADD_ADDRS, limits[1]);
	}
	rc = nl_session_transact(&c, nlh, NULL, NULL) < 0 ? -1 : 0;
out:
	nl_session_close(&c);
	return rc;
}

int pm_add_endpoint(const struct pm_endpoint *ep)
{
	return change(MPTCP_PM_CMD_ADD_ADDR, ep, NULL);
}

int pm_set_endpoint_flags(unsigned id, unsigned flags)
{
	/* By id (no family): the kernel changes backup and fullmesh in
	 * place, and the endpoint's subflows stay. */
	struct pm_endpoint ep = { .id = id, .flags = flags };

	return change(MPTCP_PM_CMD_SET_FLAGS, &ep, NULL);
}

int pm_delete_endpoint(unsigned id)
{
	struct pm_endpoint ep = { .id = id };

	return change(MPTCP_PM_CMD_DEL_ADDR, &ep, NULL);
}

int pm_flush_endpoints(void)
{
	return change(MPTCP_PM_CMD_FLUSH_ADDRS, NULL, NULL);
}

int pm_set_limits(unsigned subflows, unsigned add_addr_accepted)
{
	unsigned limits[2] = { subflows, add_addr_accepted };

	return change(MPTCP_PM_CMD_SET_LIMITS, NULL, limits);
}

void pm_state_free(struct pm_state *st)
{
	free(st->ep);
	st->ep = NULL;
	st->n = 0;
	free(st->unused);
	st->unused = NULL;
	st->nunused = 0;
}

static const struct {
	unsigned flag;
	const char *name;
} flag_names[] = {
	{ PM_FLAG_SIGNAL, "signal" },	{ PM_FLAG_SUBFLOW, "subflow" },
	{ PM_FLAG_BACKUP, "backup" },	{ PM_FLAG_FULLMESH, "fullmesh" },
	{ PM_FLAG_IMPLICIT, "implicit" }, { PM_FLAG_LAMINAR, "laminar" },
};

size_t pm_flag_names(unsigned flags, const char **names, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]);
	     i++)
		if ((flags & flag_names[i].flag) && n < max)
			names[n++] = flag_names[i].name;
	return n;
}

void pm_flag_counts(const struct pm_state *st, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t f = 0; f < sizeof(flag_names) / sizeof(flag_names[0]);
	     f++) {
		size_t n = 0;
		int w;

		for (size_t i = 0; i < st->n; i++)
			n += (st->ep[i].flags & flag_names[f].flag) != 0;
		if (!n)
			continue;
		w = snprintf(buf + used, len - used, "%s%s %zu",
			     used ? ", " : "", flag_names[f].name, n);
		if (w < 0 || (size_t)w >= len - used) {
			/* Whole entries only. */
			buf[used] = '\0';
			break;
		}
		used += (size_t)w;
	}
}
