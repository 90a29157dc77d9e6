/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A trapped task's memory and descriptors, from outside: what the library
 * reads of its own process, the supervisor must copy or borrow.
 */
#ifndef MPTCPSHIM_SECCOMP_TASKFD_H
#define MPTCPSHIM_SECCOMP_TASKFD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Copies len bytes at src in the task's memory. Returns 0, or an errno
 * value: EFAULT for a bad pointer (the task's own call then gets the
 * kernel's EFAULT), ESRCH if gone, EPERM if not permitted.
 */
int seccomp_task_copy(pid_t tid, void *dst, unsigned long src, size_t len);

/* Writes len bytes at dst in the task's memory; 0 or an errno value. */
int seccomp_task_write(pid_t tid, unsigned long dst, const void *src,
		       size_t len);

/* Our own descriptor (close-on-exec) of the task's fd, or -1 (errno). */
int seccomp_task_getfd(pid_t tid, int fd);

/*
 * NULL when the socket (copy: our descriptor of the task's fd) may be
 * replaced, else why not: another fd of the task, its parent or a child
 * holds it (dup, fork), or an epoll instance of theirs has it registered.
 * A socket passed with SCM_RIGHTS to an unrelated process, or still in
 * flight, is not seen (libmptcpshim(8)).
 */
const char *seccomp_task_socket_shared(pid_t tid, int fd, int copy);

/* Whether the task's fd is close-on-exec: 1, 0, or -1 if unknown. */
int seccomp_task_fd_cloexec(pid_t tid, int fd);

#endif
