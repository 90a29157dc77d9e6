// SPDX-License-Identifier: BSD-3-Clause
/*
 * Calls that give a socket a second fd: dup(), dup2(), dup3() and fcntl()
 * with F_DUPFD/F_DUPFD_CLOEXEC (CPython's socket.dup() uses the latter).
 * The new fd inherits what the shim knows, and both are marked shared so
 * that neither is ever rebuilt alone.
 */
#include <fcntl.h>
#include <stdarg.h>

#include "fdtable.h"
#include "real.h"

/* The new fd holds the source's socket (what newfd held is closed). */
SHIM_EXPORT int dup(int oldfd)
{
	int rc = shim_real.dup(oldfd);

	if (rc >= 0) {
		shim_fd_handover_acquire(rc);
		shim_fd_share(oldfd, rc);
	}
	return rc;
}
SHIM_SELF(dup);

SHIM_EXPORT int dup2(int oldfd, int newfd)
{
	int rc;

	shim_fd_handover_release(newfd);
	rc = shim_real.dup2(oldfd, newfd);
	shim_fd_handover_acquire(newfd);
	if (rc >= 0 && oldfd != newfd)
		shim_fd_share(oldfd, newfd);
	return rc;
}
SHIM_SELF(dup2);

SHIM_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	int rc;

	shim_fd_handover_release(newfd);
	rc = shim_real.dup3(oldfd, newfd, flags);
	shim_fd_handover_acquire(newfd);
	if (rc >= 0)
		shim_fd_share(oldfd, newfd);
	return rc;
}
SHIM_SELF(dup3);

static inline int fcntl_forward(int (*next)(int, int, ...), int fd, int cmd,
				void *arg)
{
	int rc = next(fd, cmd, arg);

	if (__builtin_expect(cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC, 0) &&
	    rc >= 0) {
		shim_fd_handover_acquire(rc);
		shim_fd_share(fd, rc);
	}
	return rc;
}

SHIM_EXPORT int fcntl(int fd, int cmd, ...)
{
	void *arg = SHIM_FCNTL_ARG(cmd);

	return fcntl_forward(shim_real.fcntl, fd, cmd, arg);
}
SHIM_SELF(fcntl);

SHIM_EXPORT int fcntl64(int fd, int cmd, ...)
{
	void *arg = SHIM_FCNTL_ARG(cmd);

	return fcntl_forward(shim_real.fcntl64, fd, cmd, arg);
}
SHIM_SELF(fcntl64);
