// SPDX-License-Identifier: BSD-3-Clause
/* The per-fd table: claim, forget, option log limits. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fdidentity.h"
#include "fdtable.h"
#include "real.h"

/* The kernel as fdidentity.c asks it: per fd, a protocol and a cookie
 * (a file's identity), changed by the tests to model a reused number. */
static int fake_protocol[128];
static uint64_t fake_cookie[128];

static int fake_getsockopt(int fd, int level, int name, void *value,
			   socklen_t *len)
{
	if (fd < 0 || fd >= 128 || level != SOL_SOCKET || !fake_protocol[fd]) {
		errno = ENOTSOCK;
		return -1;
	}
	if (name == SO_PROTOCOL) {
		*(int *)value = fake_protocol[fd];
		*len = sizeof(int);
		return 0;
	}
	*(uint64_t *)value = fake_cookie[fd];
	*len = sizeof(uint64_t);
	return 0;
}

struct shim_real_calls shim_real = { .getsockopt = fake_getsockopt };

static void fake_socket(int fd, int protocol, uint64_t cookie)
{
	fake_protocol[fd] = protocol;
	fake_cookie[fd] = cookie;
}

static void test_claim_and_forget(void **state)
{
	struct shim_fd *e;

	(void)state;
	assert_null(shim_fd_get(5));
	e = shim_fd_claim(5, AF_INET, 0, 0);
	assert_non_null(e);
	assert_ptr_equal(shim_fd_get(5), e);
	assert_null(shim_fd_get(6));
	/* A far chunk is independent of the first. */
	assert_non_null(shim_fd_claim(70000, AF_INET6, IPPROTO_TCP, 0));
	assert_int_equal(shim_fd_domain(shim_fd_get(70000)), AF_INET6);
	assert_int_equal(shim_fd_protocol(shim_fd_get(70000)), IPPROTO_TCP);
	assert_int_equal(shim_fd_domain(e), AF_INET);
	assert_int_equal(shim_fd_protocol(e), 0);
	shim_fd_forget(5);
	assert_null(shim_fd_get(5));
	assert_non_null(shim_fd_get(70000));
	/* Out of range and negative fds are never tracked. */
	assert_null(shim_fd_claim(-1, AF_INET, 0, 0));
	assert_null(shim_fd_claim(SHIM_FD_CHUNK_SIZE * SHIM_FD_MAX_CHUNKS,
				  AF_INET, 0, 0));
	assert_null(shim_fd_get(-3));
}

static void test_option_log(void **state)
{
	struct shim_fd *e = shim_fd_claim(9, AF_INET, 0, SHIM_FD_MPTCP);
	const struct shim_optrec *r;
	int v = 1, w = 7;
	char big[64] = { 0 };

	(void)state;
	shim_fd_record_opt(e, 6, 1, &v, sizeof(v), false);
	shim_fd_record_opt(e, 6, 1, &w, sizeof(w), false);
	assert_int_equal(e->nopts, 1);
	r = shim_fd_find_opt(e, 6, 1);
	assert_non_null(r);
	assert_memory_equal(r->value, &w, sizeof(w));
	assert_null(shim_fd_find_opt(e, 1, 1));

	for (int i = 0; i < SHIM_FD_MAX_OPTS - 1; i++)
		shim_fd_record_opt(e, 1, 100 + i, &v, sizeof(v), i & 1);
	assert_int_equal(e->nopts, SHIM_FD_MAX_OPTS);
	assert_false(e->flags & SHIM_FD_UNREPLAYABLE);
	shim_fd_record_opt(e, 1, 200, &v, sizeof(v), false);
	assert_true(e->flags & SHIM_FD_UNREPLAYABLE);

	/* A value too large to keep makes the socket unreplayable too. */
	assert_true(e->flags & SHIM_FD_MPTCP);
	e = shim_fd_claim(10, AF_INET, 0, 0);
	shim_fd_record_opt(e, 6, 2, big, sizeof(big), false);
	assert_int_equal(e->nopts, 0);
	assert_true(e->flags & SHIM_FD_UNREPLAYABLE);
	/* A re-claimed fd starts empty. */
	e = shim_fd_claim(10, AF_INET, 0, 0);
	assert_false(e->flags & SHIM_FD_UNREPLAYABLE);
	assert_int_equal(e->nopts, 0);
}

