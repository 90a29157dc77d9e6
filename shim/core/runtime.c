// SPDX-License-Identifier: BSD-3-Clause
/*
 * One-time initialisation: environment, real symbols, program identity and
 * the policy. Runs lazily so that a process that opens no socket pays for
 * none of it. The only constructor is log.c's one fstat of fd 2 (which
 * stream the program was given as stderr can only be seen at load): start-up
 * stays as cheap as loading any small library.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/socket.h>
#include <unistd.h>

#include "build_config.h"
#include "candidate.h"
#include "uapi_compat.h"
#include "log.h"
#include "inherit.h"
#include "landlock.h"
#include "once.h"
#include "real.h"
#include "runtime.h"
#include "start_guess.h"

struct shim_runtime shim_rt;
_Atomic int shim_state;
_Atomic int shim_socket_mode;
_Atomic int shim_mptcp_unavailable;
__thread int shim_busy __attribute__((tls_model("initial-exec")));

static shim_once_t init_once = SHIM_ONCE_INIT;

/* secure_getenv semantics, decided once for all variables. */
static const char *shim_getenv(const char *name)
{
	return shim_rt.secure ? NULL : getenv(name);
}

static bool log_level_from_env(void)
{
	const char *value = shim_getenv("MPTCPSHIM_LOG");
	int level;

	if (!value || !*value)
		return false;
	level = shim_log_parse_level(value);
	if (level < 0) {
		shim_log(SHIM_LOG_WARN,
			 "MPTCPSHIM_LOG=%s is not error|warn|info|debug; using warn",
			 value);
		return false;
	}
	shim_log_threshold = level;
	return true;
}

/*
 * One warning per broken file, the first problem with its file:line: the
 * file is ignored as a whole, and `policy check` lists the rest. Runs only
 * inside policy_load(), which the once-guard serialises.
 */
static void report_policy_problem(void *ctx, const char *file, unsigned line,
				  const char *message)
{
	static char last_file[PATH_MAX];

	(void)ctx;
	if (strcmp(last_file, file) == 0)
		return;
	snprintf(last_file, sizeof(last_file), "%s", file);
	if (line)
		shim_log(SHIM_LOG_WARN,
			 "%s:%u: %s; file ignored (see 'mptcpshim policy check %s')",
			 file, line, message, file);
	else
		shim_log(SHIM_LOG_WARN,
			 "%s: %s; file ignored (see 'mptcpshim policy check %s')",
			 file, message, file);
}

/* Whether path exists, for our effective ids (setuid programs too). */
static bool exists(const char *path)
{
	return path && faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) == 0;
}

/*
 * No policy file anywhere (the system directory, the user file and
 * MPTCPSHIM_CONFIG all absent): the built-in defaults, and no program name
 * to look up, which spares readlink(/proc/self/exe), the dearest system
 * call of the whole init (~20 us here), and the file lookups behind it.
 */
static bool no_policy_files(const struct policy_sources *src)
{
	return !src->env_file && !exists(MPTCPSHIM_SYSCONFDIR) &&
	       !exists(src->user_file);
}

static void load_policy(void)
{
	static char exe_name[NAME_MAX + 1];
	static char user_file[PATH_MAX];
	static const char *names[3];
	struct policy_sources src;
	char exe[PATH_MAX];
	ssize_t n;
	int k = 0;

	policy_sources_default(&src, names, shim_rt.secure, user_file,
			       sizeof(user_file));
	if (no_policy_files(&src)) {
		names[0] = program_invocation_short_name;
		policy_resolve(NULL, names, &shim_rt.view);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *base;
		size_t len;

		exe[n] = '\0';
		base = strrchr(exe, '/');
		base = base ? base + 1 : exe;
		len = strnlen(base, sizeof(exe_name) - 1);
		memcpy(exe_name, base, len);
		exe_name[len] = '\0';
		names[k++] = exe_name;
	}
	/* python3 runs as /usr/bin/python3.11: [app:python3] must match.
	 * Not under AT_SECURE: whoever runs a setuid program chooses its
	 * argv[0] (exec -a), and so would choose the admin's per-app policy. */
	if (!shim_rt.secure && program_invocation_short_name &&
	    *program_invocation_short_name &&
	    (k == 0 || strcmp(program_invocation_short_name, exe_name) != 0))
		names[k++] = program_invocation_short_name;

	shim_rt.policy = policy_load(&src, report_policy_problem, NULL);
	policy_resolve(shim_rt.policy, names, &shim_rt.view);
}

