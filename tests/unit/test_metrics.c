// SPDX-License-Identifier: BSD-3-Clause
/*
 * What `metrics`, `mib --explain` and `doctor --bundle` build on: the
 * counter glossary against every kernel's counter set (fixtures and the
 * running kernel), metric names promtool accepts and that never collide,
 * the Prometheus escaper, the address redactor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "blackhole.h"
#include "explain.h"
#include "metrics.h"
#include "mib.h"
#include "mib_glossary.h"
#include "output.h"
#include "pm.h"
#include "redact.h"

static int load(const char *name, struct mib_set *set)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/netstat/%s", FIXTURES, name);
	return mib_read(path, set);
}

/* Every counter of a set is explained or informational; returns how many
 * are neither (and names them). */
static size_t unknown_counters(const struct mib_set *set)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n; i++)
		if (mib_glossary_role(set->v[i].name, NULL) ==
		    MIB_ROLE_UNKNOWN) {
			print_message("unexplained: %s\n", set->v[i].name);
			n++;
		}
	return n;
}

static void test_every_kernel_explained(void **state)
{
	static const char *const kernels[] = { "5.15", "6.1", "6.18" };
	struct mib_set set;

	(void)state;
	for (size_t k = 0; k < 3; k++) {
		assert_int_equal(load(kernels[k], &set), 0);
		assert_int_equal(unknown_counters(&set), 0);
		mib_free(&set);
	}
	/* The test can fail: a counter no table knows is reported. */
	assert_int_equal(load("future", &set), 0);
	assert_int_equal(unknown_counters(&set), 1);
	assert_int_equal(mib_glossary_role("LaminarFutureCounter", NULL),
			 MIB_ROLE_UNKNOWN);
	assert_null(mib_glossary_meaning("LaminarFutureCounter"));
	mib_free(&set);
}

static void test_running_kernel_explained(void **state)
{
	struct mib_set set;

	(void)state;
	if (mib_read(MIB_NETSTAT, &set) != 0)
		skip();
	assert_int_equal(unknown_counters(&set), 0);
	mib_free(&set);
}

/* A counter a rule reads is a reason, and has a meaning too. */
static void test_rules_have_meanings(void **state)
{
	struct mib_set set;
	const char *rule;

	(void)state;
	assert_int_equal(mib_glossary_role("MPCapableFallbackSYNACK", &rule),
			 MIB_ROLE_REASON);
	assert_string_equal(rule, "peer_not_mptcp");
	assert_int_equal(mib_glossary_role("MPJoinSynTx", &rule),
			 MIB_ROLE_REASON);
	assert_string_equal(rule, "joins_unanswered");
	assert_int_equal(mib_glossary_role("OFOMerge", &rule),
			 MIB_ROLE_INFORMATIONAL);
	assert_null(rule);
	assert_string_equal(mib_role_name(MIB_ROLE_INFORMATIONAL),
			    "informational");
	assert_int_equal(load("6.18", &set), 0);
	for (size_t i = 0; i < set.n; i++)
		assert_non_null(mib_glossary_meaning(set.v[i].name));
	mib_free(&set);
}

static bool name_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return true;
}

static void test_metric_names(void **state)
{
	static const char *const kernels[] = { "5.15", "6.1", "6.18" };
	char a[160], b[160];

	(void)state;
	metrics_mib_name("MPCapableSYNRX", a, sizeof(a));
	assert_string_equal(a, "mptcp_mib_mp_capable_synrx_total");
	metrics_mib_name("MPJoinSynAckHMacFailure", a, sizeof(a));
	assert_string_equal(a, "mptcp_mib_mp_join_syn_ack_hmac_failure_total");
	metrics_mib_name("MPTCPRetrans", a, sizeof(a));
	assert_string_equal(a, "mptcp_mib_mptcp_retrans_total");
	/* A gauge has no _total. */
	metrics_mib_name("MPCurrEstab", a, sizeof(a));
	assert_string_equal(a, "mptcp_mib_mp_curr_estab");
	/* No two counters of a kernel share a metric name. */
	for (size_t k = 0; k < 3; k++) {
		struct mib_set set;

		assert_int_equal(load(kernels[k], &set), 0);
		for (size_t i = 0; i < set.n; i++) {
			metrics_mib_name(set.v[i].name, a, sizeof(a));
			assert_true(name_ok(a));
			for (size_t j = i + 1; j < set.n; j++) {
				metrics_mib_name(set.v[j].name, b, sizeof(b));
				assert_string_not_equal(a, b);
			}
		}
		mib_free(&set);
	}
}

