// SPDX-License-Identifier: BSD-3-Clause
/*
 * The supervisor's view of a trapped task. The shim learns these facts
 * from inside the process (getpid(), /proc/self/exe); the supervisor
 * reads them from outside, so every value is only trusted once the
 * notification is confirmed still pending (SECCOMP_IOCTL_NOTIF_ID_VALID).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "seccomp_task.h"

#define POLICY_CACHE 16

static void base_copy(char *dst, size_t len, const char *path)
{
	const char *slash = strrchr(path, '/');

	stats_clean_copy(dst, len, slash ? slash + 1 : path);
}

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

static pid_t read_tgid(pid_t tid)
{
	char path[64], buf[1024], *line;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return tid;
	line = strstr(buf, "\nTgid:");
	return line ? (pid_t)strtol(line + 6, NULL, 10) : tid;
}

int seccomp_task_read_netns(pid_t tid, struct seccomp_task *t)
{
	char path[64];
	struct stat st;

	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->tgid = tid;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)tid);
	if (stat(path, &st) != 0)
		return -1;
	t->netns_dev = st.st_dev;
	t->netns_ino = st.st_ino;
	return 0;
}

int seccomp_task_read(pid_t tid, bool want_tgid, struct seccomp_task *t)
{
	char path[64], target[PATH_MAX];
	ssize_t n;

	if (seccomp_task_read_netns(tid, t) != 0)
		return -1;
	if (want_tgid)
		t->tgid = read_tgid(tid);
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)tid);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = '\0';
	base_copy(t->exe_name, sizeof(t->exe_name), target);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)tid);
	if (read_small(path, target, sizeof(target)) > 0)
		base_copy(t->argv0_name, sizeof(t->argv0_name), target);
	return 0;
}

int seccomp_task_enter_netns(const struct seccomp_task *t)
{
	/* Where the supervisor is: known after the first look, since only
	 * the setns() below moves it. */
	static unsigned long long our_dev, our_ino;
	char path[64];
	struct stat st;
	int fd, err = 0;

	if (!our_ino) {
		if (stat("/proc/self/ns/net", &st) != 0)
			return errno;
		our_dev = st.st_dev;
		our_ino = st.st_ino;
	}
	if (t->netns_dev == our_dev && t->netns_ino == our_ino)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)t->tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0)
		err = errno;
	else if (st.st_dev != t->netns_dev || st.st_ino != t->netns_ino)
		err = ESRCH;	/* not the task we looked at */
	else if (setns(fd, CLONE_NEWNET) != 0)
		err = errno;
	if (fd >= 0)
		close(fd);
	if (!err) {
		our_dev = t->netns_dev;
		our_ino = t->netns_ino;
	}
	return err;
}

/* ---- policy, per program ---- */

struct cached_view {
	char exe[STATS_PROGRAM_MAX], argv0[STATS_PROGRAM_MAX];
	struct policy *policy;
	struct policy_view view;
};

static struct cached_view cache[POLICY_CACHE];
static unsigned cache_next;

static void policy_problem(void *ctx, const char *file, unsigned line,
			   const char *message)
{
	(void)ctx;
	cli_error("run", "seccomp route: policy %s:%u: %s", file ? file : "?",
		  line, message);
}

const struct policy_view *seccomp_policy_for(const struct seccomp_task *t)
{
	static const struct policy_view no_memory = {
		.initial = { .choice = POLICY_TCP,
			     .reason = "no memory for the policy" },
	};
	const char *names[3] = { t->exe_name, NULL, NULL };
	struct policy_sources src;
	struct cached_view *c;
	char user[PATH_MAX];

	for (unsigned i = 0; i < POLICY_CACHE; i++)
		if (cache[i].policy && strcmp(cache[i].exe, t->exe_name) == 0 &&
		    strcmp(cache[i].argv0, t->argv0_name) == 0)
			return &cache[i].view;
	if (t->argv0_name[0] && strcmp(t->argv0_name, t->exe_name) != 0)
		names[1] = t->argv0_name;
	c = &cache[cache_next++ % POLICY_CACHE];
	policy_free(c->policy);
	/* The same files the shim would read for this program, with the
	 * environment the run gave it (MPTCPSHIM_CONFIG). */
	policy_sources_default(&src, names, false, user, sizeof(user));
	c->policy = policy_load(&src, policy_problem, NULL);
	if (!c->policy)
		return &no_memory;
	snprintf(c->exe, sizeof(c->exe), "%s", t->exe_name);
	snprintf(c->argv0, sizeof(c->argv0), "%s", t->argv0_name);
	policy_resolve(c->policy, names, &c->view);
	return &c->view;
}

static struct policy *shared_policy;
static struct policy_view shared_view;

const struct policy_view *seccomp_policy_shared(void)
{
	static bool looked;
	struct policy_sources src;
	char user[PATH_MAX];

	if (looked)
		return shared_policy ? &shared_view : NULL;
	looked = true;
	policy_sources_default(&src, NULL, false, user, sizeof(user));
	shared_policy = policy_load(&src, policy_problem, NULL);
	if (!shared_policy)
		return NULL;
	if (policy_names_matter(shared_policy, &src)) {
		policy_free(shared_policy);
		shared_policy = NULL;
		return NULL;
	}
	policy_resolve(shared_policy, NULL, &shared_view);
	return &shared_view;
}

/* ---- stats records: the library's writer, for another process ---- */

static int records_fd = -1;

void seccomp_record_open(void)
{
	const char *dir = getenv("MPTCPSHIM_STATS");
	char path[PATH_MAX];

	if (!dir || !*dir ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
			     STATS_RECORDS_FILE) >= sizeof(path))
		return;
	records_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
				O_NOFOLLOW, 0600);
}

static void emit(const struct stats_writer *w, const char *event, int fd,
		 const char *a, long b, const char *text)
{
	const struct seccomp_task *t =
		((const struct seccomp_task_writer *)w)->task;
	char buf[STATS_RECORD_MAX];
	int len;

	if (records_fd < 0)
		return;
	len = stats_format_record(buf, sizeof(buf), (long)t->tgid,
				  t->exe_name, event, fd, a, b, text);
	/* One write per record, as the library does, so none interleave;
	 * best effort, like the library's records. */
	if (len > 0 && write(records_fd, buf, (size_t)len) < 0) {
	}
}

void seccomp_task_writer_init(struct seccomp_task_writer *w,
			      const struct seccomp_task *t)
{
	w->writer.emit = emit;
	w->task = t;
}
