// SPDX-License-Identifier: BSD-3-Clause
/*
 * `endpoints auto` plans (idempotence, backup, roles, flush, limits) and
 * the routing/environment warnings of pm_check(), on hand-made states.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <errno.h>

#include "pm_auto.h"
#include "pm_check.h"
#include "rtnl.h"

static const struct rtnl_addr addrs[] = {
    {.family = AF_INET, .ifindex = 2, .ifname = "eth0", .address = "10.0.1.1"},
    {.family = AF_INET, .ifindex = 3, .ifname = "wlan0", .address = "10.0.2.1"},
    {.family = AF_INET6,
     .ifindex = 3,
     .ifname = "wlan0",
     .address = "2001:db8::1"},
};

/* Applies a plan to st the way the kernel would. */
static void apply(struct pm_state *st, const struct pm_action *a, size_t n)
{
	static unsigned next_id = 1;

	for (size_t i = 0; i < n; i++) {
		switch (a[i].kind) {
		case PM_ACT_DELETE:
			for (size_t k = 0; k < st->n; k++)
				if (st->ep[k].id == a[i].ep.id) {
					st->ep[k] = st->ep[--st->n];
					break;
				}
			break;
		case PM_ACT_ADD:
			st->ep = realloc(st->ep, (st->n + 1) * sizeof(*st->ep));
			st->ep[st->n] = a[i].ep;
			st->ep[st->n++].id = next_id++;
			break;
		case PM_ACT_LIMITS:
			st->limits_known = true;
			st->subflows = a[i].subflows;
			st->add_addr_accepted = a[i].add_addr_accepted;
			break;
		}
	}
}

static void test_client_plan_is_idempotent(void **state)
{
	struct pm_auto_opts o = {.backup = {"wlan0"}, .nbackup = 1};
	struct pm_state st = {.limits_known = true};
	struct pm_action a[16];
	char cmd[256];
	size_t n;

	(void)state;
	n = pm_auto_plan(&st, addrs, 3, &o, a, 16);
	assert_int_equal(n, 4);
	pm_action_command(&a[0], cmd, sizeof(cmd));
	assert_string_equal(cmd, "ip mptcp endpoint add 10.0.1.1 dev eth0 "
				 "subflow");
	pm_action_command(&a[1], cmd, sizeof(cmd));
	assert_string_equal(cmd, "ip mptcp endpoint add 10.0.2.1 dev wlan0 "
				 "subflow backup");
	pm_action_command(&a[3], cmd, sizeof(cmd));
	assert_string_equal(cmd, "ip mptcp limits set subflows 3 "
				 "add_addr_accepted 3");
	apply(&st, a, n);
	assert_int_equal(pm_auto_plan(&st, addrs, 3, &o, a, 16), 0);
	pm_state_free(&st);
}

static void test_changed_flags_replace(void **state)
{
	struct pm_auto_opts client = {0}, server = {.server = true};
	struct pm_state st = {.limits_known = true};
	struct pm_action a[16];
	char cmd[256];
	size_t n;

	(void)state;
	apply(&st, a, pm_auto_plan(&st, addrs, 2, &client, a, 16));
	n = pm_auto_plan(&st, addrs, 2, &server, a, 16);
	/* delete + add per address; limits already fit. */
	assert_int_equal(n, 4);
	assert_int_equal(a[0].kind, PM_ACT_DELETE);
	pm_action_command(&a[1], cmd, sizeof(cmd));
	assert_string_equal(cmd, "ip mptcp endpoint add 10.0.1.1 dev eth0 "
				 "signal");
	apply(&st, a, n);
	assert_int_equal(pm_auto_plan(&st, addrs, 2, &server, a, 16), 0);
	pm_state_free(&st);
}

static void test_flush_and_limits(void **state)
{
	struct pm_endpoint stray = {.id = 7,
				    .family = AF_INET,
				    .address = "192.0.2.9",
				    .flags = PM_FLAG_SIGNAL};
	struct pm_auto_opts keep = {0}, flush = {.flush = true};
	struct pm_state st = {
	    .limits_known = true, .subflows = 8, .add_addr_accepted = 8};
	struct pm_action a[16];
	size_t n;

	(void)state;
	st.ep = malloc(sizeof(*st.ep));
	st.ep[0] = stray;
	st.n = 1;
	n = pm_auto_plan(&st, addrs, 1, &keep, a, 16);
	assert_int_equal(n, 1); /* an add; limits never lowered */
	assert_int_equal(a[0].kind, PM_ACT_ADD);
	n = pm_auto_plan(&st, addrs, 1, &flush, a, 16);
	assert_int_equal(n, 2);
	assert_int_equal(a[0].kind, PM_ACT_DELETE);
	assert_int_equal(a[0].ep.id, 7);
	free(st.ep);
}

