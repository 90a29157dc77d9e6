/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the shim knows about each socket it created: whether it is MPTCP now,
 * what the application asked for, and the options it set (to replay them on a
 * rebuilt socket). Indexed by fd in lazily mapped chunks, so lookups take no
 * lock and allocate nothing; a chunk is mapped once, on the first socket whose
 * fd falls into it.
 */
#ifndef MPTCPSHIM_FDTABLE_H
#define MPTCPSHIM_FDTABLE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

enum shim_fd_flag {
	SHIM_FD_TRACKED = 1 << 0,	/* a TCP candidate created through us */
	SHIM_FD_MPTCP = 1 << 1,		/* currently IPPROTO_MPTCP */
	SHIM_FD_CONNECTING = 1 << 2,	/* connect() issued */
	SHIM_FD_LISTENING = 1 << 3,	/* listen() succeeded */
	SHIM_FD_UNREPLAYABLE = 1 << 4,	/* an option did not fit the log */
	SHIM_FD_APP_KEEPALIVE = 1 << 5,	/* the app set a keepalive option */
	SHIM_FD_CLASSIFIED = 1 << 6,	/* fallback state already learnt */
	SHIM_FD_ACCEPTED = 1 << 7,	/* came from accept() on our listener */
	SHIM_FD_BOUND = 1 << 8,		/* bind() succeeded */
	SHIM_FD_FALLBACK = 1 << 9,	/* handshake fell back to TCP */
	SHIM_FD_DECIDED = 1 << 10,	/* destination decision already made */
	SHIM_FD_KEEPALIVE_SET = 1 << 11, /* policy keepalive applied */
	SHIM_FD_HAS_IGNORED = 1 << 12,	/* some option record is ignored */
};

/* One setsockopt() the application made; replayed after a rebuild. */
struct shim_optrec {
	int16_t level;
	int16_t name;
	uint8_t len;
	uint8_t ignored;	/* accepted by us, not by the kernel */
	uint8_t pad[2];
	unsigned char value[24];
};

#define SHIM_FD_MAX_OPTS 7

struct shim_fd {
	uint16_t flags;
	uint8_t nopts;
	uint8_t pad;
	int32_t type;		/* socket() type argument, with flag bits */
	int32_t protocol;	/* socket() protocol argument (0 or TCP) */
	int32_t domain;
	struct shim_optrec opts[SHIM_FD_MAX_OPTS];
};

#define SHIM_FD_CHUNK_BITS 10
#define SHIM_FD_CHUNK_SIZE (1 << SHIM_FD_CHUNK_BITS)
#define SHIM_FD_MAX_CHUNKS 1024	/* fds below 1 Mi are tracked */

extern _Atomic(struct shim_fd *) shim_fd_chunks[SHIM_FD_MAX_CHUNKS];

/* The entry for fd, or NULL when fd was never tracked. */
static inline struct shim_fd *shim_fd_get(int fd)
{
	unsigned chunk = (unsigned)fd >> SHIM_FD_CHUNK_BITS;
	struct shim_fd *base;

	if (chunk >= SHIM_FD_MAX_CHUNKS)
		return NULL;
	base = atomic_load_explicit(&shim_fd_chunks[chunk],
				    memory_order_acquire);
	if (!base)
		return NULL;
	base += (unsigned)fd & (SHIM_FD_CHUNK_SIZE - 1);
	return base->flags ? base : NULL;
}

/* A fresh entry for fd (mapping its chunk if needed); NULL if untrackable. */
struct shim_fd *shim_fd_claim(int fd, int domain, int type, int protocol);

/* Drops what is known about fd; cheap when nothing is. */
static inline void shim_fd_forget(int fd)
{
	struct shim_fd *entry = shim_fd_get(fd);

	if (entry)
		entry->flags = 0;
}

/* Records one option set by the application (replacing an earlier value). */
void shim_fd_record_opt(struct shim_fd *entry, int level, int name,
			const void *value, unsigned len, bool ignored);

/* The recorded option, or NULL. */
const struct shim_optrec *shim_fd_find_opt(const struct shim_fd *entry,
					   int level, int name);

#endif
