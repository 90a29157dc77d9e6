// SPDX-License-Identifier: BSD-3-Clause
/*
 * Stats records end to end: the shim's writer (shim/stats.c) and the CLI's
 * reader (cli/runstats.c) agree; fork children report their own pid; the
 * writer keeps errno, hides its fd high and close-on-exec, and never writes
 * into a descriptor the app reused.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "output.h"
#include "real.h"
#include "runstats.h"
#include "runtime.h"
#include "stats.h"
#include "stats_record.h"

/* stats.c reads these from the shim's runtime and its real-function
 * table, which are not linked here: libc stands in for the next close(). */
struct shim_runtime shim_rt;
struct shim_real_calls shim_real = { .close = close, .fcntl = fcntl,
				     .open = open };

static char dir[PATH_MAX];
static char records[PATH_MAX + 16];

/* One directory for the whole run, as in a real process whose path never
 * changes; each test starts from an empty records file. */
static int group_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_stats.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(records, sizeof(records), "%s/%s", dir, STATS_RECORDS_FILE);
	shim_rt.stats = true;
	shim_rt.stats_path = dir;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	unlink(records);
	rmdir(dir);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	if (truncate(records, 0) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

static void read_records(struct runstats *rs)
{
	FILE *fp = fopen(records, "r");

	memset(rs, 0, sizeof(*rs));
	assert_non_null(fp);
	assert_int_equal(runstats_parse(fp, rs), 0);
	fclose(fp);
}

static const struct runstats_tally_entry *
tally(const struct runstats_tally *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].key, key) == 0)
			return &t->v[i];
	return NULL;
}

/* The fd our writer holds: the one that points at the records file. */
static int writer_fd(void)
{
	struct stat want, st;
	struct dirent *e;
	DIR *d;
	int found = -1;

	if (stat(records, &want) < 0)
		return -1;
	d = opendir("/proc/self/fd");
	assert_non_null(d);
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		if (fstat(fd, &st) == 0 && st.st_dev == want.st_dev &&
		    st.st_ino == want.st_ino)
			found = fd;
	}
	closedir(d);
	return found;
}

static void test_round_trip(void **state)
{
	const struct runstats_proc *p;
	struct runstats rs;

	(void)state;
	errno = 4321;
	shim_stats_socket(5, STATS_OUTCOME_CONVERTED, 0, NULL);
	assert_int_equal(errno, 4321);
	shim_stats_socket(6, STATS_OUTCOME_KEPT_TCP_POLICY, 0,
			  "destination excluded\t(127.0.0.0/8)\n");
	shim_stats_socket(7, STATS_OUTCOME_KEPT_TCP_POLICY, 0,
			  "destination excluded\t(127.0.0.0/8)\n");
	shim_stats_socket(8, STATS_OUTCOME_CREATION_FALLBACK, ENOPROTOOPT, NULL);
	shim_stats_switch(5, false, "unsupported option");
	shim_stats_switch(6, true, "port 443 listed");
	shim_stats_handshake(5, false, false);
	shim_stats_handshake(6, true, false);
	shim_stats_handshake(9, true, true);
	shim_stats_handshake(10, false, true);
	shim_stats_subflows(6, 2);
	shim_stats_subflows(9, 0);
	shim_stats_option(5, IPPROTO_TCP, TCP_USER_TIMEOUT, true);
	shim_stats_option(6, IPPROTO_TCP, TCP_USER_TIMEOUT, false);
	shim_stats_option(6, IPPROTO_TCP, TCP_USER_TIMEOUT, false);
	shim_stats_keepalive(6);
	assert_int_equal(errno, 4321);

	read_records(&rs);
	assert_int_equal(rs.bad_records, 0);
	assert_int_equal(rs.n, 1);
	p = &rs.p[0];
	assert_int_equal(p->pid, getpid());
	assert_string_equal(p->program, "test_stats");
	assert_int_equal(p->sockets, 4);
	assert_int_equal(p->converted, 1);
	assert_int_equal(p->kept_tcp, 2);
	/* Control characters never reach the record. */
	assert_non_null(tally(&p->kept_reasons,
			      "destination excluded?(127.0.0.0/8)?"));
	assert_int_equal(tally(&p->kept_reasons,
			       "destination excluded?(127.0.0.0/8)?")->n, 2);
	assert_int_equal(p->creation_fallbacks, 1);
	assert_non_null(tally(&p->fallback_errors, "ENOPROTOOPT"));
	assert_int_equal(p->switched_to_tcp, 1);
	assert_int_equal(p->switched_to_mptcp, 1);
	assert_non_null(tally(&p->switch_reasons, "unsupported option"));
	assert_int_equal(p->connect_fallback, 1);
	assert_int_equal(p->connect_mptcp, 1);
	assert_int_equal(p->accept_mptcp, 1);
	assert_int_equal(p->accept_tcp, 1);
	assert_int_equal(p->max_subflows, 3);
	assert_non_null(tally(&p->options_rescued, "TCP_USER_TIMEOUT"));
	assert_int_equal(tally(&p->options_ignored, "TCP_USER_TIMEOUT")->n,
			 2);
	assert_int_equal(p->keepalive, 1);
	runstats_free(&rs);
}

