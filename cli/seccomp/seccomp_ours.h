/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which MPTCP sockets are the route's to act on: the library tracks the
 * sockets it converted and leaves alone those a program asked MPTCP for
 * itself (socket(..., IPPROTO_MPTCP)). The supervisor tells them apart the
 * other way round, so that the common case pays nothing: where a later
 * rule needs it, the filter also traps the program's own MPTCP socket(),
 * which the supervisor then makes itself and remembers (by inode); every
 * other MPTCP socket (made by the supervisor, switched, or accepted from
 * one of those listeners) is the route's.
 */
#ifndef MPTCPSHIM_SECCOMP_OURS_H
#define MPTCPSHIM_SECCOMP_OURS_H

#include <stdbool.h>

/* sock (made by the supervisor for the program's own MPTCP socket()) is
 * the program's: never switched, never rescued. */
void seccomp_ours_note_theirs(int sock);

/* Whether copy (our descriptor of a task's MPTCP socket) is the route's. */
bool seccomp_ours_is(int copy);

#endif
