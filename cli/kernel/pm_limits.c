// SPDX-License-Identifier: BSD-3-Clause
/*
 * The kernel's endpoint limit, measured rather than assumed: it is a
 * compile-time constant of the kernel (MPTCP_PM_ADDR_MAX, 8 up to 6.18 at
 * least) that no netlink reply reports. A child in a fresh network
 * namespace adds endpoints until the kernel refuses with ERANGE, and raises
 * the subflows limit until EINVAL; the host's namespace is never touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pm.h"

/* Far beyond any kernel's limit so far: the probe stops there. */
#define PROBE_CEILING 64

static void probe_child(int out)
{
	unsigned got[2] = { 0, 0 };
	struct pm_endpoint ep = { .family = AF_INET, .flags = PM_FLAG_SUBFLOW };

	if (unshare(CLONE_NEWNET) < 0)
		_exit(1);
	for (unsigned i = 1; i <= PROBE_CEILING; i++) {
		/* 198.18.0.0/15: benchmark addresses, never a real host's. */
		snprintf(ep.address, sizeof(ep.address), "198.18.0.%u", i);
		if (pm_add_endpoint(&ep) == 0)
			continue;
		if (errno != ERANGE)
			_exit(1);
		got[0] = i - 1;
		break;
	}
	for (unsigned i = 1; i <= PROBE_CEILING; i++) {
		if (pm_set_limits(i, 0) == 0)
			continue;
		if (errno != EINVAL)
			_exit(1);
		got[1] = i - 1;
		break;
	}
	if (!got[0] || !got[1] ||
	    write(out, got, sizeof(got)) != (ssize_t)sizeof(got))
		_exit(1);
	_exit(0);
}

bool pm_probe_kernel_max(unsigned *max_endpoints, unsigned *max_limit)
{
	unsigned got[2];
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return false;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		probe_child(fds[1]);
	}
	close(fds[1]);
	n = pid > 0 ? read(fds[0], got, sizeof(got)) : -1;
	close(fds[0]);
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	if (n != (ssize_t)sizeof(got))
		return false;
	*max_endpoints = got[0];
	*max_limit = got[1];
	return true;
}
