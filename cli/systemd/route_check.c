// SPDX-License-Identifier: BSD-3-Clause
/*
 * `enable` writes Environment=LD_PRELOAD, which a statically linked or
 * pre-1.21 Go ExecStart never loads. A program the preloaded library
 * starts gets the seccomp route from its exec hooks (a wrapper script is
 * fine as it is), but systemd itself has no library: such an ExecStart=
 * line is started through the launcher instead, in the drop-in:
 *
 *   ExecStart=
 *   ExecStart=[prefixes]LAUNCHER -p PROGRAM ARGV0 ARGS...
 *
 * where everything after PROGRAM is the unit's own text, so quoting and
 * specifiers are read by systemd exactly as before. A line that cannot be
 * rewritten so (a continued line, a program path with specifiers or
 * quotes) is refused, with how to wrap it by hand.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "libpath.h"
#include "route.h"
#include "rootpath.h"
#include "elfcheck.h"
#include "route_check.h"
#include "strbuf.h"

#define MAX_COMMANDS 16

struct commands {
	char *path[MAX_COMMANDS];
	char *line[MAX_COMMANDS];	/* the raw value; NULL if unknown */
	size_t n;
};

static void commands_clear(struct commands *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->path[i]);
		free(c->line[i]);
	}
	c->n = 0;
}

static void commands_add(struct commands *c, const char *start, size_t len,
			 const char *line)
{
	if (len && c->n < MAX_COMMANDS) {
		c->line[c->n] = line ? strdup(line) : NULL;
		c->path[c->n++] = strndup(start, len);
	}
}

/* One ExecStart= value: the program of its command line. */
static void add_exec_line(struct commands *c, const char *value)
{
	const char *p = value + strspn(value, " \t");

	if (!*p) {		/* "ExecStart=" resets the list */
		commands_clear(c);
		return;
	}
	p += strspn(p, "@-:+!|");	/* systemd's command prefixes */
	if (*p == '"' || *p == '\'') {
		const char *end = strchr(p + 1, *p);

		if (end)
			commands_add(c, p + 1, (size_t)(end - p - 1), value);
		return;
	}
	commands_add(c, p, strcspn(p, " \t"), value);
}

/* The [Service] ExecStart= lines of one file, in order. */
static void read_file(struct commands *c, const char *path)
{
	const char *base = strrchr(path, '/');
	char *text, *line, *save = NULL;
	bool service = false;

	/* Our own drop-in: what enable wrote before is written again. */
	if (base && strcmp(base + 1, DROPIN_FILE) == 0)
		return;
	text = dropin_read_text(path);
	if (!text)
		return;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (*line == '[')
			service = strncmp(line, "[Service]", 9) == 0;
		else if (service && strncmp(line, "ExecStart", 9) == 0 &&
			 line[9 + strspn(line + 9, " \t")] == '=')
			add_exec_line(c, strchr(line, '=') + 1);
	}
	free(text);
}

/* systemctl show's "{ path=/usr/bin/x ; argv[]=... }" entries. */
static void read_manager(struct commands *c, const char *shown)
{
	for (const char *p = shown; (p = strstr(p, "path=")); p += 5)
		commands_add(c, p + 5, strcspn(p + 5, " ;"), NULL);
}

/* The directory systemd finds a bare ExecStart name in (below --root);
 * NULL when it is a path or not found. */
static const char *bare_dir;

/* The file to inspect for one ExecStart program (below --root). */
static bool locate(const struct sd *sd, const char *program, char *out,
		   size_t len)
{
	static const char *const dirs[] = { "/usr/local/sbin",
					    "/usr/local/bin", "/usr/sbin",
					    "/usr/bin", "/sbin", "/bin" };

	char inside[PATH_MAX];

	bare_dir = NULL;
	/* Resolved inside the root: /usr/bin/x -> /etc/alternatives/x is
	 * the image's alternative, not the host's. */
	if (program[0] == '/')
		return root_path(sd->root, program, out, len) == 0 &&
		       access(out, F_OK) == 0;
	/* systemd 239+ looks a bare name up in fixed directories. */
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(inside, sizeof(inside), "%s/%s", dirs[i], program);
		if (root_path(sd->root, inside, out, len) == 0 &&
		    access(out, F_OK) == 0) {
			bare_dir = dirs[i];
			return true;
		}
	}
	return false;
}

static void refuse(const struct sd *sd, const char *program, const char *why,
		   const char *problem)
{
	cli_error(sd->cmd,
		  "%s: ExecStart runs %s, which LD_PRELOAD cannot reach "
		  "(%s), and %s\n"
		  "  wrap the command instead, in a drop-in "
		  "(systemctl edit %s):\n"
		  "    [Service]\n    ExecStart=\n"
		  "    ExecStart=mptcpshim run -- %s ARGS...",
		  sd->unit.name, program, why, problem, sd->unit.name, program);
}

/*
 * The drop-in's line for one raw ExecStart= value whose program (its path
 * as systemd will exec it) needs the route; NULL when it cannot be
 * rewritten safely (problem says why).
 */
