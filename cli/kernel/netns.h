/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading another network namespace: a child process joins it (setns)
 * and does the reading there, so that /proc/net, /proc/sys/net and every
 * netlink socket it opens are the namespace's own, while the caller stays
 * where it is.
 */
#ifndef MPTCPSHIM_NETNS_H
#define MPTCPSHIM_NETNS_H

#include <stddef.h>
#include <stdio.h>

/*
 * Opens the namespace spec names: a name under /run/netns (as `ip netns`
 * makes them), a process id (its /proc/PID/ns/net) or an absolute path of
 * a namespace file. Returns an O_CLOEXEC fd, or -1 with errno (ENOENT: no
 * such name or process; EINVAL: not a network namespace).
 */
int netns_open(const char *spec);

/*
 * Runs fn(fp, arg) in a child that joined the namespace of nsfd; what fn
 * writes to fp is returned in *out (malloc'd, NUL-terminated, *len
 * bytes). Returns fn's result (0..255), or -1 with errno when the child
 * could not be started or could not join (EPERM: CAP_SYS_ADMIN needed),
 * after printing nothing: the caller says why.
 */
int netns_call(int nsfd, int (*fn)(FILE *fp, void *arg), void *arg,
	       char **out, size_t *len);

/* "host" when this process is in PID 1's network namespace, else "self"
 * (also when PID 1's cannot be read): the label of the own namespace. */
const char *netns_own_label(void);

#endif
