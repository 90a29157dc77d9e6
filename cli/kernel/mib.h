/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MPTcpExt counters of /proc/net/netstat, read by header name so that
 * counters a kernel adds or removes pass through without code changes.
 */
#ifndef MPTCPSHIM_MIB_H
#define MPTCPSHIM_MIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define MIB_NETSTAT "/proc/net/netstat"
#define MIB_NAME_MAX 64

struct mib_counter {
	char name[MIB_NAME_MAX];
	unsigned long long value;
};

/* Counters in the kernel's order. */
struct mib_set {
	struct mib_counter *v;
	size_t n;
};

/*
 * Reads the MPTcpExt header/value pair from a netstat-format stream.
 * Returns 0; 1 when the stream has no MPTcpExt lines (kernel without
 * MPTCP: set left empty); -1 with errno set on a malformed pair (EBADMSG)
 * or no memory.
 */
int mib_parse(FILE *fp, struct mib_set *set);

/* mib_parse() on a file, normally MIB_NETSTAT; -1 also if unreadable. */
int mib_read(const char *path, struct mib_set *set);

void mib_free(struct mib_set *set);

/* The counter called name, or NULL when this kernel has none. */
const struct mib_counter *mib_find(const struct mib_set *set,
				   const char *name);

/* The value of name, 0 when absent (absent and zero mean the same here). */
unsigned long long mib_value(const struct mib_set *set, const char *name);

/* Gauges (MPCurrEstab) are levels, not counts: never turned into deltas. */
bool mib_is_gauge(const char *name);

/*
 * after - before, by name, in after's order; a gauge keeps its value and a
 * counter that went backwards (namespace recreated) keeps after's value.
 * Returns 0 or -1 (no memory).
 */
int mib_delta(const struct mib_set *before, const struct mib_set *after,
	      struct mib_set *delta);

#endif
