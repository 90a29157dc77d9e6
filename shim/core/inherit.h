/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ways a socket gains a holder the fd table cannot see: fork() (every
 * socket then lives in two processes), SCM_RIGHTS (the peer process has
 * it), and a second copy of this library in the same process.
 */
#ifndef MPTCPSHIM_INHERIT_H
#define MPTCPSHIM_INHERIT_H

#include <stdbool.h>
#include <sys/socket.h>

/* Registers the fork handlers that mark every socket shared, and in_child
 * to run in the child after them; once. */
void shim_track_forks(void (*in_child)(void));

/* After a successful sendmsg(): every tracked fd it passed is shared. */
void shim_note_passed_fds(const struct msghdr *msg);

/* True if another copy of libmptcpshim came first in this process: this
 * copy must then pass everything through, or sockets are converted twice. */
bool shim_another_copy_active(void);

#endif
