// SPDX-License-Identifier: BSD-3-Clause
/*
 * Listening to the in-kernel path manager's events over libmnl. The
 * message is a genlmsghdr whose cmd is the event type, then flat
 * MPTCP_ATTR_* attributes; ports are big endian, unlike the PM commands.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/mptcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diag_compat.h"
#include "nlsession.h"
#include "pm.h"
#include "pm_events.h"

struct pm_listener {
	struct nl_session s;
	uint16_t family;
};

#define PM_EVENTS_BUF 65536

static const struct {
	unsigned type;
	const char *name;
} event_names[] = {
    {MPTCP_EVENT_CREATED, "created"},
    {MPTCP_EVENT_ESTABLISHED, "established"},
    {MPTCP_EVENT_CLOSED, "closed"},
    {MPTCP_EVENT_ANNOUNCED, "announced"},
    {MPTCP_EVENT_REMOVED, "removed"},
    {MPTCP_EVENT_SUB_ESTABLISHED, "sf_established"},
    {MPTCP_EVENT_SUB_CLOSED, "sf_closed"},
    {MPTCP_EVENT_SUB_PRIORITY, "sf_priority"},
    {PM_EVENT_LISTENER_CREATED, "listener_created"},
    {PM_EVENT_LISTENER_CLOSED, "listener_closed"},
    {PM_EVENT_FALLBACK, "fallback"},
};

const char *pm_event_name(unsigned type)
{
	for (size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]);
	     i++)
		if (event_names[i].type == type)
			return event_names[i].name;
	return "unknown";
}

const char *pm_reset_reason_name(uint32_t reason)
{
	static const char *const names[] = {
	    [MPTCP_RST_EUNSPEC] = "unspecified",
	    [MPTCP_RST_EMPTCP] = "MPTCP-specific error",
	    [MPTCP_RST_ERESOURCE] = "lack of resources",
	    [MPTCP_RST_EPROHIBIT] = "administratively prohibited",
	    [MPTCP_RST_EWQ2BIG] = "too much outstanding data",
	    [MPTCP_RST_EBADPERF] = "unacceptable performance",
	    [MPTCP_RST_EMIDDLEBOX] = "middlebox interference",
	};

	return reason < sizeof(names) / sizeof(names[0]) ? names[reason]
							 : "unknown";
}

/* An [SD]ADDR[46] attribute into the event's saddr or daddr text. */
static void address(const struct nlattr *attr, struct pm_event *ev)
{
	uint16_t type = mnl_attr_get_type(attr);
	int family = type == MPTCP_ATTR_SADDR4 || type == MPTCP_ATTR_DADDR4 ?
			     AF_INET : AF_INET6;
	char *buf = type == MPTCP_ATTR_SADDR4 || type == MPTCP_ATTR_SADDR6 ?
			    ev->saddr : ev->daddr;
	size_t need = family == AF_INET ? 4 : 16;

	if (mnl_attr_get_payload_len(attr) < need ||
	    !inet_ntop(family, mnl_attr_get_payload(attr), buf,
		       INET6_ADDRSTRLEN))
		buf[0] = '\0';
}

