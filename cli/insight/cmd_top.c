// SPDX-License-Identifier: BSD-3-Clause
/*
 * `mptcpshim top`: `conns`, live. Every refresh is one sock_diag snapshot
 * and one /proc scan; rates are byte-count differences between two. The
 * terminal is put back as it was on every way out (q, Ctrl-C, SIGTERM,
 * SIGHUP), and the table is cut, never wrapped, on a narrow terminal.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "connview.h"
#include "output.h"

#define TOP_LINE_MAX 512

static void usage(FILE *fp)
{
	out_usage(fp,
		"Usage: mptcpshim top [--pid PID] [--interval S] [--once "
		"[--json]]\n"
		"Shows 'conns' live: every MPTCP connection and its subflows "
		"with their\nthroughput since the last refresh, and a total "
		"per interface. q or Ctrl-C quits.\n\n"
		"  -p, --pid PID       only PID and its descendants\n"
		"  -i, --interval S    seconds between refreshes (default 1)\n"
		"      --once          print one sample (two snapshots S "
		"apart) and exit\n"
		"  -j, --json          with --once: as JSON (schema in "
		"mptcpshim(1))\n"
		"\nExit status: 0 ok, 1 sock_diag unavailable or PID not "
		"found, 2 usage\n(also when the interactive view has no "
		"terminal).\n");
}

struct top_opts {
	pid_t pid;
	double interval;
	bool once, json;
};

static int take_interval(const char *sub, const char *arg, void *to)
{
	/* The shared reader allows 0 seconds, which would make top spin. */
	if (cli_take_seconds(sub, arg, to) < 0)
		return -1;
	if (*(double *)to > 0)
		return 0;
	cli_error(sub,
		  "argument \"%s\" is wrong: --interval takes seconds, more "
		  "than 0 and at most 3600",
		  arg);
	return -1;
}

static int parse(int argc, char **argv, struct top_opts *o)
{
	const struct cli_option options[] = {
		CLI_OPTION_TAKE("pid", 'p', conns_take_pid, &o->pid),
		CLI_OPTION_TAKE("interval", 'i', take_interval, &o->interval),
		CLI_OPTION_FLAG("once", 0, &o->once),
		CLI_OPTION_JSON(&o->json),
		CLI_OPTION_END,
	};
	int rc;

	memset(o, 0, sizeof(*o));
	o->interval = 1;
	rc = cli_parse_options(argc, argv, "top", options,
			       CLI_OPTIONS_NO_OPERANDS, usage);
	if (rc >= 0)
		return rc;
	if (o->json && !o->once) {
		cli_error("top", "--json needs --once (the live view is for "
				 "a terminal)");
		return CLI_USAGE;
	}
	return -1;
}

static void sleep_seconds(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int take(struct connview *v, pid_t pid)
{
	if (connview_take_tree(v, pid) == 0)
		return 0;
	if (errno == ESRCH)
		cli_error("top", "no process %d", (int)pid);
	else
		cli_error("top",
			  "cannot read the kernel's sockets "
			  "(sock_diag): %s",
			  strerror(errno));
	return -1;
}

static int run_once(const struct top_opts *o)
{
	struct connview before, after;
	struct out *out;

	if (take(&before, o->pid) < 0)
		return CLI_CHECK_FAILED;
	sleep_seconds(o->interval);
	if (take(&after, o->pid) < 0) {
		connview_free(&before);
		return CLI_CHECK_FAILED;
	}
	connview_rates(&after, &before);
	out = out_new(stdout, o->json);
	if (out) {
		if (!after.nproc)
			out_text(out, "no MPTCP connections\n");
		connview_print(out, &after);
		connview_print_notes(out, &after);
		out_end(out);
	}
	connview_free(&before);
	connview_free(&after);
	return CLI_OK;
}

/* The live view: terminal state and the flags the signals set. */
static struct termios saved_tio;
static bool tio_saved;
static volatile sig_atomic_t quit_flag, resized_flag;

static void on_quit(int sig)
{
	(void)sig;
	quit_flag = 1;
}

static void on_winch(int sig)
{
	(void)sig;
	resized_flag = 1;
}

static void restore_terminal(void)
{
	if (tio_saved) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
		tio_saved = false;
	}
}

static void raw_terminal(void)
{
	struct termios tio;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return;
	tio_saved = true;
	tio = saved_tio;
	/* Keys arrive one by one, unechoed; ISIG stays so ^C is SIGINT. */
	tio.c_lflag &= ~(ICANON | ECHO);
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &tio);
}

static void catch_signals(void)
{
	struct sigaction sa = {.sa_handler = on_quit};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
}

static void terminal_size(int *cols, int *rows)
{
	struct winsize ws;

	*cols = 80;
	*rows = 24;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		*cols = ws.ws_col;
		*rows = ws.ws_row > 2 ? ws.ws_row : 2;
	}
}

struct frame {
	int cols, rows, used;
};

