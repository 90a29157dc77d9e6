/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Run-once without pthread_once: before glibc 2.34 that lives in
 * libpthread, which a program need not have loaded (glibc_floor.h). Like
 * pthread_once, a second caller waits until the first has finished; unlike
 * it, a fork() child that inherited an unfinished run starts it again (the
 * thread running it does not exist there).
 */
#ifndef MPTCPSHIM_ONCE_H
#define MPTCPSHIM_ONCE_H

#include <stdatomic.h>

/* 0: not run; 1: done; -PID: being run by a thread of process PID. */
typedef _Atomic int shim_once_t;
#define SHIM_ONCE_INIT 0

void shim_once_slow(shim_once_t *once, void (*fn)(void));

static inline void shim_once(shim_once_t *once, void (*fn)(void))
{
	if (atomic_load_explicit(once, memory_order_acquire) != 1)
		shim_once_slow(once, fn);
}

#endif
