/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Switching a trapped task's unconnected socket between TCP and MPTCP in
 * place: the seccomp route's counterpart of the library's rebuild.
 */
#ifndef MPTCPSHIM_SECCOMP_SWITCH_H
#define MPTCPSHIM_SECCOMP_SWITCH_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>

#include "policy.h"

/*
 * NULL when the task's fd (copy: our descriptor of it) may be replaced:
 * the kernel reports it CLOSE and no other fd, related process or epoll
 * instance holds it; else why not.
 */
const char *seccomp_switch_check(pid_t tid, int fd, int copy);

/*
 * Replaces the task's fd, while its notification id is pending, with a
 * socket of the other protocol: same number, close-on-exec and O_NONBLOCK,
 * the policy's keepalive, options carried over, bound where it was bound.
 * Returns NULL when done (the caller then lets the task's call run on the
 * new socket; *new_inode is the new socket's), else why nothing was
 * changed.
 */
const char *seccomp_switch(int listener, __u64 id, pid_t tid, int fd,
			   int copy, bool to_mptcp,
			   const struct policy_view *view,
			   unsigned long *new_inode);

#endif
