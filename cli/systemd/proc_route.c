// SPDX-License-Identifier: BSD-3-Clause
/*
 * /proc/PID/maps says whether the library is loaded (LD_PRELOAD in the
 * environment does not: a static program ignores it). /proc/PID/status's
 * Seccomp: 2 says a filter is in place, which alone could be anyone's (a
 * container's profile, SystemCallFilter=): the route also needs its
 * supervisor, which lives in the program's cgroup (it is forked from the
 * program's process, and a cgroup is inherited).
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

/* A supervisor among the processes of pid's cgroup (v2). */
static long supervisor_in_cgroup(long pid)
{
	char path[4200], cg[4096], comm[64];
	long found = 0, p;
	FILE *procs;

	snprintf(path, sizeof(path), "/proc/%ld/cgroup", pid);
	if (!read_line(path, cg, sizeof(cg)) || strncmp(cg, "0::", 3) != 0)
		return 0;
	snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cgroup.procs", cg + 3);
	procs = fopen(path, "re");
	if (!procs)
		return 0;
	while (!found && fscanf(procs, "%ld", &p) == 1) {
		snprintf(path, sizeof(path), "/proc/%ld/comm", p);
		if (read_line(path, comm, sizeof(comm)) &&
		    strcmp(comm, SECCOMP_SUPERVISOR_NAME) == 0)
			found = p;
	}
	fclose(procs);
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
