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

