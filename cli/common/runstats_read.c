// SPDX-License-Identifier: BSD-3-Clause
/*
 * Reading the shim's stats records (shim/include/stats_record.h) into one
 * summary per process: for `run --stats` and for `metrics --stats`.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runstats_read.h"
#include "sockopt_names.h"
#include "stats_record.h"
#include "strbuf.h"

#define FIELDS 8

static int tally_add(struct runstats_tally *t, const char *key)
{
	struct runstats_tally_entry *e;

	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].key, key) == 0) {
			t->v[i].n++;
			return 0;
		}
	e = array_push(&t->v, &t->n, sizeof(*e));
	if (!e)
		return -1;
	snprintf(e->key, sizeof(e->key), "%s", key);
	e->n = 1;
	return 0;
}

static struct runstats_proc *proc_for(struct runstats *rs, long pid,
				      const char *program)
{
	struct runstats_proc *p;

	for (size_t i = 0; i < rs->n; i++)
		if (rs->p[i].pid == pid &&
		    strcmp(rs->p[i].program, program) == 0)
			return &rs->p[i];
	p = array_push(&rs->p, &rs->n, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	snprintf(p->program, sizeof(p->program), "%s", program);
	return p;
}

static bool parse_long(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return *s && !*end && !errno;
}

/* Applies one record; false if it does not parse. */
static int apply(struct runstats *rs, char **f)
{
	struct runstats_proc *p;
	long pid, fd, a = 0, b;
	const char *ev = f[3], *as = f[5], *text = f[7];
	char name[64];
	int rc = 0;

	if (strcmp(f[0], STATS_RECORD_VERSION) != 0 ||
	    !parse_long(f[1], &pid) || pid <= 0 || !parse_long(f[4], &fd) ||
	    !parse_long(f[6], &b))
		return 1;
	p = proc_for(rs, pid, f[2]);
	if (!p)
		return -1;
	if (strcmp(ev, STATS_EV_SOCKET) == 0) {
		p->sockets++;
		if (strcmp(as, STATS_SOCKET_CONVERTED) == 0) {
			p->converted++;
		} else if (strcmp(as, STATS_SOCKET_KEPT_TCP) == 0) {
			p->kept_tcp++;
			rc = tally_add(&p->kept_reasons,
				       *text ? text : "policy");
		} else if (strcmp(as, STATS_SOCKET_CREATION_FALLBACK) == 0) {
			const char *e = strerrorname_np((int)b);

			p->creation_fallbacks++;
			if (!e) {
				snprintf(name, sizeof(name), "errno %ld", b);
				e = name;
			}
			rc = tally_add(&p->fallback_errors, e);
		} else {
			p->sockets--;
			return 1;
		}
	} else if (strcmp(ev, STATS_EV_SWITCH) == 0) {
		if (strcmp(as, STATS_PROTO_MPTCP) == 0)
			p->switched_to_mptcp++;
		else if (strcmp(as, STATS_PROTO_TCP) == 0)
			p->switched_to_tcp++;
		else
			return 1;
		rc = tally_add(&p->switch_reasons, *text ? text : "policy");
	} else if (strcmp(ev, STATS_EV_HANDSHAKE) == 0) {
		bool mptcp = strcmp(as, STATS_PROTO_MPTCP) == 0;

		if (!mptcp && strcmp(as, STATS_PROTO_TCP) != 0)
			return 1;
		if (b)
			mptcp ? p->accept_mptcp++ : p->accept_tcp++;
		else
			mptcp ? p->connect_mptcp++ : p->connect_fallback++;
	} else if (strcmp(ev, STATS_EV_SUBFLOWS) == 0) {
		if (!parse_long(as, &a) || a < 0)
			return 1;
		if ((unsigned long)a + 1 > p->max_subflows)
			p->max_subflows = (unsigned long)a + 1;
	} else if (strcmp(ev, STATS_EV_OPTION) == 0) {
		const char *opt;

		if (!parse_long(as, &a))
			return 1;
		opt = sockopt_describe((int)a, (int)b, name, sizeof(name));
		if (strcmp(text, STATS_OPTION_RESCUED) == 0)
			rc = tally_add(&p->options_rescued, opt);
		else if (strcmp(text, STATS_OPTION_IGNORED) == 0)
			rc = tally_add(&p->options_ignored, opt);
		else
			return 1;
	} else if (strcmp(ev, STATS_EV_KEEPALIVE) == 0) {
		p->keepalive++;
	} else if (strcmp(ev, STATS_EV_WARNING) == 0) {
		char **slot = array_push(&p->warnings, &p->nwarnings,
					 sizeof(*slot));

		if (!slot || !(*slot = strdup(text)))
			return -1;
	} else {
		return 1;
	}
	return rc;
}

int runstats_parse(FILE *fp, struct runstats *rs)
{
	char *line = NULL, *f[FIELDS];
	size_t cap = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, fp)) > 0) {
		char *s = line;
		int i, rc;

		if (line[len - 1] != '\n') {
			/* A record cut short (the writer died mid-way). */
			rs->bad_records++;
			continue;
		}
		line[len - 1] = '\0';
		for (i = 0; i < FIELDS; i++) {
			f[i] = s;
			s = strchr(s, '\t');
			if (!s)
				break;
			*s++ = '\0';
		}
		if (i != FIELDS - 1) {
			rs->bad_records++;
			continue;
		}
		rc = apply(rs, f);
		if (rc < 0) {
			free(line);
			return -1;
		}
		rs->bad_records += rc;
	}
	free(line);
	return 0;
}

static void tally_free(struct runstats_tally *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

void runstats_free(struct runstats *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		tally_free(&rs->p[i].kept_reasons);
		tally_free(&rs->p[i].fallback_errors);
		tally_free(&rs->p[i].switch_reasons);
		tally_free(&rs->p[i].options_rescued);
		tally_free(&rs->p[i].options_ignored);
		for (size_t w = 0; w < rs->p[i].nwarnings; w++)
			free(rs->p[i].warnings[w]);
		free(rs->p[i].warnings);
	}
	free(rs->p);
	rs->p = NULL;
	rs->n = 0;
}
