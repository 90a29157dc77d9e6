// SPDX-License-Identifier: BSD-3-Clause
/*
 * socket() and close(): the hot path. Once initialised, socket() takes no
 * lock and allocates nothing; errno is left alone on success.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/close_range.h>
#include <linux/mptcp.h>

#include "candidate.h"
#include "fate.h"
#include "fdtable.h"
#include "log.h"
#include "real.h"
#include "keepalive.h"
#include "runtime.h"
#include "stats.h"
#include "uapi_compat.h"

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

/* socket(IPPROTO_MPTCP) failed with err: TCP if MPTCP is unavailable. */
static int mptcp_refused(int domain, int type, int protocol, int saved,
			 int *err)
{
	int fd;

	*err = errno;
	if (!shim_errno_means_no_mptcp(*err))
		return -1;	/* EMFILE and friends are the app's to see */
	note_mptcp_unavailable(*err);
	atomic_store_explicit(&shim_socket_mode, SHIM_SOCKET_SLOW,
			      memory_order_relaxed);
	fd = shim_real.socket(domain, type, protocol);
	if (fd >= 0)
		errno = saved;
	return fd;
}

/* Once per socket: keepalive policy and the stats record. */
static void after_create(int fd, struct shim_fd *entry, bool mptcp, int err)
{
	const struct policy_keepalive *ka = &shim_rt.view.keepalive;

	if (entry && ka->enabled && (mptcp || ka->all_tcp))
		shim_apply_keepalive(fd, entry);
	if (shim_stats_enabled())
		shim_stats_socket(fd,
				  mptcp ? SHIM_STATS_CONVERTED :
				  err	? SHIM_STATS_CREATION_FALLBACK :
					  SHIM_STATS_KEPT_TCP_POLICY,
				  err, shim_rt.view.initial.reason);
}

/*
 * An MPTCP socket the table cannot hold (fd beyond its range, or no memory
 * for the entry) could never be switched back or reported on: the app gets
 * the TCP socket it asked for instead. errno is untouched on success.
 */
static __attribute__((noinline)) int untrackable(int fd, int domain, int type,
						 int protocol)
{
	shim_real.close(fd);
	return shim_real.socket(domain, type, protocol);
}

/* Everything but the plain conversion: init, policy TCP-first, keepalive,
 * stats, debug logging, MPTCP unavailable. */
static __attribute__((noinline)) int socket_slow(int domain, int type,
						 int protocol)
{
	struct shim_fd *entry;
	bool mptcp = false;
	int fd, err = 0;

	if (shim_ready() != SHIM_ACTIVE || shim_busy)
		return shim_real.socket(domain, type, protocol);

	if (shim_rt.view.initial.choice == POLICY_MPTCP) {
		int unavailable = atomic_load_explicit(&shim_mptcp_unavailable,
						       memory_order_relaxed);
		int saved = errno;

		if (unavailable) {
			err = unavailable;
			fd = shim_real.socket(domain, type, protocol);
		} else {
			fd = shim_real.socket(domain, type, IPPROTO_MPTCP);
			if (fd >= 0)
				mptcp = true;
			else
				fd = mptcp_refused(domain, type, protocol,
						   saved, &err);
		}
	} else {
		if (!shim_rt.track_tcp)
			return shim_real.socket(domain, type, protocol);
		fd = shim_real.socket(domain, type, protocol);
	}
	if (fd < 0)
		return fd;
	shim_fd_handover_acquire(fd);
	entry = shim_fd_claim(fd, domain, protocol, mptcp ? SHIM_FD_MPTCP : 0);
	if (!entry && mptcp)
		return untrackable(fd, domain, type, protocol);
	after_create(fd, entry, mptcp, err);
	if (mptcp)
		shim_log(SHIM_LOG_DEBUG, "socket(%s, %s%s%s) = %d: MPTCP",
			 domain == AF_INET ? "AF_INET" : "AF_INET6",
			 "SOCK_STREAM",
			 type & SOCK_NONBLOCK ? "|SOCK_NONBLOCK" : "",
			 type & SOCK_CLOEXEC ? "|SOCK_CLOEXEC" : "", fd);
	return fd;
}

/* The mark of a socket, computed before the call so that only it needs
 * to survive the call in a register. */
static inline unsigned pack_args(int domain, int type, int protocol)
{
	(void)type;
	return SHIM_MARK_TRACKED | (domain == AF_INET6 ? SHIM_MARK_INET6 : 0) |
	       (protocol == IPPROTO_TCP ? SHIM_MARK_PROTO_TCP : 0);
}

/*
 * The fast path's MPTCP socket() failed although init found MPTCP working
 * (net.mptcp.enabled flipped since): TCP, tracked. errno cannot be restored
 * here, as the fast path does not save it; this happens at most once per
 * process, after which the slow path (which does) takes over.
 */
