// SPDX-License-Identifier: BSD-3-Clause
/*
 * The --stats side of `run`: hand the shim a private directory, then turn
 * the records every process appended there into one summary per process,
 * next to the MPTcpExt deltas of the namespace over the same time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "runevents.h"
#include "runstats.h"
#include "sockopt_names.h"
#include "stats_record.h"
#include "strbuf.h"

/* "a x2, b" in text (in parentheses after a count); an object
 * {"a": 2, "b": 1} in JSON. */
static void print_tally(struct out *out, const char *key,
			const struct runstats_tally *t, bool paren)
{
	out_object_open(out, key);
	for (size_t i = 0; i < t->n; i++) {
		out_text(out, "%s%s", i ? ", " : paren ? " (" : "",
			 t->v[i].key);
		out_uint(out, t->v[i].key, t->v[i].n > 1 ? " x%llu" : NULL,
			 t->v[i].n);
	}
	out_object_close(out);
	out_text(out, "%s", t->n && paren ? ")" : "");
}

/* One "label value" line; whatever follows goes on the same line. */
static void count(struct out *out, const char *key, const char *label,
		  unsigned long v)
{
	out_text(out, "\n    %-28s", label);
	out_uint(out, key, "%llu", v);
}

static void print_options(struct out *out, const char *key,
			  const char *label, const struct runstats_tally *t)
{
	out_text(out, "\n    %-28s%s", label, t->n ? "" : "none");
	print_tally(out, key, t, false);
}

/*
 * Each option that cost a socket MPTCP, with the policy line that keeps
 * MPTCP without it (the option is then reported as set but not applied):
 * the user decides whether the option matters more than MPTCP.
 */
static void print_option_fixes(struct out *out, const struct runstats_proc *p)
{
	out_array_open(out, "option_fixes");
	for (size_t i = 0; i < p->options_rescued.n; i++) {
		const char *opt = p->options_rescued.v[i].key;
		char line[128];

		if (strchr(opt, '/'))	/* unnamed: no policy key for it */
			continue;
		snprintf(line, sizeof(line), "unsupported_option.%.64s = ignore",
			 opt);
		out_object_open(out, NULL);
		out_string(out, "option", NULL, opt);
		out_string(out, "line", "\n      fix: '%s'", line);
		out_string(out, "section", " in [app:%s]", p->program);
		out_text(out, " keeps MPTCP without %s", opt);
		out_object_close(out);
	}
	out_array_close(out);
}

static void print_proc(struct out *out, const struct runstats_proc *p)
{
	out_object_open(out, NULL);
	out_string(out, "program", "%s", p->program);
	out_int(out, "pid", "[%lld]", p->pid);
	count(out, "sockets", "sockets seen", p->sockets);
	count(out, "converted", "converted to MPTCP", p->converted);
	count(out, "kept_tcp", "kept TCP by policy", p->kept_tcp);
	print_tally(out, "kept_tcp_reasons", &p->kept_reasons, true);
	count(out, "creation_fallbacks", "creation fallbacks",
	      p->creation_fallbacks);
	print_tally(out, "creation_fallback_errors", &p->fallback_errors, true);
	if (out_is_json(out) || p->switched_to_mptcp || p->switched_to_tcp) {
		count(out, "switched_to_mptcp", "switched to MPTCP later",
		      p->switched_to_mptcp);
		count(out, "switched_to_tcp", "switched to TCP later",
		      p->switched_to_tcp);
		print_tally(out, "switch_reasons", &p->switch_reasons, true);
	}
	count(out, "mptcp_connections", "connections with MPTCP",
	      p->connect_mptcp + p->accept_mptcp);
	out_text(out, " (%lu connected, %lu accepted)", p->connect_mptcp,
		 p->accept_mptcp);
	count(out, "handshake_fallbacks", "handshake fallbacks to TCP",
	      p->connect_fallback + p->accept_tcp);
	out_text(out, " (%lu connected, %lu accepted from TCP peers)",
		 p->connect_fallback, p->accept_tcp);
	out_uint(out, "connect_mptcp", NULL, p->connect_mptcp);
	out_uint(out, "connect_fallback", NULL, p->connect_fallback);
	out_uint(out, "accept_mptcp", NULL, p->accept_mptcp);
	out_uint(out, "accept_tcp", NULL, p->accept_tcp);
	count(out, "max_subflows", "max subflows", p->max_subflows);
	print_options(out, "options_rescued", "options rescued (now TCP)",
		      &p->options_rescued);
	print_option_fixes(out, p);
	print_options(out, "options_ignored", "options ignored",
		      &p->options_ignored);
	count(out, "keepalive", "keepalive applied", p->keepalive);
	if (p->nwarnings)
		out_text(out, "\n    warnings the program's stderr could not "
			      "take (also in the system log):");
	out_array_open(out, "warnings");
	for (size_t i = 0; i < p->nwarnings; i++)
		out_string(out, NULL, "\n      %s", p->warnings[i]);
	out_array_close(out);
	out_text(out, "\n");
	out_object_close(out);
}

