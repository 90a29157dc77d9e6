// SPDX-License-Identifier: BSD-3-Clause
/*
 * `mptcpshim metrics [--netns NAME|PID] [--textfile DIR] [--stats DIR]`:
 * Prometheus text format on stdout, or into DIR for node_exporter's
 * textfile collector, written to a temporary file and renamed so that a
 * scrape never reads half a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "metrics.h"
#include "netns.h"
#include "output.h"

struct metrics_cli {
	const char *netns, *textfile, *stats;
	bool no_probe;
};

static void usage(FILE *fp)
{
	out_usage(fp,
		"Usage: mptcpshim metrics [--netns NAME|PID] [--textfile DIR] "
		"[--stats DIR]\n"
		"           [--no-probe]\n"
		"Prints MPTCP metrics in Prometheus text format: every MPTcpExt "
		"counter,\nsysctls, blackhole state, endpoints and limits, "
		"connections and subflows\nper interface.\n\n"
		"  -n, --netns NAME|PID  read that network namespace (a name "
		"under /run/netns,\n"
		"                        or a process's); samples are labelled "
		"netns=\"NAME|PID\"\n"
		"                        (default: \"host\", or \"self\" in a "
		"container)\n"
		"  -t, --textfile DIR    write DIR/mptcpshim.prom (with --netns: "
		"\n"
		"                        DIR/mptcpshim-netns-NAME.prom) "
		"atomically, for\n"
		"                        node_exporter's textfile collector\n"
		"  -s, --stats DIR       add the shim's per-program figures from "
		"the records\n"
		"                        programs write to DIR "
		"(MPTCPSHIM_STATS=DIR)\n"
		"      --no-probe        never probe the blackhole state (see "
		"mptcpshim(1))\n"
		"\nExit status: 0 ok, 1 no MPTCP counters or the file could not "
		"be written,\n2 usage or the namespace cannot be entered.\n");
}

static int write_here(FILE *fp, void *arg)
{
	return metrics_write(fp, arg);
}

/* One file per namespace, and never the same file for two: characters
 * other than letters, digits, '.', '_' and '-' are written %XX (and '%'
 * itself), so "a b" and "a_b" stay apart. 0: the name does not fit in a
 * file name (NAME_MAX, with room for the temporary file's suffix). */
static bool file_name(const char *netns, char *buf, size_t len)
{
	size_t n;

	if (!netns)
		return (size_t)snprintf(buf, len, "mptcpshim.prom") < len;
	n = (size_t)snprintf(buf, len, "mptcpshim-netns-");
	for (const unsigned char *s = (const unsigned char *)netns; *s; s++) {
		bool keep = (*s >= 'a' && *s <= 'z') ||
			    (*s >= 'A' && *s <= 'Z') ||
			    (*s >= '0' && *s <= '9') || *s == '-' ||
			    *s == '_' || *s == '.';

		if (n + 4 >= len)
			return false;
		n += (size_t)(keep ? snprintf(buf + n, len - n, "%c", *s) :
				     snprintf(buf + n, len - n, "%%%02X", *s));
	}
	return (size_t)snprintf(buf + n, len - n, ".prom") < len - n;
}

