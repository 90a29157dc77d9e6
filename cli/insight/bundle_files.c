// SPDX-License-Identifier: BSD-3-Clause
/* One writer per file of the bundle (bundle_files.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build_config.h"
#include "bundle_files.h"
#include "output.h"
#include "redact.h"

/* README lines: file name, what it is. Files the bundle could not make
 * are listed in missing.txt instead. */
static const struct {
	const char *name, *what;
} files[] = {
	{ "README.txt", "this list" },
	{ "kernel.txt", "kernel release and version (uname -srvm), "
			"mptcpshim's version, the distribution "
			"(os-release)" },
	{ "sysctl.txt", "every net.mptcp.* sysctl, and rp_filter" },
	{ "endpoints.txt", "path-manager endpoints and limits, with "
			   "their warnings (mptcpshim endpoints)" },
	{ "endpoints.json", "the same as JSON" },
	{ "doctor.txt", "mptcpshim doctor (for the reproduced program "
			"when given)" },
	{ "ss-Mani-before.txt", "ss -Mani before the reproduction" },
	{ "ss-Mani-during.txt", "ss -Mani once the reproduction's "
				"connections were up (0.2 s after the last "
				"connection or subflow was established)" },
	{ "conns-during.json", "mptcpshim conns --json at the same "
			       "moment: connections and subflows per "
			       "process" },
	{ "ss-Mani.txt", "ss -Mani: MPTCP sockets with their info at "
			 "the end" },
	{ "conns.json", "mptcpshim conns --json: connections and "
			"subflows per process, at the end" },
	{ "nstat-baseline.txt", "MPTcpExt counters at the start, as "
				"nstat -az names them" },
	{ "nstat-delta.txt", "their change over the reproduction (or "
			     "the --duration)" },
	{ "mib-explain.txt", "mptcpshim mib --explain --all: the "
			     "reasons the counters give, and what each "
			     "counter means" },
	{ "pm-events.txt", "path-manager events during it, as ip "
			   "mptcp monitor shows them (needs "
			   "CAP_NET_ADMIN)" },
	{ "reproduce.txt", "the reproduction: program name (never its "
			   "arguments), exit status, duration" },
	{ "metrics.prom", "mptcpshim metrics at the end" },
};

FILE *bundle_create(const struct bundle *b, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", b->dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	return fd < 0 ? NULL : fdopen(fd, "w");
}

/* The distribution and its version (what the bug template asks for),
 * from os-release: those lines only. */
