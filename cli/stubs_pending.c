// SPDX-License-Identifier: BSD-3-Clause
/* Placeholders replaced by their issues' modules; each exits 2 meanwhile. */
#include "cli.h"

#define PENDING(fn, name)                                                      \
	int fn(int argc, char **argv)                                          \
	{                                                                      \
		(void)argc;                                                    \
		(void)argv;                                                    \
		cli_error(name, "not available in this build yet");            \
		return CLI_USAGE;                                              \
	}

PENDING(cmd_policy, "policy")
PENDING(cmd_doctor, "doctor")
PENDING(cmd_env, "env")
PENDING(cmd_status, "status")

int cmd_enable(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("enable", "systemd drop-ins are not in this build yet; use "
			    "'mptcpshim env --systemd' lines by hand");
	return CLI_USAGE;
}

int cmd_disable(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("disable", "systemd drop-ins are not in this build yet");
	return CLI_USAGE;
}
