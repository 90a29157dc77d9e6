// SPDX-License-Identifier: BSD-3-Clause
/*
 * The seccomp route's rebuild: a trapped task's unconnected socket replaced
 * by one of the other protocol, at the same number (SECCOMP_IOCTL_NOTIF_ADDFD
 * with SECCOMP_ADDFD_FLAG_SETFD), with its flags, options and bound address.
 * The same safety rule as the library's rebuild (shim/core/rebuild.c): only
 * a socket the kernel reports in CLOSE state, that no other fd, process or
 * epoll instance holds. The library replays the options it saw the program
 * set; the supervisor saw none, so it carries over every option of the
 * table below whose value differs from a fresh socket's. Nothing in the
 * task changes unless every step worked.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "keepalive_rule.h"
#include "seccomp_filter.h"
#include "seccomp_switch.h"
#include "seccomp_taskfd.h"
#include "uapi_compat.h"

#ifndef SO_RCVTIMEO_OLD
#define SO_RCVTIMEO_OLD SO_RCVTIMEO
#define SO_SNDTIMEO_OLD SO_SNDTIMEO
#endif

/* Options a program sets before connect() or listen() and relies on. */
static const struct carried {
	int level, name;
	int family;	/* 0: any */
	bool doubled;	/* the kernel stores twice what was set */
} carried[] = {
	{ SOL_SOCKET, SO_REUSEADDR, 0, false },
	{ SOL_SOCKET, SO_REUSEPORT, 0, false },
	{ SOL_SOCKET, SO_KEEPALIVE, 0, false },
	{ SOL_SOCKET, SO_LINGER, 0, false },
	{ SOL_SOCKET, SO_RCVBUF, 0, true },
	{ SOL_SOCKET, SO_SNDBUF, 0, true },
	{ SOL_SOCKET, SO_PRIORITY, 0, false },
	{ SOL_SOCKET, SO_MARK, 0, false },
	{ SOL_SOCKET, SO_BINDTODEVICE, 0, false },
	{ SOL_SOCKET, SO_RCVTIMEO_OLD, 0, false },
	{ SOL_SOCKET, SO_SNDTIMEO_OLD, 0, false },
	{ SOL_SOCKET, SO_OOBINLINE, 0, false },
	{ IPPROTO_TCP, TCP_NODELAY, 0, false },
	{ IPPROTO_TCP, TCP_KEEPIDLE, 0, false },
	{ IPPROTO_TCP, TCP_KEEPINTVL, 0, false },
	{ IPPROTO_TCP, TCP_KEEPCNT, 0, false },
	{ IPPROTO_TCP, TCP_USER_TIMEOUT, 0, false },
	{ IPPROTO_TCP, TCP_CONGESTION, 0, false },
	{ IPPROTO_TCP, TCP_MAXSEG, 0, false },
	{ IPPROTO_TCP, TCP_CORK, 0, false },
	{ IPPROTO_TCP, TCP_DEFER_ACCEPT, 0, false },
	{ IPPROTO_TCP, TCP_FASTOPEN, 0, false },
	{ IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 0, false },
	{ IPPROTO_TCP, TCP_NOTSENT_LOWAT, 0, false },
	{ IPPROTO_TCP, TCP_SYNCNT, 0, false },
	{ IPPROTO_IP, IP_TOS, AF_INET, false },
	{ IPPROTO_IP, IP_TTL, AF_INET, false },
	{ IPPROTO_IP, IP_FREEBIND, AF_INET, false },
	{ IPPROTO_IP, IP_TRANSPARENT, AF_INET, false },
	{ IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, AF_INET, false },
	{ IPPROTO_IPV6, IPV6_V6ONLY, AF_INET6, false },
	{ IPPROTO_IPV6, IPV6_TCLASS, AF_INET6, false },
	{ IPPROTO_IPV6, IPV6_UNICAST_HOPS, AF_INET6, false },
};

static int int_opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	return getsockopt(fd, level, name, &v, &len) == 0 ? v : -1;
}

/* Carries one option over if the program changed it (it differs from a
 * fresh socket of the old one's protocol); false when the new socket
 * refuses what the policy does not let it ignore. */
static bool carry(const struct policy_view *view, int old, int fresh_fd,
		  int twin, const struct carried *c)
{
	unsigned char was[64], fresh[64];
	socklen_t was_len = sizeof(was), fresh_len = sizeof(fresh);

	if (getsockopt(old, c->level, c->name, was, &was_len) != 0)
		return true;	/* not an option of the old socket either */
	if (getsockopt(fresh_fd, c->level, c->name, fresh, &fresh_len) == 0 &&
	    fresh_len == was_len && memcmp(was, fresh, was_len) == 0)
		return true;
	if (c->doubled && was_len == sizeof(int)) {
		int half;

		memcpy(&half, was, sizeof(half));
		half /= 2;
		memcpy(was, &half, sizeof(half));
	}
	if (setsockopt(twin, c->level, c->name, was, was_len) == 0)
		return true;
	return (errno == ENOPROTOOPT || errno == EOPNOTSUPP) &&
	       policy_unsupported_for(view, c->level, c->name) ==
		       POLICY_UNSUP_IGNORE;
}