static void test_fork_child_has_own_pid(void **state)
{
	struct runstats rs;
	pid_t child;
	int status;

	(void)state;
	shim_stats_socket(3, STATS_OUTCOME_CONVERTED, 0, NULL);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		/* Inherits the open fd: must still name itself. */
		shim_stats_socket(3, STATS_OUTCOME_CONVERTED, 0, NULL);
		shim_stats_socket(4, STATS_OUTCOME_CONVERTED, 0, NULL);
		_exit(0);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(status, 0);
	shim_stats_handshake(3, true, false);

	read_records(&rs);
	assert_int_equal(rs.n, 2);
	for (size_t i = 0; i < rs.n; i++) {
		if (rs.p[i].pid == getpid()) {
			assert_int_equal(rs.p[i].sockets, 1);
			assert_int_equal(rs.p[i].connect_mptcp, 1);
		} else {
			assert_int_equal(rs.p[i].pid, child);
			assert_int_equal(rs.p[i].sockets, 2);
			assert_int_equal(rs.p[i].connect_mptcp, 0);
		}
	}
	runstats_free(&rs);
}

static void test_fd_hygiene(void **state)
{
	char buf[64];
	struct runstats rs;
	int fd, pipefd[2], flags;

	(void)state;
	shim_stats_keepalive(1);
	fd = writer_fd();
	assert_true(fd >= 800);
	flags = fcntl(fd, F_GETFD);
	assert_true(flags >= 0 && (flags & FD_CLOEXEC));

	/* The app reuses the number (dup2 over it): ours is gone, and the
	 * app's pipe must not receive records. */
	assert_int_equal(pipe2(pipefd, O_NONBLOCK), 0);
	assert_int_equal(dup2(pipefd[1], fd), fd);
	shim_stats_keepalive(2);
	assert_int_equal(read(pipefd[0], buf, sizeof(buf)), -1);
	assert_int_equal(errno, EAGAIN);
	close(fd);
	close(pipefd[0]);
	close(pipefd[1]);

	/* The app closed it: the next record reopens. */
	fd = writer_fd();
	assert_true(fd >= 0);
	close(fd);
	shim_stats_keepalive(3);
	assert_true(writer_fd() >= 0);

	read_records(&rs);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.p[0].keepalive, 3);
	runstats_free(&rs);
}

static void test_disabled_writes_nothing(void **state)
{
	struct stat st;

	(void)state;
	shim_rt.stats = false;
	shim_stats_socket(3, STATS_OUTCOME_CONVERTED, 0, NULL);
	shim_stats_keepalive(3);
	shim_rt.stats = true;
	assert_true(stat(records, &st) < 0 || st.st_size == 0);
}

