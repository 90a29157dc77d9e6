// SPDX-License-Identifier: BSD-3-Clause
/*
 * The calls where a socket's destination or role becomes known: connect(),
 * sendto()/sendmsg() with MSG_FASTOPEN, bind() and listen(); and accept(),
 * which creates fds. Sockets that need no decision
 * pay one table lookup and no syscall beyond the application's own.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "appmem.h"
#include "fate.h"
#include "fdidentity.h"
#include "fdtable.h"
#include "inherit.h"
#include "landlock.h"
#include "log.h"
#include "real.h"
#include "rebuild.h"
#include "runtime.h"
#include "stats.h"
#include "uapi_compat.h"

/* What the kernel accepts as an AF_INET6 address: without sin6_scope_id. */
#define SHIM_SIN6_LEN_RFC2133 24

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
	if (want_mptcp && shim_landlocked())
		return;	/* its Landlock rules hold TCP only */
	if (want_mptcp && atomic_load_explicit(&shim_mptcp_unavailable,
					       memory_order_relaxed))
		return;
	if (!want_mptcp && !shim_fd_is_mptcp_socket(fd))
		return;	/* a stale entry: not our socket any more */
	/* On failure the socket stays as it was: the app still connects. */
	shim_rebuild(fd, entry, want_mptcp, d.reason);
}

/*
 * The destination, copied out of the app's memory before the kernel sees
 * it: a bad pointer or length is left for the kernel to refuse (EFAULT,
 * EINVAL) rather than read by us. A 24-byte sockaddr_in6 (RFC 2133, no
 * scope id) is what the kernel accepts too.
 */
static void decide_connect(int fd, struct shim_fd *entry,
			   const struct sockaddr *addr, socklen_t len)
{
	struct sockaddr_in6 copy = { 0 };
	size_t n = len < sizeof(copy) ? len : sizeof(copy);

	if (!addr || len < sizeof(sa_family_t) ||
	    !shim_copy_from_app(&copy, addr, n))
		return;
	if (copy.sin6_family == AF_INET6 && n >= SHIM_SIN6_LEN_RFC2133)
		n = sizeof(copy);
	decide(fd, entry, POLICY_CONNECT, (struct sockaddr *)&copy,
	       (socklen_t)n);
}

/*
 * Marks fd connecting from what the kernel says. A connect() interrupted
 * by a signal (EINTR) leaves the handshake running; one that failed
 * (ECONNREFUSED...) leaves a socket that may connect again, elsewhere:
 * its destination is then decided anew.
 */
static void after_connect(int fd, struct shim_fd *entry, int rc)
{
	int state;

	if (rc == 0 || errno == EINPROGRESS || errno == EALREADY) {
		entry->flags |= SHIM_FD_CONNECTING;
		return;
	}
	/* An argument the kernel rejected before trying leaves listen()
	 * allowed; any other failure came from an attempt. */
	if (errno != EFAULT && errno != EINVAL && errno != EAFNOSUPPORT &&
	    errno != EBADF && errno != ENOTSOCK)
		entry->flags |= SHIM_FD_CONNECT_TRIED;
	state = shim_fd_tcp_state(fd);
	if (state >= 0 && state != TCP_CLOSE)
		entry->flags |= SHIM_FD_CONNECTING;
	else
		entry->flags &= ~(SHIM_FD_CONNECTING | SHIM_FD_DECIDED |
				  SHIM_FD_FATE_KNOWN);
}

/* A second connect(): after an asynchronous failure (SO_ERROR), the
 * socket is back to CLOSE and its next destination needs a decision. */
static void before_reconnect(int fd, struct shim_fd *entry)
{
	if (shim_fd_tcp_state(fd) == TCP_CLOSE &&
	    !(entry->flags & SHIM_FD_LISTENING))
		entry->flags &= ~(SHIM_FD_CONNECTING | SHIM_FD_DECIDED |
				  SHIM_FD_FATE_KNOWN);
}