static char *escaped(const char *s, bool label)
{
	static char buf[256];
	FILE *fp = fmemopen(buf, sizeof(buf), "w");

	out_prom_escaped(fp, s, label);
	fclose(fp);
	return buf;
}

static void test_prom_escape(void **state)
{
	(void)state;
	/* Label value a"b\\c<newline>d: the backslash doubled in the
	 * value, then each escaped for the text format. */
	assert_string_equal(escaped("a\"b\\c\nd", true),
			    "a\\\"b\\\\\\\\c\\nd");
	/* HELP text leaves quotes alone. */
	assert_string_equal(escaped("say \"hi\"\n", false), "say \"hi\"\\n");
	/* Not UTF-8, and control bytes: HELP gets U+FFFD; a label the
	 * text \xNN (value), so a scrape parses and names stay apart. */
	assert_string_equal(escaped("x\xff\x01y", false),
			    "x\xef\xbf\xbd\xef\xbf\xbdy");
	assert_string_equal(escaped("x\xff\x01y", true),
			    "x\\\\xff\\\\x01y");
	assert_string_equal(escaped("caf\xc3\xa9", true), "caf\xc3\xa9");
	/* Interface names that differ stay different label values (they
	 * were both "t<U+FFFD>x": a duplicate series), also against a name
	 * that spells the escape out. */
	{
		char a[256], b[256], c[256];

		snprintf(a, sizeof(a), "%s", escaped("t\x01x", true));
		snprintf(b, sizeof(b), "%s", escaped("t\x02x", true));
		snprintf(c, sizeof(c), "%s", escaped("t\\x01x", true));
		assert_string_not_equal(a, b);
		assert_string_not_equal(a, c);
		snprintf(a, sizeof(a), "%s", escaped("\xfe\xff", true));
		assert_string_not_equal(a, escaped("\xff\xfe", true));
	}
}

static char *redacted(struct redact *r, const char *in)
{
	static char buf[1024];
	size_t len;
	char *out = redact_text(r, in, strlen(in), &len);

	assert_non_null(out);
	snprintf(buf, sizeof(buf), "%.*s", (int)len, out);
	free(out);
	return buf;
}

static void test_redact(void **state)
{
	struct redact r = { 0 };

	(void)state;
	assert_string_equal(redacted(&r, "10.62.1.1:5201 -> 10.62.1.2:80."),
			    "ipv4-1:5201 -> ipv4-2:80.");
	/* The same address, the same pseudonym, across calls. */
	assert_string_equal(redacted(&r, "src 10.62.1.1\n"), "src ipv4-1\n");
	assert_string_equal(redacted(&r, "[2001:db8::1]:443 fe80::1%eth0"),
			    "[ipv6-1]:443 ipv6-2%eth0");
	assert_string_equal(redacted(&r, "\"::ffff:10.62.1.1\""),
			    "\"ipv6-3\"");
	/* Loopback and unspecified stay; times, MACs, versions, hex words
	 * and names with digits are no addresses. */
	assert_string_equal(redacted(&r, "127.0.0.1 ::1 0.0.0.0 :: *:22"),
			    "127.0.0.1 ::1 0.0.0.0 :: *:22");
	assert_string_equal(redacted(&r, "08:48:39 aa:bb:cc:dd:ee:ff 6.18.44 "
					 "deadbeef eth1.2.3.4 v1.2.3.4x"),
			    "08:48:39 aa:bb:cc:dd:ee:ff 6.18.44 deadbeef "
			    "eth1.2.3.4 v1.2.3.4x");
	/* A bad octet is not an address. */
	assert_string_equal(redacted(&r, "300.1.1.1"), "300.1.1.1");
	redact_free(&r);
}

