// SPDX-License-Identifier: BSD-3-Clause
/*
 * The metric families of `mptcpshim metrics`. Names follow Prometheus'
 * conventions (snake_case, counters end in _total, units in the name) so
 * that `promtool check metrics` has nothing to say; a family whose source
 * cannot be read is left out and mptcpshim_collector_success says which.
 */
#include <ctype.h>
#include <ifaddrs.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blackhole.h"
#include "explain.h"
#include "metrics.h"
#include "mib.h"
#include "mib_glossary.h"
#include "output.h"
#include "pm.h"
#include "runstats_read.h"
#include "sockdiag.h"

#define METRIC_NAME_MAX 160

struct prom {
	FILE *fp;
	const char *netns;
};

static void family(struct prom *p, const char *name, const char *type,
		   const char *help)
{
	fprintf(p->fp, "# HELP %s ", name);
	out_prom_escaped(p->fp, help, false);
	fprintf(p->fp, "\n# TYPE %s %s\n", name, type);
}

/* name{netns="...",label="value"} value; label NULL: netns only. */
static void sample(struct prom *p, const char *name, const char *label,
		   const char *value_of_label, unsigned long long value)
{
	fprintf(p->fp, "%s{netns=\"", name);
	out_prom_escaped(p->fp, p->netns, true);
	fputc('"', p->fp);
	if (label) {
		fprintf(p->fp, ",%s=\"", label);
		out_prom_escaped(p->fp, value_of_label, true);
		fputc('"', p->fp);
	}
	fprintf(p->fp, "} %llu\n", value);
}

static void gauge(struct prom *p, const char *name, const char *help,
		  unsigned long long value)
{
	family(p, name, "gauge", help);
	sample(p, name, NULL, NULL, value);
}

void metrics_mib_name(const char *name, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "mptcp_mib_");

	/* A word starts at an upper-case letter after a lower-case one or
	 * a digit, and at the last capital of a run followed by lower case
	 * (MPJoinSynTx -> mp_join_syn_tx, MPTCPRetrans -> mptcp_retrans); a
	 * one-letter word joins the next (HMac -> hmac, not "h", which
	 * reads as hours). */
	size_t word = 0;

	for (size_t i = 0; name[i] && n + 2 < len; i++) {
		unsigned char c = (unsigned char)name[i];
		unsigned char prev = i ? (unsigned char)name[i - 1] : 0;
		unsigned char next = (unsigned char)name[i + 1];
		bool boundary = isupper(c) && i > 0 && word > 1 &&
				(islower(prev) || isdigit(prev) ||
				 (isupper(prev) && islower(next)));

		if (boundary) {
			buf[n++] = '_';
			word = 0;
		}
		buf[n++] = isalnum(c) ? (char)tolower(c) : '_';
		word++;
	}
	buf[n] = '\0';
	if (!mib_is_gauge(name) && n + 7 < len)
		strcat(buf, "_total");
}

static int write_mib(struct prom *p, const struct mib_set *mib)
{
	char name[METRIC_NAME_MAX], help[512];

	for (size_t i = 0; i < mib->n; i++) {
		const char *kname = mib->v[i].name;
		const char *meaning = mib_glossary_meaning(kname);
		bool is_gauge = mib_is_gauge(kname);

		metrics_mib_name(kname, name, sizeof(name));
		snprintf(help, sizeof(help), "MPTcpExt %s: %s", kname,
			 meaning ? meaning :
				   "no description in this mptcpshim version");
		family(p, name, is_gauge ? "gauge" : "counter", help);
		sample(p, name, NULL, NULL, mib->v[i].value);
	}
	return 0;
}

