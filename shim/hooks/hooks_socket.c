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
#include "fate_rule.h"
#include "fdidentity.h"
#include "fdtable.h"
#include "keepalive.h"
#include "keepalive_rule.h"
#include "landlock.h"
#include "landlock_probe.h"
#include "log.h"
#include "real.h"
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
			 shim_errno_name(err));
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
static void after_create(int fd, struct shim_fd *entry, bool mptcp, int err,
			 const char *kept_why)
{
	if (entry && keepalive_wanted(&shim_rt.view.keepalive, mptcp))
		shim_apply_keepalive(fd, entry);
	if (shim_stats_enabled())
		shim_stats_socket(fd,
				  mptcp ? STATS_OUTCOME_CONVERTED :
				  err	? STATS_OUTCOME_CREATION_FALLBACK :
					  STATS_OUTCOME_KEPT_TCP_POLICY,
				  err, kept_why);
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

/*
 * The first MPTCP socket() that worked is the start-up probe: MPTCP works in
 * this process, so later sockets may take the fast path, which does not save
 * errno for a fallback (init no longer makes a probe socket of its own).
 * Lowered again only if MPTCP has failed meanwhile.
 */
static void first_socket_was_probe(void)
{
	int expected = SHIM_SOCKET_SLOW;

	if (!atomic_load_explicit(&shim_mptcp_unavailable,
				  memory_order_relaxed) &&
	    !shim_landlocked())
		atomic_compare_exchange_strong(&shim_socket_mode, &expected,
					       SHIM_SOCKET_FAST);
}

/* Everything but the plain conversion: init, policy TCP-first, keepalive,
 * stats, debug logging, MPTCP unavailable. */
static __attribute__((noinline)) int socket_slow(int domain, int type,
						 int protocol)
{
	struct shim_fd *entry;
	bool mptcp = false;
	const char *kept_why = shim_rt.view.initial.reason;
	bool landlocked;
	int fd, err = 0;

	if (shim_ready() != SHIM_ACTIVE || shim_busy)
		return shim_real.socket(domain, type, protocol);

	landlocked = shim_landlocked();
	if (landlocked)
		kept_why = SHIM_LANDLOCK_REASON;
	/* After a run of connects the policy sent the other way, start as
	 * they ended: connect() and listen() still decide this socket. */
	if (!landlocked && (shim_rt.view.initial.choice == POLICY_MPTCP) !=
				   shim_start_other()) {
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
		if (!shim_rt.track_tcp && !landlocked)
			return shim_real.socket(domain, type, protocol);
		fd = shim_real.socket(domain, type, protocol);
		if (landlocked && fd >= 0)
			shim_log(SHIM_LOG_DEBUG, "socket() = %d: TCP, %s", fd,
				 kept_why);
		if (landlocked && !shim_rt.track_tcp)
			return fd;
	}
	if (fd < 0)
		return fd;

	shim_fd_handover_acquire(fd);
	if (mptcp && shim_rt.fast_after_first_socket)
		first_socket_was_probe();
	/* Only keepalive, stats and fds beyond the byte map need the full
	 * entry now; a mark is what the fast path leaves too, and spares a
	 * process that opens one socket the mapping of a whole chunk. */
	if (shim_stats_enabled() || (unsigned)fd >= SHIM_FD_MARKS ||
	    keepalive_wanted(&shim_rt.view.keepalive, mptcp)) {
		entry = shim_fd_claim_new(fd, domain, protocol,
					  mptcp ? SHIM_FD_MPTCP : 0);
		if (!entry && mptcp)
			return untrackable(fd, domain, type, protocol);
		after_create(fd, entry, mptcp, err, kept_why);
	} else {
		shim_fd_mark(fd, domain, protocol, mptcp);
	}
	if (mptcp)
		shim_log(SHIM_LOG_DEBUG, "socket(%s, %s%s%s) = %d: MPTCP",
			 domain == AF_INET ? "AF_INET" : "AF_INET6",
			 "SOCK_STREAM",
			 type & SOCK_NONBLOCK ? "|SOCK_NONBLOCK" : "",
			 type & SOCK_CLOEXEC ? "|SOCK_CLOEXEC" : "", fd);
	return fd;
}

/*
 * The mark of a fast-path socket is domain | protocol | type, computed
 * before the call so that only it survives the call in a register. For a
 * candidate that or is exactly the mark in its low byte: AF_INET6 (10) and
 * IPPROTO_TCP (6) carry the bits their marks use and AF_INET (2) and 0 do
 * not, SOCK_STREAM (1) is SHIM_MARK_TRACKED and every domain has bit 1
 * (SHIM_MARK_MPTCP). The type's flags ride above the byte for
 * fast_unusual().
 */
_Static_assert((AF_INET | AF_INET6 | IPPROTO_TCP | SOCK_STREAM) <= 0xff &&
		       (AF_INET6 & ~AF_INET) == SHIM_MARK_INET6 &&
		       (IPPROTO_TCP & ~AF_INET) == SHIM_MARK_PROTO_TCP &&
		       (int)SOCK_STREAM == (int)SHIM_MARK_TRACKED &&
		       (AF_INET & AF_INET6) == SHIM_MARK_MPTCP &&
		       !((SOCK_NONBLOCK | SOCK_CLOEXEC) & 0xff),
	       "a fast-path mark is domain | protocol | type");
#define SHIM_FAST_MARK(domain, type, protocol)                                 \
	((unsigned)(domain) | (unsigned)(protocol) | (unsigned)(type))

/*
 * The fast path's MPTCP socket() failed although MPTCP worked before
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

/* The fast path's rare outcomes: socket() failed, or an fd beyond the byte
 * map (tracked with a full entry, or made TCP where none can be had). The
 * arguments come back from the mark. */
static __attribute__((noinline)) int fast_unusual(int fd, unsigned mark)
{
	int domain = mark & SHIM_MARK_INET6 ? AF_INET6 : AF_INET;
	int protocol = mark & SHIM_MARK_PROTO_TCP ? IPPROTO_TCP : 0;

	int type = (int)(mark & ~0xffu) | SOCK_STREAM;

	if (fd < 0)
		return fast_refused(domain, type, protocol);
	if (!shim_fd_claim_new(fd, domain, protocol, SHIM_FD_MPTCP))
		return untrackable(fd, domain, type, protocol);
	return fd;
}

/* Not the fast mode: passing through, or the slow path. */
static __attribute__((noinline)) int socket_not_fast(int domain, int type,
						     int protocol)
{
	if (atomic_load_explicit(&shim_socket_mode, memory_order_acquire) ==
	    SHIM_SOCKET_PASS)
		return shim_real.socket(domain, type, protocol);
	return socket_slow(domain, type, protocol);
}

/*
 * The hot path: one mode load, the MPTCP socket() and one byte stored
 * (docs/performance.md has its instruction budget and accounts for each
 * instruction; callgrind measures it).
 */
SHIM_EXPORT int socket(int domain, int type, int protocol)
{
	unsigned mark;
	int fd;

	if (!shim_is_tcp_candidate(domain, type, protocol))
		return shim_real.socket(domain, type, protocol);
	if (__builtin_expect(atomic_load_explicit(&shim_socket_mode,
						  memory_order_acquire) !=
				     SHIM_SOCKET_FAST,
			     0))
		return socket_not_fast(domain, type, protocol);
	mark = SHIM_FAST_MARK(domain, type, protocol);
	fd = shim_real.socket(domain, type, IPPROTO_MPTCP);
	shim_fd_handover_acquire(fd);
	if (__builtin_expect((unsigned)fd < SHIM_FD_MARKS, 1)) {
		shim_mark_store(fd, (uint8_t)mark);
		return fd;
	}
	return fast_unusual(fd, mark);
}
SHIM_SELF(socket);

/* With --stats, what became of an MPTCP connection is read before it goes. */
static void report_before_close(int fd, struct shim_fd *entry)
{
	unsigned subflows;
	int saved = errno;

	if (!(entry->flags & SHIM_FD_CONNECTING) ||
	    (entry->flags & SHIM_FD_REPORTED) ||
	    !shim_fd_still_same(fd, entry))
		return;
	entry->flags |= SHIM_FD_REPORTED;
	shim_learn_fate(fd, entry, false);
	if (!(entry->flags & SHIM_FD_FALLBACK) &&
	    fate_extra_subflows(fd, shim_real.getsockopt, &subflows))
		shim_stats_subflows(fd, subflows);
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

/*
 * Untracked fds cost one byte load, a plain converted socket one byte
 * store; entries are handled out of line. With stats every tracked socket
 * has a full entry (socket_slow() claims one), so the mark alone decides.
 */
SHIM_EXPORT int close(int fd)
{
	if (__builtin_expect((unsigned)fd < SHIM_FD_MARKS, 1)) {
		unsigned mark = shim_mark_load(fd);

		if (__builtin_expect(mark & SHIM_MARK_ENTRY, 0))
			return close_tracked(fd);
		if (mark)
			shim_mark_store(fd, 0);
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
	/*
	 * Forgotten first: once closed, a number may be another thread's.
	 * Not where the kernel refuses the call and closes nothing (EINVAL:
	 * a flag it does not know, first > last): the entries still answer
	 * for open sockets. A future flag that closes leaves stale entries,
	 * which the identity checks (fdidentity.h) never act on.
	 */
	if (!(flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) &&
	    !(flags & CLOSE_RANGE_CLOEXEC))
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
