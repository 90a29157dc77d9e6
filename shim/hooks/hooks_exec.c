// SPDX-License-Identifier: BSD-3-Clause
/*
 * Every way a program starts another: the execve family, fexecve and
 * execveat, and posix_spawn (glibc's execl*, execv*, system() and popen()
 * reach the kernel through internal calls no preload sees, so each entry
 * point is hooked itself; system() and popen() run /bin/sh, whose own
 * execve() is hooked). A target the library cannot reach is started
 * through the launcher (exec_route.h); everything else goes on unchanged.
 *
 * These run in vfork children and between fork and exec of threaded
 * programs: only the caller's stack and system calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec_route.h"
#include "raw_syscall.h"
#include "real.h"

extern char **environ;

/*
 * libc declares these paths nonnull, so the compiler would drop our NULL
 * tests; a program may still pass NULL, and must get the kernel's EFAULT
 * (from the real call), not a crash in here.
 */
#define MAYBE_NULL(p)                                                          \
	({                                                                     \
		__typeof__(p) p_ = (p);                                        \
		__asm__("" : "+r"(p_));                                        \
		p_;                                                            \
	})
extern int execveat(int, const char *, char *const[], char *const[], int);

/* The plan's buffers stay off the common path's stack: a fork child
 * pays a page fault for every stack page it writes. */
static __attribute__((noinline)) void launch_path(const char *path,
						  char *const argv[],
						  char *const envp[])
{
	struct shim_exec_plan plan;

	plan.by = SHIM_EXEC_BY_PATH;
	plan.path = path;
	shim_exec_launch(&plan, argv, envp);
}

static int do_execve(const char *path, char *const argv[], char *const envp[])
{
	if (shim_exec_needs_route(AT_FDCWD, MAYBE_NULL(path), false, NULL) &&
	    shim_exec_route_wanted())
		launch_path(path, argv, envp);
	return shim_real.execve(path, argv, envp);
}

/* Only a PATH search the route needs is done twice (here, then libc's). */
static bool search_needs_route(const char *file, struct shim_exec_plan *plan)
{
	plan->by = SHIM_EXEC_BY_PATH;
	return shim_exec_search(MAYBE_NULL(file), plan) && shim_exec_route_wanted();
}

SHIM_EXPORT int execve(const char *path, char *const argv[],
		       char *const envp[])
{
	return do_execve(path, argv, envp);
}
SHIM_SELF(execve);

SHIM_EXPORT int execv(const char *path, char *const argv[])
{
	return do_execve(path, argv, environ);
}

SHIM_EXPORT int execvpe(const char *file, char *const argv[],
			char *const envp[])
{
	struct shim_exec_plan plan;

	if (search_needs_route(file, &plan))
		shim_exec_launch(&plan, argv, envp);
	return shim_real.execvpe(file, argv, envp);
}
SHIM_SELF(execvpe);

SHIM_EXPORT int execvp(const char *file, char *const argv[])
{
	struct shim_exec_plan plan;

	if (search_needs_route(file, &plan))
		shim_exec_launch(&plan, argv, environ);
	return shim_real.execvp(file, argv);
}
SHIM_SELF(execvp);

/* execl's arguments, as libc collects them: on the stack. */
#define COUNT_ARGS(first, n)                                                   \
	do {                                                                   \
		va_list ap_;                                                   \
		va_start(ap_, first);                                          \
		for (n = 1; va_arg(ap_, const char *); n++)                    \
			;                                                      \
		va_end(ap_);                                                   \
	} while (0)

/* argv[n] is the terminating NULL; execle's envp follows it. */
#define COLLECT_ARGS(first, argv, n, envp)                                     \
	do {                                                                   \
		va_list ap_;                                                   \
		va_start(ap_, first);                                          \
		argv[0] = (char *)first;                                       \
		for (size_t i_ = 1; i_ <= n; i_++)                             \
			argv[i_] = va_arg(ap_, char *);                        \
		if (envp)                                                      \
			*envp = va_arg(ap_, char **);                          \
		va_end(ap_);                                                   \
	} while (0)

SHIM_EXPORT int execl(const char *path, const char *arg, ...)
{
	size_t n;

	COUNT_ARGS(arg, n);
	{
		char *argv[n + 1], ***none = NULL;

		COLLECT_ARGS(arg, argv, n, none);
		return do_execve(path, argv, environ);
	}
}

SHIM_EXPORT int execle(const char *path, const char *arg, ...)
{
	size_t n;
	char **envp;

	COUNT_ARGS(arg, n);
	{
		char *argv[n + 1], ***at = &envp;

		COLLECT_ARGS(arg, argv, n, at);
		return do_execve(path, argv, envp);
	}
}

SHIM_EXPORT int execlp(const char *file, const char *arg, ...)
{
	size_t n;

	COUNT_ARGS(arg, n);
	{
		char *argv[n + 1], ***none = NULL;

		COLLECT_ARGS(arg, argv, n, none);
		return execvp(file, argv);
	}
}

/*
 * By descriptor: the launcher needs the file open across its own exec. A
 * close-on-exec descriptor gets a plain duplicate, which the launcher
 * closes again; a script behind a close-on-exec descriptor is left to the
 * kernel, which refuses it (ENOENT: its interpreter could not open it).
 */
