// SPDX-License-Identifier: BSD-3-Clause
/* Resolution of the real socket calls, with raw-syscall stand-ins. */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <spawn.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sys/socket.h>

#include "real.h"
#include "symbol_walk.h"

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

static int first_execve(const char *p, char *const a[], char *const e[])
{
	shim_real_resolve_once();
	return shim_real.execve(p, a, e);
}

static int first_execveat(int d, const char *p, char *const a[],
			  char *const e[], int f)
{
	shim_real_resolve_once();
	return shim_real.execveat(d, p, a, e, f);
}

static int first_fexecve(int fd, char *const a[], char *const e[])
{
	shim_real_resolve_once();
	return shim_real.fexecve(fd, a, e);
}

static int first_execvp(const char *p, char *const a[])
{
	shim_real_resolve_once();
	return shim_real.execvp(p, a);
}

static int first_execvpe(const char *p, char *const a[], char *const e[])
{
	shim_real_resolve_once();
	return shim_real.execvpe(p, a, e);
}

static int first_posix_spawn(pid_t *pid, const char *p,
			     const posix_spawn_file_actions_t *fa,
			     const posix_spawnattr_t *at, char *const a[],
			     char *const e[])
{
	shim_real_resolve_once();
	return shim_real.posix_spawn(pid, p, fa, at, a, e);
}

static int first_posix_spawnp(pid_t *pid, const char *p,
			      const posix_spawn_file_actions_t *fa,
			      const posix_spawnattr_t *at, char *const a[],
			      char *const e[])
{
	shim_real_resolve_once();
	return shim_real.posix_spawnp(pid, p, fa, at, a, e);
}

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

/* fcntl64 is fcntl with 64-bit offsets, the same system call here. */
#define sys_fcntl64 sys_fcntl

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

#define sys_posix_spawnp sys_posix_spawn

