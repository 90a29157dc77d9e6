// SPDX-License-Identifier: BSD-3-Clause
/* Resolution of the real socket calls, with raw-syscall stand-ins. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdlib.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sys/socket.h>

#include "real.h"

/*
 * Until resolution every pointer leads to a stub that resolves them all and
 * forwards: no hook needs an "initialised?" test of its own, and a process
 * that only ever calls close() pays for the lookup once, not for the policy.
 */
static int first_socket(int d, int t, int p)
{
	shim_real_resolve_once();
	return shim_real.socket(d, t, p);
}
static int first_close(int fd)
{
	shim_real_resolve_once();
	return shim_real.close(fd);
}
static int first_connect(int fd, const struct sockaddr *a, socklen_t l)
{
	shim_real_resolve_once();
	return shim_real.connect(fd, a, l);
}
static int first_bind(int fd, const struct sockaddr *a, socklen_t l)
{
	shim_real_resolve_once();
	return shim_real.bind(fd, a, l);
}
static int first_listen(int fd, int backlog)
{
	shim_real_resolve_once();
	return shim_real.listen(fd, backlog);
}
static int first_accept(int fd, struct sockaddr *a, socklen_t *l)
{
	shim_real_resolve_once();
	return shim_real.accept(fd, a, l);
}
static int first_accept4(int fd, struct sockaddr *a, socklen_t *l, int f)
{
	shim_real_resolve_once();
	return shim_real.accept4(fd, a, l, f);
}
static int first_setsockopt(int fd, int lv, int n, const void *v, socklen_t l)
{
	shim_real_resolve_once();
	return shim_real.setsockopt(fd, lv, n, v, l);
}
static int first_getsockopt(int fd, int lv, int n, void *v, socklen_t *l)
{
	shim_real_resolve_once();
	return shim_real.getsockopt(fd, lv, n, v, l);
}
static ssize_t first_sendto(int fd, const void *b, size_t n, int f,
			    const struct sockaddr *a, socklen_t l)
{
	shim_real_resolve_once();
	return shim_real.sendto(fd, b, n, f, a, l);
}
static ssize_t first_sendmsg(int fd, const struct msghdr *m, int f)
{
	shim_real_resolve_once();
	return shim_real.sendmsg(fd, m, f);
}
static int first_dup2(int o, int n)
{
	shim_real_resolve_once();
	return shim_real.dup2(o, n);
}
static int first_dup3(int o, int n, int f)
{
	shim_real_resolve_once();
	return shim_real.dup3(o, n, f);
}

static int first_shutdown(int fd, int how)
{
	shim_real_resolve_once();
	return shim_real.shutdown(fd, how);
}

static int first_dup(int fd)
{
	shim_real_resolve_once();
	return shim_real.dup(fd);
}

static int first_fcntl(int fd, int cmd, ...)
{
	void *arg = SHIM_FCNTL_ARG(cmd);

	shim_real_resolve_once();
	return shim_real.fcntl(fd, cmd, arg);
}

static int first_fcntl64(int fd, int cmd, ...)
{
	void *arg = SHIM_FCNTL_ARG(cmd);

	shim_real_resolve_once();
	return shim_real.fcntl64(fd, cmd, arg);
}

static int first_epoll_ctl(int ep, int op, int fd, struct epoll_event *ev)
{
	shim_real_resolve_once();
	return shim_real.epoll_ctl(ep, op, fd, ev);
}

static int first_close_range(unsigned first, unsigned last, int flags)
{
	shim_real_resolve_once();
	return shim_real.close_range(first, last, flags);
}

static void first_closefrom(int fd)
{
	shim_real_resolve_once();
	shim_real.closefrom(fd);
}

/* The exec stubs resolve only their own symbol (below): a fork child
 * that only execs must not pay for the whole table. */
static int first_execve(const char *, char *const[], char *const[]);
static int first_execveat(int, const char *, char *const[], char *const[],
			  int);
