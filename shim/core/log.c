// SPDX-License-Identifier: BSD-3-Clause
/*
 * Logging that never allocates and never changes errno, and never writes
 * into a file of the program's: fd 2 gets a line only while it is the
 * stderr the program was given (decided when the library is loaded: a
 * terminal, pipe, file or character device, never a socket) and still the
 * same file. In an inetd-style service fd 0-2 are the client's
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
#include <unistd.h>

#include "glibc_floor.h"
#include "log.h"
#include "real.h"
#include "stats.h"
#include "system_log.h"

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

void shim_log_decide_stderr(void)
{
	struct stat st;
	int expected = 0;
	bool usable;

	/* The first decision stands: a later call must not replace the
	 * stream's identity with whatever fd 2 is by then. */
	if (atomic_load(&stderr_state) != 0)
		return;
	usable = shim_fstat(STDERR_FILENO, &st) == 0 && system_log_stderr_kind(&st);
	if (usable) {
		atomic_store(&stderr_dev, st.st_dev);
		atomic_store(&stderr_ino, st.st_ino);
	}
	atomic_compare_exchange_strong(&stderr_state, &expected,
				       usable ? 1 : 2);
}

/*
 * Decided when the library is loaded, not at the first socket(): before
 * that a daemon may have closed stderr and opened a data file, a pipe to
 * a child or a socket at fd 2, and init would take it for the stream the
 * user gave (a warning about the policy file then lands in the program's
 * data). One fstat per exec; the socket() path is untouched.
 */
__attribute__((constructor)) static void decide_stderr_at_load(void)
{
	int saved = errno;

	shim_log_decide_stderr();
	errno = saved;
}

/* fd 2 now: still the stream decided on? One fstat; warnings are rare. */
static bool stderr_usable(void)
{
	struct stat st;

	if (atomic_load(&stderr_state) == 0)
		shim_log_decide_stderr();
	return atomic_load(&stderr_state) == 1 &&
	       shim_fstat(STDERR_FILENO, &st) == 0 && system_log_stderr_kind(&st) &&
	       st.st_dev == atomic_load(&stderr_dev) &&
	       st.st_ino == atomic_load(&stderr_ino);
}

/* The journal or /dev/log (system_log.h), through the next definitions:
 * our own socket passes none of our hooks. */
static void to_system_log(int level, const char *msg)
{
	static const int severity[] = { 3, 4, 6, 7 }; /* err warning info debug */
	const struct system_log_calls calls = {
		.socket = shim_real.socket,
		.sendto = shim_real.sendto,
		.close = shim_real.close,
	};

	system_log_write(&calls, severity[level & 3], msg);
}

void shim_log_write(int level, const char *fmt, ...)
{
	static const char *const tags[] = { "error: ", "warning: ", "", "" };
	int saved = errno;
	char buf[512];
	bool to_stderr;
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
	buf[n] = '\n';
	/* One write: lines from threads and children do not interleave. A
	 * stderr whose reader has gone takes no more lines: the system log
	 * gets this one and the next. */
	to_stderr = stderr_usable();
	if (to_stderr && !system_log_stderr_write(buf, n + 1) && errno == EPIPE) {
		atomic_store(&stderr_state, 2);
		to_stderr = false;
	}
	if (!to_stderr) {
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
