// SPDX-License-Identifier: BSD-3-Clause
/*
 * Joins a sock_diag snapshot to processes and interfaces. Subflows are
 * sorted by token once, so a view of 1,000 connections costs a sort and a
 * binary search per connection, not a scan per pair.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/mptcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connview.h"
#include "pm.h"
#include "procmap.h"
#include "strbuf.h"

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int by_token(const void *a, const void *b)
{
	const struct sockdiag_subflow *x = a, *y = b;

	if (x->token_loc != y->token_loc)
		return x->token_loc < y->token_loc ? -1 : 1;
	/* The first subflow (MP_CAPABLE, local id 0) first, then by id. */
	return (x->id_loc > y->id_loc) - (x->id_loc < y->id_loc);
}

static size_t first_with_token(const struct sockdiag_snapshot *s,
			       uint32_t token)
{
	size_t lo = 0, hi = s->nsubflows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->subflows[mid].token_loc < token)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void interface_of(const struct sockdiag_subflow *sf,
			 const struct ifaddrs *list, char *name)
{
	if (sf->bound_ifindex > 0 && if_indextoname(sf->bound_ifindex, name))
		return;
	pm_interface_holding(list, sf->local.family, sf->local.addr, name);
}

static int fill_subflows(struct cv_conn *cc, const struct sockdiag_snapshot *s,
			 const struct ifaddrs *list)
{
	size_t i = first_with_token(s, cc->c->token), n = 0;

	while (i + n < s->nsubflows &&
	       sockdiag_subflow_of(&s->subflows[i + n], cc->c))
		n++;
	if (!n)
		return 0;
	cc->sub = calloc(n, sizeof(*cc->sub));
	if (!cc->sub)
		return -1;
	cc->nsub = n;
	for (size_t k = 0; k < n; k++) {
		struct cv_subflow *sub = &cc->sub[k];

		sub->sf = &s->subflows[i + k];
		sub->backup = sub->sf->flags & (MPTCP_SUBFLOW_FLAG_BKUP_LOC |
						MPTCP_SUBFLOW_FLAG_BKUP_REM);
		interface_of(sub->sf, list, sub->ifname);
	}
	return 0;
}

static struct cv_proc *proc_for(struct connview *v, pid_t pid)
{
	struct cv_proc *p;

