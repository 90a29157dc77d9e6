// SPDX-License-Identifier: BSD-3-Clause
/*
 * Entry point: picks the subcommand, or the mptcpize personality when
 * invoked under that name so that existing scripts keep working.
 */
#include <stdio.h>
#include <string.h>

#include "build_config.h"
#include "cli.h"
#include "output.h"

#define N_OF(table) (sizeof(table) / sizeof((table)[0]))

static const struct cli_command commands[] = {
	{ "run", cmd_run, "run a command with MPTCP (the shim preloaded)" },
	{ "policy", cmd_policy, "check, explain or show the policy" },
	{ "mib", cmd_mib, "MPTCP counters, with --explain for reasons" },
	{ "endpoints", cmd_endpoints, "path-manager endpoints and limits" },
	{ "doctor", cmd_doctor, "why MPTCP or the shim may not take effect" },
	{ "enable", cmd_enable, "add the shim to a systemd unit (drop-in)" },
	{ "disable", cmd_disable, "remove the shim's drop-in from a unit" },
	{ "status", cmd_status, "whether a unit runs with the shim" },
	{ "env", cmd_env, "print the lines that activate the shim" },
};

/* What mptcpd's mptcpize offers, under the same names. */
static const struct cli_command mptcpize_commands[] = {
	{ "run", cmd_run, NULL },
	{ "enable", cmd_enable, NULL },
	{ "disable", cmd_disable, NULL },
};

static void usage(FILE *out)
{
	out_usage(out,
		  "Usage: mptcpshim [--help|--version] COMMAND [ARGS...]\n"
		  "Give unmodified programs Multipath TCP.\n\nCommands:\n");
	for (size_t i = 0; i < N_OF(commands); i++)
		out_usage(out, "  %-10s %s\n", commands[i].name,
			  commands[i].summary);
	out_usage(out, "\n'mptcpshim COMMAND --help' describes one command.\n"
		       "Exit status: 0 ok, 1 a check failed, 2 usage or "
		       "configuration error;\n'run' exits with the command's "
		       "status.\n");
}

static void mptcpize_usage(FILE *out)
{
	out_usage(out, "Usage: mptcpize run [-d] CMD [ARGS...]\n"
		       "       mptcpize enable|disable UNIT\n"
		       "mptcpshim's compatibility entry point for mptcpd's "
		       "mptcpize; see mptcpshim(1).\n");
}

static int mptcpize_main(int argc, char **argv)
{
	const struct cli_command *cmd;

	cli_program = "mptcpize";
	if (argc < 2 || cli_is_help(argv[1])) {
		mptcpize_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	cmd = cli_find_command(mptcpize_commands, N_OF(mptcpize_commands),
			       argv[1]);
	if (cmd)
		return cmd->fn(argc - 1, argv + 1);
	cli_error(NULL, "unknown command '%s'", argv[1]);
	mptcpize_usage(stderr);
	return CLI_USAGE;
}

static int version(void)
{
	struct out *out = out_new(stdout, false);

	if (!out)
		return CLI_CHECK_FAILED;
	out_text(out, "mptcpshim %s\n", MPTCPSHIM_VERSION);
	out_end(out);
	return CLI_OK;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	const struct cli_command *cmd;

	base = base ? base + 1 : argv[0];
	if (strcmp(base, "mptcpize") == 0)
		return mptcpize_main(argc, argv);

	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		return version();
	}
	cmd = cli_find_command(commands, N_OF(commands), argv[1]);
	if (cmd)
		return cmd->fn(argc - 1, argv + 1);
	cli_error(NULL, "unknown command '%s' (try 'mptcpshim --help')",
		  argv[1]);
	return CLI_USAGE;
}
