// SPDX-License-Identifier: BSD-3-Clause
/*
 * Where systemd finds a unit and its drop-ins: the search path of each
 * manager, below an optional root, and the order drop-ins apply in.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dropin.h"
#include "rootpath.h"
#include "strbuf.h"

/* systemd's own order (systemd.unit(5)), generators and portables included. */
static const char *const system_dirs[] = {
	"/etc/systemd/system.control", "/run/systemd/system.control",
	"/run/systemd/transient", "/run/systemd/generator.early",
	"/etc/systemd/system", "/etc/systemd/system.attached",
	"/run/systemd/system", "/run/systemd/system.attached",
	"/run/systemd/generator", "/usr/local/lib/systemd/system",
	"/usr/lib/systemd/system", "/lib/systemd/system",
	"/run/systemd/generator.late",
};

static const char *const user_dirs[] = {
	"/etc/systemd/user", "/run/systemd/user",
	"/usr/local/lib/systemd/user", "/usr/lib/systemd/user",
	"/lib/systemd/user",
};

/* A path below root (root + inside), resolved inside root; "" when it
 * cannot be (a dangling link, a loop): then it holds nothing systemd would
 * load either, and search_path() drops it. NULL: out of memory. */
static char *below_root(const char *root, char *host_path)
{
	char *resolved;

	if (!host_path || !*root)
		return host_path;
	resolved = root_resolve(root, host_path);
	free(host_path);
	return resolved ? resolved : errno == ENOMEM ? NULL : strdup("");
}

/* A unit file or drop-in found at path: a link (an image's
 * foo.service -> /lib/systemd/system/foo.service) is followed inside the
 * root. NULL when it leads nowhere inside it (or no memory). */
static char *file_below_root(const char *root, char *path)
{
	struct stat st;
	char *resolved;

	if (!*root || lstat(path, &st) < 0 || !S_ISLNK(st.st_mode))
		return path;
	resolved = root_resolve(root, path);
	free(path);
	return resolved;
}

/* Drops the directories below_root() could not resolve. */
static void drop_unresolved(char **dirs, size_t *n)
{
	size_t k = 0;

	for (size_t i = 0; i < *n; i++) {
		if (*dirs[i])
			dirs[k++] = dirs[i];
		else
			free(dirs[i]);
	}
	*n = k;
}

/* The search path, most important first, each below the root. */
static int search_path(const struct dropin_paths *paths, char ***dirs,
		       size_t *n)
{
	size_t cap = 0;

	*dirs = NULL;
	*n = 0;
	if (paths->scope == DROPIN_SYSTEM) {
		size_t n_system = sizeof(system_dirs) / sizeof(*system_dirs);

		for (size_t i = 0; i < n_system; i++) {
			char *d;
			int r = asprintf(&d, "%s%s", paths->root,
					 system_dirs[i]);

			if (strv_push(dirs, n, &cap,
				      r < 0 ? NULL : below_root(paths->root,
								d)) < 0)
				return -1;
		}
		drop_unresolved(*dirs, n);
		return 0;
	}
	for (size_t i = 0; i < sizeof(user_dirs) / sizeof(*user_dirs) + 2;
	     i++) {
		char *d;
		int r;

		if (i == 0)
			r = asprintf(&d, "%s%s/systemd/user", paths->root,
				     paths->config_home);
		else if (i == 1)
			r = asprintf(&d, "%s%s/systemd/user", paths->root,
				     paths->data_home);
		else
			r = asprintf(&d, "%s%s", paths->root,
				     user_dirs[i - 2]);
		if (strv_push(dirs, n, &cap,
			      r < 0 ? NULL : below_root(paths->root, d)) < 0)
			return -1;
	}
	/* The user's data dir ranks below /etc and /run, above /usr. */
	if (*n >= 4) {
		char *data = (*dirs)[1];

		(*dirs)[1] = (*dirs)[2];
		(*dirs)[2] = (*dirs)[3];
		(*dirs)[3] = data;
	}
	drop_unresolved(*dirs, n);
	return 0;
}

static int links_to_dev_null(const char *path)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	if (n < 0)
		return 0;
	target[n] = '\0';
	return strcmp(target, "/dev/null") == 0;
}

struct found {
	char *name;	/* file name, the sort and masking key */
	char *path;	/* NULL: masked by a link to /dev/null */
};

static int found_cmp(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->name,
		      ((const struct found *)b)->name);
}