/* Binds twin where old is bound (both briefly share the port), as the
 * library's rebind() does; nothing to do for an unbound socket. */
static bool rebind(int old, int twin)
{
	struct sockaddr_storage addr;
	socklen_t len = sizeof(addr);
	int reuse, one = 1;
	bool ok;

	if (getsockname(old, (struct sockaddr *)&addr, &len) != 0)
		return false;
	if ((addr.ss_family == AF_INET &&
	     ((struct sockaddr_in *)&addr)->sin_port == 0) ||
	    (addr.ss_family == AF_INET6 &&
	     ((struct sockaddr_in6 *)&addr)->sin6_port == 0))
		return true;	/* unbound: connect() or listen() binds */
	reuse = int_opt(old, SOL_SOCKET, SO_REUSEADDR);
	if (reuse < 0 ||
	    setsockopt(old, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(twin, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		return false;
	ok = bind(twin, (struct sockaddr *)&addr, len) == 0;
	setsockopt(old, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse));
	setsockopt(twin, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse));
	return ok;
}

static int make_twin(const struct policy_view *view, int old, int domain,
		     bool to_mptcp)
{
	int status = fcntl(old, F_GETFL);
	int twin, fresh;

	if (status < 0)
		return -1;
	/* What the program changed shows against a fresh socket like it. */
	fresh = socket(domain, SOCK_STREAM | SOCK_CLOEXEC,
		       to_mptcp ? IPPROTO_TCP : IPPROTO_MPTCP);
	if (fresh < 0)
		return -1;
	twin = socket(domain, SOCK_STREAM | SOCK_CLOEXEC,
		      to_mptcp ? IPPROTO_MPTCP : IPPROTO_TCP);
	if (twin < 0) {
		close(fresh);
		return -1;
	}
	/* O_NONBLOCK is the open file's: what the program set via fcntl. */
	if ((status & O_NONBLOCK) && fcntl(twin, F_SETFL, status) != 0)
		goto fail;
	/* The policy's keepalive first: the program's own settings, carried
	 * over next, win (as in the library's rebuild). */
	if (keepalive_wanted(&view->keepalive, to_mptcp))
		keepalive_apply(twin, &view->keepalive, setsockopt);
	for (size_t i = 0; i < sizeof(carried) / sizeof(carried[0]); i++)
		if ((!carried[i].family || carried[i].family == domain) &&
		    !carry(view, old, fresh, twin, &carried[i]))
			goto fail;
	if (!rebind(old, twin))
		goto fail;
	close(fresh);
	return twin;
fail:
	close(fresh);
	close(twin);
	return -1;
}

const char *seccomp_switch_check(pid_t tid, int fd, int copy)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	/* The kernel's word: CLOSE, neither connecting nor listening. */
	if (getsockopt(copy, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 ||
	    len < 1)
		return "the kernel does not report its TCP state";
	if (info.tcpi_state != TCP_CLOSE)
		return "the kernel reports it connecting, connected or "
		       "listening";
	return seccomp_task_socket_shared(tid, fd, copy);
}

const char *seccomp_switch(int listener, __u64 id, pid_t tid, int fd,
			   int copy, bool to_mptcp,
			   const struct policy_view *view,
			   unsigned long *new_inode)
{
	struct stat st;
	struct seccomp_notif_addfd addfd = {
		.id = id, .newfd = (__u32)fd, .flags = SECCOMP_ADDFD_FLAG_SETFD,
	};
	int domain = int_opt(copy, SOL_SOCKET, SO_DOMAIN);
	int cloexec = seccomp_task_fd_cloexec(tid, fd);
	const char *why;
	int twin, rc;

	if (domain != AF_INET && domain != AF_INET6)
		return "not an IPv4 or IPv6 socket";
	why = seccomp_switch_check(tid, fd, copy);
	if (why)
		return why;
	if (cloexec < 0)
		return "its descriptor flags cannot be read (/proc)";
	twin = make_twin(view, copy, domain, to_mptcp);
	if (twin < 0)
		return to_mptcp ? "MPTCP refuses one of its options" :
				  "its options cannot be carried over";
	*new_inode = fstat(twin, &st) == 0 ? (unsigned long)st.st_ino : 0;
	addfd.srcfd = (__u32)twin;
	addfd.newfd_flags = cloexec ? O_CLOEXEC : 0;
	/* SETFD replaces the number as dup2() would: never closed between. */
	do
		rc = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
	while (rc < 0 && errno == EINTR);
	close(twin);
	if (rc != fd)
		return "the task went away";
	return NULL;
}
