/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the supervisor knows about a trapped task, read from /proc: its
 * program names (for the policy), its process id (for stats) and its
 * network namespace; plus the per-program policy views and the stats
 * records written in the shim's format (stats_record.h).
 */
#ifndef MPTCPSHIM_SECCOMP_TASK_H
#define MPTCPSHIM_SECCOMP_TASK_H

#include <stdbool.h>
#include <sys/types.h>

#include "policy.h"
#include "stats_events.h"
#include "stats_record.h"

struct seccomp_task {
	pid_t tid;			/* as the notification gave it */
	pid_t tgid;			/* the process (for stats records) */
	char exe_name[STATS_PROGRAM_MAX];	/* basename of /proc/TID/exe */
	char argv0_name[STATS_PROGRAM_MAX];	/* basename of argv[0] */
	unsigned long long netns_dev, netns_ino;	/* its network namespace */
};

/*
 * Reads the task's facts; tgid is read only when want_tgid (stats).
 * Returns 0, or -1 when the task is gone or /proc cannot be read.
 * Callers must check the notification is still valid afterwards: the
 * numbers may have been reused.
 */
int seccomp_task_read(pid_t tid, bool want_tgid, struct seccomp_task *t);

/* Only the task's network namespace (tgid = tid, no names): 0 or -1. */
int seccomp_task_read_netns(pid_t tid, struct seccomp_task *t);

/*
 * Enters the task's network namespace if the supervisor is not in it
 * (opened only then: most tasks share the supervisor's). Returns 0, or
 * an errno value (EPERM when not permitted).
 */
int seccomp_task_enter_netns(const struct seccomp_task *t);

/* The policy view for the task's program, loaded on first use; never NULL
 * (the built-in defaults when the files cannot be loaded). */
const struct policy_view *seccomp_policy_for(const struct seccomp_task *t);

/*
 * The one view of every program when the policy cannot tell programs apart
 * (no [app:NAME], no apps.d/NAME.conf: policy_names_matter), loaded on
 * first use; else NULL, and seccomp_policy_for() must be asked per task.
 * Policy problems are reported once, when loaded.
 */
const struct policy_view *seccomp_policy_shared(void);

/* Stats records ($MPTCPSHIM_STATS), made by the library's own writer
 * (stats_events.h) with the task's pid and program; a no-op when stats
 * are off. */
void seccomp_record_open(void);
struct seccomp_task_writer {
	struct stats_writer writer;	/* first: the writer is the struct */
	const struct seccomp_task *task;
};
void seccomp_task_writer_init(struct seccomp_task_writer *w,
			      const struct seccomp_task *t);

#endif
