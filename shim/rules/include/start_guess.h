/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The start-protocol guess behind destination rules, for the library (one
 * per process) and the seccomp supervisor (one per task it serves): after
 * START_GUESS_AFTER connects in a row that the policy sent to the other
 * protocol than socket()'s choice, sockets start as that one, so the next
 * connect() finds them right and need not switch; one connect the other
 * way ends it.
 */
#ifndef MPTCPSHIM_START_GUESS_H
#define MPTCPSHIM_START_GUESS_H

#include <stdbool.h>

#include "policy.h"

#define START_GUESS_AFTER 2

struct start_guess {
	_Atomic unsigned other_outcomes;	/* in a row; saturates */
};

enum start_guess_change {
	START_GUESS_SAME,	/* the guess did not change */
	START_GUESS_TO_OTHER,	/* sockets start as the other protocol now */
	START_GUESS_BACK,	/* back to socket()'s own choice */
};

/*
 * Starting as the other protocol is invisible to the program only when
 * connect() and listen() both decide (so each socket still ends as the
 * policy says), a refused option never reaches it (unsupported_option is
 * not fail anywhere), and there are no stats, which count what socket()
 * created.
 */
static inline bool start_guess_allowed(const struct policy_view *view,
				       bool stats)
{
	return view->decide_at_connect && view->decide_at_listen && !stats &&
	       view->unsupported != POLICY_UNSUP_FAIL &&
	       !view->per_option_unsupported;
}

/* One connect() decided outcome_mptcp where socket() chose initial_mptcp. */
enum start_guess_change start_guess_learn(struct start_guess *g,
					  bool initial_mptcp,
					  bool outcome_mptcp);

/* Whether sockets now start as the other protocol. */
bool start_guess_other(struct start_guess *g);

#endif
