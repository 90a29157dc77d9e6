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
#include <netinet/in.h>
#include <sys/socket.h>

enum shim_fd_flag {
	SHIM_FD_TRACKED = 1 << 0,	/* a TCP candidate created through us */
	SHIM_FD_MPTCP = 1 << 1,		/* currently IPPROTO_MPTCP */
	SHIM_FD_CONNECTING = 1 << 2,	/* connect() issued */
	SHIM_FD_LISTENING = 1 << 3,	/* listen() succeeded */
	SHIM_FD_UNREPLAYABLE = 1 << 4,	/* an option cannot be replayed */
	SHIM_FD_EPOLL_LOST = 1 << 5,	/* epoll sets beyond what we record */
	SHIM_FD_FATE_KNOWN = 1 << 6,	/* MPTCP or fallen back: learnt */
	SHIM_FD_ACCEPTED = 1 << 7,	/* came from accept() on our listener */
	SHIM_FD_BOUND = 1 << 8,		/* bind() succeeded */
	SHIM_FD_FALLBACK = 1 << 9,	/* handshake fell back to TCP */
	SHIM_FD_DECIDED = 1 << 10,	/* destination decision already made */
	SHIM_FD_KEEPALIVE_SET = 1 << 11, /* policy keepalive applied */
	SHIM_FD_HAS_IGNORED = 1 << 12,	/* some option record is ignored */
	SHIM_FD_REPORTED = 1 << 13,	/* subflows already read for stats */
	/* Another fd or process holds the socket: dup(), fork(), SCM_RIGHTS. */
	SHIM_FD_SHARED = 1 << 14,
	/* connect() reached the kernel: it now refuses listen() (EINVAL),
	 * even after the attempt failed. */
	SHIM_FD_CONNECT_TRIED = 1 << 15,
};

/*
 * The one rule for "may the shim replace this socket", as far as the table
 * knows; shim_rebuild() then asks the kernel too (state CLOSE, no peer).
 * Accepted, connecting and listening sockets have a peer or a queue; a
 * shared one would leave its other holders on the old socket; an
 * unreplayable option log or an epoll set we did not record would lose
 * something the app set up.
 */
#define SHIM_FD_NOT_REBUILDABLE                                                \
	(SHIM_FD_CONNECTING | SHIM_FD_LISTENING | SHIM_FD_UNREPLAYABLE |       \
	 SHIM_FD_ACCEPTED | SHIM_FD_SHARED | SHIM_FD_EPOLL_LOST)

/* One setsockopt() the application made; replayed after a rebuild. */
struct shim_optrec {
	int16_t level;
	int16_t name;
	uint8_t len;
	uint8_t ignored;	/* accepted by us, not by the kernel */
	uint8_t pad[2];
	/* Enough for every TCP/IP option value but keys and filters (a
	 * timeval, an interface or congestion-control name: 16 bytes). */
	unsigned char value[16];
};

#define SHIM_FD_MAX_OPTS 7

/* One epoll set the socket is in, as the app registered it: a rebuild
 * re-registers the new socket, since the old registration dies with the
 * old file. epfd1 is the epoll fd + 1 (0: slot free). */
struct shim_epoll_reg {
	int32_t epfd1;
	uint32_t events;
	uint64_t data;
};

#define SHIM_FD_MAX_EPOLL 3

/* How the app created the socket: all a rebuild needs besides the fd. */
enum shim_fd_origin {
	SHIM_FD_INET6 = 1 << 0,		/* AF_INET6, else AF_INET */
	SHIM_FD_PROTO_TCP = 1 << 1,	/* protocol IPPROTO_TCP, else 0 */
};

struct shim_fd {
	/* One word, so that socket() claims an entry with a single store. */
	union {
		struct {
			uint16_t flags;
			uint8_t nopts;
			uint8_t origin;
		};
		uint32_t head;
	};
	/* The address bind() gave, so listen() can ask the policy without a
	 * getsockname() of its own. */
	struct sockaddr_in6 bound;
	struct shim_optrec opts[SHIM_FD_MAX_OPTS];
	struct shim_epoll_reg epoll[SHIM_FD_MAX_EPOLL];
	/* The file this entry is for (SO_COOKIE; 0 not taken): a number can
	 * change files behind the hooks (fdidentity.h). */
	uint64_t cookie;
};

