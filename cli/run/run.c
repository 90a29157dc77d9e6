// SPDX-License-Identifier: BSD-3-Clause
/* Running a command with the shim preloaded. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "envmerge.h"
#include "gcov_flush.h"
#include "gomptcp.h"
#include "libpath.h"
#include "output.h"
#include "route.h"
#include "run.h"
#include "runevents.h"
#include "runstats.h"
#include "shimenv.h"

static void run_usage(FILE *out, bool mptcpize)
{
	if (mptcpize) {
		out_usage(out, "Usage: mptcpize run [-d] CMD [ARGS...]\n");
		return;
	}
	out_usage(out,
		"Usage: mptcpshim run [-d|--debug] [-c FILE] [--stats [--json]"
		" [--stats-file FILE]] [--events]\n"
		"                     [--route=auto|preload|seccomp] [--] CMD "
		"[ARGS...]\n"
		"Runs CMD with libmptcpshim.so added to LD_PRELOAD and "
		"GODEBUG=multipathtcp=N\n(Go: 0 off, 1 both, 2 listen only, "
		"3 dial only, as the policy decides for CMD),\nso its TCP "
		"sockets use Multipath TCP where the policy allows.\n\n"
		"  -d, --debug        log each converted socket "
		"(MPTCPSHIM_LOG=debug)\n"
		"  -c, --config FILE  use FILE as the policy "
		"(MPTCPSHIM_CONFIG)\n"
		"      --stats        print per-process counts and MPTCP MIB "
		"deltas on exit\n"
		"      --events       report the path manager's events of "
		"CMD's connections\n"
		"                     (subflows established/closed, "
		"announcements; needs root)\n"
		"      --json         with --stats or --events: as JSON\n"
		"      --stats-file FILE  with --stats or --events: write the "
		"report to FILE\n"
		"      --route=R      auto (default): the preload library for "
		"dynamically\n"
		"                     linked programs, the seccomp route for "
		"static ones and\n"
		"                     Go before 1.21; preload or seccomp force "
		"one\n"
		"\nExit status: CMD's, 128+N if it was killed by signal N, "
		"127 if CMD was not found,\n126 if the seccomp route "
		"was asked for and cannot run here.\n");
}

static int take_route(const char *sub, const char *arg, void *to)
{
	if (route_parse(arg, to) != 0) {
		cli_error(sub, "--route: expected auto, preload or seccomp, "
			  "not '%s'", arg);
		return -1;
	}
	return 0;
}

static void usage_mptcpshim(FILE *out)
{
	run_usage(out, false);
}

static void usage_mptcpize(FILE *out)
{
	run_usage(out, true);
}

int run_parse(int argc, char **argv, bool mptcpize, struct run_options *opt,
	      bool *done)
{
	const struct cli_option options[] = {
		CLI_OPTION_FLAG("debug", 'd', &opt->debug),
		CLI_OPTION_CONFIG(&opt->config),
		CLI_OPTION_FLAG("stats", 0, &opt->stats),
		CLI_OPTION_FLAG("json", 0, &opt->json),
		CLI_OPTION_VALUE("stats-file", 0, &opt->stats_file),
		CLI_OPTION_TAKE("route", 0, take_route, &opt->route),
		CLI_OPTION_FLAG("events", 0, &opt->events),
		CLI_OPTION_END,
	};
	/* mptcpd's mptcpize knows -d only. */
	const struct cli_option mptcpize_options[] = {
		CLI_OPTION_FLAG(NULL, 'd', &opt->debug),
		CLI_OPTION_END,
	};
	void (*usage)(FILE *) = mptcpize ? usage_mptcpize : usage_mptcpshim;
	int rc;

	memset(opt, 0, sizeof(*opt));
	*done = false;
	/* Stop at CMD so its own options stay its own. */
	rc = cli_parse_options(argc, argv, "run",
			       mptcpize ? mptcpize_options : options,
			       CLI_OPTIONS_STOP_AT_OPERAND, usage);
	if (rc == CLI_OK)
		*done = true;
	if (rc >= 0)
		return rc;
	if ((opt->json || opt->stats_file) && !opt->stats && !opt->events) {
		cli_error("run", "--json and --stats-file need --stats or "
				 "--events");
		return CLI_USAGE;
	}
	if (optind >= argc) {
		cli_error("run", "missing command to run");
		usage(stderr);
		return CLI_USAGE;
	}
	opt->command = argv + optind;
	return CLI_OK;
}

