/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shim's stats records (shim/include/stats_record.h) summed per
 * process: what `run --stats` prints and `metrics --stats` exports.
 */
#ifndef MPTCPSHIM_RUNSTATS_READ_H
#define MPTCPSHIM_RUNSTATS_READ_H

#include <stdio.h>

/* Counts keyed by a name (a reason, an errno name, an option name). */
struct runstats_tally {
	struct runstats_tally_entry {
		char key[96];
		unsigned long n;
	} *v;
	size_t n;
};

/* One process (pid, program): an exec without fork makes a new entry. */
struct runstats_proc {
	long pid;
	char program[64];
	unsigned long sockets;		/* TCP candidates the shim saw */
	unsigned long converted;	/* created as MPTCP */
	unsigned long kept_tcp;		/* left TCP by the policy */
	unsigned long creation_fallbacks; /* MPTCP refused at socket() */
	unsigned long switched_to_mptcp, switched_to_tcp;
	unsigned long connect_mptcp, connect_fallback;
	unsigned long accept_mptcp, accept_tcp;
	unsigned long max_subflows;	/* largest total (1 + extra) seen */
	unsigned long keepalive;
	struct runstats_tally kept_reasons, fallback_errors, switch_reasons;
	struct runstats_tally options_rescued, options_ignored;
	/* Log lines that could not go to the program's stderr (a socket
	 * there, as in an inetd-style service): the report shows them. */
	char **warnings;
	size_t nwarnings;
};

struct runstats {
	struct runstats_proc *p;
	size_t n;
	unsigned long bad_records;	/* lines that did not parse */
};

/* Adds every record of fp; returns 0 or -1 (no memory). */
int runstats_parse(FILE *fp, struct runstats *rs);

void runstats_free(struct runstats *rs);

#endif
