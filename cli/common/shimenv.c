// SPDX-License-Identifier: BSD-3-Clause
/* The environment of a command run under the shim. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "envmerge.h"
#include "gomptcp.h"
#include "seccomp_landlock.h"
#include "shimenv.h"

static int set_merged(const char *name, char *value)
{
	int rc;

	if (!value)
		return -1;
	rc = setenv(name, value, 1);
	free(value);
	return rc;
}

int shimenv_apply(const char *subcommand, bool debug, const char *config,
		  const char *program, const char *library)
{
	const char *names[3];
	char name_buf[NAME_MAX + 1];

	/* library NULL: the seccomp route, which preloads nothing. */
	if (library && set_merged("LD_PRELOAD",
				  envmerge_preload(getenv("LD_PRELOAD"),
						   library)))
		return -1;
	if (debug && setenv("MPTCPSHIM_LOG", "debug", 1))
		return -1;
	if (config) {
		char abs[PATH_MAX];

		/* The command may chdir; an absolute path still finds it. */
		if (!realpath(config, abs)) {
			cli_error(subcommand, "policy file '%s': %s", config,
				  strerror(errno));
			return -1;
		}
		if (setenv("MPTCPSHIM_CONFIG", abs, 1))
			return -1;
	}
	/* After MPTCPSHIM_CONFIG: Go gets what the shim would decide. */
	gomptcp_command_names(program, name_buf, sizeof(name_buf), names);
	/* A Go program in a Landlock domain that restricts TCP: Go's own
	 * MPTCP would take it out of its sandbox too. */
	return set_merged("GODEBUG",
			  envmerge_godebug(getenv("GODEBUG"),
					   landlock_launcher_restricted() ?
						   GOMPTCP_OFF :
						   gomptcp_for_program(names,
								       NULL)));
}
