// SPDX-License-Identifier: BSD-3-Clause
/* Error printing shared by every subcommand. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *cli_program = "mptcpshim";

void cli_error(const char *subcommand, const char *fmt, ...)
{
	va_list ap;

	if (subcommand)
		fprintf(stderr, "%s %s: ", cli_program, subcommand);
	else
		fprintf(stderr, "%s: ", cli_program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int cli_parse_json_only(int argc, char **argv, const char *subcommand,
			void (*usage)(FILE *), bool *json)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*json = false;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = true;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			cli_error(subcommand, "unknown option '%s'",
				  argv[optind - 1]);
			usage(stderr);
			return CLI_USAGE;
		}
	}
	return -1;
}