static void test_share(void **state)
{
	struct shim_fd *a = shim_fd_claim(20, AF_INET6, IPPROTO_TCP,
					  SHIM_FD_MPTCP);
	struct shim_fd *b;
	int v = 3;

	(void)state;
	shim_fd_record_opt(a, 6, 1, &v, sizeof(v), false);
	shim_fd_share(20, 21);
	b = shim_fd_get(21);
	assert_non_null(b);
	/* Both know the socket, its options, and that it has two fds. */
	assert_true(a->flags & SHIM_FD_SHARED);
	assert_true(b->flags & SHIM_FD_SHARED);
	assert_true(b->flags & SHIM_FD_MPTCP);
	assert_int_equal(shim_fd_domain(b), AF_INET6);
	assert_int_equal(shim_fd_protocol(b), IPPROTO_TCP);
	assert_non_null(shim_fd_find_opt(b, 6, 1));
	/* Duplicating an untracked fd over a tracked one forgets the latter. */
	shim_fd_share(30, 21);
	assert_null(shim_fd_get(21));
	/* A marked (not yet promoted) fd shares as well. */
	fake_socket(40, IPPROTO_MPTCP, 4000);
	shim_fd_mark(40, AF_INET, 0, true);
	shim_fd_share(40, 41);
	assert_true(shim_fd_get(41)->flags & SHIM_FD_MPTCP);
	assert_true(shim_fd_get(40)->flags & SHIM_FD_SHARED);
	/* The copy is for the same file. */
	assert_true(shim_fd_get(41)->cookie == 4000);
}

/* An entry answers for its own file only (a number reused behind the
 * hooks: raw close, raw socket). */
static void test_identity(void **state)
{
	struct shim_fd *e;

	(void)state;
	fake_socket(50, IPPROTO_MPTCP, 5000);
	e = shim_fd_claim_new(50, AF_INET, 0, SHIM_FD_MPTCP);
	assert_non_null(e);
	assert_true(shim_fd_still_same(50, e));
	assert_ptr_equal(shim_fd_get(50), e);
	/* Closed and reused: another cookie, and the table forgets. */
	fake_socket(50, IPPROTO_UDP, 5001);
	assert_false(shim_fd_still_same(50, e));
	assert_null(shim_fd_get(50));
	/* No socket at all any more. */
	fake_socket(51, IPPROTO_MPTCP, 5100);
	e = shim_fd_claim_new(51, AF_INET, 0, SHIM_FD_MPTCP);
	fake_socket(51, 0, 0);
	assert_false(shim_fd_still_same(51, e));

	/* A mark outlived by its socket is dropped when first needed: the
	 * file there now is UDP, plain TCP (the mark said MPTCP), or none. */
	fake_socket(52, IPPROTO_UDP, 5200);
	shim_fd_mark(52, AF_INET, 0, true);
	assert_null(shim_fd_get(52));
	assert_int_equal(shim_fd_marks[52], 0);
	fake_socket(53, IPPROTO_TCP, 5300);
	shim_fd_mark(53, AF_INET, 0, true);
	assert_null(shim_fd_get(53));
	shim_fd_mark(54, AF_INET6, 0, false);
	assert_null(shim_fd_get(54));
	/* A live mark becomes an entry with the file's identity. */
	fake_socket(55, IPPROTO_TCP, 5500);
	shim_fd_mark(55, AF_INET6, IPPROTO_TCP, false);
	e = shim_fd_get(55);
	assert_non_null(e);
	assert_true(e->cookie == 5500);
	assert_false(e->flags & SHIM_FD_MPTCP);
	assert_int_equal(shim_fd_domain(e), AF_INET6);
	assert_true(shim_fd_still_same(55, e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claim_and_forget),
		cmocka_unit_test(test_option_log),
		cmocka_unit_test(test_share),
		cmocka_unit_test(test_identity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