static void write_sysctls(struct prom *p, const struct explain_sysctl *s)
{
	if (s->enabled >= 0)
		gauge(p, "mptcp_enabled",
		      "net.mptcp.enabled: 1 when MPTCP sockets can be created",
		      (unsigned long long)s->enabled);
	if (s->path_manager[0] || s->pm_type >= 0) {
		const char *pm = s->path_manager[0] ? s->path_manager :
				 s->pm_type == 1 ? "userspace" : "kernel";

		family(p, "mptcp_path_manager_info", "gauge",
		       "The path manager selected (net.mptcp.path_manager, "
		       "or pm_type before 6.15): always 1");
		sample(p, "mptcp_path_manager_info", "path_manager", pm, 1);
	}
	if (s->syn_retrans_before_tcp_fallback >= 0)
		gauge(p, "mptcp_syn_retrans_before_tcp_fallback",
		      "net.mptcp.syn_retrans_before_tcp_fallback: SYN "
		      "retransmissions with MPTCP options before plain TCP",
		      (unsigned long long)s->syn_retrans_before_tcp_fallback);
	if (s->stale_loss_cnt >= 0)
		gauge(p, "mptcp_stale_loss_cnt",
		      "net.mptcp.stale_loss_cnt: retransmission timeouts "
		      "without progress before a subflow is stale",
		      (unsigned long long)s->stale_loss_cnt);
}

static void write_blackhole(struct prom *p, const struct blackhole *bh)
{
	const struct blackhole b = *bh;

	if (b.state == BLACKHOLE_UNSUPPORTED)
		return;
	gauge(p, "mptcp_blackhole_timeout_seconds",
	      "net.mptcp.blackhole_timeout: how long outgoing MPTCP stays "
	      "off after a blackhole (0: detection off)",
	      (unsigned long long)b.timeout);
	if (b.state == BLACKHOLE_UNKNOWN)
		return;
	gauge(p, "mptcp_blackhole_active",
	      "1 while outgoing connections skip MPTCP after a detected "
	      "firewall blackhole (probed when Blackhole > 0)",
	      b.state == BLACKHOLE_ACTIVE);
	if (b.max_period > 0)
		gauge(p, "mptcp_blackhole_max_period_seconds",
		      "The longest the current blackhole period can last: "
		      "blackhole_timeout x 2^(detections-1), at most 64x",
		      (unsigned long long)b.max_period);
}

static void write_pm(struct prom *p, const struct pm_state *pm)
{
	static const unsigned flags[] = {
		PM_FLAG_SIGNAL, PM_FLAG_SUBFLOW, PM_FLAG_BACKUP,
		PM_FLAG_FULLMESH, PM_FLAG_IMPLICIT, PM_FLAG_LAMINAR,
	};

	gauge(p, "mptcp_endpoints", "Path-manager endpoints configured",
	      pm->n);
	family(p, "mptcp_endpoints_flagged", "gauge",
	       "Path-manager endpoints carrying each flag");
	for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
		const char *name;
		size_t count = 0;

		if (pm_flag_names(flags[f], &name, 1) != 1)
			continue;
		for (size_t i = 0; i < pm->n; i++)
			count += (pm->ep[i].flags & flags[f]) != 0;
		sample(p, "mptcp_endpoints_flagged", "flag", name, count);
	}
	if (!pm->limits_known)
		return;
	gauge(p, "mptcp_limit_subflows",
	      "Path-manager limit: extra subflows per connection",
	      pm->subflows);
	gauge(p, "mptcp_limit_add_addr_accepted",
	      "Path-manager limit: announced addresses used per connection",
	      pm->add_addr_accepted);
}

struct iface_total {
	char name[IF_NAMESIZE];
	unsigned long long subflows, sent, received;
};

static struct iface_total *iface_slot(struct iface_total *t, size_t *n,
				      const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	snprintf(t[*n].name, sizeof(t[*n].name), "%s", name);
	return &t[(*n)++];
}

/* The connections by token, for the subflows' join (a server may hold
 * a hundred thousand of each: no scan per subflow). */
struct conn_token {
	uint32_t token;
	bool established;
};

static int by_token(const void *a, const void *b)
{
	uint32_t x = ((const struct conn_token *)a)->token;
	uint32_t y = ((const struct conn_token *)b)->token;

	return x < y ? -1 : x > y;
}

