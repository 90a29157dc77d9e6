/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A system call without libc's syscall(): for the shim's own probes (whose
 * sockets other preloaded libraries must not see, and which must not make
 * the first syscall() resolve libc's) and for the syscall() hook while it
 * resolves libc's. Architectures without an inline form use syscall().
 */
#ifndef MPTCPSHIM_RAW_SYSCALL_H
#define MPTCPSHIM_RAW_SYSCALL_H

#include <errno.h>
#include <unistd.h>

static inline long shim_raw_syscall(long n, long a, long b, long c, long d,
				    long e, long f)
{
	long rc;
#if defined(__x86_64__)
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(rc)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	rc = x0;
#else
	return syscall(n, a, b, c, d, e, f);
#endif
	if (rc < 0 && rc > -4096) {
		errno = (int)-rc;
		return -1;
	}
	return rc;
}

#endif
