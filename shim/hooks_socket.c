// SPDX-License-Identifier: BSD-3-Clause
/*
 * socket() and close(): the hot path. Once initialised, socket() takes no
 * lock and allocates nothing; errno is left alone on success.
 */
#include <errno.h>
#include <string.h>
#include <linux/mptcp.h>

#include "classify.h"
#include "fdtable.h"
#include "log.h"
#include "real.h"
#include "rebuild.h"
#include "runtime.h"
#include "stats.h"
#include "uapi_compat.h"

#define SHIM_EXPORT __attribute__((visibility("default")))

/*
 * Info, not warning: a host without MPTCP is a normal place to run, and a
 * line on stderr can break programs whose output is parsed.
 */
static void note_mptcp_unavailable(int err)
{
	if (atomic_exchange(&shim_mptcp_unavailable, err) == 0)
		shim_log(SHIM_LOG_INFO,
			 "MPTCP is not available (socket: %s); using TCP",
			 strerrorname_np(err) ? strerrorname_np(err) : "?");
}

/* Creates the MPTCP socket, or the app's TCP socket when MPTCP is refused. */
static int open_mptcp_or_tcp(int domain, int type, int protocol, bool *mptcp,
			     int *err)
{
	int unavailable = atomic_load_explicit(&shim_mptcp_unavailable,
					       memory_order_relaxed);
	int saved = errno;
	int fd;

	if (!unavailable) {
		fd = shim_real.socket(domain, type, IPPROTO_MPTCP);
		if (fd >= 0) {
			*mptcp = true;
			return fd;
		}
		if (!shim_errno_means_no_mptcp(errno))
			return -1;
		*err = errno;
		note_mptcp_unavailable(errno);
		errno = saved;
	}
	*err = unavailable ? unavailable : *err;
	*mptcp = false;
	return shim_real.socket(domain, type, protocol);
}

/* Once per socket: keepalive policy and the stats record. */
static void after_create(int fd, struct shim_fd *entry, bool mptcp, int err)
{
	const struct policy_keepalive *ka = &shim_rt.view.keepalive;

	if (entry && ka->enabled && (mptcp || ka->all_tcp))
		shim_apply_keepalive(fd, entry);
	if (shim_rt.stats)
		shim_stats_socket(fd,
				  mptcp ? SHIM_STATS_CONVERTED :
				  err	? SHIM_STATS_CREATION_FALLBACK :
					  SHIM_STATS_KEPT_TCP_POLICY,
				  err, shim_rt.view.initial.reason);
}

SHIM_EXPORT int socket(int domain, int type, int protocol)
{
	struct shim_fd *entry;
	bool mptcp;
	int fd, err = 0;

	if (!shim_is_tcp_candidate(domain, type, protocol) ||
	    shim_ready() != SHIM_ACTIVE || shim_busy)
		return shim_real.socket(domain, type, protocol);

	if (shim_rt.view.initial.choice == POLICY_MPTCP) {
		fd = open_mptcp_or_tcp(domain, type, protocol, &mptcp, &err);
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
	if (__builtin_expect(shim_rt.slow_socket_path, 0))
		after_create(fd, entry, mptcp, err);
	if (mptcp)
		shim_log(SHIM_LOG_DEBUG, "socket(%s, %s%s%s) = %d: MPTCP",
			 domain == AF_INET ? "AF_INET" : "AF_INET6",
			 "SOCK_STREAM",
			 type & SOCK_NONBLOCK ? "|SOCK_NONBLOCK" : "",
			 type & SOCK_CLOEXEC ? "|SOCK_CLOEXEC" : "", fd);
	return fd;
}

/* With --stats, what became of an MPTCP connection is read before it goes. */
static void report_before_close(int fd, struct shim_fd *entry)
{
	struct mptcp_info info;
	socklen_t len = sizeof(info);
	int saved = errno;

	if (!(entry->flags & SHIM_FD_CONNECTING))
		return;
	shim_classify_connection(fd, entry, false);
	if (!(entry->flags & SHIM_FD_FALLBACK) &&
	    shim_real.getsockopt(fd, SOL_MPTCP, MPTCP_INFO, &info, &len) == 0)
		shim_stats_subflows(fd, info.mptcpi_subflows);
	errno = saved;
}

SHIM_EXPORT int close(int fd)
{
	struct shim_fd *entry = shim_fd_get(fd);

	if (entry) {
		if (__builtin_expect(shim_rt.stats, 0) &&
		    (entry->flags & SHIM_FD_MPTCP) && !shim_busy)
			report_before_close(fd, entry);
		entry->flags = 0;
	}
	/* Before the first socket, find the next close() without loading the
	 * policy: most processes close files and never open a socket. */
	if (__builtin_expect(atomic_load_explicit(&shim_state,
						  memory_order_relaxed) ==
				     SHIM_UNINIT, 0))
		shim_real_resolve_once();
	return shim_real.close(fd);
}
