// SPDX-License-Identifier: BSD-3-Clause
/*
 * Finding, vetting and merging policy files. Every source is parsed on its
 * own and merged only if it is safe and clean, so a broken file behaves as
 * if it did not exist; later sources win key by key.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_config.h"
#include "policy_index.h"
#include "policy_internal.h"

/* Later wins per key; a list replaces the earlier list as a whole. */
static bool merge_settings(struct settings *dst, struct settings *src)
{
	for (int i = 0; i < KEY_COUNT; i++) {
		if (!src->key[i].set)
			continue;
		free(dst->key[i].list.items);
		dst->key[i] = src->key[i];
		src->key[i].list = (struct rule_list){ 0 };
	}
	for (size_t i = 0; i < src->n_opts; i++) {
		size_t j;

		for (j = 0; j < dst->n_opts; j++)
			if (dst->opts[j].level == src->opts[i].level &&
			    dst->opts[j].optname == src->opts[i].optname)
				break;
		if (j == dst->n_opts) {
			if (!policy_grow((void **)&dst->opts, &dst->cap_opts,
					 dst->n_opts, sizeof(*dst->opts)))
				return false;
			dst->n_opts++;
		}
		dst->opts[j] = src->opts[i];
	}
	return true;
}

/* The first file that lists programs hands its sections and their index
 * over whole: a section merged into nothing is the section itself. */
static void take_apps(struct policy *dst, struct policy *src)
{
	free(dst->apps);
	dst->apps = src->apps;
	dst->n_apps = src->n_apps;
	dst->cap_apps = src->cap_apps;
	src->apps = NULL;
	src->n_apps = src->cap_apps = 0;
	name_index_release(&dst->app_index);
	dst->app_index = src->app_index;
	src->app_index = (struct name_index){ 0 };
}

/* Programs are found through dst's name index: a policy may list tens of
 * thousands, and a scan per section would make loading quadratic. */
static bool merge_policy(struct policy *dst, struct policy *src)
{
	if (!merge_settings(&dst->global, &src->global))
		return false;
	if (dst->n_apps == 0) {
		take_apps(dst, src);
		return true;
	}
	for (size_t i = 0; i < src->n_apps; i++) {
		struct policy_app *app = &src->apps[i], *into;
		long at = name_index_find(&dst->app_index, app->name);

		if (at >= 0) {
			into = &dst->apps[at];
		} else {
			if (dst->n_apps >= UINT32_MAX ||
			    !policy_grow((void **)&dst->apps, &dst->cap_apps,
					 dst->n_apps, sizeof(*dst->apps)) ||
			    !name_index_add(&dst->app_index, app->name,
					    (uint32_t)dst->n_apps))
				return false;
			into = &dst->apps[dst->n_apps++];
			memset(into, 0, sizeof(*into));
			into->name = app->name;
			app->name = NULL;
		}
		into->origin = app->origin;
		if (!merge_settings(&into->s, &app->s))
			return false;
	}
	return true;
}

static struct policy *policy_new(void)
{
	struct policy *p = calloc(1, sizeof(*p));

	if (p)
		policy_settings_init_defaults(&p->global);
	return p;
}

/* Keeps a copy of a file name for origins to point at. */
static const char *own_file_name(struct policy *p, const char *name)
{
	char *copy;

	if (!policy_grow((void **)&p->files, &p->cap_files, p->n_files,
			 sizeof(*p->files)))
		return NULL;
	copy = strdup(name);
	if (copy)
		p->files[p->n_files++] = copy;
	return copy;
}

static bool record_source(struct policy *p, const char *file, bool used)
{
	if (!policy_grow((void **)&p->sources, &p->cap_sources, p->n_sources,
			 sizeof(*p->sources)))
		return false;
	p->sources[p->n_sources++] = (struct source_record){ file, used };
	return true;
}

/* Merges a parsed layer of file (owned by p) into p unless it has a
 * problem; frees it. Returns the number of problems, -1 when out of
 * memory. */
static int add_layer(struct policy *p, const char *file, struct policy *layer,
		     int problems, policy_diag_fn diag, void *ctx)
{
	if (problems < 0)
		return -1;
	if (problems == 0 && !merge_policy(p, layer)) {
		policy_free(layer);
		return -1;
	}
	if (problems > 0)
		policy_report(diag, ctx, file,
		       "ignoring this file: it has errors (built-in defaults "
		       "and the other files apply)");
	policy_free(layer);
	if (!record_source(p, file, problems == 0))
		return -1;
	return problems;
}

/* Parses in and merges it into p unless it has a problem. */
static int add_stream(struct policy *p, FILE *in, const char *file,
		      policy_diag_fn diag, void *ctx)
{
	struct policy *layer = NULL;
	int problems = policy_parse(in, file, diag, ctx, &layer);

	return add_layer(p, file, layer, problems, diag, ctx);
}

/* Loads one source file into p if it exists and is safe; through its
 * compiled index (policy_index.h) when names is set and one is usable. */