__attribute__((format(printf, 2, 3))) static void line(struct frame *f,
						       const char *fmt, ...)
{
	char buf[TOP_LINE_MAX];
	va_list ap;

	/* The last row stays empty: a newline there would scroll. */
	if (f->used >= f->rows - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	out_screen_line(stdout, f->cols, buf);
	f->used++;
}

static const char *rate_text(bool known, double v, char *buf, size_t len)
{
	if (!known)
		return "-";
	connview_human(v, buf, len);
	return buf;
}

static void endpoint_text(const struct sockdiag_endpoint *e, char *buf,
			  size_t len)
{
	snprintf(buf, len, e->family == AF_INET6 ? "[%s]:%u" : "%s:%u", e->addr,
		 e->port);
}

static void draw_subflow(struct frame *f, const struct cv_subflow *sub)
{
	const struct sockdiag_subflow *sf = sub->sf;
	char l[64], r[64], tx[16], rx[16];

	endpoint_text(&sf->local, l, sizeof(l));
	endpoint_text(&sf->remote, r, sizeof(r));
	line(f, "    %-26s %-26s %-8s %-3s %-10s %7.2f %5u %8s %8s %6u", l, r,
	     sub->ifname[0] ? sub->ifname : "-", sub->backup ? "bk" : "",
	     sockdiag_state_name(sf->state), sf->rtt_us / 1000.0, sf->cwnd,
	     rate_text(sub->rate_known, sub->tx_rate, tx, sizeof(tx)),
	     rate_text(sub->rate_known, sub->rx_rate, rx, sizeof(rx)),
	     sf->total_retrans);
}

static void draw(const struct connview *v, const struct top_opts *o)
{
	struct frame f;
	char tx[16], rx[16];

	terminal_size(&f.cols, &f.rows);
	f.used = 0;
	out_screen_frame(stdout);
	line(&f,
	     "mptcpshim top: %zu connection(s), %zu subflow(s), every "
	     "%gs (q quits)",
	     connview_connections(v), connview_subflows(v), o->interval);
	if (v->niface) {
		line(&f, "%-12s %8s %10s %10s", "INTERFACE", "SUBFLOWS", "TX B/s",
		     "RX B/s");
		for (size_t i = 0; i < v->niface; i++)
			line(&f, "%-12s %8zu %10s %10s", v->iface[i].name,
			     v->iface[i].subflows,
			     rate_text(true, v->iface[i].tx_rate, tx,
				       sizeof(tx)),
			     rate_text(true, v->iface[i].rx_rate, rx,
				       sizeof(rx)));
	}
	line(&f, "%s", "");
	line(&f, "    %-26s %-26s %-8s %-3s %-10s %7s %5s %8s %8s %6s", "LOCAL",
	     "REMOTE", "DEV", "", "STATE", "RTT(ms)", "CWND", "TX B/s", "RX B/s",
	     "RETR");
	for (size_t p = 0; p < v->nproc; p++) {
		const struct cv_proc *proc = &v->proc[p];

		for (size_t c = 0; c < proc->nconn; c++) {
			const struct cv_conn *cc = &proc->conn[c];

			line(&f, "%d %s  token %08x %s%s", (int)proc->pid,
			     proc->name, cc->c->token,
			     sockdiag_state_name(cc->c->state),
			     cc->c->fallback ? " fallback-to-TCP" : "");
			for (size_t s = 0; s < cc->nsub; s++)
				draw_subflow(&f, &cc->sub[s]);
		}
	}
	if (!v->nproc)
		line(&f, "no MPTCP connections");
	if (v->unreadable || v->snap.tokenless_subflows)
		line(&f,
		     "(%zu processes unreadable, %zu subflows without a "
		     "visible token: run as root to see all)",
		     v->unreadable, v->snap.tokenless_subflows);
	out_screen_flush(stdout);
}

/* Waits up to seconds for a key; true when it asks to quit. */
static bool wait_key(double seconds)
{
	struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
	int rc = poll(&pfd, 1, (int)(seconds * 1000));
	char c;

	if (rc <= 0 || !(pfd.revents & (POLLIN | POLLHUP)))
		return false;
	if (read(STDIN_FILENO, &c, 1) != 1) {
		/* End of input: keep refreshing until a signal, but do not
		 * spin on a closed stdin. */
		sleep_seconds(seconds);
		return false;
	}
	return c == 'q' || c == 'Q' || c == 3;
}

static int run_live(const struct top_opts *o)
{
	struct connview prev, now;
	int rc = CLI_OK, saved_errno = 0;
	bool exited = false;

	if (!isatty(STDOUT_FILENO)) {
		cli_error("top", "standard output is not a terminal: use "
				 "--once (with --json for scripts)");
		return CLI_USAGE;
	}
	if (take(&prev, o->pid) < 0)
		return CLI_CHECK_FAILED;
	catch_signals();
	raw_terminal();
	atexit(restore_terminal);
	out_screen_begin(stdout);
	draw(&prev, o);
	while (!quit_flag) {
		if (wait_key(o->interval))
			break;
		if (quit_flag)
			break;
		if (resized_flag && !quit_flag) {
			resized_flag = 0;
			draw(&prev, o);
			continue;
		}
		if (connview_take_tree(&now, o->pid) < 0) {
			/* The watched process exiting ends the view. */
			saved_errno = errno;
			exited = saved_errno == ESRCH;
			rc = exited ? CLI_OK : CLI_CHECK_FAILED;
			break;
		}
		connview_rates(&now, &prev);
		connview_free(&prev);
		prev = now;
		draw(&prev, o);
	}
	out_screen_end(stdout);
	restore_terminal();
	connview_free(&prev);
	if (rc != CLI_OK)
		cli_error("top", "cannot read the kernel's sockets: %s",
			  strerror(saved_errno));
	else if (exited)
		cli_error("top", "process %d has exited", (int)o->pid);
	return rc;
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o;
	int rc = parse(argc, argv, &o);

	if (rc >= 0)
		return rc;
	return o.once ? run_once(&o) : run_live(&o);
}
