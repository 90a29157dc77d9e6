/* SPDX-License-Identifier: BSD-3-Clause */
/* `mptcpshim run` and `mptcpize run`: parsing and exit-status mapping. */
#ifndef MPTCPSHIM_RUN_H
#define MPTCPSHIM_RUN_H

#include <stdbool.h>

#include "route.h"

struct run_options {
	bool debug;		/* -d, --debug: MPTCPSHIM_LOG=debug */
	const char *config;	/* -c FILE: MPTCPSHIM_CONFIG */
	bool stats;		/* --stats: report after the command exits */
	bool json;		/* --json: the report as JSON */
	const char *stats_file;	/* --stats-file FILE: report there */
	enum route_request route;	/* --route=auto|preload|seccomp */
	bool events;		/* --events: path-manager events too */
	char **command;		/* NULL-terminated CMD [ARGS...] */
};

/*
 * Parses `run` options (argv[0] is "run"); mptcpize accepts only -d.
 * Returns 0, or CLI_USAGE after printing why (or CLI_OK for --help, with
 * *done set).
 */
int run_parse(int argc, char **argv, bool mptcpize, struct run_options *opt,
	      bool *done);

/* Puts the shim into this process's environment as run would; library
 * NULL (the seccomp route) leaves LD_PRELOAD alone. */
int run_prepare_env(const struct run_options *opt, const char *library);

#endif
