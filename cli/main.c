// SPDX-License-Identifier: BSD-3-Clause
/*
 * Entry point: picks the subcommand, or the mptcpize personality when
 * invoked under that name so that existing scripts keep working.
 */
#include <stdio.h>
#include <string.h>

#include "build_config.h"
#include "cli.h"

static const struct {
	const char *name;
	cli_command_fn fn;
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "run a command with MPTCP (the shim preloaded)" },
	{ "policy", cmd_policy, "check, explain or show the policy" },
	{ "mib", cmd_mib, "MPTCP counters, with --explain for reasons" },
	{ "endpoints", cmd_endpoints, "path-manager endpoints and limits" },
	{ "doctor", cmd_doctor, "why MPTCP or the shim may not take effect" },
	{ "enable", cmd_enable, "add the shim to a systemd unit (drop-in)" },
	{ "disable", cmd_disable, "remove the shim's drop-in from a unit" },
	{ "status", cmd_status, "whether a unit runs with the shim" },
	{ "env", cmd_env, "print the lines that activate the shim" },
	{ "conns", cmd_conns, "MPTCP connections and subflows per process" },
	{ "top", cmd_top, "conns, live: per-subflow and interface throughput" },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: mptcpshim [--help|--version] COMMAND [ARGS...]\n"
		"Give unmodified programs Multipath TCP.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\n'mptcpshim COMMAND --help' describes one command.\n"
		     "Exit status: 0 ok, 1 a check failed, 2 usage or "
		     "configuration error;\n'run' exits with the command's "
		     "status.\n");
}

static void mptcpize_usage(FILE *out)
{
	fprintf(out, "Usage: mptcpize run [-d] CMD [ARGS...]\n"
		     "       mptcpize enable|disable UNIT\n"
		     "mptcpshim's compatibility entry point for mptcpd's "
		     "mptcpize; see mptcpshim(1).\n");
}

static int mptcpize_main(int argc, char **argv)
{
	cli_program = "mptcpize";
	if (argc < 2 || cli_is_help(argv[1])) {
		mptcpize_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "enable") == 0)
		return cmd_enable(argc - 1, argv + 1);
	if (strcmp(argv[1], "disable") == 0)
		return cmd_disable(argc - 1, argv + 1);
	cli_error(NULL, "unknown command '%s'", argv[1]);
	mptcpize_usage(stderr);
	return CLI_USAGE;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');

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
		printf("mptcpshim %s\n", MPTCPSHIM_VERSION);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	cli_error(NULL, "unknown command '%s' (try 'mptcpshim --help')",
		  argv[1]);
	return CLI_USAGE;
}
