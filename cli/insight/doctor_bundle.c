// SPDX-License-Identifier: BSD-3-Clause
/*
 * The bundle is built in a private temporary directory (0700): the
 * CLI's own reports are produced by running its commands in children
 * whose output goes to a file, the reproduction runs while the path
 * manager's events and the counters are recorded, every file is passed
 * through the address redactor, and tar(1) packs the directory.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/mptcp.h>

#include "build_config.h"
#include "cli.h"
#include "bundle_files.h"
#include "doctor_bundle.h"
#include "mib.h"
#include "output.h"
#include "pm_events.h"
#include "redact.h"

#define MAX_EVENTS 4096

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs argv with stdout and stderr into name: a mptcpshim command (ours:
 * this very program, /proc/self/exe, in a process of its own) or a tool
 * from PATH. Tools get an empty environment: nothing of the user's reaches
 * a file by way of a tool that prints it. */
static void run_into(const struct bundle *b, const char *name, bool ours,
		     char **argv)
{
	static char *const empty_env[] = {
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL
	};
	char path[PATH_MAX], *self[16] = { "mptcpshim" };
	pid_t pid;
	int fd, status;

	snprintf(path, sizeof(path), "%s/%s", b->dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return;
	for (size_t i = 0; ours && argv[i] && i + 2 < 16; i++)
		self[i + 1] = argv[i];
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (ours)
			execv("/proc/self/exe", self);
		else
			execvpe(argv[0], argv, empty_env);
		dprintf(STDOUT_FILENO, "%s: %s\n", ours ? "mptcpshim" : argv[0],
			strerror(errno));
		_exit(127);
	}
	close(fd);
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
}

static void keep_event(const struct pm_event *ev, void *data)
{
	struct bundle *b = data;
	struct pm_event *grown;

	if (b->nev >= MAX_EVENTS) {
		b->events_lost = true;
		return;
	}
	grown = realloc(b->ev, (b->nev + 1) * sizeof(*grown));
	if (!grown)
		return;
	b->ev = grown;
	b->ev[b->nev] = *ev;
	b->ev[b->nev].time = now() - b->t0;
	if (ev->type == MPTCP_EVENT_ESTABLISHED ||
	    ev->type == MPTCP_EVENT_SUB_ESTABLISHED)
		b->last_established = now();
	b->nev++;
}

static void drain(struct pm_listener *l, struct bundle *b)
{
	if (l && pm_listener_read(l, keep_event, b) < 0 && errno == ENOBUFS)
		b->events_lost = true;
}

/* ss -Mani and conns --json into the two files named. */
static void snapshot(const struct bundle *b, const char *ss_file,
		     const char *conns_file)
{
	char *ss[] = { "ss", "-Mani", NULL };
	char *conns[] = { "conns", "--json", NULL };

	run_into(b, ss_file, false, ss);
	run_into(b, conns_file, true, conns);
}

/* How long a program stopped at its time limit has to exit on SIGTERM
 * before SIGKILL. */
#define REPRODUCE_TERM_GRACE 2.0

/* Until the child exits (or the duration passes), gathering events. The
 * CLI ignores SIGINT meanwhile: ^C ends the reproduction, not the
 * bundle. A child with a time limit (limited) gets SIGTERM there, then
 * SIGKILL: a program that never exits cannot hold the bundle forever
 * where no one is at a terminal to press ^C. */
