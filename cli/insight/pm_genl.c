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
#include <time.h>
#include <unistd.h>

#include <linux/mptcp.h>

#include "pm.h"

#define GENL_REQUEST_MAX 256

struct genl_conn {
	struct mnl_socket *nl;
	unsigned portid;
	unsigned seq;
	char *buf;
	size_t buf_len;
};

static struct nlmsghdr *put_request(struct genl_conn *c, uint16_t type,
				    uint16_t flags, uint8_t cmd,
				    uint8_t version)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	/* Requests are small; zero them so attribute padding is defined. */
	memset(c->buf, 0, GENL_REQUEST_MAX);
	nlh = mnl_nlmsg_put_header(c->buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++c->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

/* Sends nlh and runs cb on every reply until the request is done. */
static int transact(struct genl_conn *c, struct nlmsghdr *nlh,
		    mnl_cb_t cb, void *data)
{
	unsigned seq = nlh->nlmsg_seq;
	int rc;

	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		ssize_t n = mnl_socket_recvfrom(c->nl, c->buf, c->buf_len);

		if (n < 0)
			return -1;
		rc = mnl_cb_run(c->buf, n, seq, c->portid, cb, data);
	} while (rc > 0);
	return rc;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	uint16_t *id = data;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
		*id = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb,
			      data);
}

static int resolve_family(struct genl_conn *c, const char *name,
			  uint16_t *id)
{
	struct nlmsghdr *nlh = put_request(c, GENL_ID_CTRL, NLM_F_ACK,
					   CTRL_CMD_GETFAMILY, 1);

	*id = 0;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (transact(c, nlh, family_cb, id) < 0)
		return -1;
	if (*id == 0) {
		errno = ENOENT;
		return -1;
	}
	return 0;
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
		if (len >= 2)
			ep->family = mnl_attr_get_u16(attr);
		break;
	case MPTCP_PM_ADDR_ATTR_ID:
		if (len >= 1)
			ep->id = mnl_attr_get_u8(attr);
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
		if (len >= 2)
			ep->port = mnl_attr_get_u16(attr);
		break;
	case MPTCP_PM_ADDR_ATTR_FLAGS:
		if (len >= 4)
			ep->flags = mnl_attr_get_u32(attr);
		break;
	case MPTCP_PM_ADDR_ATTR_IF_IDX:
		if (len >= 4)
			ep->ifindex = (int32_t)mnl_attr_get_u32(attr);
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

int pm_fetch_family(const char *name, struct pm_state *st)
{
	struct genl_conn c = { 0 };
	struct nlmsghdr *nlh;
	uint16_t family;
	int rc = -1, saved;

	memset(st, 0, sizeof(*st));
	/* Dumps come in messages of up to a page or 8 KiB; 32 KiB is ample. */
	c.buf_len = 32768;
	c.buf = malloc(c.buf_len);
	if (!c.buf)
		return -1;
	c.nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!c.nl)
		goto out;
	if (mnl_socket_bind(c.nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	c.portid = mnl_socket_get_portid(c.nl);
	c.seq = (unsigned)time(NULL);

	if (resolve_family(&c, name, &family) < 0)
		goto out;

	nlh = put_request(&c, family, NLM_F_ACK, MPTCP_PM_CMD_GET_LIMITS,
			  MPTCP_PM_VER);
	if (transact(&c, nlh, limits_cb, st) < 0)
		goto out;

	nlh = put_request(&c, family, NLM_F_DUMP, MPTCP_PM_CMD_GET_ADDR,
			  MPTCP_PM_VER);
	if (transact(&c, nlh, endpoint_cb, st) < 0)
		goto out;
	rc = 0;
out:
	saved = errno;
	if (c.nl)
		mnl_socket_close(c.nl);
	free(c.buf);
	if (rc < 0)
		pm_state_free(st);
	errno = saved;
	return rc;
}

void pm_state_free(struct pm_state *st)
{
	free(st->ep);
	st->ep = NULL;
	st->n = 0;
}
