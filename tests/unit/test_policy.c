// SPDX-License-Identifier: BSD-3-Clause
/*
 * The policy module: every key, every class of bad input (with file:line),
 * CIDR and port edges, v4-mapped addresses, precedence across sources,
 * per-option modes, listed mode, listen/connect and each decision's origin.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "policy.h"
#include "policy_show.h"
#include "sockopt_names.h"

#ifndef FIXTURES
#error "FIXTURES must name tests/unit/fixtures/policy"
#endif

/* ---- helpers ---- */

#define MAX_DIAGS 64

struct diags {
	int n;
	struct {
		char file[512];
		unsigned line;
		char message[512];
	} d[MAX_DIAGS];
};

static void collect(void *ctx, const char *file, unsigned line,
		    const char *message)
{
	struct diags *ds = ctx;

	if (ds->n >= MAX_DIAGS)
		return;
	snprintf(ds->d[ds->n].file, sizeof(ds->d[0].file), "%s", file);
	ds->d[ds->n].line = line;
	snprintf(ds->d[ds->n].message, sizeof(ds->d[0].message), "%s",
		 message);
	ds->n++;
}

static bool has_diag(const struct diags *ds, unsigned line, const char *part)
{
	for (int i = 0; i < ds->n; i++)
		if (ds->d[i].line == line && strstr(ds->d[i].message, part))
			return true;
	return false;
}

static void print_diags(const struct diags *ds)
{
	for (int i = 0; i < ds->n; i++)
		print_message("  %s:%u: %s\n", ds->d[i].file, ds->d[i].line,
			      ds->d[i].message);
}

static struct policy *load_text(const char *text, struct diags *ds)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct policy *p;

	assert_non_null(in);
	p = policy_load_stream(in, "mem.conf", collect, ds);
	fclose(in);
	assert_non_null(p);
	return p;
}

static struct policy *load_fixture(const char *name, struct diags *ds)
{
	char path[1024];
	FILE *in;
	struct policy *p;

	snprintf(path, sizeof(path), FIXTURES "/%s", name);
	in = fopen(path, "r");
	assert_non_null(in);
	p = policy_load_stream(in, name, collect, ds);
	fclose(in);
	assert_non_null(p);
	return p;
}

static struct sockaddr_storage addr_storage;
static socklen_t addr_len;

/* "1.2.3.4" or "::1" plus a port, as a connect() argument. */
static const struct sockaddr *sa(const char *text, unsigned port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&addr_storage;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&addr_storage;

	memset(&addr_storage, 0, sizeof(addr_storage));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		addr_len = sizeof(*sin);
	} else {
		assert_int_equal(inet_pton(AF_INET6, text, &sin6->sin6_addr),
				 1);
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		addr_len = sizeof(*sin6);
	}
	return (const struct sockaddr *)&addr_storage;
}

static void resolve(const struct policy *p, const char *program,
		    struct policy_view *view)
{
	const char *names[] = { program, NULL };

	policy_resolve(p, names, view);
}

struct expect_decision {
	const char *addr;
	unsigned port;
	enum policy_role role;
	enum policy_choice choice;
	unsigned line;		/* 0: built-in default (file NULL) */
	const char *reason;	/* substring */
};