static void test_parser_rejects_garbage(void **state)
{
	static const char input[] =
		"v1\t10\tcurl\tsocket\t3\tconverted\t0\t\n"
		"v2\t10\tcurl\tsocket\t3\tconverted\t0\t\n"	/* version */
		"v1\tx\tcurl\tsocket\t3\tconverted\t0\t\n"	/* pid */
		"v1\t10\tcurl\tsocket\t3\tbogus\t0\t\n"	/* outcome */
		"v1\t10\tcurl\tteleport\t3\t0\t0\t\n"	/* event */
		"v1\t10\tcurl\tsocket\t3\n"			/* fields */
		"v1\t11\twget\thandshake\t3\ttcp\t0\t\n"
		"v1\t10\tcurl\tsocket\t4\tconverted\t0\t";	/* cut */
	struct runstats rs = { 0 };
	FILE *fp = fmemopen((void *)input, sizeof(input) - 1, "r");

	(void)state;
	assert_non_null(fp);
	assert_int_equal(runstats_parse(fp, &rs), 0);
	fclose(fp);
	assert_int_equal(rs.bad_records, 6);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.p[0].sockets, 1);
	assert_int_equal(rs.p[1].connect_fallback, 1);
	runstats_free(&rs);
}

/* Each event's own outcome field is checked; an errno without a name is
 * shown by number; the report says how many records it skipped. */
static void test_parser_rejects_bad_outcomes(void **state)
{
	static const char input[] =
		"v1\t20\tapp\tswitch\t3\tsctp\t0\t\n"		/* to what */
		"v1\t20\tapp\thandshake\t3\tudp\t0\t\n"
		"v1\t20\tapp\tsubflows\t3\t-1\t0\t\n"		/* negative */
		"v1\t20\tapp\tsubflows\t3\tmany\t0\t\n"
		"v1\t20\tapp\toption\t3\tSOL\t1\trescued\n"	/* level */
		"v1\t20\tapp\toption\t3\t6\t1\tdropped\n"	/* verdict */
		"v1\t20\tapp\tsubflows\t3\t2\t0\t\n"
		"v1\t20\tapp\tsocket\t3\tcreation_fallback\t4095\t\n"
		"v1\t20\tapp\tswitch\t3\ttcp\t0\t\n";
	struct runstats rs = { 0 };
	FILE *fp = fmemopen((void *)input, sizeof(input) - 1, "r");
	struct out *out;
	char *buf = NULL;
	size_t len;

	(void)state;
	assert_non_null(fp);
	assert_int_equal(runstats_parse(fp, &rs), 0);
	fclose(fp);
	assert_int_equal(rs.bad_records, 6);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.p[0].max_subflows, 3);
	assert_int_equal(rs.p[0].creation_fallbacks, 1);
	assert_non_null(tally(&rs.p[0].fallback_errors, "errno 4095"));
	assert_int_equal(rs.p[0].switched_to_tcp, 1);
	assert_non_null(tally(&rs.p[0].switch_reasons, "policy"));
	assert_int_equal(rs.p[0].options_rescued.n, 0);
	assert_int_equal(rs.p[0].options_ignored.n, 0);

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	out = out_new(fp, false);
	assert_non_null(out);
	runstats_print(out, &rs, NULL, 3);
	out_end(out);
	fclose(fp);
	assert_non_null(strstr(buf, "exit status 3\n"));
	assert_non_null(strstr(buf, "(6 unreadable records skipped)\n"));
	assert_non_null(strstr(buf, "MPTcpExt counters unavailable\n"));
	assert_null(strstr(buf, "MPTcpExt changes"));
	free(buf);
	runstats_free(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_round_trip, setup),
		cmocka_unit_test_setup(test_fork_child_has_own_pid, setup),
		cmocka_unit_test_setup(test_fd_hygiene, setup),
		cmocka_unit_test_setup(test_disabled_writes_nothing, setup),
		cmocka_unit_test(test_parser_rejects_garbage),
		cmocka_unit_test(test_parser_rejects_bad_outcomes),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
