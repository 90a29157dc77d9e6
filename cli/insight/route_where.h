/* SPDX-License-Identifier: BSD-3-Clause */
/* doctor CMD: which route CMD gets under run, a drop-in, a container and
 * behind a wrapper script. */
#ifndef MPTCPSHIM_ROUTE_WHERE_H
#define MPTCPSHIM_ROUTE_WHERE_H

#include <stdbool.h>
#include <stddef.h>

#define ROUTE_WHERE_MAX 6

struct route_where {
	const char *id;		/* the doctor check's id */
	bool ok;		/* PASS, else WARN */
	char text[640];
	char fix[320];		/* "" when nothing to do */
};

/*
 * command: what the user named; program: the file that runs (a script's
 * interpreter, followed); script: command is a script; seccomp_runs: the
 * kernel probe passed. Fills w and returns how many entries.
 */
size_t route_where_describe(const char *command, const char *program,
			    bool script, bool seccomp_runs,
			    struct route_where w[ROUTE_WHERE_MAX]);

#endif
