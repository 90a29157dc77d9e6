// SPDX-License-Identifier: BSD-3-Clause
/* The blackhole state, derived (see blackhole.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "blackhole.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

/* A loopback port nothing listens on: a TCP socket bound, never listening,
 * holds it so that the probe's SYN is refused at once. */
static int closed_port(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)sa, sizeof(*sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)sa, &len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* 1: the kernel skipped MPTCP (disabled), 0: it tried, -1: unknown. */
static int probe(void)
{
	struct mib_set before, after;
	struct sockaddr_in sa;
	int holder, fd, rc = -1;

	holder = closed_port(&sa);
	if (holder < 0)
		return -1;
	if (mib_read(MIB_NETSTAT, &before) != 0) {
		close(holder);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    IPPROTO_MPTCP);
	/* The kernel decides in connect() itself, before the SYN leaves. */
	if (fd >= 0 && (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ||
			errno == EINPROGRESS || errno == ECONNREFUSED) &&
	    mib_read(MIB_NETSTAT, &after) == 0) {
		rc = mib_value(&after, "MPCapableSYNTXDisabled") >
			     mib_value(&before, "MPCapableSYNTXDisabled") ?
			     1 : 0;
		mib_free(&after);
	}
	if (fd >= 0)
		close(fd);
	close(holder);
	mib_free(&before);
	return rc;
}

void blackhole_read(const struct explain_sysctl *sys,
		    const struct mib_set *mib, bool want_probe,
		    struct blackhole *b)
{
	unsigned long long n;
	int disabled;

	memset(b, 0, sizeof(*b));
	b->timeout = sys->blackhole_timeout;
	b->syn_retrans = sys->syn_retrans_before_tcp_fallback;
	b->detections = mib_value(mib, "Blackhole");
	b->syn_drops = mib_value(mib, "MPCapableSYNTXDrop");
	b->disabled = mib_value(mib, "MPCapableSYNTXDisabled");
	n = b->detections < 7 ? b->detections : 7;
	if (b->timeout > 0 && n > 0)
		b->max_period = (long long)b->timeout << (n - 1);
	if (b->timeout < 0 || !mib_find(mib, "Blackhole")) {
		b->state = BLACKHOLE_UNSUPPORTED;
		return;
	}
	if (b->timeout == 0) {
		b->state = BLACKHOLE_DETECTION_OFF;
		return;
	}
	if (b->detections == 0) {
		b->state = BLACKHOLE_NEVER;
		return;
	}
	b->state = BLACKHOLE_UNKNOWN;
	if (!want_probe)
		return;
	disabled = probe();
	b->probed = disabled >= 0;
	if (disabled >= 0)
		b->state = disabled ? BLACKHOLE_ACTIVE : BLACKHOLE_EXPIRED;
}

const char *blackhole_state_name(enum blackhole_state state)
{
	static const char *const names[] = {
		[BLACKHOLE_UNSUPPORTED] = "unsupported",
		[BLACKHOLE_DETECTION_OFF] = "off",
		[BLACKHOLE_NEVER] = "never",
		[BLACKHOLE_ACTIVE] = "active",
		[BLACKHOLE_EXPIRED] = "expired",
		[BLACKHOLE_UNKNOWN] = "unknown",
	};

	return names[state];
}