SHIM_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct shim_fd *entry = active_entry(fd);
	int rc;

	if (!entry)
		return shim_real.connect(fd, addr, len);
	shim_landlock_before(true);
	if (shim_landlocked() &&
	    shim_landlock_guard(fd, entry, true, addr, len) < 0)
		return -1;
	if (entry->flags & SHIM_FD_CONNECTING)
		before_reconnect(fd, entry);
	if (shim_rt.view.decide_at_connect &&
	    !(entry->flags & (SHIM_FD_DECIDED | SHIM_FD_CONNECTING)))
		decide_connect(fd, entry, addr, len);
	rc = shim_real.connect(fd, addr, len);
	after_connect(fd, entry, rc);
	if (rc == 0 && shim_wants_fate(entry))
		shim_learn_fate(fd, entry, false);
	return rc;
}
SHIM_SELF(connect);

/* TCP Fast Open: the destination arrives with the first data. */
static struct shim_fd *fastopen_decide(int fd, const struct sockaddr *addr,
				       socklen_t len)
{
	struct shim_fd *entry;

	if (!addr)
		return NULL;
	entry = active_entry(fd);
	if (!entry)
		return NULL;
	if (entry->flags & SHIM_FD_CONNECTING)
		before_reconnect(fd, entry);
	if (entry->flags & SHIM_FD_CONNECTING)
		return NULL;
	if (shim_rt.view.decide_at_connect &&
	    !(entry->flags & SHIM_FD_DECIDED))
		decide_connect(fd, entry, addr, len);
	return entry;
}

SHIM_EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
			   const struct sockaddr *addr, socklen_t len)
{
	struct shim_fd *entry = NULL;
	ssize_t rc;

	if (__builtin_expect(flags & MSG_FASTOPEN, 0))
		entry = fastopen_decide(fd, addr, len);
	rc = shim_real.sendto(fd, buf, n, flags, addr, len);
	if (entry)
		after_connect(fd, entry, rc < 0 ? -1 : 0);
	return rc;
}
SHIM_SELF(sendto);

/* The msghdr is the app's too: copied before it is read, so a bad one
 * reaches the kernel (EFAULT) instead of crashing us. */
static struct shim_fd *fastopen_msg(int fd, const struct msghdr *msg)
{
	struct msghdr copy;

	if (!shim_copy_from_app(&copy, msg, sizeof(copy)))
		return NULL;
	return fastopen_decide(fd, copy.msg_name, copy.msg_namelen);
}

SHIM_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct shim_fd *entry = NULL;
	ssize_t rc;

	if (__builtin_expect(flags & MSG_FASTOPEN, 0))
		entry = fastopen_msg(fd, msg);
	rc = shim_real.sendmsg(fd, msg, flags);
	if (entry)
		after_connect(fd, entry, rc < 0 ? -1 : 0);
	/* The kernel read the whole msghdr and its control data: passing a
	 * socket away (SCM_RIGHTS) gives it a holder in another process. */
	if (rc >= 0 && msg->msg_controllen)
		shim_note_passed_fds(msg);
	return rc;
}
SHIM_SELF(sendmsg);

SHIM_EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct shim_fd *entry = active_entry(fd);
	int rc;

	if (entry)
		shim_landlock_before(false);
	if (entry && shim_landlocked() &&
	    shim_landlock_guard(fd, entry, false, addr, len) < 0)
		return -1;
	rc = shim_real.bind(fd, addr, len);
	if (entry && rc == 0) {
		entry->flags |= SHIM_FD_BOUND;
		/* The kernel read addr: it is safe to read, len bytes of it. */
		memset(&entry->bound, 0, sizeof(entry->bound));
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
	    !(entry->flags & (SHIM_FD_LISTENING | SHIM_FD_CONNECTING |
			      SHIM_FD_CONNECT_TRIED))) {
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

	shim_fd_handover_acquire(fd);
	shim_fd_forget(fd);
	if (!parent || !(parent->flags & SHIM_FD_MPTCP) || shim_busy)
		return;
	entry = shim_fd_claim_new(fd, shim_fd_domain(parent),
				  shim_fd_protocol(parent),
				  SHIM_FD_ACCEPTED | SHIM_FD_CONNECTING |
					  SHIM_FD_MPTCP);
	if (!entry || !shim_wants_fate(entry))
		return;
	shim_learn_fate(fd, entry, true);
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
