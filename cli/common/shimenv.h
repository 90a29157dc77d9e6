/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The environment a command gets to run under the shim, for every command
 * that starts one (`run`, `conns CMD`), so that they cannot differ.
 */
#ifndef MPTCPSHIM_SHIMENV_H
#define MPTCPSHIM_SHIMENV_H

#include <stdbool.h>

/*
 * Sets this process's LD_PRELOAD (library appended; library NULL, the
 * seccomp route, leaves it alone), MPTCPSHIM_LOG=debug if debug,
 * MPTCPSHIM_CONFIG (config made absolute: the command may chdir) and
 * GODEBUG as the policy decides for program. Returns 0, or -1 (a bad
 * config is reported under subcommand's name).
 */
int shimenv_apply(const char *subcommand, bool debug, const char *config,
		  const char *program, const char *library);

/* Exports config (--config) as MPTCPSHIM_CONFIG, absolute; 0, or -1
 * after saying why. shimenv_apply() does it too; the route of a Go 1.21+
 * program depends on the policy, so run does it before choosing. */
int shimenv_export_config(const char *subcommand, const char *config);

#endif
