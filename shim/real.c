// SPDX-License-Identifier: BSD-3-Clause
/* Resolution of the real socket calls, with raw-syscall stand-ins. */
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "real.h"

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
		return fcntl(o, F_GETFD) < 0 ? -1 : n;
	return (int)syscall(SYS_dup3, o, n, 0);
}
static int sys_dup3(int o, int n, int f)
{
	return (int)syscall(SYS_dup3, o, n, f);
}

struct shim_real_calls shim_real = {
	sys_socket, sys_close, sys_connect, sys_bind, sys_listen, sys_accept,
	sys_accept4, sys_setsockopt, sys_getsockopt, sys_sendto, sys_sendmsg,
	sys_dup2, sys_dup3,
};

/* NULL when the next definition is in this very object (a circular chain). */
static void *next_symbol(const char *name)
{
	void *next = dlsym(RTLD_NEXT, name);
	Dl_info found, self;

	if (next && dladdr(next, &found) && dladdr((void *)next_symbol, &self) &&
	    found.dli_fbase == self.dli_fbase)
		return NULL;
	return next;
}

#define RESOLVE(field)                                                         \
	do {                                                                   \
		void *fn = next_symbol(#field);                                \
		if (fn)                                                        \
			*(void **)&shim_real.field = fn;                       \
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
}

void shim_real_resolve_once(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, resolve_all);
}
