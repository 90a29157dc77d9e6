// SPDX-License-Identifier: BSD-3-Clause
/*
 * setsockopt()/getsockopt(): recording what the app sets (to replay it on a
 * rebuilt socket) and rescuing options MPTCP refuses, as the policy's
 * unsupported_option says (auto: the policy's per-option table). What MPTCP
 * refuses is learnt from the kernel's answer, never from a list, so a
 * kernel that adds support needs no change.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <netinet/tcp.h>
#include <string.h>

#include "fate.h"
#include "fdidentity.h"
#include "fdtable.h"
#include "option_table.h"
#include "log.h"
#include "real.h"
#include "rebuild.h"
#include "runtime.h"
#include "sockopt_names.h"
#include "stats.h"
#include "uapi_compat.h"

static bool refused_by_mptcp(int err)
{
	return err == ENOPROTOOPT || err == EOPNOTSUPP;
}

/*
 * What plain TCP makes of the option, asked of a scratch socket of the
 * same domain and protocol: the option's read-back on a fresh TCP socket
 * (into value, *len), then, with set, what TCP makes of the app's set
 * (set_value, set_len). Returns 0; the errno TCP gives, of the set when
 * there is one (a failed read then leaves *len 0), else of the read; or
 * -1 with errno when no scratch socket can be had.
 */
static int ask_fresh_tcp(const struct shim_fd *entry, int level, int name,
			 void *value, socklen_t *len, bool set,
			 const void *set_value, socklen_t set_len)
{
	int scratch, err = 0;

	scratch = shim_real.socket(shim_fd_domain(entry), SOCK_STREAM | SOCK_CLOEXEC,
				   shim_fd_protocol(entry));
	if (scratch < 0)
		return -1;
	if (shim_real.getsockopt(scratch, level, name, value, len))
		err = errno;
	if (set) {
		if (err)
			*len = 0;
		err = shim_real.setsockopt(scratch, level, name, set_value,
					   set_len)
			      ? errno
			      : 0;
	}
	shim_real.close(scratch);
	return err;
}

/* True the first time bit (level, name) of map is claimed in this process. */
static bool first_time(_Atomic uint64_t map[8], int level, int name)
{
	unsigned bit = ((unsigned)level * 31u + (unsigned)name) % 512u;
	uint64_t mask = UINT64_C(1) << (bit % 64);

	return !(atomic_fetch_or(&map[bit / 64], mask) & mask);
}

/* Logs an ignored option once per option and process. */
static void note_ignored(int fd, int level, int name, const char *why)
{
	static _Atomic uint64_t seen[8];
	char buf[48];

	if (!first_time(seen, level, name))
		return;
	shim_log(SHIM_LOG_INFO,
		 "fd %d: MPTCP refuses %s; reporting success without it (%s)",
		 fd, sockopt_describe(level, name, buf, sizeof(buf)), why);
}

/*
 * A socket that lost MPTCP for an option is worth telling at the default
 * level, once per option and process, with the line that keeps MPTCP:
 * a listener made TCP makes every client TCP.
 */
static void warn_rebuilt(int fd, int level, int name, const char *why)
{
	static _Atomic uint64_t seen[8];
	const char *app = shim_rt.view.app_name ? shim_rt.view.app_name
						: program_invocation_short_name;
	char buf[48];
	const char *opt;

	if (!first_time(seen, level, name))
		return;
	opt = sockopt_describe(level, name, buf, sizeof(buf));
	shim_log(SHIM_LOG_WARN,
		 "fd %d: %s costs MPTCP (%s): the socket is plain TCP now; "
		 "to keep MPTCP without the option, put "
		 "'unsupported_option.%s = ignore' in [app:%s]",
		 fd, opt, why, opt, app && *app ? app : "NAME");
}

/* The refused-option path of setsockopt(); returns what the app gets. */
static int rescue_set(int fd, struct shim_fd *entry, int level, int name,
		      const void *value, socklen_t len, int err)
{
	struct policy_opt_action act;
	char buf[48], fresh[64];
	socklen_t fresh_len = sizeof(fresh);
	int tcp_err;

	if (policy_unsupported_for(&shim_rt.view, level, name) ==
		    POLICY_UNSUP_FAIL ||
	    !shim_fd_is_mptcp_socket(fd) || !shim_fd_still_same(fd, entry))
		goto fail;
	/* An option TCP rejects as well keeps TCP's error: the app sees
	 * what it would without us. */
	tcp_err = ask_fresh_tcp(entry, level, name, fresh, &fresh_len, true,
				value, len);
	if (tcp_err) {
		err = tcp_err < 0 ? errno : tcp_err;
		goto fail;
	}
	act = policy_option_action(&shim_rt.view, level, name, value, len,
				   fresh, fresh_len);
	if (act.mode == POLICY_UNSUP_FAIL)
		goto fail;
	/* shim_rebuild() refuses (and logs why) where a switch is unsafe:
	 * the option is then ignored, as below. */
	if (act.mode == POLICY_UNSUP_TCP &&
	    shim_rebuild(fd, entry, false,
			 sockopt_describe(level, name, buf, sizeof(buf))) ==
		    0) {
		int rc = shim_real.setsockopt(fd, level, name, value, len);

		if (rc == 0) {
			shim_fd_record_opt(entry, level, name, value, len,
					   false);
			if (shim_stats_enabled())
				shim_stats_option(fd, level, name, true);
			warn_rebuilt(fd, level, name, act.why);
		}
		return rc;
	}
	/* ignore, or tcp once the socket is connected: keep MPTCP. */
	shim_fd_record_opt(entry, level, name, value, len, true);
	note_ignored(fd, level, name, act.why);
	if (shim_stats_enabled())
		shim_stats_option(fd, level, name, false);
	return 0;
fail:
	errno = err;
	return -1;
}

