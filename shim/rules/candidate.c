// SPDX-License-Identifier: BSD-3-Clause
/* Which socket() errors mean "MPTCP is not available here". */
#include <errno.h>
#include <sys/socket.h>

#include "candidate.h"

bool shim_errno_means_no_mptcp(int err)
{
	switch (err) {
	case ENOPROTOOPT:	/* net.mptcp.enabled = 0 */
	case EPROTONOSUPPORT:	/* kernel without CONFIG_MPTCP */
	case EINVAL:		/* very old kernels, odd seccomp profiles */
	case ESOCKTNOSUPPORT:
	case EACCES:		/* an LSM refused the MPTCP protocol */
	case EPERM:
		return true;
	default:
		return false;
	}
}
