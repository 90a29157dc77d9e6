// SPDX-License-Identifier: BSD-3-Clause
/*
 * epoll_ctl(): which epoll sets a tracked socket is in, with the app's
 * events and data, so that a rebuild can register the new socket where the
 * old one was (epoll keys on the open file, which the rebuild replaces).
 * An fd the shim does not track costs one byte load.
 */
#include <errno.h>
#include <sys/epoll.h>

#include "fdtable.h"
#include "real.h"

static __attribute__((noinline)) void record(int epfd, int op, int fd,
					     const struct epoll_event *ev)
{
	int saved = errno;
	struct shim_fd *entry = shim_fd_get(fd);

	/* The call succeeded, so ev was readable where op needs it. */
	if (entry)
		shim_fd_record_epoll(entry, epfd, op,
				     op == EPOLL_CTL_DEL ? 0 : ev->events,
				     op == EPOLL_CTL_DEL ? 0 : ev->data.u64);
	errno = saved;
}

SHIM_EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	int rc = shim_real.epoll_ctl(epfd, op, fd, ev);

	if (rc == 0 && (unsigned)fd < SHIM_FD_MARKS && !shim_mark_load(fd))
		return rc;
	if (rc == 0)
		record(epfd, op, fd, ev);
	return rc;
}
SHIM_SELF(epoll_ctl);
