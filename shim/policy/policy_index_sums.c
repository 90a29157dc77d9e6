// SPDX-License-Identifier: BSD-3-Clause
/*
 * The compiled index's sums (policy_index_format.h).
 */
#include <string.h>

#include "policy_index_format.h"

/* Sums, so that a damaged table is refused rather than read as "this
 * program has no section" (its settings silently lost): the reader's bounds
 * checks stop out-of-bounds reads, not that. Not one sum of the whole
 * index: at the 1 MiB limit it is 3 MiB, 30 times the process's start-up;
 * the header and globals are checked, and only the one hash chain each
 * lookup walks. */
static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static uint32_t fold(uint64_t h)
{
	return (uint32_t)(h ^ (h >> 32));
}

/* The header (its sum as 0) and the global segments. */
uint32_t index_head_sum(const char *base, size_t size)
{
	struct index_header h;
	uint64_t sum = 0xcbf29ce484222325ull;

	memcpy(&h, base, sizeof(h));
	h.sum = 0;
	sum = mix(sum, &h, sizeof(h));
	if (h.global_off <= size &&
	    (uint64_t)h.n_global * sizeof(struct index_seg) <=
		    size - h.global_off)
		sum = mix(sum, base + h.global_off,
			  (size_t)h.n_global * sizeof(struct index_seg));
	else
		sum = ~sum;
	return fold(sum);
}

/* The sum of bucket b's chain (its entries and their names), walked as
 * find_app() walks it; every step bounded by the index. */
uint32_t index_chain_sum(const char *base, const struct index_header *h,
			  uint32_t b)
{
	const uint32_t *buckets = (const uint32_t *)(base + h->buckets_off);
	const struct index_app *apps =
		(const struct index_app *)(base + h->apps_off);
	uint64_t sum = mix(0xcbf29ce484222325ull, &b, sizeof(b));
	uint32_t at = buckets[b], steps = 0;

	while (at != 0 && at <= h->n_apps && steps++ < h->n_apps) {
		const struct index_app *a = &apps[at - 1];

		sum = mix(sum, a, sizeof(*a));
		if (a->name_off <= h->names_size &&
		    a->name_len <= h->names_size - a->name_off)
			sum = mix(sum, base + h->names_off + a->name_off,
				  a->name_len);
		else
			sum = ~sum;
		at = a->next;
	}
	if (at != 0)
		sum = ~sum;	/* out of range, or a loop */
	return fold(sum);
}

/* Writes the chains' sums and the header's (the tables must be inside:
 * the fuzzer's junk may not be). */
void index_store_sums(char *buf, size_t size)
{
	struct index_header h;

	memcpy(&h, buf, sizeof(h));
	if (h.size == size && h.n_buckets > 0 &&
	    index_inside(&h, h.buckets_off, h.n_buckets, sizeof(uint32_t)) &&
	    index_inside(&h, h.apps_off, h.n_apps, sizeof(struct index_app)) &&
	    index_inside(&h, h.names_off, h.names_size, 1) &&
	    index_inside(&h, h.sums_off, h.n_buckets, sizeof(uint32_t)))
		for (uint32_t b = 0; b < h.n_buckets; b++) {
			uint32_t sum = index_chain_sum(buf, &h, b);

			memcpy(buf + h.sums_off + b * sizeof(sum), &sum,
			       sizeof(sum));
		}
	h.sum = index_head_sum(buf, size);
	memcpy(buf + offsetof(struct index_header, sum), &h.sum,
	       sizeof(h.sum));
}

/* Every chain, for 'policy check' (the shim checks only the one it
 * walks). */
bool index_chains_intact(const char *base)
{
	const struct index_header *h = (const struct index_header *)base;
	const uint32_t *sums = (const uint32_t *)(base + h->sums_off);

	for (uint32_t b = 0; b < h->n_buckets; b++)
		if (index_chain_sum(base, h, b) != sums[b])
			return false;
	return true;
}

