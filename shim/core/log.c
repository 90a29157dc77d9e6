// SPDX-License-Identifier: BSD-3-Clause
/* Logging that never allocates and never changes errno. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

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

int shim_log_parse_level(const char *name)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };

	for (int i = 0; i < 4; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

void shim_log_write(int level, const char *fmt, ...)
{
	static const char *const tags[] = { "error: ", "warning: ", "", "" };
	int saved = errno;
	char buf[512];
	va_list ap;
	int n, m;

	n = snprintf(buf, sizeof(buf), "mptcpshim[%ld]: %s", (long)getpid(),
		     tags[level & 3]);
	va_start(ap, fmt);
	m = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	/* One write: lines from threads and children do not interleave. */
	if (write(STDERR_FILENO, buf, n) < 0)
		(void)0;
	errno = saved;
}
