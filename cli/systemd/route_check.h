/* SPDX-License-Identifier: BSD-3-Clause */
/* Whether a unit's ExecStart is a program the preload drop-in can reach. */
#ifndef MPTCPSHIM_ROUTE_CHECK_H
#define MPTCPSHIM_ROUTE_CHECK_H

#include <stdbool.h>

#include "sd_context.h"

/*
 * CLI_OK, or CLI_CHECK_FAILED after saying (stderr) that an ExecStart
 * program is one only the seccomp route reaches (static, Go < 1.21), and
 * how to wrap it: ExecStart=mptcpshim run -- PROGRAM ARGS...
 * Programs that cannot be found are left to systemd to report.
 */
int sd_route_check(const struct sd *sd);

/*
 * Whether an ExecStart program is a Go program that links a Landlock
 * library (gomptcp_go_sandboxes_itself): enable gives it
 * GODEBUG=multipathtcp=0.
 */
bool sd_exec_go_landlock(const struct sd *sd);

#endif
