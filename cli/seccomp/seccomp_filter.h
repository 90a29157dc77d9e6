/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The seccomp route's filter: socket(AF_INET|AF_INET6, SOCK_STREAM
 * [|flags], 0|IPPROTO_TCP) of the native ABI goes to a user-space listener,
 * and, only as the policy needs them, connect(), TCP Fast Open sends,
 * listen() and setsockopt() of the options MPTCP refuses; every other
 * system call stays in the kernel.
 */
#ifndef MPTCPSHIM_SECCOMP_FILTER_H
#define MPTCPSHIM_SECCOMP_FILTER_H

#include <stdbool.h>
#include <stddef.h>
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
#ifndef SECCOMP_ADDFD_FLAG_SETFD
#define SECCOMP_ADDFD_FLAG_SETFD (1UL << 0)
#endif
/* 5.19: once received, only a fatal signal ends the task's wait. */
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
/* 6.6: the task hands its CPU to the supervisor (Debian 12 lacks both). */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

struct policy;

/* What the filter traps beyond the TCP socket(). */
#define SECCOMP_MAX_OPTIONS 64
struct seccomp_option {
	int level, name;
};
struct seccomp_filter_plan {
	bool connect;	/* connect(), sendto/sendmsg with MSG_FASTOPEN */
	bool listen;	/* listen() */
	bool stats;	/* --stats: close(), shutdown(), exit_group(), listen() */
	size_t n_options;	/* setsockopt() of these pairs, by level */
	struct seccomp_option options[SECCOMP_MAX_OPTIONS];
};

/*
 * The plan for every program policy may name (names_matter: apps.d files
 * exist, whose rules are unknown until a program is named, so everything
 * a rule could need is trapped): connect() when some program's view
 * decides at connect, listen() likewise, and the option table's pairs
 * unless every program lets MPTCP's refusals through (unsupported_option
 * = fail, no per-option mode).
 */
void seccomp_filter_plan_for(const struct policy *policy, bool names_matter,
			     struct seccomp_filter_plan *plan);

/* The plan from the files the shim reads (MPTCPSHIM_CONFIG included);
 * socket() alone when they cannot be read. */
void seccomp_filter_plan_default(struct seccomp_filter_plan *plan);

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
 * Where the kernel has it (5.19+), the filter is made with
 * SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, so that a signal arriving after
 * the supervisor took the notification cannot end the task's socket()
 * with an EINTR the kernel itself would never give; older kernels refuse
 * the flag with EINVAL and get the filter without it.
 */
int seccomp_filter_install(bool needs_nnp);
/* The same with a given plan (seccomp_filter_install() makes it from the
 * standard policy sources, MPTCPSHIM_CONFIG included). */
int seccomp_filter_install_plan(bool needs_nnp,
				const struct seccomp_filter_plan *plan);

/*
 * Whether this kernel lets a listener install a descriptor and answer in
 * one step (SECCOMP_ADDFD_FLAG_SEND, 5.14+), asked of listener_fd without
 * a pending notification. Returns 0 if so, else an errno value.
 */
int seccomp_filter_probe_addfd(int listener_fd);

#endif
