/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The seccomp route's filter: only socket(AF_INET|AF_INET6, SOCK_STREAM
 * [|flags], 0|IPPROTO_TCP) of the native ABI goes to a user-space listener;
 * every other system call stays in the kernel.
 */
#ifndef MPTCPSHIM_SECCOMP_FILTER_H
#define MPTCPSHIM_SECCOMP_FILTER_H

#include <stdbool.h>
#include <linux/seccomp.h>

/* Newer than some build hosts' headers (user notification 5.0, ADDFD 5.9,
 * ADDFD_FLAG_SEND 5.14); Debian 12's 6.1 headers have them all. */
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif
#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE (1UL << 0)
#endif
#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1)
#endif

/* True when the filter can be built for this machine's system-call ABI. */
bool seccomp_filter_supported(void);

/*
 * True when installing a filter needs PR_SET_NO_NEW_PRIVS first: the
 * process lacks CAP_SYS_ADMIN in its user namespace.
 */
bool seccomp_filter_needs_nnp(void);

/*
 * Installs the filter on the calling thread (and what it will exec and
 * fork), setting no_new_privs first when needs_nnp. Returns the listener
 * fd (close-on-exec), or -1 with errno set (EINVAL: no user notification
 * in this kernel; EACCES: neither no_new_privs nor CAP_SYS_ADMIN).
 */
int seccomp_filter_install(bool needs_nnp);

/*
 * Whether this kernel lets a listener install a descriptor and answer in
 * one step (SECCOMP_ADDFD_FLAG_SEND, 5.14+), asked of listener_fd without
 * a pending notification. Returns 0 if so, else an errno value.
 */
int seccomp_filter_probe_addfd(int listener_fd);

#endif
