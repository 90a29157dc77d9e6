/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keeping a sandboxed program's sandbox: a process whose Landlock domain
 * restricts TCP bind or connect (rules the kernel does not apply to MPTCP)
 * gets TCP sockets only. Asked once at init and again only after the
 * program restricts itself (landlock_restrict_self through syscall());
 * exec starts a new init, fork inherits the answer with the domain.
 */
#ifndef MPTCPSHIM_LANDLOCK_H
#define MPTCPSHIM_LANDLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "fdtable.h"

/* Set once the process is in such a domain; never cleared (a domain only
 * grows). socket() reads it on its slow path only: the fast mode is left
 * when it is set. */
extern _Atomic bool shim_landlock_tcp __attribute__((visibility("hidden")));

static inline bool shim_landlocked(void)
{
	return atomic_load_explicit(&shim_landlock_tcp, memory_order_acquire);
}

/* The accesses (SHIM_LANDLOCK_BIND, _CONNECT) still to be asked about in
 * a process with a seccomp filter: each is probed only as the program
 * first makes that call, which its filter then allows. 0 elsewhere. */
extern _Atomic int shim_landlock_unasked __attribute__((visibility("hidden")));

/* The init probe: true (and the flag set) when TCP is restricted. In a
 * process with a seccomp filter it makes no bind() or connect() and
 * leaves both accesses unasked. */
bool shim_landlock_probe(void);

/* bind() (connecting false) or connect() of one of our sockets: asks about
 * that access if it is still unasked; sets the flag when TCP is
 * restricted. The hook's guard then follows as for a late sandbox. */
void shim_landlock_ask(bool connecting);

static inline void shim_landlock_before(bool connecting)
{
	if (__builtin_expect(atomic_load_explicit(&shim_landlock_unasked,
						  memory_order_relaxed) != 0,
			     0))
		shim_landlock_ask(connecting);
}

/* After a landlock_restrict_self() that succeeded: probe again, and when
 * TCP is now restricted, send later sockets down the slow path. */
void shim_landlock_restricted_self(void);

/*
 * bind() or connect() of an MPTCP socket made before the program
 * restricted itself: made TCP in place, so the kernel holds it to the
 * rules; where it cannot be, the rules are asked for this port with a
 * throwaway TCP socket. Returns 0 to go on, or -1 with errno EACCES
 * (what the kernel gives TCP) when the rules forbid it.
 */
int shim_landlock_guard(int fd, struct shim_fd *entry, bool connecting,
			const struct sockaddr *addr, socklen_t len);

#endif
