// SPDX-License-Identifier: BSD-3-Clause
/*
 * Logging that never allocates and never changes errno, and never writes
 * into a file of the program's: fd 2 gets a line only while it is the
 * stderr the program was given (decided when the shim starts working:
 * a terminal, pipe, file or character device, never a socket) and still
 * the same file. In an inetd-style service fd 0-2 are the client's
 * connection, and a daemon that closed stderr gets its next socket or file
 * at fd 2: there a line would go to the peer or into the program's data.
 * Such warnings go to the system log instead, over a datagram socket the
 * library opens and closes itself (not the program's openlog() state), and
 * into the records of `run --stats`.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "glibc_floor.h"
#include "log.h"
#include "real.h"
#include "stats.h"

int shim_log_threshold = SHIM_LOG_WARN;

/* The errnos socket(), setsockopt() and the policy files give, by name
 * (strerrorname_np is GLIBC_2.32, newer than the library's floor, and not
 * in musl); anything else by its description. */
const char *shim_errno_name(int err)
{
#define NAME(e) { e, #e }
	static const struct {
		int err;
		const char *name;
	} names[] = {
		NAME(ENOPROTOOPT), NAME(EPROTONOSUPPORT), NAME(EAFNOSUPPORT),
		NAME(ESOCKTNOSUPPORT), NAME(EOPNOTSUPP), NAME(EINVAL),
		NAME(EPERM), NAME(EACCES), NAME(ENOMEM), NAME(ENOBUFS),
		NAME(EMFILE), NAME(ENFILE), NAME(ENOTSOCK), NAME(EBADF),
		NAME(EFAULT), NAME(ENOSYS), NAME(EINTR), NAME(EAGAIN),
		NAME(EISCONN), NAME(EALREADY), NAME(EINPROGRESS), NAME(ENOENT),
	};
#undef NAME

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return strerror(err);
}

/* The program's stderr as decided: 0 undecided, 1 usable, 2 not. */
static _Atomic int stderr_state;
static _Atomic unsigned long long stderr_dev, stderr_ino;

int shim_log_parse_level(const char *name)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };

	for (int i = 0; i < 4; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

/* A stream a user hands a program as stderr: never a socket (or a dir). */
static bool stream_kind(const struct stat *st)
{
	return S_ISCHR(st->st_mode) || S_ISFIFO(st->st_mode) ||
	       S_ISREG(st->st_mode);
}

void shim_log_decide_stderr(void)
{
	struct stat st;
	int expected = 0;
	bool usable = shim_fstat(STDERR_FILENO, &st) == 0 && stream_kind(&st);

	if (usable) {
		atomic_store(&stderr_dev, st.st_dev);
		atomic_store(&stderr_ino, st.st_ino);
	}
	atomic_compare_exchange_strong(&stderr_state, &expected,
				       usable ? 1 : 2);
}

/* fd 2 now: still the stream decided on? One fstat; warnings are rare. */
static bool stderr_usable(void)
{
	struct stat st;

	if (atomic_load(&stderr_state) == 0)
		shim_log_decide_stderr();
	return atomic_load(&stderr_state) == 1 &&
	       shim_fstat(STDERR_FILENO, &st) == 0 && stream_kind(&st) &&
	       st.st_dev == atomic_load(&stderr_dev) &&
	       st.st_ino == atomic_load(&stderr_ino);
}

/* One datagram to a local log socket, on a socket of our own (the next
 * socket(), past our hook); false if nobody listens there. */
static bool send_to(const char *path, const char *buf, size_t len)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = shim_real.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool sent;

	if (fd < 0)
		return false;
	memcpy(addr.sun_path, path, strlen(path) + 1);
	/* MSG_DONTWAIT: a full journal drops the line, never stalls the
	 * program. */
	sent = shim_real.sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL,
				(struct sockaddr *)&addr, sizeof(addr)) ==
	       (ssize_t)len;
	shim_real.close(fd);
	return sent;
}

/*
 * The journal's native protocol (fields, one per line), else syslog's
 * /dev/log ("<PRI>TAG[PID]: MSG", which journald, rsyslog and busybox's
 * syslogd all read). msg holds no newline.
 */
static void to_system_log(int level, const char *msg)
{
	static const int severity[] = { 3, 4, 6, 7 }; /* err warning info debug */
	char buf[700];
	int n;

	n = snprintf(buf, sizeof(buf),
		     "PRIORITY=%d\nSYSLOG_FACILITY=1\nSYSLOG_IDENTIFIER=mptcpshim\n"
		     "SYSLOG_PID=%ld\nMESSAGE=%s\n",
		     severity[level & 3], (long)getpid(), msg);
	if (n > 0 && n < (int)sizeof(buf) &&
	    send_to("/run/systemd/journal/socket", buf, (size_t)n))
		return;
	n = snprintf(buf, sizeof(buf), "<%d>mptcpshim[%ld]: %s",
		     8 + severity[level & 3], (long)getpid(), msg);
	if (n > 0 && n < (int)sizeof(buf))
		send_to("/dev/log", buf, (size_t)n);
}

void shim_log_write(int level, const char *fmt, ...)
{
	static const char *const tags[] = { "error: ", "warning: ", "", "" };
	int saved = errno;
	char buf[512];
	va_list ap;
	int n, m, body;

	n = snprintf(buf, sizeof(buf), "mptcpshim[%ld]: ", (long)getpid());
	body = n;
	n += snprintf(buf + n, sizeof(buf) - n, "%s", tags[level & 3]);
	va_start(ap, fmt);
	m = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	if (stderr_usable()) {
		buf[n++] = '\n';
		/* One write: lines from threads and children do not
		 * interleave. */
		if (write(STDERR_FILENO, buf, n) < 0)
			(void)0;
	} else {
		buf[n] = '\0';
		/* One line per record: a newline from a file name would
		 * start a field of the journal's own. */
		for (char *p = buf + body; *p; p++)
			if (*p == '\n')
				*p = ' ';
		to_system_log(level, buf + body);
		shim_stats_warning(buf + body);
	}
	errno = saved;
}
