/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The next definitions of the functions we interpose, from dlsym(RTLD_NEXT)
 * so that other preloads in the chain keep working. If the lookup finds
 * nothing, or finds us again (the shim preloaded twice), the raw system
 * call stands in.
 */
#ifndef MPTCPSHIM_REAL_H
#define MPTCPSHIM_REAL_H

#include <stdarg.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

struct shim_real_calls {
	int (*socket)(int, int, int);
	int (*close)(int);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*listen)(int, int);
	int (*accept)(int, struct sockaddr *, socklen_t *);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*getsockopt)(int, int, int, void *, socklen_t *);
	ssize_t (*sendto)(int, const void *, size_t, int,
			  const struct sockaddr *, socklen_t);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*shutdown)(int, int);
	int (*dup)(int);
	int (*fcntl)(int, int, ...);
	int (*fcntl64)(int, int, ...);
};

extern struct shim_real_calls shim_real __attribute__((visibility("hidden")));

/*
 * fcntl()'s one optional argument. Every command takes at most one, an int
 * or a pointer, passed in the same register either way, so a pointer-sized
 * va_arg forwards it faithfully (socket_wrapper and others do the same).
 */
#define SHIM_FCNTL_ARG(last)                                                   \
	({                                                                     \
		va_list ap_;                                                   \
		void *arg_;                                                    \
		va_start(ap_, last);                                           \
		arg_ = va_arg(ap_, void *);                                    \
		va_end(ap_);                                                   \
		arg_;                                                          \
	})

/* An interposed function: the only symbols the library exports. */
#define SHIM_EXPORT __attribute__((visibility("default")))

/*
 * A hidden alias of our own hook, so that comparing the next definition
 * against it needs no symbol lookup at load time (a reference to the
 * exported name itself would cost one relocation per hook at start-up).
 */
#if defined(__clang__)
#define SHIM_COPY_ATTRIBUTES(fn)
#else
#define SHIM_COPY_ATTRIBUTES(fn) __attribute__((copy(fn)))
#endif
#define SHIM_SELF(fn)                                                          \
	extern __typeof__(fn) shim_self_##fn SHIM_COPY_ATTRIBUTES(fn)          \
		__attribute__((alias(#fn), visibility("hidden")))

#define SHIM_SELF_DECLARE(fn)                                                  \
	extern __typeof__(fn) shim_self_##fn __attribute__((visibility("hidden")))


/* Fills shim_real, once per process; safe from any thread. */
void shim_real_resolve_once(void);

#endif