static char *rewrite(const char *value, const char *program,
		     const char **problem)
{
	const char *p = value + strspn(value, " \t"), *word, *after;
	size_t nprefix = strspn(p, "@-:+!|");
	bool at = memchr(p, '@', nprefix) != NULL;
	char prefixes[8] = "", *out = NULL;
	size_t k = 0;

	for (size_t i = 0; i < nprefix && k < sizeof(prefixes) - 1; i++)
		if (p[i] != '@')
			prefixes[k++] = p[i];
	word = p + nprefix;
	after = word + strcspn(word, " \t");
	if (value[strlen(value) - 1] == '\\' || *word == '"' ||
	    *word == '\'' || strpbrk(program, "%$\"' \t\\")) {
		*problem = "this ExecStart= line cannot be rewritten safely";
		return NULL;
	}
	if (asprintf(&out, "ExecStart=%s%s -p %s %s", prefixes,
		     libpath_exec_helper(), program,
		     at ? after + strspn(after, " \t") : word) < 0)
		return NULL;
	return out;
}

static int judge(const struct sd *sd, const struct commands *c,
		 char **exec_lines)
{
	char *lines[MAX_COMMANDS] = { NULL };
	char helper[PATH_MAX];
	bool any = false;
	int rc = CLI_OK;

	for (size_t i = 0; i < c->n && rc == CLI_OK; i++) {
		const char *base = strrchr(c->path[i], '/');
		const char *problem = NULL;
		struct route_choice route;
		char file[PATH_MAX];

		base = base ? base + 1 : c->path[i];
		/* Wrapped already: run chooses the route itself. */
		if (strcmp(base, "mptcpshim") == 0 ||
		    strcmp(base, "mptcpize") == 0 ||
		    strcmp(base, "mptcpshim-exec") == 0 ||
		    !locate(sd, c->path[i], file, sizeof(file)))
			continue;
		route_choose(file, ROUTE_AUTO, &route);
		if (!route.seccomp)
			continue;
		if (!c->line[i])
			problem = "its unit file was not found to rewrite";
		else if (root_path(sd->root, libpath_exec_helper(), helper,
				   sizeof(helper)) != 0 ||
			 access(helper, X_OK) != 0)
			problem = "the launcher is not installed there";
		else {
			char program[PATH_MAX];

			snprintf(program, sizeof(program), "%s%s%s",
				 bare_dir ? bare_dir : "", bare_dir ? "/" : "",
				 c->path[i]);
			lines[i] = rewrite(c->line[i], program, &problem);
		}
		if (!lines[i]) {
			refuse(sd, c->path[i], route.why,
			       problem ? problem : "out of memory");
			rc = CLI_CHECK_FAILED;
		}
		any = true;
	}
	*exec_lines = NULL;
	if (rc == CLI_OK && any) {
		struct strbuf b = { 0 };

		/* The list as the unit has it, each static program started
		 * through the launcher (systemd has no library). */
		strbuf_addf(&b, "# The seccomp route for programs LD_PRELOAD "
				"cannot reach (libmptcpshim(8)):\nExecStart=\n");
		for (size_t i = 0; i < c->n; i++)
			if (lines[i])
				strbuf_addf(&b, "%s\n", lines[i]);
			else
				strbuf_addf(&b, "ExecStart=%s\n", c->line[i]);
		*exec_lines = b.s;
		if (!b.s)
			rc = CLI_CHECK_FAILED;
	}
	for (size_t i = 0; i < c->n; i++)
		free(lines[i]);
	return rc;
}

/*
 * The unit's ExecStart programs: from its files' own text (what enable can
 * rewrite), or as systemd has them for a unit without files (generated,
 * transient).
 */
static void collect(const struct sd *sd, struct commands *c)
{
	struct dropin_files files;
	bool found = dropin_find(&sd->paths, &sd->unit, &files) == 0;

	if (found && files.fragment) {
		read_file(c, files.fragment);
		for (size_t i = 0; i < files.n; i++)
			read_file(c, files.dropins[i]);
	} else if (sd_ask_systemd(sd, &sd->unit)) {
		char *shown = sd_property(sd, "ExecStart", sd->unit.name);

		if (shown)
			read_manager(c, shown);
		free(shown);
	}
	if (found)
		dropin_files_free(&files);
}

int sd_route_check(const struct sd *sd, char **exec_lines)
{
	struct commands c = { .n = 0 };
	int rc;

	collect(sd, &c);
	rc = judge(sd, &c, exec_lines);
	commands_clear(&c);
	return rc;
}

bool sd_exec_go_landlock(const struct sd *sd)
{
	struct commands c = { .n = 0 };
	bool found = false;

	collect(sd, &c);
	for (size_t i = 0; i < c.n && !found; i++) {
		char file[PATH_MAX];
		struct elf_facts f;

		found = locate(sd, c.path[i], file, sizeof(file)) &&
			elf_inspect(file, &f) == 0 && f.go && f.go_landlock;
	}
	commands_clear(&c);
	return found;
}
