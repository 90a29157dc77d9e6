// SPDX-License-Identifier: BSD-3-Clause
/*
 * `mptcpshim policy check|explain|show`: the CLI face of the policy
 * module. explain and show load the files exactly as the shim does
 * (policy_sources_default + policy_load + policy_resolve/policy_decide),
 * so what they print is what the shim will do.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "route.h"
#include "policy.h"

static void usage(FILE *out)
{
	fputs("Usage: mptcpshim policy check [FILE...]\n"
	      "       mptcpshim policy explain [-c FILE] [--listen] PROGRAM "
	      "[ADDR[:PORT]]\n"
	      "       mptcpshim policy show [-c FILE] [--json] [PROGRAM]\n"
	      "\n"
	      "  check    print every problem of the policy files as "
	      "FILE:LINE: message;\n"
	      "           no FILE: the files the shim would read. Exit 0 if "
	      "clean, else 2.\n"
	      "  explain  what the shim does for PROGRAM: the protocol "
	      "socket() creates, or\n"
	      "           with ADDR the one for a connect() to it (--listen: "
	      "for a listener\n"
	      "           bound to it), and the rule (file:line) behind it. "
	      "IPv6: [ADDR]:PORT.\n"
	      "  show     the merged policy as INI (or --json); with PROGRAM, "
	      "also its\n"
	      "           apps.d file.\n"
	      "\n"
	      "  -c, --config FILE  use FILE on top of the other sources, "
	      "like 'run -c'\n"
	      "                     (default: $MPTCPSHIM_CONFIG)\n"
	      "See mptcpshim.conf(5).\n",
	      out);
}

/* ---- check ---- */

struct check_state {
	const char *file;
	int problems;
	char seen[4][160];	/* whole-file messages already printed */
	int n_seen;
};

static void print_problem(void *ctx, const char *file, unsigned line,
			  const char *message)
{
	struct check_state *st = ctx;

	if (line == 0) {
		for (int i = 0; i < st->n_seen; i++)
			if (strcmp(st->seen[i], message) == 0)
				return;
		if (st->n_seen < 4)
			snprintf(st->seen[st->n_seen++], sizeof(st->seen[0]),
				 "%s", message);
		printf("%s: %s\n", file, message);
	} else {
		printf("%s:%u: %s\n", file, line, message);
	}
	st->problems++;
}

/* Returns the number of problems in path; 0 when clean. */
static int check_one(const char *path)
{
	struct check_state st = { .file = path };
	int rc = policy_file_safety(path, print_problem, &st);

	if (rc < 0) {
		printf("%s: cannot read: %s\n", path, strerror(errno));
		return 1;
	}
	rc = policy_check_file(path, print_problem, &st);
	if (rc < 0 && st.problems == 0) {
		printf("%s: cannot read\n", path);
		return 1;
	}
	if (st.problems == 0)
		printf("%s: ok\n", path);
	return st.problems;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The apps.d/<name>.conf files, sorted; NULL-terminated, caller frees. */
static char **list_apps_dir(const char *dir)
{
	size_t n = 0, cap = 8;
	char **names = calloc(cap + 1, sizeof(*names));
	struct dirent *e;
	DIR *d;

	if (!names)
		return NULL;
	d = opendir(dir);
	if (!d)
		return names;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char **grown;

		if (len <= 5 || strcmp(e->d_name + len - 5, ".conf") != 0 ||
		    e->d_name[0] == '.')
			continue;
		if (n == cap) {
			grown = realloc(names, (cap * 2 + 1) * sizeof(*names));
			if (!grown)
				break;
			names = grown;
			cap *= 2;
		}
		if (asprintf(&names[n], "%s/%s", dir, e->d_name) < 0)
			break;
		n++;
	}
	closedir(d);
	names[n] = NULL;
	qsort(names, n, sizeof(*names), compare_names);
	return names;
}

static bool exists(const char *path)
{
	return path && access(path, F_OK) == 0;
}

