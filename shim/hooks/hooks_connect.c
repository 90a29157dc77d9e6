// SPDX-License-Identifier: BSD-3-Clause
/*
 * The calls where a socket's destination or role becomes known: connect(),
 * sendto()/sendmsg() with MSG_FASTOPEN, bind() and listen(); and accept(),
 * which creates fds. Sockets that need no decision
 * pay one table lookup and no syscall beyond the application's own.
 */
#include <errno.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "fdtable.h"
#include "log.h"
#include "real.h"
#include "rebuild.h"
#include "runtime.h"
#include "stats.h"
#include "uapi_compat.h"

/* The tracked entry when fd may need work at this point, else NULL. */
static inline struct shim_fd *active_entry(int fd)
{
	struct shim_fd *entry = shim_fd_get(fd);

	if (!entry || shim_busy ||
	    atomic_load_explicit(&shim_state, memory_order_relaxed) !=
		    SHIM_ACTIVE)
		return NULL;
	return entry;
}

/* Switches fd to what the policy wants for this peer or local address. */
static void decide(int fd, struct shim_fd *entry, enum policy_role role,
		   const struct sockaddr *addr, socklen_t len)
{
	struct policy_decision d;
	bool want_mptcp, is_mptcp = entry->flags & SHIM_FD_MPTCP;

	entry->flags |= SHIM_FD_DECIDED;
	if (!addr || (addr->sa_family != AF_INET && addr->sa_family != AF_INET6))
		return;
	d = policy_decide(&shim_rt.view, role, addr, len);
	want_mptcp = d.choice == POLICY_MPTCP;
	if (role == POLICY_CONNECT)
		shim_learn_connect(want_mptcp);
	if (want_mptcp == is_mptcp)
		return;
	if (want_mptcp && atomic_load_explicit(&shim_mptcp_unavailable,
					       memory_order_relaxed))
		return;
	if (!want_mptcp && !shim_fd_is_mptcp_socket(fd))
		return;	/* a stale entry: not our socket any more */
	/* On failure the socket stays as it was: the app still connects. */
	shim_rebuild(fd, entry, want_mptcp, d.reason);
}

/* Learns once whether a connection still runs MPTCP (for the stats). */
void shim_classify_connection(int fd, struct shim_fd *entry, bool accepted)
{
	int value = 0;
	socklen_t len = sizeof(value);
	int saved = errno;
	bool mptcp;

	if (entry->flags & SHIM_FD_CLASSIFIED)
		return;
	entry->flags |= SHIM_FD_CLASSIFIED;
	if (shim_real.getsockopt(fd, IPPROTO_TCP, TCP_IS_MPTCP, &value,
				 &len) == 0) {
		mptcp = value != 0;
	} else {
		/* Before 6.10: MPTCP_INFO with optlen 0 fails once fallen back. */
		len = 0;
		mptcp = shim_real.getsockopt(fd, SOL_MPTCP, MPTCP_INFO, NULL,
					     &len) == 0;
	}
	if (!mptcp)
		entry->flags |= SHIM_FD_FALLBACK;
	shim_log(SHIM_LOG_DEBUG, "fd %d: %s", fd,
		 mptcp ? "connection runs MPTCP" :
			 "connection fell back to TCP");
	shim_stats_handshake(fd, mptcp, accepted);
	errno = saved;
}

SHIM_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct shim_fd *entry = active_entry(fd);
	int rc;

	if (!entry)
		return shim_real.connect(fd, addr, len);
	if (shim_rt.view.decide_at_connect &&
	    !(entry->flags & (SHIM_FD_DECIDED | SHIM_FD_CONNECTING)))
		decide(fd, entry, POLICY_CONNECT, addr, len);
	rc = shim_real.connect(fd, addr, len);
	if (rc == 0 || errno == EINPROGRESS || errno == EALREADY)
		entry->flags |= SHIM_FD_CONNECTING;
	if (rc == 0 && wants_classification(entry))
		shim_classify_connection(fd, entry, false);
	return rc;
}
SHIM_SELF(connect);