/* The derived blackhole state where the kernel has no detection (6.1),
 * has it off, and had detections (without a probe: unknown, the longest
 * period capped at 64x). */
static void test_blackhole_states(void **state)
{
	struct explain_sysctl sys;
	struct blackhole b;
	struct mib_set set;
	char msg[512], fix[320];

	(void)state;
	explain_sysctl_init(&sys);
	sys.present = true;
	assert_int_equal(load("6.1", &set), 0);
	blackhole_read(&sys, &set, true, &b);
	assert_int_equal(b.state, BLACKHOLE_UNSUPPORTED);
	assert_false(b.probed);
	assert_false(blackhole_describe(&b, msg, sizeof(msg), fix,
					sizeof(fix)));
	assert_non_null(strstr(msg, "no blackhole detection"));
	/* No syn_retrans_before_tcp_fallback either: not mentioned. */
	assert_null(strstr(msg, "syn_retrans"));
	mib_free(&set);

	assert_int_equal(load("6.18", &set), 0);
	explain_sysctl_set(&sys, "blackhole_timeout", "0");
	explain_sysctl_set(&sys, "syn_retrans_before_tcp_fallback", "2");
	blackhole_read(&sys, &set, true, &b);
	assert_int_equal(b.state, BLACKHOLE_DETECTION_OFF);
	assert_false(blackhole_describe(&b, msg, sizeof(msg), fix,
					sizeof(fix)));
	assert_non_null(strstr(msg, "syn_retrans_before_tcp_fallback = 2"));

	/* The fixture's Blackhole is 2^64-1: the doubling stops at 64x. */
	explain_sysctl_set(&sys, "blackhole_timeout", "3600");
	blackhole_read(&sys, &set, false, &b);
	assert_int_equal(b.state, BLACKHOLE_UNKNOWN);
	assert_int_equal(b.max_period, 3600LL * 64);
	assert_true(blackhole_describe(&b, msg, sizeof(msg), fix,
				       sizeof(fix)));
	assert_non_null(strstr(msg, "state unknown"));
	assert_non_null(strstr(fix, "option 30"));
	assert_string_equal(blackhole_state_name(b.state), "unknown");
	mib_free(&set);
}

/* Endpoint flags by name, laminar (6.18) among them. */
static void test_flag_counts(void **state)
{
	struct pm_endpoint ep[3] = {
		{ .flags = PM_FLAG_SIGNAL | PM_FLAG_LAMINAR },
		{ .flags = PM_FLAG_SUBFLOW | PM_FLAG_BACKUP },
		{ .flags = PM_FLAG_SIGNAL },
	};
	struct pm_state st = { .ep = ep, .n = 3 };
	char buf[128];

	(void)state;
	pm_flag_counts(&st, buf, sizeof(buf));
	assert_string_equal(buf, "signal 2, subflow 1, backup 1, laminar 1");
	st.n = 0;
	pm_flag_counts(&st, buf, sizeof(buf));
	assert_string_equal(buf, "");
	/* Cut short, never past the buffer. */
	st.n = 3;
	pm_flag_counts(&st, buf, 12);
	assert_string_equal(buf, "signal 2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kernel_explained),
		cmocka_unit_test(test_running_kernel_explained),
		cmocka_unit_test(test_rules_have_meanings),
		cmocka_unit_test(test_metric_names),
		cmocka_unit_test(test_prom_escape),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_flag_counts),
		cmocka_unit_test(test_blackhole_states),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
