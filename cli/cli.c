// SPDX-License-Identifier: BSD-3-Clause
/* Error printing shared by every subcommand. */
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
