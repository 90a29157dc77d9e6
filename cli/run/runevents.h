/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `run --events`: a thread of the CLI listens to the path manager's events
 * while the command runs and keeps those of the command's connections,
 * matched by token to the MPTCP sockets its process tree holds.
 */
#ifndef MPTCPSHIM_RUNEVENTS_H
#define MPTCPSHIM_RUNEVENTS_H

#include "output.h"
#include "run.h"

/*
 * Joins the event group and starts the listener; call before the command
 * is forked, so no event of it is missed. Returns 0, or -1 after saying
 * why (the command still runs, without events).
 */
int runevents_start(void);

/* Stops the listener once the command has exited (idempotent). */
void runevents_stop(void);

/* The "events" array (and its text) into an open report. */
void runevents_print(struct out *out);

/*
 * Without --stats: stops the listener and prints the events where opt
 * says (stderr or --stats-file). Returns 0 or -1.
 */
int runevents_report(const struct run_options *opt);

#endif
