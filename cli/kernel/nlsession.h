/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One netlink conversation over libmnl, as every kernel query of the CLI
 * has it (rtnetlink, generic netlink, sock_diag): a bound socket, a
 * receive buffer, numbered requests, and the loop that runs a callback on
 * every reply until the kernel says the request is done.
 */
#ifndef MPTCPSHIM_NLSESSION_H
#define MPTCPSHIM_NLSESSION_H

#include <libmnl/libmnl.h>
#include <stddef.h>
#include <stdint.h>

struct nl_session {
	struct mnl_socket *nl;
	unsigned portid;
	unsigned seq;
	char *buf;
	size_t buf_len;
};

/*
 * Opens and binds a socket of bus (NETLINK_ROUTE...) with SOCK_CLOEXEC
 * and sock_flags (SOCK_NONBLOCK...), and a receive buffer of buf_len
 * bytes. Returns 0, or -1 with errno; nl_session_close() is due either way.
 */
int nl_session_open(struct nl_session *s, int bus, int sock_flags,
		    size_t buf_len);

/* Frees what open took; errno is kept. Safe on a failed open. */
void nl_session_close(struct nl_session *s);

/*
 * A request header of type and NLM_F_REQUEST | flags with the next
 * sequence number, at the start of the buffer, whose first room bytes are
 * zeroed so that extra headers and attribute padding are defined.
 */
struct nlmsghdr *nl_session_request(struct nl_session *s, uint16_t type,
				    uint16_t flags, size_t room);

/*
 * Sends nlh and runs cb (NULL: only errors and the ack count) on every
 * reply until the request is done. Returns 0, or -1 with errno: the
 * kernel's for an error reply, unchanged when cb returned MNL_CB_ERROR.
 */
int nl_session_transact(struct nl_session *s, struct nlmsghdr *nlh,
			mnl_cb_t cb, void *data);

/*
 * The unsigned integer of width bytes (1, 2 or 4) that attr carries, or
 * fallback when its payload is shorter (a truncated attribute leaves the
 * field as it was).
 */
uint32_t nl_attr_uint_or(const struct nlattr *attr, size_t width,
			 uint32_t fallback);

#endif
