// SPDX-License-Identifier: BSD-3-Clause
/*
 * `mptcpshim conns`: which MPTCP connections a program holds and over
 * which paths, from the kernel (sock_diag) rather than from `ss` output.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "connview.h"
#include "libpath.h"
#include "output.h"
#include "procmap.h"
#include "shimenv.h"


/* How often `conns -- CMD` looks while CMD runs. */
#define CONNS_SAMPLE_NS 200000000L

static void usage(FILE *fp)
{
	out_usage(fp,
		"Usage: mptcpshim conns [--json] [--pid PID]\n"
		"       mptcpshim conns [--json] -- CMD [ARGS...]\n"
		"Lists MPTCP connections per process: token, addresses, state, "
		"fallback and bytes,\nand each subflow's addresses, interface, "
		"backup flag, state, RTT, cwnd, bytes\nand retransmits, from "
		"the kernel (sock_diag) and /proc/PID/fd.\n\n"
		"  -p, --pid PID  only PID and its descendants\n"
		"  -j, --json     print JSON (schema in mptcpshim(1))\n"
		"  -- CMD         run CMD with the shim (as 'run' does), watch "
		"it every 0.2 s\n"
		"                 and print the view with the most subflows "
		"once it exits\n"
		"\nWithout privileges it shows the caller's own processes and "
		"says what it could\nnot see (other users' processes; on "
		"kernels that show subflow tokens only\nwith CAP_NET_ADMIN, "
		"the subflows it could not tie to a connection).\n"
		"\nExit status: 0 listed, 1 sock_diag unavailable or PID not "
		"found, 2 usage;\nwith CMD, CMD's status.\n");
}

struct conns_opts {
	bool json;
	pid_t pid;
	char **command;
};

/* Shared with `top`: -p PID as a positive number. */
int conns_take_pid(const char *sub, const char *arg, void *to)
{
	pid_t *pid = to;
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || v <= 0 || v > INT_MAX) {
		cli_error(sub,
			  "argument \"%s\" is wrong: --pid takes a "
			  "process id",
			  arg);
		return -1;
	}
	*pid = (pid_t)v;
	return 0;
}

static int parse(int argc, char **argv, struct conns_opts *o)
{
	const struct cli_option options[] = {
		CLI_OPTION_JSON(&o->json),
		CLI_OPTION_TAKE("pid", 'p', conns_take_pid, &o->pid),
		CLI_OPTION_END,
	};
	int rc;

	memset(o, 0, sizeof(*o));
	rc = cli_parse_options(argc, argv, "conns", options,
			       CLI_OPTIONS_STOP_AT_OPERAND, usage);
	if (rc >= 0)
		return rc;
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--") != 0) {
			cli_error("conns",
				  "unexpected argument '%s' (a "
				  "command goes after --)",
				  argv[optind]);
			return CLI_USAGE;
		}
		o->command = argv + optind;
	} else if (optind > 1 && strcmp(argv[optind - 1], "--") == 0) {
		cli_error("conns", "missing command after --");
		return CLI_USAGE;
	}
	if (o->command && o->pid) {
		cli_error("conns", "--pid and -- CMD exclude each other");
		return CLI_USAGE;
	}
	return -1;
}

static void report_error(const char *sub, pid_t pid)
{
	if (errno == ESRCH)
		cli_error(sub, "no process %d", (int)pid);
	else
		cli_error(sub,
			  "cannot read the kernel's sockets "
			  "(sock_diag): %s",
			  strerror(errno));
}

static void print_view(const struct connview *v, bool json)
{
	struct out *out = out_new(stdout, json);

	if (!out)
		return;
	if (!v->nproc)
		out_text(out, "no MPTCP connections\n");
	connview_print(out, v);
	connview_print_notes(out, v);
	out_end(out);
}

static bool richer(const struct connview *a, const struct connview *b)
{
	size_t sa = connview_subflows(a), sb = connview_subflows(b);

	return sa != sb ? sa > sb
			: connview_connections(a) > connview_connections(b);
}

/* Runs command under the shim and prints its richest view. */
static int watch_command(char **command, bool json)
{
	char library[PATH_MAX];
	struct connview best = {0}, now;
	struct timespec pause = {0, CONNS_SAMPLE_NS};
	int status, rc;
	pid_t pid;

	if (libpath_find(library, sizeof(library)) != 0) {
		cli_error("conns", "cannot find libmptcpshim.so (set "
				   "MPTCPSHIM_LIBRARY, or reinstall)");
		return CLI_NOT_FOUND;
	}
	if (shimenv_apply("conns", false, NULL, command[0], library) != 0)
		return CLI_USAGE;
	pid = fork();
	if (pid < 0) {
		cli_error("conns", "fork: %s", strerror(errno));
		return CLI_CANNOT_RUN;
	}
	if (pid == 0) {
		execvp(command[0], command);
		cli_error("conns", "cannot run '%s': %s", command[0],
			  strerror(errno));
		_exit(errno == ENOENT ? CLI_NOT_FOUND : CLI_CANNOT_RUN);
	}
	signal(SIGINT, SIG_IGN);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			status = CLI_CANNOT_RUN << 8;
			break;
		}
		if (connview_take_tree(&now, pid) == 0) {
			if (richer(&now, &best)) {
				connview_free(&best);
				best = now;
			} else {
				connview_free(&now);
			}
		}
		nanosleep(&pause, NULL);
	}
	rc = cli_exit_code(status);
	print_view(&best, json);
	connview_free(&best);
	return rc;
}

int cmd_conns(int argc, char **argv)
{
	struct conns_opts o;
	struct connview v;
	int rc = parse(argc, argv, &o);

	if (rc >= 0)
		return rc;
	if (o.command)
		return watch_command(o.command, o.json);
	if (connview_take_tree(&v, o.pid) < 0) {
		report_error("conns", o.pid);
		return CLI_CHECK_FAILED;
	}
	print_view(&v, o.json);
	connview_free(&v);
	return CLI_OK;
}