static int first_fexecve(int, char *const[], char *const[]);
static int first_execvp(const char *, char *const[]);
static int first_execvpe(const char *, char *const[], char *const[]);
static int first_posix_spawn(pid_t *, const char *,
			     const posix_spawn_file_actions_t *,
			     const posix_spawnattr_t *, char *const[],
			     char *const[]);
static int first_posix_spawnp(pid_t *, const char *,
			      const posix_spawn_file_actions_t *,
			      const posix_spawnattr_t *, char *const[],
			      char *const[]);

static int first_open(const char *path, int flags, ...)
{
	void *mode = SHIM_FCNTL_ARG(flags);

	shim_real_resolve_once();
	return shim_real.open(path, flags, mode);
}

struct shim_real_calls shim_real = {
	first_socket, first_close, first_connect, first_bind, first_listen,
	first_accept, first_accept4, first_setsockopt, first_getsockopt,
	first_sendto, first_sendmsg, first_dup2, first_dup3, first_shutdown,
	first_dup, first_fcntl, first_fcntl64, first_epoll_ctl,
	first_close_range, first_closefrom, first_execve, first_execveat,
	first_fexecve, first_execvp, first_execvpe, first_posix_spawn,
	first_posix_spawnp, first_open,
};

/* Raw system calls, for a symbol the chain does not provide. */
static int sys_socket(int d, int t, int p)
{
	return (int)syscall(SYS_socket, d, t, p);
}
static int sys_close(int fd)
{
	return (int)syscall(SYS_close, fd);
}
static int sys_connect(int fd, const struct sockaddr *a, socklen_t l)
{
	return (int)syscall(SYS_connect, fd, a, l);
}
static int sys_bind(int fd, const struct sockaddr *a, socklen_t l)
{
	return (int)syscall(SYS_bind, fd, a, l);
}
static int sys_listen(int fd, int backlog)
{
	return (int)syscall(SYS_listen, fd, backlog);
}
static int sys_accept(int fd, struct sockaddr *a, socklen_t *l)
{
	return (int)syscall(SYS_accept4, fd, a, l, 0);
}
static int sys_accept4(int fd, struct sockaddr *a, socklen_t *l, int f)
{
	return (int)syscall(SYS_accept4, fd, a, l, f);
}
static int sys_setsockopt(int fd, int lv, int n, const void *v, socklen_t l)
{
	return (int)syscall(SYS_setsockopt, fd, lv, n, v, l);
}
static int sys_getsockopt(int fd, int lv, int n, void *v, socklen_t *l)
{
	return (int)syscall(SYS_getsockopt, fd, lv, n, v, l);
}
static ssize_t sys_sendto(int fd, const void *b, size_t n, int f,
			  const struct sockaddr *a, socklen_t l)
{
	return syscall(SYS_sendto, fd, b, n, f, a, l);
}
static ssize_t sys_sendmsg(int fd, const struct msghdr *m, int f)
{
	return syscall(SYS_sendmsg, fd, m, f);
}
static int sys_dup2(int o, int n)
{
	if (o == n)	/* dup3 refuses equal fds; dup2 checks validity */
		return syscall(SYS_fcntl, o, F_GETFD) < 0 ? -1 : n;
	return (int)syscall(SYS_dup3, o, n, 0);
}
static int sys_dup3(int o, int n, int f)
{
	return (int)syscall(SYS_dup3, o, n, f);
}

static int sys_shutdown(int fd, int how)
{
	return (int)syscall(SYS_shutdown, fd, how);
}

static int sys_dup(int fd)
{
	return (int)syscall(SYS_dup, fd);
}

static int sys_fcntl(int fd, int cmd, ...)
{
	void *arg = SHIM_FCNTL_ARG(cmd);

	return (int)syscall(SYS_fcntl, fd, cmd, arg);
}

static int sys_epoll_ctl(int ep, int op, int fd, struct epoll_event *ev)
{
	return (int)syscall(SYS_epoll_ctl, ep, op, fd, ev);
}

