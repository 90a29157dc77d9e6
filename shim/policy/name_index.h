/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Names -> small integers in expected O(1): the policy's section and
 * program names. A policy may have tens of thousands of [app:NAME]
 * sections (1 MiB of them), and the parser and the merge each look every
 * one up, so a scan per lookup would make loading quadratic.
 */
#ifndef MPTCPSHIM_NAME_INDEX_H
#define MPTCPSHIM_NAME_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct name_slot {
	const char *name;	/* not owned; NULL: free slot */
	uint32_t hash;
	uint32_t value;
};

struct name_index {
	struct name_slot *slots;
	size_t cap;		/* 0 or a power of two */
	size_t count;
};

/* The value stored for name, or -1. */
long name_index_find(const struct name_index *ix, const char *name);
/* Stores name -> value; name must not be in the index and must outlive
 * it. Returns false when out of memory (the index is unchanged). */
bool name_index_add(struct name_index *ix, const char *name, uint32_t value);
void name_index_release(struct name_index *ix);

#endif
