// SPDX-License-Identifier: BSD-3-Clause
/*
 * The rebuild behind destination rules and option rescue. It runs only on
 * the rare sockets whose protocol must change, so it may spend syscalls;
 * everything it does is undone if any step fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdidentity.h"
#include "fdinfo_epoll.h"
#include "glibc_floor.h"
#include "keepalive.h"
#include "keepalive_rule.h"
#include "log.h"
#include "real.h"
#include "rebuild.h"
#include "runtime.h"
#include "stats.h"
#include "uapi_compat.h"

int shim_fd_tcp_state(int fd)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);
	int saved = errno;
	int rc;

	rc = shim_real.getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len);
	errno = saved;
	return rc == 0 && len >= 1 ? info.tcpi_state : -1;
}

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

/* The replacement socket, flags and options applied; -1 on failure. */
static int build_twin(int fd, struct shim_fd *entry, bool to_mptcp)
{
	int type = SOCK_STREAM | SOCK_CLOEXEC;
	int protocol = to_mptcp ? IPPROTO_MPTCP : shim_fd_protocol(entry);
	int status, twin;

	/* Current flags, not socket()'s: the app may have used fcntl since. */
	status = shim_real.fcntl(fd, F_GETFL);
	if (status < 0)
		return -1;
	twin = shim_real.socket(shim_fd_domain(entry), type, protocol);
	if (twin < 0)
		return -1;
	if ((status & O_NONBLOCK) &&
	    shim_real.fcntl(twin, F_SETFL, (void *)(long)status) < 0)
		goto fail;
	/* Keepalive belongs to MPTCP sockets, and to TCP ones with all_tcp;
	 * the app's own settings are replayed after it and win. */
	if (keepalive_wanted(&shim_rt.view.keepalive, to_mptcp))
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

/* Why the table forbids a rebuild (shim_fd_rebuildable() said no). */
static const char *table_refusal(const struct shim_fd *entry)
{
	unsigned f = entry->flags;

	if (f & SHIM_FD_UNREPLAYABLE)
		return "an option cannot be replayed (too many, too large, "
		       "or a filter/program reference)";
	if (f & SHIM_FD_SHARED)
		return "another fd or process holds the socket (dup, fork, "
		       "SCM_RIGHTS)";
	if (f & SHIM_FD_EPOLL_LOST)
		return "it is in more epoll sets than the shim records";
	if (f & SHIM_FD_ACCEPTED)
		return "it is an accepted connection";
	return "already connecting or listening";
}

/*
 * The kernel's word, whatever the table says: the table can be stale for
 * fds closed behind our back, or miss a connect() interrupted by a signal
 * (the socket is then in SYN_SENT without a peer).
 */
static const char *kernel_refusal(int fd)
{
	int state = shim_fd_tcp_state(fd);

	if (state < 0)
		return "the kernel does not report its TCP state";
	if (state != TCP_CLOSE)
		return "the kernel reports it connecting or connected";
	return NULL;
}

/* Whether line is fd's registration of the socket with inode ino
 * (events and data then set). */
static bool fdinfo_line(const char *line, int fd, unsigned long ino,
			uint32_t *events, uint64_t *data)
{
	struct fdinfo_epoll_reg reg;

	if (!fdinfo_epoll_line(line, &reg) || reg.tfd != fd || reg.ino != ino)
		return false;
	*events = reg.events;
	*data = reg.data;
	return true;
}

/*
 * Checks one recorded registration against the kernel's list, which also
 * tells a one-shot registration that already fired (events disarmed): 1
 * found (reg refreshed), 0 no longer there, -1 cannot tell.
 */
static int verify_reg(int fd, unsigned long ino, struct shim_epoll_reg *reg)
{
	char path[48], buf[4096];
	size_t have = 0;
	int info, found = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", reg->epfd1 - 1);
	info = shim_real.open(path, O_RDONLY | O_CLOEXEC);
	if (info < 0)
		return -1;
	while (!found &&
	       (n = read(info, buf + have, sizeof(buf) - 1 - have)) > 0) {
		char *line = buf, *nl;

		have += (size_t)n;
		buf[have] = '\0';
		while (!found && (nl = strchr(line, '\n'))) {
			*nl = '\0';
			found = fdinfo_line(line, fd, ino, &reg->events,
					    &reg->data);
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1)
			have = 0;	/* not an epoll line: drop it */
	}
	shim_real.close(info);
	return n < 0 ? -1 : found;
}

/* Interest bits epoll keeps in a one-shot registration once it fired. */
#define SHIM_EPOLL_PRIVATE_BITS                                                \
	(EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)

/*
 * Refreshes every recorded epoll registration. NULL if all can be carried
 * over, else why not: without /proc, re-adding blindly could join a
 * stranger's set; a fired one-shot registration cannot be re-added
 * disarmed (EPOLL_CTL_ADD always listens for EPOLLHUP, which an
 * unconnected socket reports at once).
 */
static const char *verify_epoll(int fd, struct shim_fd *entry, bool *any)
{
	struct stat st;

	*any = false;
	for (unsigned i = 0; i < SHIM_FD_MAX_EPOLL; i++) {
		struct shim_epoll_reg *reg = &entry->epoll[i];
		int found;

		if (!reg->epfd1)
			continue;
		if (shim_fstat(fd, &st) < 0)
			return "its epoll registrations cannot be checked";
		found = verify_reg(fd, (unsigned long)st.st_ino, reg);
		if (found < 0)
			return "its epoll registrations cannot be checked "
			       "(/proc)";
		if (!found) {
			reg->epfd1 = 0;	/* the app's set is gone */
			continue;
		}
		if (!(reg->events & ~(uint32_t)SHIM_EPOLL_PRIVATE_BITS))
			return "a one-shot epoll registration has fired";
		*any = true;
	}
	return NULL;
}

/* Registers fd's new socket wherever the old one was; undoes on failure. */
static int reregister(int fd, struct shim_fd *entry)
{
	for (unsigned i = 0; i < SHIM_FD_MAX_EPOLL; i++) {
		struct shim_epoll_reg *reg = &entry->epoll[i];
		struct epoll_event ev = { .events = reg->events };

		if (!reg->epfd1)
			continue;
		ev.data.u64 = reg->data;
		if (shim_real.epoll_ctl(reg->epfd1 - 1, EPOLL_CTL_ADD, fd,
					&ev) == 0)
			continue;
		while (i--)
			if (entry->epoll[i].epfd1)
				shim_real.epoll_ctl(entry->epoll[i].epfd1 - 1,
						    EPOLL_CTL_DEL, fd, &ev);
		return -1;
	}
	return 0;
}

/*
 * Puts twin on fd. With epoll registrations, a second fd keeps the old
 * socket open until the new one is registered everywhere, so that a
 * failure can put the old socket (and its registrations) back.
 */
static int swap_in(int fd, int twin, int cloexec, struct shim_fd *entry,
		   bool epoll)
{
	int flags = cloexec & FD_CLOEXEC ? O_CLOEXEC : 0;
	int spare = -1;

	if (epoll) {
		spare = shim_real.fcntl(fd, F_DUPFD_CLOEXEC, (void *)0L);
		if (spare < 0)
			return -1;
	}
	/* dup3 swaps atomically: fd is never closed or reused meanwhile. */
	if (shim_real.dup3(twin, fd, flags) < 0)
		goto fail;
	if (epoll && reregister(fd, entry) < 0) {
		shim_real.dup3(spare, fd, flags);
		goto fail;
	}
	if (spare >= 0)
		shim_real.close(spare);
	return 0;
fail:
	if (spare >= 0)
		shim_real.close(spare);
	return -1;
}

int shim_rebuild(int fd, struct shim_fd *entry, bool to_mptcp,
		 const char *why)
{
	const char *refusal;
	int saved = errno;
	int cloexec, twin;
	bool epoll = false;

	/* A stale entry would replay another socket's options onto this
	 * file (the table is forgotten then). */
	if (!shim_fd_still_same(fd, entry))
		refusal = "it is not the socket the shim made (closed "
			  "without close())";
	else if (!shim_fd_rebuildable(entry))
		refusal = table_refusal(entry);
	else
		refusal = kernel_refusal(fd);
	if (!refusal)
		refusal = verify_epoll(fd, entry, &epoll);
	if (refusal) {
		shim_log(SHIM_LOG_INFO, "fd %d: cannot switch to %s (%s): %s",
			 fd, to_mptcp ? "MPTCP" : "TCP", why, refusal);
		goto fail;
	}
	cloexec = shim_real.fcntl(fd, F_GETFD);
	if (cloexec < 0)
		goto fail;
	twin = build_twin(fd, entry, to_mptcp);
	if (twin < 0)
		goto fail;
	if (((entry->flags & SHIM_FD_BOUND) && rebind(fd, twin) < 0) ||
	    swap_in(fd, twin, cloexec, entry, epoll) < 0) {
		shim_real.close(twin);
		goto fail;
	}
	shim_real.close(twin);
	entry->cookie = shim_fd_cookie(fd);	/* fd is the twin's file now */
	if (to_mptcp)
		entry->flags |= SHIM_FD_MPTCP;
	else
		entry->flags &= ~SHIM_FD_MPTCP;
	shim_log(SHIM_LOG_DEBUG, "fd %d: switched to %s: %s", fd,
		 to_mptcp ? "MPTCP" : "TCP", why);
	if (shim_stats_enabled())
		shim_stats_switch(fd, to_mptcp, why);
	errno = saved;
	return 0;
fail:
	errno = saved;
	return -1;
}
