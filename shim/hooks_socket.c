// SPDX-License-Identifier: BSD-3-Clause
/*
 * socket() and close(): the hot path. Once initialised, socket() takes no
 * lock and allocates nothing; errno is left alone on success.
 */
#include <errno.h>
#include <string.h>

#include "classify.h"
#include "fdtable.h"
#include "log.h"
#include "real.h"
#include "runtime.h"
#include "uapi_compat.h"

#define SHIM_EXPORT __attribute__((visibility("default")))

/*
 * Info, not warning: a host without MPTCP is a normal place to run, and a
 * line on stderr can break programs whose output is parsed.
 */
static void note_mptcp_unavailable(int err)
{
	if (atomic_exchange(&shim_mptcp_unavailable, 1) == 0)
		shim_log(SHIM_LOG_INFO,
			 "MPTCP is not available (socket: %s); using TCP",
			 strerrorname_np(err) ? strerrorname_np(err) : "?");
}

/* Creates the MPTCP socket, or the app's TCP socket when MPTCP is refused. */
static int open_mptcp_or_tcp(int domain, int type, int protocol, bool *mptcp)
{
	int saved = errno;
	int fd;

	if (!atomic_load_explicit(&shim_mptcp_unavailable,
				  memory_order_relaxed)) {
		fd = shim_real.socket(domain, type, IPPROTO_MPTCP);
		if (fd >= 0) {
			*mptcp = true;
			return fd;
		}
		if (!shim_errno_means_no_mptcp(errno))
			return -1;
		note_mptcp_unavailable(errno);
		errno = saved;
	}
	*mptcp = false;
	return shim_real.socket(domain, type, protocol);
}

SHIM_EXPORT int socket(int domain, int type, int protocol)
{
	struct shim_fd *entry;
	bool mptcp;
	int fd;

	if (!shim_is_tcp_candidate(domain, type, protocol) ||
	    shim_ready() != SHIM_ACTIVE || shim_busy)
		return shim_real.socket(domain, type, protocol);

	if (shim_rt.view.initial.choice == POLICY_MPTCP) {
		fd = open_mptcp_or_tcp(domain, type, protocol, &mptcp);
	} else {
		if (!shim_rt.track_tcp)
			return shim_real.socket(domain, type, protocol);
		fd = shim_real.socket(domain, type, protocol);
		mptcp = false;
	}
	if (fd < 0)
		return fd;

	entry = shim_fd_claim(fd, domain, type, protocol);
	if (entry && mptcp)
		entry->flags |= SHIM_FD_MPTCP;
	if (mptcp)
		shim_log(SHIM_LOG_DEBUG, "socket(%s, %s%s%s) = %d: MPTCP",
			 domain == AF_INET ? "AF_INET" : "AF_INET6",
			 "SOCK_STREAM",
			 type & SOCK_NONBLOCK ? "|SOCK_NONBLOCK" : "",
			 type & SOCK_CLOEXEC ? "|SOCK_CLOEXEC" : "", fd);
	return fd;
}

SHIM_EXPORT int close(int fd)
{
	shim_fd_forget(fd);
	/* Before the first socket, find the next close() without loading the
	 * policy: most processes close files and never open a socket. */
	if (__builtin_expect(atomic_load_explicit(&shim_state,
						  memory_order_relaxed) ==
				     SHIM_UNINIT, 0))
		shim_real_resolve_once();
	return shim_real.close(fd);
}