static void check_decisions(const struct policy_view *view,
			    const struct expect_decision *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct sockaddr *a = sa(e[i].addr, e[i].port);
		struct policy_decision d =
			policy_decide(view, e[i].role, a, addr_len);

		print_message("  %s %s:%u -> %s (%s:%u, %s)\n",
			      e[i].role == POLICY_LISTEN ? "listen" : "connect",
			      e[i].addr, e[i].port,
			      policy_choice_name(d.choice),
			      d.origin.file ? d.origin.file : "default",
			      d.origin.line, d.reason);
		assert_int_equal(d.choice, e[i].choice);
		assert_int_equal(d.origin.line, e[i].line);
		if (e[i].line)
			assert_non_null(d.origin.file);
		else
			assert_null(d.origin.file);
		assert_non_null(strstr(d.reason, e[i].reason));
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define C POLICY_CONNECT
#define L POLICY_LISTEN
#define TCP POLICY_TCP
#define MPTCP POLICY_MPTCP

/* ---- defaults ---- */

static void test_builtin_defaults(void **state)
{
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p = load_fixture("good01-empty.conf", &ds);

	(void)state;
	assert_int_equal(ds.n, 0);
	for (int pass = 0; pass < 2; pass++) {
		/* pass 1: no policy at all (policy_load out of memory). */
		resolve(pass ? NULL : p, "anything", &view);
		assert_int_equal(view.initial.choice, MPTCP);
		assert_null(view.initial.origin.file);
		assert_false(view.decide_at_connect);
		assert_false(view.decide_at_listen);
		assert_int_equal(view.unsupported, POLICY_UNSUP_AUTO);
		assert_false(view.per_option_unsupported);
		assert_false(view.keepalive.enabled);
		assert_int_equal(view.keepalive.idle, 60);
		assert_int_equal(view.keepalive.interval, 10);
		assert_int_equal(view.keepalive.count, 6);
		assert_int_equal(view.log_level, -1);
		assert_null(view.app_name);
		assert_int_equal(policy_decide(&view, L, sa("0.0.0.0", 80),
					       addr_len).choice, MPTCP);
		assert_int_equal(policy_unsupported_for(&view, SOL_TCP,
							TCP_USER_TIMEOUT),
				 POLICY_UNSUP_AUTO);
	}
	policy_free(p);
}

/* ---- good files ---- */

static void test_good_files_are_clean(void **state)
{
	static const char *const good[] = {
		"good01-empty.conf", "good02-all-keys.conf",
		"good03-continuation.conf", "good04-listed.conf",
		"good05-edges.conf", "good06-per-option.conf",
		"good07-syntax.conf", "good08-bom-crlf.conf",
	};
	(void)state;
	for (size_t i = 0; i < N(good); i++) {
		struct diags ds = { 0 };
		char path[1024];

		snprintf(path, sizeof(path), FIXTURES "/%s", good[i]);
		print_message("%s\n", good[i]);
		int rc = policy_check_file(path, collect, &ds);

		print_diags(&ds);
		assert_int_equal(rc, 0);
		assert_int_equal(ds.n, 0);
	}
}

static void test_every_key(void **state)
{
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p = load_fixture("good02-all-keys.conf", &ds);

	(void)state;
	print_diags(&ds);
	assert_int_equal(ds.n, 0);

	/* [global], [keepalive], [destinations] through a listed-out app. */
	resolve(p, "other", &view);
	assert_int_equal(view.initial.choice, TCP);
	assert_int_equal(view.initial.origin.line, 3);	/* mode = listed */
	assert_non_null(strstr(view.initial.reason, "mode = listed"));
	assert_false(view.decide_at_connect);
	assert_false(view.decide_at_listen);
	assert_int_equal(view.unsupported, POLICY_UNSUP_IGNORE);
	assert_true(view.per_option_unsupported);
	assert_int_equal(policy_unsupported_for(&view, SOL_TCP,
						TCP_USER_TIMEOUT),
			 POLICY_UNSUP_FAIL);
	assert_int_equal(policy_unsupported_for(&view, SOL_TCP, TCP_NODELAY),
			 POLICY_UNSUP_IGNORE);
	assert_int_equal(view.log_level, 3);
	assert_true(view.keepalive.enabled);
	assert_int_equal(view.keepalive.idle, 30);
	assert_int_equal(view.keepalive.interval, 5);
	assert_int_equal(view.keepalive.count, 4);
	assert_true(view.keepalive.all_tcp);

	/* [app:curl] overrides every one of them. */
	resolve(p, "curl", &view);
	assert_string_equal(view.app_name, "curl");
	assert_int_equal(view.app_origin.line, 22);
	assert_int_equal(view.unsupported, POLICY_UNSUP_TCP);
	assert_int_equal(policy_unsupported_for(&view, SOL_IP, IP_TTL),
			 POLICY_UNSUP_IGNORE);
	/* The app's own unsupported_option beats a global per-option. */
	assert_int_equal(policy_unsupported_for(&view, SOL_TCP,
						TCP_USER_TIMEOUT),
			 POLICY_UNSUP_TCP);
	assert_false(view.keepalive.enabled);
	assert_int_equal(view.keepalive.idle, 120);
	assert_int_equal(view.keepalive.interval, 20);
	assert_int_equal(view.keepalive.count, 3);
	assert_false(view.keepalive.all_tcp);
	assert_int_equal(view.initial.choice, TCP);	/* include is set */
	assert_int_equal(view.initial.origin.line, 33);
	assert_true(view.decide_at_connect);
	assert_true(view.decide_at_listen);

	static const struct expect_decision curl[] = {
		{ "192.0.2.5", 8080, C, MPTCP, 33, "in the include list" },
		{ "192.0.2.200", 8080, C, TCP, 34, "exclude" },
		{ "192.0.2.5", 80, C, TCP, 35, "ports" },
		{ "10.1.1.1", 8080, C, TCP, 33, "not in the include" },
		{ "192.0.2.5", 8080, L, MPTCP, 33, "in the include list" },
	};
	check_decisions(&view, curl, N(curl));
	policy_free(p);
}

static void test_continuation_lines(void **state)
{
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p = load_fixture("good03-continuation.conf", &ds);
	static const struct expect_decision e[] = {
		{ "127.0.0.1", 22, C, TCP, 3, "exclude" },
		{ "::1", 22, C, TCP, 4, "exclude" },
		{ "169.254.1.1", 22, C, TCP, 5, "exclude" },
		{ "fe80::1", 22, C, TCP, 5, "exclude" },
		{ "192.0.2.1", 1500, C, MPTCP, 7, "port in the ports list" },
		{ "192.0.2.1", 22, C, MPTCP, 6, "port in the ports list" },
		{ "192.0.2.1", 2001, C, TCP, 6, "port not in" },
	};

	(void)state;
	assert_int_equal(ds.n, 0);
	resolve(p, "x", &view);
	check_decisions(&view, e, N(e));
	policy_free(p);
}

/* ---- bad files: every problem, with its line ---- */

struct bad_case {
	const char *file;
	int count;		/* problems expected, not counting the
				 * "ignoring this file" notice */
	struct {
		unsigned line;
		const char *part;
	} expect[4];
};

static const struct bad_case bad_cases[] = {
	{ "bad01-unknown-key.conf", 1, { { 3, "unknown key 'colour'" } } },
	{ "bad02-unknown-section.conf", 1,
	  { { 3, "unknown section [servers]" } } },
	{ "bad03-bad-cidr.conf", 3,
	  { { 3, "bits set beyond the prefix" },
	    { 4, "'300.1.1.1': not an IPv4 or IPv6" },
	    { 4, "IPv6 prefix length must be 0..128" } } },
	{ "bad04-bad-port-range.conf", 1, { { 2, "reversed" } } },
	{ "bad05-bad-number.conf", 1, { { 3, "'60s' is not a number" } } },
	{ "bad06-duplicate-key.conf", 1,
	  { { 4, "duplicate key 'mode' (first set at line 2)" } } },
	{ "bad07-duplicate-section.conf", 1,
	  { { 4, "duplicate section [app:curl] (first at line 1)" } } },
	{ "bad08-overlong-line.conf", 1, { { 2, "line longer than" } } },
	{ "bad09-scalar-continuation.conf", 1, { { 3, "takes one value" } } },
	{ "bad10-no-equals.conf", 1, { { 2, "expected 'key = value'" } } },
	{ "bad11-unterminated-section.conf", 2,
	  { { 1, "lacks ']'" }, { 2, "outside any section" } } },
	{ "bad12-outside-section.conf", 1, { { 1, "outside any section" } } },
	{ "bad13-bad-bool.conf", 1, { { 2, "not a boolean" } } },
	{ "bad14-bad-enum.conf", 1, { { 2, "not auto|tcp|ignore|fail" } } },
	{ "bad15-unknown-sockopt.conf", 1,
	  { { 2, "unknown socket option 'TCP_TURBO'" } } },
	{ "bad16-out-of-range.conf", 1, { { 2, "out of range 1..127" } } },
	{ "bad17-hash-comment.conf", 1, { { 2, "'#' does not start" } } },
	{ "bad18-nul-byte.conf", 1, { { 2, "NUL byte" } } },
	{ "bad19-app-name.conf", 1, { { 1, "program name" } } },
	{ "bad20-mixed.conf", 2,
	  { { 5, "IPv4 prefix length" }, { 7, "'-1' is not a number" } } },
};

static void test_bad_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(bad_cases); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct diags ds = { 0 }, ds2 = { 0 };
		struct policy_view view, defaults;
		char path[1024];
		int rc;

		snprintf(path, sizeof(path), FIXTURES "/%s", b->file);
		print_message("%s\n", b->file);
		rc = policy_check_file(path, collect, &ds);
		print_diags(&ds);
		assert_int_equal(rc, b->count);
		assert_int_equal(ds.n, b->count);
		for (int k = 0; k < b->count; k++) {
			assert_true(has_diag(&ds, b->expect[k].line,
					     b->expect[k].part));
			assert_string_equal(ds.d[k].file, path);
		}

		/* Loaded, the file is ignored as a whole: defaults apply. */
		struct policy *p = load_fixture(b->file, &ds2);

		assert_int_equal(ds2.n, b->count + 1);
		assert_true(has_diag(&ds2, 0, "ignoring this file"));
		resolve(p, "curl", &view);
		resolve(NULL, "curl", &defaults);
		assert_int_equal(view.initial.choice, defaults.initial.choice);
		assert_null(view.initial.origin.file);
		assert_null(view.app_name);
		assert_false(view.decide_at_connect);
		assert_false(view.decide_at_listen);
		assert_int_equal(view.unsupported, defaults.unsupported);
		assert_false(view.per_option_unsupported);
		assert_int_equal(view.keepalive.enabled, false);
		assert_int_equal(view.log_level, -1);
		policy_free(p);
	}
}

