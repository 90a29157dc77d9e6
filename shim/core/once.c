// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "once.h"

void shim_once_slow(shim_once_t *once, void (*fn)(void))
{
	int saved = errno;
	int mine = -(int)getpid();

	for (;;) {
		int state = atomic_load_explicit(once, memory_order_acquire);

		if (state == 1)
			break;
		if (state == 0 || (state != mine && state < 0)) {
			/* Not started, or started by a process we were forked
			 * from: ours to run. */
			if (!atomic_compare_exchange_strong(once, &state, mine))
				continue;
			fn();
			atomic_store_explicit(once, 1, memory_order_release);
			syscall(SYS_futex, once, FUTEX_WAKE_PRIVATE, INT_MAX,
				NULL, NULL, 0);
			break;
		}
		/* Another thread of ours runs it: sleep while the word still
		 * says so (EAGAIN if it changed meanwhile, EINTR: look again). */
		syscall(SYS_futex, once, FUTEX_WAIT_PRIVATE, state, NULL, NULL,
			0);
	}
	errno = saved;
}