SHIM_EXPORT int setsockopt(int fd, int level, int name, const void *value,
			   socklen_t len)
{
	struct shim_fd *entry = shim_fd_get(fd);
	int saved = errno;
	int rc;

	if (!entry || shim_busy)
		return shim_real.setsockopt(fd, level, name, value, len);
	rc = shim_real.setsockopt(fd, level, name, value, len);
	if (rc == 0) {
		if (!(entry->flags & (SHIM_FD_CONNECTING | SHIM_FD_LISTENING)) ||
		    (entry->flags & SHIM_FD_HAS_IGNORED))
			shim_fd_record_opt(entry, level, name, value, len,
					   false);
		return 0;
	}
	if (!(entry->flags & SHIM_FD_MPTCP) || !refused_by_mptcp(errno) ||
	    atomic_load_explicit(&shim_state, memory_order_relaxed) !=
		    SHIM_ACTIVE)
		return rc;
	rc = rescue_set(fd, entry, level, name, value, len, errno);
	if (rc == 0)
		errno = saved;
	return rc;
}
SHIM_SELF(setsockopt);

/*
 * Answers a refused get without touching the socket (a read must never
 * cost MPTCP: the JVM probes TCP_QUICKACK on every new socket): what the
 * app set is answered by getsockopt() itself (ignored options), anything
 * else by a fresh TCP socket, with TCP's errno where TCP refuses too.
 * Only unsupported_option = fail hands the app MPTCP's own error.
 */
static int rescue_get(int fd, struct shim_fd *entry, int level, int name,
		      void *value, socklen_t *len, int err)
{
	int tcp_err;

	if (policy_unsupported_for(&shim_rt.view, level, name) ==
		    POLICY_UNSUP_FAIL ||
	    !shim_fd_is_mptcp_socket(fd) || !shim_fd_still_same(fd, entry))
		goto fail;
	/* Without a scratch socket the app keeps MPTCP's own error. */
	tcp_err = ask_fresh_tcp(entry, level, name, value, len, false, NULL,
				0);
	if (tcp_err > 0)
		err = tcp_err;
	if (tcp_err)
		goto fail;
	note_ignored(fd, level, name, "read answered as a fresh TCP socket");
	return 0;
fail:
	errno = err;
	return -1;
}

/* SO_ERROR reads 0 before a connect completes, too: ask the peer. */
static void learn_fate_if_connected(int fd, struct shim_fd *entry)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	int saved = errno;

	if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0)
		shim_learn_fate(fd, entry, false);
	errno = saved;
}

SHIM_EXPORT int getsockopt(int fd, int level, int name, void *value,
			   socklen_t *len)
{
	struct shim_fd *entry = shim_fd_get(fd);
	int saved = errno;
	int rc;

	/* An ignored option reads back as set, even after a fallback to TCP
	 * made the kernel answer for the subflow: one consistent story; but
	 * only by the socket that was set (a stale entry answers nothing). */
	if (entry && (entry->flags & SHIM_FD_HAS_IGNORED) && value && len) {
		const struct shim_optrec *rec = shim_fd_find_opt(entry, level,
								 name);

		if (rec && rec->ignored && !shim_fd_still_same(fd, entry))
			entry = NULL;
		else if (rec && rec->ignored) {
			socklen_t n = *len < rec->len ? *len : rec->len;

			memcpy(value, rec->value, n);
			*len = n;
			return 0;
		}
	}
	rc = shim_real.getsockopt(fd, level, name, value, len);
	if (!entry || shim_busy ||
	    atomic_load_explicit(&shim_state, memory_order_relaxed) !=
		    SHIM_ACTIVE)
		return rc;
	if (rc == 0) {
		/* A non-blocking connect is seen complete here. */
		if (level == SOL_SOCKET && name == SO_ERROR && value &&
		    *len >= (socklen_t)sizeof(int) && *(int *)value == 0 &&
		    (entry->flags & SHIM_FD_CONNECTING) &&
		    !(entry->flags & SHIM_FD_FATE_KNOWN) &&
		    shim_wants_fate(entry))
			learn_fate_if_connected(fd, entry);
		return 0;
	}
	if (!(entry->flags & SHIM_FD_MPTCP) || !refused_by_mptcp(errno) ||
	    level == SOL_MPTCP)
		return rc;
	rc = rescue_get(fd, entry, level, name, value, len, errno);
	if (rc == 0)
		errno = saved;
	return rc;
}
SHIM_SELF(getsockopt);