static void launch_fd(int fd, bool script, char *const argv[],
		      char *const envp[])
{
	struct shim_exec_plan plan;
	int fdflags = (int)shim_raw_syscall(SYS_fcntl, fd, F_GETFD, 0, 0, 0, 0);

	plan.by = SHIM_EXEC_BY_FD;
	plan.fd = fd;
	if (fdflags < 0 || !shim_exec_route_wanted())
		return;
	if (fdflags & FD_CLOEXEC) {
		if (script)
			return;
		plan.by = SHIM_EXEC_BY_OWN_FD;
		plan.fd = (int)shim_raw_syscall(SYS_fcntl, fd, F_DUPFD, 3, 0, 0, 0);
		if (plan.fd < 0)
			return;
	}
	shim_exec_launch(&plan, argv, envp);
	if (plan.by == SHIM_EXEC_BY_OWN_FD)
		shim_raw_syscall(SYS_close, plan.fd, 0, 0, 0, 0, 0);
}

SHIM_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	bool script;
	int saved;

	if (shim_exec_fd_needs_route(fd, &script)) {
		saved = errno;
		launch_fd(fd, script, argv, envp);
		errno = saved;
	}
	return shim_real.fexecve(fd, argv, envp);
}
SHIM_SELF(fexecve);

SHIM_EXPORT int execveat(int dirfd, const char *path_arg, char *const argv[],
			 char *const envp[], int flags)
{
	bool script, nofollow = flags & AT_SYMLINK_NOFOLLOW;
	const char *path = MAYBE_NULL(path_arg);

	if (path && !*path && (flags & AT_EMPTY_PATH)) {
		if (shim_exec_fd_needs_route(dirfd, &script))
			launch_fd(dirfd, script, argv, envp);
	} else if (path && (path[0] == '/' || dirfd == AT_FDCWD) && !nofollow) {
		if (shim_exec_needs_route(AT_FDCWD, path, false, NULL) &&
		    shim_exec_route_wanted())
			launch_path(path, argv, envp);
	} else if (path) {
		/* Relative to a directory fd (or not following a link): the
		 * file as the kernel would find it, handed over open. */
		int fd = (int)shim_raw_syscall(SYS_openat, dirfd, (long)path,
					       O_RDONLY | O_CLOEXEC |
						       (nofollow ? O_NOFOLLOW : 0),
					       0, 0, 0);

		if (fd >= 0) {
			if (shim_exec_fd_needs_route(fd, &script))
				launch_fd(fd, script, argv, envp);
			shim_raw_syscall(SYS_close, fd, 0, 0, 0, 0, 0);
		}
	}
	return shim_real.execveat(dirfd, path_arg, argv, envp, flags);
}
SHIM_SELF(execveat);

/*
 * posix_spawn runs in the parent, which may allocate; the launcher is
 * spawned instead of the target. If that fails (the launcher could not be
 * exec'd), the target is spawned as asked, so the caller gets its error.
 */
static int spawn_launcher(pid_t *pid, struct shim_exec_plan *plan,
			  const posix_spawn_file_actions_t *fa,
			  const posix_spawnattr_t *attr, char *const argv[],
			  char *const envp[])
{
	char *buf[256], **made = shim_exec_argv(plan, argv, buf, 256);
	int rc;

	if (!made)
		return ENOMEM;
	rc = shim_real.posix_spawn(pid, shim_exec_helper(), fa, attr, made,
				   envp);
	shim_exec_argv_free(made, buf);
	return rc;
}

/*
 * A relative target and file actions: one of them may change the child's
 * directory (addchdir_np, addfchdir_np), and the file as the child will
 * find it is not known here; the launcher, once spawned, could not give
 * the caller posix_spawn's error (ENOENT would become exit status 127).
 * Such a target is spawned as asked. glibc's action count is public;
 * elsewhere any file actions count.
 */
static bool cwd_may_change(const char *path,
			   const posix_spawn_file_actions_t *fa)
{
	if (!fa || !path || path[0] == '/')
		return false;
#ifdef __GLIBC__
	return fa->__used > 0;
#else
	return true;
#endif
}

SHIM_EXPORT int posix_spawn(pid_t *pid, const char *path,
			    const posix_spawn_file_actions_t *fa,
			    const posix_spawnattr_t *attr, char *const argv[],
			    char *const envp[])
{
	struct shim_exec_plan plan;
	int saved = errno;

	plan.by = SHIM_EXEC_BY_PATH;
	plan.path = path;
	if (!cwd_may_change(MAYBE_NULL(path), fa) &&
	    shim_exec_needs_route(AT_FDCWD, MAYBE_NULL(path), false, NULL) &&
	    shim_exec_route_wanted() &&
	    spawn_launcher(pid, &plan, fa, attr, argv, envp) == 0) {
		errno = saved;
		return 0;
	}
	errno = saved;
	return shim_real.posix_spawn(pid, path, fa, attr, argv, envp);
}
SHIM_SELF(posix_spawn);

SHIM_EXPORT int posix_spawnp(pid_t *pid, const char *file,
			     const posix_spawn_file_actions_t *fa,
			     const posix_spawnattr_t *attr, char *const argv[],
			     char *const envp[])
{
	struct shim_exec_plan plan;
	int saved = errno;

	if (search_needs_route(file, &plan) &&
	    !cwd_may_change(plan.path, fa) &&
	    spawn_launcher(pid, &plan, fa, attr, argv, envp) == 0) {
		errno = saved;
		return 0;
	}
	errno = saved;
	return shim_real.posix_spawnp(pid, file, fa, attr, argv, envp);
}
SHIM_SELF(posix_spawnp);
