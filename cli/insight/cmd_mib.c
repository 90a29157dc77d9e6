// SPDX-License-Identifier: BSD-3-Clause
/*
 * `mptcpshim mib`: the namespace's MPTcpExt counters, sampled deltas, and
 * with --explain the reasons they point to.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "explain.h"
#include "mib.h"
#include "mib_glossary.h"
#include "output.h"
#include "pm_check.h"

#define MAX_REASONS 32

struct mib_options {
	bool all, json, explain;
	double interval;	/* seconds; 0: one reading */
	long count;		/* samples; 0 with an interval: until killed */
};

static void usage(FILE *fp)
{
	out_usage(fp,
		"Usage: mptcpshim mib [--all] [--json] [--interval S "
		"[--count N]] [--explain]\n"
		"Shows this network namespace's MPTCP counters (MPTcpExt in "
		"/proc/net/netstat).\n\n"
		"  -a, --all          include counters that are zero (with "
		"--explain: describe\n"
		"                     every counter of this kernel)\n"
		"  -j, --json         print JSON\n"
		"  -i, --interval S   print the change every S seconds\n"
		"  -c, --count N      stop after N intervals (default: until "
		"interrupted;\n"
		"                     1 with --explain)\n"
		"  -e, --explain      turn the counters, sysctls and endpoints "
		"into reasons,\n"
		"                     most likely first, each with its fix "
		"(over the\n"
		"                     interval if one is given)\n"
		"\nExit status: 0 ok, 1 no MPTCP counters (kernel without "
		"MPTCP), 2 usage.\n");
}

