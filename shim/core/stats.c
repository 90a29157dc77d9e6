// SPDX-License-Identifier: BSD-3-Clause
/*
 * Stats records for `mptcpshim run --stats` (format: stats_record.h). Only
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

static void sanitise(char *dst, size_t len, const char *src)
{
	size_t i = 0;

	for (; src && src[i] && i + 1 < len; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[i] = '\0';
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
		sanitise(local, len, base ? base + 1 : exe);
	} else {
		sanitise(local, len, program_invocation_short_name);
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

static void record(const char *event, int fd, long a_num, const char *a_text,
		   long b, const char *text)
{
	char buf[STATS_RECORD_MAX], clean[STATS_TEXT_MAX], a[32];
	char name[STATS_PROGRAM_MAX];
	int saved = errno;
	int out, len;

	if (!shim_stats_enabled())
		return;
	if (a_text)
		snprintf(a, sizeof(a), "%s", a_text);
	else
		snprintf(a, sizeof(a), "%ld", a_num);
	sanitise(clean, sizeof(clean), text);
	len = snprintf(buf, sizeof(buf), "%s\t%ld\t%s\t%s\t%d\t%s\t%ld\t%s\n",
		       STATS_RECORD_VERSION, (long)getpid(),
		       program_name(name, sizeof(name)),
		       event, fd, a, b, clean);
	if (len > 0 && len < (int)sizeof(buf)) {
		out = records_fd();
		if (out >= 0 && write(out, buf, len) < 0) {
			/* Nothing useful to do: stats are best effort. */
		}
	}
	errno = saved;
}

void shim_stats_socket(int fd, enum shim_stats_socket_outcome outcome,
		       int err, const char *reason)
{
	static const char *const names[] = {
		[SHIM_STATS_CONVERTED] = "converted",
		[SHIM_STATS_KEPT_TCP_POLICY] = "kept_tcp",
		[SHIM_STATS_CREATION_FALLBACK] = "creation_fallback",
	};

	if ((unsigned)outcome >= sizeof(names) / sizeof(names[0]))
		return;
	record("socket", fd, 0, names[outcome], err, reason);
}

void shim_stats_switch(int fd, bool to_mptcp, const char *why)
{
	record("switch", fd, 0, to_mptcp ? "mptcp" : "tcp", 0, why);
}

void shim_stats_handshake(int fd, bool mptcp, bool accepted)
{
	record("handshake", fd, 0, mptcp ? "mptcp" : "tcp", accepted, NULL);
}

void shim_stats_subflows(int fd, unsigned extra_subflows)
{
	record("subflows", fd, (long)extra_subflows, NULL, 0, NULL);
}

void shim_stats_option(int fd, int level, int optname, bool rescued)
{
	record("option", fd, level, NULL, optname,
	       rescued ? "rescued" : "ignored");
}

void shim_stats_keepalive(int fd)
{
	record("keepalive", fd, 0, NULL, 0, NULL);
}

void shim_stats_warning(const char *message)
{
	record("warning", -1, 0, NULL, 0, message);
}
