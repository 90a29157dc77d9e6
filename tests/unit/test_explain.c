// SPDX-License-Identifier: BSD-3-Clause
/*
 * `mib --explain` rules, driven by fixture pairs: fixtures/explain/NAME.in
 * (netstat lines, sysctls, endpoints) and NAME.expected (the rule ids, in
 * rank order). Every *.in in the directory is a case.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "explain.h"
#include "mib.h"
#include "pm_check.h"

#define MAX_REASONS 32

struct fixture {
	struct mib_set mib;
	struct explain_sysctl sys;
	struct pm_state pm;
	bool have_pm;
};

static void parse_endpoint(struct pm_state *pm, char *line)
{
	struct pm_endpoint *ep;
	char *tok, *save;

	pm->ep = realloc(pm->ep, (pm->n + 1) * sizeof(*pm->ep));
	assert_non_null(pm->ep);
	ep = &pm->ep[pm->n++];
	memset(ep, 0, sizeof(*ep));
	ep->if_exists = ep->if_up = ep->if_running = true;
	strtok_r(line, " \n", &save); /* "endpoint" */
	ep->id = (unsigned)atoi(strtok_r(NULL, " \n", &save));
	snprintf(ep->address, sizeof(ep->address), "%s",
		 strtok_r(NULL, " \n", &save));
	ep->family = strchr(ep->address, ':') ? 10 : 2;
	while ((tok = strtok_r(NULL, " \n", &save))) {
		if (strcmp(tok, "subflow") == 0)
			ep->flags |= PM_FLAG_SUBFLOW;
		else if (strcmp(tok, "signal") == 0)
			ep->flags |= PM_FLAG_SIGNAL;
		else if (strcmp(tok, "backup") == 0)
			ep->flags |= PM_FLAG_BACKUP;
		else if (strcmp(tok, "dev") == 0) {
			snprintf(ep->ifname, sizeof(ep->ifname), "%s",
				 strtok_r(NULL, " \n", &save));
			ep->ifindex = 2;
		} else if (strcmp(tok, "up") == 0)
			ep->if_up = true;
		else if (strcmp(tok, "down") == 0)
			ep->if_up = false;
		else if (strcmp(tok, "nocarrier") == 0)
			ep->if_running = false;
		else if (strcmp(tok, "present") == 0)
			ep->address_present = true;
		else if (strcmp(tok, "missing") == 0)
			ep->address_present = false;
		else
			fail_msg("unknown endpoint word '%s'", tok);
	}
}

static void load_fixture(const char *path, struct fixture *fx)
{
	char line[8192], netstat[8192] = "", section[32] = "";
	FILE *fp = fopen(path, "r");

	assert_non_null(fp);
	memset(fx, 0, sizeof(*fx));
	explain_sysctl_init(&fx->sys);
	while (fgets(line, sizeof(line), fp)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (line[0] == '[') {
			snprintf(section, sizeof(section), "%.*s",
				 (int)strcspn(line + 1, "]"), line + 1);
			fx->have_pm |= strcmp(section, "endpoints") == 0;
			continue;
		}
		if (strcmp(section, "netstat") == 0) {
			size_t used = strlen(netstat);

			/* not strncat: fortified builds warn on its bound */
			snprintf(netstat + used, sizeof(netstat) - used, "%s",
				 line);
		} else if (strcmp(section, "sysctl") == 0) {
			char *value = strchr(line, ' ');

			assert_non_null(value);
			*value++ = '\0';
			explain_sysctl_set(&fx->sys, line, value);
		} else if (strcmp(section, "endpoints") == 0) {
			struct pm_state *pm = &fx->pm;

			if (strncmp(line, "limits ", 7) == 0) {
				assert_int_equal(sscanf(line, "limits %u %u",
							&pm->subflows,
							&pm->add_addr_accepted),
						 2);
				pm->limits_known = true;
			} else {
				parse_endpoint(&fx->pm, line);
			}
		} else {
			fail_msg("%s: line outside a section: %s", path, line);
		}
	}
	fclose(fp);
	if (netstat[0]) {
		FILE *ns = fmemopen(netstat, strlen(netstat), "r");

		assert_non_null(ns);
		assert_int_equal(mib_parse(ns, &fx->mib), 0);
		fclose(ns);
	}
}

static void run_case(const char *dir, const char *name)
{
	struct explain_reason reasons[MAX_REASONS];
	char path[1024], line[128];
	struct explain_input in;
	struct fixture fx;
	size_t n, i = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s.in", dir, name);
	load_fixture(path, &fx);
	in.mib = &fx.mib;
	in.sys = &fx.sys;
	in.pm = fx.have_pm ? &fx.pm : NULL;
	n = explain_run(&in, reasons, MAX_REASONS);

	snprintf(path, sizeof(path), "%s/%s.expected", dir, name);
	fp = fopen(path, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		if (i >= n)
			fail_msg("%s: expected '%s' at rank %zu, got nothing",
				 name, line, i + 1);
		if (strcmp(reasons[i].id, line) != 0)
			fail_msg("%s: rank %zu: expected '%s', got '%s'", name,
				 i + 1, line, reasons[i].id);
		/* Every reason says something and how to fix it. */
		assert_true(strlen(reasons[i].reason) > 10);
		assert_true(strlen(reasons[i].fix) > 10);
		i++;
	}
	fclose(fp);
	if (i != n)
		fail_msg("%s: %zu unexpected extra reason(s), first '%s'", name,
			 n - i, reasons[i].id);
	mib_free(&fx.mib);
	pm_state_free(&fx.pm);
}

