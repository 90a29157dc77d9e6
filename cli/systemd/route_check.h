/* SPDX-License-Identifier: BSD-3-Clause */
/* Whether a unit's ExecStart is a program the preload drop-in can reach. */
#ifndef MPTCPSHIM_ROUTE_CHECK_H
#define MPTCPSHIM_ROUTE_CHECK_H

#include <stdbool.h>

#include "sd_context.h"

/*
 * The unit's ExecStart= programs and the route each gets. The preload
 * drop-in reaches a dynamic program and, through the library's exec hooks,
 * every static program it starts (a wrapper script needs nothing more). A
 * static or Go < 1.21 program systemd starts itself is started through
 * mptcpshim-exec: *exec_lines gets the drop-in's ExecStart= lines for
 * that (NULL: nothing to rewrite; free() it). CLI_OK, or CLI_CHECK_FAILED
 * after saying (stderr) why a line cannot be rewritten and how to wrap it
 * by hand. Programs that cannot be found are left to systemd to report.
 */
int sd_route_check(const struct sd *sd, char **exec_lines);

/*
 * Whether an ExecStart program is a Go program that links a Landlock
 * library (gomptcp_go_sandboxes_itself): enable gives it
 * GODEBUG=multipathtcp=0.
 */
bool sd_exec_go_landlock(const struct sd *sd);

#endif
