// SPDX-License-Identifier: BSD-3-Clause
/* Whether a connection kept MPTCP, asked of the kernel once. */
#include <errno.h>
#include <sys/socket.h>

#include "fate.h"
#include "fate_rule.h"
#include "fdidentity.h"
#include "log.h"
#include "real.h"
#include "stats.h"

void shim_learn_fate(int fd, struct shim_fd *entry, bool accepted)
{
	int saved = errno;
	bool mptcp;

	if (entry->flags & SHIM_FD_FATE_KNOWN)
		return;
	/* An accepted fd was claimed just now; any other may be stale, and
	 * its fate would be counted for a socket that is gone. */
	if (!accepted && !shim_fd_still_same(fd, entry))
		return;
	entry->flags |= SHIM_FD_FATE_KNOWN;
	mptcp = fate_still_mptcp(fd, shim_real.getsockopt);
	if (!mptcp)
		entry->flags |= SHIM_FD_FALLBACK;
	shim_log(SHIM_LOG_DEBUG, "fd %d: %s", fd,
		 mptcp ? "connection runs MPTCP" :
			 "connection fell back to TCP");
	shim_stats_handshake(fd, mptcp, accepted);
	errno = saved;
}