static int add_dropins_from(const char *root, const char *dir,
			    struct found **list, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		struct stat st;
		struct found f;
		bool seen = false;

		if (len < 6 || strcmp(e->d_name + len - 5, ".conf") != 0 ||
		    e->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < *n; i++)
			if (strcmp((*list)[i].name, e->d_name) == 0)
				seen = true;
		if (seen)
			continue;
		f.name = strdup(e->d_name);
		if (asprintf(&f.path, "%s/%s", dir, e->d_name) < 0)
			f.path = NULL;
		if (!f.name || !f.path) {
			free(f.name);
			free(f.path);
			rc = -1;
			break;
		}
		if (links_to_dev_null(f.path)) {
			free(f.path);
			f.path = NULL;
		} else if (!(f.path = file_below_root(root, f.path))) {
			free(f.name);
			if (errno == ENOMEM) {
				rc = -1;
				break;
			}
			continue;	/* a link to nothing in the image */
		} else if (stat(f.path, &st) != 0 || !S_ISREG(st.st_mode)) {
			/* systemd reads regular files only: a FIFO, a
			 * directory or a device named *.conf is skipped. */
			free(f.name);
			free(f.path);
			continue;
		}
		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 8;
			struct found *nl = realloc(*list, ncap * sizeof(*nl));

			if (!nl) {
				free(f.name);
				free(f.path);
				rc = -1;
				break;
			}
			*list = nl;
			*cap = ncap;
		}
		(*list)[(*n)++] = f;
	}
	closedir(d);
	return rc;
}

/*
 * The names whose "<name>.d" directories apply to unit, most specific
 * first: the unit, its template, "foo-bar-.service" and "foo-.service"
 * for "foo-bar-baz.service", then "service".
 */
static int dropin_dir_names(const struct unitname *unit, char ***names,
			    size_t *n)
{
	struct unitname tmpl;
	size_t cap = 0;
	size_t stem = strlen(unit->name) - strlen(unit->suffix) - 1;
	const char *at = strchr(unit->name, '@');

	*names = NULL;
	*n = 0;
	if (strv_push(names, n, &cap, strdup(unit->name)) < 0)
		return -1;
	if (unitname_template(unit, &tmpl) == 0 &&
	    strv_push(names, n, &cap, strdup(tmpl.name)) < 0)
		return -1;
	if (at)
		stem = (size_t)(at - unit->name);
	for (size_t i = stem; i > 0; i--) {
		char *name;

		/* A dash at the very end of the prefix is no level. */
		if (unit->name[i - 1] != '-' || i == stem)
			continue;
		if (asprintf(&name, "%.*s.%s", (int)i, unit->name,
			     unit->suffix) < 0)
			name = NULL;
		if (strv_push(names, n, &cap, name) < 0)
			return -1;
	}
	return strv_push(names, n, &cap, strdup(unit->suffix));
}

int dropin_find(const struct dropin_paths *paths, const struct unitname *unit,
		struct dropin_files *out)
{
	struct found *list = NULL;
	size_t n_list = 0, cap_list = 0, n_dirs = 0, n_names = 0;
	char **dirs = NULL, **names = NULL;
	struct unitname tmpl;
	bool has_tmpl = unitname_template(unit, &tmpl) == 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (search_path(paths, &dirs, &n_dirs) < 0 ||
	    dropin_dir_names(unit, &names, &n_names) < 0)
		goto done;

	/* The fragment: the first directory holding the unit (or, for an
	 * instance, its template) wins. */
	for (size_t i = 0; i < n_dirs && !out->fragment && !out->masked;
	     i++) {
		for (int t = 0; t < (has_tmpl ? 2 : 1); t++) {
			struct stat st;
			char *p;

			if (asprintf(&p, "%s/%s", dirs[i],
				     t ? tmpl.name : unit->name) < 0)
				goto done;
			if (links_to_dev_null(p)) {
				out->masked = true;
				free(p);
				break;
			}
			if (!(p = file_below_root(paths->root, p))) {
				if (errno == ENOMEM)
					goto done;
				continue;
			}
			if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
				out->fragment = p;
				break;
			}
			free(p);
		}
	}

	for (size_t i = 0; i < n_dirs; i++)
		for (size_t j = 0; j < n_names; j++) {
			char *d;

			if (asprintf(&d, "%s/%s.d", dirs[i], names[j]) < 0)
				goto done;
			if (add_dropins_from(paths->root, d, &list, &n_list,
					     &cap_list) <
			    0) {
				free(d);
				goto done;
			}
			free(d);
		}
	if (n_list)
		qsort(list, n_list, sizeof(*list), found_cmp);
	out->dropins = calloc(n_list ? n_list : 1, sizeof(char *));
	if (!out->dropins)
		goto done;
	for (size_t i = 0; i < n_list; i++)
		if (list[i].path) {
			out->dropins[out->n++] = list[i].path;
			list[i].path = NULL;
		}
	rc = 0;
done:
	for (size_t i = 0; i < n_list; i++) {
		free(list[i].name);
		free(list[i].path);
	}
	free(list);
	strv_free(dirs, n_dirs);
	strv_free(names, n_names);
	if (rc < 0)
		dropin_files_free(out);
	return rc;
}

void dropin_files_free(struct dropin_files *files)
{
	free(files->fragment);
	strv_free(files->dropins, files->n);
	memset(files, 0, sizeof(*files));
}
