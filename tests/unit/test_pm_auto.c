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

/* Applies a plan to st the way the kernel would (one endpoint per
 * address, ids kept when given, at most max endpoints). */
static void apply(struct pm_state *st, const struct pm_plan *p)
{
	static unsigned next_id = 100;

	for (size_t i = 0; i < p->n; i++) {
		const struct pm_action *a = &p->act[i];

		switch (a->kind) {
		case PM_ACT_DELETE:
			for (size_t k = 0; k < st->n; k++)
				if (st->ep[k].id == a->ep.id) {
					st->ep[k] = st->ep[--st->n];
					break;
				}
			break;
		case PM_ACT_ADD:
			for (size_t k = 0; k < st->n; k++)
				if (strcmp(st->ep[k].address, a->ep.address) == 0) {
					/* Only an implicit one is replaced. */
					assert_true(st->ep[k].flags &
						    PM_FLAG_IMPLICIT);
					st->ep[k] = st->ep[--st->n];
				}
			assert_true(st->n < PM_AUTO_LIMIT_MAX);
			st->ep = realloc(st->ep, (st->n + 1) * sizeof(*st->ep));
			st->ep[st->n] = a->ep;
			if (!a->ep.id)
				st->ep[st->n].id = next_id++;
			st->n++;
			break;
		case PM_ACT_FLAGS:
			for (size_t k = 0; k < st->n; k++)
				if (st->ep[k].id == a->ep.id)
					st->ep[k].flags = a->ep.flags;
			break;
		case PM_ACT_LIMITS:
			st->limits_known = true;
			st->subflows = a->subflows;
			st->add_addr_accepted = a->add_addr_accepted;
			break;
		}
	}
}

static struct pm_plan plan(const struct pm_state *st,
			   const struct rtnl_addr *a, size_t n,
			   const struct pm_auto_opts *o)
{
	struct pm_plan p;

	assert_int_equal(pm_auto_plan(st, a, n, o, &p), 0);
	return p;
}

/* Plans, applies, and checks that planning again changes nothing. */
static void converge(struct pm_state *st, const struct rtnl_addr *a,
		     size_t n, const struct pm_auto_opts *o)
{
	struct pm_plan p = plan(st, a, n, o);

	apply(st, &p);
	pm_plan_free(&p);
	p = plan(st, a, n, o);
	assert_int_equal(p.n, 0);
	pm_plan_free(&p);
}

static size_t count_kind(const struct pm_plan *p, enum pm_action_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->act[i].kind == k;
	return n;
}

static void test_client_plan_is_idempotent(void **state)
{
	struct pm_auto_opts o = {.backup = {"wlan0"}, .nbackup = 1};
	struct pm_state st = {.limits_known = true};
	struct pm_plan p;
	char cmd[256];

	(void)state;
	p = plan(&st, addrs, 3, &o);
	assert_int_equal(p.n, 4);
	pm_action_command(&p.act[0], cmd, sizeof(cmd));
	assert_string_equal(cmd, "ip mptcp endpoint add 10.0.1.1 dev eth0 "
				 "subflow");
	pm_action_command(&p.act[1], cmd, sizeof(cmd));
	assert_string_equal(cmd, "ip mptcp endpoint add 10.0.2.1 dev wlan0 "
				 "subflow backup");
	pm_action_command(&p.act[3], cmd, sizeof(cmd));
	assert_string_equal(cmd, "ip mptcp limits set subflows 3 "
				 "add_addr_accepted 3");
	apply(&st, &p);
	pm_plan_free(&p);
	p = plan(&st, addrs, 3, &o);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.nnote, 0);
	pm_plan_free(&p);
	pm_state_free(&st);
}

static void test_changed_role_replaces_changed_backup_in_place(void **state)
{
	struct pm_auto_opts client = {0}, server = {.server = true};
	struct pm_auto_opts backup = {.backup = {"eth0"}, .nbackup = 1};
	struct pm_state st = {.limits_known = true};
	struct pm_plan p;
	char cmd[256];
	unsigned id;

	(void)state;
	converge(&st, addrs, 2, &client);
	/* A new role needs a new endpoint: delete + add, same id. */
	id = st.ep[0].id;
	p = plan(&st, addrs, 2, &server);
	assert_int_equal(p.n, 4);
	assert_int_equal(p.act[0].kind, PM_ACT_DELETE);
	pm_action_command(&p.act[1], cmd, sizeof(cmd));
	assert_true(strstr(cmd, "ip mptcp endpoint add 10.0.1.1 id ") == cmd);
	assert_int_equal(p.act[1].ep.id, id);
	assert_string_equal(strstr(cmd, " dev "), " dev eth0 signal");
	pm_plan_free(&p);
	converge(&st, addrs, 2, &server);
	/* Backup changes in place: the endpoint and its subflows stay. */
	converge(&st, addrs, 2, &client);
	p = plan(&st, addrs, 2, &backup);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.act[0].kind, PM_ACT_FLAGS);
	pm_action_command(&p.act[0], cmd, sizeof(cmd));
	assert_true(strstr(cmd, "ip mptcp endpoint change id ") == cmd);
	assert_string_equal(strrchr(cmd, ' '), " backup");
	pm_plan_free(&p);
	converge(&st, addrs, 2, &backup);
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
	struct pm_plan p;

	(void)state;
	st.ep = malloc(sizeof(*st.ep));
	st.ep[0] = stray;
	st.n = 1;
	p = plan(&st, addrs, 1, &keep);
	assert_int_equal(p.n, 1); /* an add; limits never lowered */
	assert_int_equal(p.act[0].kind, PM_ACT_ADD);
	pm_plan_free(&p);
	p = plan(&st, addrs, 1, &flush);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.act[0].kind, PM_ACT_DELETE);
	assert_int_equal(p.act[0].ep.id, 7);
	pm_plan_free(&p);
	free(st.ep);
}

