// SPDX-License-Identifier: BSD-3-Clause
/*
 * `enable`: the shim for a systemd service through a drop-in of its own,
 * so the vendor unit (and whatever Environment= it has) is never edited
 * and package upgrades cannot undo it.
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
#include "envmerge.h"
#include "gomptcp.h"
#include "rootpath.h"
#include "route_check.h"
#include "sd_context.h"

static void warn_file(void *ctx, const char *file, unsigned line,
		      const char *message)
{
	const struct sd *sd = ctx;

	cli_error(sd->cmd, "warning: %s:%u: %s", file, line, message);
}

/* The directories below the root that enable must create, top down. */
static int missing_dirs(const struct sd *sd, const char *dir_shown,
			char ***dirs, size_t *n)
{
	char path[PATH_MAX];
	size_t cap = 0;
	bool missing = false;

	*dirs = NULL;
	*n = 0;
	for (const char *p = dir_shown + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char inside[PATH_MAX];

		snprintf(inside, sizeof(inside), "%.*s", (int)(p - dir_shown),
			 dir_shown);
		if (!missing) {
			struct stat st;

			/* Resolved inside the root: a link to a directory
			 * counts as one, wherever it points in the image. */
			if (root_path(sd->root, inside, path, sizeof(path)) < 0)
				return -1;
			if (lstat(path, &st) == 0) {
				if (!S_ISDIR(st.st_mode)) {
					errno = ENOTDIR;
					return -1;
				}
			} else if (errno == ENOENT) {
				missing = true;
			} else {
				return -1;
			}
		}
		if (missing &&
		    strv_push(dirs, n, &cap,
			      strndup(dir_shown, (size_t)(p - dir_shown))) < 0)
			return -1;
		if (*p == '\0')
			break;
	}
	return 0;
}

