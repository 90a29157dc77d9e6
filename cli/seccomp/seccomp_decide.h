/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The seccomp route's decisions after socket(): where the library decides
 * (connect, sendto/sendmsg with MSG_FASTOPEN, listen, a refused option),
 * with the library's rules (policy_decide, policy_option_action); with
 * --stats, close/shutdown/exit_group for connections' fates.
 */
#ifndef MPTCPSHIM_SECCOMP_DECIDE_H
#define MPTCPSHIM_SECCOMP_DECIDE_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>

#include "policy.h"
#include "stats_events.h"

/* One trapped call, as the supervisor hands it over. */
struct seccomp_call {
	int listener;
	__u64 id;
	pid_t tid;
	pid_t tgid;	/* read only with stats (else tid) */
	int nr;
	__u64 args[6];
	const struct policy_view *view;
	const struct stats_writer *stats;	/* NULL: stats off */
	bool debug;
};

/* How the call is answered: the task's own call runs (on whatever socket
 * the fd now names), or it returns value without running. */
struct seccomp_verdict {
	bool answered;		/* false: CONTINUE */
	long value;
	int error;		/* a positive errno, with answered */
	bool gone;		/* the task no longer waits: no answer */
};

/* Whether nr is one of the calls handled here. */
bool seccomp_decide_handles(int nr);

struct seccomp_verdict seccomp_decide(const struct seccomp_call *call);

/* Whether task tid's next socket() starts as the other protocol than the
 * view's initial choice (the library's start-protocol guess). */
bool seccomp_decide_start_other(pid_t tid, const struct policy_view *view,
				bool stats);

#endif
