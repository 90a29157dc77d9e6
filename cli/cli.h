/* SPDX-License-Identifier: BSD-3-Clause */
/* What every subcommand shares: its entry point shape and error printing. */
#ifndef MPTCPSHIM_CLI_H
#define MPTCPSHIM_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes of the contract (DESIGN.md). */
enum {
	CLI_OK = 0,
	CLI_CHECK_FAILED = 1,	/* a check failed, or something not found */
	CLI_USAGE = 2,		/* bad usage or configuration */
};

/* argv[0] is the subcommand name; returns the process exit code. */
typedef int (*cli_command_fn)(int argc, char **argv);

/* The name errors are prefixed with: "mptcpshim" or "mptcpize". */
extern const char *cli_program;

/* "PROGRAM SUBCOMMAND: message" on stderr. */
void cli_error(const char *subcommand, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* True if arg is -h or --help. */
bool cli_is_help(const char *arg);

/*
 * Parses the options of a command that takes only -j/--json and -h/--help,
 * stopping at the first operand (so a CMD's own options stay its own).
 * Returns -1 to go on (operands start at optind), else the exit code
 * after printing help or the error.
 */
int cli_parse_json_only(int argc, char **argv, const char *subcommand,
			void (*usage)(FILE *), bool *json);

int cmd_run(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_mib(int argc, char **argv);
int cmd_endpoints(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_enable(int argc, char **argv);
int cmd_disable(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_env(int argc, char **argv);
int cmd_conns(int argc, char **argv);
int cmd_top(int argc, char **argv);

#endif
