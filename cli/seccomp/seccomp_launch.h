/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Starting the seccomp route in the process that is about to exec the
 * program: the supervisor first (so that it never holds the filter), then
 * the filter, then the listener handed over.
 */
#ifndef MPTCPSHIM_SECCOMP_LAUNCH_H
#define MPTCPSHIM_SECCOMP_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>

/* The supervisor's process name (comm), as ps and pgrep show it. */
#define SECCOMP_SUPERVISOR_NAME "mptcpshim-sup"

enum seccomp_launch_result {
	SECCOMP_LAUNCH_OK = 0,
	/* Nothing installed; the program can still run as it is: */
	SECCOMP_LAUNCH_UNSUPPORTED,	/* no user notification or ADDFD */
	SECCOMP_LAUNCH_NOT_PERMITTED,	/* filter refused (EACCES/EPERM) */
	SECCOMP_LAUNCH_NO_HELPER,	/* fork or socketpair failed */
	SECCOMP_LAUNCH_NESTED,		/* a listener exists already (EBUSY):
					 * one per filter chain */
	/* The filter is installed but nobody serves it: do not exec. */
	SECCOMP_LAUNCH_BROKEN,
};

/*
 * Probes the kernel (in a throw-away process), forks the supervisor out of
 * this process's family (it is no child of the program: a wait(-1) never
 * sees it), installs the filter on this process (no_new_privs first when
 * needs_nnp) and hands the listener over. The supervisor keeps keep_fd
 * open until it exits (-1: none) and closes everything else it inherited.
 * why gets a sentence on any failure.
 */
enum seccomp_launch_result seccomp_launch(bool needs_nnp, bool debug,
					  int keep_fd, char *why,
					  size_t why_len);

/*
 * Only the probe: whether this kernel and these privileges support the
 * route. Returns SECCOMP_LAUNCH_OK or a reason it cannot (why set).
 */
enum seccomp_launch_result seccomp_launch_probe(char *why, size_t why_len);

#endif