_Static_assert(sizeof(struct shim_fd) == 256, "entries are indexed by shift");

#define SHIM_FD_CHUNK_BITS 10
#define SHIM_FD_CHUNK_SIZE (1 << SHIM_FD_CHUNK_BITS)
#define SHIM_FD_MAX_CHUNKS 1024	/* fds below 1 Mi are tracked */

extern _Atomic(struct shim_fd *) shim_fd_chunks[SHIM_FD_MAX_CHUNKS];

/* The slot for fd when its chunk is mapped, tracked or not; else NULL. */
static inline struct shim_fd *shim_fd_slot(int fd)
{
	unsigned chunk = (unsigned)fd >> SHIM_FD_CHUNK_BITS;
	struct shim_fd *base;

	if (__builtin_expect(chunk >= SHIM_FD_MAX_CHUNKS, 0))
		return NULL;
	base = atomic_load_explicit(&shim_fd_chunks[chunk],
				    memory_order_acquire);
	if (!base)
		return NULL;
	return base + ((unsigned)fd & (SHIM_FD_CHUNK_SIZE - 1));
}

/*
 * socket() and close() touch only a byte per fd: the full entry above is
 * filled in the first time another hook needs it. fds beyond the byte map
 * use entries straight away.
 */
#define SHIM_FD_MARKS 65536

enum shim_fd_mark {
	SHIM_MARK_TRACKED = 1 << 0,
	SHIM_MARK_MPTCP = 1 << 1,
	/* The bits AF_INET6 (10) and IPPROTO_TCP (6) have and AF_INET (2)
	 * and protocol 0 lack: socket() computes its mark with an or. */
	SHIM_MARK_PROTO_TCP = 1 << 2,
	SHIM_MARK_INET6 = 1 << 3,
	SHIM_MARK_SHARED = 1 << 4,	/* existed at a fork() */
	SHIM_MARK_ENTRY = 1 << 7,	/* the full entry is authoritative */
};

extern uint8_t shim_fd_marks[SHIM_FD_MARKS] __attribute__((visibility("hidden")));

/*
 * The kernel orders a close() of an fd before the call that returns the
 * same number to another thread, and with it every use of the number's
 * entry: ThreadSanitizer cannot see that, so TSan builds tell it (release
 * before the close, acquire after the number comes back). Nothing in
 * other builds.
 */
#if defined(__SANITIZE_THREAD__)
#define SHIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SHIM_TSAN 1
#endif
#endif

/*
 * A number's mark is used by one thread at a time, in the order the kernel
 * hands the number out: plain byte moves. TSan builds use relaxed atomics
 * so that a number reused by another thread is not taken for a race; the
 * others keep the plain moves, which the compiler folds into the test
 * (two instructions fewer on the close() path).
 */
#ifdef SHIM_TSAN
static inline unsigned shim_mark_load(int fd)
{
	return __atomic_load_n(&shim_fd_marks[fd], __ATOMIC_RELAXED);
}

static inline void shim_mark_store(int fd, unsigned mark)
{
	__atomic_store_n(&shim_fd_marks[fd], (uint8_t)mark, __ATOMIC_RELAXED);
}
#else
static inline unsigned shim_mark_load(int fd)
{
	return shim_fd_marks[fd];
}

static inline void shim_mark_store(int fd, unsigned mark)
{
	shim_fd_marks[fd] = (uint8_t)mark;
}
#endif
#ifdef SHIM_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
static inline void shim_fd_handover_release(int fd)
{
	__tsan_release(&shim_fd_marks[(unsigned)fd % SHIM_FD_MARKS]);
}
static inline void shim_fd_handover_acquire(int fd)
{
	__tsan_acquire(&shim_fd_marks[(unsigned)fd % SHIM_FD_MARKS]);
}
#else
static inline void shim_fd_handover_release(int fd)
{
	(void)fd;
}
static inline void shim_fd_handover_acquire(int fd)
{
	(void)fd;
}
#endif

