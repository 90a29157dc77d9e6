/* SPDX-License-Identifier: BSD-3-Clause */
/* --stats on the seccomp route: connections' fates (seccomp_fate.c). */
#ifndef MPTCPSHIM_SECCOMP_FATE_H
#define MPTCPSHIM_SECCOMP_FATE_H

#include <sys/types.h>

#include "stats_events.h"

/* An MPTCP socket of the task's (copy: ours of it) listens: what it
 * accepts is counted as the library counts accepted connections. */
void seccomp_fate_listening(pid_t tgid, int copy);

/* The task closes or shuts down fd: its connection's fate, subflows. */
void seccomp_fate_closing(const struct stats_writer *w, pid_t tid,
			  pid_t tgid, int fd);

/* The process exits: the fates of the connections it still holds. */
void seccomp_fate_exiting(const struct stats_writer *w, pid_t tid,
			  pid_t tgid);

#endif