static __attribute__((noinline)) int fast_refused(int domain, int type,
						  int protocol)
{
	int err, fd;

	fd = mptcp_refused(domain, type, protocol, errno, &err);
	if (fd >= 0)
		shim_fd_mark(fd, domain, protocol, false);
	return fd;
}

static __attribute__((noinline)) int mark_high_fd(int fd, int domain,
						  int type, int protocol)
{
	if (!shim_fd_claim(fd, domain, protocol, SHIM_FD_MPTCP))
		return untrackable(fd, domain, type, protocol);
	return fd;
}

/*
 * The hot path: one mode load, the MPTCP socket() and one byte stored
 * (docs/performance.md has its instruction budget; callgrind measures it).
 */
SHIM_EXPORT int socket(int domain, int type, int protocol)
{
	unsigned packed;
	int mode, fd;

	if (!shim_is_tcp_candidate(domain, type, protocol))
		return shim_real.socket(domain, type, protocol);
	mode = atomic_load_explicit(&shim_socket_mode, memory_order_acquire);
	if (__builtin_expect(mode != SHIM_SOCKET_FAST, 0)) {
		if (mode == SHIM_SOCKET_PASS)
			return shim_real.socket(domain, type, protocol);
		return socket_slow(domain, type, protocol);
	}
	packed = pack_args(domain, type, protocol);
	fd = shim_real.socket(domain, type, IPPROTO_MPTCP);
	if (__builtin_expect(fd < 0, 0))
		return fast_refused(domain, type, protocol);
	shim_fd_handover_acquire(fd);
	if (__builtin_expect((unsigned)fd < SHIM_FD_MARKS, 1))
		shim_mark_store(fd, packed | SHIM_MARK_MPTCP);
	else
		return mark_high_fd(fd, domain, type, protocol);
	return fd;
}
SHIM_SELF(socket);

/* With --stats, what became of an MPTCP connection is read before it goes. */
static void report_before_close(int fd, struct shim_fd *entry)
{
	struct mptcp_info info;
	socklen_t len = sizeof(info);
	int saved = errno;

	if (!(entry->flags & SHIM_FD_CONNECTING) ||
	    (entry->flags & SHIM_FD_REPORTED))
		return;
	entry->flags |= SHIM_FD_REPORTED;
	shim_learn_fate(fd, entry, false);
	if (!(entry->flags & SHIM_FD_FALLBACK) &&
	    shim_real.getsockopt(fd, SOL_MPTCP, MPTCP_INFO, &info, &len) == 0)
		shim_stats_subflows(fd, info.mptcpi_subflows);
	errno = saved;
}

static __attribute__((noinline)) void close_with_stats(int fd)
{
	struct shim_fd *entry = shim_fd_get(fd);

	if (entry && (entry->flags & SHIM_FD_MPTCP) && !shim_busy)
		report_before_close(fd, entry);
}

/* Programs that shut a connection down and exit without close() (socat
 * does) are reported here, while the connection is still there to ask. */
SHIM_EXPORT int shutdown(int fd, int how)
{
	if (__builtin_expect(shim_stats_enabled(), 0))
		close_with_stats(fd);
	return shim_real.shutdown(fd, how);
}
SHIM_SELF(shutdown);

/* A tracked fd: report if asked to, then forget it. */
static __attribute__((noinline)) int close_tracked(int fd)
{
	if (shim_stats_enabled())
		close_with_stats(fd);
	shim_fd_forget(fd);
	shim_fd_handover_release(fd);
	return shim_real.close(fd);
}

/* Untracked fds cost one byte load, a plain converted socket one byte
 * store; entries and statistics are handled out of line. */
SHIM_EXPORT int close(int fd)
{
	if (__builtin_expect((unsigned)fd < SHIM_FD_MARKS, 1)) {
		unsigned mark = shim_mark_load(fd);

		/* With stats every socket has a full entry (socket_slow()
		 * claims one), so the entry bit alone sends them out of line. */
		if (mark) {
			if (mark & SHIM_MARK_ENTRY)
				return close_tracked(fd);
			shim_mark_store(fd, 0);
		}
		shim_fd_handover_release(fd);
		return shim_real.close(fd);
	}
	return close_tracked(fd);
}
SHIM_SELF(close);

/*
 * close_range() and closefrom() close fds without close(): what the table
 * knows about them goes too, or a socket reusing a number would inherit
 * an old socket's options and flags. CLOSE_RANGE_CLOEXEC closes nothing.
 */
SHIM_EXPORT int close_range(unsigned first, unsigned last, int flags)
{
	/* Forgotten first: once closed, a number may be another thread's. */
	if (!(flags & CLOSE_RANGE_CLOEXEC))
		shim_fd_forget_range(first, last);
	return shim_real.close_range(first, last, flags);
}
SHIM_SELF(close_range);

SHIM_EXPORT void closefrom(int first)
{
	if (first >= 0)
		shim_fd_forget_range((unsigned)first, ~0u);
	shim_real.closefrom(first);
}
SHIM_SELF(closefrom);
