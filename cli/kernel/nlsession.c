// SPDX-License-Identifier: BSD-3-Clause
/*
 * The netlink request loop every kernel query of the CLI shares; see
 * nlsession.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "nlsession.h"

int nl_session_open(struct nl_session *s, int bus, int sock_flags,
		    size_t buf_len)
{
	memset(s, 0, sizeof(*s));
	s->buf_len = buf_len;
	s->buf = malloc(buf_len);
	if (!s->buf)
		return -1;
	s->nl = mnl_socket_open2(bus, SOCK_CLOEXEC | sock_flags);
	if (!s->nl || mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -1;
	s->portid = mnl_socket_get_portid(s->nl);
	/* Sequence numbers pair replies with requests; starting from the
	 * clock keeps a late reply to an earlier run from matching. */
	s->seq = (unsigned)time(NULL);
	return 0;
}

void nl_session_close(struct nl_session *s)
{
	int saved = errno;

	if (s->nl)
		mnl_socket_close(s->nl);
	free(s->buf);
	memset(s, 0, sizeof(*s));
	errno = saved;
}

struct nlmsghdr *nl_session_request(struct nl_session *s, uint16_t type,
				    uint16_t flags, size_t room)
{
	struct nlmsghdr *nlh;

	memset(s->buf, 0, room < s->buf_len ? room : s->buf_len);
	nlh = mnl_nlmsg_put_header(s->buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++s->seq;
	return nlh;
}

int nl_session_transact(struct nl_session *s, struct nlmsghdr *nlh,
			mnl_cb_t cb, void *data)
{
	unsigned seq = nlh->nlmsg_seq;
	int rc;

	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		ssize_t n = mnl_socket_recvfrom(s->nl, s->buf, s->buf_len);

		if (n < 0)
			return -1;
		rc = mnl_cb_run(s->buf, n, seq, s->portid, cb, data);
	} while (rc > 0);
	return rc < 0 ? -1 : 0;
}

uint32_t nl_attr_uint_or(const struct nlattr *attr, size_t width,
			 uint32_t fallback)
{
	if (mnl_attr_get_payload_len(attr) < width)
		return fallback;
	switch (width) {
	case 1:
		return mnl_attr_get_u8(attr);
	case 2:
		return mnl_attr_get_u16(attr);
	default:
		return mnl_attr_get_u32(attr);
	}
}
