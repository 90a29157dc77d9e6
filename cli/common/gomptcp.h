/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Go programs make their own system calls, so the shim never sees their
 * sockets; Go 1.21+ reads GODEBUG=multipathtcp=N instead. This turns what
 * the policy decides for a program into that N, for `run`, `env` and
 * `enable`, and tells `doctor` what a Go program will miss.
 */
#ifndef MPTCPSHIM_GOMPTCP_H
#define MPTCPSHIM_GOMPTCP_H

#include <stdbool.h>

#include "policy.h"

/* Go's values: off, dial and listen, listen only, dial only. */
enum gomptcp_value {
	GOMPTCP_OFF = 0,
	GOMPTCP_BOTH = 1,
	GOMPTCP_LISTEN = 2,
	GOMPTCP_DIAL = 3,
};

/* The value for a resolved view: from connect/listen and whether the
 * program is converted at all (mode, enabled). */
enum gomptcp_value gomptcp_for_view(const struct policy_view *view);

/*
 * Loads the policy as the shim would (system file, apps.d, user file,
 * $MPTCPSHIM_CONFIG) for the program known by the NULL-terminated names
 * and returns its value. names NULL: a value for every program (`env`
 * without PROGRAM), from the global connect and listen keys alone, since
 * mode = listed must not turn it off for the listed programs. With
 * per_destination non-NULL, also whether the program has include,
 * exclude or ports rules (Go cannot follow them). Problems in the files
 * are not printed (`policy check` does); out of memory gives the
 * built-in defaults' value.
 */
enum gomptcp_value gomptcp_for_program(const char *const *names,
				       bool *per_destination);

/*
 * The names the shim would know the command by: the basename of the
 * executable execvp() finds for cmd (symlinks resolved) and the basename
 * of cmd itself. Fills names[0..2] (NULL-terminated) from buf.
 */
void gomptcp_command_names(const char *cmd, char *buf, unsigned len,
			   const char *names[3]);

/*
 * What of the view GODEBUG=multipathtcp cannot say for a Go 1.21+ program
 * (one value per program and role): NULL when nothing, else the rules it
 * would lose, as a phrase ("its destination and port rules", "its
 * per-option modes"). run then takes the seccomp route instead, where the
 * supervisor applies them; policy explain says so.
 */
const char *gomptcp_unexpressible(const struct policy_view *view);

/* The view of the program known by names, loaded as the shim would
 * (gomptcp_for_program's sources); policy_free(*policy) afterwards. */
void gomptcp_load_view(const char *const *names, struct policy **policy,
		       struct policy_view *view);

/*
 * Whether the program execvp() would find for cmd is a Go program that
 * links a Landlock library (elf_facts.go_landlock). Go >= 1.21 makes its
 * sockets itself: with GODEBUG=multipathtcp they are MPTCP, which the
 * kernel's Landlock TCP rules do not restrict, and no library or
 * supervisor sees the program restrict itself. Such a program gets
 * GOMPTCP_OFF from run, env and enable.
 */
bool gomptcp_go_sandboxes_itself(const char *cmd);

#endif
