/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MPTCPSHIM_GCOV_FLUSH_H
#define MPTCPSHIM_GCOV_FLUSH_H

/* Only coverage builds (-DMPTCPSHIM_COVERAGE=ON) do anything here.
 *
 * gcov writes a process's counters from an atexit handler, and _exit()
 * skips those: the seccomp supervisor, its probe and a child whose exec
 * failed would otherwise never count in tests/coverage/report. Call this
 * right before such an _exit() of a process that did real work. */
#ifdef MPTCPSHIM_COVERAGE_BUILD
void __gcov_dump(void);
static inline void gcov_flush(void)
{
	__gcov_dump();
}
#else
static inline void gcov_flush(void)
{
}
#endif

#endif
