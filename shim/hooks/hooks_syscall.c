// SPDX-License-Identifier: BSD-3-Clause
/*
 * syscall(): watched for one number only, landlock_restrict_self, the one
 * event after init that can put the process in a domain restricting TCP
 * (libc has no wrapper for it: Rust's landlock crate, Python's ctypes and
 * C programs all come through here). Every other number is forwarded as
 * is; futex-heavy programs (Rust's std uses syscall() for futexes) pay a
 * compare and an indirect call.
 */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "raw_syscall.h"
#include "real.h"

#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif

typedef long (*syscall_fn)(long, ...);
static syscall_fn _Atomic next_syscall;
static __thread int resolving __attribute__((tls_model("initial-exec")));

SHIM_EXPORT long shim_syscall(long number, long a0, long a1, long a2, long a3,
			      long a4, long a5) __asm__("syscall");
/* Our own hook, without a symbol lookup (see SHIM_SELF in real.h). */
extern __typeof__(shim_syscall) shim_self_syscall
	__attribute__((alias("syscall"), visibility("hidden")));

/* The definition after ours, resolved on the first call; NULL while this
 * thread is resolving it. */
static syscall_fn resolve(void)
{
	syscall_fn fn = atomic_load_explicit(&next_syscall,
					     memory_order_acquire);

	if (__builtin_expect(!fn, 0) && !resolving) {
		resolving = 1;
		/* From the shim's one walk of the symbol tables (no
		 * dlsym(): no loader lock in a fork child or a signal
		 * handler); ours again (a second copy): the raw call. */
		fn = (syscall_fn)shim_real_next_syscall();
		if (fn == (syscall_fn)shim_self_syscall)
			fn = NULL;
		resolving = 0;
		atomic_store_explicit(&next_syscall, fn, memory_order_release);
	}
	return fn;
}

/*
 * glibc's syscall() reads six argument words whatever the number, from the
 * registers a variadic call puts integers in, which are the registers of a
 * plain call with seven integer arguments on x86-64 and AArch64: so this
 * hook takes them as plain arguments (no va_list to build on every call)
 * and hands all six on. Exported under the name syscall.
 */
/* The first call, and landlock_restrict_self. */
static __attribute__((noinline)) long syscall_slow(long number, long a0,
						   long a1, long a2, long a3,
						   long a4, long a5)
{
	syscall_fn fn = resolve();
	long rc;

	rc = fn ? fn(number, a0, a1, a2, a3, a4, a5) :
		  shim_raw_syscall(number, a0, a1, a2, a3, a4, a5);
	if (number == SYS_landlock_restrict_self && rc == 0)
		shim_landlock_restricted_self();
	return rc;
}

/* Every other number: a tail call into libc's. */
SHIM_EXPORT long shim_syscall(long number, long a0, long a1, long a2, long a3,
			      long a4, long a5)
{
	syscall_fn fn = atomic_load_explicit(&next_syscall,
					     memory_order_relaxed);

	if (__builtin_expect(fn && number != SYS_landlock_restrict_self, 1))
		return fn(number, a0, a1, a2, a3, a4, a5);
	return syscall_slow(number, a0, a1, a2, a3, a4, a5);
}
