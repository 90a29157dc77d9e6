// SPDX-License-Identifier: BSD-3-Clause
/* unsupported_option = auto: the per-option table and how explicit modes
 * (global, per app, per option) override it. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "option_table.h"
#include "policy.h"
#include "sockopt_names.h"

static struct policy *load(const char *text)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct policy *p = policy_load_stream(in, "mem", NULL, NULL);

	fclose(in);
	assert_non_null(p);
	return p;
}

/* The mode for setting optname to v, when a fresh TCP socket reads f. */
static enum policy_unsupported act(const struct policy_view *view, int level,
				   int name, int v, int f)
{
	return policy_option_action(view, level, name, &v, sizeof(v), &f,
				    sizeof(f)).mode;
}

static void test_auto_defaults(void **state)
{
	const char *const names[] = { "haproxy", NULL };
	struct policy *p = load("");
	struct policy_view view;

	(void)state;
	policy_resolve(p, names, &view);
	assert_int_equal(view.unsupported, POLICY_UNSUP_AUTO);
	/* haproxy's TCP_USER_TIMEOUT = 0 keeps MPTCP; 5000 does not. */
	assert_int_equal(act(&view, SOL_TCP, TCP_USER_TIMEOUT, 0, 0),
			 POLICY_UNSUP_IGNORE);
	assert_int_equal(act(&view, SOL_TCP, TCP_USER_TIMEOUT, 5000, 0),
			 POLICY_UNSUP_TCP);
	/* The sysctl default read back from a fresh socket counts. */
	assert_int_equal(act(&view, SOL_TCP, TCP_SYNCNT, 6, 6),
			 POLICY_UNSUP_IGNORE);
	assert_int_equal(act(&view, SOL_TCP, TCP_SYNCNT, 2, 6),
			 POLICY_UNSUP_TCP);
	/* IP_TTL: -1 means "the default", as does the sysctl's 64. */
	assert_int_equal(act(&view, SOL_IP, IP_TTL, -1, 64),
			 POLICY_UNSUP_IGNORE);
	assert_int_equal(act(&view, SOL_IP, IP_TTL, 64, 64),
			 POLICY_UNSUP_IGNORE);
	assert_int_equal(act(&view, SOL_IP, IP_TTL, 255, 64),
			 POLICY_UNSUP_TCP);
	/* Without a read-back, only the reset value is a default. */
	assert_int_equal(policy_option_action(&view, SOL_IP, IP_TTL,
					      &(int){ 64 }, sizeof(int), NULL,
					      0).mode,
			 POLICY_UNSUP_TCP);
	/* One-byte values, as IP-level options accept. */
	assert_int_equal(policy_option_action(&view, SOL_IP, IP_MINTTL,
					      &(unsigned char){ 0 }, 1,
					      &(int){ 0 }, sizeof(int)).mode,
			 POLICY_UNSUP_IGNORE);
	/* Hints keep MPTCP whatever the value: OpenSSH's IPQoS on IPv6. */
	assert_int_equal(act(&view, SOL_IPV6, IPV6_TCLASS, 0x20, 0),
			 POLICY_UNSUP_IGNORE);
	assert_int_equal(act(&view, SOL_TCP, TCP_QUICKACK, 0, 1),
			 POLICY_UNSUP_IGNORE);
	assert_int_equal(act(&view, SOL_TCP, TCP_WINDOW_CLAMP, 4096, 0),
			 POLICY_UNSUP_IGNORE);
	/* Path-MTU and marking hints keep MPTCP: bind9's named sets
	 * IPV6_MTU = 1280 on its listeners and ignores the error. */
	assert_int_equal(act(&view, SOL_IPV6, IPV6_MTU, 1280, 0),
			 POLICY_UNSUP_IGNORE);
	assert_int_equal(act(&view, SOL_IPV6, IPV6_DONTFRAG, 1, 0),
			 POLICY_UNSUP_IGNORE);
	assert_int_equal(act(&view, SOL_IPV6, IPV6_AUTOFLOWLABEL, 0, 1),
			 POLICY_UNSUP_IGNORE);
	/* Extension headers on every packet are the program's to keep. */
	assert_int_equal(act(&view, SOL_IPV6, IPV6_RTHDR, 0, 0),
			 POLICY_UNSUP_TCP);
	/* Security and repair always rescue, even a zero value. */
	assert_int_equal(act(&view, SOL_TCP, TCP_MD5SIG, 0, 0),
			 POLICY_UNSUP_TCP);
	assert_int_equal(act(&view, SOL_TCP, TCP_REPAIR, 0, 0),
			 POLICY_UNSUP_TCP);
	assert_int_equal(act(&view, SOL_IP, IP_MINTTL, 255, 0),
			 POLICY_UNSUP_TCP);
	/* Missing from the table: tcp, decided by auto. */
	assert_null(policy_option_rule(SOL_IP, IP_NODEFRAG));
	assert_int_equal(act(&view, SOL_IP, IP_NODEFRAG, 1, 0),
			 POLICY_UNSUP_TCP);
	assert_true(policy_option_action(&view, SOL_IP, IP_NODEFRAG, NULL, 0,
					 NULL, 0).by_table);
	policy_free(p);
}