static void copy_os_release(FILE *fp)
{
	FILE *in = fopen("/etc/os-release", "re");
	char line[256];

	if (!in)
		in = fopen("/usr/lib/os-release", "re");
	if (!in)
		return;
	while (fgets(line, sizeof(line), in))
		if (strncmp(line, "PRETTY_NAME=", 12) == 0 ||
		    strncmp(line, "VERSION_ID=", 11) == 0 ||
		    strncmp(line, "ID=", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			out_safe_text(fp, line, false);
			fputc('\n', fp);
		}
	fclose(in);
}

void bundle_write_kernel(const struct bundle *b)
{
	struct utsname u;
	FILE *fp = bundle_create(b, "kernel.txt");

	if (!fp)
		return;
	/* No nodename: the host's name is not the kernel's business. */
	if (uname(&u) == 0)
		fprintf(fp, "%s %s %s %s\n", u.sysname, u.release, u.version,
			u.machine);
	fprintf(fp, "mptcpshim %s\n", MPTCPSHIM_VERSION);
	copy_os_release(fp);
	fclose(fp);
}

static void copy_sysctl(FILE *fp, const char *dir, const char *name)
{
	char path[PATH_MAX], value[512];
	FILE *in;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	in = fopen(path, "re");
	if (!in)
		return;
	if (fgets(value, sizeof(value), in)) {
		const char *key = path + strlen("/proc/sys/");

		value[strcspn(value, "\n")] = '\0';
		for (const char *k = key; *k; k++)
			fputc(*k == '/' ? '.' : *k, fp);
		fprintf(fp, " = %s\n", value);
	}
	fclose(in);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

void bundle_write_sysctls(const struct bundle *b)
{
	struct dirent **names;
	FILE *fp = bundle_create(b, "sysctl.txt");
	int n;

	if (!fp)
		return;
	n = scandir("/proc/sys/net/mptcp", &names, NULL, by_name);
	if (n < 0)
		fprintf(fp, "/proc/sys/net/mptcp: %s\n", strerror(errno));
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			copy_sysctl(fp, "/proc/sys/net/mptcp",
				    names[i]->d_name);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	copy_sysctl(fp, "/proc/sys/net/ipv4/conf/all", "rp_filter");
	copy_sysctl(fp, "/proc/sys/net/ipv4/conf/default", "rp_filter");
	fclose(fp);
}

void bundle_write_mib(const struct bundle *b, const char *name,
		      const struct mib_set *set, const char *missing)
{
	FILE *fp = bundle_create(b, name);

	if (!fp)
		return;
	if (!set)
		fprintf(fp, "%s\n", missing);
	for (size_t i = 0; set && i < set->n; i++)
		fprintf(fp, "MPTcpExt%-32s %llu\n", set->v[i].name,
			set->v[i].value);
	fclose(fp);
}

void bundle_write_events(const struct bundle *b)
{
	struct ifaddrs *list = NULL;
	FILE *fp = bundle_create(b, "pm-events.txt");
	struct out *out;

	if (!fp)
		return;
	out = out_new(fp, false);
	if (!out) {
		fclose(fp);
		return;
	}
	if (!b->events_ok)
		out_text(out, "no events recorded: %s\n", b->events_note);
	else
		out_text(out, "path-manager events: %zu%s\n", b->nev,
			 b->events_lost ? " (some were lost)" : "");
	if (getifaddrs(&list) < 0)
		list = NULL;
	out_array_open(out, "events");
	for (size_t i = 0; i < b->nev; i++)
		pm_event_print(out, &b->ev[i], list);
	out_array_close(out);
	if (list)
		freeifaddrs(list);
	out_end(out);
	fclose(fp);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

void bundle_write_reproduce(const struct bundle *b,
			    const struct bundle_options *o, int status,
			    double took, int start_error)
{
	FILE *fp = bundle_create(b, "reproduce.txt");

	if (!fp)
		return;
	if (!o->command) {
		fprintf(fp, "no command: counters and events over %g s\n",
			o->duration);
	} else {
		/* The name only: arguments may hold secrets. */
		fprintf(fp, "program: ");
		out_safe_text(fp, base_name(o->command[0]), false);
		fprintf(fp, "\n");
		if (start_error)
			fprintf(fp, "could not start: %s\n",
				strerror(start_error));
		else if (WIFEXITED(status))
			fprintf(fp, "exit status: %d\n", WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			fprintf(fp, "killed by signal %d\n", WTERMSIG(status));
		if (b->stopped)
			fprintf(fp, "stopped at the time limit (--duration "
				    "%g s)\n", o->duration);
		fprintf(fp, "duration: %.3f s\n", took);
	}
	fclose(fp);
}

void bundle_write_readme(const struct bundle *b,
			 const struct bundle_options *o)
{
	FILE *fp = bundle_create(b, "README.txt");

	if (!fp)
		return;
	fprintf(fp, "mptcpshim %s debug bundle (mptcpshim doctor --bundle)\n\n"
		    "Addresses: %s\n"
		    "Not collected: the environment, command arguments, "
		    "host name.\n\n",
		MPTCPSHIM_VERSION,
		o->addresses ? "as they are (--addresses was given)" :
			       "replaced by pseudonyms (ipv4-1, ipv6-1, ...), "
			       "the same address the same name in every "
			       "file; loopback kept");
	/* Only what is there: a snapshot "during" needs connections. */
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", b->dir, files[i].name);
		if (i == 0 || access(path, F_OK) == 0)
			fprintf(fp, "%-20s %s\n", files[i].name,
				files[i].what);
	}
	fclose(fp);
}

int bundle_redact(const struct bundle *b)
{
	struct redact r = { 0 };
	int rc = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && !rc; i++) {
		char path[PATH_MAX], *in = NULL, *out;
		size_t len = 0, cap = 0, out_len;
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s", b->dir, files[i].name);
		fp = fopen(path, "re");
		if (!fp)
			continue;
		in = malloc(cap = 1 << 16);
		while (in) {
			size_t got = fread(in + len, 1, cap - len, fp);
			char *grown;

			len += got;
			if (len < cap)
				break;
			grown = realloc(in, cap *= 2);
			if (!grown) {
				free(in);
				in = NULL;
			}
			in = grown;
		}
		fclose(fp);
		out = in ? redact_text(&r, in, len, &out_len) : NULL;
		free(in);
		fp = out ? fopen(path, "we") : NULL;
		if (!fp || fwrite(out, 1, out_len, fp) != out_len)
			rc = -1;
		if (fp && fclose(fp) != 0)
			rc = -1;
		free(out);
	}
	redact_free(&r);
	return rc;
}

