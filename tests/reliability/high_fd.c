// SPDX-License-Identifier: BSD-3-Clause
/*
 * A socket() that returns an fd the table cannot track (2^20 and above)
 * must not be converted: an untracked MPTCP socket could never be switched
 * back or reported on (issue 11). Fills every lower number with dup()s so
 * that socket() returns the first untrackable one. Run preloaded, with the
 * fd limit above 2^20 (high_fd.sh arranges it). Prints the protocol.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fixture.h"

#define FIRST_UNTRACKED (1 << 20)

int main(void)
{
	struct rlimit r;
	int fd, p;

	fixture_require_mptcp();
	if (getrlimit(RLIMIT_NOFILE, &r) < 0 ||
	    r.rlim_cur < FIRST_UNTRACKED + 16) {
		printf("skip: RLIMIT_NOFILE below 2^20 + 16\n");
		return 77;
	}
	/* Converted while it fits the table... */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (protocol_of(fd) != IPPROTO_MPTCP) {
		printf("low fd %d: protocol %d, expected MPTCP\n", fd,
		       protocol_of(fd));
		return 1;
	}
	close(fd);
	do
		fd = dup(0);
	while (fd >= 0 && fd < FIRST_UNTRACKED - 1);
	if (fd < 0) {
		perror("dup");
		return 1;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	p = protocol_of(fd);
	printf("fd %d: protocol %d\n", fd, p);
	return fd >= FIRST_UNTRACKED && p == IPPROTO_TCP ? 0 : 1;
}