static int sys_close_range(unsigned first, unsigned last, int flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}

/* closefrom() cannot fail: a kernel without close_range() leaves fds. */
static void sys_closefrom(int fd)
{
	syscall(SYS_close_range, (unsigned)fd, ~0u, 0);
}

static int sys_execve(const char *p, char *const a[], char *const e[])
{
	return (int)syscall(SYS_execve, p, a, e);
}

static int sys_execveat(int d, const char *p, char *const a[],
			char *const e[], int f)
{
	return (int)syscall(SYS_execveat, d, p, a, e, f);
}

static int sys_fexecve(int fd, char *const a[], char *const e[])
{
	return (int)syscall(SYS_execveat, fd, "", a, e, AT_EMPTY_PATH);
}

/* Only if the chain has no such function: never in practice (libc has
 * them all); the exec family itself would then be missing. */
static int sys_execvpe(const char *p, char *const a[], char *const e[])
{
	(void)p;
	(void)a;
	(void)e;
	errno = ENOSYS;
	return -1;
}

static int sys_execvp(const char *p, char *const a[])
{
	return sys_execvpe(p, a, NULL);
}

static int sys_posix_spawn(pid_t *pid, const char *p,
			   const posix_spawn_file_actions_t *fa,
			   const posix_spawnattr_t *at, char *const a[],
			   char *const e[])
{
	(void)pid;
	(void)p;
	(void)fa;
	(void)at;
	(void)a;
	(void)e;
	return ENOSYS;
}

