/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Does the caller's Landlock domain restrict TCP in a way it does not
 * restrict MPTCP? Landlock's TCP rights (LANDLOCK_ACCESS_NET_BIND_TCP,
 * _CONNECT_TCP, Linux 6.7+) are checked for sockets whose protocol is
 * IPPROTO_TCP only (security/landlock/net.c: sk_is_tcp()), so an MPTCP
 * socket would take a sandboxed program out of its sandbox.
 *
 * The probe asks the kernel without touching the network: bind() and
 * connect() of a fresh AF_INET socket with an AF_INET6 address. The
 * network stack refuses that with EAFNOSUPPORT; Landlock, when the domain
 * handles the access, checks the address family first and refuses with
 * EINVAL, before any port rule (so the answer does not depend on which
 * ports are allowed). Nothing is bound, nothing is sent. One socket, one
 * bind, one connect, one close; where TCP is restricted, the same again on
 * an MPTCP socket, so that a kernel that applies the rules to MPTCP too
 * keeps MPTCP. Shared by the library (through its real calls) and the CLI.
 */
#ifndef MPTCPSHIM_LANDLOCK_PROBE_H
#define MPTCPSHIM_LANDLOCK_PROBE_H

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "uapi_compat.h"

/* What policy explain, --stats and -d say about such a program. */
#define SHIM_LANDLOCK_REASON                                                   \
	"kept TCP: the program's Landlock rules restrict TCP and do not "     \
	"apply to MPTCP"

struct shim_landlock_calls {
	int (*socket)(int, int, int);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*close)(int);
};

enum {
	SHIM_LANDLOCK_BIND = 1,		/* bind() is a handled access */
	SHIM_LANDLOCK_CONNECT = 2,	/* connect() is */
};

/* Of the accesses in ask (SHIM_LANDLOCK_*), those the domain handles for
 * sockets of this protocol; only the calls asked about are made. 0 outside
 * a domain, on kernels without Landlock, or when no socket can be made. */
static inline int shim_landlock_handled_of(const struct shim_landlock_calls *c,
					   int protocol, int ask)
{
	struct sockaddr_in6 wrong = { .sin6_family = AF_INET6 };
	int fd = c->socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, protocol);
	int handled = 0;

	if (fd < 0)
		return 0;
	if ((ask & SHIM_LANDLOCK_BIND) &&
	    c->bind(fd, (const struct sockaddr *)&wrong, sizeof(wrong)) != 0 &&
	    errno == EINVAL)
		handled |= SHIM_LANDLOCK_BIND;
	if ((ask & SHIM_LANDLOCK_CONNECT) &&
	    c->connect(fd, (const struct sockaddr *)&wrong, sizeof(wrong)) !=
		    0 &&
	    errno == EINVAL)
		handled |= SHIM_LANDLOCK_CONNECT;
	c->close(fd);
	return handled;
}

/* Both accesses. */
static inline int shim_landlock_handled(const struct shim_landlock_calls *c,
					int protocol)
{
	return shim_landlock_handled_of(c, protocol,
					SHIM_LANDLOCK_BIND |
						SHIM_LANDLOCK_CONNECT);
}

/*
 * The calls as raw system calls: the probe's socket is nobody else's
 * business, so another preloaded library (a tracer, a proxy) in the same
 * process never sees it. The library defines SHIM_LANDLOCK_SYSCALL to its
 * inline system call (its own syscall() is a hook).
 */
#ifndef SHIM_LANDLOCK_SYSCALL
#define SHIM_LANDLOCK_SYSCALL(n, a, b, c) syscall(n, a, b, c)
#endif

static inline int shim_landlock_sys_socket(int domain, int type, int proto)
{
	return (int)SHIM_LANDLOCK_SYSCALL(SYS_socket, domain, type, proto);
}

static inline int shim_landlock_sys_bind(int fd, const struct sockaddr *a,
					 socklen_t len)
{
	return (int)SHIM_LANDLOCK_SYSCALL(SYS_bind, fd, (long)a, len);
}

static inline int shim_landlock_sys_connect(int fd, const struct sockaddr *a,
					    socklen_t len)
{
	return (int)SHIM_LANDLOCK_SYSCALL(SYS_connect, fd, (long)a, len);
}

static inline int shim_landlock_sys_close(int fd)
{
	return (int)SHIM_LANDLOCK_SYSCALL(SYS_close, fd, 0, 0);
}

#define SHIM_LANDLOCK_SYS_CALLS                                                \
	{                                                                      \
		shim_landlock_sys_socket, shim_landlock_sys_bind,              \
			shim_landlock_sys_connect, shim_landlock_sys_close     \
	}

/* True when TCP is restricted (for the accesses in ask) and MPTCP would
 * not be held to the same rules. errno is preserved. */
static inline bool shim_landlock_restricts_tcp_of(
	const struct shim_landlock_calls *c, int ask)
{
	int saved = errno;
	int tcp = shim_landlock_handled_of(c, IPPROTO_TCP, ask);
	bool escape = tcp && (shim_landlock_handled_of(c, IPPROTO_MPTCP, tcp) &
			      tcp) != tcp;

	errno = saved;
	return escape;
}

static inline bool shim_landlock_restricts_tcp(
	const struct shim_landlock_calls *c)
{
	return shim_landlock_restricts_tcp_of(c, SHIM_LANDLOCK_BIND |
						      SHIM_LANDLOCK_CONNECT);
}

#endif