/* TCP Fast Open: the destination arrives with the first data. */
static void fastopen_decide(int fd, int flags, const struct sockaddr *addr,
			    socklen_t len)
{
	struct shim_fd *entry;

	if (!(flags & MSG_FASTOPEN) || !addr)
		return;
	entry = active_entry(fd);
	if (!entry || (entry->flags & SHIM_FD_CONNECTING))
		return;
	if (shim_rt.view.decide_at_connect &&
	    !(entry->flags & SHIM_FD_DECIDED))
		decide(fd, entry, POLICY_CONNECT, addr, len);
	entry->flags |= SHIM_FD_CONNECTING;
}

SHIM_EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
			   const struct sockaddr *addr, socklen_t len)
{
	if (__builtin_expect(flags & MSG_FASTOPEN, 0))
		fastopen_decide(fd, flags, addr, len);
	return shim_real.sendto(fd, buf, n, flags, addr, len);
}
SHIM_SELF(sendto);

SHIM_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	if (__builtin_expect(flags & MSG_FASTOPEN, 0) && msg)
		fastopen_decide(fd, flags, msg->msg_name, msg->msg_namelen);
	return shim_real.sendmsg(fd, msg, flags);
}
SHIM_SELF(sendmsg);

SHIM_EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct shim_fd *entry = active_entry(fd);
	int rc = shim_real.bind(fd, addr, len);

	if (entry && rc == 0) {
		entry->flags |= SHIM_FD_BOUND;
		if (addr && len <= sizeof(entry->bound) &&
		    (addr->sa_family == AF_INET || addr->sa_family == AF_INET6))
			memcpy(&entry->bound, addr, len);
		else
			entry->bound.sin6_family = AF_UNSPEC;
	}
	return rc;
}
SHIM_SELF(bind);

SHIM_EXPORT int listen(int fd, int backlog)
{
	struct shim_fd *entry = active_entry(fd);
	int rc;

	if (entry && shim_rt.view.decide_at_listen &&
	    !(entry->flags & (SHIM_FD_LISTENING | SHIM_FD_CONNECTING))) {
		struct sockaddr_in6 local = { 0 };

		/* Unbound, listen() binds the wildcard address, port 0. */
		if (entry->flags & SHIM_FD_BOUND)
			local = entry->bound;
		else
			local.sin6_family = shim_fd_domain(entry);
		decide(fd, entry, POLICY_LISTEN, (struct sockaddr *)&local,
		       local.sin6_family == AF_INET ?
			       sizeof(struct sockaddr_in) :
			       sizeof(struct sockaddr_in6));
	}
	rc = shim_real.listen(fd, backlog);
	if (entry && rc == 0)
		entry->flags |= SHIM_FD_LISTENING;
	return rc;
}
SHIM_SELF(listen);

/* A new fd from our MPTCP listener: tracked so that refused options are
 * rescued on it too (as ignore: it is connected), and to report on it. */
static void accepted(int listener, int fd)
{
	struct shim_fd *parent = shim_fd_get(listener);
	struct shim_fd *entry;

	shim_fd_forget(fd);
	if (!parent || !(parent->flags & SHIM_FD_MPTCP) || shim_busy)
		return;
	entry = shim_fd_claim(fd, shim_fd_domain(parent),
			      shim_fd_protocol(parent),
			      SHIM_FD_ACCEPTED | SHIM_FD_CONNECTING |
				      SHIM_FD_MPTCP);
	if (!entry || !wants_classification(entry))
		return;
	shim_classify_connection(fd, entry, true);
	if (entry->flags & SHIM_FD_FALLBACK)
		entry->flags &= ~SHIM_FD_MPTCP;
}

SHIM_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	int rc = shim_real.accept(fd, addr, len);

	if (rc >= 0)
		accepted(fd, rc);
	return rc;
}
SHIM_SELF(accept);

SHIM_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len,
			int flags)
{
	int rc = shim_real.accept4(fd, addr, len, flags);

	if (rc >= 0)
		accepted(fd, rc);
	return rc;
}
SHIM_SELF(accept4);
