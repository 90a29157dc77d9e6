/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The process-wide state of the shim, built once on the first intercepted
 * call and read-only afterwards (fork children inherit it as is).
 */
#ifndef MPTCPSHIM_RUNTIME_H
#define MPTCPSHIM_RUNTIME_H

#include <stdatomic.h>
#include <stdbool.h>

#include "policy.h"

enum shim_state {
	SHIM_UNINIT = 0,
	SHIM_ACTIVE,		/* converting per policy */
	SHIM_PASSTHROUGH,	/* MPTCPSHIM_DISABLE=1, or init failed */
};

struct shim_runtime {
	struct policy_view view;
	struct policy *policy;
	bool secure;		/* AT_SECURE: environment overrides ignored */
	bool stats;		/* MPTCPSHIM_STATS given: count and report */
	bool track_tcp;		/* plain TCP sockets need an fd entry too */
	bool slow_socket_path;	/* socket() has keepalive or stats work */
	bool fast_after_first_socket; /* the first MPTCP socket is the probe */
	bool may_start_other;	/* shim_start_other() may say yes */
	const char *stats_path;
};

/*
 * What socket() does with a TCP candidate, decided once at init (and
 * lowered to SLOW if MPTCP turns out to be unavailable): the hot path
 * reads this one word and nothing else of the runtime.
 */
enum shim_socket_mode {
	SHIM_SOCKET_INIT = 0,	/* not initialised yet */
	SHIM_SOCKET_FAST,	/* create MPTCP, claim the entry, done */
	SHIM_SOCKET_SLOW,	/* keepalive, stats, logging or TCP-first */
	SHIM_SOCKET_PASS,	/* disabled, or nothing to track */
};

/* Hidden, so that the hot path reaches them without a GOT-style lea. */
extern struct shim_runtime shim_rt __attribute__((visibility("hidden")));
extern _Atomic int shim_socket_mode __attribute__((visibility("hidden")));
extern _Atomic int shim_state;
/* The errno of the first socket(IPPROTO_MPTCP) that failed for want of
 * MPTCP; 0 while MPTCP works. Later sockets go straight to TCP. */
extern _Atomic int shim_mptcp_unavailable;
/* Non-zero while this thread runs shim code that may call hooked functions. */
extern __thread int shim_busy __attribute__((tls_model("initial-exec")));

void shim_init_slow(void);

/*
 * Which protocol to create when a destination rule decides at connect():
 * after a run of connections that the policy sent to the protocol other
 * than the one sockets start as (TCP for an exclude rule, MPTCP for an
 * include rule), new sockets start as the other one, so the common outcome
 * costs no rebuild (connect() and listen() still decide every socket; a
 * wrong guess costs the rebuild the other direction always did).
 * shim_learn_connect() records each connect() decision;
 * shim_start_other() is what socket_slow() asks.
 */
void shim_learn_connect(bool mptcp);
bool shim_start_other(void);
/* MPTCPSHIM_STATS given: written once by init, read by any thread. */
static inline bool shim_stats_enabled(void)
{
	return __atomic_load_n(&shim_rt.stats, __ATOMIC_RELAXED);
}

/* The state after making sure init ran; cheap once it has. */
static inline int shim_ready(void)
{
	int state = atomic_load_explicit(&shim_state, memory_order_acquire);

	if (__builtin_expect(state == SHIM_UNINIT, 0)) {
		if (shim_busy)
			return SHIM_PASSTHROUGH;
		shim_init_slow();
		state = atomic_load_explicit(&shim_state,
					     memory_order_acquire);
	}
	return state;
}

#endif
