/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sockets the supervisor made MPTCP, by inode: the library tracks the
 * sockets it converted and leaves alone the ones a program asked MPTCP for
 * itself; the supervisor tells them apart with this.
 */
#ifndef MPTCPSHIM_SECCOMP_OURS_H
#define MPTCPSHIM_SECCOMP_OURS_H

#include <stdbool.h>

/* sock (ours, about to be installed in a task) is one of them. */
void seccomp_ours_note(int sock);
void seccomp_ours_note_inode(unsigned long ino);

/* Whether copy (our descriptor of a task's socket) is one of them. */
bool seccomp_ours_is(int copy);

#endif