static int parse(int argc, char **argv, struct mib_options *o, bool *done)
{
	const char *interval = NULL, *count = NULL;
	const struct cli_option options[] = {
		CLI_OPTION_FLAG("all", 'a', &o->all),
		CLI_OPTION_JSON(&o->json),
		CLI_OPTION_VALUE("interval", 'i', &interval),
		CLI_OPTION_VALUE("count", 'c', &count),
		CLI_OPTION_FLAG("explain", 'e', &o->explain),
		CLI_OPTION_END,
	};
	char *end;
	int rc;

	memset(o, 0, sizeof(*o));
	*done = false;
	rc = cli_parse_options(argc, argv, "mib", options, 0, usage);
	if (rc >= 0) {
		*done = rc == CLI_OK;
		return rc;
	}
	if (interval) {
		errno = 0;
		o->interval = strtod(interval, &end);
		if (errno || *end || !(o->interval > 0) ||
		    o->interval > 86400) {
			cli_error("mib", "argument \"%s\" is wrong: "
				  "--interval wants seconds > 0", interval);
			return CLI_USAGE;
		}
	}
	if (count) {
		errno = 0;
		o->count = strtol(count, &end, 10);
		if (errno || *end || o->count < 1) {
			cli_error("mib", "argument \"%s\" is wrong: "
				  "--count wants a number >= 1", count);
			return CLI_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("mib", "unexpected argument '%s'", argv[optind]);
		return CLI_USAGE;
	}
	if (count && o->interval == 0) {
		cli_error("mib", "--count needs --interval");
		return CLI_USAGE;
	}
	if (o->explain && o->interval > 0 && !count)
		o->count = 1;
	return CLI_OK;
}

static int read_counters(struct mib_set *set)
{
	int rc = mib_read(MIB_NETSTAT, set);

	if (rc == 1)
		cli_error("mib", "no MPTcpExt counters in %s: this kernel "
				 "has no MPTCP", MIB_NETSTAT);
	else if (rc < 0)
		cli_error("mib", "cannot read %s: %s", MIB_NETSTAT,
			  strerror(errno));
	return rc;
}

static void print_counters(struct out *out, const struct mib_set *set,
			   bool all)
{
	size_t shown = 0;

	out_object_open(out, "counters");
	for (size_t i = 0; i < set->n; i++) {
		const char *name = set->v[i].name;

		if (!all && set->v[i].value == 0)
			continue;
		out_text(out, "%-32s", name);
		out_uint(out, name,
			 mib_is_gauge(name) ? "%llu (now)\n" : "%llu\n",
			 set->v[i].value);
		shown++;
	}
	out_object_close(out);
	if (!shown)
		out_text(out, "(all counters are zero)\n");
}

/* What each counter means and whether a rule reads it: the non-zero
 * ones, or with --all every counter this kernel has. */
static void print_glossary(struct out *out, const struct mib_set *set,
			   bool all)
{
	bool heading = false;

	out_array_open(out, "glossary");
	for (size_t i = 0; i < set->n; i++) {
		const char *name = set->v[i].name, *rule;
		enum mib_role role = mib_glossary_role(name, &rule);
		const char *meaning = mib_glossary_meaning(name);

		if (!all && set->v[i].value == 0)
			continue;
		if (!heading)
			out_text(out, "\nWhat the counters%s mean:\n",
				 all ? "" : " that are not zero");
		heading = true;
		out_object_open(out, NULL);
		out_string(out, "name", "  %-26s", name);
		out_uint(out, "value", " %8llu  ", set->v[i].value);
		out_string(out, "role", NULL, mib_role_name(role));
		out_string(out, "rule", NULL, rule);
		out_string(out, "meaning", "%s", meaning ? meaning :
			   "unknown to this mptcpshim (a newer kernel's "
			   "counter)");
		if (rule)
			out_text_string(out, " [reason: %s]", rule);
		out_text(out, "\n");
		out_object_close(out);
	}
	out_array_close(out);
}

static void print_reasons(struct out *out, const struct mib_set *set,
			  const char *scope, bool all)
{
	struct explain_reason reasons[MAX_REASONS];
	struct explain_sysctl sys;
	struct explain_input in = { .mib = set, .sys = &sys };
	struct pm_state pm;
	bool have_pm;
	size_t n;

	explain_sysctl_read(EXPLAIN_SYSCTL_DIR, &sys);
	have_pm = pm_fetch(&pm) == 0;
	if (have_pm) {
		pm_probe_interfaces(&pm);
		pm_probe_environment(&pm, NULL);
		in.pm = &pm;
	}
	n = explain_run(&in, reasons, MAX_REASONS);

	out_string(out, "scope", NULL, scope);
	if (n)
		out_text(out, "Reasons, most likely first (counters %s):\n",
			 scope);
	else
		out_text(out, "No reason found: the counters (%s), sysctls "
			      "and endpoints show nothing that stops MPTCP.\n",
			 scope);
	out_array_open(out, "reasons");
	for (size_t i = 0; i < n; i++) {
		out_object_open(out, NULL);
		out_uint(out, "rank", "%llu. ", i + 1);
		out_string(out, "id", NULL, reasons[i].id);
		out_string(out, "reason", "%s\n", reasons[i].reason);
		if (reasons[i].evidence[0])
			out_string(out, "evidence", "   evidence: %s\n",
				   reasons[i].evidence);
		out_string(out, "fix", "   fix: %s\n", reasons[i].fix);
		out_object_close(out);
	}
	out_array_close(out);
	print_glossary(out, set, all);
	if (have_pm)
		pm_state_free(&pm);
}

static void sleep_seconds(double s)
{
	struct timespec ts = { .tv_sec = (time_t)s };

	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int sample(const struct mib_options *o, struct out *out)
{
	struct mib_set prev, now, delta;
	int rc = CLI_OK;

	if (read_counters(&prev) != 0)
		return CLI_CHECK_FAILED;
	out_double(out, "interval", NULL, o->interval);
	out_array_open(out, "samples");
	for (long i = 1; o->count == 0 || i <= o->count; i++) {
		sleep_seconds(o->interval);
		if (read_counters(&now) != 0) {
			rc = CLI_CHECK_FAILED;
			break;
		}
		if (mib_delta(&prev, &now, &delta) < 0) {
			mib_free(&now);
			rc = CLI_CHECK_FAILED;
			break;
		}
		out_object_open(out, NULL);
		out_uint(out, "sample", "--- sample %llu", i);
		out_text(out, " (change over %g s) ---\n", o->interval);
		print_counters(out, &delta, o->all);
		out_object_close(out);
		if (!out_is_json(out))
			fflush(stdout);
		mib_free(&delta);
		mib_free(&prev);
		prev = now;
	}
	out_array_close(out);
	mib_free(&prev);
	return rc;
}

static int explain_over_interval(const struct mib_options *o, struct out *out)
{
	struct mib_set before, after, delta;
	char scope[64];
	int rc;

	if (read_counters(&before) != 0)
		return CLI_CHECK_FAILED;
	sleep_seconds(o->interval * (double)o->count);
	rc = read_counters(&after);
	if (rc == 0 && mib_delta(&before, &after, &delta) == 0) {
		snprintf(scope, sizeof(scope), "changes over %g s",
			 o->interval * (double)o->count);
		print_reasons(out, &delta, scope, o->all);
		mib_free(&delta);
	}
	mib_free(&before);
	mib_free(&after);
	return rc == 0 ? CLI_OK : CLI_CHECK_FAILED;
}

int cmd_mib(int argc, char **argv)
{
	struct mib_options o;
	struct mib_set set;
	struct out *out;
	bool done;
	int rc;

	rc = parse(argc, argv, &o, &done);
	if (rc != CLI_OK || done)
		return rc;
	out = out_new(stdout, o.json);
	if (!out)
		return CLI_CHECK_FAILED;
	if (o.explain && o.interval > 0) {
		rc = explain_over_interval(&o, out);
	} else if (o.interval > 0) {
		rc = sample(&o, out);
	} else if (read_counters(&set) != 0) {
		rc = CLI_CHECK_FAILED;
	} else {
		if (o.explain)
			print_reasons(out, &set,
				      "since the namespace was created",
				      o.all);
		else
			print_counters(out, &set, o.all);
		mib_free(&set);
	}
	out_end(out);
	return rc;
}