static void test_inline_errors(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *part;
	} cases[] = {
		{ "[global]\nmode = all\n\t[x]\n", 3, "takes one value" },
		{ "[destinations]\nports = 1-\n", 2, "LO-HI" },
		{ "[destinations]\nports = 65536\n", 2, "1..65535" },
		{ "[destinations]\nports = 0\n", 2, "1..65535" },
		{ "[destinations]\nports = abc\n", 2, "1..65535" },
		{ "[destinations]\ninclude = 10.0.0.0/\n", 2, "not a number" },
		{ "[destinations]\ninclude = /8\n", 2, "missing address" },
		{ "[destinations]\ninclude = 10/8\n", 2, "not an IPv4" },
		{ "[destinations]\nexclude = ::1/-1\n", 2, "not a number" },
		{ "[keepalive]\nidle = 99999999999999999999\n", 2,
		  "not a number" },
		{ "[keepalive]\ninterval = 32768\n", 2, "out of range" },
		{ "[keepalive]\nidle = +5\n", 2, "not a number" },
		{ "[global]\nlog = loud\n", 2, "error|warn|info|debug" },
		{ "[global]\nmode = some\n", 2, "all|listed" },
		{ "[app:x]\nmode = all\n", 2, "unknown key 'mode'" },
		{ "[keepalive]\nunsupported_option.TCP_NODELAY = tcp\n", 2,
		  "unknown key" },
		{ "[app:x]\n[app:y]\n[app:x]\n", 3, "duplicate section" },
		{ "[global]\nunsupported_option.TCP_NODELAY = tcp\n"
		  "unsupported_option.tcp_nodelay = fail\n", 3,
		  "duplicate key" },
		{ "[destinations]\nexclude = 10.0.0.0/8\nexclude = ::1\n", 3,
		  "duplicate key" },
		{ "[global]\n= all\n", 2, "unknown key ''" },
		{ "[global]\n[global]\n", 2,
		  "duplicate section [global] (first at line 1)" },
		{ "[global]\nunsupported_option.TCP_NODELAY = loud\n", 2,
		  "'loud' is not auto|tcp|ignore|fail" },
		/* A per-option key takes one value too (was silently cut). */
		{ "[global]\nunsupported_option.TCP_NODELAY = tcp\n  ignore\n",
		  3, "unsupported_option.TCP_NODELAY takes one value" },
		/* An unknown key's continuation is not reported again. */
		{ "[global]\ncolour = x\n  y\n", 2, "unknown key 'colour'" },
		{ "[keepalive]\nidle = 0\n", 2, "0 is out of range 1..32767" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct diags ds = { 0 };
		FILE *in = fmemopen((void *)cases[i].text,
				    strlen(cases[i].text), "r");

		print_message("case %zu\n", i);
		assert_int_equal(policy_check_stream(in, "mem", collect, &ds),
				 1);
		fclose(in);
		print_diags(&ds);
		assert_true(has_diag(&ds, cases[i].line, cases[i].part));
	}
}

/* ---- addresses and ports ---- */

