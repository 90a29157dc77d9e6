// SPDX-License-Identifier: BSD-3-Clause
/*
 * mptcpshim-exec: the seccomp route for a program started under the
 * library. The library's exec hooks exec this (from a path fixed at build
 * time) instead of a target it cannot reach; here the same decision `run`
 * makes is taken on the target, the route started (supervisor, filter),
 * and the target exec'd in this same process, so its parent, pid, session
 * and descriptors are what they would have been.
 *
 *   mptcpshim-exec -p PATH ARGV...   target by path (as execve takes it)
 *   mptcpshim-exec -f FD ARGV...     by descriptor (fexecve, execveat)
 *   mptcpshim-exec -F FD ARGV...     by a descriptor made for us: closed
 *                                    on the target's exec
 *
 * ARGV is the target's whole argv, argv[0] included (possibly empty). The
 * environment is the target's. Linked statically: it runs in containers
 * with nothing but a libc, no preloaded library is loaded into it (so its
 * own exec is never judged again), and it starts in a fraction of the time.
 * Quiet unless MPTCPSHIM_LOG=debug: its stderr is the program's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "gcov_flush.h"
#include "route.h"
#include "seccomp_filter.h"
#include "seccomp_launch.h"

extern char **environ;

static bool debug;

static void say(const char *fmt, const char *a, const char *b)
	__attribute__((format(printf, 1, 0)));

static void say(const char *fmt, const char *a, const char *b)
{
	if (!debug)
		return;
	fprintf(stderr, "mptcpshim-exec[%d]: ", (int)getpid());
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
}

/* Already under the route (an outer supervisor serves the whole tree). */
static bool routed_already(void)
{
	const char *r = getenv(ROUTE_ENV);

	return r && strcmp(r, "seccomp") == 0 &&
	       prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2;
}

/*
 * A program that gains privileges at exec (set-id bits, file
 * capabilities) must keep them: with no_new_privs it would not, so such a
 * target gets no route unless the filter needs no no_new_privs.
 */
static bool gains_privileges(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)))
		return true;
	return getxattr(path, "security.capability", NULL, 0) > 0;
}

static void start_route(const char *judged)
{
	static struct route_choice c;	/* two paths: not on the stack */
	enum seccomp_launch_result rc;
	char why[200];
	bool nnp;

	if (routed_already()) {
		say("%s: already under the seccomp route%s", judged, "");
		return;
	}
	route_choose(judged, ROUTE_AUTO, &c);
	say("%s: %s", judged, c.why);
	if (!c.seccomp)
		return;
	nnp = seccomp_filter_needs_nnp();
	if (nnp && gains_privileges(c.path)) {
		say("%s: gains privileges at exec; no_new_privs would take "
		    "them: no route%s", c.path, "");
		return;
	}
	rc = seccomp_launch(nnp, debug, -1, why, sizeof(why));
	if (rc == SECCOMP_LAUNCH_OK) {
		/* For the tree's later execs: one supervisor serves it. */
		setenv(ROUTE_ENV, "seccomp", 1);
		return;
	}
	if (rc == SECCOMP_LAUNCH_BROKEN) {
		/* socket() would fail with ENOSYS: do not run it so. */
		fprintf(stderr, "mptcpshim-exec: the seccomp route is broken: "
				"%s\n", why);
		exit(126);
	}
	say("%s: no seccomp route: %s (TCP)", c.path, why);
}

int main(int argc, char **argv)
{
	char judged[PATH_MAX];
	char **target_argv;
	int fd = -1, err;
	const char *log = secure_getenv("MPTCPSHIM_LOG");

	debug = log && strcmp(log, "debug") == 0;
	if (argc < 3 || argv[1][0] != '-' || !strchr("pfF", argv[1][1]) ||
	    argv[1][2]) {
		fprintf(stderr, "mptcpshim-exec: started by libmptcpshim.so "
				"only (see libmptcpshim(8))\n");
		return 127;
	}
	target_argv = argv + 3;
	if (argv[1][1] == 'p') {
		/* execve() takes a name without '/' from the cwd, not PATH. */
		snprintf(judged, sizeof(judged), "%s%s",
			 strchr(argv[2], '/') ? "" : "./", argv[2]);
	} else {
		fd = atoi(argv[2]);
		snprintf(judged, sizeof(judged), "/proc/self/fd/%d", fd);
	}
	start_route(judged);
	gcov_flush();	/* the exec ends this program's counters */
	if (argv[1][1] == 'p') {
		syscall(SYS_execve, argv[2], target_argv, environ);
	} else {
		if (argv[1][1] == 'F')
			fcntl(fd, F_SETFD, FD_CLOEXEC);
		syscall(SYS_execveat, fd, "", target_argv, environ,
			AT_EMPTY_PATH);
	}
	/* The library checked the target first: only a race gets here. */
	err = errno;
	fprintf(stderr, "mptcpshim-exec: %s: %s\n", argv[2], strerror(err));
	return err == ENOENT ? 127 : 126;
}
