// SPDX-License-Identifier: BSD-3-Clause
/* Resolution of the real socket calls, with raw-syscall stand-ins. */
#include "shim_dlsym.h"
#include <fcntl.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sys/socket.h>

#include "once.h"
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
	first_close_range, first_closefrom, first_open,
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

static int sys_open(const char *path, int flags, ...)
{
	void *mode = SHIM_FCNTL_ARG(flags);

	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

static const struct shim_real_calls raw_calls = {
	sys_socket, sys_close, sys_connect, sys_bind, sys_listen, sys_accept,
	sys_accept4, sys_setsockopt, sys_getsockopt, sys_sendto, sys_sendmsg,
	sys_dup2, sys_dup3, sys_shutdown, sys_dup, sys_fcntl, sys_fcntl,
	sys_epoll_ctl, sys_close_range, sys_closefrom, sys_open,
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
	static shim_once_t once = SHIM_ONCE_INIT;

	shim_once(&once, resolve_all);
}
