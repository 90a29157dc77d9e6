/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The next definitions of the functions we interpose, as dlsym(RTLD_NEXT)
 * would give them (so that other preloads in the chain keep working), from
 * one walk of the next objects' symbol tables (symbol_walk.h). If the
 * lookup finds nothing, or finds us again (the shim preloaded twice), the
 * raw system call stands in.
 */
#ifndef MPTCPSHIM_REAL_H
#define MPTCPSHIM_REAL_H

#include <stdarg.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef __GLIBC__
/* glibc 2.34 declares them; musl has neither (our hooks define both). */
int close_range(unsigned first, unsigned last, int flags);
void closefrom(int first);
#endif

/* Each pointer is atomic: set once by resolution while other threads may
 * call through it (a plain load on x86, but visible as such to TSan). */
struct shim_real_calls {
	int (*_Atomic socket)(int, int, int);
	int (*_Atomic close)(int);
	int (*_Atomic connect)(int, const struct sockaddr *, socklen_t);
	int (*_Atomic bind)(int, const struct sockaddr *, socklen_t);
	int (*_Atomic listen)(int, int);
	int (*_Atomic accept)(int, struct sockaddr *, socklen_t *);
	int (*_Atomic accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*_Atomic setsockopt)(int, int, int, const void *, socklen_t);
	int (*_Atomic getsockopt)(int, int, int, void *, socklen_t *);
	ssize_t (*_Atomic sendto)(int, const void *, size_t, int,
			  const struct sockaddr *, socklen_t);
	ssize_t (*_Atomic sendmsg)(int, const struct msghdr *, int);
	int (*_Atomic dup2)(int, int);
	int (*_Atomic dup3)(int, int, int);
	int (*_Atomic shutdown)(int, int);
	int (*_Atomic dup)(int);
	int (*_Atomic fcntl)(int, int, ...);
	int (*_Atomic fcntl64)(int, int, ...);
	int (*_Atomic epoll_ctl)(int, int, int, struct epoll_event *);
	int (*_Atomic close_range)(unsigned, unsigned, int);
	void (*_Atomic closefrom)(int);
	/* Exec: the seccomp route follows it (exec_route.h). */
	int (*_Atomic execve)(const char *, char *const[], char *const[]);
	int (*_Atomic execveat)(int, const char *, char *const[],
				char *const[], int);
	int (*_Atomic fexecve)(int, char *const[], char *const[]);
	int (*_Atomic execvp)(const char *, char *const[]);
	int (*_Atomic execvpe)(const char *, char *const[], char *const[]);
	int (*_Atomic posix_spawn)(pid_t *, const char *,
				   const posix_spawn_file_actions_t *,
				   const posix_spawnattr_t *, char *const[],
				   char *const[]);
	int (*_Atomic posix_spawnp)(pid_t *, const char *,
				    const posix_spawn_file_actions_t *,
				    const posix_spawnattr_t *, char *const[],
				    char *const[]);
	/* Not a hook: the shim's own files (stats, /proc) are opened past
	 * other interposers too, like the close() that ends them. */
	int (*_Atomic open)(const char *, int, ...);
};

extern struct shim_real_calls shim_real __attribute__((visibility("hidden")));

/*
 * fcntl()'s one optional argument. Every command takes at most one, an int
 * or a pointer, passed in the same register either way, so a pointer-sized
 * va_arg forwards it faithfully (socket_wrapper and others do the same).
 */
#define SHIM_FCNTL_ARG(last)                                                   \
	({                                                                     \
		va_list ap_;                                                   \
		void *arg_;                                                    \
		va_start(ap_, last);                                           \
		arg_ = va_arg(ap_, void *);                                    \
		va_end(ap_);                                                   \
		arg_;                                                          \
	})

/*
 * Zero-filled but kept out of .bss: a .bss larger than the rest of its last
 * page costs every process an anonymous mmap() at load (the fd byte map
 * alone is 64 KiB), while untouched pages of the file mapping cost nothing.
 * SHIM_DATA is for what init writes (next to the small variables, so one
 * page fault covers them), SHIM_BIG_DATA for big tables written rarely
 * (an orphan section, which the linker places after .data: they no longer
 * push the small variables onto pages of their own).
 */
#define SHIM_DATA __attribute__((section(".data")))
#define SHIM_BIG_DATA __attribute__((section("shim_big_data")))

/* An interposed function: the only symbols the library exports. */
#define SHIM_EXPORT __attribute__((visibility("default")))

/*
 * A hidden alias of our own hook, so that comparing the next definition
 * against it needs no symbol lookup at load time (a reference to the
 * exported name itself would cost one relocation per hook at start-up).
 */
#if defined(__clang__)
#define SHIM_COPY_ATTRIBUTES(fn)
#else
#define SHIM_COPY_ATTRIBUTES(fn) __attribute__((copy(fn)))
#endif
#define SHIM_SELF(fn)                                                          \
	extern __typeof__(fn) shim_self_##fn SHIM_COPY_ATTRIBUTES(fn)          \
		__attribute__((alias(#fn), visibility("hidden")))

#define SHIM_SELF_DECLARE(fn)                                                  \
	extern __typeof__(fn) shim_self_##fn __attribute__((visibility("hidden")))


/* Fills shim_real, once per process; safe from any thread, a signal
 * handler and a forked child (no lock). */
void shim_real_resolve_once(void);

/* Whether another copy of this library came first in the load order (its
 * marker is defined by an object before ours). */
bool shim_real_another_copy_first(void);

/* libc's faccessat() and the program's environment, found by the same
 * walk (no PLT binding at init); environ is NULL if it was not found. */
int shim_libc_faccessat(int dirfd, const char *path, int mode, int flags);
char **shim_libc_environ(void);

/* The next definition of syscall() (hooks_syscall.c's), or NULL. */
void *shim_real_next_syscall(void);

#endif
