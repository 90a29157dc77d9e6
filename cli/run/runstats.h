/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `mptcpshim run --stats`: the private directory handed to the shim, the
 * per-process summary of its records (shim/include/stats_record.h) and the
 * namespace's MPTcpExt deltas over the run.
 */
#ifndef MPTCPSHIM_RUNSTATS_H
#define MPTCPSHIM_RUNSTATS_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "mib.h"
#include "output.h"
#include "run.h"

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

/*
 * Prints the report. mib_delta NULL: counters unavailable. status is the
 * run's exit code as the shell sees it.
 */
void runstats_print(struct out *out, const struct runstats *rs,
		    const struct mib_set *mib_delta, int status);

/* The state of one --stats run, between begin and end. */
struct runstats_session {
	char dir[PATH_MAX];
	bool have_mib;
	struct mib_set mib_before;
};

/*
 * Creates the private directory (0700), sets MPTCPSHIM_STATS to it and
 * snapshots the MIB. Returns 0 or -1 after printing why.
 */
int runstats_begin(struct runstats_session *s);

/*
 * After the command exited with status (shell convention): reads the
 * records, prints the report where opt says (stderr, or --stats-file),
 * removes the directory. Returns 0, or -1 if the report could not be
 * written.
 */
int runstats_end(struct runstats_session *s, const struct run_options *opt,
		 int status);

#endif
