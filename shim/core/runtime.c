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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <unistd.h>

#include "build_config.h"
#include "candidate.h"
#include "uapi_compat.h"
#include "log.h"
#include "inherit.h"
#include "landlock.h"
#include "raw_syscall.h"
#include "real.h"
#include "runtime.h"
#include "start_guess.h"

struct shim_runtime shim_rt;
_Atomic int shim_state;
_Atomic int shim_socket_mode;
_Atomic int shim_mptcp_unavailable;
__thread int shim_busy __attribute__((tls_model("initial-exec")));

/*
 * Who runs init, as a futex word: a thread claims it with one
 * compare-and-swap and wakes anybody only if somebody waits, so the common
 * case (nobody does) makes no system call, where pthread_once() always
 * made one. init_owner identifies the claiming thread (its shim_busy: one
 * per live thread) for the fork handler below.
 */
enum { INIT_IDLE, INIT_RUNNING, INIT_WAITED, INIT_DONE };
static _Atomic unsigned init_phase;
static void *_Atomic init_owner;

/* The variables init reads, from one pass over the environment. */
enum { ENV_LOG, ENV_DISABLE, ENV_STATS, ENV_CONFIG, ENV_XDG, ENV_HOME,
       ENV_COUNT };
static const char env_names[ENV_COUNT][20] = {
	"MPTCPSHIM_LOG=", "MPTCPSHIM_DISABLE=", "MPTCPSHIM_STATS=",
	"MPTCPSHIM_CONFIG=", "XDG_CONFIG_HOME=", "HOME=",
};
static const char *env_values[ENV_COUNT];

/* name=value: the value if entry starts with name (name ends in '='). */
static const char *env_match(const char *entry, const char *name)
{
	for (; *name; name++, entry++)
		if (*entry != *name)
			return NULL;
	return entry;
}

/*
 * secure_getenv semantics, decided once for all variables: nothing is
 * read under AT_SECURE. One pass over environ (found by the symbol walk)
 * instead of a getenv() scan per variable; the first definition of a
 * name wins, as with getenv().
 */
static void read_environment(void)
{
	char **env;

	memset(env_values, 0, sizeof(env_values));
	if (shim_rt.secure)
		return;
	env = shim_libc_environ();
	if (!env) {
		for (int i = 0; i < ENV_COUNT; i++) {
			char name[20];
			size_t len = strlen(env_names[i]) - 1;

			memcpy(name, env_names[i], len);
			name[len] = '\0';
			env_values[i] = getenv(name);
		}
		return;
	}
	for (; *env; env++) {
		const char *entry = *env;

		/* The first byte settles most entries. */
		if (entry[0] != 'M' && entry[0] != 'X' && entry[0] != 'H')
			continue;
		for (int i = 0; i < ENV_COUNT; i++) {
			const char *value;

			if (env_values[i] || entry[0] != env_names[i][0])
				continue;
			value = env_match(entry, env_names[i]);
			if (value) {
				env_values[i] = value;
				break;
			}
		}
	}
}

static bool log_level_from_env(void)
{
	const char *value = env_values[ENV_LOG];
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
	static char last_file[PATH_MAX] SHIM_BIG_DATA;

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
	return path &&
	       shim_libc_faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) == 0;
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

/*
 * The names the program goes by, for [app:NAME] and apps.d: the
 * executable's file name and, unless secure, argv[0]'s. On its own (and
 * not inlined) so that its PATH_MAX buffer is on the stack only when a
 * policy file exists.
 */
static __attribute__((noinline)) void program_names(const char **names)
{
	static char exe_name[NAME_MAX + 1];
	char exe[PATH_MAX];
	ssize_t n;
	int k = 0;

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
}

static void load_policy(void)
{
	static const char *names[3];
	static char long_user_file[PATH_MAX] SHIM_BIG_DATA;
	struct policy_sources src;
	/* Small, so that it lies in a stack page already in use (a page
	 * fault costs more than the rest of init); policy_load() keeps
	 * copies of the names it reads. */
	char user_file[256];

	struct policy_env env = {
		.xdg_config_home = env_values[ENV_XDG],
		.home = env_values[ENV_HOME],
		.config = env_values[ENV_CONFIG],
	};

	if (!policy_sources_from(&src, names, shim_rt.secure, &env, user_file,
				 sizeof(user_file)))
		policy_sources_from(&src, names, shim_rt.secure, &env,
				    long_user_file, sizeof(long_user_file));
	if (no_policy_files(&src)) {
		names[0] = program_invocation_short_name;
		policy_resolve(NULL, names, &shim_rt.view);
		return;
	}
	program_names(names);
	src.use_index = true;
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
	read_environment();
	shim_log_decide_stderr();

	env_log = log_level_from_env();

	if (shim_another_copy_active()) {
		shim_log(SHIM_LOG_INFO, "another copy of the library is active "
			 "in this process; this one passes calls through");
		goto pass;
	}
	value = env_values[ENV_DISABLE];
	if (value && strcmp(value, "0") != 0 && *value) {
		shim_log(SHIM_LOG_INFO, "disabled by MPTCPSHIM_DISABLE");
		goto pass;
	}

	shim_rt.stats_path = env_values[ENV_STATS];
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

/*
 * In the child of a fork() that another thread made while init ran, that
 * thread does not exist: the child runs init again when it needs it (as
 * glibc's pthread_once() does). Registered as soon as init is claimed; a
 * fork in the instant before that is the one case left waiting, as under
 * musl's pthread_once().
 */
static void init_after_fork_child(void)
{
	if (atomic_load_explicit(&init_phase, memory_order_relaxed) !=
		    INIT_DONE &&
	    atomic_load_explicit(&init_owner, memory_order_relaxed) !=
		    (void *)&shim_busy) {
		atomic_store_explicit(&init_owner, NULL, memory_order_relaxed);
		atomic_store_explicit(&init_phase, INIT_IDLE,
				      memory_order_relaxed);
	}
}

static void wait_while(unsigned phase)
{
	shim_raw_syscall(SYS_futex, (long)&init_phase, FUTEX_WAIT_PRIVATE,
			 phase, 0, 0, 0);
}

void shim_init_slow(void)
{
	unsigned phase = atomic_load_explicit(&init_phase,
					      memory_order_acquire);

	while (phase != INIT_DONE) {
		if (phase == INIT_IDLE) {
			if (!atomic_compare_exchange_strong(
				    &init_phase, &phase, INIT_RUNNING))
				continue;
			atomic_store_explicit(&init_owner, (void *)&shim_busy,
					      memory_order_relaxed);
			shim_track_forks(init_after_fork_child);
			init_once_fn();
			if (atomic_exchange(&init_phase, INIT_DONE) ==
			    INIT_WAITED)
				shim_raw_syscall(SYS_futex,
						 (long)&init_phase,
						 FUTEX_WAKE_PRIVATE, INT_MAX,
						 0, 0, 0);
			return;
		}
		if (phase == INIT_RUNNING &&
		    !atomic_compare_exchange_strong(&init_phase, &phase,
						    INIT_WAITED))
			continue;
		wait_while(INIT_WAITED);
		phase = atomic_load_explicit(&init_phase, memory_order_acquire);
	}
}