static void test_fixture_pairs(void **state)
{
	const char *dir = FIXTURES "/explain";
	struct dirent *e;
	size_t cases = 0;
	DIR *d = opendir(dir);

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char name[256];

		if (len < 4 || strcmp(e->d_name + len - 3, ".in") != 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 3),
			 e->d_name);
		print_message("case %s\n", name);
		run_case(dir, name);
		cases++;
	}
	closedir(d);
	assert_true(cases >= 10);
}

/* The done-when of the issue: a plain TCP server is named first. */
static void test_plain_tcp_server_first(void **state)
{
	struct explain_reason reasons[MAX_REASONS];
	struct explain_input in;
	struct fixture fx;

	(void)state;
	load_fixture(FIXTURES "/explain/plain_tcp_server.in", &fx);
	in.mib = &fx.mib;
	in.sys = &fx.sys;
	in.pm = &fx.pm;
	assert_true(explain_run(&in, reasons, MAX_REASONS) >= 1);
	assert_non_null(strstr(reasons[0].reason, "peer not MPTCP capable"));
	assert_non_null(strstr(reasons[0].evidence,
			       "MPCapableFallbackSYNACK 1"));
	mib_free(&fx.mib);
	pm_state_free(&fx.pm);
}

static void test_blackhole_mentions_timeout(void **state)
{
	struct explain_reason reasons[MAX_REASONS];
	struct explain_input in;
	struct fixture fx;

	(void)state;
	load_fixture(FIXTURES "/explain/blackhole.in", &fx);
	in.mib = &fx.mib;
	in.sys = &fx.sys;
	in.pm = &fx.pm;
	assert_true(explain_run(&in, reasons, MAX_REASONS) >= 1);
	assert_non_null(strstr(reasons[0].reason, "3600 s"));
	assert_non_null(strstr(reasons[0].evidence, "Blackhole 1"));
	assert_non_null(strstr(reasons[0].evidence,
			       "MPCapableSYNTXDisabled 5"));
	mib_free(&fx.mib);
	pm_state_free(&fx.pm);
}

/* Nothing tried MPTCP: the shim itself may be why (policy, options), so
 * the fix does not simply say "use run" to people who do. */
static void test_no_attempts_fix_is_conditional(void **state)
{
	struct explain_reason reasons[MAX_REASONS];
	struct explain_input in;
	struct fixture fx;
	size_t n;
	const char *fix = NULL;

	(void)state;
	load_fixture(FIXTURES "/explain/disabled.in", &fx);
	in.mib = &fx.mib;
	in.sys = &fx.sys;
	in.pm = &fx.pm;
	n = explain_run(&in, reasons, MAX_REASONS);
	for (size_t i = 0; i < n; i++)
		if (strcmp(reasons[i].id, "no_mptcp_attempts") == 0)
			fix = reasons[i].fix;
	assert_non_null(fix);
	assert_non_null(strstr(fix, "if the programs do not run under the "
				    "shim"));
	assert_non_null(strstr(fix, "'mptcpshim run --stats CMD' names it"));
	mib_free(&fx.mib);
	pm_state_free(&fx.pm);
}

/* Deltas: history before the interval must not produce reasons. */
static void test_delta_hides_history(void **state)
{
	struct explain_reason reasons[MAX_REASONS];
	struct mib_set before, after, delta;
	struct explain_sysctl sys;
	struct explain_input in = { .sys = &sys };
	FILE *fp;

	(void)state;
	fp = fopen(FIXTURES "/netstat/6.18", "r");
	assert_non_null(fp);
	assert_int_equal(mib_parse(fp, &before), 0);
	fclose(fp);
	fp = fopen(FIXTURES "/netstat/6.18", "r");
	assert_int_equal(mib_parse(fp, &after), 0);
	fclose(fp);
	for (size_t i = 0; i < after.n; i++)
		if (strcmp(after.v[i].name, "MPCapableSYNTX") == 0)
			after.v[i].value += 1;
	assert_int_equal(mib_delta(&before, &after, &delta), 0);
	explain_sysctl_init(&sys);
	explain_sysctl_set(&sys, "enabled", "1\n");
	in.mib = &delta;
	/* The fixture's Blackhole and FallbackSYNACK are history only. */
	assert_int_equal(explain_run(&in, reasons, MAX_REASONS), 0);
	in.mib = &after;
	assert_true(explain_run(&in, reasons, MAX_REASONS) >= 2);
	assert_string_equal(reasons[0].id, "blackhole");
	assert_string_equal(reasons[1].id, "peer_not_mptcp");
	mib_free(&before);
	mib_free(&after);
	mib_free(&delta);
}

static void test_sysctl_parsing(void **state)
{
	struct explain_sysctl s;

	(void)state;
	explain_sysctl_init(&s);
	assert_false(s.present);
	assert_int_equal(s.enabled, -1);
	explain_sysctl_set(&s, "enabled", "0\n");
	explain_sysctl_set(&s, "path_manager", "userspace\n");
	explain_sysctl_set(&s, "blackhole_timeout", "3600\n");
	explain_sysctl_set(&s, "pm_type", "garbage\n");
	assert_true(s.present);
	assert_int_equal(s.enabled, 0);
	assert_string_equal(s.path_manager, "userspace");
	assert_int_equal(s.blackhole_timeout, 3600);
	assert_int_equal(s.pm_type, -1);

	explain_sysctl_read("/nonexistent/mptcp", &s);
	assert_false(s.present);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_pairs),
		cmocka_unit_test(test_plain_tcp_server_first),
		cmocka_unit_test(test_blackhole_mentions_timeout),
		cmocka_unit_test(test_no_attempts_fix_is_conditional),
		cmocka_unit_test(test_delta_hides_history),
		cmocka_unit_test(test_sysctl_parsing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
