/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `mib --explain`: counters, sysctls and path-manager state turned into
 * ranked plain-language reasons, each with its fix. The rules are one table
 * (explain.c) whose order is the ranking.
 */
#ifndef MPTCPSHIM_EXPLAIN_H
#define MPTCPSHIM_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "mib.h"
#include "pm_check.h"
#include "sysctl.h"

#define EXPLAIN_SYSCTL_DIR SYSCTL_MPTCP_DIR

/* The sysctls that matter; -1 / "" when unknown (older kernel, no MPTCP). */
struct explain_sysctl {
	bool present;			/* the directory exists */
	int enabled;
	char path_manager[32];		/* "kernel" | "userspace" (6.15+) */
	int pm_type;			/* 0 kernel, 1 userspace (older) */
	long blackhole_timeout;
	long syn_retrans_before_tcp_fallback;
	long stale_loss_cnt;
};

void explain_sysctl_init(struct explain_sysctl *s);

/* Sets one sysctl by its file name; unknown names are ignored. */
void explain_sysctl_set(struct explain_sysctl *s, const char *name,
			const char *value);

/* Reads dir (EXPLAIN_SYSCTL_DIR); present stays false when it is missing. */
void explain_sysctl_read(const char *dir, struct explain_sysctl *s);

struct explain_input {
	const struct mib_set *mib;	/* counters, absolute or deltas */
	const struct explain_sysctl *sys;
	const struct pm_state *pm;	/* NULL: path manager not readable */
};

struct explain_reason {
	const char *id;			/* stable rule id */
	char reason[320];		/* plain language */
	char evidence[256];		/* counters / settings that show it */
	char fix[256];
};

/* The reasons that apply, most likely first; returns how many (<= max). */
size_t explain_run(const struct explain_input *in,
		   struct explain_reason *out, size_t max);

/* The id of the first rule that reads counter, or NULL when none does. */
const char *explain_rule_reading(const char *counter);

#endif
