/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one $PATH lookup of the CLI: which file execvp() runs for a command
 * name. The route choice, GODEBUG, doctor and "#!/usr/bin/env NAME" all
 * ask it, so that none can judge one binary while another runs.
 */
#ifndef MPTCPSHIM_CMDPATH_H
#define MPTCPSHIM_CMDPATH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * What execvp(name) runs, into out: name itself when it holds a '/', else
 * the first regular executable file name in $PATH (an empty entry is the
 * current directory; $PATH unset: the C library's default, confstr
 * _CS_PATH, as execvp uses). False when nothing executable is found.
 */
bool cmdpath_find(const char *name, char *out, size_t len);

#endif
