// SPDX-License-Identifier: BSD-3-Clause
/*
 * Open addressing with linear probing, at most half full, the full hash
 * kept per slot so that a probe compares strings only on a real match.
 */
#include <stdlib.h>
#include <string.h>

#include "name_index.h"

/* FNV-1a: short names, no adversary worth a keyed hash (the files are
 * the user's or root's own, and at most 1 MiB). */
static uint32_t hash_name(const char *name)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static struct name_slot *probe(struct name_slot *slots, size_t cap,
			       const char *name, uint32_t hash)
{
	size_t i = hash & (cap - 1);

	while (slots[i].name &&
	       (slots[i].hash != hash || strcmp(slots[i].name, name) != 0))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

long name_index_find(const struct name_index *ix, const char *name)
{
	const struct name_slot *s;

	if (!ix->cap)
		return -1;
	s = probe(ix->slots, ix->cap, name, hash_name(name));
	return s->name ? (long)s->value : -1;
}

static bool grow(struct name_index *ix)
{
	size_t cap = ix->cap ? ix->cap * 2 : 64;
	struct name_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return false;
	for (size_t i = 0; i < ix->cap; i++)
		if (ix->slots[i].name)
			*probe(slots, cap, ix->slots[i].name,
			       ix->slots[i].hash) = ix->slots[i];
	free(ix->slots);
	ix->slots = slots;
	ix->cap = cap;
	return true;
}

bool name_index_add(struct name_index *ix, const char *name, uint32_t value)
{
	uint32_t hash = hash_name(name);

	if ((ix->count + 1) * 2 > ix->cap && !grow(ix))
		return false;
	*probe(ix->slots, ix->cap, name, hash) =
		(struct name_slot){ name, hash, value };
	ix->count++;
	return true;
}

void name_index_release(struct name_index *ix)
{
	free(ix->slots);
	*ix = (struct name_index){ 0 };
}
