// SPDX-License-Identifier: BSD-3-Clause
/*
 * MPTCP switched off while a program runs (net.mptcp.enabled = 0 in its
 * network namespace): the next socket() is the TCP socket the program
 * asked for, and so is every later one. Run preloaded, as root, inside a
 * private network namespace (mptcp_off.sh): it flips the sysctl itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

static int set_enabled(const char *value)
{
	int fd = open("/proc/sys/net/mptcp/enabled", O_WRONLY | O_CLOEXEC);
	int ok = fd >= 0 && write(fd, value, 1) == 1;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

int main(void)
{
	int fd, failed = 0;

	fixture_require_mptcp();
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (protocol_of(fd) != IPPROTO_MPTCP) {
		printf("FAIL: first socket is not MPTCP\n");
		return 1;
	}
	close(fd);
	if (set_enabled("0") < 0) {
		perror("net.mptcp.enabled");
		return 1;
	}
	for (int i = 0; i < 3; i++) {
		fd = socket(i == 1 ? AF_INET6 : AF_INET,
			    SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || protocol_of(fd) != IPPROTO_TCP) {
			printf("FAIL: socket %d after MPTCP went off: fd %d "
			       "protocol %d\n", i, fd, protocol_of(fd));
			failed = 1;
		}
		close(fd);
	}
	/* IPPROTO_MPTCP asked for explicitly still gets the kernel's error. */
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
	if (fd >= 0 || errno != ENOPROTOOPT) {
		printf("FAIL: explicit MPTCP: fd %d (%s)\n", fd,
		       strerror(errno));
		failed = 1;
	}
	set_enabled("1");
	printf("%s\n", failed ? "FAIL" : "ok: TCP once MPTCP is off");
	return failed;
}
