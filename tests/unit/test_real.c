// SPDX-License-Identifier: BSD-3-Clause
/*
 * The real-function table: the resolving stubs every pointer starts as, and
 * the raw-syscall stand-ins used when the chain has no next definition.
 * Includes real.c to reach its static functions; our hooks are not linked,
 * so trivial stand-ins take the names real.c compares against.
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../../shim/core/real.c"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <linux/close_range.h>

#define SELF(ret, name, ...)                                                   \
	ret shim_self_##name(__VA_ARGS__)                                      \
	{                                                                      \
		__builtin_trap();                                              \
	}
SELF(int, socket, int a, int b, int c)
SELF(int, close, int a)
SELF(int, connect, int a, const struct sockaddr *b, socklen_t c)
SELF(int, bind, int a, const struct sockaddr *b, socklen_t c)
SELF(int, listen, int a, int b)
SELF(int, accept, int a, struct sockaddr *b, socklen_t *c)
SELF(int, accept4, int a, struct sockaddr *b, socklen_t *c, int d)
SELF(int, setsockopt, int a, int b, int c, const void *d, socklen_t e)
SELF(int, getsockopt, int a, int b, int c, void *d, socklen_t *e)
SELF(ssize_t, sendto, int a, const void *b, size_t c, int d,
     const struct sockaddr *e, socklen_t f)
SELF(ssize_t, sendmsg, int a, const struct msghdr *b, int c)
SELF(int, dup2, int a, int b)
SELF(int, dup3, int a, int b, int c)
SELF(int, shutdown, int a, int b)
SELF(int, dup, int a)
SELF(int, fcntl, int a, int b, ...)
SELF(int, fcntl64, int a, int b, ...)
SELF(int, epoll_ctl, int a, int b, int c, struct epoll_event *d)
SELF(int, close_range, unsigned a, unsigned b, int c)
SELF(void, closefrom, int a)
SELF(int, execve, const char *a, char *const b[], char *const c[])
SELF(int, execveat, int a, const char *b, char *const c[], char *const d[],
     int e)
SELF(int, fexecve, int a, char *const b[], char *const c[])
SELF(int, execvp, const char *a, char *const b[])
SELF(int, execvpe, const char *a, char *const b[], char *const c[])
SELF(int, posix_spawn, pid_t *a, const char *b,
     const posix_spawn_file_actions_t *c, const posix_spawnattr_t *d,
     char *const e[], char *const f[])
SELF(int, posix_spawnp, pid_t *a, const char *b,
     const posix_spawn_file_actions_t *c, const posix_spawnattr_t *d,
     char *const e[], char *const f[])

/* Exercises one table: a loopback connection, options, fds, epoll. */
static void walk(const struct shim_real_calls *t)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a), olen;
	struct epoll_event ev = { .events = EPOLLIN };
	struct iovec iov = { "y", 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int l, c, s, s2, d, one = 1, v = 0, ep, f;

	l = t->socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(l >= 0);
	assert_int_equal(t->setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one,
				       sizeof(one)), 0);
	olen = sizeof(v);
	assert_int_equal(t->getsockopt(l, SOL_SOCKET, SO_REUSEADDR, &v, &olen),
			 0);
	assert_int_equal(v, 1);
	assert_int_equal(t->bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &alen), 0);
	assert_int_equal(t->listen(l, 4), 0);
	c = t->socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(t->connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	s = t->accept(l, NULL, NULL);
	assert_true(s >= 0);
	assert_int_equal(t->sendto(c, "x", 1, 0, NULL, 0), 1);
	assert_int_equal(t->sendmsg(c, &msg, 0), 1);
	v = t->fcntl(c, F_DUPFD_CLOEXEC, (void *)3L);
	assert_true(v >= 3);
	t->close(v);
	s2 = t->socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(t->connect(s2, (struct sockaddr *)&a, sizeof(a)), 0);
	d = t->accept4(l, NULL, NULL, SOCK_CLOEXEC);
	assert_true(d >= 0);
	assert_int_equal(t->shutdown(d, SHUT_RDWR), 0);
	ep = epoll_create1(EPOLL_CLOEXEC);
	assert_int_equal(t->epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev), 0);
	assert_int_equal(t->epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL), 0);
	v = t->dup(s);
	assert_true(v >= 0);
	/* dup2 onto itself only checks the fd; onto another replaces it. */
	assert_int_equal(t->dup2(v, v), v);
	assert_int_equal(t->dup2(-1, -1), -1);
	assert_int_equal(t->dup2(s, v), v);
	assert_int_equal(t->dup3(s, v, O_CLOEXEC), v);
	assert_int_equal(t->fcntl(v, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(t->close(v), 0);
	f = t->open("/proc/self/fdinfo/0", O_RDONLY | O_CLOEXEC);
	assert_true(f >= 0);
	assert_int_equal(t->close(f), 0);
	/* close_range() and closefrom() on a block of fresh, high numbers. */
	assert_int_equal(t->dup2(s, 900), 900);
	assert_int_equal(t->dup2(s, 901), 901);
	assert_int_equal(t->close_range(900, 900, 0), 0);
	assert_int_equal(t->fcntl(900, F_GETFD), -1);
	t->closefrom(901);
	assert_int_equal(t->fcntl(901, F_GETFD), -1);
	t->close(l);
	t->close(c);
	t->close(s);
	t->close(s2);
	t->close(d);
	t->close(ep);
}

/* Before resolution every pointer is a stub that resolves and forwards. */
static void test_stubs_resolve_and_forward(void **state)
{
	struct shim_real_calls stubs = shim_real;

	(void)state;
	assert_ptr_equal(stubs.socket, first_socket);
	walk(&stubs);
	assert_ptr_not_equal(shim_real.socket, first_socket);
	assert_ptr_not_equal(shim_real.open, first_open);
	/* fcntl64's stub, which the walk does not take. */
	assert_true(first_fcntl64(0, F_GETFD) >= 0);
}

/* The raw system calls, for a chain without next definitions. */
static void test_raw_calls(void **state)
{
	(void)state;
	walk(&raw_calls);
}

/* The walk gives what dlsym(RTLD_NEXT) gives, for every hooked name and a
 * few that test the rules: versioned names (fcntl has a hidden old version
 * in glibc), an indirect function (memcpy), data (environ). */
static void test_walk_matches_dlsym(void **state)
{
	const char *names[N_REAL + 4];
	struct symbol_want want[N_REAL + 4];
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < N_REAL; i++)
		names[n++] = real_names[i];
	names[n++] = "memcpy";
	names[n++] = "environ";
	names[n++] = "fcntl64";
	names[n++] = "no_such_function_here";
	for (size_t i = 0; i < N_REAL; i++)
		assert_int_equal(real_hashes[i], shim_symbol_hash(real_names[i]));
	for (size_t i = 0; i < n; i++)
		want[i] = (struct symbol_want){ .name = names[i] };
	assert_false(shim_symbol_walk(_DYNAMIC, want, n, NULL));
	for (size_t i = 0; i < n; i++) {
		void *expected = dlsym(RTLD_NEXT, names[i]);

		if (want[i].found != expected)
			fail_msg("%s: walk %p, dlsym %p", names[i],
				 want[i].found, expected);
	}
	assert_null(want[n - 1].found);
}