static struct conn_token *conn_tokens(const struct sockdiag_snapshot *snap,
				      size_t *n)
{
	struct conn_token *v = calloc(snap->nconns + 1, sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < snap->nconns; i++)
		if (snap->conns[i].info_known) {
			v[*n].token = snap->conns[i].token;
			v[(*n)++].established =
				snap->conns[i].state == TCP_ESTABLISHED;
		}
	qsort(v, *n, sizeof(*v), by_token);
	return v;
}

/* An established subflow of an established connection: a connection
 * closed with data unread lingers (FIN-WAIT-2) with its subflows still
 * established. Without the tokens (unprivileged) only the subflow's own
 * state is known. */
static bool subflow_in_use(const struct conn_token *tokens, size_t ntokens,
			   const struct sockdiag_subflow *sf)
{
	struct conn_token key = { .token = sf->token_loc };
	const struct conn_token *c;

	if (sf->state != TCP_ESTABLISHED)
		return false;
	if (!sf->token_known || !tokens)
		return true;
	c = bsearch(&key, tokens, ntokens, sizeof(*tokens), by_token);
	return !c || c->established;
}

static void write_sockdiag(struct prom *p, const struct sockdiag_snapshot *snap)
{
	struct ifaddrs *ifa = NULL;
	struct iface_total *t;
	unsigned long long fallback = 0, established = 0;
	struct conn_token *tokens;
	size_t n = 0, ntokens;

	/* Established only: connections and subflows that are closing
	 * linger for a while and would blur "what is in use now". */
	for (size_t i = 0; i < snap->nconns; i++) {
		if (snap->conns[i].state != TCP_ESTABLISHED)
			continue;
		established++;
		fallback += snap->conns[i].fallback;
	}
	gauge(p, "mptcp_connections",
	      "MPTCP connections established now", established);
	gauge(p, "mptcp_connections_fallback",
	      "Established MPTCP connections running as plain TCP "
	      "(fallback)", fallback);
	t = calloc(snap->nsubflows + 1, sizeof(*t));
	if (!t)
		return;
	if (getifaddrs(&ifa) < 0)
		ifa = NULL;
	tokens = conn_tokens(snap, &ntokens);
	for (size_t i = 0; i < snap->nsubflows; i++) {
		const struct sockdiag_subflow *sf = &snap->subflows[i];
		char name[IF_NAMESIZE] = "";
		struct iface_total *slot;

		if (!subflow_in_use(tokens, ntokens, sf))
			continue;
		if (ifa)
			pm_interface_holding(ifa, sf->local.family,
					     sf->local.addr, name);
		slot = iface_slot(t, &n, name[0] ? name : "none");
		slot->subflows++;
		if (sf->info_known) {
			slot->sent += sf->bytes_acked;
			slot->received += sf->bytes_received;
		}
	}
	free(tokens);
	if (ifa)
		freeifaddrs(ifa);
	family(p, "mptcp_interface_subflows", "gauge",
	       "MPTCP subflows established now, by the interface holding "
	       "their local address (none: no interface does)");
	for (size_t i = 0; i < n; i++)
		sample(p, "mptcp_interface_subflows", "interface", t[i].name,
		       t[i].subflows);
	family(p, "mptcp_interface_subflow_sent_bytes", "gauge",
	       "Bytes acknowledged by the peer on the subflows established "
	       "now, by interface (falls when subflows close)");
	for (size_t i = 0; i < n; i++)
		sample(p, "mptcp_interface_subflow_sent_bytes", "interface",
		       t[i].name, t[i].sent);
	family(p, "mptcp_interface_subflow_received_bytes", "gauge",
	       "Bytes received on the subflows established now, by "
	       "interface (falls when subflows close)");
	for (size_t i = 0; i < n; i++)
		sample(p, "mptcp_interface_subflow_received_bytes",
		       "interface", t[i].name, t[i].received);
	free(t);
}

/* The shim's records, summed per program (a pid label would make a
 * series per process: unbounded). */
