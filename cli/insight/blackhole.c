// SPDX-License-Identifier: BSD-3-Clause
/* The blackhole state, derived (see blackhole.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
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

/* "; syn_retrans_before_tcp_fallback = N" when the kernel has it. */
static void retrans_note(const struct blackhole *b, char *buf, size_t len)
{
	buf[0] = '\0';
	if (b->syn_retrans >= 0)
		snprintf(buf, len, "; syn_retrans_before_tcp_fallback = %ld "
			 "(MPTCP SYN retransmissions before plain TCP)",
			 b->syn_retrans);
}

bool blackhole_describe(const struct blackhole *b, char *msg, size_t mlen,
			char *fix, size_t flen)
{
	char retrans[128];

	retrans_note(b, retrans, sizeof(retrans));
	fix[0] = '\0';
	switch (b->state) {
	case BLACKHOLE_UNSUPPORTED:
		snprintf(msg, mlen, "no blackhole detection in this kernel "
			 "(6.12+)%s", retrans);
		return false;
	case BLACKHOLE_DETECTION_OFF:
		snprintf(msg, mlen, "blackhole detection is off "
			 "(blackhole_timeout = 0)%s", retrans);
		return false;
	case BLACKHOLE_NEVER:
		snprintf(msg, mlen, "no MPTCP blackhole detected "
			 "(blackhole_timeout = %ld s)%s", b->timeout, retrans);
		return false;
	default:
		break;
	}
	snprintf(msg, mlen,
		 "MPTCP blackhole %s: detected %llu time(s) after SYNs with "
		 "MPTCP options were dropped (MPCapableSYNTXDrop %llu); "
		 "%llu connect(s) skipped MPTCP (MPCapableSYNTXDisabled); "
		 "outgoing MPTCP stays off for blackhole_timeout %ld s after "
		 "the last detection, doubling when it recurs: at most %lld s "
		 "now%s",
		 b->state == BLACKHOLE_ACTIVE ? "ACTIVE: outgoing connections "
						"use plain TCP now" :
		 b->state == BLACKHOLE_EXPIRED ? "over (MPTCP is tried again)" :
						 "state unknown",
		 b->detections, b->syn_drops, b->disabled, b->timeout,
		 b->max_period, retrans);
	snprintf(fix, flen, "find the firewall or middlebox that drops SYNs "
		 "carrying TCP option 30 and let them through; 'sysctl -w "
		 "net.mptcp.blackhole_timeout=0' ends the back-off now");
	return true;
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
