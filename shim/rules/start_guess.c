// SPDX-License-Identifier: BSD-3-Clause
/* The start-protocol guess (start_guess.h). */
#include <stdatomic.h>

#include "start_guess.h"

enum start_guess_change start_guess_learn(struct start_guess *g,
					  bool initial_mptcp,
					  bool outcome_mptcp)
{
	unsigned seen;

	if (outcome_mptcp == initial_mptcp)
		return atomic_exchange_explicit(&g->other_outcomes, 0,
						memory_order_relaxed) >=
				       START_GUESS_AFTER ?
			       START_GUESS_BACK :
			       START_GUESS_SAME;
	seen = atomic_load_explicit(&g->other_outcomes, memory_order_relaxed);
	if (seen >= START_GUESS_AFTER)
		return START_GUESS_SAME;
	atomic_store_explicit(&g->other_outcomes, seen + 1,
			      memory_order_relaxed);
	return seen + 1 == START_GUESS_AFTER ? START_GUESS_TO_OTHER :
					       START_GUESS_SAME;
}

bool start_guess_other(struct start_guess *g)
{
	return atomic_load_explicit(&g->other_outcomes,
				    memory_order_relaxed) >= START_GUESS_AFTER;
}