static void test_cidr_edges(void **state)
{
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p = load_fixture("good05-edges.conf", &ds);
	static const struct expect_decision e[] = {
		{ "192.0.2.1", 80, C, TCP, 4, "exclude" },	/* /32 */
		{ "192.0.2.2", 80, C, MPTCP, 3, "include" },	/* 0.0.0.0/0 */
		{ "2001:db8::1", 80, C, TCP, 4, "exclude" },	/* /128 */
		{ "2001:db8::2", 80, C, MPTCP, 3, "include" },	/* ::/0 */
		/* v4-mapped destinations are matched as IPv4... */
		{ "::ffff:192.0.2.1", 80, C, TCP, 4, "exclude" },
		{ "::ffff:192.0.2.2", 80, C, MPTCP, 3, "include" },
		/* ...and so are v4-mapped rules. */
		{ "198.51.100.7", 80, C, TCP, 5, "exclude" },
		{ "::ffff:198.51.100.255", 80, C, TCP, 5, "exclude" },
		{ "198.51.101.0", 80, C, MPTCP, 3, "include" },
	};

	(void)state;
	assert_int_equal(ds.n, 0);
	resolve(p, "x", &view);
	check_decisions(&view, e, N(e));
	policy_free(p);
}

static void test_prefix_boundaries(void **state)
{
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p = load_text(
		"[destinations]\n"
		"exclude = 10.0.0.0/9, 172.16.0.0/12, 2001:db8:8000::/33,\n"
		"\t0.0.0.0/32\n",
		&ds);
	static const struct expect_decision e[] = {
		{ "10.0.0.0", 1, C, TCP, 2, "exclude" },
		{ "10.127.255.255", 1, C, TCP, 2, "exclude" },
		{ "10.128.0.0", 1, C, MPTCP, 0, "no rule" },
		{ "9.255.255.255", 1, C, MPTCP, 0, "no rule" },
		{ "172.31.255.255", 1, C, TCP, 2, "exclude" },
		{ "172.32.0.0", 1, C, MPTCP, 0, "no rule" },
		{ "172.15.255.255", 1, C, MPTCP, 0, "no rule" },
		{ "2001:db8:8000::", 1, C, TCP, 2, "exclude" },
		{ "2001:db8:ffff:ffff::1", 1, C, TCP, 2, "exclude" },
		{ "2001:db8:7fff:ffff::", 1, C, MPTCP, 0, "no rule" },
		{ "0.0.0.0", 1, C, TCP, 3, "exclude" },
		{ "0.0.0.1", 1, C, MPTCP, 0, "no rule" },
		/* An IPv6 rule never matches IPv4 and vice versa. */
		{ "::a00:1", 1, C, MPTCP, 0, "no rule" },
	};

	(void)state;
	print_diags(&ds);
	assert_int_equal(ds.n, 0);
	resolve(p, "x", &view);
	assert_int_equal(view.initial.choice, MPTCP);
	assert_true(view.decide_at_connect);
	assert_true(view.decide_at_listen);
	check_decisions(&view, e, N(e));
	policy_free(p);
}

static void test_port_ranges(void **state)
{
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p = load_text("[destinations]\n"
				     "ports = 1, 443,\n"
				     "  8000-8999, 65535\n",
				     &ds);
	static const struct expect_decision e[] = {
		{ "192.0.2.1", 1, C, MPTCP, 2, "port in" },
		{ "192.0.2.1", 2, C, TCP, 2, "port not in" },
		{ "192.0.2.1", 443, C, MPTCP, 2, "port in" },
		{ "192.0.2.1", 442, C, TCP, 2, "port not in" },
		{ "192.0.2.1", 7999, C, TCP, 2, "port not in" },
		{ "192.0.2.1", 8000, C, MPTCP, 3, "port in" },
		{ "2001:db8::1", 8999, C, MPTCP, 3, "port in" },
		{ "192.0.2.1", 9000, C, TCP, 2, "port not in" },
		{ "192.0.2.1", 65535, C, MPTCP, 3, "port in" },
		{ "192.0.2.1", 65534, C, TCP, 2, "port not in" },
		/* A listener on an ephemeral port (0) is in no list. */
		{ "0.0.0.0", 0, L, TCP, 2, "port not in" },
		{ "::", 443, L, MPTCP, 2, "port in" },
	};

	(void)state;
	assert_int_equal(ds.n, 0);
	resolve(p, "x", &view);
	assert_int_equal(view.initial.choice, TCP);
	assert_non_null(strstr(view.initial.reason, "ports list"));
	check_decisions(&view, e, N(e));
	policy_free(p);
}

static void test_not_inet_address(void **state)
{
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p = load_text("[destinations]\nports = 80\n", &ds);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct sockaddr_in short_sin = { .sin_family = AF_INET };
	struct policy_decision d;

	(void)state;
	resolve(p, "x", &view);
	d = policy_decide(&view, C, (struct sockaddr *)&sun, sizeof(sun));
	assert_int_equal(d.choice, view.initial.choice);
	assert_non_null(strstr(d.reason, "not an IPv4/IPv6"));
	d = policy_decide(&view, C, (struct sockaddr *)&short_sin, 8);
	assert_non_null(strstr(d.reason, "not an IPv4/IPv6"));
	d = policy_decide(&view, C, NULL, 0);
	assert_non_null(strstr(d.reason, "not an IPv4/IPv6"));
	policy_free(p);
}

/* ---- programs, roles, modes ---- */

