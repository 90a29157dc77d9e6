// SPDX-License-Identifier: BSD-3-Clause
/* The per-fd table: chunk mapping and the option log. */
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>

#include "fdtable.h"

/* Not in .bss (see SHIM_BIG_DATA in real.h): no mmap() at load. */
_Atomic(struct shim_fd *) shim_fd_chunks[SHIM_FD_MAX_CHUNKS]
	__attribute__((section("shim_big_data")));
uint8_t shim_fd_marks[SHIM_FD_MARKS] __attribute__((section("shim_big_data")));

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
	memset(entry->epoll, 0, sizeof(entry->epoll));
	entry->cookie = 0;
	if ((unsigned)fd < SHIM_FD_MARKS)
		shim_mark_store(fd, SHIM_MARK_TRACKED | SHIM_MARK_ENTRY);
	return entry;
}

/*
 * Options whose value points at memory or names an fd: replaying the
 * bytes later could read a dangling pointer or attach the wrong program.
 */
static bool value_is_reference(int level, int name)
{
	if (level != SOL_SOCKET)
		return false;
	switch (name) {
	case SO_ATTACH_FILTER:
	case SO_ATTACH_BPF:
	case SO_ATTACH_REUSEPORT_CBPF:
	case SO_ATTACH_REUSEPORT_EBPF:
		return true;
	default:
		return false;
	}
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
	    name != (int16_t)name || value_is_reference(level, name)) {
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
	/* epoll registrations stay behind: they are keyed by fd number. */
	to->cookie = from->cookie;	/* the same file */
	to->nopts = from->nopts;
	to->bound = from->bound;
	memcpy(to->opts, from->opts, sizeof(to->opts));
}

static void share_chunk(struct shim_fd *base, unsigned first)
{
	for (unsigned i = first; i < SHIM_FD_CHUNK_SIZE; i++)
		if (base[i].flags)
			base[i].flags |= SHIM_FD_SHARED;
}

void shim_fd_share_all(void)
{
	const uint64_t *words = (const uint64_t *)shim_fd_marks;
	struct shim_fd *base;

	/* Word at a time: a process has few sockets among 64 Ki numbers. */
	for (unsigned w = 0; w < SHIM_FD_MARKS / 8; w++) {
		if (!__atomic_load_n(&words[w], __ATOMIC_RELAXED))
			continue;
		for (unsigned fd = w * 8; fd < w * 8 + 8; fd++) {
			unsigned mark = shim_mark_load((int)fd);

			if (!mark || (mark & SHIM_MARK_SHARED))
				continue;
			shim_mark_store((int)fd, mark | SHIM_MARK_SHARED);
			if ((mark & SHIM_MARK_ENTRY) &&
			    (base = shim_fd_slot(fd)))
				base->flags |= SHIM_FD_SHARED;
		}
	}
	/* Beyond the byte map the entries are the only record. */
	for (unsigned c = SHIM_FD_MARKS >> SHIM_FD_CHUNK_BITS;
	     c < SHIM_FD_MAX_CHUNKS; c++) {
		base = atomic_load_explicit(&shim_fd_chunks[c],
					    memory_order_acquire);
		if (base)
			share_chunk(base, 0);
	}
}

void shim_fd_forget_range(unsigned first, unsigned last)
{
	unsigned limit = SHIM_FD_CHUNK_SIZE * SHIM_FD_MAX_CHUNKS - 1;

	if (last > limit)
		last = limit;
	for (unsigned fd = first; fd <= last && fd >= first; fd++) {
		/* Skip unmapped chunks beyond the byte map in one step. */
		if (fd >= SHIM_FD_MARKS && !shim_fd_slot((int)fd)) {
			fd |= SHIM_FD_CHUNK_SIZE - 1;
			continue;
		}
		shim_fd_forget((int)fd);
		shim_fd_handover_release((int)fd);
	}
}

void shim_fd_record_epoll(struct shim_fd *entry, int epfd, int op,
			  uint32_t events, uint64_t data)
{
	struct shim_epoll_reg *slot = NULL;

	for (unsigned i = 0; i < SHIM_FD_MAX_EPOLL; i++) {
		struct shim_epoll_reg *r = &entry->epoll[i];

		if (r->epfd1 == epfd + 1) {
			slot = r;
			break;
		}
		if (!r->epfd1 && !slot)
			slot = r;
	}
	if (op == EPOLL_CTL_DEL) {
		if (slot && slot->epfd1 == epfd + 1)
			slot->epfd1 = 0;
		return;
	}
	if (!slot) {
		/* A fourth epoll set: a rebuild would lose one of them. */
		entry->flags |= SHIM_FD_EPOLL_LOST;
		return;
	}
	slot->epfd1 = epfd + 1;
	slot->events = events;
	slot->data = data;
}