static void test_explicit_modes_win(void **state)
{
	const char *const haproxy[] = { "haproxy", NULL };
	const char *const other[] = { "other", NULL };
	struct policy *p = load(
		"[global]\nunsupported_option = tcp\n"
		"unsupported_option.IPV6_TCLASS = fail\n"
		"[app:haproxy]\nunsupported_option = auto\n"
		"unsupported_option.TCP_USER_TIMEOUT = ignore\n");
	struct policy_view view;

	(void)state;
	policy_resolve(p, other, &view);
	/* Global tcp beats the table's "keep". */
	assert_int_equal(act(&view, SOL_TCP, TCP_USER_TIMEOUT, 0, 0),
			 POLICY_UNSUP_TCP);
	assert_false(policy_option_action(&view, SOL_TCP, TCP_USER_TIMEOUT,
					  NULL, 0, NULL, 0).by_table);
	assert_int_equal(act(&view, SOL_IPV6, IPV6_TCLASS, 0x20, 0),
			 POLICY_UNSUP_FAIL);

	policy_resolve(p, haproxy, &view);
	/* The app's per-option ignore beats the table's rescue... */
	assert_int_equal(act(&view, SOL_TCP, TCP_USER_TIMEOUT, 5000, 0),
			 POLICY_UNSUP_IGNORE);
	/* ...and its auto beats the global tcp and per-option fail. */
	assert_int_equal(act(&view, SOL_IPV6, IPV6_TCLASS, 0x20, 0),
			 POLICY_UNSUP_IGNORE);
	assert_int_equal(act(&view, SOL_IP, IP_TTL, 255, 64),
			 POLICY_UNSUP_TCP);
	policy_free(p);
}

/* Every entry names an option the policy files can spell, once, with a
 * reason; the table documents exactly these in mptcpshim.conf(5). */
static void test_table_is_well_formed(void **state)
{
	size_t n;
	const struct policy_opt_rule *r = policy_option_rules(&n);

	(void)state;
	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++) {
		const char *name = sockopt_name(r[i].level, r[i].optname);

		assert_non_null(name);
		assert_ptr_equal(sockopt_by_name(name)->optname, r[i].optname);
		assert_true(r[i].reason && strlen(r[i].reason) > 10);
		assert_ptr_equal(policy_option_rule(r[i].level, r[i].optname),
				 &r[i]);
	}
}

/* mptcpshim.conf(5) documents each entry with the verdict the code has. */
static void test_man_page_matches(void **state)
{
	static char man[1 << 17];
	FILE *f = fopen(MANPAGE, "r");
	size_t n, len;
	const struct policy_opt_rule *r = policy_option_rules(&n);

	(void)state;
	assert_non_null(f);
	len = fread(man, 1, sizeof(man) - 1, f);
	man[len] = '\0';
	fclose(f);
	for (size_t i = 0; i < n; i++) {
		const char *v = policy_opt_verdict_name(r[i].verdict);
		char want[160], verdict[40];
		size_t k = 0;

		for (; *v && k + 2 < sizeof(verdict); v++) {
			if (*v == '-')
				verdict[k++] = '\\';
			verdict[k++] = *v;
		}
		verdict[k] = '\0';
		snprintf(want, sizeof(want), ".BR %s \" (%s): %s\"\n",
			 sockopt_name(r[i].level, r[i].optname),
			 sockopt_level_name(r[i].level), verdict);
		if (!strstr(man, want))
			fail_msg("mptcpshim.conf.5 lacks: %s", want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_defaults),
		cmocka_unit_test(test_explicit_modes_win),
		cmocka_unit_test(test_table_is_well_formed),
		cmocka_unit_test(test_man_page_matches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