static void test_listed_mode_and_roles(void **state)
{
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p = load_fixture("good04-listed.conf", &ds);

	(void)state;
	assert_int_equal(ds.n, 0);

	resolve(p, "redis-server", &view);
	assert_int_equal(view.initial.choice, TCP);
	assert_int_equal(view.initial.origin.line, 7);	/* connect = false */
	assert_false(view.decide_at_connect);
	assert_true(view.decide_at_listen);
	static const struct expect_decision redis[] = {
		{ "0.0.0.0", 6379, L, MPTCP, 6, "no rule" },
		{ "::", 6379, L, MPTCP, 6, "no rule" },
		{ "192.0.2.1", 6379, C, TCP, 7, "connect = false" },
	};
	check_decisions(&view, redis, N(redis));

	resolve(p, "nginx", &view);
	assert_int_equal(view.initial.choice, MPTCP);
	assert_int_equal(view.initial.origin.line, 9);	/* [app:nginx] */
	assert_false(view.decide_at_connect);
	assert_false(view.decide_at_listen);

	resolve(p, "wget", &view);
	assert_int_equal(view.initial.choice, TCP);
	assert_int_equal(view.initial.origin.line, 12);	/* enabled = false */
	assert_non_null(strstr(view.initial.reason, "enabled = false"));
	assert_false(view.decide_at_connect);
	assert_false(view.decide_at_listen);

	resolve(p, "python3", &view);
	assert_int_equal(view.initial.choice, TCP);
	assert_int_equal(view.initial.origin.line, 3);	/* mode = listed */
	assert_false(view.decide_at_connect);
	assert_false(view.decide_at_listen);
	static const struct expect_decision other[] = {
		{ "0.0.0.0", 80, L, TCP, 3, "mode = listed" },
		{ "192.0.2.1", 80, C, TCP, 3, "mode = listed" },
	};
	check_decisions(&view, other, N(other));
	policy_free(p);
}

static void test_program_names(void **state)
{
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p = load_text("[app:python3]\nconnect = false\n"
				     "[app:python3.11]\nlisten = false\n",
				     &ds);
	const char *both[] = { "python3.11", "python3", NULL };
	const char *short_only[] = { "python3.12", "python3", NULL };

	(void)state;
	/* The first name that has a section wins: exe basename first. */
	policy_resolve(p, both, &view);
	assert_string_equal(view.app_name, "python3.11");
	policy_resolve(p, short_only, &view);
	assert_string_equal(view.app_name, "python3");
	assert_int_equal(view.initial.choice, TCP);
	policy_free(p);
}

static void test_listen_off_connect_on(void **state)
{
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p = load_text("[global]\nlisten = false\n", &ds);
	static const struct expect_decision e[] = {
		{ "0.0.0.0", 80, L, TCP, 2, "listen = false" },
		{ "192.0.2.1", 80, C, MPTCP, 0, "no rule" },
	};

	(void)state;
	resolve(p, "x", &view);
	assert_int_equal(view.initial.choice, MPTCP);
	assert_false(view.decide_at_connect);
	assert_true(view.decide_at_listen);
	check_decisions(&view, e, N(e));
	policy_free(p);
}

static void test_per_option_modes(void **state)
{
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p = load_fixture("good06-per-option.conf", &ds);

	(void)state;
	assert_int_equal(ds.n, 0);
	resolve(p, "other", &view);
	assert_true(view.per_option_unsupported);
	assert_int_equal(view.unsupported, POLICY_UNSUP_FAIL);
	assert_int_equal(policy_unsupported_for(&view, SOL_TCP,
						TCP_USER_TIMEOUT),
			 POLICY_UNSUP_IGNORE);
	assert_int_equal(policy_unsupported_for(&view, SOL_SOCKET,
						SO_ZEROCOPY),
			 POLICY_UNSUP_TCP);
	assert_int_equal(policy_unsupported_for(&view, SOL_IP, IP_TTL),
			 POLICY_UNSUP_FAIL);

	resolve(p, "curl", &view);	/* app per-option beats global */
	assert_int_equal(policy_unsupported_for(&view, SOL_TCP,
						TCP_USER_TIMEOUT),
			 POLICY_UNSUP_TCP);
	assert_int_equal(policy_unsupported_for(&view, SOL_SOCKET,
						SO_ZEROCOPY),
			 POLICY_UNSUP_TCP);
	assert_int_equal(policy_unsupported_for(&view, SOL_IP, IP_TTL),
			 POLICY_UNSUP_FAIL);

	resolve(p, "wget", &view);	/* app default beats global ones */
	assert_int_equal(view.unsupported, POLICY_UNSUP_IGNORE);
	assert_int_equal(policy_unsupported_for(&view, SOL_TCP,
						TCP_USER_TIMEOUT),
			 POLICY_UNSUP_IGNORE);
	assert_int_equal(policy_unsupported_for(&view, SOL_SOCKET,
						SO_ZEROCOPY),
			 POLICY_UNSUP_IGNORE);
	policy_free(p);
}

static void test_sockopt_names(void **state)
{
	const struct sockopt_name *o;
	char buf[32];
	size_t n;

	(void)state;
	o = sockopt_by_name("tcp_user_timeout");
	assert_non_null(o);
	assert_int_equal(o->level, SOL_TCP);
	assert_int_equal(o->optname, TCP_USER_TIMEOUT);
	assert_string_equal(sockopt_name(SOL_SOCKET, SO_KEEPALIVE),
			    "SO_KEEPALIVE");
	assert_string_equal(sockopt_name(SOL_IPV6, IPV6_V6ONLY),
			    "IPV6_V6ONLY");
	assert_string_equal(sockopt_name(SOL_IP, IP_TOS), "IP_TOS");
	assert_null(sockopt_by_name("TCP_TURBO"));
	assert_null(sockopt_name(SOL_TCP, 9999));
	assert_string_equal(sockopt_describe(SOL_TCP, 9999, buf, sizeof(buf)),
			    "SOL_TCP/9999");
	assert_string_equal(sockopt_describe(7, 1, buf, sizeof(buf)), "7/1");
	assert_string_equal(sockopt_level_name(SOL_SOCKET), "SOL_SOCKET");
	/* Every name maps back to itself: no two entries collide. */
	const struct sockopt_name *all = sockopt_names_all(&n);

	assert_true(n > 100);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(sockopt_by_name(all[i].name), &all[i]);
		const char *back = sockopt_name(all[i].level, all[i].optname);

		assert_non_null(back);
		assert_int_equal(sockopt_by_name(back)->optname,
				 all[i].optname);
	}
}

