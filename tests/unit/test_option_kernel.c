// SPDX-License-Identifier: BSD-3-Clause
/*
 * The option table is complete for the running kernel: every option number
 * at SOL_SOCKET, SOL_IP, SOL_IPV6 and SOL_TCP that a TCP socket accepts is
 * set on a fresh MPTCP socket with the value a TCP socket reads back, and
 * each one MPTCP refuses must have a row (a verdict and a reason). The
 * numbers are enumerated, not listed, so a kernel that starts refusing a
 * new option fails this test until the table learns it.
 */

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "option_table.h"
#include "sockopt_names.h"
#include "uapi_compat.h"

#define SKIP 77

/* Past the highest option number each level has in 6.18, with room for
 * the next few kernels. */
static const struct {
	int family, level, max;
} levels[] = {
	{ AF_INET, SOL_SOCKET, 128 },	{ AF_INET6, SOL_SOCKET, 128 },
	{ AF_INET, SOL_IP, 128 },	{ AF_INET6, SOL_IP, 128 },
	{ AF_INET6, SOL_IPV6, 128 },	{ AF_INET, SOL_TCP, 96 },
	{ AF_INET6, SOL_TCP, 96 },
};


static int refused, missing, accepted_by_tcp;

static void probe(int family, int level, int name)
{
	unsigned char value[512] = { 0 };
	socklen_t len = sizeof(value);
	int tcp, mptcp, err;
	char buf[48];

	tcp = socket(family, SOCK_STREAM, IPPROTO_TCP);
	mptcp = socket(family, SOCK_STREAM, IPPROTO_MPTCP);
	if (tcp < 0 || mptcp < 0) {
		perror("socket");
		_exit(1);
	}
	/* The value TCP has; write-only options get a zero int. */
	if (getsockopt(tcp, level, name, value, &len) != 0)
		len = sizeof(int);
	if (setsockopt(tcp, level, name, value, len) != 0)
		goto out;	/* not an option TCP takes in this form */
	accepted_by_tcp++;
	if (setsockopt(mptcp, level, name, value, len) == 0)
		goto out;
	err = errno;
	refused++;
	if (!policy_option_rule(level, name)) {
		missing++;
		printf("MISSING: %s (%s, family %d) refused by MPTCP with %s "
		       "and has no row in option_table.c\n",
		       sockopt_describe(level, name, buf, sizeof(buf)),
		       sockopt_level_name(level), family,
		       strerrorname_np(err));
	} else {
		printf("ok: %-28s %-10s %s\n",
		       sockopt_describe(level, name, buf, sizeof(buf)),
		       sockopt_level_name(level),
		       policy_opt_verdict_name(
			       policy_option_rule(level, name)->verdict));
	}
out:
	close(tcp);
	close(mptcp);
}

int main(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);

	if (fd < 0) {
		printf("SKIP: no MPTCP in this network namespace (%s)\n",
		       strerrorname_np(errno));
		return SKIP;
	}
	close(fd);
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		for (int name = 0; name <= levels[i].max; name++)
			probe(levels[i].family, levels[i].level, name);
	printf("%d options TCP accepts, %d refused by MPTCP, %d without a "
	       "row\n", accepted_by_tcp, refused, missing);
	/* The enumeration itself must have worked: TCP takes dozens. */
	if (accepted_by_tcp < 50 || refused < 10)
		return 1;
	return missing ? 1 : 0;
}