/* One address on two interfaces: one endpoint, on the interface it is
 * already on; the kernel would refuse a second (EEXIST). */
static void test_same_address_two_interfaces(void **state)
{
	static const struct rtnl_addr twin[] = {
	    {.family = AF_INET, .ifindex = 2, .ifname = "veth0", .address = "10.9.0.1"},
	    {.family = AF_INET, .ifindex = 3, .ifname = "veth1", .address = "10.9.0.1"},
	};
	struct pm_auto_opts o = {0};
	struct pm_state st = {.limits_known = true};
	struct pm_plan p;

	(void)state;
	p = plan(&st, twin, 2, &o);
	assert_int_equal(count_kind(&p, PM_ACT_ADD), 1);
	assert_string_equal(p.act[0].ep.ifname, "veth0");
	assert_int_equal(p.nnote, 1);
	assert_int_equal(p.note[0].kind, PM_NOTE_LEFT_OUT);
	assert_string_equal(p.note[0].ifname, "veth1");
	assert_non_null(strstr(p.note[0].why, "one endpoint per address"));
	apply(&st, &p);
	pm_plan_free(&p);
	p = plan(&st, twin, 2, &o);
	assert_int_equal(p.n, 0);
	pm_plan_free(&p);
	/* The endpoint on the second interface (made by hand) is kept too:
	 * never deleted to be re-made on the other. */
	snprintf(st.ep[0].ifname, sizeof(st.ep[0].ifname), "veth1");
	st.ep[0].ifindex = 3;
	p = plan(&st, twin, 2, &o);
	assert_int_equal(p.n, 0);
	assert_string_equal(p.note[0].ifname, "veth0");
	pm_plan_free(&p);
	pm_state_free(&st);
}

/* More addresses than the kernel holds endpoints: the plan fits, names
 * each address it left out, and a second plan changes nothing. */
static void test_beyond_the_endpoint_limit(void **state)
{
	struct rtnl_addr many[11];
	struct pm_auto_opts o = {.max_endpoints = 8, .max_limit = 8};
	struct pm_state st = {.limits_known = true};
	struct pm_plan p;

	(void)state;
	for (int i = 0; i < 11; i++) {
		many[i] = (struct rtnl_addr){.family = AF_INET, .ifindex = 2,
					     .ifname = "veth0"};
		snprintf(many[i].address, sizeof(many[i].address),
			 "10.8.0.%d", i + 1);
	}
	p = plan(&st, many, 11, &o);
	assert_int_equal(count_kind(&p, PM_ACT_ADD), 8);
	/* The limits change is there, last. */
	assert_int_equal(p.act[p.n - 1].kind, PM_ACT_LIMITS);
	assert_int_equal(p.act[p.n - 1].subflows, 8);
	assert_int_equal(p.nnote, 3);
	for (size_t i = 0; i < p.nnote; i++)
		assert_non_null(strstr(p.note[i].why, "at most 8 endpoints"));
	assert_string_equal(p.note[2].address, "10.8.0.11");
	apply(&st, &p);
	pm_plan_free(&p);
	p = plan(&st, many, 11, &o);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.nnote, 3);
	pm_plan_free(&p);
	pm_state_free(&st);
}