/* ---- sources, precedence, file safety ---- */

static char tmpdir[256];
static void write_text(const char *path, const char *text, mode_t mode);

static void copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[4096];
	size_t n;
	FILE *in = fopen(from, "r"), *out;

	assert_non_null(in);
	out = fopen(to, "w");
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(chmod(to, mode), 0);
}

static int make_tmpdir(void **state)
{
	char path[512];

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_policy.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof(path), "%s/apps.d", tmpdir);
	return mkdir(path, 0755);
}

static int remove_tmpdir(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *tmp(const char *name)
{
	static char paths[256][512];
	static int next;
	char *p = paths[next++ % 256];

	snprintf(p, 512, "%s/%s", tmpdir, name);
	return p;
}

static void stage_precedence(void)
{
	copy_file(FIXTURES "/prec/system.conf", tmp("system.conf"), 0644);
	copy_file(FIXTURES "/prec/apps.d/curl.conf", tmp("apps.d/curl.conf"),
		  0644);
	copy_file(FIXTURES "/prec/user.conf", tmp("user.conf"), 0644);
	copy_file(FIXTURES "/prec/env.conf", tmp("env.conf"), 0600);
}

static bool origin_is(struct policy_origin o, const char *name,
		      unsigned line)
{
	return o.file && strcmp(o.file, tmp(name)) == 0 && o.line == line;
}

static void test_precedence(void **state)
{
	const char *curl[] = { "curl", NULL };
	struct policy_sources src = {
		.system_file = tmp("system.conf"),
		.apps_dir = tmp("apps.d"),
		.user_file = tmp("user.conf"),
		.env_file = tmp("env.conf"),
		.program_names = curl,
	};
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p;
	struct policy_decision d;

	(void)state;
	stage_precedence();
	p = policy_load(&src, collect, &ds);
	assert_non_null(p);
	print_diags(&ds);
	assert_int_equal(ds.n, 0);

	resolve(p, "curl", &view);
	assert_int_equal(view.log_level, 0);			/* system */
	assert_int_equal(view.unsupported, POLICY_UNSUP_FAIL);	/* system */
	assert_int_equal(view.keepalive.idle, 200);		/* apps.d */
	assert_int_equal(view.keepalive.interval, 60);		/* user */
	assert_int_equal(view.keepalive.count, 7);		/* env */
	assert_int_equal(view.initial.choice, MPTCP);		/* env */
	assert_true(origin_is(view.initial.origin, "env.conf", 2));
	assert_true(origin_is(view.app_origin, "env.conf", 1));
	/* The user's exclude list replaces the system's as a whole. */
	d = policy_decide(&view, C, sa("10.1.1.1", 80), addr_len);
	assert_int_equal(d.choice, MPTCP);
	d = policy_decide(&view, C, sa("192.168.1.1", 80), addr_len);
	assert_int_equal(d.choice, TCP);
	assert_true(origin_is(d.origin, "user.conf", 4));
	policy_free(p);

	/* Without the env file, apps.d's connect = false stands. */
	src.env_file = NULL;
	p = policy_load(&src, collect, &ds);
	resolve(p, "curl", &view);
	assert_int_equal(view.initial.choice, TCP);
	assert_true(origin_is(view.initial.origin, "apps.d/curl.conf", 2));
	assert_int_equal(view.keepalive.count, 5);		/* system */
	policy_free(p);

	/* apps.d/curl.conf is read for curl only. */
	const char *wget[] = { "wget", NULL };

	src.program_names = wget;
	p = policy_load(&src, collect, &ds);
	resolve(p, "wget", &view);
	assert_int_equal(view.keepalive.idle, 100);		/* system */
	assert_int_equal(view.initial.choice, MPTCP);
	assert_null(view.initial.origin.file);
	policy_free(p);
	assert_int_equal(ds.n, 0);

	/* A missing MPTCPSHIM_CONFIG is reported, the rest still loads. */
	src.env_file = tmp("missing.conf");
	p = policy_load(&src, collect, &ds);
	assert_true(has_diag(&ds, 0, "no such file"));
	resolve(p, "wget", &view);
	assert_int_equal(view.keepalive.idle, 100);
	policy_free(p);
}

static void test_apps_d_two_names(void **state)
{
	const char *names[] = { "python3.11", "python3", NULL };
	struct policy_sources src = {
		.apps_dir = tmp("apps.d"),
		.program_names = names,
	};
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p;

	(void)state;
	write_text(tmp("apps.d/python3.conf"),
		   "[keepalive]\nidle = 11\ncount = 3\n", 0644);
	write_text(tmp("apps.d/python3.11.conf"), "[keepalive]\nidle = 22\n",
		   0644);
	p = policy_load(&src, collect, &ds);
	assert_int_equal(ds.n, 0);
	policy_resolve(p, names, &view);
	/* Both files apply; the executable's name (first) wins. */
	assert_int_equal(view.keepalive.idle, 22);
	assert_int_equal(view.keepalive.count, 3);
	policy_free(p);
}

/* Per-option modes merge option by option across apps.d files; names that
 * cannot be a file of apps.d are never looked up. */
static void test_apps_d_option_merge(void **state)
{
	static char long_name[5000];
	const char *names[] = { "py", "a/b", long_name, "py-base", NULL };
	struct policy_sources src = {
		.apps_dir = tmp("apps.d"),
		.program_names = names,
	};
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p;

	(void)state;
	memset(long_name, 'n', sizeof(long_name) - 1);
	write_text(tmp("apps.d/py-base.conf"),
		   "[global]\nunsupported_option.TCP_NODELAY = ignore\n"
		   "unsupported_option.IP_TOS = tcp\n", 0644);
	write_text(tmp("apps.d/py.conf"),
		   "[global]\nunsupported_option.TCP_NODELAY = fail\n", 0644);
	p = policy_load(&src, collect, &ds);
	print_diags(&ds);
	assert_int_equal(ds.n, 0);
	policy_resolve(p, names, &view);
	assert_true(view.per_option_unsupported);
	assert_int_equal(policy_unsupported_for(&view, IPPROTO_TCP,
						TCP_NODELAY), POLICY_UNSUP_FAIL);
	assert_int_equal(policy_unsupported_for(&view, IPPROTO_IP, IP_TOS),
			 POLICY_UNSUP_TCP);
	policy_free(p);
}

static void count_sources(void *ctx, const char *file, bool used)
{
	int *counts = ctx;

	(void)file;
	*counts += used ? 10 : 1;
}

static void test_broken_source_ignored(void **state)
{
	const char *names[] = { "wget", NULL };
	struct policy_sources src = {
		.system_file = tmp("system.conf"),
		.user_file = tmp("broken.conf"),
		.program_names = names,
	};
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p;
	int used = 0;

	(void)state;
	stage_precedence();
	copy_file(FIXTURES "/bad20-mixed.conf", tmp("broken.conf"), 0644);
	p = policy_load(&src, collect, &ds);
	print_diags(&ds);
	assert_int_equal(ds.n, 3);
	assert_true(has_diag(&ds, 5, "prefix length"));
	assert_true(has_diag(&ds, 7, "not a number"));
	assert_true(has_diag(&ds, 0, "ignoring this file"));
	resolve(p, "wget", &view);
	/* mode = listed in the broken file did not apply; system did. */
	assert_int_equal(view.initial.choice, MPTCP);
	assert_int_equal(view.keepalive.idle, 100);
	policy_for_each_source(p, count_sources, &used);
	assert_int_equal(used, 10 + 1);	/* system used, broken ignored */
	policy_free(p);
}

static void expect_refused(const char *path, const char *part)
{
	struct policy_sources src = { .user_file = path };
	struct policy_view view;
	struct diags ds = { 0 };
	struct policy *p;

	print_message("%s\n", path);
	p = policy_load(&src, collect, &ds);
	assert_non_null(p);
	print_diags(&ds);
	assert_int_equal(ds.n, 1);
	assert_int_equal(ds.d[0].line, 0);
	assert_non_null(strstr(ds.d[0].message, part));
	resolve(p, "x", &view);
	assert_int_equal(view.initial.choice, MPTCP);	/* defaults */
	assert_null(view.initial.origin.file);
	policy_free(p);

	memset(&ds, 0, sizeof(ds));
	assert_int_equal(policy_file_safety(path, collect, &ds), 1);
	assert_non_null(strstr(ds.d[0].message, part));
}

static const char listed[] = "[global]\nmode = listed\n";

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_unsafe_files(void **state)
{
	(void)state;
	write_text(tmp("group.conf"), listed, 0664);
	expect_refused(tmp("group.conf"), "writable by group or others");
	write_text(tmp("other.conf"), listed, 0646);
	expect_refused(tmp("other.conf"), "writable by group or others");

	if (geteuid() != 0) {
		/* chown to a stranger needs root; CI runs these as root. */
		skip();
	}
	write_text(tmp("stranger.conf"), listed, 0644);
	assert_int_equal(chown(tmp("stranger.conf"), 12345, 12345), 0);
	expect_refused(tmp("stranger.conf"), "owned by uid 12345");
}

static void test_oversized_file(void **state)
{
	FILE *f = fopen(tmp("big.conf"), "w");

	(void)state;
	assert_non_null(f);
	fputs(listed, f);
	for (int i = 0; i < POLICY_MAX_FILE_SIZE / 64 + 1; i++)
		fprintf(f, "; %061d\n", i);
	assert_int_equal(fclose(f), 0);
	chmod(tmp("big.conf"), 0644);
	expect_refused(tmp("big.conf"), "larger than");

	/* A stream gets the same limit while it is read. */
	struct diags ds = { 0 };
	FILE *in = fopen(tmp("big.conf"), "r");
	struct policy *p = policy_load_stream(in, "big", collect, &ds);

	fclose(in);
	assert_true(has_diag(&ds, 0, "larger than"));
	policy_free(p);
}

static void test_non_regular_files(void **state)
{
	(void)state;
	expect_refused(tmpdir, "not a regular file");
	assert_int_equal(mkfifo(tmp("fifo.conf"), 0600), 0);
	/* Must not block waiting for a writer. */
	expect_refused(tmp("fifo.conf"), "not a regular file");
	expect_refused("/dev/null", "not a regular file");
}

static void test_unreadable_file(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	write_text(tmp("secret.conf"), listed, 0200);
	assert_int_equal(chown(tmp("secret.conf"), 65534, 65534), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Root reads anything; an ordinary user does not. */
		struct policy_sources src = { .env_file = tmp("secret.conf") };
		struct diags ds = { 0 };
		struct policy_view view;
		struct policy *p;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		p = policy_load(&src, collect, &ds);
		if (!p || ds.n != 1 || !strstr(ds.d[0].message, "cannot read"))
			_exit(11);
		resolve(p, "x", &view);
		if (view.initial.choice != MPTCP)
			_exit(12);
		if (policy_check_file(tmp("secret.conf"), NULL, NULL) != -1)
			_exit(13);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_sources_default(void **state)
{
	const char *names[] = { "curl", NULL };
	struct policy_sources src;
	char user[256];

	(void)state;
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	setenv("HOME", "/home/u", 1);
	setenv("MPTCPSHIM_CONFIG", "/env.conf", 1);
	policy_sources_default(&src, names, false, user, sizeof(user));
	assert_non_null(strstr(src.system_file, "/mptcpshim/mptcpshim.conf"));
	assert_non_null(strstr(src.apps_dir, "/mptcpshim/apps.d"));
	assert_string_equal(src.user_file, "/xdg/mptcpshim/mptcpshim.conf");
	assert_string_equal(src.env_file, "/env.conf");
	assert_ptr_equal(src.program_names, names);

	setenv("XDG_CONFIG_HOME", "relative", 1);
	setenv("MPTCPSHIM_CONFIG", "", 1);
	policy_sources_default(&src, names, false, user, sizeof(user));
	assert_string_equal(src.user_file,
			    "/home/u/.config/mptcpshim/mptcpshim.conf");
	assert_null(src.env_file);

	setenv("MPTCPSHIM_CONFIG", "/env.conf", 1);
	policy_sources_default(&src, names, true, user, sizeof(user));
	assert_null(src.user_file);
	assert_null(src.env_file);
	assert_non_null(src.system_file);

	policy_sources_default(&src, names, false, user, 10);
	assert_null(src.user_file);	/* does not fit: no user file */
	unsetenv("MPTCPSHIM_CONFIG");
}

/* ---- show ---- */

static char *show(const struct policy *p, bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	policy_show(p, out, json);
	assert_int_equal(fclose(out), 0);
	return text;
}

/* Drops comments, which carry origins that differ between the two. */
static void strip_comments(char *text)
{
	char *w = text;

	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *semi = strstr(line, " ;");

		if (line[0] == ';')
			continue;
		if (semi)
			*semi = '\0';
		w += sprintf(w, "%s\n", line);
	}
	*w = '\0';
}

static void test_show_round_trip(void **state)
{
	static const char *const files[] = {
		"good02-all-keys.conf", "good03-continuation.conf",
		"good04-listed.conf", "good06-per-option.conf",
	};

	(void)state;
	for (size_t i = 0; i < N(files); i++) {
		struct diags ds = { 0 };
		struct policy *p = load_fixture(files[i], &ds);
		char *first = show(p, false), *second;
		struct policy *again = load_text(first, &ds);

		print_message("%s\n%s", files[i], first);
		print_diags(&ds);
		assert_int_equal(ds.n, 0);
		second = show(again, false);
		strip_comments(first);
		strip_comments(second);
		assert_string_equal(first, second);
		free(first);
		free(second);
		policy_free(p);
		policy_free(again);
	}
}

static void test_show_mentions_every_key(void **state)
{
	struct diags ds = { 0 };
	struct policy *p = load_fixture("good02-all-keys.conf", &ds);
	char *ini = show(p, false), *json = show(p, true);
	static const char *const keys[] = {
		"mode = listed ; good02-all-keys.conf:3",
		"unsupported_option = ignore ; good02-all-keys.conf:4",
		"unsupported_option.TCP_USER_TIMEOUT = fail",
		"log = debug", "connect = true", "listen = false",
		"enabled = true ; good02-all-keys.conf:11", "idle = 30",
		"interval = 5", "count = 4", "all_tcp = true",
		"include = 10.0.0.0/8 ; good02-all-keys.conf:18",
		"\t2001:db8::/32", "exclude = 10.9.0.0/16", "ports = 80",
		"\t8000-8999", "[app:curl] ; good02-all-keys.conf:22",
		"keepalive.idle = 120", "unsupported_option.IP_TTL = ignore",
		"keepalive.all_tcp = false",
	};

	(void)state;
	for (size_t i = 0; i < N(keys); i++) {
		if (!strstr(ini, keys[i]))
			print_message("missing: %s\n%s", keys[i], ini);
		assert_non_null(strstr(ini, keys[i]));
	}
	assert_non_null(strstr(json, "\"mode\": {\"value\": \"listed\", "
				     "\"origin\": "
				     "\"good02-all-keys.conf:3\"}"));
	assert_non_null(strstr(json, "\"idle\": {\"value\": 30,"));
	assert_non_null(strstr(json, "\"include\": {\"value\": "
				     "[\"10.0.0.0/8\", \"2001:db8::/32\"]"));
	assert_non_null(strstr(json, "\"curl\": {"));
	free(ini);
	free(json);
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_defaults),
		cmocka_unit_test(test_good_files_are_clean),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_continuation_lines),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_inline_errors),
		cmocka_unit_test(test_cidr_edges),
		cmocka_unit_test(test_prefix_boundaries),
		cmocka_unit_test(test_port_ranges),
		cmocka_unit_test(test_not_inet_address),
		cmocka_unit_test(test_listed_mode_and_roles),
		cmocka_unit_test(test_program_names),
		cmocka_unit_test(test_listen_off_connect_on),
		cmocka_unit_test(test_per_option_modes),
		cmocka_unit_test(test_sockopt_names),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_broken_source_ignored),
		cmocka_unit_test(test_apps_d_two_names),
		cmocka_unit_test(test_apps_d_option_merge),
		cmocka_unit_test(test_unsafe_files),
		cmocka_unit_test(test_oversized_file),
		cmocka_unit_test(test_non_regular_files),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_sources_default),
		cmocka_unit_test(test_show_round_trip),
		cmocka_unit_test(test_show_mentions_every_key),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
