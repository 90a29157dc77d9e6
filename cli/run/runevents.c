// SPDX-License-Identifier: BSD-3-Clause
/*
 * The path manager's events of one command's connections. Events carry a
 * token but no pid, so a token is tied to the command when sock_diag shows
 * an MPTCP socket with that token whose inode is in the fd table of the
 * CLI's process tree (the command and its children). A server-side socket
 * that is not yet accepted has no inode: it stays pending until it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/mptcp.h>

#include "cli.h"
#include "diag_compat.h"
#include "pm.h"
#include "pm_events.h"
#include "procmap.h"
#include "runevents.h"
#include "sockdiag.h"

/* How often pending tokens are looked up again, and fallbacks checked. */
#define RESOLVE_MS 250

enum owner { OWNER_PENDING, OWNER_US, OWNER_OTHER };

struct token_state {
	uint32_t token;
	enum owner owner;
	bool closed;
	bool fallback_seen;
};

static struct {
	struct pm_listener *l;
	pthread_t thread;
	bool running;
	int stop[2];
	double t0;
	struct pm_event *ev;
	size_t nev;
	struct token_state *tok;
	size_t ntok;
	bool lost;
	size_t unmatched;
} R = {.stop = {-1, -1}};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct token_state *token_state(uint32_t token)
{
	struct token_state *t;

	for (size_t i = 0; i < R.ntok; i++)
		if (R.tok[i].token == token)
			return &R.tok[i];
	t = realloc(R.tok, (R.ntok + 1) * sizeof(*t));
	if (!t)
		return NULL;
	R.tok = t;
	t = &R.tok[R.ntok++];
	memset(t, 0, sizeof(*t));
	t->token = token;
	return t;
}

static void keep(const struct pm_event *ev)
{
	struct pm_event *grown = realloc(R.ev, (R.nev + 1) * sizeof(*grown));

	if (!grown)
		return;
	R.ev = grown;
	R.ev[R.nev] = *ev;
	R.ev[R.nev].time = now_seconds() - R.t0;
	R.nev++;
}

static void on_event(const struct pm_event *ev, void *data)
{
	struct token_state *t;

	(void)data;
	if (ev->type == PM_EVENT_LISTENER_CREATED ||
	    ev->type == PM_EVENT_LISTENER_CLOSED)
		return;
	t = token_state(ev->token);
	if (t && ev->type == MPTCP_EVENT_CLOSED)
		t->closed = true;
	keep(ev);
}

static bool any_to_check(void)
{
	for (size_t i = 0; i < R.ntok; i++)
		if (R.tok[i].owner == OWNER_PENDING ||
		    (R.tok[i].owner == OWNER_US && !R.tok[i].closed &&
		     !R.tok[i].fallback_seen))
			return true;
	return false;
}

static const struct sockdiag_conn *conn_with(const struct sockdiag_snapshot *s,
				       uint32_t token)
{
	for (size_t i = 0; i < s->nconns; i++)
		if (s->conns[i].info_known && s->conns[i].token == token)
			return &s->conns[i];
	return NULL;
}

/* Ties pending tokens to an owner; notes fallbacks of ours. */
static void resolve(void)
{
	struct sockdiag_snapshot snap;
	struct procmap map;
	pid_t *tree;
	ssize_t n;

	if (!any_to_check() || sockdiag_snapshot_conns(&snap) < 0)
		return;
	n = procmap_tree(getpid(), &tree);
	if (n <= 0 || procmap_build(&map, tree, (size_t)n) < 0) {
		free(tree);
		sockdiag_snapshot_free(&snap);
		return;
	}
	for (size_t i = 0; i < R.ntok; i++) {
		struct token_state *t = &R.tok[i];
		const struct sockdiag_conn *c = conn_with(&snap, t->token);

		if (!c)
			continue;
		if (t->owner == OWNER_PENDING && c->inode)
			t->owner = procmap_find(&map, c->inode) >= 0
				       ? OWNER_US
				       : OWNER_OTHER;
		if (t->owner == OWNER_US && c->fallback && !t->fallback_seen) {
			struct pm_event ev = {
			    .type = PM_EVENT_FALLBACK,
			    .token = t->token,
			    .loc_id = -1,
			    .rem_id = -1,
			    .backup = -1,
			    .error = -1,
			    .server_side = -1,
			};

			t->fallback_seen = true;
			keep(&ev);
		}
	}
	procmap_free(&map);
	free(tree);
	sockdiag_snapshot_free(&snap);
}

