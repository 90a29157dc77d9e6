// SPDX-License-Identifier: BSD-3-Clause
/*
 * `mptcpshim policy check|explain|show|compile`: the CLI face of the
 * policy module. This file dispatches the verbs; cmd_policy_check.c,
 * cmd_policy_explain.c, cmd_policy_show.c and cmd_policy_compile.c are the
 * verbs, policy_verbs.c what they share.
 */
#include "cli.h"
#include "policy_verbs.h"

static const struct cli_command verbs[] = {
	{ "check", policy_check_cmd, NULL },
	{ "explain", policy_explain_cmd, NULL },
	{ "show", policy_show_cmd, NULL },
	{ "compile", policy_compile_cmd, NULL },
};

int cmd_policy(int argc, char **argv)
{
	return cli_dispatch(verbs, sizeof(verbs) / sizeof(verbs[0]), argc,
			    argv, "policy", "verb", policy_usage);
}
