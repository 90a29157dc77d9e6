// SPDX-License-Identifier: BSD-3-Clause
/*
 * What `enable`, `disable` and `status` share: the manager they talk to,
 * its unit directory below the root, the library, a unit's drop-in path.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "libpath.h"
#include "rootpath.h"
#include "sd_context.h"

int sd_socket_unit_for(const struct unitname *unit, struct unitname *out)
{
	const char *at = strchr(unit->name, '@');
	struct unitname plain = *unit;

	/* foo@1.service is started per connection by foo.socket. */
	if (at) {
		snprintf(plain.name, sizeof(plain.name), "%.*s.service",
			 (int)(at - unit->name), unit->name);
		plain.kind = UNITNAME_PLAIN;
	}
	return unitname_with_suffix(&plain, "socket", out);
}

static char *home_dir(const char *xdg, const char *fallback)
{
	const char *v = getenv(xdg), *home = getenv("HOME");
	char *out;

	if (v && v[0] == '/')
		return strdup(v);
	if (!home || home[0] != '/')
		return NULL;
	if (asprintf(&out, "%s/%s", home, fallback) < 0)
		return NULL;
	return out;
}

static bool manager_running(const struct sd *sd)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char path[PATH_MAX];

	/* An offline tree is never the running system's. */
	if (*sd->root)
		return false;
	if (!sd->user)
		return access("/run/systemd/system", F_OK) == 0;
	if (!rt || access("/run/systemd/system", F_OK) != 0)
		return false;
	snprintf(path, sizeof(path), "%s/systemd/private", rt);
	return access(path, F_OK) == 0;
}

int sd_setup(struct sd *sd)
{
	sd->paths.root = sd->root;
	sd->paths.scope = sd->user ? DROPIN_USER : DROPIN_SYSTEM;
	if (sd->user) {
		sd->config_home = home_dir("XDG_CONFIG_HOME", ".config");
		sd->data_home = home_dir("XDG_DATA_HOME", ".local/share");
		if (!sd->config_home || !sd->data_home) {
			cli_error(sd->cmd, "--user needs HOME (an absolute "
					   "path)");
			return CLI_USAGE;
		}
		sd->paths.config_home = sd->config_home;
		sd->paths.data_home = sd->data_home;
		snprintf(sd->unit_dir, sizeof(sd->unit_dir), "%s/systemd/user",
			 sd->config_home);
	} else {
		snprintf(sd->unit_dir, sizeof(sd->unit_dir),
			 "/etc/systemd/system");
	}
	sd->systemd_running = manager_running(sd);
	if (libpath_find(sd->library, sizeof(sd->library)) != 0) {
		cli_error(sd->cmd, "cannot find libmptcpshim.so (set "
				   "MPTCPSHIM_LIBRARY, or reinstall)");
		return CLI_CHECK_FAILED;
	}
	sd->library_unit = dropin_escape_specifiers(sd->library);
	return sd->library_unit ? CLI_OK : CLI_CHECK_FAILED;
}

void sd_free(struct sd *sd)
{
	free(sd->config_home);
	free(sd->data_home);
	free(sd->library_unit);
}


int sd_target_init(const struct sd *sd, const struct unitname *unit,
		       struct target *t)
{
	t->unit = unit;
	if ((size_t)snprintf(t->dir_shown, sizeof(t->dir_shown), "%s/%s.d",
			     sd->unit_dir, unit->name) >=
		    sizeof(t->dir_shown)) {
		cli_error(sd->cmd, "path too long below '%s'", sd->root);
		return -1;
	}
	/* Links in the image resolve inside it; the file's own name is
	 * never followed (dropin_read_own). */
	if (root_path(sd->root, t->dir_shown, t->dir, sizeof(t->dir)) < 0) {
		cli_error(sd->cmd, "%s%s: %s", sd->root, t->dir_shown,
			  strerror(errno));
		return -1;
	}
	if ((size_t)snprintf(t->file, sizeof(t->file), "%s/" DROPIN_FILE,
			     t->dir) >= sizeof(t->file)) {
		cli_error(sd->cmd, "path too long below '%s'", sd->root);
		return -1;
	}
	return 0;
}

int sd_read_own(const struct sd *sd, const struct target *t, char **text)
{
	int rc = dropin_read_own(t->file, text);

	if (rc == DROPIN_FOREIGN)
		cli_error(sd->cmd, "%s was not written by mptcpshim (it lacks "
				   "the '# Written by mptcpshim enable' header, "
				   "or is not a regular file): left untouched; "
				   "rename it if mptcpshim should manage this "
				   "unit", t->file);
	else if (rc < 0)
		cli_error(sd->cmd, "%s: %s", t->file, strerror(errno));
	return rc;
}

/* A template (foo@.service) is never loaded itself: read its files. */
bool sd_ask_systemd(const struct sd *sd, const struct unitname *unit)
{
	return sd->systemd_running && unit->kind != UNITNAME_TEMPLATE;
}

int sd_unit_exists(const struct sd *sd, const struct unitname *unit)
{
	struct dropin_files files;
	bool found;

	if (sd_ask_systemd(sd, unit)) {
		char *state = sd_property(sd, "LoadState", unit->name);

		found = state && strcmp(state, "loaded") == 0;
		free(state);
		return found;
	}
	if (dropin_find(&sd->paths, unit, &files) < 0)
		return false;
	found = files.fragment && !files.masked;
	dropin_files_free(&files);
	return found;
}
