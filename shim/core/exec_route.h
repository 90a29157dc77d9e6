/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The seccomp route follows exec: a program this process starts that the
 * library cannot reach (a static binary, Go) is started through the
 * launcher (mptcpshim-exec, at a path fixed at build time), which puts it
 * under the route and execs it in the same process.
 *
 * Everything here may run in a vfork child or between fork and exec of a
 * threaded program: no allocation, no locks, no stdio; only system calls
 * and the caller's stack. The check reads the ELF header and program
 * headers (one pread of the first KiB), and a PT_NOTE when it lies beyond.
 */
#ifndef MPTCPSHIM_EXEC_ROUTE_H
#define MPTCPSHIM_EXEC_ROUTE_H

#include <limits.h>
#include <stdbool.h>

/* What the launcher is told: the target by path, or by descriptor. */
enum shim_exec_by {
	SHIM_EXEC_BY_PATH = 'p',	/* target: a path */
	SHIM_EXEC_BY_FD = 'f',		/* target: an fd the program had */
	SHIM_EXEC_BY_OWN_FD = 'F',	/* an fd made for the launcher: it is
					 * closed on the launcher's exec */
};

struct shim_exec_plan {
	enum shim_exec_by by;
	const char *path;		/* SHIM_EXEC_BY_PATH */
	int fd;				/* the other two */
	char arg[16];			/* the fd as text */
	char found[PATH_MAX];		/* a PATH search's result */
};

/*
 * Whether the file at path (relative to dirfd; nofollow: O_NOFOLLOW) needs
 * the launcher: it exists, the kernel would exec it (a regular file,
 * executable for us, not on a noexec mount, not set-id) and it is a static
 * native ELF, a Go program, or a "#!" script whose interpreter is one.
 * script (optional) says whether the file itself is a script. Any doubt:
 * false, and the program is exec'd as it is.
 */
bool shim_exec_needs_route(int dirfd, const char *path, bool nofollow,
			   bool *script);

/* The same for an open file (fexecve, execveat with AT_EMPTY_PATH). */
bool shim_exec_fd_needs_route(int fd, bool *script);

/*
 * execvp()'s search over the caller's PATH, as glibc does it: the first
 * candidate that exists and may be executed is the one the kernel runs.
 * Returns true with plan->found set when that file needs the route.
 */
bool shim_exec_search(const char *file, struct shim_exec_plan *plan);

/*
 * Whether the route is wanted at all: not disabled (MPTCPSHIM_DISABLE),
 * the launcher present, and this process not already under the route (its
 * supervisor serves every descendant: one per tree).
 */
bool shim_exec_route_wanted(void);

/* The launcher's path: fixed at build time; MPTCPSHIM_EXEC_HELPER may
 * replace it only without AT_SECURE (tests, a build tree). */
const char *shim_exec_helper(void);

/*
 * execve()s the launcher for the plan with argv and envp. Returns only on
 * failure (errno clobbered): the caller then execs the target itself, so
 * the program sees the target's own error.
 */
void shim_exec_launch(struct shim_exec_plan *plan, char *const argv[],
		      char *const envp[]);

/*
 * The launcher's argv for the plan, for posix_spawn: in buf when it fits
 * (n pointers), else in an mmap'ed block. Returns NULL on failure; release
 * with shim_exec_argv_free().
 */
char **shim_exec_argv(struct shim_exec_plan *plan, char *const argv[],
		      char **buf, unsigned n);
void shim_exec_argv_free(char **made, char **buf);

#endif
