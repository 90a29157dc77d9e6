// SPDX-License-Identifier: BSD-3-Clause
/* The per-fd table: chunk mapping and the option log. */
#include <string.h>
#include <sys/mman.h>

#include "fdtable.h"

_Atomic(struct shim_fd *) shim_fd_chunks[SHIM_FD_MAX_CHUNKS];
uint8_t shim_fd_marks[SHIM_FD_MARKS];

/*
 * mmap rather than malloc: this can run in a signal handler or a vfork
 * child, and a chunk that loses the publication race is simply unmapped.
 */
static struct shim_fd *map_chunk(unsigned chunk)
{
	size_t size = sizeof(struct shim_fd) * SHIM_FD_CHUNK_SIZE;
	struct shim_fd *expected = NULL;
	struct shim_fd *fresh;

	fresh = mmap(NULL, size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fresh == MAP_FAILED)
		return NULL;
	if (!atomic_compare_exchange_strong_explicit(
		    &shim_fd_chunks[chunk], &expected, fresh,
		    memory_order_acq_rel, memory_order_acquire)) {
		munmap(fresh, size);
		return expected;
	}
	return fresh;
}

struct shim_fd *shim_fd_slot_slow(int fd)
{
	unsigned chunk = (unsigned)fd >> SHIM_FD_CHUNK_BITS;
	struct shim_fd *base;

	if (fd < 0 || chunk >= SHIM_FD_MAX_CHUNKS)
		return NULL;
	base = atomic_load_explicit(&shim_fd_chunks[chunk],
				    memory_order_acquire);
	if (!base)
		base = map_chunk(chunk);
	if (!base)
		return NULL;
	return base + ((unsigned)fd & (SHIM_FD_CHUNK_SIZE - 1));
}

static uint32_t head_for(unsigned flags, int domain, int protocol)
{
	unsigned origin = (domain == AF_INET6 ? SHIM_FD_INET6 : 0) |
			  (protocol == IPPROTO_TCP ? SHIM_FD_PROTO_TCP : 0);

	return (uint32_t)(flags | SHIM_FD_TRACKED) | (origin << 24);
}

struct shim_fd *shim_fd_claim(int fd, int domain, int protocol,
			      unsigned flags)
{
	struct shim_fd *entry = shim_fd_slot_slow(fd);

	if (!entry)
		return NULL;
	entry->head = head_for(flags, domain, protocol);
	if ((unsigned)fd < SHIM_FD_MARKS)
		shim_fd_marks[fd] = SHIM_MARK_TRACKED | SHIM_MARK_ENTRY;
	return entry;
}

struct shim_fd *shim_fd_promote(int fd)
{
	unsigned mark = shim_fd_marks[fd];

	return shim_fd_claim(fd, mark & SHIM_MARK_INET6 ? AF_INET6 : AF_INET,
			     mark & SHIM_MARK_PROTO_TCP ? IPPROTO_TCP : 0,
			     mark & SHIM_MARK_MPTCP ? SHIM_FD_MPTCP : 0);
}

const struct shim_optrec *shim_fd_find_opt(const struct shim_fd *entry,
					   int level, int name)
{
	for (unsigned i = 0; i < entry->nopts; i++)
		if (entry->opts[i].level == level &&
		    entry->opts[i].name == name)
			return &entry->opts[i];
	return NULL;
}

void shim_fd_record_opt(struct shim_fd *entry, int level, int name,
			const void *value, unsigned len, bool ignored)
{
	struct shim_optrec *rec;

	rec = (struct shim_optrec *)shim_fd_find_opt(entry, level, name);
	if (len > sizeof(rec->value) || level != (int16_t)level ||
	    name != (int16_t)name) {
		/* The stale record would replay an old value: worse than none. */
		entry->flags |= SHIM_FD_UNREPLAYABLE;
		return;
	}
	if (!rec) {
		if (entry->nopts >= SHIM_FD_MAX_OPTS) {
			entry->flags |= SHIM_FD_UNREPLAYABLE;
			return;
		}
		rec = &entry->opts[entry->nopts++];
	}
	rec->level = (int16_t)level;
	rec->name = (int16_t)name;
	rec->len = (uint8_t)len;
	rec->ignored = ignored;
	if (ignored)
		entry->flags |= SHIM_FD_HAS_IGNORED;
	memcpy(rec->value, value, len);
}

void shim_fd_share(int oldfd, int newfd)
{
	struct shim_fd *from = shim_fd_get(oldfd);
	struct shim_fd *to;

	shim_fd_forget(newfd);
	if (!from)
		return;
	from->flags |= SHIM_FD_SHARED;
	to = shim_fd_claim(newfd, shim_fd_domain(from), shim_fd_protocol(from),
			   from->flags);
	if (!to)
		return;
	to->nopts = from->nopts;
	to->bound = from->bound;
	memcpy(to->opts, from->opts, sizeof(to->opts));
}