static void drain(void)
{
	if (pm_listener_read(R.l, on_event, NULL) < 0 && errno == ENOBUFS)
		R.lost = true;
}

static void *listen_thread(void *arg)
{
	struct pollfd pfd[2] = {
	    {.fd = pm_listener_fd(R.l), .events = POLLIN},
	    {.fd = R.stop[0], .events = POLLIN},
	};
	double last = 0;

	(void)arg;
	for (;;) {
		int rc = poll(pfd, 2, RESOLVE_MS);
		size_t before = R.nev;

		if (rc > 0 && (pfd[0].revents & POLLIN))
			drain();
		/* New events: look their tokens up while the sockets live. */
		if (R.nev != before ||
		    now_seconds() - last >= RESOLVE_MS / 1e3) {
			resolve();
			last = now_seconds();
		}
		if (rc > 0 && (pfd[1].revents & POLLIN))
			break;
	}
	/* The command has exited: what its closing sockets sent is queued. */
	drain();
	return NULL;
}

int runevents_start(void)
{
	R.t0 = now_seconds();
	R.l = pm_listener_open();
	if (!R.l) {
		if (errno == EPERM || errno == EACCES)
			cli_error("run", "--events: listening to path-manager "
					 "events needs CAP_NET_ADMIN (run as "
					 "root); running without them");
		else
			cli_error("run",
				  "--events: cannot listen to the path "
				  "manager's events: %s; running "
				  "without them",
				  strerror(errno));
		return -1;
	}
	if (pipe2(R.stop, O_CLOEXEC) < 0 ||
	    pthread_create(&R.thread, NULL, listen_thread, NULL) != 0) {
		cli_error("run", "--events: cannot start the listener");
		pm_listener_close(R.l);
		R.l = NULL;
		return -1;
	}
	R.running = true;
	return 0;
}

void runevents_stop(void)
{
	if (!R.running)
		return;
	if (write(R.stop[1], "x", 1) != 1)
		pthread_cancel(R.thread);
	pthread_join(R.thread, NULL);
	R.running = false;
	close(R.stop[0]);
	close(R.stop[1]);
	pm_listener_close(R.l);
	R.l = NULL;
}

static enum owner owner_of(uint32_t token)
{
	for (size_t i = 0; i < R.ntok; i++)
		if (R.tok[i].token == token)
			return R.tok[i].owner;
	return OWNER_PENDING;
}

void runevents_print(struct out *out)
{
	struct ifaddrs *list = NULL;
	size_t shown = 0;

	runevents_stop();
	for (size_t i = 0; i < R.nev; i++)
		shown += owner_of(R.ev[i].token) == OWNER_US;
	out_text(out,
		 "path-manager events of the command's connections: "
		 "%zu\n",
		 shown);
	if (getifaddrs(&list) < 0)
		list = NULL;
	out_array_open(out, "events");
	for (size_t i = 0; i < R.nev; i++)
		if (owner_of(R.ev[i].token) == OWNER_US)
			pm_event_print(out, &R.ev[i], list);
	out_array_close(out);
	if (list)
		freeifaddrs(list);
	R.unmatched = 0;
	for (size_t i = 0; i < R.nev; i++)
		R.unmatched += owner_of(R.ev[i].token) == OWNER_PENDING;
	out_uint(out, "events_unmatched",
		 R.unmatched
		     ? "  (%llu events of connections that could not be "
		       "tied to a process were left out)\n"
		     : NULL,
		 R.unmatched);
	out_bool(out, "events_lost",
		 R.lost ? "  (events were lost: the listener fell behind)\n"
			: NULL,
		 R.lost);
}

int runevents_report(const struct run_options *opt)
{
	struct cli_report report;
	FILE *dest;
	struct out *out;
	int rc = 0;

	runevents_stop();
	if (opt->stats_file) {
		dest = fopen(opt->stats_file, "we");
		if (!dest) {
			cli_error("run", "cannot write '%s': %s",
				  opt->stats_file, strerror(errno));
			return -1;
		}
	} else if (!(dest = cli_report_begin(&report))) {
		/* Never into a socket at fd 2: the system log, or nothing. */
		return -1;
	}
	out = out_new(dest, opt->json);
	if (out) {
		runevents_print(out);
		out_end(out);
	}
	if (opt->stats_file ? fclose(dest) != 0 :
			      cli_report_end(&report, "run") != 0)
		rc = -1;
	return rc;
}