static int sys_open(const char *path, int flags, ...)
{
	void *mode = SHIM_FCNTL_ARG(flags);

	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

static const struct shim_real_calls raw_calls = {
	sys_socket, sys_close, sys_connect, sys_bind, sys_listen, sys_accept,
	sys_accept4, sys_setsockopt, sys_getsockopt, sys_sendto, sys_sendmsg,
	sys_dup2, sys_dup3, sys_shutdown, sys_dup, sys_fcntl, sys_fcntl,
	sys_epoll_ctl, sys_close_range, sys_closefrom, sys_execve,
	sys_execveat, sys_fexecve, sys_execvp, sys_execvpe, sys_posix_spawn,
	sys_posix_spawn, sys_open,
};

SHIM_SELF_DECLARE(socket);
SHIM_SELF_DECLARE(close);
SHIM_SELF_DECLARE(connect);
SHIM_SELF_DECLARE(bind);
SHIM_SELF_DECLARE(listen);
SHIM_SELF_DECLARE(accept);
SHIM_SELF_DECLARE(accept4);
SHIM_SELF_DECLARE(setsockopt);
SHIM_SELF_DECLARE(getsockopt);
SHIM_SELF_DECLARE(sendto);
SHIM_SELF_DECLARE(sendmsg);
SHIM_SELF_DECLARE(dup2);
SHIM_SELF_DECLARE(dup3);
SHIM_SELF_DECLARE(shutdown);
SHIM_SELF_DECLARE(dup);
SHIM_SELF_DECLARE(fcntl);
extern int fcntl64(int, int, ...);
SHIM_SELF_DECLARE(fcntl64);
SHIM_SELF_DECLARE(epoll_ctl);
SHIM_SELF_DECLARE(close_range);
SHIM_SELF_DECLARE(closefrom);
SHIM_SELF_DECLARE(execve);
extern int execveat(int, const char *, char *const[], char *const[], int);
SHIM_SELF_DECLARE(execveat);
SHIM_SELF_DECLARE(fexecve);
SHIM_SELF_DECLARE(execvp);
SHIM_SELF_DECLARE(execvpe);
SHIM_SELF_DECLARE(posix_spawn);
SHIM_SELF_DECLARE(posix_spawnp);

/* The next definition of name, or NULL when there is none or it is one of
 * our own hooks again (a circular chain, e.g. the shim preloaded twice). */
static void *next_symbol(const char *name, void *ours)
{
	void *next = dlsym(RTLD_NEXT, name);

	return next == ours ? NULL : next;
}

/* Publishes each pointer with one aligned store, so a thread racing with
 * resolution sees either the stub or the final function. */
#define RESOLVE(field)                                                         \
	do {                                                                   \
		__typeof__(&shim_self_##field) fn_ =                           \
			(__typeof__(&shim_self_##field))next_symbol(           \
				#field, (void *)shim_self_##field);            \
		if (!fn_)                                                      \
			fn_ = raw_calls.field;                                 \
		atomic_store_explicit(&shim_real.field, fn_,                   \
				      memory_order_release);                   \
	} while (0)

static int first_execve(const char *p, char *const a[], char *const e[])
{
	RESOLVE(execve);
	return shim_real.execve(p, a, e);
}

static int first_execveat(int d, const char *p, char *const a[],
			  char *const e[], int f)
{
	RESOLVE(execveat);
	return shim_real.execveat(d, p, a, e, f);
}

static int first_fexecve(int fd, char *const a[], char *const e[])
{
	RESOLVE(fexecve);
	return shim_real.fexecve(fd, a, e);
}

static int first_execvp(const char *p, char *const a[])
{
	RESOLVE(execvp);
	return shim_real.execvp(p, a);
}

static int first_execvpe(const char *p, char *const a[], char *const e[])
{
	RESOLVE(execvpe);
	return shim_real.execvpe(p, a, e);
}

static int first_posix_spawn(pid_t *pid, const char *p,
			     const posix_spawn_file_actions_t *fa,
			     const posix_spawnattr_t *at, char *const a[],
			     char *const e[])
{
	RESOLVE(posix_spawn);
	return shim_real.posix_spawn(pid, p, fa, at, a, e);
}

static int first_posix_spawnp(pid_t *pid, const char *p,
			      const posix_spawn_file_actions_t *fa,
			      const posix_spawnattr_t *at, char *const a[],
			      char *const e[])
{
	RESOLVE(posix_spawnp);
	return shim_real.posix_spawnp(pid, p, fa, at, a, e);
}

void shim_real_resolve_exec(void)
{
	if (atomic_load_explicit(&shim_real.execve, memory_order_acquire) !=
	    first_execve)
		return;
	RESOLVE(execveat);
	RESOLVE(fexecve);
	RESOLVE(execvp);
	RESOLVE(execvpe);
	RESOLVE(posix_spawn);
	RESOLVE(posix_spawnp);
	RESOLVE(execve);	/* last: it is the "done" mark */
}

static void resolve_all(void)
{
	RESOLVE(socket);
	RESOLVE(close);
	RESOLVE(connect);
	RESOLVE(bind);
	RESOLVE(listen);
	RESOLVE(accept);
	RESOLVE(accept4);
	RESOLVE(setsockopt);
	RESOLVE(getsockopt);
	RESOLVE(sendto);
	RESOLVE(sendmsg);
	RESOLVE(dup2);
	RESOLVE(dup3);
	RESOLVE(shutdown);
	RESOLVE(dup);
	RESOLVE(fcntl);
	RESOLVE(fcntl64);
	RESOLVE(epoll_ctl);
	RESOLVE(close_range);
	RESOLVE(closefrom);
	RESOLVE(execve);
	RESOLVE(execveat);
	RESOLVE(fexecve);
	RESOLVE(execvp);
	RESOLVE(execvpe);
	RESOLVE(posix_spawn);
	RESOLVE(posix_spawnp);
	/* Not hooked by us: the next definition is simply the first one. */
	{
		void *fn = dlsym(RTLD_NEXT, "open");

		atomic_store_explicit(&shim_real.open,
				      fn ? (int (*)(const char *, int, ...))fn :
					   raw_calls.open,
				      memory_order_release);
	}
}

void shim_real_resolve_once(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, resolve_all);
}
