// SPDX-License-Identifier: BSD-3-Clause
/* Sockets shared with other processes or another copy of the shim. */
#include <pthread.h>
#include <string.h>

#include "appmem.h"
#include "fdtable.h"
#include "inherit.h"
#include "real.h"

/*
 * Runs before fork() in the parent and after it in both processes: the
 * first pass marks what exists, the later ones (cheap: nothing left to
 * change) catch a socket another thread created in between. Only loads
 * and stores, as a fork from a signal handler may run it.
 */
static void share_all(void)
{
	shim_fd_share_all();
}

static void (*child_extra)(void);

static void share_all_in_child(void)
{
	share_all();
	shim_appmem_after_fork();
	child_extra();
}

void shim_track_forks(void (*in_child)(void))
{
	/* vfork() and posix_spawn() run no handlers: their child execs or
	 * exits, and only sockets without FD_CLOEXEC outlive the exec. */
	child_extra = in_child;
	pthread_atfork(share_all, share_all, share_all_in_child);
}

void shim_note_passed_fds(const struct msghdr *msg)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			struct shim_fd *entry;
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			entry = shim_fd_get(fd);
			if (entry)
				entry->flags |= SHIM_FD_SHARED;
		}
	}
}

/*
 * Every copy exports this marker, so each copy can tell whether an object
 * loaded before it (the global scope's order) is another copy.
 */
SHIM_EXPORT const char mptcpshim_copy_marker[] = "mptcpshim";

bool shim_another_copy_active(void)
{
	/* The walk that resolves the real calls looks for the marker in
	 * the objects before ours (symbol_walk.h): no dlsym(). */
	return shim_real_another_copy_first();
}
