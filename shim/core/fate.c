// SPDX-License-Identifier: BSD-3-Clause
/* Whether a connection kept MPTCP, asked of the kernel once. */
#include <errno.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/mptcp.h>

#include "fate.h"
#include "fdidentity.h"
#include "log.h"
#include "real.h"
#include "stats.h"
#include "uapi_compat.h"

void shim_learn_fate(int fd, struct shim_fd *entry, bool accepted)
{
	int value = 0;
	socklen_t len = sizeof(value);
	int saved = errno;
	bool mptcp;

	if (entry->flags & SHIM_FD_FATE_KNOWN)
		return;
	/* An accepted fd was claimed just now; any other may be stale, and
	 * its fate would be counted for a socket that is gone. */
	if (!accepted && !shim_fd_still_same(fd, entry))
		return;
	entry->flags |= SHIM_FD_FATE_KNOWN;
	if (shim_real.getsockopt(fd, IPPROTO_TCP, TCP_IS_MPTCP, &value,
				 &len) == 0) {
		mptcp = value != 0;
	} else {
		/* Before 6.10: MPTCP_INFO with optlen 0 fails once fallen back. */
		len = 0;
		mptcp = shim_real.getsockopt(fd, SOL_MPTCP, MPTCP_INFO, NULL,
					     &len) == 0;
	}
	if (!mptcp)
		entry->flags |= SHIM_FD_FALLBACK;
	shim_log(SHIM_LOG_DEBUG, "fd %d: %s", fd,
		 mptcp ? "connection runs MPTCP" :
			 "connection fell back to TCP");
	shim_stats_handshake(fd, mptcp, accepted);
	errno = saved;
}