/* Maps fd's chunk (first socket in it) and returns the slot, or NULL. */
struct shim_fd *shim_fd_slot_slow(int fd);

/* Builds the full entry of a marked fd (fdidentity.c: the file is checked
 * against the mark, its identity taken); NULL if stale or no memory. */
struct shim_fd *shim_fd_promote(int fd);

/* A fresh full entry for fd with the given flags, identity not taken
 * (shim_fd_claim_new takes it); NULL if untrackable. */
struct shim_fd *shim_fd_claim(int fd, int domain, int protocol,
			      unsigned flags);

/* The entry for fd, or NULL when fd is not tracked. */
static inline struct shim_fd *shim_fd_get(int fd)
{
	struct shim_fd *entry;

	if ((unsigned)fd < SHIM_FD_MARKS) {
		unsigned mark = shim_mark_load(fd);

		if (__builtin_expect(!mark, 1))
			return NULL;
		if (mark & SHIM_MARK_ENTRY)
			return shim_fd_slot(fd);
		return shim_fd_promote(fd);
	}
	entry = shim_fd_slot(fd);
	return entry && entry->flags ? entry : NULL;
}

/* The hot-path claim: one byte for the common fds. */
static inline void shim_fd_mark(int fd, int domain, int protocol, bool mptcp)
{
	if (__builtin_expect((unsigned)fd < SHIM_FD_MARKS, 1))
		shim_mark_store(fd, SHIM_MARK_TRACKED |
					    (mptcp ? SHIM_MARK_MPTCP : 0) |
					    (domain == AF_INET6 ? SHIM_MARK_INET6 :
								  0) |
					    (protocol == IPPROTO_TCP ?
						     SHIM_MARK_PROTO_TCP :
						     0));
	else
		shim_fd_claim(fd, domain, protocol, mptcp ? SHIM_FD_MPTCP : 0);
}

static inline bool shim_fd_rebuildable(const struct shim_fd *entry)
{
	return !(entry->flags & SHIM_FD_NOT_REBUILDABLE);
}

static inline int shim_fd_domain(const struct shim_fd *entry)
{
	return entry->origin & SHIM_FD_INET6 ? AF_INET6 : AF_INET;
}

/* The protocol the application asked for: 0 or IPPROTO_TCP. */
static inline int shim_fd_protocol(const struct shim_fd *entry)
{
	return entry->origin & SHIM_FD_PROTO_TCP ? IPPROTO_TCP : 0;
}

/* Drops what is known about fd; cheap when nothing is. */
static inline void shim_fd_forget(int fd)
{
	struct shim_fd *entry;

	if ((unsigned)fd < SHIM_FD_MARKS) {
		unsigned mark = shim_mark_load(fd);

		if (__builtin_expect(!mark, 1))
			return;
		shim_mark_store(fd, 0);
		if (!(mark & SHIM_MARK_ENTRY))
			return;
	}
	entry = shim_fd_slot(fd);
	if (entry)
		entry->head = 0;
}

/*
 * newfd now refers to oldfd's socket: it gets a copy of what is known, and
 * both are marked shared, since rebuilding one would leave the other on
 * the old socket.
 */
void shim_fd_share(int oldfd, int newfd);

/*
 * Every tracked socket now has another holder: called around fork() (a
 * pthread_atfork handler), so it only loads and stores plain memory.
 */
void shim_fd_share_all(void);

/* Forgets every fd from first to last (close_range, closefrom). */
void shim_fd_forget_range(unsigned first, unsigned last);

/* Records a successful epoll_ctl(epfd, op, fd, events/data). */
void shim_fd_record_epoll(struct shim_fd *entry, int epfd, int op,
			  uint32_t events, uint64_t data);

/* Records one option set by the application (replacing an earlier value). */
void shim_fd_record_opt(struct shim_fd *entry, int level, int name,
			const void *value, unsigned len, bool ignored);

/* The recorded option, or NULL. */
const struct shim_optrec *shim_fd_find_opt(const struct shim_fd *entry,
					   int level, int name);

#endif
