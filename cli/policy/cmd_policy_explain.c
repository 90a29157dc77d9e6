// SPDX-License-Identifier: BSD-3-Clause
/*
 * `policy explain [-c FILE] [--listen] [--json] PROGRAM [ADDR[:PORT]]`:
 * what the shim does for PROGRAM, from the very code the shim runs
 * (policy_resolve + policy_decide), and the rule (file:line) behind it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "option_table.h"
#include "output.h"
#include "policy_verbs.h"
#include "sockopt_names.h"
#include "route.h"
#include "seccomp_landlock.h"

/* "ADDR", "ADDR:PORT", "[ADDR6]:PORT", "[ADDR6]" or a bare IPv6 ADDR. */
static bool parse_endpoint(const char *text, struct sockaddr_storage *ss,
			   socklen_t *len, bool *has_port)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port_text = NULL, *colon = strrchr(text, ':');
	size_t host_len;

	memset(ss, 0, sizeof(*ss));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close || (close[1] && close[1] != ':'))
			return false;
		host_len = (size_t)(close - text - 1);
		text++;
		if (close[1] == ':')
			port_text = close + 2;
	} else if (colon && strchr(text, ':') == colon) {
		host_len = (size_t)(colon - text);
		port_text = colon + 1;
	} else {
		host_len = strlen(text);
	}
	if (host_len == 0 || host_len >= sizeof(host))
		return false;
	memcpy(host, text, host_len);
	host[host_len] = '\0';

	unsigned long port = 0;
	*has_port = port_text != NULL;
	if (port_text) {
		char *end;

		if (!*port_text)
			return false;
		port = strtoul(port_text, &end, 10);
		if (*end || port > 65535 || *port_text == '-')
			return false;
	}
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*len = sizeof(*sin);
		return true;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*sin6);
		return true;
	}
	return false;
}

/* "file:line" or NULL for a built-in default; malloc'd. */
static char *origin_text(struct policy_origin o)
{
	char *text;

	if (!o.file || asprintf(&text, "%s:%u", o.file, o.line) < 0)
		return NULL;
	return text;
}

static void print_source(void *ctx, const char *file, bool used)
{
	struct out *out = ctx;

	out_object_open(out, NULL);
	out_string(out, "file", "source:   %s", file);
	out_bool(out, "used", NULL, used);
	out_text(out, "%s\n", used ? "" : " (ignored: see the errors above)");
	out_object_close(out);
}

static void print_view(struct out *out, const char *program,
		       const struct policy_view *view)
{
	char *origin = origin_text(view->app_origin);

	out_string(out, "program", "program:  %s\n", program);
	out_array_open(out, "sources");
	policy_for_each_source(view->policy, print_source, out);
	out_array_close(out);
	out_string(out, "app", view->app_name ? "section:  [app:%s]" : NULL,
		   view->app_name);
	out_string(out, "app_origin", view->app_name ? " at %s\n" : NULL,
		   view->app_name ? origin : NULL);
	if (!view->app_name)
		out_text(out, "section:  none (global rules apply)\n");
	free(origin);
	out_string(out, "socket", "socket:   %s\n",
		   policy_choice_name(view->initial.choice));
	out_bool(out, "connect_decided_per_destination", NULL,
		 view->decide_at_connect);
	out_text(out, "connect:  %s\n",
		 view->decide_at_connect ? "decided per destination" :
					   "keeps the socket() protocol");
	out_bool(out, "listen_decided_per_address", NULL,
		 view->decide_at_listen);
	out_text(out, "listen:   %s\n",
		 view->decide_at_listen ? "decided per local address" :
					  "keeps the socket() protocol");
}

static void print_decision(struct out *out, const struct policy_view *view,
			   const struct policy_decision *d)
{
	const struct policy_keepalive *ka = &view->keepalive;
	char *rule = origin_text(d->origin);

	out_string(out, "decision", "decision: %s\n",
		   policy_choice_name(d->choice));
	out_string(out, "rule", rule ? "rule:     %s\n" : NULL, rule);
	if (!rule)
		out_text(out, "rule:     built-in default\n");
	free(rule);
	out_string(out, "reason", "reason:   %s\n", d->reason);
	out_string(out, "unsupported_option", "options:  %s\n",
		   policy_unsupported_name(view->unsupported));
	out_object_open(out, "keepalive");
	/* JSON has the timers even when off: what enabling would use. */
	out_bool(out, "enabled", NULL, ka->enabled);
	out_int(out, "idle", ka->enabled ? "keepalive: idle %lld" : NULL,
		ka->idle);
	out_int(out, "interval", ka->enabled ? ", interval %lld" : NULL,
		ka->interval);
	out_int(out, "count", ka->enabled ? ", count %lld" : NULL, ka->count);
	out_bool(out, "all_tcp", NULL, ka->all_tcp);
	if (ka->enabled)
		out_text(out, "%s\n", ka->all_tcp ? ", also plain TCP" : "");
	else
		out_text(out, "keepalive: off\n");
	out_object_close(out);
}

/* How one option MPTCP refuses would be handled for this program. */
static const char *handling_text(enum policy_unsupported mode,
				 const struct policy_opt_rule *rule)
{
	switch (mode) {
	case POLICY_UNSUP_TCP:
		return "tcp: rebuilt as TCP, then applied (unsupported_option)";
	case POLICY_UNSUP_IGNORE:
		return "mptcp: accepted, not applied (unsupported_option)";
	case POLICY_UNSUP_FAIL:
		return "error: the program gets MPTCP's error "
		       "(unsupported_option)";
	default:
		break;
	}
	switch (rule->verdict) {
	case POLICY_OPT_KEEP_IF_DEFAULT:
		return "mptcp at TCP's default value, any other value: tcp";
	case POLICY_OPT_KEEP_HINT:
		return "mptcp: accepted, remembered, not applied";
	default:
		return "tcp: rebuilt as TCP, then applied";
	}
}