static int write_textfile(const char *dir, const char *netns,
			  const char *text, size_t len)
{
	/* NAME_MAX less the temporary name's "." and ".XXXXXX". */
	char name[NAME_MAX - 8 + 1], tmp[PATH_MAX], final[PATH_MAX];
	int fd;

	if (!file_name(netns, name, sizeof(name)))
		return CLI_USAGE;	/* checked before collecting */
	if ((size_t)snprintf(final, sizeof(final), "%s/%s", dir, name) >=
		    sizeof(final) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >=
		    sizeof(tmp)) {
		cli_error("metrics", "directory name too long: %s", dir);
		return CLI_USAGE;
	}
	/* The collector skips names not ending in .prom: the temporary file
	 * is never read half-written. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		cli_error("metrics", "cannot write in %s: %s", dir,
			  strerror(errno));
		return CLI_CHECK_FAILED;
	}
	if (fchmod(fd, 0644) < 0 || write(fd, text, len) != (ssize_t)len ||
	    fsync(fd) < 0 || close(fd) < 0) {
		int e = errno;

		close(fd);
		unlink(tmp);
		cli_error("metrics", "cannot write %s: %s", tmp, strerror(e));
		return CLI_CHECK_FAILED;
	}
	if (rename(tmp, final) < 0) {
		int e = errno;

		unlink(tmp);
		cli_error("metrics", "cannot rename to %s: %s", final,
			  strerror(e));
		return CLI_CHECK_FAILED;
	}
	return CLI_OK;
}

static int collect(const struct metrics_cli *c, char **text, size_t *len)
{
	struct metrics_options o = {
		.netns_label = c->netns ? c->netns : netns_own_label(),
		.stats_dir = c->stats,
		.probe_blackhole = !c->no_probe,
	};
	FILE *mem;
	int rc, fd;

	if (!c->netns) {
		mem = open_memstream(text, len);
		if (!mem)
			return -1;
		rc = metrics_write(mem, &o);
		return fclose(mem) == 0 ? rc : -1;
	}
	fd = netns_open(c->netns);
	if (fd < 0) {
		cli_error("metrics", "no network namespace '%s': %s", c->netns,
			  errno == EINVAL ? "not a network namespace" :
					    strerror(errno));
		return -2;
	}
	rc = netns_call(fd, write_here, &o, text, len);
	if (rc < 0)
		cli_error("metrics", "cannot enter network namespace '%s': %s%s",
			  c->netns, strerror(errno),
			  errno == EPERM ? " (needs CAP_SYS_ADMIN)" : "");
	close(fd);
	return rc < 0 ? -2 : rc;
}

int cmd_metrics(int argc, char **argv)
{
	struct metrics_cli c = { 0 };
	const struct cli_option options[] = {
		CLI_OPTION_VALUE("netns", 'n', &c.netns),
		CLI_OPTION_VALUE("textfile", 't', &c.textfile),
		CLI_OPTION_VALUE("stats", 's', &c.stats),
		CLI_OPTION_FLAG("no-probe", 0, &c.no_probe),
		CLI_OPTION_END,
	};
	char *text = NULL;
	size_t len = 0;
	int rc;

	rc = cli_parse_options(argc, argv, "metrics", options,
			       CLI_OPTIONS_NO_OPERANDS, usage);
	if (rc >= 0)
		return rc;
	if (c.textfile) {
		char name[NAME_MAX - 8 + 1];

		/* "" would write /mptcpshim.prom. */
		if (!*c.textfile) {
			cli_error("metrics", "--textfile: a directory "
					     "expected");
			return CLI_USAGE;
		}
		if (!file_name(c.netns, name, sizeof(name))) {
			cli_error("metrics", "--netns: name too long for a "
					     "file name");
			return CLI_USAGE;
		}
	}
	rc = collect(&c, &text, &len);
	if (rc == -2)
		return CLI_USAGE;
	if (rc < 0 || !text) {
		free(text);
		cli_error("metrics", "out of memory");
		return CLI_CHECK_FAILED;
	}
	if (rc == 1)
		cli_error("metrics", "no MPTcpExt counters: this kernel has no "
				     "MPTCP");
	if (c.textfile) {
		int wrc = write_textfile(c.textfile, c.netns, text, len);

		if (wrc != CLI_OK)
			rc = wrc;
	} else {
		/* Through the one printer (escaped already: the same bytes). */
		struct out *out = out_new(stdout, false);

		if (out) {
			out_text(out, "%s", text);
			out_end(out);
		}
		if (!out || fflush(stdout) != 0)
			rc = CLI_CHECK_FAILED;
	}
	free(text);
	return rc == 0 ? CLI_OK : rc == CLI_USAGE ? CLI_USAGE :
						     CLI_CHECK_FAILED;
}
