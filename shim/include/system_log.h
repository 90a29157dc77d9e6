/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where a line goes when fd 2 is not a stream the user handed the program
 * (a socket: an inetd-style connection, or closed): the system log, as one
 * datagram on a socket of our own, opened and closed per line (never the
 * program's openlog() state). Shared by the library (core/log.c, through
 * the next definitions of its hooked calls) and the CLI's `run`, which
 * stands in front of the program on the same fd 2 (base/cli.c).
 */
#ifndef MPTCPSHIM_SYSTEM_LOG_H
#define MPTCPSHIM_SYSTEM_LOG_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* The calls used to reach the log: the library passes its next
 * definitions (past its own hooks), the CLI libc's. */
struct system_log_calls {
	int (*socket)(int, int, int);
	ssize_t (*sendto)(int, const void *, size_t, int,
			  const struct sockaddr *, socklen_t);
	int (*close)(int);
};

/* A stream a user hands a program as stderr: a terminal or other
 * character device, a pipe or FIFO, a file; never a socket or a dir. */
static inline bool system_log_stderr_kind(const struct stat *st)
{
	return S_ISCHR(st->st_mode) || S_ISFIFO(st->st_mode) ||
	       S_ISREG(st->st_mode);
}

/*
 * One write to fd 2 that never raises SIGPIPE: a warning must not kill a
 * program (or `run` before it starts the program) whose stderr reader has
 * gone (`prog 2>&1 | head -1`, a logger that died), when the program
 * itself may never write there. SIGPIPE is blocked in this thread for the
 * write, and one the write raised is taken back unless one was pending
 * already; the mask is restored (an exec'ed program inherits it). Lines
 * are rare: four more system calls per line. False with errno (EPIPE: no
 * reader) if not written.
 */
static inline bool system_log_stderr_write(const char *buf, size_t len)
{
	static const struct timespec now = { 0 };
	sigset_t pipe_set, saved, pending;
	bool was_pending;
	ssize_t rc;
	int err;

	errno = 0;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	/* sigprocmask, not pthread_sigmask: the same per-thread mask on
	 * Linux (glibc and musl), and in libc in every glibc, where
	 * pthread_sigmask lived in libpthread before 2.32 (glibc_floor.h). */
	if (sigprocmask(SIG_BLOCK, &pipe_set, &saved) != 0)
		return false;
	was_pending = sigpending(&pending) == 0 &&
		      sigismember(&pending, SIGPIPE);
	rc = write(STDERR_FILENO, buf, len);
	err = errno;
	if (rc < 0 && err == EPIPE && !was_pending)
		sigtimedwait(&pipe_set, NULL, &now);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	errno = err;
	return rc >= 0;
}

/* One datagram to a local log socket; false if nobody listens there. */
static inline bool system_log_send_to(const struct system_log_calls *c,
				      const char *path, const char *buf,
				      size_t len)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = c->socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool sent;

	if (fd < 0)
		return false;
	memcpy(addr.sun_path, path, strlen(path) + 1);
	/* MSG_DONTWAIT: a full journal drops the line, never stalls the
	 * program. */
	sent = c->sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL,
			 (struct sockaddr *)&addr, sizeof(addr)) == (ssize_t)len;
	c->close(fd);
	return sent;
}

/*
 * msg (no newline) at syslog severity 0-7, as identifier "mptcpshim": the
 * journal's native protocol (fields, one per line), else syslog's /dev/log
 * ("<PRI>TAG[PID]: MSG", which journald, rsyslog and busybox's syslogd
 * all read). Facility user (1).
 */
static inline void system_log_write(const struct system_log_calls *c,
				    int severity, const char *msg)
{
	char buf[700];
	int n;

	n = snprintf(buf, sizeof(buf),
		     "PRIORITY=%d\nSYSLOG_FACILITY=1\nSYSLOG_IDENTIFIER=mptcpshim\n"
		     "SYSLOG_PID=%ld\nMESSAGE=%s\n",
		     severity & 7, (long)getpid(), msg);
	if (n > 0 && n < (int)sizeof(buf) &&
	    system_log_send_to(c, "/run/systemd/journal/socket", buf,
			       (size_t)n))
		return;
	n = snprintf(buf, sizeof(buf), "<%d>mptcpshim[%ld]: %s",
		     8 + (severity & 7), (long)getpid(), msg);
	if (n > 0 && n < (int)sizeof(buf))
		system_log_send_to(c, "/dev/log", buf, (size_t)n);
}

#endif