/* A user's endpoint: fullmesh, a port and an id of their choosing. */
static void test_user_flags_kept(void **state)
{
	struct pm_endpoint mine = {.id = 42,
				   .family = AF_INET,
				   .address = "10.0.1.1",
				   .flags = PM_FLAG_SUBFLOW | PM_FLAG_FULLMESH,
				   .ifindex = 2,
				   .ifname = "eth0"};
	struct pm_auto_opts client = {0}, server = {.server = true};
	struct pm_auto_opts force = {.server = true, .force = true};
	struct pm_state st = {.limits_known = true};
	struct pm_plan p;

	(void)state;
	st.ep = malloc(sizeof(*st.ep));
	st.ep[0] = mine;
	st.n = 1;
	/* It already does what the plan wants: untouched. */
	converge(&st, addrs, 1, &client);
	assert_int_equal(st.n, 1);
	assert_int_equal(st.ep[0].id, 42);
	assert_true(st.ep[0].flags & PM_FLAG_FULLMESH);
	/* A server's signal cannot carry fullmesh: kept, and said. */
	p = plan(&st, addrs, 1, &server);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.nnote, 1);
	assert_int_equal(p.note[0].kind, PM_NOTE_KEPT);
	assert_int_equal(p.note[0].id, 42);
	pm_plan_free(&p);
	/* Bound elsewhere: re-made on its interface with id and fullmesh;
	 * with --force as planned. */
	st.ep[0].ifindex = 9;
	p = plan(&st, addrs, 1, &client);
	assert_int_equal(count_kind(&p, PM_ACT_DELETE), 1);
	assert_int_equal(p.act[1].ep.id, 42);
	assert_int_equal(p.act[1].ep.ifindex, 2);
	assert_true(p.act[1].ep.flags & PM_FLAG_FULLMESH);
	pm_plan_free(&p);
	p = plan(&st, addrs, 1, &force);
	assert_int_equal(p.act[1].ep.id, 0);
	assert_int_equal(p.act[1].ep.port, 0);
	assert_int_equal(p.act[1].ep.flags, PM_FLAG_SIGNAL);
	pm_plan_free(&p);
	/* No interface at all: it works; kept unless --force. */
	st.ep[0].ifindex = 0;
	converge(&st, addrs, 1, &client);
	assert_int_equal(st.ep[0].id, 42);
	/* A port goes with signal alone: a client keeps it as it is. */
	st.ep[0].flags = PM_FLAG_SIGNAL;
	st.ep[0].port = 4242;
	st.ep[0].ifindex = 2;
	p = plan(&st, addrs, 1, &client);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.note[0].kind, PM_NOTE_KEPT);
	assert_non_null(strstr(p.note[0].why, "port"));
	pm_plan_free(&p);
	pm_state_free(&st);
}

/* The kernel's implicit record of an address: an add replaces it in
 * place (no delete). */
static void test_implicit_replaced_by_add(void **state)
{
	struct pm_endpoint implicit = {.id = 3,
				       .family = AF_INET,
				       .address = "10.0.1.1",
				       .flags = PM_FLAG_IMPLICIT};
	struct pm_auto_opts o = {0};
	struct pm_state st = {.limits_known = true};
	struct pm_plan p;

	(void)state;
	st.ep = malloc(sizeof(*st.ep));
	st.ep[0] = implicit;
	st.n = 1;
	p = plan(&st, addrs, 1, &o);
	assert_int_equal(count_kind(&p, PM_ACT_DELETE), 0);
	assert_int_equal(count_kind(&p, PM_ACT_ADD), 1);
	pm_plan_free(&p);
	converge(&st, addrs, 1, &o);
	pm_state_free(&st);
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

/* Interface names may hold '$', quotes, ';' (only '/', ':' and spaces
 * are refused): the commands printed for the user to paste keep each one a
 * single shell word, in the plan and in pm_check's fixes. */
static void test_hostile_interface_names(void **state)
{
	static const struct rtnl_addr odd[] = {
	    {.family = AF_INET, .ifindex = 2, .ifname = "e$(id)",
	     .address = "10.0.1.1"},
	    {.family = AF_INET, .ifindex = 3, .ifname = "q'x;y",
	     .address = "10.0.2.1"},
	};
	struct pm_unused_address u = {.family = AF_INET,
				      .address = "10.0.3.1",
				      .ifname = "`reboot`",
				      .cause = "x"};
	struct pm_endpoint ep = usable_endpoint(0);
	struct pm_state st = {.limits_known = true};
	struct pm_auto_opts o = {0};
	struct pm_warning w[8];
	struct pm_plan p;
	char cmd[256];
	size_t n;

	(void)state;
	p = plan(&st, odd, 2, &o);
	pm_action_command(&p.act[0], cmd, sizeof(cmd));
	assert_string_equal(cmd, "ip mptcp endpoint add 10.0.1.1 dev 'e$(id)' "
				 "subflow");
	pm_action_command(&p.act[1], cmd, sizeof(cmd));
	assert_string_equal(cmd, "ip mptcp endpoint add 10.0.2.1 dev "
				 "'q'\\''x;y' subflow");
	pm_plan_free(&p);

	st = (struct pm_state){
	    .ep = &ep, .n = 1, .env_probed = true, .unused = &u, .nunused = 1};
	n = pm_check(&st, w, 8);
	for (size_t i = 0; i < n; i++)
		if (strcmp(w[i].id, "interface_without_endpoint") == 0)
			assert_non_null(strstr(w[i].fix, "dev '`reboot`' "));
	assert_true(has_warning(&st, "interface_without_endpoint"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_client_plan_is_idempotent),
	    cmocka_unit_test(test_changed_role_replaces_changed_backup_in_place),
	    cmocka_unit_test(test_same_address_two_interfaces),
	    cmocka_unit_test(test_beyond_the_endpoint_limit),
	    cmocka_unit_test(test_user_flags_kept),
	    cmocka_unit_test(test_implicit_replaced_by_add),
	    cmocka_unit_test(test_flush_and_limits),
	    cmocka_unit_test(test_routing_warnings),
	    cmocka_unit_test(test_unused_addresses),
	    cmocka_unit_test(test_hostile_interface_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