static int wait_gathering(struct pm_listener *l, struct bundle *b,
			  pid_t child, double duration, bool limited,
			  int *status)
{
	double end = now() + duration, termed = 0;

	for (;;) {
		struct pollfd p = { .fd = l ? pm_listener_fd(l) : -1,
				    .events = POLLIN };

		if (child > 0) {
			pid_t r = waitpid(child, status, WNOHANG);

			if (r == child || (r < 0 && errno != EINTR))
				break;
			if (limited && !termed && now() >= end) {
				kill(child, SIGTERM);
				termed = now();
				b->stopped = true;
			} else if (termed &&
				   now() - termed >= REPRODUCE_TERM_GRACE) {
				kill(child, SIGKILL);
			}
		} else if (now() >= end) {
			break;
		}
		if (poll(&p, 1, 50) > 0)
			drain(l, b);
		/* Once the connections are up (nothing established for
		 * 0.2 s): what they look like then, not only at the end. */
		if (!b->snapped && b->last_established > 0 &&
		    now() - b->last_established >= 0.2) {
			snapshot(b, "ss-Mani-during.txt", "conns-during.json");
			b->snapped = true;
		}
	}
	drain(l, b);
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Where the archive goes: "-" is standard output (never a terminal);
 * otherwise a new file beside FILE, renamed over it once complete, so
 * that a symbolic link at FILE is replaced rather than followed (a link
 * planted in a shared directory cannot aim the archive at another
 * file), a failed bundle leaves no half-written FILE, and tar never sees
 * the name (it would take "host:file" for a remote archive). */
static int output_open(const char *file, char *tmp, size_t len)
{
	const char *slash = strrchr(file, '/');
	struct stat st;
	int fd;

	tmp[0] = '\0';
	if (strcmp(file, "-") == 0) {
		if (isatty(STDOUT_FILENO)) {
			cli_error("doctor", "--bundle -: standard output is a "
					    "terminal; redirect it to a file");
			return -2;
		}
		return dup(STDOUT_FILENO);
	}
	if (!*file || (slash && !slash[1]) ||
	    (stat(file, &st) == 0 && S_ISDIR(st.st_mode))) {
		cli_error("doctor", "--bundle \"%s\": a file name expected, "
				    "not a directory", file);
		return -2;
	}
	if ((size_t)snprintf(tmp, len, "%.*s.%s.XXXXXX",
			     slash ? (int)(slash - file + 1) : 0, file,
			     slash ? slash + 1 : file) >= len) {
		cli_error("doctor", "--bundle: file name too long");
		tmp[0] = '\0';
		return -2;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		cli_error("doctor", "cannot write %s: %s", file,
			  strerror(errno));
		tmp[0] = '\0';
	}
	return fd;
}

/* tar(1) into fd; owner names stay out of the archive (a user name is
 * not the maintainers' business either). */
static int pack(const struct bundle *b, int fd)
{
	char *argv[] = { "tar", "--owner=0", "--group=0", "--numeric-owner",
			 "-czf", "-", "-C", (char *)b->root, BUNDLE_DIR, NULL };
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		execvp("tar", argv);
		_exit(127);
	}
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Completes the output: the temporary file becomes FILE. */
static int output_close(int fd, const char *tmp, const char *file, bool ok)
{
	int e = 0;

	if (ok && tmp[0] && fsync(fd) < 0)
		e = errno;
	if (close(fd) < 0 && !e)
		e = errno;
	if (ok && !e && tmp[0] && rename(tmp, file) < 0)
		e = errno;
	if (ok && e)
		cli_error("doctor", "cannot write %s: %s", file, strerror(e));
	if (tmp[0] && (!ok || e))
		unlink(tmp);
	return ok && !e ? 0 : -1;
}

static void collect_reports(const struct bundle *b,
			    const struct bundle_options *o, bool before)
{
	if (before) {
		char *endpoints[] = { "endpoints", NULL };
		char *endpoints_json[] = { "endpoints", "--json", NULL };
		char *doctor[] = { "doctor", o->command ? o->command[0] : NULL,
				   NULL };
		char *ss[] = { "ss", "-Mani", NULL };

		run_into(b, "endpoints.txt", true, endpoints);
		run_into(b, "endpoints.json", true, endpoints_json);
		run_into(b, "doctor.txt", true, doctor);
		run_into(b, "ss-Mani-before.txt", false, ss);
		return;
	}
	char *explain[] = { "mib", "--explain", "--all", NULL };
	char *metrics[] = { "metrics", "--no-probe", NULL };

	snapshot(b, "ss-Mani.txt", "conns.json");
	run_into(b, "mib-explain.txt", true, explain);
	run_into(b, "metrics.prom", true, metrics);
}

static int reproduce(struct bundle *b, const struct bundle_options *o,
		     struct mib_set *delta, bool *have_delta)
{
	struct mib_set before = { 0 }, after = { 0 };
	struct pm_listener *l = pm_listener_open();
	bool have_before = mib_read(MIB_NETSTAT, &before) == 0;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	int status = 0, start_error = 0, errpipe[2] = { -1, -1 };
	pid_t child = 0;
	double t0;

	b->events_ok = l != NULL;
	if (!l)
		snprintf(b->events_note, sizeof(b->events_note), "%s",
			 errno == EPERM ? "listening needs CAP_NET_ADMIN" :
					  strerror(errno));
	bundle_write_mib(b, "nstat-baseline.txt", have_before ? &before : NULL,
		  "no MPTcpExt counters (kernel without MPTCP)");
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	b->t0 = t0 = now();
	if (o->command && pipe2(errpipe, O_CLOEXEC) == 0) {
		fflush(NULL);
		child = fork();
		if (child == 0) {
			int e;

			sigaction(SIGINT, &old_int, NULL);
			sigaction(SIGQUIT, &old_quit, NULL);
			/* "--bundle -": the archive owns standard output. */
			if (strcmp(o->file, "-") == 0)
				dup2(STDERR_FILENO, STDOUT_FILENO);
			execvp(o->command[0], o->command);
			e = errno;
			(void)!write(errpipe[1], &e, sizeof(e));
			_exit(127);
		}
		close(errpipe[1]);
		if (child < 0 ||
		    read(errpipe[0], &start_error, sizeof(start_error)) !=
			    (ssize_t)sizeof(start_error))
			start_error = child < 0 ? errno : 0;
		close(errpipe[0]);
	}
	wait_gathering(l, b, child, o->duration, o->limited, &status);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	bundle_write_reproduce(b, o, status, now() - t0, start_error);
	pm_listener_close(l);
	*have_delta = have_before && mib_read(MIB_NETSTAT, &after) == 0 &&
		      mib_delta(&before, &after, delta) == 0;
	mib_free(&before);
	mib_free(&after);
	return start_error;
}

int doctor_bundle(const struct bundle_options *o)
{
	static struct bundle b;
	struct mib_set delta = { 0 };
	bool have_delta = false;
	const char *tmp = getenv("TMPDIR");
	char out_tmp[PATH_MAX];
	int rc = CLI_OK, out_fd;

	/* Before the reproduction: a wrong FILE costs no reproduction. */
	out_fd = output_open(o->file, out_tmp, sizeof(out_tmp));
	if (out_fd < 0)
		return out_fd == -2 ? CLI_USAGE : CLI_CHECK_FAILED;
	if (!tmp || tmp[0] != '/' || strlen(tmp) > 200)
		tmp = "/tmp";
	snprintf(b.root, sizeof(b.root), "%s/mptcpshim-bundle.XXXXXX", tmp);
	if (!mkdtemp(b.root)) {
		cli_error("doctor", "cannot make a temporary directory: %s",
			  strerror(errno));
		output_close(out_fd, out_tmp, o->file, false);
		return CLI_CHECK_FAILED;
	}
	snprintf(b.dir, sizeof(b.dir), "%s/%s", b.root, BUNDLE_DIR);
	if (mkdir(b.dir, 0700) < 0) {
		cli_error("doctor", "cannot make %s: %s", b.dir,
			  strerror(errno));
		rmdir(b.root);
		output_close(out_fd, out_tmp, o->file, false);
		return CLI_CHECK_FAILED;
	}
	bundle_write_kernel(&b);
	bundle_write_sysctls(&b);
	collect_reports(&b, o, true);
	reproduce(&b, o, &delta, &have_delta);
	bundle_write_mib(&b, "nstat-delta.txt", have_delta ? &delta : NULL,
		  "no delta: the counters could not be read");
	bundle_write_events(&b);
	collect_reports(&b, o, false);
	bundle_write_readme(&b, o);
	if (!o->addresses && bundle_redact(&b) < 0) {
		cli_error("doctor", "cannot redact the addresses; no bundle "
				    "written");
		rc = CLI_CHECK_FAILED;
	} else if (pack(&b, out_fd) < 0) {
		cli_error("doctor", "tar could not write %s", o->file);
		rc = CLI_CHECK_FAILED;
	}
	if (output_close(out_fd, out_tmp, o->file, rc == CLI_OK) < 0)
		rc = CLI_CHECK_FAILED;
	mib_free(&delta);
	free(b.ev);
	nftw(b.root, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	if (rc == CLI_OK) {
		struct out *out = out_new(stderr, false);

		if (out) {
			out_text(out, "bundle written: ");
			out_text_string(out, "%s", o->file);
			out_text(out, "%s\n", o->addresses ? "" :
				 " (addresses replaced by pseudonyms)");
			out_end(out);
		}
	}
	return rc;
}

int doctor_parse(int argc, char **argv, void (*usage)(FILE *), bool *json,
		 struct bundle_options *b)
{
	bool reproduce = false;
	const struct cli_option options[] = {
		CLI_OPTION_JSON(json),
		CLI_OPTION_VALUE("bundle", 'b', &b->file),
		CLI_OPTION_FLAG("reproduce", 'r', &reproduce),
		CLI_OPTION_FLAG("addresses", 'a', &b->addresses),
		CLI_OPTION_TAKE("duration", 'd', cli_take_seconds,
				&b->duration),
		CLI_OPTION_END,
	};
	int rc;

	*json = false;
	memset(b, 0, sizeof(*b));
	b->duration = -1;	/* not given */
	rc = cli_parse_options(argc, argv, "doctor", options,
			       CLI_OPTIONS_STOP_AT_OPERAND, usage);
	if (rc >= 0)
		return rc;
	if (!b->file && (reproduce || b->addresses || b->duration >= 0)) {
		cli_error("doctor", "--reproduce, --addresses and --duration "
				    "need --bundle");
		return CLI_USAGE;
	}
	if (b->file && *json) {
		cli_error("doctor", "--bundle writes files; --json does not "
				    "apply");
		return CLI_USAGE;
	}
	if (reproduce && optind >= argc) {
		cli_error("doctor", "--reproduce needs CMD");
		return CLI_USAGE;
	}
	if (b->file && optind < argc && !reproduce) {
		cli_error("doctor", "with --bundle, CMD runs only with "
				    "--reproduce");
		return CLI_USAGE;
	}
	if (reproduce)
		b->command = argv + optind;
	b->limited = reproduce && b->duration >= 0;
	if (b->duration < 0)
		b->duration = 5;
	return -1;
}