static int event_attr_cb(const struct nlattr *attr, void *data)
{
	struct pm_event *ev = data;
	size_t len = mnl_attr_get_payload_len(attr);
	uint16_t be16;

	switch (mnl_attr_get_type(attr)) {
	case MPTCP_ATTR_TOKEN:
		ev->token = nl_attr_uint_or(attr, 4, ev->token);
		break;
	case MPTCP_ATTR_FAMILY:
		ev->family = nl_attr_uint_or(attr, 2, ev->family);
		break;
	case MPTCP_ATTR_LOC_ID:
		ev->loc_id = nl_attr_uint_or(attr, 1, ev->loc_id);
		break;
	case MPTCP_ATTR_REM_ID:
		ev->rem_id = nl_attr_uint_or(attr, 1, ev->rem_id);
		break;
	case MPTCP_ATTR_SADDR4:
	case MPTCP_ATTR_SADDR6:
	case MPTCP_ATTR_DADDR4:
	case MPTCP_ATTR_DADDR6:
		address(attr, ev);
		break;
	case MPTCP_ATTR_SPORT:
	case MPTCP_ATTR_DPORT:
		if (len < 2)
			break;
		memcpy(&be16, mnl_attr_get_payload(attr), 2);
		if (mnl_attr_get_type(attr) == MPTCP_ATTR_SPORT)
			ev->sport = ntohs(be16);
		else
			ev->dport = ntohs(be16);
		break;
	case MPTCP_ATTR_BACKUP:
		if (len >= 1)
			ev->backup = mnl_attr_get_u8(attr) != 0;
		break;
	case MPTCP_ATTR_ERROR:
		ev->error = nl_attr_uint_or(attr, 1, ev->error);
		break;
	case MPTCP_ATTR_IF_IDX:
		ev->ifindex = (int32_t)nl_attr_uint_or(attr, 4,
							 (uint32_t)ev->ifindex);
		break;
	case MPTCP_ATTR_RESET_REASON:
		if (len >= 4) {
			ev->reset_reason = mnl_attr_get_u32(attr);
			ev->has_reset = true;
		}
		break;
	case MPTCP_ATTR_RESET_FLAGS:
		ev->reset_flags = nl_attr_uint_or(attr, 4, ev->reset_flags);
		break;
	case MPTCP_ATTR_SERVER_SIDE:
		if (len >= 1)
			ev->server_side = mnl_attr_get_u8(attr) != 0;
		break;
	}
	return MNL_CB_OK;
}

int pm_event_parse(const struct nlmsghdr *nlh, struct pm_event *ev)
{
	const struct genlmsghdr *genl;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*genl)) {
		errno = EBADMSG;
		return -1;
	}
	genl = mnl_nlmsg_get_payload(nlh);
	memset(ev, 0, sizeof(*ev));
	ev->type = genl->cmd;
	ev->loc_id = ev->rem_id = -1;
	ev->backup = ev->error = ev->server_side = -1;
	/* event_attr_cb never fails; libmnl ends its walk at a malformed
	 * attribute without an error (what follows reads as not sent). */
	mnl_attr_parse(nlh, sizeof(*genl), event_attr_cb, ev);
	return 0;
}

struct pm_listener *pm_listener_open(void)
{
	struct pm_listener *l = calloc(1, sizeof(*l));
	uint32_t group;
	int saved;

	if (!l)
		return NULL;
	if (pm_genl_group(MPTCP_PM_NAME, MPTCP_PM_EV_GRP_NAME, &l->family,
			  &group) < 0 ||
	    nl_session_open(&l->s, NETLINK_GENERIC, SOCK_NONBLOCK,
			    PM_EVENTS_BUF) < 0 ||
	    mnl_socket_setsockopt(l->s.nl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		goto fail;
	return l;
fail:
	saved = errno;
	pm_listener_close(l);
	errno = saved;
	return NULL;
}

int pm_listener_fd(const struct pm_listener *l)
{
	return mnl_socket_get_fd(l->s.nl);
}

struct dispatch {
	uint16_t family;
	void (*cb)(const struct pm_event *ev, void *data);
	void *data;
	int n;
};

static int dispatch_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dispatch *d = data;
	struct pm_event ev;

	if (nlh->nlmsg_type != d->family || pm_event_parse(nlh, &ev) < 0)
		return MNL_CB_OK;
	d->cb(&ev, d->data);
	d->n++;
	return MNL_CB_OK;
}

int pm_listener_read(struct pm_listener *l,
		     void (*cb)(const struct pm_event *ev, void *data),
		     void *data)
{
	struct dispatch d = {.family = l->family, .cb = cb, .data = data};

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(l->s.nl, l->s.buf,
						 l->s.buf_len);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return d.n;
			if (errno == EINTR)
				continue;
			return -1;
		}
		/* Events carry sequence 0 and port 0: accept any. */
		mnl_cb_run(l->s.buf, n, 0, 0, dispatch_cb, &d);
	}
}

void pm_listener_close(struct pm_listener *l)
{
	if (!l)
		return;
	nl_session_close(&l->s);
	free(l);
}
