/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MPTCP's firewall-blackhole detection (6.12+): after SYNs with MPTCP
 * options were dropped and a plain retry worked, the kernel stops trying
 * MPTCP on outgoing connections of the namespace for blackhole_timeout
 * seconds, doubling (up to 64x) each time it recurs. The kernel exposes
 * neither the state nor the timer, so it is derived: the Blackhole counter
 * says whether it ever happened and bounds the doubling, and a probe (one
 * MPTCP connect to a closed loopback port, which the kernel either tries
 * as MPTCP or counts in MPCapableSYNTXDisabled) says whether it holds now.
 */
#ifndef MPTCPSHIM_BLACKHOLE_H
#define MPTCPSHIM_BLACKHOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "explain.h"
#include "mib.h"

enum blackhole_state {
	BLACKHOLE_UNSUPPORTED,	/* no blackhole_timeout sysctl (< 6.12) */
	BLACKHOLE_DETECTION_OFF,/* blackhole_timeout = 0 */
	BLACKHOLE_NEVER,	/* Blackhole = 0: never detected */
	BLACKHOLE_ACTIVE,	/* detected, outgoing MPTCP disabled now */
	BLACKHOLE_EXPIRED,	/* detected before, MPTCP tried again now */
	BLACKHOLE_UNKNOWN,	/* detected before; not probed or probe failed */
};

struct blackhole {
	enum blackhole_state state;
	long timeout;			/* net.mptcp.blackhole_timeout, -1 */
	long syn_retrans;		/* syn_retrans_before_tcp_fallback */
	unsigned long long detections;	/* Blackhole */
	unsigned long long syn_drops;	/* MPCapableSYNTXDrop: the cause */
	unsigned long long disabled;	/* MPCapableSYNTXDisabled */
	/* The longest the current period can last: timeout x 2^(n-1), n the
	 * kernel's count of recent detections, at most Blackhole and 7. */
	long long max_period;
	bool probed;
};

/*
 * Fills b from the sysctls and counters of this namespace; with probe,
 * and only when a blackhole was ever detected, makes the loopback probe
 * (which moves MPCapableSYNTX or MPCapableSYNTXDisabled by one).
 */
void blackhole_read(const struct explain_sysctl *sys,
		    const struct mib_set *mib, bool probe,
		    struct blackhole *b);

/*
 * b as one doctor line: what holds (state, cause, timer, the sysctls)
 * into msg, what to do into fix ("" when nothing). Returns true when it
 * is a warning (a blackhole was detected).
 */
bool blackhole_describe(const struct blackhole *b, char *msg, size_t mlen,
			char *fix, size_t flen);

/* "active", "expired", "never", "off", "unsupported", "unknown". */
const char *blackhole_state_name(enum blackhole_state state);

#endif
