// SPDX-License-Identifier: BSD-3-Clause
/* The environment of a command run under the shim. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "envmerge.h"
#include "gomptcp.h"
#include "libpath.h"
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

int shimenv_export_config(const char *subcommand, const char *config)
{
	char abs[PATH_MAX];

	if (!config)
		return 0;
	/* The command may chdir; an absolute path still finds it. */
	if (!realpath(config, abs)) {
		cli_error(subcommand, "policy file '%s': %s", config,
			  strerror(errno));
		return -1;
	}
	return setenv("MPTCPSHIM_CONFIG", abs, 1);
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
	libpath_exec_helper_env(library);
	if (debug && setenv("MPTCPSHIM_LOG", "debug", 1))
		return -1;
	if (shimenv_export_config(subcommand, config) != 0)
		return -1;
	/* After MPTCPSHIM_CONFIG: Go gets what the shim would decide. */
	gomptcp_command_names(program, name_buf, sizeof(name_buf), names);
	/* A Go program in a Landlock domain that restricts TCP, or one
	 * that links a Landlock library (it may restrict itself, which no
	 * one sees): Go's own MPTCP would take it out of its sandbox. On the
	 * seccomp route (library NULL), a Go 1.21+ program must make plain
	 * TCP sockets for the supervisor to convert by the policy's rules. */
	return set_merged("GODEBUG",
			  envmerge_godebug(getenv("GODEBUG"),
					   !library ||
						   landlock_launcher_restricted() ||
						   gomptcp_go_sandboxes_itself(
							   program) ?
						   GOMPTCP_OFF :
						   gomptcp_for_program(names,
								       NULL)));
}
