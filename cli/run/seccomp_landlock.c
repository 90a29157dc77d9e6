// SPDX-License-Identifier: BSD-3-Clause
/* Landlock on the seccomp route: see seccomp_landlock.h. */
#include <unistd.h>

#include "seccomp_landlock.h"

bool landlock_launcher_restricted(void)
{
	static int answer = -1;
	const struct shim_landlock_calls calls = { socket, bind, connect,
						   close };

	if (answer < 0)
		answer = shim_landlock_restricts_tcp(&calls);
	return answer;
}

/* The supervisor is single-threaded: a plain flag. */
static bool tree_restricted;

void seccomp_landlock_noted(void)
{
	tree_restricted = true;
}

bool seccomp_landlock_restricted(void)
{
	return tree_restricted;
}
