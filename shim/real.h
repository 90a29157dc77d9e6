/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The next definitions of the functions we interpose, from dlsym(RTLD_NEXT)
 * so that other preloads in the chain keep working. If the lookup finds
 * nothing, or finds us again (the shim preloaded twice), the raw system
 * call stands in.
 */
#ifndef MPTCPSHIM_REAL_H
#define MPTCPSHIM_REAL_H

#include <sys/socket.h>
#include <sys/types.h>

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
};

extern struct shim_real_calls shim_real;

/* Fills shim_real, once per process; safe from any thread. */
void shim_real_resolve_once(void);

#endif
