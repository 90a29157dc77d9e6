// SPDX-License-Identifier: BSD-3-Clause
/*
 * The netlink parsers behind conns/top and run --events, fed bytes the
 * kernel sent (fixtures/netlink/, recorded on the two-path topology
 * during an upload, then path 2 taken down), and damaged copies of them.
 */
#include <libmnl/libmnl.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/inet_diag.h>
#include <linux/mptcp.h>

#include "diag_compat.h"
#include "pm_events.h"
#include "sockdiag.h"

#define TOKEN 0x26548460u

struct recording {
	char buf[65536];
	int len;
};

static void load(const char *name, struct recording *r)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/netlink/%s", FIXTURES, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	r->len = (int)fread(r->buf, 1, sizeof(r->buf), fp);
	fclose(fp);
	assert_true(r->len > 0);
}

/* The n-th message that is not NLMSG_DONE, or NULL. */
static struct nlmsghdr *message(struct recording *r, int n)
{
	int left = r->len;

	for (struct nlmsghdr *h = (struct nlmsghdr *)r->buf;
	     mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left))
		if (h->nlmsg_type != NLMSG_DONE && n-- == 0)
			return h;
	return NULL;
}

static void test_mptcp_socket(void **state)
{
	struct recording r;
	struct sockdiag_conn c;

	(void)state;
	load("diag_mptcp.bin", &r);
	assert_int_equal(sockdiag_parse_conn(message(&r, 0), &c), 0);
	assert_null(message(&r, 1));
	assert_string_equal(c.local.addr, "10.62.1.1");
	assert_int_equal(c.local.port, 55552);
	assert_string_equal(c.remote.addr, "10.62.1.2");
	assert_int_equal(c.remote.port, 5201);
	assert_int_equal(c.state, 1); /* ESTABLISHED */
	assert_true(c.info_known);
	assert_int_equal(c.token, TOKEN);
	assert_false(c.fallback);
	assert_int_equal(c.extra_subflows, 1);
	assert_true(c.inode > 0);
	/* The 6.18 kernel sends the whole 96-byte struct. */
	assert_true(c.bytes_known);
	assert_int_equal(c.bytes_sent, 7602177);
	assert_string_equal(sockdiag_state_name(c.state), "ESTAB");
}

static void test_subflows(void **state)
{
	struct recording r;
	struct sockdiag_subflow join, first;

	(void)state;
	load("diag_tcp.bin", &r);
	assert_int_equal(sockdiag_parse_subflow(message(&r, 0), &join), 0);
	assert_int_equal(sockdiag_parse_subflow(message(&r, 1), &first), 0);
	assert_null(message(&r, 2));

	assert_string_equal(join.local.addr, "10.62.2.1");
	assert_int_equal(join.local.port, 38467);
	assert_true(join.token_known);
	assert_int_equal(join.token_loc, TOKEN);
	assert_int_equal(join.token_rem, 0x8f2f9d75u);
	assert_int_equal(join.id_loc, 1);
	assert_int_equal(join.id_rem, 0);
	assert_true(join.flags & MPTCP_SUBFLOW_FLAG_JOIN_LOC);
	assert_int_equal(join.bound_ifindex, 3); /* the endpoint's dev */
	assert_true(join.info_known);
	assert_int_equal(join.rtt_us, 8015);
	assert_int_equal(join.cwnd, 76);
	assert_int_equal(join.bytes_sent, 8185921);
	assert_int_equal(join.bytes_acked, 3382298);
	assert_int_equal(join.total_retrans, 1267);

	assert_string_equal(first.local.addr, "10.62.1.1");
	assert_int_equal(first.token_loc, TOKEN);
	assert_true(first.flags & MPTCP_SUBFLOW_FLAG_MCAP_LOC);
	assert_int_equal(first.bound_ifindex, 0);
}

static void test_join_on_token(void **state)
{
	struct recording m, t;
	struct sockdiag_conn c;
	struct sockdiag_subflow sf;

	(void)state;
	load("diag_mptcp.bin", &m);
	load("diag_tcp.bin", &t);
	assert_int_equal(sockdiag_parse_conn(message(&m, 0), &c), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(sockdiag_parse_subflow(message(&t, i), &sf), 0);
		assert_true(sockdiag_subflow_of(&sf, &c));
	}
	c.token ^= 1;
	assert_false(sockdiag_subflow_of(&sf, &c));
}

