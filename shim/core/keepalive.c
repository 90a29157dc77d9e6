// SPDX-License-Identifier: BSD-3-Clause
/* Policy keepalive: four setsockopt()s, errno kept, counted once. */
#include <errno.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "keepalive.h"
#include "log.h"
#include "real.h"
#include "runtime.h"
#include "stats.h"

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
		if (shim_stats_enabled() &&
		    !(entry->flags & SHIM_FD_KEEPALIVE_SET))
			shim_stats_keepalive(fd);
		entry->flags |= SHIM_FD_KEEPALIVE_SET;
	} else {
		shim_log(SHIM_LOG_DEBUG, "fd %d: keepalive policy refused: %s",
			 fd, shim_errno_name(errno));
	}
	errno = saved;
}