static void init_once_fn(void)
{
	const char *value;
	int saved = errno;
	bool env_log;
	int mode;

	shim_busy++;
	shim_real_resolve_once();
	shim_rt.secure = getauxval(AT_SECURE) != 0;
	shim_log_decide_stderr();

	env_log = log_level_from_env();

	if (shim_another_copy_active()) {
		shim_log(SHIM_LOG_INFO, "another copy of the library is active "
			 "in this process; this one passes calls through");
		goto pass;
	}
	value = shim_getenv("MPTCPSHIM_DISABLE");
	if (value && strcmp(value, "0") != 0 && *value) {
		shim_log(SHIM_LOG_INFO, "disabled by MPTCPSHIM_DISABLE");
		goto pass;
	}

	shim_rt.stats_path = shim_getenv("MPTCPSHIM_STATS");
	__atomic_store_n(&shim_rt.stats,
			 shim_rt.stats_path && *shim_rt.stats_path,
			 __ATOMIC_RELAXED);
	load_policy();
	/* The environment outranks the policy's [global] log. */
	if (!env_log && shim_rt.view.log_level >= 0)
		shim_log_threshold = shim_rt.view.log_level;
	shim_rt.slow_socket_path = shim_rt.stats || shim_rt.view.keepalive.enabled;
	shim_rt.track_tcp = shim_rt.view.decide_at_connect ||
			    shim_rt.view.decide_at_listen || shim_rt.stats ||
			    (shim_rt.view.keepalive.enabled &&
			     shim_rt.view.keepalive.all_tcp);
	/*
	 * No probe socket: the slow path saves errno, so the process's first
	 * MPTCP socket() is the probe, and its success switches to the fast
	 * path (which cannot restore errno after a refusal). A process that
	 * opens one socket makes one.
	 */
	shim_rt.fast_after_first_socket =
		shim_rt.view.initial.choice == POLICY_MPTCP &&
		!shim_rt.slow_socket_path &&
		shim_log_threshold < SHIM_LOG_DEBUG;
	/* The start-protocol guess's conditions (start_guess.h). */
	shim_rt.may_start_other = start_guess_allowed(&shim_rt.view,
						      shim_rt.stats);
	/* A sandboxed process: its sockets stay TCP (socket_slow() knows
	 * why). Asked here, once, as the first TCP socket() is made, and
	 * only where the policy can make MPTCP at all. */
	if ((shim_rt.view.initial.choice == POLICY_MPTCP ||
	     shim_rt.view.decide_at_connect || shim_rt.view.decide_at_listen) &&
	    shim_landlock_probe())
		mode = SHIM_SOCKET_SLOW;
	else if (shim_rt.view.initial.choice == POLICY_MPTCP)
		mode = SHIM_SOCKET_SLOW;
	else
		mode = shim_rt.track_tcp ? SHIM_SOCKET_SLOW : SHIM_SOCKET_PASS;
	atomic_store_explicit(&shim_socket_mode, mode, memory_order_release);
	shim_track_forks();
	atomic_store_explicit(&shim_state, SHIM_ACTIVE, memory_order_release);
	goto out;
pass:
	atomic_store_explicit(&shim_socket_mode, SHIM_SOCKET_PASS,
			      memory_order_release);
	atomic_store_explicit(&shim_state, SHIM_PASSTHROUGH,
			      memory_order_release);
out:
	shim_busy--;
	errno = saved;
}

/* One per process: the library's sockets are this process's. */
static struct start_guess guess;

void shim_learn_connect(bool mptcp)
{
	bool initial_mptcp = shim_rt.view.initial.choice == POLICY_MPTCP;

	if (!shim_rt.may_start_other)
		return;
	if (mptcp == initial_mptcp && shim_landlocked())
		return;	/* socket() stays on the slow path */
	switch (start_guess_learn(&guess, initial_mptcp, mptcp)) {
	case START_GUESS_BACK:
		if (shim_rt.fast_after_first_socket) {
			int expected = SHIM_SOCKET_SLOW;

			atomic_compare_exchange_strong(&shim_socket_mode,
						       &expected,
						       SHIM_SOCKET_FAST);
		}
		break;
	case START_GUESS_TO_OTHER:
		/* The fast path creates MPTCP: socket() must ask the slow
		 * path (a TCP-first policy is on the slow path already). */
		if (initial_mptcp)
			atomic_store_explicit(&shim_socket_mode,
					      SHIM_SOCKET_SLOW,
					      memory_order_relaxed);
		break;
	case START_GUESS_SAME:
		break;
	}
}

bool shim_start_other(void)
{
	return shim_rt.may_start_other && start_guess_other(&guess);
}

void shim_init_slow(void)
{
	shim_once(&init_once, init_once_fn);
}
