// SPDX-License-Identifier: BSD-3-Clause
/*
 * `disable`: removes the drop-in `enable` wrote and the directories it
 * recorded as its own, and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "rootpath.h"
#include "sd_context.h"

/* Removes one drop-in; the directories it recorded join *dirs. */
static int remove_dropin(const struct sd *sd, const struct target *t,
			 char ***dirs, size_t *n_dirs, size_t *cap_dirs,
			 bool *changed)
{
	char **created = NULL, *old;
	size_t n_created = 0;

	*changed = false;
	if (sd_read_own(sd, t, &old) != 0)
		return CLI_CHECK_FAILED;
	if (!old)
		return CLI_OK;
	if (dropin_created_dirs(old, &created, &n_created) < 0) {
		free(old);
		return CLI_CHECK_FAILED;
	}
	free(old);
	for (size_t i = 0; i < n_created; i++) {
		size_t len = strlen(created[i]);

		/* Only the drop-in's own directory and its ancestors: a
		 * hand-edited record must not make us remove anything else. */
		if (strncmp(t->dir_shown, created[i], len) != 0 ||
		    (t->dir_shown[len] != '/' && t->dir_shown[len] != '\0')) {
			free(created[i]);
			continue;
		}
		if (strv_push(dirs, n_dirs, cap_dirs, created[i]) < 0) {
			while (++i < n_created)
				free(created[i]);
			free(created);
			return CLI_CHECK_FAILED;
		}
	}
	free(created);
	*changed = true;
	if (sd->dry_run) {
		out_text(sd->out, "would remove %s\n", t->file);
		return CLI_OK;
	}
	if (unlink(t->file) < 0) {
		cli_error(sd->cmd, "cannot remove %s: %s", t->file,
			  strerror(errno));
		return CLI_CHECK_FAILED;
	}
	out_text(sd->out, "removed %s\n", t->file);
	return CLI_OK;
}

static int deepest_first(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	return la < lb ? 1 : la > lb ? -1 : strcmp(*(char *const *)a,
						    *(char *const *)b);
}

/*
 * The directories enable created, deepest first, each only if empty:
 * anything else in them is not ours. Then the surviving parent is synced.
 */
static void remove_created_dirs(const struct sd *sd, char **dirs, size_t n,
				const char *dropin_dir)
{
	char path[PATH_MAX];
	int fd;

	if (n)
		qsort(dirs, n, sizeof(*dirs), deepest_first);
	for (size_t i = 0; i < n; i++) {
		if (root_path(sd->root, dirs[i], path, sizeof(path)) < 0)
			continue;
		if (sd->dry_run)
			out_text(sd->out, "would remove directory %s if empty\n",
				 path);
		else if (rmdir(path) < 0 && errno != ENOENT)
			continue;
	}
	if (sd->dry_run)
		return;
	snprintf(path, sizeof(path), "%s", dropin_dir);
	while (access(path, F_OK) != 0 && strrchr(path, '/') &&
	       strrchr(path, '/') != path)
		*strrchr(path, '/') = '\0';
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int sd_disable(struct sd *sd)
{
	struct target svc_t, sock_t;
	bool changed = false, sock_changed = false;
	char **dirs = NULL;
	size_t n_dirs = 0, cap_dirs = 0;
	int rc;

	if (sd_target_init(sd, &sd->unit, &svc_t) < 0 ||
	    sd_target_init(sd, &sd->socket_unit, &sock_t) < 0)
		return CLI_CHECK_FAILED;
	rc = remove_dropin(sd, &svc_t, &dirs, &n_dirs, &cap_dirs, &changed);
	if (rc == CLI_OK)
		rc = remove_dropin(sd, &sock_t, &dirs, &n_dirs, &cap_dirs,
				   &sock_changed);
	if (changed || sock_changed)
		remove_created_dirs(sd, dirs, n_dirs, svc_t.dir);
	dropin_strv_free(dirs, n_dirs);
	if (rc != CLI_OK)
		return rc;
	if (!changed && !sock_changed) {
		out_text(sd->out, "not enabled: no %s\n", svc_t.file);
		return CLI_OK;
	}
	return sd_apply(sd, true, "try-restart", sock_changed);
}