int run_prepare_env(const struct run_options *opt, const char *library)
{
	return shimenv_apply("run", opt->debug, opt->config, opt->command[0],
			     library);
}

static int exec_command(char **command)
{
	execvp(command[0], command);
	cli_error("run", "cannot run '%s': %s", command[0], strerror(errno));
	return errno == ENOENT ? CLI_NOT_FOUND : CLI_CANNOT_RUN;
}

/*
 * With --stats the CLI stays as the command's parent. A SIGTERM or SIGHUP
 * (timeout(1), a closing terminal) goes on to the command, and the CLI
 * still reports and removes its private directory once the command exits.
 */
static volatile sig_atomic_t forward_pid;

static void forward_signal(int sig)
{
	int saved = errno;

	if (forward_pid > 0)
		kill(forward_pid, sig);
	errno = saved;
}

/* Blocked across fork(), so each side picks them up with its own action. */
static void forwarded_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

static void catch_forwarded(void)
{
	struct sigaction sa = { .sa_handler = forward_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int cmd_run(int argc, char **argv)
{
	bool mptcpize = strcmp(cli_program, "mptcpize") == 0;
	struct runstats_session stats;
	struct route_choice route;
	sigset_t forwarded, saved_mask;
	struct run_options opt;
	char library[PATH_MAX];
	int status;
	bool done;
	pid_t pid;
	int rc;

	cli_error_keep_off_sockets();
	rc = run_parse(argc, argv, mptcpize, &opt, &done);
	if (rc != CLI_OK || done)
		return rc;
	if (libpath_find(library, sizeof(library)) != 0) {
		cli_error("run", "cannot find libmptcpshim.so (set "
				 "MPTCPSHIM_LIBRARY, or reinstall)");
		return CLI_NOT_FOUND;
	}
	/* The route of a Go 1.21+ program depends on its policy. */
	if (shimenv_export_config("run", opt.config) != 0)
		return CLI_USAGE;
	route_choose(opt.command[0], opt.route, &route);
	if (run_prepare_env(&opt, route.seccomp ? NULL : library) != 0)
		return CLI_USAGE;
	if (!opt.stats && !opt.events) {
		rc = route_start(&route, opt.debug);
		return rc >= 0 ? rc : exec_command(opt.command);
	}

	if (opt.stats && runstats_begin(&stats) < 0)
		return CLI_CANNOT_RUN;
	route_stats_begin(&route);
	/* Before the fork, so that no event of the command is missed. */
	if (opt.events)
		runevents_start();
	forwarded_signals(&forwarded);
	sigprocmask(SIG_BLOCK, &forwarded, &saved_mask);
	catch_forwarded();
	pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		sigprocmask(SIG_SETMASK, &saved_mask, NULL);
		rc = route_start(&route, opt.debug);
		if (rc < 0)
			rc = exec_command(opt.command);
		gcov_flush();	/* the exec failed, or the route did */
		_exit(rc);
	}
	if (pid > 0)
		forward_pid = pid;
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	if (pid < 0) {
		cli_error("run", "fork: %s", strerror(errno));
		rc = CLI_CANNOT_RUN;
		goto report;
	}
	/* Like system(): the terminal's ^C is the child's to handle. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	for (;;) {
		if (waitpid(pid, &status, 0) == pid) {
			rc = cli_exit_code(status);
			break;
		}
		if (errno != EINTR) {
			rc = CLI_CANNOT_RUN;
			break;
		}
	}
report:
	route_stats_end(&route);
	if (opt.stats)
		runstats_end(&stats, &opt, rc);
	else
		runevents_report(&opt);
	return rc;
}
