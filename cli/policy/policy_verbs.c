// SPDX-License-Identifier: BSD-3-Clause
/*
 * What the verbs of `mptcpshim policy` share: the usage text, their
 * options, and loading the files exactly as the shim does
 * (policy_sources_default + policy_load), so that what they print is what
 * the shim will do.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "policy_verbs.h"

void policy_usage(FILE *out)
{
	out_usage(out,
		  "Usage: mptcpshim policy check [--json] [FILE...]\n"
		  "       mptcpshim policy explain [-c FILE] [--listen] "
		  "[--json] PROGRAM [ADDR[:PORT]]\n"
		  "       mptcpshim policy show [-c FILE] [--json] [PROGRAM]\n"
		  "       mptcpshim policy compile [FILE...]\n"
		  "\n"
		  "  check    print every problem of the policy files as "
		  "FILE:LINE: message;\n"
		  "           no FILE: the files the shim would read. Exit 0 "
		  "if clean, else 2.\n"
		  "  explain  what the shim does for PROGRAM: the protocol "
		  "socket() creates, or\n"
		  "           with ADDR the one for a connect() to it "
		  "(--listen: for a listener\n"
		  "           bound to it), and the rule (file:line) behind "
		  "it. IPv6: [ADDR]:PORT.\n"
		  "  show     the merged policy as INI (or --json); with "
		  "PROGRAM, also its\n"
		  "           apps.d file.\n"
		  "  compile  write FILE.compiled, the index of a clean file "
		  "that lets each\n"
		  "           process read only its own sections; no FILE: "
		  "the system file,\n"
		  "           the user file and $MPTCPSHIM_CONFIG. Exit 0 if "
		  "all were written.\n"
		  "\n"
		  "  -c, --config FILE  use FILE on top of the other sources, "
		  "like 'run -c'\n"
		  "                     (default: $MPTCPSHIM_CONFIG)\n"
		  "  -j, --json         print JSON\n"
		  "See mptcpshim.conf(5).\n");
}

static void warn_problem(void *ctx, const char *file, unsigned line,
			 const char *message)
{
	const char *verb = ctx;

	if (line)
		cli_error(verb, "%s:%u: %s", file, line, message);
	else
		cli_error(verb, "%s: %s", file, message);
}

/* Moves options in front of the operands, so that they may follow them
 * ("explain curl 10.0.0.1:80 --listen") while getopt stops at the first
 * operand (a program name is never mistaken for an option). */
static void options_first(int argc, char **argv)
{
	char *moved[argc];
	int n = 0;

	moved[n++] = argv[0];
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 1; i < argc; i++) {
			bool is_opt = argv[i][0] == '-' && argv[i][1];
			bool takes_arg = strcmp(argv[i], "-c") == 0 ||
					 strcmp(argv[i], "--config") == 0;

			if (pass == 0 && is_opt) {
				moved[n++] = argv[i];
				if (takes_arg && i + 1 < argc)
					moved[n++] = argv[++i];
			} else if (pass == 1 && !is_opt) {
				moved[n++] = argv[i];
			} else if (pass == 1 && takes_arg) {
				i++;
			}
		}
	}
	memcpy(argv, moved, sizeof(moved));
}

struct policy *policy_load_for(const char *program, const char *config,
			       const char *verb)
{
	static char user[PATH_MAX];
	static const char *names[2];
	struct policy_sources src;
	struct policy *policy;

	names[0] = program;
	names[1] = NULL;
	policy_sources_default(&src, program ? names : NULL, false, user,
			       sizeof(user));
	if (config)
		src.env_file = config;
	policy = policy_load(&src, warn_problem, (void *)verb);
	if (!policy)
		cli_error(verb, "out of memory");
	return policy;
}

int policy_parse_options(int argc, char **argv, const char *verb,
			 const char **config, bool *json, bool *listen)
{
	struct cli_option options[] = {
		CLI_OPTION_CONFIG(config),
		CLI_OPTION_JSON(json),
		CLI_OPTION_FLAG("listen", 0, listen),
		CLI_OPTION_END,
	};

	/* Only explain has a role to ask about: show's table ends early. */
	if (!listen)
		options[2] = (struct cli_option)CLI_OPTION_END;
	options_first(argc, argv);
	return cli_parse_options(argc, argv, verb, options,
				 CLI_OPTIONS_STOP_AT_OPERAND, policy_usage);
}
