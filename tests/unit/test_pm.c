// SPDX-License-Identifier: BSD-3-Clause
/*
 * Path-manager access and warnings: a missing genl family is reported as
 * ENOENT (what `endpoints` turns into its clear error), the live family
 * answers, and pm_check() on hand-made states says when no extra subflow
 * can ever be created.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "pm_check.h"

static void test_missing_family(void **state)
{
	struct pm_state st;

	(void)state;
	errno = 0;
	assert_int_equal(pm_fetch_family("mptcp_nosuch", &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(st.n, 0);
	assert_null(st.ep);
}

static void test_live_family(void **state)
{
	struct pm_state st;

	(void)state;
	/* GET_LIMITS and the GET_ADDR dump need no privileges. */
	assert_int_equal(pm_fetch(&st), 0);
	assert_true(st.limits_known);
	for (size_t i = 0; i < st.n; i++) {
		assert_true(st.ep[i].family == AF_INET ||
			    st.ep[i].family == AF_INET6);
		assert_true(st.ep[i].address[0] != '\0');
	}
	pm_state_free(&st);
}

static void test_flag_names(void **state)
{
	const char *names[8];

	(void)state;
	assert_int_equal(pm_flag_names(0, names, 8), 0);
	assert_int_equal(pm_flag_names(PM_FLAG_SUBFLOW | PM_FLAG_BACKUP |
					       PM_FLAG_FULLMESH,
				       names, 8),
			 3);
	assert_string_equal(names[0], "subflow");
	assert_string_equal(names[1], "backup");
	assert_string_equal(names[2], "fullmesh");
	assert_int_equal(pm_flag_names(0x3f, names, 8), 6);
	assert_string_equal(names[0], "signal");
	assert_string_equal(names[4], "implicit");
	assert_string_equal(names[5], "laminar");
	/* Never past max. */
	assert_int_equal(pm_flag_names(0x3f, names, 2), 2);
}

static struct pm_endpoint endpoint(unsigned id, unsigned flags)
{
	struct pm_endpoint ep = {
		.id = id, .family = AF_INET, .flags = flags, .ifindex = 2,
		.if_exists = true, .if_up = true, .if_running = true,
		.address_present = true,
	};

	snprintf(ep.address, sizeof(ep.address), "10.0.%u.1", id);
	snprintf(ep.ifname, sizeof(ep.ifname), "eth%u", id);
	return ep;
}

static size_t check_ids(struct pm_state *st, char *ids, size_t len)
{
	struct pm_warning w[16];
	size_t n = pm_check(st, w, 16);

	ids[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strncat(ids, w[i].id, len - strlen(ids) - 1);
		strncat(ids, w[i].fatal ? "! " : " ", len - strlen(ids) - 1);
		assert_true(strlen(w[i].message) > 10);
		assert_true(strlen(w[i].fix) > 5);
	}
	return n;
}

static void test_warnings(void **state)
{
	struct pm_endpoint eps[3];
	struct pm_state st = { .ep = eps, .limits_known = true,
			       .subflows = 2, .add_addr_accepted = 2 };
	char ids[256];

	(void)state;
	/* Nothing configured but the peer's announcements are used. */
	assert_int_equal(check_ids(&st, ids, sizeof(ids)), 1);
	assert_string_equal(ids, "no_endpoints ");
	/* ...and not even those: fatal. */
	st.add_addr_accepted = 0;
	check_ids(&st, ids, sizeof(ids));
	assert_string_equal(ids, "no_endpoints! ");

	/* A server announcing an address, ignoring the peer's. */
	eps[0] = endpoint(1, PM_FLAG_SIGNAL);
	st.n = 1;
	check_ids(&st, ids, sizeof(ids));
	assert_string_equal(ids, "add_addr_accepted_zero ");

	/* A healthy client. */
	eps[0] = endpoint(1, PM_FLAG_SUBFLOW);
	assert_int_equal(check_ids(&st, ids, sizeof(ids)), 0);

	/* Limits at 0 are fatal whatever the endpoints. */
	st.subflows = 0;
	check_ids(&st, ids, sizeof(ids));
	assert_string_equal(ids, "subflow_limit_zero! ");
	st.subflows = 1;

	/* Broken endpoints; implicit ones are the kernel's, never blamed. */
	eps[0].if_up = false;
	eps[1] = endpoint(2, PM_FLAG_SUBFLOW);
	eps[1].address_present = false;
	eps[2] = endpoint(3, PM_FLAG_IMPLICIT);
	eps[2].if_exists = false;
	st.n = 3;
	check_ids(&st, ids, sizeof(ids));
	assert_string_equal(ids, "interface_down address_missing "
				 "no_usable_subflow_endpoint ");

	/* More usable subflow endpoints than the limit. */
	eps[0] = endpoint(1, PM_FLAG_SUBFLOW);
	eps[1] = endpoint(2, PM_FLAG_SUBFLOW | PM_FLAG_BACKUP);
	eps[1].if_running = false;
	st.n = 2;
	check_ids(&st, ids, sizeof(ids));
	assert_string_equal(ids, "interface_no_carrier subflow_limit_low ");
}

/* One GET_ADDR dump message with one IPv4 endpoint (id 1, 10.0.0.1). */
static size_t endpoint_message(unsigned char *buf, uint32_t nlmsg_len)
{
	static const unsigned char body[] = {
		3, 1, 0, 0,			/* genlmsghdr: GET_ADDR v1 */
		28, 0, 1, 0x80,			/* ADDR, nested: 28 bytes */
		6, 0, 1, 0, 2, 0, 0, 0,		/* FAMILY AF_INET */
		5, 0, 2, 0, 1, 0, 0, 0,		/* ID 1 */
		8, 0, 3, 0, 10, 0, 0, 1,	/* ADDR4 10.0.0.1 */
	};
	uint32_t len = 16 + sizeof(body);
	uint16_t type = 28, flags = 2;	/* the family id, NLM_F_MULTI */

	memset(buf, 0, 16);
	memcpy(buf, nlmsg_len ? &nlmsg_len : &len, 4);
	memcpy(buf + 4, &type, 2);
	memcpy(buf + 6, &flags, 2);
	memcpy(buf + 16, body, sizeof(body));
	return len;
}

static void test_parse_reply(void **state)
{
	unsigned char buf[256] __attribute__((aligned(4)));
	struct pm_state st;
	size_t n;

	(void)state;
	memset(&st, 0, sizeof(st));
	n = endpoint_message(buf, 0);
	n += endpoint_message(buf + n, 0);
	assert_int_equal(pm_parse_reply(buf, n, &st), 0);
	assert_int_equal(st.n, 2);
	assert_string_equal(st.ep[1].address, "10.0.0.1");
	assert_int_equal(st.ep[1].id, 1);
	pm_state_free(&st);
	/* A length of 2 GiB passed libmnl's signed check and walked out of
	 * the buffer (fuzz_pm_genl, corpus regress-huge-nlmsg-len). */
	memset(&st, 0, sizeof(st));
	n = endpoint_message(buf, 0);
	endpoint_message(buf + n, 0x80000000u);
	assert_int_equal(pm_parse_reply(buf, n + 44, &st), -1);
	pm_state_free(&st);
	/* ...and a length beyond what was received. */
	memset(&st, 0, sizeof(st));
	endpoint_message(buf, 200);
	assert_int_equal(pm_parse_reply(buf, 44, &st), -1);
	pm_state_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_family),
		cmocka_unit_test(test_live_family),
		cmocka_unit_test(test_flag_names),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_parse_reply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