	for (size_t i = 0; i < v->nproc; i++)
		if (v->proc[i].pid == pid)
			return &v->proc[i];
	p = array_push(&v->proc, &v->nproc, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	procmap_comm(pid, p->name, sizeof(p->name));
	return p;
}

static int add_conn(struct cv_proc *p, const struct sockdiag_conn *c)
{
	struct cv_conn *cc;

	/* Grown by doubling: a server can hold thousands. */
	if ((p->nconn & (p->nconn - 1)) == 0) {
		cc = realloc(p->conn,
			     (p->nconn ? p->nconn * 2 : 1) * sizeof(*cc));
		if (!cc)
			return -1;
		p->conn = cc;
	}
	cc = &p->conn[p->nconn++];
	memset(cc, 0, sizeof(*cc));
	cc->c = c;
	return 0;
}

static int by_pid(const void *a, const void *b)
{
	const struct cv_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

int connview_take(struct connview *v, const pid_t *pids, size_t npids)
{
	struct ifaddrs *list = NULL;
	struct procmap map;
	int saved;

	memset(v, 0, sizeof(*v));
	if (sockdiag_snapshot_take(&v->snap) < 0)
		return -1;
	v->taken_at = now_seconds();
	if (procmap_build(&map, pids, npids) < 0) {
		sockdiag_snapshot_free(&v->snap);
		return -1;
	}
	v->unreadable = map.unreadable;
	if (v->snap.nsubflows)
		qsort(v->snap.subflows, v->snap.nsubflows,
		      sizeof(*v->snap.subflows), by_token);
	if (getifaddrs(&list) < 0)
		list = NULL;
	for (size_t i = 0; i < v->snap.nconns; i++) {
		const struct sockdiag_conn *c = &v->snap.conns[i];
		pid_t pid = procmap_find(&map, c->inode);
		struct cv_proc *p;

		if (pid < 0) {
			/* Another user's, or not yet accepted: only counted
			 * when no pid filter narrowed the view. */
			v->unowned += pids == NULL;
			continue;
		}
		p = proc_for(v, pid);
		if (!p || add_conn(p, c) < 0 ||
		    fill_subflows(&p->conn[p->nconn - 1], &v->snap, list) < 0)
			goto nomem;
	}
	if (list)
		freeifaddrs(list);
	procmap_free(&map);
	if (v->nproc)
		qsort(v->proc, v->nproc, sizeof(*v->proc), by_pid);
	return 0;
nomem:
	saved = ENOMEM;
	if (list)
		freeifaddrs(list);
	procmap_free(&map);
	connview_free(v);
	errno = saved;
	return -1;
}

static bool same_endpoint(const struct sockdiag_endpoint *a,
			  const struct sockdiag_endpoint *b)
{
	return a->port == b->port && strcmp(a->addr, b->addr) == 0;
}

static const struct sockdiag_subflow *
find_previous(const struct connview *prev, const struct sockdiag_subflow *sf)
{
	const struct sockdiag_snapshot *s = &prev->snap;

	for (size_t i = first_with_token(s, sf->token_loc);
	     i < s->nsubflows && s->subflows[i].token_loc == sf->token_loc; i++)
		if (same_endpoint(&s->subflows[i].local, &sf->local) &&
		    same_endpoint(&s->subflows[i].remote, &sf->remote))
			return &s->subflows[i];
	return NULL;
}

static struct cv_iface *iface_for(struct connview *v, const char *name)
{
	struct cv_iface *f;

	for (size_t i = 0; i < v->niface; i++)
		if (strcmp(v->iface[i].name, name) == 0)
			return &v->iface[i];
	f = array_push(&v->iface, &v->niface, sizeof(*f));
	if (!f)
		return NULL;
	snprintf(f->name, sizeof(f->name), "%s", name);
	return f;
}

static double rate(uint64_t now, uint64_t before, double dt)
{
	return now >= before ? (double)(now - before) / dt : 0;
}

void connview_rates(struct connview *v, const struct connview *prev)
{
	double dt = v->taken_at - prev->taken_at;

	if (dt <= 0)
		return;
	v->interval = dt;
	for (size_t p = 0; p < v->nproc; p++)
		for (size_t c = 0; c < v->proc[p].nconn; c++) {
			struct cv_conn *cc = &v->proc[p].conn[c];

			for (size_t s = 0; s < cc->nsub; s++) {
				struct cv_subflow *sub = &cc->sub[s];
				const struct sockdiag_subflow *old =
				    find_previous(prev, sub->sf);
				struct cv_iface *f;

				/* A new subflow counts from zero. */
				sub->rate_known = true;
				sub->tx_rate =
				    rate(sub->sf->bytes_acked,
					 old ? old->bytes_acked : 0, dt);
				sub->rx_rate =
				    rate(sub->sf->bytes_received,
					 old ? old->bytes_received : 0, dt);
				f = iface_for(v, sub->ifname[0] ? sub->ifname
								: "?");
				if (!f)
					continue;
				f->tx_rate += sub->tx_rate;
				f->rx_rate += sub->rx_rate;
				f->subflows++;
			}
		}
}

void connview_free(struct connview *v)
{
	for (size_t p = 0; p < v->nproc; p++) {
		for (size_t c = 0; c < v->proc[p].nconn; c++)
			free(v->proc[p].conn[c].sub);
		free(v->proc[p].conn);
	}
	free(v->proc);
	free(v->iface);
	sockdiag_snapshot_free(&v->snap);
	memset(v, 0, sizeof(*v));
}

size_t connview_connections(const struct connview *v)
{
	size_t n = 0;

	for (size_t p = 0; p < v->nproc; p++)
		n += v->proc[p].nconn;
	return n;
}

size_t connview_subflows(const struct connview *v)
{
	size_t n = 0;

	for (size_t p = 0; p < v->nproc; p++)
		for (size_t c = 0; c < v->proc[p].nconn; c++)
			n += v->proc[p].conn[c].nsub;
	return n;
}

void connview_human(double value, char *buf, size_t len)
{
	static const char units[] = " KMGT";
	size_t u = 0;

	while (value >= 1000 && u < sizeof(units) - 2) {
		value /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f", value);
	else
		snprintf(buf, len, "%.1f%c", value, units[u]);
}

static void print_endpoints(struct out *out, const struct sockdiag_endpoint *l,
			    const struct sockdiag_endpoint *r)
{
	char text[2 * INET6_ADDRSTRLEN + 32];

	out_string(out, "local_address", NULL, l->addr);
	out_uint(out, "local_port", NULL, l->port);
	out_string(out, "remote_address", NULL, r->addr);
	out_uint(out, "remote_port", NULL, r->port);
	snprintf(text, sizeof(text),
		 l->family == AF_INET6 ? "[%s]:%u -> [%s]:%u"
				       : "%s:%u -> %s:%u",
		 l->addr, l->port, r->addr, r->port);
	out_text(out, "%s", text);
}

/* Bytes so far; acked is printed only where it is known (subflows). */
static void print_bytes(struct out *out, uint64_t sent, const uint64_t *acked,
			uint64_t received)
{
	char s[16], r[16];

	connview_human(sent, s, sizeof(s));
	connview_human(received, r, sizeof(r));
	out_uint(out, "bytes_sent", NULL, sent);
	if (acked)
		out_uint(out, "bytes_acked", NULL, *acked);
	out_uint(out, "bytes_received", NULL, received);
	out_text(out, " sent %sB recv %sB", s, r);
}

static void print_rates(struct out *out, double tx, double rx)
{
	char t[16], r[16];

	connview_human(tx, t, sizeof(t));
	connview_human(rx, r, sizeof(r));
	out_double(out, "tx_bytes_per_s", NULL, tx);
	out_double(out, "rx_bytes_per_s", NULL, rx);
	out_text(out, " tx %sB/s rx %sB/s", t, r);
}

static void print_subflow(struct out *out, const struct cv_subflow *sub)
{
	const struct sockdiag_subflow *sf = sub->sf;

	out_object_open(out, NULL);
	out_text(out, "    subflow ");
	print_endpoints(out, &sf->local, &sf->remote);
	out_string(out, "interface", " dev %s",
		   sub->ifname[0] ? sub->ifname : NULL);
	out_bool(out, "backup", NULL, sub->backup);
	if (sub->backup)
		out_text(out, " backup");
	out_string(out, "state", " %s", sockdiag_state_name(sf->state));
	out_uint(out, "local_id", NULL, sf->id_loc);
	out_uint(out, "remote_id", NULL, sf->id_rem);
	out_double(out, "rtt_ms", " rtt %.2fms", sf->rtt_us / 1000.0);
	out_uint(out, "cwnd", " cwnd %llu", sf->cwnd);
	print_bytes(out, sf->bytes_sent, &sf->bytes_acked, sf->bytes_received);
	out_uint(out, "retransmits", " retrans %llu", sf->total_retrans);
	if (sub->rate_known)
		print_rates(out, sub->tx_rate, sub->rx_rate);
	out_text(out, "\n");
	out_object_close(out);
}

static void print_conn(struct out *out, const struct cv_conn *cc)
{
	const struct sockdiag_conn *c = cc->c;

	out_object_open(out, NULL);
	out_text(out, "  mptcp ");
	print_endpoints(out, &c->local, &c->remote);
	out_uint(out, "token", NULL, c->token);
	out_text(out, " token %08x", c->token);
	out_string(out, "state", " %s", sockdiag_state_name(c->state));
	out_bool(out, "fallback", " fallback %s", c->fallback);
	if (c->bytes_known)
		print_bytes(out, c->bytes_sent, NULL, c->bytes_received);
	out_text(out, "\n");
	out_array_open(out, "subflows");
	for (size_t i = 0; i < cc->nsub; i++)
		print_subflow(out, &cc->sub[i]);
	out_array_close(out);
	out_object_close(out);
}

void connview_print(struct out *out, const struct connview *v)
{
	if (v->interval > 0)
		out_double(out, "interval", NULL, v->interval);
	out_array_open(out, "processes");
	for (size_t p = 0; p < v->nproc; p++) {
		const struct cv_proc *proc = &v->proc[p];

		out_object_open(out, NULL);
		out_int(out, "pid", "pid %lld", proc->pid);
		out_string(out, "name", " %s", proc->name);
		out_text(out, ": %zu MPTCP connection%s\n", proc->nconn,
			 proc->nconn == 1 ? "" : "s");
		out_array_open(out, "connections");
		for (size_t c = 0; c < proc->nconn; c++)
			print_conn(out, &proc->conn[c]);
		out_array_close(out);
		out_object_close(out);
	}
	out_array_close(out);
	if (v->interval > 0) {
		out_array_open(out, "interfaces");
		for (size_t i = 0; i < v->niface; i++) {
			out_object_open(out, NULL);
			out_string(out, "name", "interface %s",
				   v->iface[i].name);
			out_uint(out, "subflows", ": %llu subflows",
				 v->iface[i].subflows);
			print_rates(out, v->iface[i].tx_rate,
				    v->iface[i].rx_rate);
			out_text(out, "\n");
			out_object_close(out);
		}
		out_array_close(out);
	}
	out_uint(out, "unowned_connections", NULL, v->unowned);
	out_uint(out, "unreadable_processes", NULL, v->unreadable);
	out_uint(out, "hidden_subflows", NULL, v->snap.tokenless_subflows);
}

void connview_print_notes(struct out *out, const struct connview *v)
{
	/* What could not be seen, and why; plural endings per count. */
	const struct {
		size_t count;
		const char *text, *plural;
	} notes[] = {
		{ v->unreadable,
		  "note: the sockets of %zu process%s could not be read "
		  "(another user's; run as root to see them)\n", "es" },
		{ v->unowned,
		  "note: %zu MPTCP connection%s belong to no process shown "
		  "(another user's, or not yet accepted)\n", "s" },
		{ v->snap.tokenless_subflows,
		  "note: %zu subflow%s could not be tied to their "
		  "connection: the kernel shows subflow tokens only with "
		  "CAP_NET_ADMIN\n", "s" },
	};

	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++)
		if (notes[i].count)
			out_text(out, notes[i].text, notes[i].count,
				 notes[i].count == 1 ? "" : notes[i].plural);
}

int connview_take_tree(struct connview *v, pid_t pid)
{
	pid_t *tree = NULL;
	ssize_t n = 0;
	int rc;

	if (pid) {
		n = procmap_tree(pid, &tree);
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ESRCH;
			return -1;
		}
	}
	rc = connview_take(v, pid ? tree : NULL, (size_t)n);
	free(tree);
	return rc;
}