static int check_defaults(void)
{
	char user[PATH_MAX];
	struct policy_sources src;
	int problems = 0, files = 0;
	char **apps;

	policy_sources_default(&src, NULL, false, user, sizeof(user));
	if (exists(src.system_file)) {
		problems += check_one(src.system_file);
		files++;
	}
	apps = list_apps_dir(src.apps_dir);
	for (size_t i = 0; apps && apps[i]; i++) {
		problems += check_one(apps[i]);
		files++;
		free(apps[i]);
	}
	free(apps);
	if (exists(src.user_file)) {
		problems += check_one(src.user_file);
		files++;
	}
	if (src.env_file) {
		problems += check_one(src.env_file);
		files++;
	}
	if (files == 0)
		printf("no policy file found; the built-in defaults apply "
		       "(convert every TCP socket)\n");
	return problems ? CLI_USAGE : CLI_OK;
}

static int policy_check(int argc, char **argv)
{
	int problems = 0;

	if (argc > 1 && cli_is_help(argv[1])) {
		usage(stdout);
		return CLI_OK;
	}
	if (argc > 1 && strcmp(argv[1], "--") == 0) {
		argc--;
		argv++;
	}
	if (argc < 2)
		return check_defaults();
	for (int i = 1; i < argc; i++)
		problems += check_one(argv[i]);
	return problems ? CLI_USAGE : CLI_OK;
}

/* ---- explain and show ---- */

struct load_options {
	const char *config;
	bool json;
	bool listen;
	int first_arg;
};

static void warn_problem(void *ctx, const char *file, unsigned line,
			 const char *message)
{
	const char *verb = ctx;

	if (line)
		cli_error(verb, "%s:%u: %s", file, line, message);
	else
		cli_error(verb, "%s: %s", file, message);
}

static int parse_options(int argc, char **argv, const char *verb,
			 struct load_options *opt, bool *done)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "listen", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*done = false;
	memset(opt, 0, sizeof(*opt));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt->config = optarg;
			break;
		case 'j':
			if (strcmp(verb, "show") != 0)
				goto bad;
			opt->json = true;
			break;
		case 'l':
			if (strcmp(verb, "explain") != 0)
				goto bad;
			opt->listen = true;
			break;
		case 'h':
			usage(stdout);
			*done = true;
			return CLI_OK;
		default:
			goto bad;
		}
	}
	opt->first_arg = optind;
	return CLI_OK;
bad:
	cli_error("policy", "%s: unknown or misplaced option '%s' (try "
		  "'mptcpshim policy --help')", verb, argv[optind - 1]);
	return CLI_USAGE;
}

/* Moves options in front of the arguments, so that they may follow them
 * ("explain curl 10.0.0.1:80 --listen") while getopt stops at the first
 * argument (a program name is never mistaken for an option). */
static void options_first(int argc, char **argv)
{
	char *moved[argc];
	int n = 0;

	moved[n++] = argv[0];
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 1; i < argc; i++) {
			bool is_opt = argv[i][0] == '-' && argv[i][1];
			bool takes_arg = strcmp(argv[i], "-c") == 0 ||
					 strcmp(argv[i], "--config") == 0;

			if (pass == 0 && is_opt) {
				moved[n++] = argv[i];
				if (takes_arg && i + 1 < argc)
					moved[n++] = argv[++i];
			} else if (pass == 1 && !is_opt) {
				moved[n++] = argv[i];
			} else if (pass == 1 && takes_arg) {
				i++;
			}
		}
	}
	memcpy(argv, moved, sizeof(moved));
}

static struct policy *load_for(const char *program, const char *config,
			       const char *verb)
{
	static char user[PATH_MAX];
	static const char *names[2];
	struct policy_sources src;
	struct policy *policy;

	names[0] = program;
	names[1] = NULL;
	policy_sources_default(&src, program ? names : NULL, false, user,
			       sizeof(user));
	if (config)
		src.env_file = config;
	policy = policy_load(&src, warn_problem, (void *)verb);
	if (!policy)
		cli_error(verb, "out of memory");
	return policy;
}

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

static void print_origin(const char *label, struct policy_origin o)
{
	if (o.file)
		printf("%-9s %s:%u\n", label, o.file, o.line);
	else
		printf("%-9s built-in default\n", label);
}

static void print_source(void *ctx, const char *file, bool used)
{
	(void)ctx;
	printf("%-9s %s%s\n", "source:", file,
	       used ? "" : " (ignored: see the errors above)");
}

/*
 * For a program only the seccomp route reaches (static, Go < 1.21): what of
 * the policy cannot apply there, said rather than silently skipped.
 */
