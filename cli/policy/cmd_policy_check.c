// SPDX-License-Identifier: BSD-3-Clause
/*
 * `policy check [--json] [FILE...]`: every problem of each file as
 * FILE:LINE: message, the safety refusals the shim would make included;
 * without FILE, the files the shim would read.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"
#include "policy_index.h"
#include "policy_verbs.h"
#include "strbuf.h"

struct check_state {
	struct out *out;
	int problems;
	char seen[4][160];	/* whole-file messages already printed */
	int n_seen;
};

static void print_problem(void *ctx, const char *file, unsigned line,
			  const char *message)
{
	struct check_state *st = ctx;

	/* policy_file_safety() and policy_check_file() make the same
	 * whole-file checks: say each once. */
	if (line == 0) {
		for (int i = 0; i < st->n_seen; i++)
			if (strcmp(st->seen[i], message) == 0)
				return;
		if (st->n_seen < 4)
			snprintf(st->seen[st->n_seen++], sizeof(st->seen[0]),
				 "%s", message);
	}
	out_object_open(st->out, NULL);
	out_text_string(st->out, "%s", file);
	out_uint(st->out, "line", line ? ":%llu" : NULL, line);
	out_string(st->out, "message", ": %s\n", message);
	out_object_close(st->out);
	st->problems++;
}

/* Returns the number of problems in path; 0 when clean. */
/* The compiled index beside a clean path, if any: the shim ignores a
 * stale one (and reads the whole file), worth knowing after an edit. */
static void report_index(struct out *out, const char *path)
{
	static const char *const names[] = { "none", "current", "stale" };
	enum policy_index_state state = policy_index_state(path);

	out_string(out, "compiled_index", NULL, names[state]);
	if (state == POLICY_INDEX_UNUSABLE)
		out_text(out, "%s%s: stale or unusable, so not used "
				"(run 'mptcpshim policy compile %s')\n", path,
				POLICY_INDEX_SUFFIX, path);
}

static int check_one(struct out *out, const char *path)
{
	struct check_state st = { .out = out };
	int rc;

	out_object_open(out, NULL);
	out_string(out, "file", NULL, path);
	out_array_open(out, "problems");
	rc = policy_file_safety(path, print_problem, &st);
	if (rc < 0) {
		char message[160];

		snprintf(message, sizeof(message), "cannot read: %s",
			 strerror(errno));
		print_problem(&st, path, 0, message);
	} else {
		rc = policy_check_file(path, print_problem, &st);
		if (rc < 0 && st.problems == 0)
			print_problem(&st, path, 0, "cannot read");
	}
	out_array_close(out);
	out_bool(out, "ok", NULL, st.problems == 0);
	if (st.problems == 0) {
		out_text_string(out, "%s: ok\n", path);
		report_index(out, path);
	}
	out_object_close(out);
	return st.problems;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The apps.d/<name>.conf files, sorted, into *names (n entries). */
static void list_apps_dir(const char *dir, char ***names, size_t *n)
{
	size_t cap = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	*names = NULL;
	*n = 0;
	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *path;

		if (len <= 5 || strcmp(e->d_name + len - 5, ".conf") != 0 ||
		    e->d_name[0] == '.')
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0 ||
		    strv_push(names, n, &cap, path) < 0)
			break;
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), compare_names);
}

static bool exists(const char *path)
{
	return path && access(path, F_OK) == 0;
}

/* The files the shim would read, in its order; returns the problems. */
static int check_defaults(struct out *out)
{
	char user[PATH_MAX];
	struct policy_sources src;
	int problems = 0, files = 0;
	char **apps;
	size_t n_apps;

	policy_sources_default(&src, NULL, false, user, sizeof(user));
	if (exists(src.system_file)) {
		problems += check_one(out, src.system_file);
		files++;
	}
	list_apps_dir(src.apps_dir, &apps, &n_apps);
	for (size_t i = 0; i < n_apps; i++) {
		problems += check_one(out, apps[i]);
		files++;
	}
	strv_free(apps, n_apps);
	if (exists(src.user_file)) {
		problems += check_one(out, src.user_file);
		files++;
	}
	if (src.env_file) {
		problems += check_one(out, src.env_file);
		files++;
	}
	if (files == 0)
		out_text(out, "no policy file found; the built-in defaults "
			      "apply (convert every TCP socket)\n");
	return problems;
}

int policy_check_cmd(int argc, char **argv)
{
	bool json = false;
	const struct cli_option options[] = {
		CLI_OPTION_JSON(&json),
		CLI_OPTION_END,
	};
	struct out *out;
	int problems = 0, rc;

	rc = cli_parse_options(argc, argv, "policy check", options,
			       CLI_OPTIONS_STOP_AT_OPERAND, policy_usage);
	if (rc >= 0)
		return rc;
	out = out_new(stdout, json);
	if (!out) {
		cli_error("policy check", "out of memory");
		return CLI_USAGE;
	}
	out_array_open(out, "files");
	if (optind >= argc)
		problems = check_defaults(out);
	for (int i = optind; i < argc; i++)
		problems += check_one(out, argv[i]);
	out_array_close(out);
	out_bool(out, "ok", NULL, problems == 0);
	out_end(out);
	return problems ? CLI_USAGE : CLI_OK;
}
