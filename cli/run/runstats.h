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
#include "runstats_read.h"

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