static bool has_warning(const struct pm_state *st, const char *id)
{
	struct pm_warning w[32];
	size_t n = pm_check(st, w, 32);

	for (size_t i = 0; i < n; i++)
		if (strcmp(w[i].id, id) == 0)
			return true;
	return false;
}

/* A subflow endpoint on wlan0 that is up, present and bound. */
static struct pm_endpoint usable_endpoint(int rp_filter)
{
	struct pm_endpoint ep = {
	    .id = 1,
	    .family = AF_INET,
	    .address = "10.0.2.1",
	    .flags = PM_FLAG_SUBFLOW,
	    .ifindex = 3,
	    .ifname = "wlan0",
	    .if_exists = true,
	    .if_up = true,
	    .if_running = true,
	    .address_present = true,
	};

	ep.rp_filter = rp_filter;
	return ep;
}

static void test_routing_warnings(void **state)
{
	struct pm_endpoint ep = usable_endpoint(2);
	struct pm_state st = {.ep = &ep,
			      .n = 1,
			      .limits_known = true,
			      .subflows = 2,
			      .add_addr_accepted = 2};

	(void)state;
	/* Not probed: none of the environment warnings. */
	ep.rp_filter = 1;
	assert_false(has_warning(&st, "strict_rp_filter"));
	st.env_probed = true;
	assert_true(has_warning(&st, "strict_rp_filter"));
	ep.rp_filter = 2;
	assert_false(has_warning(&st, "strict_rp_filter"));

	snprintf(st.peer, sizeof(st.peer), "10.9.9.9");
	ep.route_checked = true;
	ep.route_error = ENETUNREACH;
	assert_true(has_warning(&st, "no_route_to_peer"));
	ep.route_error = 0;
	snprintf(ep.route_ifname, sizeof(ep.route_ifname), "eth0");
	assert_true(has_warning(&st, "route_other_interface"));
	snprintf(ep.route_ifname, sizeof(ep.route_ifname), "wlan0");
	assert_false(has_warning(&st, "route_other_interface"));
	assert_false(has_warning(&st, "no_route_to_peer"));

	assert_false(has_warning(&st, "endpoint_no_dev"));
	ep.ifindex = 0;
	ep.ifname[0] = '\0';
	assert_true(has_warning(&st, "endpoint_no_dev"));
	ep.flags = PM_FLAG_SIGNAL; /* a server's announcement: fine */
	assert_false(has_warning(&st, "endpoint_no_dev"));

	st.nm_running = true;
	assert_false(has_warning(&st, "two_managers"));
	st.mptcpd_running = true;
	assert_true(has_warning(&st, "two_managers"));
}

static void test_unused_addresses(void **state)
{
	struct pm_unused_address u = {.family = AF_INET,
				      .address = "10.0.1.1",
				      .ifname = "eth0",
				      .cause = "x"};
	struct pm_endpoint ep = usable_endpoint(0);
	struct pm_state st = {
	    .ep = &ep, .n = 1, .env_probed = true, .unused = &u, .nunused = 1};
	struct pm_warning w[8];
	size_t n;

	(void)state;
	assert_true(has_warning(&st, "interface_without_endpoint"));
	/* No endpoint at all: said once, by no_endpoints, with the cause. */
	st.n = 0;
	assert_false(has_warning(&st, "interface_without_endpoint"));
	n = pm_check(&st, w, 8);
	assert_int_equal(n, 1);
	assert_string_equal(w[0].id, "no_endpoints");
	assert_non_null(strstr(w[0].message, "neither NetworkManager nor "
					     "mptcpd runs"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_client_plan_is_idempotent),
	    cmocka_unit_test(test_changed_flags_replace),
	    cmocka_unit_test(test_flush_and_limits),
	    cmocka_unit_test(test_routing_warnings),
	    cmocka_unit_test(test_unused_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
