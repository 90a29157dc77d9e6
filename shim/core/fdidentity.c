// SPDX-License-Identifier: BSD-3-Clause
/* fd-table identity: SO_COOKIE taken when an entry is made, compared where
 * a stale entry would mislead (fdidentity.h). */
#include <errno.h>
#include <sys/socket.h>

#include "fdidentity.h"
#include "real.h"
#include "uapi_compat.h"

#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

uint64_t shim_fd_cookie(int fd)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	int saved = errno;

	/* SOL_SOCKET is answered by the socket layer for every protocol,
	 * MPTCP included; a non-socket fails with ENOTSOCK. */
	if (shim_real.getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len) <
		    0 ||
	    len != sizeof(cookie))
		cookie = 0;
	errno = saved;
	return cookie;
}

struct shim_fd *shim_fd_claim_new(int fd, int domain, int protocol,
				  unsigned flags)
{
	struct shim_fd *entry = shim_fd_claim(fd, domain, protocol, flags);

	if (entry)
		entry->cookie = shim_fd_cookie(fd);
	return entry;
}

/* The protocol fd's socket has now; -1 when fd is no socket. */
static int socket_protocol(int fd)
{
	int protocol = -1;
	socklen_t len = sizeof(protocol);
	int saved = errno;

	if (shim_real.getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol,
				 &len) < 0)
		protocol = -1;
	errno = saved;
	return protocol;
}

/*
 * A mark is all socket() leaves (the hot path makes no system call), so
 * the file is checked when its entry is first needed: a mark outlived by
 * its socket (closed behind the hooks) now sits on another file, which is
 * no socket, or a socket of another protocol than the mark says. A mark
 * found stale is dropped: the number is a file the shim never saw.
 */
struct shim_fd *shim_fd_promote(int fd)
{
	unsigned mark = shim_mark_load(fd);
	bool mptcp = mark & SHIM_MARK_MPTCP;
	int protocol = socket_protocol(fd);
	struct shim_fd *entry;

	if (protocol != (mptcp ? IPPROTO_MPTCP : IPPROTO_TCP)) {
		shim_mark_store(fd, 0);
		return NULL;
	}
	entry = shim_fd_claim(fd, mark & SHIM_MARK_INET6 ? AF_INET6 : AF_INET,
			      mark & SHIM_MARK_PROTO_TCP ? IPPROTO_TCP : 0,
			      (mptcp ? SHIM_FD_MPTCP : 0) |
				      (mark & SHIM_MARK_SHARED ?
					       SHIM_FD_SHARED : 0));
	if (entry)
		entry->cookie = shim_fd_cookie(fd);
	return entry;
}

bool shim_fd_still_same(int fd, struct shim_fd *entry)
{
	uint64_t now = shim_fd_cookie(fd);

	if (now && now == entry->cookie)
		return true;
	shim_fd_forget(fd);
	return false;
}
