/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which route reaches a program's sockets: the preload library (the
 * dynamic loader runs it), or the seccomp route (static binaries and Go
 * built before 1.21, which make their own system calls). Decided from the
 * ELF file, as doctor reads it; shared by run, doctor, enable and policy
 * explain so that they all give the same answer.
 */
#ifndef MPTCPSHIM_ROUTE_H
#define MPTCPSHIM_ROUTE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

enum route_request { ROUTE_AUTO = 0, ROUTE_PRELOAD, ROUTE_SECCOMP };

/* Set to "seccomp" for the programs of a seccomp-route run, so that a run
 * inside it (which cannot install a second listener) knows the outer
 * supervisor serves it. */
#define ROUTE_ENV "MPTCPSHIM_ROUTE"

struct route_choice {
	bool seccomp;		/* else the preload library */
	bool forced;		/* --route said so */
	char path[PATH_MAX];	/* the ELF file that runs ("" if unknown) */
	char why[PATH_MAX + 256];	/* one sentence for run -d and doctor */
	int done_fd[2];		/* --stats: EOF when the supervisor is gone */
};

/* "auto" | "preload" | "seccomp"; returns 0, or -1 for anything else. */
int route_parse(const char *text, enum route_request *req);

/*
 * Chooses the route for command (a name looked up in PATH like execvp, or
 * a path); a "#!" script is judged by its interpreter. A command that
 * cannot be inspected gets the preload library (the exec then reports
 * what is wrong).
 */
void route_choose(const char *command, enum route_request req,
		  struct route_choice *c);
/*
 * The same, judging a Go 1.21+ program by view (NULL: the program's view
 * from the files the shim reads): GODEBUG=multipathtcp reaches it unless
 * the view has rules GODEBUG cannot express (gomptcp_unexpressible), which
 * only the seccomp route applies.
 */
struct policy_view;
void route_choose_with(const char *command, enum route_request req,
		       const struct policy_view *view,
		       struct route_choice *c);
/* The decision for a Go program of version go_version ("" unknown). */
void route_judge_go(const char *path, const char *go_version,
		    const struct policy_view *view, struct route_choice *c);

/*
 * In the process about to exec the program: with the seccomp route,
 * starts the supervisor and installs the filter. -d says which route and
 * why, and whether no_new_privs was set. Returns -1 to go on and exec,
 * or the exit status to end with (126: the route was forced, or is
 * broken, and cannot run). A route that cannot start under --route=auto
 * is a warning, and the program runs as it is.
 */
int route_start(const struct route_choice *c, bool debug);

/*
 * --stats with the seccomp route: the supervisor writes a socket's record
 * just after the task has it, so the report waits for the supervisor to
 * finish (1 s at most, for programs that leave a daemon behind). Call
 * begin before forking the command, end after reaping it; both are no-ops
 * for the preload route.
 */
void route_stats_begin(struct route_choice *c);
void route_stats_end(struct route_choice *c);

/* What the seccomp route cannot do that the library does, one line each
 * (NULL-terminated); for policy explain, doctor and the man page. */
extern const char *const route_seccomp_limits[];

#endif
