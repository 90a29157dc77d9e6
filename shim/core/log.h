/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Diagnostics to stderr as "mptcpshim[PID]: ...", written with one write(2),
 * while fd 2 is the program's own stderr; else to the system log (log.c).
 */
#ifndef MPTCPSHIM_LOG_H
#define MPTCPSHIM_LOG_H

enum shim_log_level {
	SHIM_LOG_ERROR = 0,
	SHIM_LOG_WARN,
	SHIM_LOG_INFO,
	SHIM_LOG_DEBUG,
};

extern int shim_log_threshold;

/* "ENOPROTOOPT" for ENOPROTOOPT; an errno it does not name, described. */
const char *shim_errno_name(int err);

/* Parses error|warn|info|debug; returns -1 for anything else. */
int shim_log_parse_level(const char *name);

/*
 * Decides whether fd 2 is the stream the program was given as stderr;
 * called when the library is loaded (a constructor in log.c), again as a
 * no-op at init; the first decision stands.
 */
void shim_log_decide_stderr(void);

void shim_log_write(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Checked before formatting, so a disabled level costs one compare. */
#define shim_log(level, ...)                                                   \
	do {                                                                   \
		if ((level) <= shim_log_threshold)                             \
			shim_log_write((level), __VA_ARGS__);                  \
	} while (0)

#endif