static void test_events(void **state)
{
	static const unsigned types[] = {
	    MPTCP_EVENT_CREATED,	 MPTCP_EVENT_ESTABLISHED,
	    MPTCP_EVENT_SUB_ESTABLISHED, MPTCP_EVENT_SUB_CLOSED,
	    MPTCP_EVENT_CLOSED,
	};
	struct recording r;
	struct pm_event ev[5];

	(void)state;
	load("pm_events.bin", &r);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(pm_event_parse(message(&r, i), &ev[i]), 0);
		assert_int_equal(ev[i].type, types[i]);
		assert_int_equal(ev[i].token, TOKEN);
	}
	assert_null(message(&r, 5));
	assert_string_equal(pm_event_name(ev[2].type), "sf_established");
	/* Ports arrive big endian; the parser turns them around. */
	assert_string_equal(ev[0].saddr, "10.62.1.1");
	assert_int_equal(ev[0].sport, 55552);
	assert_int_equal(ev[0].dport, 5201);
	assert_int_equal(ev[0].server_side, -1);
	assert_string_equal(ev[2].saddr, "10.62.2.1");
	assert_int_equal(ev[2].sport, 38467);
	assert_int_equal(ev[2].loc_id, 1);
	assert_int_equal(ev[2].rem_id, 0);
	assert_int_equal(ev[2].backup, 0);
	assert_int_equal(ev[2].ifindex, 3);
	assert_int_equal(ev[2].error, -1);
	/* Path 2 went down: the kernel's sk_err copy. */
	assert_int_equal(ev[3].error, ENETUNREACH);
	assert_false(ev[3].has_reset);
	assert_int_equal(ev[4].family, 0);
	assert_int_equal(ev[4].loc_id, -1);
}

/* Cutting a recorded message short must fail cleanly, never read past. */
static void test_truncated(void **state)
{
	struct recording r;
	struct nlmsghdr *h;
	struct sockdiag_conn c;
	struct sockdiag_subflow sf;
	struct pm_event ev;

	(void)state;
	load("diag_mptcp.bin", &r);
	h = message(&r, 0);
	h->nlmsg_len = NLMSG_HDRLEN + 10;
	errno = 0;
	assert_int_equal(sockdiag_parse_conn(h, &c), -1);
	assert_int_equal(errno, EBADMSG);

	load("diag_tcp.bin", &r);
	h = message(&r, 0);
	h->nlmsg_len = NLMSG_HDRLEN + 4;
	assert_int_equal(sockdiag_parse_subflow(h, &sf), -1);

	load("pm_events.bin", &r);
	h = message(&r, 0);
	h->nlmsg_len = NLMSG_HDRLEN + 2;
	assert_int_equal(pm_event_parse(h, &ev), -1);
}

/* A plain TCP socket (no ULP) and a 6.1-sized mptcp_info. */
static void test_built_messages(void **state)
{
	char buf[1024] = {0}, info[43] = {0};
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct inet_diag_msg *m = mnl_nlmsg_put_extra_header(h, sizeof(*m));
	struct sockdiag_subflow sf;
	struct sockdiag_conn c;
	uint32_t token = 0xabcd;

	(void)state;
	m->idiag_family = AF_INET;
	m->idiag_state = 1;
	assert_int_equal(sockdiag_parse_subflow(h, &sf), 1);

	memcpy(info + offsetof(struct diag_mptcp_info, token), &token, 4);
	info[offsetof(struct diag_mptcp_info, flags)] =
	    MPTCP_INFO_FLAG_FALLBACK;
	mnl_attr_put(h, INET_DIAG_INFO, sizeof(info), info);
	assert_int_equal(sockdiag_parse_conn(h, &c), 0);
	assert_true(c.info_known);
	assert_int_equal(c.token, 0xabcd);
	assert_true(c.fallback);
	assert_false(c.bytes_known);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mptcp_socket),
	    cmocka_unit_test(test_subflows),
	    cmocka_unit_test(test_join_on_token),
	    cmocka_unit_test(test_events),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_built_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
