/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The view `conns` and `top` print: processes -> their MPTCP connections
 * -> their subflows, built from one sock_diag snapshot and /proc, with the
 * interface of each subflow and (for top) its throughput since the last
 * view.
 */
#ifndef MPTCPSHIM_CONNVIEW_H
#define MPTCPSHIM_CONNVIEW_H

#include <net/if.h>
#include <stdbool.h>
#include <sys/types.h>

#include "output.h"
#include "sockdiag.h"

struct cv_subflow {
	const struct sockdiag_subflow *sf;
	char ifname[IF_NAMESIZE]; /* "" if no interface holds it */
	bool backup;
	bool rate_known;
	double tx_rate, rx_rate; /* bytes per second */
};

struct cv_conn {
	const struct sockdiag_conn *c;
	struct cv_subflow *sub;
	size_t nsub;
};

struct cv_proc {
	pid_t pid;
	char name[64];
	struct cv_conn *conn;
	size_t nconn;
};

struct cv_iface {
	char name[IF_NAMESIZE];
	double tx_rate, rx_rate;
	size_t subflows;
};

struct connview {
	struct sockdiag_snapshot snap;
	struct cv_proc *proc;
	size_t nproc;
	size_t unowned;		/* connections no visible process holds */
	size_t unreadable;	/* processes whose fds were unreadable */
	double taken_at;	/* CLOCK_MONOTONIC seconds */
	double interval;	/* of the rates; 0: none */
	struct cv_iface *iface; /* totals, when rates are known */
	size_t niface;
};

/*
 * Takes a view of pids[0..npids) (NULL: every process). Returns 0, or -1
 * with errno set (sock_diag unavailable, no memory).
 */
int connview_take(struct connview *v, const pid_t *pids, size_t npids);

/* The view of pid and its descendants, or of everything (pid 0);
 * errno ESRCH when pid does not exist. */
int connview_take_tree(struct connview *v, pid_t pid);

/* Rates of v's subflows from the byte counts in prev (taken earlier). */
void connview_rates(struct connview *v, const struct connview *prev);

void connview_free(struct connview *v);

/* Connections and subflows in total. */
size_t connview_connections(const struct connview *v);
size_t connview_subflows(const struct connview *v);

/*
 * The JSON document of `conns` (and of `top --once`), or the text of
 * `conns`: processes[] -> connections[] -> subflows[], rates when known.
 */
void connview_print(struct out *out, const struct connview *v);

/* What the view could not show, as one sentence per problem (text). */
void connview_print_notes(struct out *out, const struct connview *v);

/* "1.2M" style for bytes or rates. */
void connview_human(double value, char *buf, size_t len);

/* `conns` and `top`: takes --pid's argument into the pid_t at to, or says
 * why not (-1); a cli_option take function. */
int conns_take_pid(const char *sub, const char *arg, void *to);

#endif