static int write_stats(struct prom *p, const char *dir)
{
	static const struct {
		const char *name, *help;
		size_t offset;
	} fields[] = {
#define F(field, help) \
	{ "mptcpshim_program_" #field "_total", help, \
	  offsetof(struct runstats_proc, field) }
		F(sockets, "TCP sockets the shim saw created"),
		F(converted, "Sockets the shim created as MPTCP"),
		F(kept_tcp, "Sockets the policy left TCP"),
		F(creation_fallbacks, "MPTCP sockets the kernel refused "
				      "(created as TCP instead)"),
		F(connect_mptcp, "Connections made that run MPTCP"),
		F(connect_fallback, "Connections made that fell back to TCP"),
		F(accept_mptcp, "Connections accepted that run MPTCP"),
		F(accept_tcp, "Connections accepted that run TCP"),
#undef F
	};
	struct runstats rs = { 0 };
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/records", dir);
	fp = fopen(path, "re");
	if (!fp)
		return -1;
	if (runstats_parse(fp, &rs) < 0) {
		fclose(fp);
		runstats_free(&rs);
		return -1;
	}
	fclose(fp);
	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		family(p, fields[f].name, "counter", fields[f].help);
		for (size_t i = 0; i < rs.n; i++) {
			unsigned long long sum = 0;
			bool seen = false;

			/* Each program once, at its first process. */
			for (size_t j = 0; j < i && !seen; j++)
				seen = strcmp(rs.p[j].program,
					      rs.p[i].program) == 0;
			if (seen)
				continue;
			for (size_t j = i; j < rs.n; j++)
				if (strcmp(rs.p[j].program,
					   rs.p[i].program) == 0)
					sum += *(const unsigned long *)
						((const char *)&rs.p[j] +
						 fields[f].offset);
			sample(p, fields[f].name, "program", rs.p[i].program,
			       sum);
		}
	}
	runstats_free(&rs);
	return 0;
}

int metrics_write(FILE *fp, const struct metrics_options *o)
{
	struct prom p = { .fp = fp, .netns = o->netns_label };
	struct explain_sysctl sys;
	struct sockdiag_snapshot snap = { 0 };
	struct mib_set mib = { 0 };
	struct pm_state pm;
	struct blackhole b;
	bool have_mib, have_pm, have_sd, have_stats = false;

	explain_sysctl_read(EXPLAIN_SYSCTL_DIR, &sys);
	/* The probe first, so that the counters include its own SYN. */
	have_mib = mib_read(MIB_NETSTAT, &mib) == 0;
	if (have_mib) {
		blackhole_read(&sys, &mib, o->probe_blackhole, &b);
		if (b.probed) {
			mib_free(&mib);
			have_mib = mib_read(MIB_NETSTAT, &mib) == 0;
		}
	}
	if (have_mib) {
		write_mib(&p, &mib);
		write_blackhole(&p, &b);
	}
	write_sysctls(&p, &sys);
	have_pm = pm_fetch(&pm) == 0;
	if (have_pm) {
		write_pm(&p, &pm);
		pm_state_free(&pm);
	}
	have_sd = sockdiag_snapshot_take(&snap) == 0;
	if (have_sd) {
		write_sockdiag(&p, &snap);
		sockdiag_snapshot_free(&snap);
	}
	if (o->stats_dir)
		have_stats = write_stats(&p, o->stats_dir) == 0;
	family(&p, "mptcpshim_collector_success", "gauge",
	       "1 when mptcpshim could read the source (mib: /proc/net/"
	       "netstat, sysctl: /proc/sys/net/mptcp, pm: the mptcp_pm "
	       "netlink family, sockdiag, stats: the --stats directory)");
	sample(&p, "mptcpshim_collector_success", "collector", "mib",
	       have_mib);
	sample(&p, "mptcpshim_collector_success", "collector", "sysctl",
	       sys.present);
	sample(&p, "mptcpshim_collector_success", "collector", "pm", have_pm);
	sample(&p, "mptcpshim_collector_success", "collector", "sockdiag",
	       have_sd);
	if (o->stats_dir)
		sample(&p, "mptcpshim_collector_success", "collector",
		       "stats", have_stats);
	mib_free(&mib);
	return have_mib ? 0 : 1;
}