static int sys_open(const char *path, int flags, ...)
{
	void *mode = SHIM_FCNTL_ARG(flags);

	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

/* For the unit test, which drives every stand-in through this table; the
 * library itself names them (sys_##field), so that no table of pointers
 * needs relocating at load. */
static const struct shim_real_calls raw_calls __attribute__((unused)) = {
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

/* Every hooked function: a field of shim_real, a raw stand-in and a hidden
 * alias of our own hook each. */
#define HOOKED(X)                                                              \
	X(socket) X(close) X(connect) X(bind) X(listen) X(accept) X(accept4)   \
	X(setsockopt) X(getsockopt) X(sendto) X(sendmsg) X(dup2) X(dup3)       \
	X(shutdown) X(dup) X(fcntl) X(fcntl64) X(epoll_ctl) X(close_range)     \
	X(closefrom) X(execve) X(execveat) X(fexecve) X(execvp) X(execvpe)     \
	X(posix_spawn) X(posix_spawnp)

#define NAME_OF(field) #field,
#define COUNT_ONE(field) +1
enum { N_HOOKED = 0 HOOKED(COUNT_ONE), N_REAL = N_HOOKED + 4 };
/* The hooks in order, then what init calls that is not one: "open", and
 * "faccessat" and "environ", found here rather than bound by ld.so at
 * their first use (a binding costs 700 instructions, a lookup in this
 * walk 250; environ replaces six getenv() scans with one). */
/* Kept in place, not pointed to: a table of pointers costs a relocation
 * per entry in every process that loads the shim. */
static const char real_names[N_REAL][13] = { HOOKED(NAME_OF) "open",
					      "faccessat", "syscall",
					      "environ" };
/* Their GNU hashes, precomputed (test_real checks them): hashing the
 * names at run time was a fifth of the walk. */
static const unsigned real_hashes[N_REAL] = {
	0x1c31032eu, 0x0f3b9a5bu, 0xd3764dcfu, 0x7c9499e2u, 0x0b794014u,
	0xf15ae9b5u, 0x1cb82089u, 0xa7ec1274u, 0x776d44e8u, 0x1b81fa72u,
	0x8bc12bd6u, 0x7c95e5c0u, 0x7c95e5c1u, 0xfc460361u, 0x0b886bceu,
	0x0f6cf05cu, 0x9e6a7e86u, 0xa847e103u, 0x1adac227u, 0x1e21322fu,
	0xfc2c9fc5u, 0xb9d3b1fau, 0xa3c16d4bu, 0xfc2c9fd0u, 0x81c09a35u,
	0x3abbbc60u, 0x923348d0u, 0x7c9bd777u, 0x93bc1fd2u, 0xbac212a0u, 0x6ba3dda6u,
};

/* Our own dynamic section (the linker defines it; <link.h> declares it). */
extern ElfW(Dyn) _DYNAMIC[] __attribute__((visibility("hidden")));

static _Atomic bool resolved;
static _Atomic bool another_copy_first;
static int (*_Atomic real_faccessat)(int, const char *, int, int);
static void *_Atomic real_syscall;
static char ***_Atomic real_environ;

/* Publishes one pointer with one aligned store, so a thread racing with
 * resolution sees either the stub or the final function. */
#define PUBLISH(field)                                                         \
	do {                                                                   \
		__typeof__(&shim_self_##field) fn_ =                           \
			(__typeof__(&shim_self_##field))want[i++].found;       \
		if (!fn_ || fn_ == shim_self_##field)                          \
			fn_ = sys_##field;                                     \
		atomic_store_explicit(&shim_real.field, fn_,                   \
				      memory_order_release);                   \
	} while (0);

/*
 * One walk of the symbol tables of the objects loaded after us. It only
 * reads, and its results are the same whoever runs it, so threads (or a
 * signal handler) that race here each store the same pointers: no lock,
 * no futex, nothing a forked child of a threaded program could find held.
 * A name no later object defines, or whose next definition is our own
 * hook again (a circular chain, e.g. the shim preloaded twice), gets the
 * raw system call.
 */
static void resolve_all(void)
{
	struct symbol_want want[N_REAL];
	bool first_elsewhere;
	size_t i = 0;

	for (size_t k = 0; k < N_REAL; k++)
		want[k] = (struct symbol_want){ real_names[k], real_hashes[k],
						false, NULL };
	/* The program's copy of environ, if it has one, is the live one. */
	want[N_REAL - 1].from_first = true;
	first_elsewhere = shim_symbol_walk(_DYNAMIC, want, N_REAL,
					   "mptcpshim_copy_marker");
	HOOKED(PUBLISH)
	atomic_store_explicit(&shim_real.open,
			      want[i].found ? (int (*)(const char *, int, ...))
							want[i].found
					    : sys_open,
			      memory_order_release);
	i++;
	atomic_store_explicit(&real_faccessat,
			      (int (*)(int, const char *, int, int))
				      want[i++].found,
			      memory_order_relaxed);
	atomic_store_explicit(&real_syscall, want[i++].found,
			      memory_order_relaxed);
	atomic_store_explicit(&real_environ,
			      (char ***)want[i].found,
			      memory_order_relaxed);
	atomic_store_explicit(&another_copy_first, first_elsewhere,
			      memory_order_relaxed);
	atomic_store_explicit(&resolved, true, memory_order_release);
}

void shim_real_resolve_once(void)
{
	if (!atomic_load_explicit(&resolved, memory_order_acquire))
		resolve_all();
}

bool shim_real_another_copy_first(void)
{
	shim_real_resolve_once();
	return atomic_load_explicit(&another_copy_first, memory_order_relaxed);
}

int shim_libc_faccessat(int dirfd, const char *path, int mode, int flags)
{
	int (*fn)(int, const char *, int, int);

	shim_real_resolve_once();
	fn = atomic_load_explicit(&real_faccessat, memory_order_relaxed);
	return fn ? fn(dirfd, path, mode, flags)
		  : faccessat(dirfd, path, mode, flags);
}

char **shim_libc_environ(void)
{
	char ***p;

	shim_real_resolve_once();
	p = atomic_load_explicit(&real_environ, memory_order_relaxed);
	return p ? *p : NULL;
}

void *shim_real_next_syscall(void)
{
	shim_real_resolve_once();
	return atomic_load_explicit(&real_syscall, memory_order_relaxed);
}
