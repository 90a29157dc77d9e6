/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `mptcpshim metrics`: the network namespace the process is in, as
 * Prometheus text exposition format: every MPTcpExt counter (HELP from the
 * glossary), the MPTCP sysctls, the blackhole state, endpoints and limits,
 * connections and per-interface subflows (sock_diag), and the shim's
 * per-program figures from a stats directory. Every sample carries
 * netns="LABEL".
 */
#ifndef MPTCPSHIM_METRICS_H
#define MPTCPSHIM_METRICS_H

#include <stdbool.h>
#include <stdio.h>

struct metrics_options {
	const char *netns_label;
	const char *stats_dir;		/* NULL: no per-program figures */
	bool probe_blackhole;		/* see blackhole.h */
};

/*
 * Writes the exposition to fp. Returns 0 when the MPTcpExt counters could
 * be read, 1 when not (a kernel without MPTCP: the rest is still written).
 */
int metrics_write(FILE *fp, const struct metrics_options *o);

/* A counter's metric name: mptcp_mib_ + snake_case(name) (+ _total for a
 * counter), into buf; for tests. */
void metrics_mib_name(const char *name, char *buf, size_t len);

#endif