static int make_dirs(const struct sd *sd, char **dirs, size_t n)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < n; i++) {
		int fd;

		if (root_path(sd->root, dirs[i], path, sizeof(path)) < 0 ||
		    (mkdir(path, 0755) < 0 && errno != EEXIST)) {
			cli_error(sd->cmd, "mkdir %s: %s", path,
				  strerror(errno));
			return -1;
		}
		/* The new entry must survive a crash like the file does. */
		*strrchr(path, '/') = '\0';
		fd = open(*path ? path : "/", O_RDONLY | O_DIRECTORY |
						      O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	return 0;
}

/*
 * LD_PRELOAD and GODEBUG as the unit has them without our drop-in: from
 * the running manager when there is one and our drop-in is not there yet
 * (once it is, systemd's values include ours and would keep a library path
 * or a unit value that has since changed), else from the files.
 */
static int current_env(const struct sd *sd, const struct target *t,
		       char **preload, char **godebug)
{
	struct dropin_files files;
	struct dropin_service svc;
	const char *v;

	*preload = *godebug = NULL;
	if (sd_ask_systemd(sd, &sd->unit) && access(t->file, F_OK) != 0) {
		struct dropin_env env = { 0 };
		char *state = sd_property(sd, "LoadState", sd->unit.name);
		char *text;
		int rc = 0;

		if (!state || strcmp(state, "loaded") != 0) {
			cli_error(sd->cmd, "%s: systemd says '%s'",
				  sd->unit.name, state ? state : "?");
			free(state);
			return CLI_CHECK_FAILED;
		}
		free(state);
		text = sd_property(sd, "Environment", sd->unit.name);
		if (text)
			dropin_env_apply(&env, text);
		free(text);
		/* systemctl shows expanded values; the file needs them
		 * spelled with specifiers escaped. */
		if ((v = dropin_env_get(&env, "LD_PRELOAD")) &&
		    !(*preload = dropin_escape_specifiers(v)))
			rc = CLI_CHECK_FAILED;
		if ((v = dropin_env_get(&env, "GODEBUG")) &&
		    !(*godebug = dropin_escape_specifiers(v)))
			rc = CLI_CHECK_FAILED;
		dropin_env_free(&env);
		return rc;
	}

	if (dropin_find(&sd->paths, &sd->unit, &files) < 0)
		return CLI_CHECK_FAILED;
	if (files.masked || !files.fragment) {
		cli_error(sd->cmd, "%s: %s below %s", sd->unit.name,
			  files.masked ? "the unit is masked" :
					 "no such unit file",
			  *sd->root ? sd->root : "/");
		dropin_files_free(&files);
		return CLI_CHECK_FAILED;
	}
	if (dropin_read_service(&files, t->file, &svc, warn_file,
				(void *)sd) < 0) {
		dropin_files_free(&files);
		return CLI_CHECK_FAILED;
	}
	/* Drop-ins are applied in file-name order: a later one wins. */
	for (int i = 0; i < 2; i++) {
		const char *by = i ? svc.godebug_set_by : svc.preload_set_by;
		const char *base = by ? strrchr(by, '/') + 1 : NULL;

		if (base && strcmp(by, files.fragment) != 0 &&
		    strcmp(base, DROPIN_FILE) > 0)
			cli_error(sd->cmd,
				  "warning: %s sets %s after our drop-in and "
				  "overrides it; add the value there",
				  by, i ? "GODEBUG" : "LD_PRELOAD");
	}
	if (svc.environment_file)
		cli_error(sd->cmd, "warning: %s has EnvironmentFile=, which "
				   "systemd applies after Environment=; if it "
				   "sets LD_PRELOAD or GODEBUG, add the values "
				   "there", sd->unit.name);
	if ((v = dropin_env_get(&svc.env, "LD_PRELOAD")))
		*preload = strdup(v);
	if ((v = dropin_env_get(&svc.env, "GODEBUG")))
		*godebug = strdup(v);
	dropin_service_free(&svc);
	dropin_files_free(&files);
	return CLI_OK;
}

/* Writes (or shows) one drop-in; *changed tells whether the file moved. */
static int put_dropin(const struct sd *sd, const struct target *t,
		      const char *preload, const char *godebug,
		      const char *exec_lines, bool *changed)
{
	char **created = NULL, *old, *text;
	size_t n_created = 0;
	int rc = CLI_CHECK_FAILED;

	*changed = false;
	if (sd_read_own(sd, t, &old) != 0)
		return CLI_CHECK_FAILED;
	/* Re-enabling keeps the record of what the first enable created. */
	if (old ? dropin_created_dirs(old, &created, &n_created) :
		  missing_dirs(sd, t->dir_shown, &created, &n_created)) {
		cli_error(sd->cmd, "%s: %s", t->dir, strerror(errno));
		goto out;
	}
	text = preload ? dropin_render_service(preload, godebug, created,
					       n_created) :
			 dropin_render_socket(created, n_created);
	if (text && exec_lines) {
		char *all = NULL;

		if (asprintf(&all, "%s%s", text, exec_lines) < 0)
			all = NULL;
		free(text);
		text = all;
	}
	if (!text)
		goto out;
	if (old && strcmp(old, text) == 0) {
		out_text(sd->out, "unchanged: %s\n", t->file);
		rc = CLI_OK;
	} else if (sd->dry_run) {
		out_text(sd->out, "would write %s:\n%s", t->file, text);
		for (size_t i = 0; !old && i < n_created; i++)
			out_text(sd->out, "(would create directory %s%s)\n",
				 sd->root, created[i]);
		*changed = true;
		rc = CLI_OK;
	} else if ((old || make_dirs(sd, created, n_created) == 0) &&
		   dropin_write_atomic(t->dir, DROPIN_FILE, text) == 0) {
		out_text(sd->out, "wrote %s\n", t->file);
		*changed = true;
		rc = CLI_OK;
	} else {
		cli_error(sd->cmd, "cannot write %s: %s", t->file,
			  strerror(errno));
	}
	free(text);
out:
	free(old);
	dropin_strv_free(created, n_created);
	return rc;
}

/*
 * GODEBUG's multipathtcp for the unit's program, taken to be named like
 * the unit ("myapp.service", "myapp@1.service" -> [app:myapp]): the unit
 * file's ExecStart= may wrap it in anything.
 */
static int unit_go_value(const struct unitname *unit)
{
	char stem[UNITNAME_MAX + 1];
	const char *names[2] = { stem, NULL };

	snprintf(stem, sizeof(stem), "%.*s", (int)strcspn(unit->name, "@."),
		 unit->name);
	return gomptcp_for_program(names, NULL);
}

int sd_enable(struct sd *sd)
{
	struct target svc_t, sock_t;
	char *preload_now = NULL, *godebug_now = NULL;
	char *preload = NULL, *godebug = NULL, *exec_lines = NULL;
	bool changed = false, sock_changed = false;
	int rc;

	char *text = NULL;

	if (sd_target_init(sd, &sd->unit, &svc_t) < 0 ||
	    sd_target_init(sd, &sd->socket_unit, &sock_t) < 0)
		return CLI_CHECK_FAILED;
	/* Someone else's file of our name is refused before anything is
	 * read or written: its settings are not ours to merge or drop. */
	if (sd_read_own(sd, &svc_t, &text) != 0 ||
	    (free(text), text = NULL,
	     sd->socket && sd_read_own(sd, &sock_t, &text) != 0))
		return CLI_CHECK_FAILED;
	free(text);
	rc = current_env(sd, &svc_t, &preload_now, &godebug_now);
	if (rc == CLI_OK)
		rc = sd_route_check(sd, &exec_lines);
	if (rc != CLI_OK)
		goto out;
	if (sd->socket && !sd_unit_exists(sd, &sd->socket_unit)) {
		cli_error(sd->cmd, "--socket: no unit %s activates %s",
			  sd->socket_unit.name, sd->unit.name);
		rc = CLI_CHECK_FAILED;
		goto out;
	}
	preload = envmerge_preload(preload_now, sd->library_unit);
	godebug = envmerge_godebug(godebug_now,
				   sd_exec_go_landlock(sd) ?
					   GOMPTCP_OFF :
					   unit_go_value(&sd->unit));
	rc = CLI_CHECK_FAILED;
	if (!preload || !godebug)
		goto out;
	rc = put_dropin(sd, &svc_t, preload, godebug, exec_lines, &changed);
	if (rc == CLI_OK && sd->socket) {
		int v = *sd->root ? 0 : sd_systemd_version();

		rc = put_dropin(sd, &sock_t, NULL, NULL, NULL, &sock_changed);
		if (v && v < 257)
			cli_error(sd->cmd, "warning: this systemd is %d; "
					   "SocketProtocol= needs 257 or "
					   "newer (older ones ignore it and "
					   "the listener stays TCP)", v);
	}
	if (rc == CLI_OK)
		rc = sd_apply(sd, changed || sock_changed, "restart",
			      sd->socket);
out:
	free(exec_lines);
	free(preload_now);
	free(godebug_now);
	free(preload);
	free(godebug);
	return rc;
}