static int add_file(struct policy *p, const char *path, bool must_exist,
		    const char *const *names, policy_diag_fn diag, void *ctx)
{
	int problems = 0;
	struct stat st;
	int fd = policy_open_checked(path, true, diag, ctx, &problems, &st);
	const char *file;
	FILE *in;
	int rc;

	if (fd == -2) {
		if (must_exist)
			policy_report(diag, ctx, path, "cannot read: no such file");
		return 0;
	}
	file = own_file_name(p, path);
	if (!file) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd < 0)
		return record_source(p, file, false) ? 0 : -1;
	if (names) {
		struct policy *layer;

		rc = policy_index_parse(fd, &st, file, names, diag, ctx, &layer);
		if (rc != -2) {
			close(fd);
			return add_layer(p, file, layer, rc, diag, ctx) < 0 ? -1
									    : 0;
		}
	}
	in = fdopen(fd, "r");
	if (!in) {
		close(fd);
		return -1;
	}
	rc = add_stream(p, in, file, diag, ctx);
	fclose(in);
	return rc < 0 ? -1 : 0;
}

struct policy *policy_load(const struct policy_sources *src,
			   policy_diag_fn diag, void *ctx)
{
	struct policy *p = policy_new();
	char path[4096];

	if (!p)
		return NULL;
	const char *const *names = src->use_index ? src->program_names : NULL;

	if (src->system_file &&
	    add_file(p, src->system_file, false, names, diag, ctx))
		goto oom;
	/* Last name first: the first name (the executable's) wins, as it
	 * does when policy_resolve() picks the [app:NAME] section. */
	size_t n_names = 0;

	while (src->apps_dir && src->program_names &&
	       src->program_names[n_names])
		n_names++;
	for (size_t i = n_names; i-- > 0;) {
		const char *name = src->program_names[i];
		int len;

		if (!policy_program_name_ok(name))
			continue;
		len = snprintf(path, sizeof(path), "%s/%s.conf", src->apps_dir,
			       name);
		if (len < 0 || len >= (int)sizeof(path))
			continue;
		if (add_file(p, path, false, NULL, diag, ctx))
			goto oom;
	}
	if (src->user_file &&
	    add_file(p, src->user_file, false, names, diag, ctx))
		goto oom;
	if (src->env_file && add_file(p, src->env_file, true, names, diag, ctx))
		goto oom;
	return p;
oom:
	policy_free(p);
	errno = ENOMEM;
	return NULL;
}

struct policy *policy_load_stream(FILE *in, const char *name,
				  policy_diag_fn diag, void *ctx)
{
	struct policy *p = policy_new();

	const char *file;

	if (!p)
		return NULL;
	file = own_file_name(p, name);
	if (!file || add_stream(p, in, file, diag, ctx) < 0) {
		policy_free(p);
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

/* dir followed by tail into buf; false if it does not fit. By hand: in
 * the shim this runs in every process that opens a socket, and snprintf()
 * is a thousand instructions (and a PLT binding) there. */
static bool join_path(char *buf, size_t len, const char *dir,
		      const char *tail)
{
	size_t n = 0;

	for (; *dir; dir++)
		if (n + 1 < len)
			buf[n++] = *dir;
		else
			return false;
	for (; *tail; tail++)
		if (n + 1 < len)
			buf[n++] = *tail;
		else
			return false;
	if (len == 0)
		return false;
	buf[n] = '\0';
	return true;
}

bool policy_sources_default(struct policy_sources *src,
			    const char *const *program_names, bool secure,
			    char *user_buf, size_t user_buf_len)
{
	struct policy_env env = { 0 };

	if (!secure) {
		env.xdg_config_home = getenv("XDG_CONFIG_HOME");
		env.home = getenv("HOME");
		env.config = getenv("MPTCPSHIM_CONFIG");
	}
	return policy_sources_from(src, program_names, secure, &env, user_buf,
				   user_buf_len);
}

bool policy_sources_from(struct policy_sources *src,
			 const char *const *program_names, bool secure,
			 const struct policy_env *e, char *user_buf,
			 size_t user_buf_len)
{
	const char *xdg = e->xdg_config_home, *home = e->home;
	const char *env = e->config;
	bool have_user = false, want_user = false;

	*src = (struct policy_sources){
		.system_file = MPTCPSHIM_SYSCONFDIR "/mptcpshim.conf",
		.apps_dir = MPTCPSHIM_SYSCONFDIR "/apps.d",
		.program_names = program_names,
	};
	if (secure)
		return true;
	if (user_buf && xdg && *xdg == '/') {
		want_user = true;
		have_user = join_path(user_buf, user_buf_len, xdg,
				      "/mptcpshim/mptcpshim.conf");
	} else if (user_buf && home && *home == '/') {
		want_user = true;
		have_user = join_path(user_buf, user_buf_len, home,
				      "/.config/mptcpshim/mptcpshim.conf");
	}
	if (have_user)
		src->user_file = user_buf;
	if (env && *env)
		src->env_file = env;
	return have_user || !want_user;
}

bool policy_names_matter(const struct policy *policy,
			 const struct policy_sources *src)
{
	DIR *dir;
	struct dirent *e;
	bool found = false;

	if (policy && policy->n_apps)
		return true;
	if (!src->apps_dir)
		return false;
	dir = opendir(src->apps_dir);
	if (!dir)	/* none there (or unreadable: the shim reads none) */
		return errno != ENOENT && errno != ENOTDIR && errno != EACCES;
	while (!found && (e = readdir(dir))) {
		size_t n = strlen(e->d_name);

		found = n > 5 && strcmp(e->d_name + n - 5, ".conf") == 0;
	}
	closedir(dir);
	return found;
}
