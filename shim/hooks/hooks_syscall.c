// SPDX-License-Identifier: BSD-3-Clause
/*
 * syscall(): watched for one number only, landlock_restrict_self, the one
 * event after init that can put the process in a domain restricting TCP
 * (libc has no wrapper for it: Rust's landlock crate, Python's ctypes and
 * C programs all come through here). Every other number is forwarded as
 * is; futex-heavy programs (Rust's std uses syscall() for futexes) pay a
 * compare and an indirect call.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "real.h"

#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif

typedef long (*syscall_fn)(long, ...);
static syscall_fn _Atomic next_syscall;

/* The definition after ours; resolved on the first call (dlsym is not
 * reached from any path that syscall() itself is on). */
static syscall_fn resolve(void)
{
	syscall_fn fn = atomic_load_explicit(&next_syscall,
					     memory_order_acquire);

	if (__builtin_expect(!fn, 0)) {
		fn = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
		atomic_store_explicit(&next_syscall, fn, memory_order_release);
	}
	return fn;
}

/* glibc's syscall() reads six argument words whatever the number: so do
 * we, and hand all six on. */
SHIM_EXPORT long syscall(long number, ...)
{
	long a[6];
	va_list ap;
	long rc;

	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	rc = resolve()(number, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (__builtin_expect(number == SYS_landlock_restrict_self && rc == 0,
			     0))
		shim_landlock_restricted_self();
	return rc;
}