/* After resolution, a name whose next definition is our own hook gets the
 * raw call (the shim preloaded twice), and the rest what the walk found. */
static void test_resolved_table(void **state)
{
	(void)state;
	shim_real_resolve_once();
	assert_ptr_equal(shim_real.socket, dlsym(RTLD_NEXT, "socket"));
	assert_ptr_equal(shim_real.fcntl, dlsym(RTLD_NEXT, "fcntl"));
	assert_ptr_equal(shim_real.open, dlsym(RTLD_NEXT, "open"));
	assert_false(shim_real_another_copy_first());
}

/* The marker of a copy loaded first is found in the objects before ours:
 * seen from libc, cmocka (loaded before it) defines its runner. */
static void test_marker_before(void **state)
{
	struct link_map *libc = NULL;
	void *h = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
	struct symbol_want want = { .name = "socket" };

	(void)state;
	assert_non_null(h);
	assert_int_equal(dlinfo(h, RTLD_DI_LINKMAP, &libc), 0);
	assert_true(shim_symbol_walk(libc->l_ld, &want, 1,
				     "_cmocka_run_group_tests"));
	assert_false(shim_symbol_walk(_DYNAMIC, &want, 1,
				      "_cmocka_run_group_tests"));
	assert_false(shim_symbol_walk(libc->l_ld, &want, 1,
				      "no_such_marker_here"));
	dlclose(h);
}

/* Data the program may hold a copy of (environ: a copy relocation in a
 * PIE) is found where the program's references go, from the first object
 * on; and the environment init reads through it is the live one. */
static void test_from_first_environ(void **state)
{
	extern char **environ;
	struct symbol_want want = { .name = "environ", .from_first = true };

	(void)state;
	shim_symbol_walk(_DYNAMIC, &want, 1, NULL);
	assert_ptr_equal(want.found, &environ);
	assert_ptr_equal(shim_libc_environ(), environ);
	assert_int_equal(setenv("TEST_REAL_LIVE", "1", 1), 0);
	assert_ptr_equal(shim_libc_environ(), environ);
	assert_int_equal(shim_libc_faccessat(AT_FDCWD, "/", F_OK, 0), 0);
}

/* An object with DT_HASH only: the older hash table is read as well. */
static void test_sysv_hash_object(void **state)
{
	struct link_map *m = NULL;
	void *h = dlopen(SYSV_LIB, RTLD_NOW | RTLD_LOCAL);
	void *found;

	(void)state;
	assert_non_null(h);
	assert_int_equal(dlinfo(h, RTLD_DI_LINKMAP, &m), 0);
	found = shim_symbol_in_object(m->l_addr, m->l_ld,
				      "symwalk_sysv_answer");
	assert_non_null(found);
	assert_ptr_equal(found, dlsym(h, "symwalk_sysv_answer"));
	assert_null(shim_symbol_in_object(m->l_addr, m->l_ld, "no_such_one"));
	dlclose(h);
}

/* An object that is not loaded (a dynamic section nobody has): neither
 * the loader's list nor dl_iterate_phdr() has it, so nothing comes after
 * it and every name falls back to the raw call. */
static void test_unknown_self(void **state)
{
	static const ElfW(Dyn) nowhere[1] = { { DT_NULL, { 0 } } };
	struct symbol_want want = { .name = "socket" };

	(void)state;
	assert_false(shim_symbol_walk(nowhere, &want, 1, NULL));
	assert_null(want.found);
	/* Every object then counts as loaded before it. */
	assert_true(shim_symbol_walk(nowhere, &want, 1, "socket"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stubs_resolve_and_forward),
		cmocka_unit_test(test_raw_calls),
		cmocka_unit_test(test_walk_matches_dlsym),
		cmocka_unit_test(test_resolved_table),
		cmocka_unit_test(test_marker_before),
		cmocka_unit_test(test_from_first_environ),
		cmocka_unit_test(test_sysv_hash_object),
		cmocka_unit_test(test_unknown_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
