// SPDX-License-Identifier: BSD-3-Clause
/* Policy keepalive (the options: keepalive_rule.c), errno kept, counted
 * once per socket and only when it was applied. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "keepalive.h"
#include "keepalive_rule.h"
#include "log.h"
#include "real.h"
#include "runtime.h"
#include "stats.h"

void shim_apply_keepalive(int fd, struct shim_fd *entry)
{
	int saved = errno;

	if (keepalive_apply(fd, &shim_rt.view.keepalive,
			    shim_real.setsockopt)) {
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
