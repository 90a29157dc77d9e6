// SPDX-License-Identifier: BSD-3-Clause
/*
 * The layout of a compiled policy index (FILE.compiled), shared by its
 * reader/writer (policy_index.c) and its sums (policy_index_sums.c).
 */
#ifndef MPTCPSHIM_POLICY_INDEX_FORMAT_H
#define MPTCPSHIM_POLICY_INDEX_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "build_config.h"

#define INDEX_MAGIC "MPSHIDX1"
/* The format, and what the parser it was made for does with lines. */
#define INDEX_VERSION                                                          \
	(2u | (MPTCPSHIM_INIH_STRIPS_CONTINUATION_COMMENTS << 8) |             \
	 (MPTCPSHIM_INIH_DISCARDS_LONG_LINE_REST << 9))

struct index_seg {
	uint32_t offset, len, line;
};

struct index_app {
	uint32_t hash, next;	/* next: index + 1 of the next in the bucket */
	uint32_t name_off, name_len;
	struct index_seg seg;
};

struct index_header {
	char magic[8];
	uint32_t version, size;
	char shim_version[16];
	uint64_t dev, ino, src_size;
	int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
	uint32_t n_global, global_off;	/* struct index_seg[] */
	uint32_t n_buckets, buckets_off;	/* uint32_t[]: app index + 1 */
	uint32_t n_apps, apps_off;	/* struct index_app[] */
	uint32_t names_off, names_size;
	uint32_t sums_off;	/* uint32_t[n_buckets]: index_chain_sum() of each */
	uint32_t sum;		/* index_head_sum(): this header and the globals */
};

/* An array of n items of size bytes at off lies inside the index, at an
 * offset its items may be read at (4: every array but the names is of
 * 32-bit words; a misaligned read is a SIGBUS on some machines). */
static inline bool index_inside(const struct index_header *h, uint32_t off, uint64_t n,
		   size_t size)
{
	return off <= h->size && n * size <= h->size - off &&
	       (size == 1 || off % 4 == 0);
}

/* Sums, so that a damaged table is refused rather than read as "this
 * program has no section": see policy_index_sums.c. */
uint32_t index_head_sum(const char *base, size_t size);
uint32_t index_chain_sum(const char *base, const struct index_header *h,
			 uint32_t bucket);
void index_store_sums(char *buf, size_t size);
bool index_chains_intact(const char *base);

#endif
