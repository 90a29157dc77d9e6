// SPDX-License-Identifier: BSD-3-Clause
/*
 * Where the library's stats records go (format: stats_record.h; made by
 * shim/rules/stats_events.c, which the seccomp supervisor uses too). Only
 * runs when MPTCPSHIM_STATS was given; then each event costs an fstat and a
 * write. The file is opened on the first record and kept on a high,
 * close-on-exec fd; if the app closed or reused that number we notice
 * (device and inode differ) and reopen rather than write into its file.
 * errno is always preserved.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "glibc_floor.h"
#include "real.h"
#include "runtime.h"
#include "stats.h"
#include "stats_record.h"

/* Far above the numbers programs use, so ours rarely meets theirs. */
#define STATS_FD_MIN 800

static _Atomic int stats_fd = -1;
static _Atomic unsigned long long stats_dev, stats_ino;

/* basename(/proc/self/exe); a fork child shares it, an exec resets it. */
static char program[STATS_PROGRAM_MAX];
static _Atomic int program_state;	/* 0 unknown, 1 filling, 2 ready */

static void raw_close(int fd)
{
	/* The next close(), not our hook: the table never knew this fd. */
	shim_real.close(fd);
}

/* local: room for the name while another thread (or the parent of a
 * fork) is still filling the shared copy. */
static const char *program_name(char *local, size_t len)
{
	char exe[PATH_MAX];
	int expected = 0;
	ssize_t n;

	if (atomic_load(&program_state) == 2)
		return program;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		const char *base;

		exe[n] = '\0';
		base = strrchr(exe, '/');
		stats_clean_copy(local, len, base ? base + 1 : exe);
	} else {
		stats_clean_copy(local, len, program_invocation_short_name);
	}
	if (atomic_compare_exchange_strong(&program_state, &expected, 1)) {
		memcpy(program, local, sizeof(program));
		atomic_store(&program_state, 2);
	}
	return local;
}

static bool is_ours(int fd)
{
	struct stat st;

	return fd >= 0 && shim_fstat(fd, &st) == 0 &&
	       st.st_dev == atomic_load(&stats_dev) &&
	       st.st_ino == atomic_load(&stats_ino);
}

static int open_records(void)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, high;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", shim_rt.stats_path,
			     STATS_RECORDS_FILE) >= sizeof(path))
		return -1;
	fd = shim_real.open(path,
			    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			    0600);
	if (fd < 0)
		return -1;
	high = shim_real.fcntl(fd, F_DUPFD_CLOEXEC, (void *)(long)STATS_FD_MIN);
	if (high >= 0) {
		raw_close(fd);
		fd = high;
	}
	if (shim_fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		raw_close(fd);
		return -1;
	}
	atomic_store(&stats_dev, st.st_dev);
	atomic_store(&stats_ino, st.st_ino);
	return fd;
}

static int records_fd(void)
{
	int fd = atomic_load(&stats_fd);
	int fresh;

	if (is_ours(fd))
		return fd;
	/* Not opened yet, or the app closed/reused the number: that number
	 * is the app's now, so open a new one and leave it alone. */
	fresh = open_records();
	if (fresh < 0)
		return -1;
	if (!atomic_compare_exchange_strong(&stats_fd, &fd, fresh)) {
		raw_close(fresh);
		fresh = atomic_load(&stats_fd);
	}
	return fresh;
}

/* The library's records: its own pid and program, its own file. */
static void emit(const struct stats_writer *w, const char *event, int fd,
		 const char *a, long b, const char *text)
{
	char buf[STATS_RECORD_MAX], name[STATS_PROGRAM_MAX];
	int saved = errno;
	int out, len;

	(void)w;
	len = stats_format_record(buf, sizeof(buf), (long)getpid(),
				  program_name(name, sizeof(name)), event, fd,
				  a, b, text);
	if (len > 0) {
		out = records_fd();
		if (out >= 0 && write(out, buf, len) < 0) {
			/* Nothing useful to do: stats are best effort. */
		}
	}
	errno = saved;
}

static const struct stats_writer writer = { .emit = emit };

void shim_stats_socket(int fd, enum stats_socket_outcome outcome, int err,
		       const char *reason)
{
	if (shim_stats_enabled())
		stats_socket(&writer, fd, outcome, err, reason);
}

void shim_stats_switch(int fd, bool to_mptcp, const char *why)
{
	if (shim_stats_enabled())
		stats_switch(&writer, fd, to_mptcp, why);
}

void shim_stats_handshake(int fd, bool mptcp, bool accepted)
{
	if (shim_stats_enabled())
		stats_handshake(&writer, fd, mptcp, accepted);
}

void shim_stats_subflows(int fd, unsigned extra_subflows)
{
	if (shim_stats_enabled())
		stats_subflows(&writer, fd, extra_subflows);
}

void shim_stats_option(int fd, int level, int optname, bool rescued)
{
	if (shim_stats_enabled())
		stats_option(&writer, fd, level, optname, rescued);
}

void shim_stats_keepalive(int fd)
{
	if (shim_stats_enabled())
		stats_keepalive(&writer, fd);
}

void shim_stats_warning(const char *message)
{
	if (shim_stats_enabled())
		stats_warning(&writer, message);
}