static void explain_route(const char *program, const struct policy_view *view)
{
	struct route_choice route;

	route_choose(program, ROUTE_AUTO, &route);
	if (!route.seccomp)
		return;
	printf("%-9s seccomp (%s)\n", "route:", route.why);
	printf("%-9s every TCP socket gets the socket() decision (%s), "
	       "whatever its address\n", "seccomp:",
	       policy_choice_name(view->initial.choice));
	for (size_t i = 0; route_seccomp_limits[i]; i++)
		printf("%-9s %s\n", "not here:", route_seccomp_limits[i]);
}

static int policy_explain(int argc, char **argv)
{
	struct load_options opt;
	struct sockaddr_storage ss;
	struct policy_decision d;
	struct policy_view view;
	struct policy *policy;
	const char *names[2];
	socklen_t len = 0;
	bool has_port = false, done;
	int rc;

	options_first(argc, argv);
	rc = parse_options(argc, argv, "explain", &opt, &done);
	if (rc != CLI_OK || done)
		return rc;
	argc -= opt.first_arg;
	argv += opt.first_arg;
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
	policy = load_for(argv[0], opt.config, "policy");
	if (!policy)
		return CLI_USAGE;
	names[0] = argv[0];
	names[1] = NULL;
	policy_resolve(policy, names, &view);

	printf("%-9s %s\n", "program:", argv[0]);
	policy_for_each_source(policy, print_source, NULL);
	if (view.app_name)
		printf("%-9s [app:%s] at %s:%u\n", "section:", view.app_name,
		       view.app_origin.file, view.app_origin.line);
	else
		printf("%-9s none (global rules apply)\n", "section:");
	printf("%-9s %s\n", "socket:", policy_choice_name(view.initial.choice));
	printf("%-9s %s\n", "connect:",
	       view.decide_at_connect ? "decided per destination"
				      : "keeps the socket() protocol");
	printf("%-9s %s\n", "listen:",
	       view.decide_at_listen ? "decided per local address"
				     : "keeps the socket() protocol");
	if (argc == 2) {
		d = policy_decide(&view,
				  opt.listen ? POLICY_LISTEN : POLICY_CONNECT,
				  (struct sockaddr *)&ss, len);
		printf("%-9s %s %s\n", "for:",
		       opt.listen ? "listen on" : "connect to", argv[1]);
		if (!has_port)
			printf("%-9s no port given: a ports list sees port 0\n",
			       "note:");
	} else {
		d = view.initial;
		printf("%-9s socket() (no address given)\n", "for:");
	}
	printf("%-9s %s\n", "decision:", policy_choice_name(d.choice));
	print_origin("rule:", d.origin);
	printf("%-9s %s\n", "reason:", d.reason);
	printf("%-9s %s\n", "options:",
	       policy_unsupported_name(view.unsupported));
	if (view.keepalive.enabled)
		printf("%-9s idle %d, interval %d, count %d%s\n", "keepalive:",
		       view.keepalive.idle, view.keepalive.interval,
		       view.keepalive.count,
		       view.keepalive.all_tcp ? ", also plain TCP" : "");
	else
		printf("%-9s off\n", "keepalive:");
	explain_route(argv[0], &view);
	policy_free(policy);
	return CLI_OK;
}

static int policy_show_cmd(int argc, char **argv)
{
	struct load_options opt;
	struct policy *policy;
	bool done;
	int rc;

	options_first(argc, argv);
	rc = parse_options(argc, argv, "show", &opt, &done);
	if (rc != CLI_OK || done)
		return rc;
	if (argc - opt.first_arg > 1) {
		cli_error("policy", "show: expected at most one PROGRAM");
		return CLI_USAGE;
	}
	policy = load_for(opt.first_arg < argc ? argv[opt.first_arg] : NULL,
			  opt.config, "policy");
	if (!policy)
		return CLI_USAGE;
	policy_show(policy, stdout, opt.json);
	policy_free(policy);
	return CLI_OK;
}

int cmd_policy(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "check") == 0)
		return policy_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "explain") == 0)
		return policy_explain(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return policy_show_cmd(argc - 1, argv + 1);
	cli_error("policy", "unknown verb '%s' (check, explain or show)",
		  argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
