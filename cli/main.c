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
	{ "cdi", cmd_cdi, "write the CDI spec: MPTCP for any container image" },
	{ "conns", cmd_conns, "MPTCP connections and subflows per process" },
	{ "top", cmd_top, "conns, live: per-subflow and interface throughput" },
	{ "metrics", cmd_metrics, "Prometheus metrics (stdout or a textfile)" },
	{ "check", cmd_check, "does a server speak MPTCP; subflows, RTT" },
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
	cli_program = "mptcpize";
	return cli_dispatch(mptcpize_commands, N_OF(mptcpize_commands), argc,
			    argv, NULL, "command", mptcpize_usage);
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

	base = base ? base + 1 : argv[0];
	if (strcmp(base, "mptcpize") == 0)
		return mptcpize_main(argc, argv);
	if (argc >= 2 && (strcmp(argv[1], "--version") == 0 ||
			  strcmp(argv[1], "version") == 0))
		return version();
	return cli_dispatch(commands, N_OF(commands), argc, argv, NULL,
			    "command", usage);
}
