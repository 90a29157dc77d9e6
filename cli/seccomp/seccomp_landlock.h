/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Landlock on the seccomp route and in the launcher: a program whose
 * domain restricts TCP (rules the kernel does not apply to MPTCP) keeps
 * TCP. The launcher asks once, for the domain the program inherits; the
 * filter also traps landlock_restrict_self, after which the supervisor
 * keeps TCP for every later socket of the tree it serves. Every process,
 * not only the caller: a domain is inherited by the children forked after
 * the call, and an orphan's parentage is lost; and the supervisor cannot
 * see which accesses the new domain handles. TCP is the safe side.
 */
#ifndef MPTCPSHIM_SECCOMP_LANDLOCK_H
#define MPTCPSHIM_SECCOMP_LANDLOCK_H

#include <stdbool.h>
#include <linux/types.h>
#include <sys/types.h>

#include "landlock_probe.h"

/* This process's domain restricts TCP and not MPTCP (asked once). */
bool landlock_launcher_restricted(void);

/*
 * The supervisor: task tid's landlock_restrict_self, notification id,
 * still waiting (answered CONTINUE afterwards). Its process's MPTCP
 * sockets that are not listening or connected yet are switched to TCP
 * (seccomp_switch(): same number, flags, options and bound address, under
 * the rebuild's safety rule), so that the rules hold them too. Returns
 * how many were switched.
 */
int seccomp_landlock_noted(int listener, __u64 id, pid_t tid);

/* The supervisor: a process of the tree has called it. */
bool seccomp_landlock_restricted(void);

#endif
