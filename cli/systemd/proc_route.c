// SPDX-License-Identifier: BSD-3-Clause
/*
 * /proc/PID/maps says whether the library is loaded (LD_PRELOAD in the
 * environment does not: a static program ignores it). /proc/PID/status's
 * Seccomp: 2 says a filter is in place, which alone could be anyone's (a
 * container's profile, SystemCallFilter=): the route also needs its
 * supervisor, which lives in the program's cgroups (it is forked from the
 * program's process, and cgroups are inherited).
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "proc_route.h"
#include "seccomp_launch.h"

static int library_mapped(long pid, const char *library)
{
	char path[64], line[4096];
	struct stat st;
	FILE *f;
	int found = 0;

	if (stat(library, &st) != 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		uintmax_t ino;

		/* start-end perms offset maj:min inode path */
		if (sscanf(line, "%*s %*s %*s %x:%x %ju", &maj, &min, &ino) ==
			    3 &&
		    ino == (uintmax_t)st.st_ino && ino != 0 &&
		    strstr(line, "libmptcpshim"))
			found = 1;
	}
	fclose(f);
	return found;
}

static int seccomp_mode(long pid)
{
	char path[64], line[256];
	int mode = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			break;
	fclose(f);
	return mode;
}

static bool read_line(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "re");
	bool ok = f && fgets(out, (int)len, f);

	if (f)
		fclose(f);
	if (ok)
		out[strcspn(out, "\n")] = '\0';
	return ok;
}

static size_t read_all(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(out, 1, len - 1, f) : 0;

	if (f)
		fclose(f);
	out[n] = '\0';
	return n;
}

/*
 * A supervisor in pid's cgroups: the same /proc/PID/cgroup text (every
 * hierarchy: v2, v1 or hybrid, as systemd and containers set them up),
 * since it was forked from the program's process and never moved.
 */
static long supervisor_in_cgroup(long pid)
{
	char path[64], cg[4096], other[4096], comm[64];
	struct dirent *e;
	long found = 0;
	DIR *proc;

	snprintf(path, sizeof(path), "/proc/%ld/cgroup", pid);
	if (!read_all(path, cg, sizeof(cg)))
		return 0;
	proc = opendir("/proc");
	if (!proc)
		return 0;
	while (!found && (e = readdir(proc))) {
		long p = strtol(e->d_name, NULL, 10);

		if (p <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/comm", p);
		if (!read_line(path, comm, sizeof(comm)) ||
		    strcmp(comm, SECCOMP_SUPERVISOR_NAME) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/cgroup", p);
		if (read_all(path, other, sizeof(other)) &&
		    strcmp(cg, other) == 0)
			found = p;
	}
	closedir(proc);
	return found;
}

enum proc_route proc_route_of(long pid, const char *library,
			      long *supervisor)
{
	int mapped = library ? library_mapped(pid, library) : 0;
	int mode;

	*supervisor = 0;
	if (mapped > 0)
		return PROC_ROUTE_LIBRARY;
	mode = seccomp_mode(pid);
	if (mode < 0 || mapped < 0)
		return PROC_ROUTE_UNKNOWN;
	if (mode == 2)
		*supervisor = supervisor_in_cgroup(pid);
	return *supervisor ? PROC_ROUTE_SECCOMP : PROC_ROUTE_NONE;
}

const char *proc_route_name(enum proc_route r)
{
	switch (r) {
	case PROC_ROUTE_LIBRARY:
		return "library";
	case PROC_ROUTE_SECCOMP:
		return "seccomp route";
	case PROC_ROUTE_NONE:
		return "none";
	default:
		return "unknown";
	}
}
