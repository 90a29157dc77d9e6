// SPDX-License-Identifier: BSD-3-Clause
/* What every subcommand shares: errors, option parsing, dispatch. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"
#include "system_log.h"

const char *cli_program = "mptcpshim";

static bool keep_off_sockets;

void cli_error_keep_off_sockets(void)
{
	keep_off_sockets = true;
}

/* Under `run`, whether fd 2 cannot take a line: a socket (an inetd-style
 * service's connection) or closed. */
static bool stderr_refused(void)
{
	struct stat st;

	return keep_off_sockets &&
	       (fstat(STDERR_FILENO, &st) != 0 || !system_log_stderr_kind(&st));
}

/* The line for the system log: one record, no control bytes. */
static void to_system_log(const char *subcommand, const char *text)
{
	static const struct system_log_calls libc_calls = {
		.socket = socket, .sendto = sendto, .close = close,
	};
	char line[512];

	snprintf(line, sizeof(line), "%s%s%s: %s", cli_program,
		 subcommand ? " " : "", subcommand ? subcommand : "", text);
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	system_log_write(&libc_calls, 4, line);
}

FILE *cli_report_begin(struct cli_report *r)
{
	memset(r, 0, sizeof(*r));
	if (!stderr_refused())
		return r->fp = stderr;
	return r->fp = open_memstream(&r->text, &r->len);
}

int cli_report_end(struct cli_report *r, const char *subcommand)
{
	char *line, *save = NULL;

	if (!r->fp || r->fp == stderr)
		return r->fp ? 0 : -1;
	if (fclose(r->fp) != 0) {
		free(r->text);
		return -1;
	}
	for (line = strtok_r(r->text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		to_system_log(subcommand, line);
	free(r->text);
	return 0;
}

void cli_error(const char *subcommand, const char *fmt, ...)
{
	char *text = NULL, *line = NULL;
	int saved = errno;	/* callers read it after the message */
	size_t len = 0;
	va_list ap;
	FILE *mem;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n >= 0 && stderr_refused()) {
		to_system_log(subcommand, text);
		free(text);
		errno = saved;
		return;
	}
	/* The whole line, then one write that cannot raise SIGPIPE: `run`
	 * must not die before it starts the program because nobody reads
	 * its stderr any more. */
	mem = open_memstream(&line, &len);
	if (mem) {
		if (subcommand)
			fprintf(mem, "%s %s: ", cli_program, subcommand);
		else
			fprintf(mem, "%s: ", cli_program);
		/* Messages quote names from files and the command line. */
		if (n >= 0)
			out_safe_text(mem, text, true);
		fputc('\n', mem);
		if (fclose(mem) == 0 && !system_log_stderr_write(line, len) &&
		    errno == EPIPE && keep_off_sockets && n >= 0)
			to_system_log(subcommand, text);
	}
	free(line);
	free(text);
	errno = saved;
}

bool cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

const struct cli_command *cli_find_command(const struct cli_command *table,
					   size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

int cli_dispatch(const struct cli_command *table, size_t n, int argc,
		 char **argv, const char *subcommand, const char *what,
		 void (*usage)(FILE *))
{
	const struct cli_command *cmd;

	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	cmd = cli_find_command(table, n, argv[1]);
	if (cmd)
		return cmd->fn(argc - 1, argv + 1);
	cli_error(subcommand, "unknown %s '%s'", what, argv[1]);
	usage(stderr);
	return CLI_USAGE;
}

#define CLI_MAX_OPTIONS 16

static bool takes_argument(const struct cli_option *o)
{
	return o->value || o->take;
}

int cli_parse_options(int argc, char **argv, const char *subcommand,
		      const struct cli_option *options, unsigned flags,
		      void (*usage)(FILE *))
{
	struct option longopts[CLI_MAX_OPTIONS + 2];
	/* Which table entry each long option is (short-only ones have none). */
	size_t entry[CLI_MAX_OPTIONS];
	/* ':' first: a missing argument is ':', told apart from '?'. */
	char shortopts[3 + 2 * CLI_MAX_OPTIONS + 2];
	size_t n = 0, nlong = 0, s = 0;
	int c, index;

	if (flags & CLI_OPTIONS_STOP_AT_OPERAND)
		shortopts[s++] = '+';
	shortopts[s++] = ':';
	for (; n < CLI_MAX_OPTIONS && (options[n].name || options[n].letter);
	     n++) {
		if (options[n].name) {
			entry[nlong] = n;
			longopts[nlong++] = (struct option){
				options[n].name,
				takes_argument(&options[n]) ? required_argument
							    : no_argument,
				NULL, 0,
			};
		}
		if (options[n].letter) {
			shortopts[s++] = options[n].letter;
			if (takes_argument(&options[n]))
				shortopts[s++] = ':';
		}
	}
	longopts[nlong] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[nlong + 1] = (struct option){ NULL, 0, NULL, 0 };
	shortopts[s++] = 'h';
	shortopts[s] = '\0';

	/* 0, not 1: glibc then also rereads the ordering ('+') of this
	 * optstring, which matters when one process parses twice. */
	optind = 0;
	opterr = 0;
	while ((index = -1, c = getopt_long(argc, argv, shortopts, longopts,
					     &index)) != -1) {
		const struct cli_option *o = NULL;

		if (c == 'h') {
			usage(stdout);
			return CLI_OK;
		}
		if (c == 0 && index >= 0 && (size_t)index < nlong)
			o = &options[entry[index]];
		for (size_t i = 0; !o && c > 0 && i < n; i++)
			if (c == options[i].letter && c != '?' && c != ':')
				o = &options[i];
		if (!o) {
			char letter[3] = { '-', (char)optopt, '\0' };
			/* optopt names a short option even inside "-jx". */
			const char *what = optopt > 0 ? letter :
						       argv[optind - 1];

			cli_error(subcommand, c == ':' ?
				  "option '%s' needs an argument" :
				  "unknown option '%s'", what);
			usage(stderr);
			return CLI_USAGE;
		}
		if (o->flag)
			*o->flag = true;
		if (o->value)
			*o->value = optarg;
		if (o->take && o->take(subcommand, optarg, o->to) != 0)
			return CLI_USAGE;
	}
	if ((flags & CLI_OPTIONS_NO_OPERANDS) && optind < argc) {
		cli_error(subcommand, "unexpected argument '%s'", argv[optind]);
		return CLI_USAGE;
	}
	return -1;
}

int cli_parse_json_only(int argc, char **argv, const char *subcommand,
			void (*usage)(FILE *), bool *json)
{
	const struct cli_option options[] = {
		CLI_OPTION_JSON(json),
		CLI_OPTION_END,
	};

	*json = false;
	return cli_parse_options(argc, argv, subcommand, options,
				 CLI_OPTIONS_STOP_AT_OPERAND, usage);
}

int cli_exit_code(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return 1;
}

int cli_take_seconds(const char *subcommand, const char *arg, void *to)
{
	double *v = to;
	char *end;

	errno = 0;
	*v = strtod(arg, &end);
	if (errno || end == arg || *end || !(*v >= 0) || *v > 3600) {
		cli_error(subcommand, "argument \"%s\" is wrong: seconds from "
				      "0 to 3600 expected", arg);
		return -1;
	}
	return 0;
}
