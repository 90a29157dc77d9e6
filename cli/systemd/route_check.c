// SPDX-License-Identifier: BSD-3-Clause
/*
 * `enable` writes Environment=LD_PRELOAD, which a statically linked or
 * pre-1.21 Go ExecStart never loads: the unit would silently stay on TCP.
 * Refuse such a unit and say how to wrap it with `mptcpshim run` (whose
 * seccomp route does reach it). Rewriting ExecStart= ourselves is not
 * safe in general (prefixes, quoting, several commands, specifiers), so
 * we only say what to write.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "route.h"
#include "rootpath.h"
#include "elfcheck.h"
#include "route_check.h"

#define MAX_COMMANDS 16

struct commands {
	char *path[MAX_COMMANDS];
	size_t n;
};

static void commands_clear(struct commands *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->path[i]);
	c->n = 0;
}

static void commands_add(struct commands *c, const char *start, size_t len)
{
	if (len && c->n < MAX_COMMANDS)
		c->path[c->n++] = strndup(start, len);
}

/* One ExecStart= value: the program of its command line. */
static void add_exec_line(struct commands *c, const char *value)
{
	const char *p = value + strspn(value, " \t");

	if (!*p) {		/* "ExecStart=" resets the list */
		commands_clear(c);
		return;
	}
	p += strspn(p, "@-:+!");	/* systemd's command prefixes */
	if (*p == '"' || *p == '\'') {
		const char *end = strchr(p + 1, *p);

		if (end)
			commands_add(c, p + 1, (size_t)(end - p - 1));
		return;
	}
	commands_add(c, p, strcspn(p, " \t"));
}

/* The [Service] ExecStart= lines of one file, in order. */
static void read_file(struct commands *c, const char *path)
{
	char *text = dropin_read_text(path), *line, *save = NULL;
	bool service = false;

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
		commands_add(c, p + 5, strcspn(p + 5, " ;"));
}

/* The file to inspect for one ExecStart program (below --root). */
static bool locate(const struct sd *sd, const char *program, char *out,
		   size_t len)
{
	static const char *const dirs[] = { "/usr/local/sbin",
					    "/usr/local/bin", "/usr/sbin",
					    "/usr/bin", "/sbin", "/bin" };

	char inside[PATH_MAX];

	/* Resolved inside the root: /usr/bin/x -> /etc/alternatives/x is
	 * the image's alternative, not the host's. */
	if (program[0] == '/')
		return root_path(sd->root, program, out, len) == 0 &&
		       access(out, F_OK) == 0;
	/* systemd 239+ looks a bare name up in fixed directories. */
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(inside, sizeof(inside), "%s/%s", dirs[i], program);
		if (root_path(sd->root, inside, out, len) == 0 &&
		    access(out, F_OK) == 0)
			return true;
	}
	return false;
}

static int judge(const struct sd *sd, const struct commands *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const char *base = strrchr(c->path[i], '/');
		struct route_choice route;
		char file[PATH_MAX];

		base = base ? base + 1 : c->path[i];
		/* Wrapped already: run chooses the route itself. */
		if (strcmp(base, "mptcpshim") == 0 ||
		    strcmp(base, "mptcpize") == 0)
			continue;
		if (!locate(sd, c->path[i], file, sizeof(file)))
			continue;
		route_choose(file, ROUTE_AUTO, &route);
		if (!route.seccomp)
			continue;
		cli_error(sd->cmd,
			  "%s: ExecStart runs %s, which LD_PRELOAD cannot "
			  "reach (%s)\n"
			  "  wrap the command instead, in a drop-in "
			  "(systemctl edit %s):\n"
			  "    [Service]\n    ExecStart=\n"
			  "    ExecStart=mptcpshim run -- %s ARGS...",
			  sd->unit.name, c->path[i], route.why, sd->unit.name,
			  c->path[i]);
		return CLI_CHECK_FAILED;
	}
	return CLI_OK;
}

/* The unit's ExecStart programs, as systemd has them or from its files. */
static void collect(const struct sd *sd, struct commands *c)
{
	struct dropin_files files;

	if (sd_ask_systemd(sd, &sd->unit)) {
		char *shown = sd_property(sd, "ExecStart", sd->unit.name);

		if (shown)
			read_manager(c, shown);
		free(shown);
	} else if (dropin_find(&sd->paths, &sd->unit, &files) == 0) {
		if (files.fragment)
			read_file(c, files.fragment);
		for (size_t i = 0; i < files.n; i++)
			read_file(c, files.dropins[i]);
		dropin_files_free(&files);
	}
}

int sd_route_check(const struct sd *sd)
{
	struct commands c = { .n = 0 };
	int rc;

	collect(sd, &c);
	rc = judge(sd, &c);
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
