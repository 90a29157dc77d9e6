// SPDX-License-Identifier: BSD-3-Clause
/*
 * The rebuild behind destination rules and option rescue. It runs only on
 * the rare sockets whose protocol must change, so it may spend syscalls;
 * everything it does is undone if any step fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "real.h"
#include "rebuild.h"
#include "runtime.h"
#include "stats.h"
#include "uapi_compat.h"

bool shim_fd_is_mptcp_socket(int fd)
{
	int protocol = 0;
	socklen_t len = sizeof(protocol);

	return shim_real.getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol,
				    &len) == 0 &&
	       protocol == IPPROTO_MPTCP;
}

static int set_int(int fd, int level, int name, int value)
{
	return shim_real.setsockopt(fd, level, name, &value, sizeof(value));
}

void shim_apply_keepalive(int fd, struct shim_fd *entry)
{
	const struct policy_keepalive *ka = &shim_rt.view.keepalive;
	int saved = errno;
	bool ok;

	ok = set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1) == 0;
	if (ok && ka->idle > 0)
		ok = set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, ka->idle) == 0;
	if (ok && ka->interval > 0)
		ok = set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, ka->interval) == 0;
	if (ok && ka->count > 0)
		ok = set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, ka->count) == 0;
	if (ok) {
		/* A rebuilt socket is still the app's one socket: count once. */
		if (shim_rt.stats && !(entry->flags & SHIM_FD_KEEPALIVE_SET))
			shim_stats_keepalive(fd);
		entry->flags |= SHIM_FD_KEEPALIVE_SET;
	} else {
		shim_log(SHIM_LOG_DEBUG, "fd %d: keepalive policy refused: %s",
			 fd, strerrorname_np(errno));
	}
	errno = saved;
}

/* The replacement socket, flags and options applied; -1 on failure. */
static int build_twin(int fd, struct shim_fd *entry, bool to_mptcp)
{
	int type = SOCK_STREAM | SOCK_CLOEXEC;
	int protocol = to_mptcp ? IPPROTO_MPTCP : shim_fd_protocol(entry);
	int status, twin;

	/* Current flags, not socket()'s: the app may have used fcntl since. */
	status = fcntl(fd, F_GETFL);
	if (status < 0)
		return -1;
	twin = shim_real.socket(shim_fd_domain(entry), type, protocol);
	if (twin < 0)
		return -1;
	if ((status & O_NONBLOCK) && fcntl(twin, F_SETFL, status) < 0)
		goto fail;
	/* Keepalive belongs to MPTCP sockets, and to TCP ones with all_tcp;
	 * the app's own settings are replayed after it and win. */
	if (shim_rt.view.keepalive.enabled &&
	    (to_mptcp || shim_rt.view.keepalive.all_tcp))
		shim_apply_keepalive(twin, entry);
	else
		entry->flags &= ~SHIM_FD_KEEPALIVE_SET;
	for (unsigned i = 0; i < entry->nopts; i++) {
		struct shim_optrec *o = &entry->opts[i];

		if (shim_real.setsockopt(twin, o->level, o->name, o->value,
					 o->len) == 0) {
			o->ignored = 0;
		} else if (to_mptcp && (errno == ENOPROTOOPT ||
					errno == EOPNOTSUPP) &&
			   policy_unsupported_for(&shim_rt.view, o->level,
						  o->name) ==
				   POLICY_UNSUP_IGNORE) {
			o->ignored = 1;
		} else {
			/* MPTCP refuses what the app relies on: stay TCP. */
			goto fail;
		}
	}
	return twin;
fail:
	shim_real.close(twin);
	return -1;
}

/* Binds twin where fd is bound; both briefly share the port. */
static int rebind(int fd, int twin)
{
	struct sockaddr_storage addr;
	socklen_t len = sizeof(addr);
	int reuse = 0, one = 1;
	socklen_t rlen = sizeof(reuse);

	if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0 ||
	    shim_real.getsockopt(twin, SOL_SOCKET, SO_REUSEADDR, &reuse,
				 &rlen) < 0)
		return -1;
	/* Two unconnected, non-listening sockets may share an address when
	 * both allow reuse; the old one is closed right after. */
	if (set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0 ||
	    shim_real.setsockopt(twin, SOL_SOCKET, SO_REUSEADDR, &one,
				 sizeof(one)) < 0)
		return -1;
	if (shim_real.bind(twin, (struct sockaddr *)&addr, len) < 0) {
		set_int(fd, SOL_SOCKET, SO_REUSEADDR, reuse);
		return -1;
	}
	set_int(twin, SOL_SOCKET, SO_REUSEADDR, reuse);
	return 0;
}

int shim_rebuild(int fd, struct shim_fd *entry, bool to_mptcp,
		 const char *why)
{
	int saved = errno;
	int cloexec, twin;

	if (entry->flags & (SHIM_FD_UNREPLAYABLE | SHIM_FD_CONNECTING |
			    SHIM_FD_LISTENING | SHIM_FD_SHARED)) {
		shim_log(SHIM_LOG_INFO,
			 "fd %d: cannot switch to %s (%s): %s", fd,
			 to_mptcp ? "MPTCP" : "TCP", why,
			 entry->flags & SHIM_FD_UNREPLAYABLE ?
				 "options too many or too large to replay" :
			 entry->flags & SHIM_FD_SHARED ?
				 "the socket has another fd (dup)" :
				 "already connecting or listening");
		goto fail;
	}
	/* Never replace a socket that has a peer, whatever the table says:
	 * the table can be stale for fds closed behind our back. */
	{
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);

		if (getpeername(fd, (struct sockaddr *)&peer, &plen) == 0)
			goto fail;
	}
	cloexec = fcntl(fd, F_GETFD);
	if (cloexec < 0)
		goto fail;
	twin = build_twin(fd, entry, to_mptcp);
	if (twin < 0)
		goto fail;
	if ((entry->flags & SHIM_FD_BOUND) && rebind(fd, twin) < 0) {
		shim_real.close(twin);
		goto fail;
	}
	/* dup3 swaps atomically: fd is never closed or reused meanwhile. */
	if (shim_real.dup3(twin, fd, cloexec & FD_CLOEXEC ? O_CLOEXEC : 0) <
	    0) {
		shim_real.close(twin);
		goto fail;
	}
	shim_real.close(twin);
	if (to_mptcp)
		entry->flags |= SHIM_FD_MPTCP;
	else
		entry->flags &= ~SHIM_FD_MPTCP;
	shim_log(SHIM_LOG_DEBUG, "fd %d: switched to %s: %s", fd,
		 to_mptcp ? "MPTCP" : "TCP", why);
	if (shim_rt.stats)
		shim_stats_switch(fd, to_mptcp, why);
	errno = saved;
	return 0;
fail:
	errno = saved;
	return -1;
}