void runstats_print(struct out *out, const struct runstats *rs,
		    const struct mib_set *mib_delta, int status)
{
	size_t shown = 0;

	out_text(out, "mptcpshim run --stats: ");
	out_int(out, "exit_status", "exit status %lld\n", status);
	if (!rs->n)
		out_text(out, "  no process reported sockets (none opened a "
			      "TCP socket, or the shim was not loaded: see "
			      "'mptcpshim doctor CMD')\n");
	out_array_open(out, "processes");
	for (size_t i = 0; i < rs->n; i++) {
		out_text(out, "  process ");
		print_proc(out, &rs->p[i]);
	}
	out_array_close(out);
	if (rs->bad_records)
		out_text(out, "  (%lu unreadable records skipped)\n",
			 rs->bad_records);
	out_uint(out, "bad_records", NULL, rs->bad_records);

	out_string(out, "mib_scope", NULL, "namespace");
	if (!mib_delta) {
		out_text(out, "  MPTcpExt counters unavailable\n");
		return;
	}
	out_text(out, "  MPTcpExt changes over the run (namespace-wide: every "
		      "process in this network namespace counts):\n");
	out_object_open(out, "mib_delta");
	for (size_t i = 0; i < mib_delta->n; i++) {
		const struct mib_counter *c = &mib_delta->v[i];

		if (!c->value || mib_is_gauge(c->name))
			continue;
		out_text(out, "    %-30s", c->name);
		out_uint(out, c->name, "%llu\n", c->value);
		shown++;
	}
	out_object_close(out);
	if (!shown)
		out_text(out, "    (none)\n");
}

int runstats_begin(struct runstats_session *s)
{
	const char *tmp = getenv("TMPDIR");

	memset(s, 0, sizeof(*s));
	if (!tmp || *tmp != '/')
		tmp = "/tmp";
	if ((size_t)snprintf(s->dir, sizeof(s->dir),
			     "%s/mptcpshim-stats.XXXXXX", tmp) >=
		    sizeof(s->dir) ||
	    !mkdtemp(s->dir)) {
		cli_error("run", "cannot create a stats directory in %s: %s",
			  tmp, strerror(errno));
		s->dir[0] = '\0';
		return -1;
	}
	if (setenv("MPTCPSHIM_STATS", s->dir, 1) < 0) {
		rmdir(s->dir);
		s->dir[0] = '\0';
		return -1;
	}
	s->have_mib = mib_read(MIB_NETSTAT, &s->mib_before) == 0;
	return 0;
}

static void remove_dir(const char *dir)
{
	char path[PATH_MAX + sizeof(STATS_RECORDS_FILE) + 1];

	snprintf(path, sizeof(path), "%s/%s", dir, STATS_RECORDS_FILE);
	unlink(path);
	if (rmdir(dir) < 0 && errno != ENOENT)
		cli_error("run", "cannot remove %s: %s", dir, strerror(errno));
}

int runstats_end(struct runstats_session *s, const struct run_options *opt,
		 int status)
{
	struct runstats rs = { 0 };
	struct mib_set after, delta;
	bool have_delta = false;
	char path[PATH_MAX + sizeof(STATS_RECORDS_FILE) + 1];
	struct cli_report report = { 0 };
	struct out *out;
	FILE *fp, *dest = NULL;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", s->dir, STATS_RECORDS_FILE);
	fp = fopen(path, "re");
	if (fp) {
		if (runstats_parse(fp, &rs) < 0)
			cli_error("run", "out of memory reading the stats");
		fclose(fp);
	}
	if (s->have_mib && mib_read(MIB_NETSTAT, &after) == 0) {
		have_delta = mib_delta(&s->mib_before, &after, &delta) == 0;
		mib_free(&after);
	}
	if (opt->stats_file) {
		dest = fopen(opt->stats_file, "we");
		if (!dest) {
			cli_error("run", "cannot write '%s': %s",
				  opt->stats_file, strerror(errno));
			rc = -1;
		}
	} else {
		/* Never into a socket at fd 2 (an inetd-style service's
		 * connection): the system log then. */
		dest = cli_report_begin(&report);
	}
	if (dest) {
		out = out_new(dest, opt->json);
		if (out) {
			runstats_print(out, &rs, have_delta ? &delta : NULL,
				       status);
			if (opt->events)
				runevents_print(out);
			out_end(out);
		}
		if (opt->stats_file ? fclose(dest) != 0 :
				      cli_report_end(&report, "run") != 0)
			rc = -1;
	}
	if (have_delta)
		mib_free(&delta);
	if (s->have_mib)
		mib_free(&s->mib_before);
	runstats_free(&rs);
	remove_dir(s->dir);
	return rc;
}
