/* SPDX-License-Identifier: BSD-3-Clause */
/* What every subcommand shares: its entry point shape, error printing,
 * option parsing and dispatch tables. */
#ifndef MPTCPSHIM_CLI_H
#define MPTCPSHIM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>	/* optind, for cli_parse_options() callers */

/* The exit codes every command keeps (mptcpshim(1), EXIT STATUS). */
enum {
	CLI_OK = 0,
	CLI_CHECK_FAILED = 1,	/* a check failed, or something not found */
	CLI_USAGE = 2,		/* bad usage or configuration */
	/* Commands that run a CMD, as shells do: */
	CLI_CANNOT_RUN = 126,	/* CMD found but not run (or no route) */
	CLI_NOT_FOUND = 127,	/* CMD (or the library) not found */
};

/* The shell convention for a command's wait status: its exit code, or
 * 128+N after signal N. */
int cli_exit_code(int wait_status);

/* argv[0] is the subcommand name; returns the process exit code. */
typedef int (*cli_command_fn)(int argc, char **argv);

/* The name errors are prefixed with: "mptcpshim" or "mptcpize". */
extern const char *cli_program;

/* "PROGRAM SUBCOMMAND: message" on stderr. */
void cli_error(const char *subcommand, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * From now on, a cli_error() line that fd 2 cannot take as a stream (a
 * socket, or closed) goes to the system log instead (system_log.h). `run`
 * calls it: it stands in front of the program on the program's fd 2, which
 * in an inetd-style service (xinetd, socat EXEC, systemd Accept=yes) is
 * the client's connection: a line there would reach the peer ahead of the
 * program's own bytes.
 */
void cli_error_keep_off_sockets(void);

/*
 * A report meant for stderr (run --stats, --events): stderr itself, or,
 * after cli_error_keep_off_sockets() while fd 2 cannot take lines, a
 * memory stream that cli_report_end() sends to the system log, a line at
 * a time. NULL if no stream could be made. cli_report_end() returns 0 or
 * -1 (the stream could not be written).
 */
struct cli_report {
	FILE *fp;
	char *text;
	size_t len;
};
FILE *cli_report_begin(struct cli_report *r);
int cli_report_end(struct cli_report *r, const char *subcommand);

/* True if arg is -h or --help. */
bool cli_is_help(const char *arg);

/* One subcommand (or verb) of a dispatch table. */
struct cli_command {
	const char *name;
	cli_command_fn fn;
	const char *summary;	/* for the usage text; may be NULL */
};

/* The entry of table (n entries) called name, or NULL. Exact match only
 * (no prefixes, which would change meaning as commands are added). */
const struct cli_command *cli_find_command(const struct cli_command *table,
					   size_t n, const char *name);

/*
 * Runs the entry of table (n entries) named argv[1], with argv + 1. No
 * name: usage to stderr, CLI_USAGE; -h, --help or help: usage to stdout,
 * CLI_OK; a name not in the table: "unknown WHAT 'NAME'" and usage on
 * stderr, CLI_USAGE.
 */
int cli_dispatch(const struct cli_command *table, size_t n, int argc,
		 char **argv, const char *subcommand, const char *what,
		 void (*usage)(FILE *));

/*
 * One option of a command for cli_parse_options(): a flag (flag set: made
 * true when given), an option with an argument (value set: the argument
 * is stored there), or one whose argument must be checked or may repeat
 * (take set: called with it, and to, as each comes, in order; it reports
 * a bad argument by cli_error() and returns nonzero, which ends the parse
 * with CLI_USAGE and no usage text). letter 0: long form only; name NULL
 * with a letter: short form only. -h/--help is always known.
 */
struct cli_option {
	const char *name;	/* long name, without "--" */
	char letter;
	bool *flag;
	const char **value;
	int (*take)(const char *subcommand, const char *arg, void *to);
	void *to;
};

/* Table entries; designated, so that a new field needs no edits here. */
#define CLI_OPTION_FLAG(n, l, p) { .name = (n), .letter = (l), .flag = (p) }
#define CLI_OPTION_VALUE(n, l, p) { .name = (n), .letter = (l), .value = (p) }
#define CLI_OPTION_TAKE(n, l, fn, p) \
	{ .name = (n), .letter = (l), .take = (fn), .to = (p) }

/* The options several commands share, spelled the same everywhere. */
#define CLI_OPTION_JSON(p) CLI_OPTION_FLAG("json", 'j', (p))
#define CLI_OPTION_CONFIG(p) CLI_OPTION_VALUE("config", 'c', (p))
#define CLI_OPTION_END { .name = NULL }

/* cli_parse_options() flags. */
enum {
	/* Stop at the first operand, so that a CMD's own options stay its
	 * own; without it options may follow operands (GNU order). */
	CLI_OPTIONS_STOP_AT_OPERAND = 1,
	/* The command takes no operands: one is "unexpected argument"
	 * (CLI_USAGE, no usage text). */
	CLI_OPTIONS_NO_OPERANDS = 2,
};

/*
 * Parses argv's options by the table (ended by CLI_OPTION_END; at most 16
 * entries, -h/--help not counted). Returns -1
 * to go on (operands start at optind), else the exit code after printing
 * usage to stdout for -h/--help (CLI_OK) or the error and usage to stderr
 * for an unknown option or a missing argument (CLI_USAGE).
 */
int cli_parse_options(int argc, char **argv, const char *subcommand,
		      const struct cli_option *options, unsigned flags,
		      void (*usage)(FILE *));

/* A take function (CLI_OPTION_TAKE) for a number of seconds from 0 to
 * 3600 (fractions allowed) into the double at to. */
int cli_take_seconds(const char *subcommand, const char *arg, void *to);

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
int cmd_cdi(int argc, char **argv);
int cmd_conns(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif
