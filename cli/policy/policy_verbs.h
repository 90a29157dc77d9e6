/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The verbs of `mptcpshim policy` (cmd_policy.c dispatches) and what they
 * share: the usage text and loading the files as the shim does.
 */
#ifndef MPTCPSHIM_POLICY_VERBS_H
#define MPTCPSHIM_POLICY_VERBS_H

#include <stdbool.h>
#include <stdio.h>

#include "policy.h"

void policy_usage(FILE *fp);

/* argv[0] is the verb; each returns the exit code. */
int policy_check_cmd(int argc, char **argv);
int policy_explain_cmd(int argc, char **argv);
int policy_show_cmd(int argc, char **argv);
int policy_compile_cmd(int argc, char **argv);

/*
 * Loads the policy the shim would load for a program called program (NULL:
 * none), with config (-c) on top as MPTCPSHIM_CONFIG; problems go to
 * stderr under verb. NULL (said) when out of memory.
 */
struct policy *policy_load_for(const char *program, const char *config,
			       const char *verb);

/*
 * explain's and show's options: -c/--config, -j/--json and, when listen
 * is not NULL, --listen; they may follow the operands. Returns -1 to go
 * on (operands start at optind), else the exit code (cli_parse_options).
 */
int policy_parse_options(int argc, char **argv, const char *verb,
			 const char **config, bool *json, bool *listen);

#endif