/*
 * The options of the built-in table as this program would have them;
 * IPv6-level ones only when the address (if any) is IPv6.
 */
static void print_option_facts(struct out *out, const struct policy_view *view,
			       int family)
{
	size_t n_rules;
	const struct policy_opt_rule *rules = policy_option_rules(&n_rules);

	out_string(out, "unlisted_refused_options",
		   "refused:  when MPTCP refuses an option (any not listed: "
		   "%s):\n",
		   view->unsupported == POLICY_UNSUP_AUTO ?
			   "tcp" : policy_unsupported_name(view->unsupported));
	out_array_open(out, "refused_options");
	for (size_t i = 0; i < n_rules; i++) {
		const struct policy_opt_rule *r = &rules[i];
		enum policy_unsupported mode =
			policy_unsupported_for(view, r->level, r->optname);

		if (family == AF_INET && r->level == SOL_IPV6)
			continue;
		out_object_open(out, NULL);
		out_string(out, "option", "  %-24s",
			   sockopt_name(r->level, r->optname));
		out_string(out, "handling", " %s\n", handling_text(mode, r));
		const char *why = mode == POLICY_UNSUP_AUTO ?
					  r->reason : "set by the policy";

		out_string(out, "why", NULL, why);
		out_text(out, "  %-24s   (%s)\n", "", why);
		out_object_close(out);
	}
	out_array_close(out);
}

/*
 * The route run takes for program, and for the seccomp route (static, Go
 * < 1.21) what of the policy cannot apply there: said, not silently
 * skipped. A bare name is looked up in PATH as run would.
 */
static void print_route(struct out *out, const char *program,
			const struct policy_view *view)
{
	struct route_choice route;

	route_choose_with(program, ROUTE_AUTO, view, &route);
	out_string(out, "route", route.seccomp ? "route:    %s" : NULL,
		   route.seccomp ? "seccomp" : "preload");
	out_string(out, "route_reason", route.seccomp ? " (%s)\n" : NULL,
		   route.why);
	if (route.seccomp)
		out_string(out, "route_socket_decision",
			   view->decide_at_connect || view->decide_at_listen ?
				   "seccomp:  sockets start %s; the supervisor "
				   "decides again at connect/listen, as the "
				   "library does\n" :
				   "seccomp:  sockets start %s; no rule needs "
				   "a later decision\n",
			   policy_choice_name(view->initial.choice));
	out_array_open(out, "not_applied");
	if (route.seccomp) {
		for (size_t i = 0; route_seccomp_limits[i]; i++)
			out_string(out, NULL, "not here: %s\n",
				   route_seccomp_limits[i]);
	}
	out_array_close(out);
}

/* The program inherits this process's Landlock domain (run, a shell). */
static void print_landlock(struct out *out)
{
	bool here = landlock_launcher_restricted();

	out_bool(out, "landlock_keeps_tcp", NULL, here);
	if (here)
		out_text(out, "landlock: %s (this shell's Landlock domain, "
			      "which every program it starts inherits)\n",
			 SHIM_LANDLOCK_REASON);
	else
		out_text(out, "landlock: no domain here; a program that "
			      "restricts its TCP with Landlock (itself or by "
			      "its launcher) keeps TCP\n");
}

int policy_explain_cmd(int argc, char **argv)
{
	const char *config = NULL;
	bool json = false, listen = false, has_port = false;
	struct sockaddr_storage ss;
	struct policy_decision d;
	struct policy_view view;
	struct policy *policy;
	const char *names[2];
	socklen_t len = 0;
	struct out *out;
	int rc;

	rc = policy_parse_options(argc, argv, "policy explain", &config, &json,
				  &listen);
	if (rc >= 0)
		return rc;
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2) {
		cli_error("policy", "explain: expected PROGRAM [ADDR[:PORT]]");
		return CLI_USAGE;
	}
	if (argc == 2 && !parse_endpoint(argv[1], &ss, &len, &has_port)) {
		cli_error("policy",
			  "explain: '%s' is not ADDR, ADDR:PORT or "
			  "[IPV6]:PORT",
			  argv[1]);
		return CLI_USAGE;
	}
	policy = policy_load_for(argv[0], config, "policy");
	if (!policy)
		return CLI_USAGE;
	out = out_new(stdout, json);
	if (!out) {
		policy_free(policy);
		cli_error("policy", "out of memory");
		return CLI_USAGE;
	}
	names[0] = argv[0];
	names[1] = NULL;
	policy_resolve(policy, names, &view);
	print_view(out, argv[0], &view);
	if (argc == 2) {
		d = policy_decide(&view, listen ? POLICY_LISTEN : POLICY_CONNECT,
				  (struct sockaddr *)&ss, len);
		out_string(out, "for", "for:      %s",
			   listen ? "listen" : "connect");
		out_text(out, "%s", listen ? " on" : " to");
		out_string(out, "address", " %s\n", argv[1]);
		out_bool(out, "port_given", NULL, has_port);
		if (!has_port)
			out_text(out, "note:     no port given: a ports list "
				      "sees port 0\n");
	} else {
		d = view.initial;
		out_string(out, "for", NULL, "socket");
		out_string(out, "address", NULL, NULL);
		out_text(out, "for:      socket() (no address given)\n");
	}
	print_decision(out, &view, &d);
	print_landlock(out);
	if (d.choice == POLICY_MPTCP)
		print_option_facts(out, &view,
				   argc == 2 ? ss.ss_family : AF_UNSPEC);
	print_route(out, argv[0], &view);
	out_end(out);
	policy_free(policy);
	return CLI_OK;
}
