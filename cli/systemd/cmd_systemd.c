// SPDX-License-Identifier: BSD-3-Clause
/*
 * `enable`, `disable` and `status`: the shim for a systemd service through
 * a drop-in of its own, so the vendor unit (and whatever Environment= it
 * has) is never edited and package upgrades cannot undo it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "dropin.h"
#include "envmerge.h"
#include "libpath.h"
#include "unitname.h"

extern char **environ;

enum which { DO_ENABLE, DO_DISABLE, DO_STATUS };

struct sd {
	enum which which;
	const char *cmd;
	bool user, now, dry_run, socket, json;
	const char *root;		/* "" unless --root */
	struct unitname unit;
	struct unitname socket_unit;
	struct dropin_paths paths;
	char *config_home, *data_home;
	char unit_dir[PATH_MAX];	/* as seen inside the root */
	bool systemd_running;
	char library[PATH_MAX];
	char *library_unit;		/* library with '%' escaped */
};

static void sd_usage(FILE *out, const struct sd *sd)
{
	if (strcmp(cli_program, "mptcpize") == 0) {
		fprintf(out, "Usage: mptcpize %s UNIT\n"
			     "Same as 'mptcpshim %s UNIT': a drop-in, the "
			     "unit file stays untouched.\n",
			sd->cmd, sd->cmd);
		return;
	}
	fprintf(out,
		"Usage: mptcpshim %s [--user] [--root DIR] [--socket]%s UNIT\n",
		sd->cmd,
		sd->which == DO_STATUS ? " [--json]" : " [--now] [--dry-run]");
	if (sd->which == DO_ENABLE)
		fprintf(out,
			"Adds the shim to a service with the drop-in "
			"UNIT.d/" DROPIN_FILE ":\nEnvironment=LD_PRELOAD and "
			"GODEBUG, merged with what the unit already sets.\n");
	else if (sd->which == DO_DISABLE)
		fprintf(out, "Removes the drop-in 'enable' wrote (and the "
			     "directories it created).\n");
	else
		fprintf(out, "Says whether the drop-in exists, whether systemd "
			     "loaded it and whether the\nrunning service has "
			     "the library.\n");
	fprintf(out,
		"\n  --user       the user's manager (~/.config/systemd/user)\n"
		"  --root DIR   the unit tree below DIR; never talks to a "
		"running systemd\n"
		"  --socket     also the .socket unit that activates the "
		"service\n"
		"               (SocketProtocol=mptcp, systemd >= 257)\n");
	if (sd->which == DO_STATUS)
		fprintf(out, "  --json       as a JSON object\n");
	else
		fprintf(out,
			"  --now        restart the service after "
			"daemon-reload; when the socket's\n"
			"               drop-in changes, stop socket and "
			"service, then start both\n"
			"  --dry-run    print what would change; change "
			"nothing\n");
	fprintf(out, "\nUNIT without a type suffix means UNIT.service.\n");
}

/* ---- running systemctl without a shell --------------------------------- */

/*
 * Runs argv (looked up in PATH); stdout is returned in *out when out is
 * not NULL. Returns the exit status, or -1 if it could not run.
 */
static int spawn(char *const argv[], char **out)
{
	posix_spawn_file_actions_t fa;
	int pipefd[2] = { -1, -1 }, status, rc = -1;
	size_t len = 0, cap = 0;
	char *text = NULL;
	pid_t pid;

	if (out) {
		*out = NULL;
		if (pipe2(pipefd, O_CLOEXEC) < 0)
			return -1;
	}
	posix_spawn_file_actions_init(&fa);
	if (out)
		posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		if (out) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (out) {
		close(pipefd[1]);
		for (;;) {
			ssize_t n;

			if (len + 4096 + 1 > cap) {
				char *nt = realloc(text, cap + 8192);

				if (!nt)
					break;
				text = nt;
				cap += 8192;
			}
			n = read(pipefd[0], text + len, cap - len - 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0 || len + (size_t)n > (1u << 20))
				break;
			len += (size_t)n;
		}
		close(pipefd[0]);
		if (text)
			text[len] = '\0';
		*out = text;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	return rc;
}

static int systemctl(const struct sd *sd, const char *verb, const char *unit,
		     bool quiet_echo)
{
	char *argv[6];
	int n = 0, rc;

	argv[n++] = "systemctl";
	if (sd->user)
		argv[n++] = "--user";
	argv[n++] = (char *)verb;
	if (unit) {
		argv[n++] = "--";
		argv[n++] = (char *)unit;
	}
	argv[n] = NULL;
	if (!quiet_echo)
		printf("running: systemctl%s %s%s%s\n",
		       sd->user ? " --user" : "", verb, unit ? " " : "",
		       unit ? unit : "");
	fflush(stdout);
	rc = spawn(argv, NULL);
	if (rc != 0)
		cli_error(sd->cmd, "systemctl %s %s failed", verb,
			  unit ? unit : "");
	return rc;
}

/* `systemctl show -p PROP --value UNIT`, without the trailing newline. */
static char *show(const struct sd *sd, const char *prop, const char *unit)
{
	char *argv[9], *out = NULL;
	int n = 0;

	argv[n++] = "systemctl";
	if (sd->user)
		argv[n++] = "--user";
	argv[n++] = "show";
	argv[n++] = "-p";
	argv[n++] = (char *)prop;
	argv[n++] = "--value";
	argv[n++] = "--";
	argv[n++] = (char *)unit;
	argv[n] = NULL;
	if (spawn(argv, &out) != 0) {
		free(out);
		return NULL;
	}
	if (out) {
		size_t len = strlen(out);

		while (len && (out[len - 1] == '\n' || out[len - 1] == ' '))
			out[--len] = '\0';
	}
	return out;
}

/* ---- options and paths ------------------------------------------------- */

static int socket_unit_for(const struct unitname *unit, struct unitname *out)
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

static int sd_parse(struct sd *sd, int argc, char **argv, bool *done)
{
	static const struct option longopts[] = {
		{ "user", no_argument, NULL, 'u' },
		{ "now", no_argument, NULL, 'n' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "root", required_argument, NULL, 'r' },
		{ "socket", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char root[PATH_MAX];
	const char *why;
	int c;

	*done = false;
	sd->root = "";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			sd->user = true;
			break;
		case 'n':
			sd->now = true;
			break;
		case 'd':
			sd->dry_run = true;
			break;
		case 'r':
			if (!realpath(optarg, root)) {
				cli_error(sd->cmd, "--root %s: %s", optarg,
					  strerror(errno));
				return CLI_USAGE;
			}
			/* "/" is the running system, spelled "". */
			sd->root = strcmp(root, "/") == 0 ? "" : root;
			break;
		case 's':
			sd->socket = true;
			break;
		case 'j':
			sd->json = true;
			break;
		case 'h':
			sd_usage(stdout, sd);
			*done = true;
			return CLI_OK;
		default:
			cli_error(sd->cmd, "unknown option '%s'",
				  argv[optind - 1]);
			sd_usage(stderr, sd);
			return CLI_USAGE;
		}
	}
	if ((sd->which == DO_STATUS && (sd->now || sd->dry_run)) ||
	    (sd->which != DO_STATUS && sd->json)) {
		cli_error(sd->cmd, "option not valid for %s", sd->cmd);
		return CLI_USAGE;
	}
	if (optind != argc - 1) {
		cli_error(sd->cmd, optind >= argc ? "missing UNIT" :
						    "exactly one UNIT, please");
		sd_usage(stderr, sd);
		return CLI_USAGE;
	}
	if (unitname_parse(argv[optind], &sd->unit, &why) < 0) {
		cli_error(sd->cmd, "invalid unit name '%s': %s", argv[optind],
			  why);
		return CLI_USAGE;
	}
	if (strcmp(sd->unit.suffix, "service") != 0) {
		cli_error(sd->cmd, "'%s' is not a service: only services run "
				   "programs%s", sd->unit.name,
			  strcmp(sd->unit.suffix, "socket") == 0 ?
				  " (for a socket, name its service and add "
				  "--socket)" : "");
		return CLI_USAGE;
	}
	if (socket_unit_for(&sd->unit, &sd->socket_unit) < 0) {
		cli_error(sd->cmd, "invalid unit name '%s': too long",
			  argv[optind]);
		return CLI_USAGE;
	}
	return CLI_OK;
}

static int sd_setup(struct sd *sd)
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

static void sd_free(struct sd *sd)
{
	free(sd->config_home);
	free(sd->data_home);
	free(sd->library_unit);
}

/* Directory and file of a unit's drop-in, inside the root and on disk. */
struct target {
	const struct unitname *unit;
	char dir_shown[PATH_MAX];
	char dir[PATH_MAX];
	char file[PATH_MAX];
};

static int target_init(const struct sd *sd, const struct unitname *unit,
		       struct target *t)
{
	t->unit = unit;
	if ((size_t)snprintf(t->dir_shown, sizeof(t->dir_shown), "%s/%s.d",
			     sd->unit_dir, unit->name) >=
		    sizeof(t->dir_shown) ||
	    (size_t)snprintf(t->dir, sizeof(t->dir), "%s%s", sd->root,
			     t->dir_shown) >= sizeof(t->dir) ||
	    (size_t)snprintf(t->file, sizeof(t->file), "%s/" DROPIN_FILE,
			     t->dir) >= sizeof(t->file)) {
		cli_error(sd->cmd, "path too long below '%s'", sd->root);
		return -1;
	}
	return 0;
}

/* ---- enable ------------------------------------------------------------ */

/* A template (foo@.service) is never loaded itself: read its files. */
static bool ask_systemd(const struct sd *sd, const struct unitname *unit)
{
	return sd->systemd_running && unit->kind != UNITNAME_TEMPLATE;
}

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
		snprintf(path, sizeof(path), "%s%.*s", sd->root,
			 (int)(p - dir_shown), dir_shown);
		if (!missing) {
			struct stat st;

			if (lstat(path, &st) == 0) {
				if (!S_ISDIR(st.st_mode) &&
				    !(S_ISLNK(st.st_mode) &&
				      stat(path, &st) == 0 &&
				      S_ISDIR(st.st_mode))) {
					errno = ENOTDIR;
					return -1;
				}
			} else if (errno == ENOENT) {
				missing = true;
			} else {
				return -1;
			}
		}
		if (missing) {
			char *d = strndup(dir_shown, (size_t)(p - dir_shown));
			char **nv;

			if (!d)
				return -1;
			if (*n == cap) {
				cap = cap ? cap * 2 : 8;
				nv = realloc(*dirs, cap * sizeof(*nv));
				if (!nv) {
					free(d);
					return -1;
				}
				*dirs = nv;
			}
			(*dirs)[(*n)++] = d;
		}
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

		snprintf(path, sizeof(path), "%s%s", sd->root, dirs[i]);
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
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
	if (ask_systemd(sd, &sd->unit) && access(t->file, F_OK) != 0) {
		struct dropin_env env = { 0 };
		char *state = show(sd, "LoadState", sd->unit.name);
		char *text;
		int rc = 0;

		if (!state || strcmp(state, "loaded") != 0) {
			cli_error(sd->cmd, "%s: systemd says '%s'",
				  sd->unit.name, state ? state : "?");
			free(state);
			return CLI_CHECK_FAILED;
		}
		free(state);
		text = show(sd, "Environment", sd->unit.name);
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

static int unit_exists(const struct sd *sd, const struct unitname *unit)
{
	struct dropin_files files;
	bool found;

	if (ask_systemd(sd, unit)) {
		char *state = show(sd, "LoadState", unit->name);

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

/* Writes (or shows) one drop-in; *changed tells whether the file moved. */
static int put_dropin(const struct sd *sd, const struct target *t,
		      const char *preload, const char *godebug,
		      bool *changed)
{
	char **created = NULL, *old, *text;
	size_t n_created = 0;
	int rc = CLI_CHECK_FAILED;

	*changed = false;
	old = dropin_read_text(t->file);
	if (!old && errno != ENOENT) {
		cli_error(sd->cmd, "%s: %s", t->file, strerror(errno));
		return CLI_CHECK_FAILED;
	}
	/* Re-enabling keeps the record of what the first enable created. */
	if (old ? dropin_created_dirs(old, &created, &n_created) :
		  missing_dirs(sd, t->dir_shown, &created, &n_created)) {
		cli_error(sd->cmd, "%s: %s", t->dir, strerror(errno));
		goto out;
	}
	text = preload ? dropin_render_service(preload, godebug, created,
					       n_created) :
			 dropin_render_socket(created, n_created);
	if (!text)
		goto out;
	if (old && strcmp(old, text) == 0) {
		printf("unchanged: %s\n", t->file);
		rc = CLI_OK;
	} else if (sd->dry_run) {
		printf("would write %s:\n%s", t->file, text);
		for (size_t i = 0; !old && i < n_created; i++)
			printf("(would create directory %s%s)\n", sd->root,
			       created[i]);
		*changed = true;
		rc = CLI_OK;
	} else if ((old || make_dirs(sd, created, n_created) == 0) &&
		   dropin_write_atomic(t->dir, DROPIN_FILE, text) == 0) {
		printf("wrote %s\n", t->file);
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

/* A unit name as a shell word for the commands we print (names hold no
 * quote, but may hold '\\' escapes or the '*' of an instance pattern). */
static const char *shell_word(const char *name, char *buf, size_t len)
{
	if (strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789:_.@-") == strlen(name))
		return name;
	snprintf(buf, len, "'%s'", name);
	return buf;
}

/*
 * daemon-reload (+ restart) when a manager runs; otherwise say how.
 * cycle_socket: the .socket's drop-in changed, so its listener must be
 * created anew.
 */
static int apply(const struct sd *sd, bool changed, const char *restart,
		 bool cycle_socket)
{
	const char *user = sd->user ? " --user" : "";
	/* Steps after daemon-reload: verbs[i] units[i], unused ones NULL. */
	const char *verbs[4] = { NULL, NULL, NULL, restart };
	const char *units[4] = { NULL, NULL, NULL, sd->unit.name };
	char instances[UNITNAME_MAX + 2], word[UNITNAME_MAX + 4];

	/* Restarting a template means restarting its instances. */
	if (sd->unit.kind == UNITNAME_TEMPLATE) {
		snprintf(instances, sizeof(instances), "%.*s*.%s",
			 (int)(strchr(sd->unit.name, '@') + 1 - sd->unit.name),
			 sd->unit.name, sd->unit.suffix);
		units[3] = instances;
	}

	/*
	 * systemd refuses to start a socket whose service is running ("Socket
	 * service ... already active, refusing") and leaves it failed, with
	 * no listener. Stop the socket, then its service (in this order
	 * systemd does not warn that a trigger is still active), then start
	 * both again (a stopped service is then started by its socket).
	 */
	if (cycle_socket) {
		verbs[0] = "stop";
		units[0] = sd->socket_unit.name;
		verbs[1] = "stop";
		units[1] = units[3];
		verbs[2] = "restart";
		units[2] = sd->socket_unit.name;
	}
	if (!changed)
		return CLI_OK;
	if (sd->dry_run) {
		printf("would run: systemctl%s daemon-reload\n", user);
		for (int i = 0; sd->now && i < 4; i++)
			if (units[i])
				printf("would run: systemctl%s %s %s\n", user,
				       verbs[i], shell_word(units[i], word,
							    sizeof(word)));
		return CLI_OK;
	}
	if (!sd->systemd_running) {
		printf("%s; to apply, run:\n", *sd->root ?
			       "the tree below --root is not the running "
			       "system's" :
			       "systemd is not running here");
		printf("  systemctl%s daemon-reload\n", user);
		for (int i = 0; i < 4; i++)
			if (units[i])
				printf("  systemctl%s %s %s\n", user, verbs[i],
				       shell_word(units[i], word,
						  sizeof(word)));
		return CLI_OK;
	}
	if (systemctl(sd, "daemon-reload", NULL, false) != 0)
		return CLI_CHECK_FAILED;
	for (int i = 0; i < 4; i++) {
		if (!units[i])
			continue;
		if (!sd->now) {
			printf("restart to apply: systemctl%s %s %s\n", user,
			       verbs[i], shell_word(units[i], word,
						    sizeof(word)));
			continue;
		}
		if (systemctl(sd, verbs[i], units[i], false) != 0)
			return CLI_CHECK_FAILED;
	}
	return CLI_OK;
}

static int systemd_version(void)
{
	char *argv[] = { "systemctl", "--version", NULL }, *out = NULL;
	int version = 0;

	if (spawn(argv, &out) == 0 && out)
		sscanf(out, "systemd %d", &version);
	free(out);
	return version;
}

static int do_enable(struct sd *sd)
{
	struct target svc_t, sock_t;
	char *preload_now = NULL, *godebug_now = NULL;
	char *preload = NULL, *godebug = NULL;
	bool changed = false, sock_changed = false;
	int rc;

	if (target_init(sd, &sd->unit, &svc_t) < 0 ||
	    target_init(sd, &sd->socket_unit, &sock_t) < 0)
		return CLI_CHECK_FAILED;
	rc = current_env(sd, &svc_t, &preload_now, &godebug_now);
	if (rc != CLI_OK)
		goto out;
	if (sd->socket && !unit_exists(sd, &sd->socket_unit)) {
		cli_error(sd->cmd, "--socket: no unit %s activates %s",
			  sd->socket_unit.name, sd->unit.name);
		rc = CLI_CHECK_FAILED;
		goto out;
	}
	preload = envmerge_preload(preload_now, sd->library_unit);
	godebug = envmerge_godebug(godebug_now);
	rc = CLI_CHECK_FAILED;
	if (!preload || !godebug)
		goto out;
	rc = put_dropin(sd, &svc_t, preload, godebug, &changed);
	if (rc == CLI_OK && sd->socket) {
		int v = *sd->root ? 0 : systemd_version();

		rc = put_dropin(sd, &sock_t, NULL, NULL, &sock_changed);
		if (v && v < 257)
			cli_error(sd->cmd, "warning: this systemd is %d; "
					   "SocketProtocol= needs 257 or "
					   "newer (older ones ignore it and "
					   "the listener stays TCP)", v);
	}
	if (rc == CLI_OK)
		rc = apply(sd, changed || sock_changed, "restart", sd->socket);
out:
	free(preload_now);
	free(godebug_now);
	free(preload);
	free(godebug);
	return rc;
}

/* ---- disable ----------------------------------------------------------- */

/* Removes one drop-in; the directories it recorded join *dirs. */
static int remove_dropin(const struct sd *sd, const struct target *t,
			 char ***dirs, size_t *n_dirs, bool *changed)
{
	char **created = NULL, *old;
	size_t n_created = 0;

	*changed = false;
	old = dropin_read_text(t->file);
	if (!old) {
		if (errno == ENOENT)
			return CLI_OK;
		cli_error(sd->cmd, "%s: %s", t->file, strerror(errno));
		return CLI_CHECK_FAILED;
	}
	if (dropin_created_dirs(old, &created, &n_created) < 0) {
		free(old);
		return CLI_CHECK_FAILED;
	}
	free(old);
	for (size_t i = 0; i < n_created; i++) {
		size_t len = strlen(created[i]);
		char **nv;

		/* Only the drop-in's own directory and its ancestors: a
		 * hand-edited record must not make us remove anything else. */
		if (strncmp(t->dir_shown, created[i], len) != 0 ||
		    (t->dir_shown[len] != '/' && t->dir_shown[len] != '\0')) {
			free(created[i]);
			continue;
		}
		nv = realloc(*dirs, (*n_dirs + 1) * sizeof(*nv));
		if (!nv) {
			while (i < n_created)
				free(created[i++]);
			free(created);
			return CLI_CHECK_FAILED;
		}
		*dirs = nv;
		(*dirs)[(*n_dirs)++] = created[i];
	}
	free(created);
	*changed = true;
	if (sd->dry_run) {
		printf("would remove %s\n", t->file);
		return CLI_OK;
	}
	if (unlink(t->file) < 0) {
		cli_error(sd->cmd, "cannot remove %s: %s", t->file,
			  strerror(errno));
		return CLI_CHECK_FAILED;
	}
	printf("removed %s\n", t->file);
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
		snprintf(path, sizeof(path), "%s%s", sd->root, dirs[i]);
		if (sd->dry_run)
			printf("would remove directory %s if empty\n", path);
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

static int do_disable(struct sd *sd)
{
	struct target svc_t, sock_t;
	bool changed = false, sock_changed = false;
	char **dirs = NULL;
	size_t n_dirs = 0;
	int rc;

	if (target_init(sd, &sd->unit, &svc_t) < 0 ||
	    target_init(sd, &sd->socket_unit, &sock_t) < 0)
		return CLI_CHECK_FAILED;
	rc = remove_dropin(sd, &svc_t, &dirs, &n_dirs, &changed);
	if (rc == CLI_OK)
		rc = remove_dropin(sd, &sock_t, &dirs, &n_dirs,
				   &sock_changed);
	if (changed || sock_changed)
		remove_created_dirs(sd, dirs, n_dirs, svc_t.dir);
	dropin_strv_free(dirs, n_dirs);
	if (rc != CLI_OK)
		return rc;
	if (!changed && !sock_changed) {
		printf("not enabled: no %s\n", svc_t.file);
		return CLI_OK;
	}
	return apply(sd, true, "try-restart", sock_changed);
}

/* ---- status ------------------------------------------------------------ */

/* "yes"/"no"/"unknown" answers and the words behind them. */
struct status {
	bool dropin;
	const char *in_files;	/* library in the files' LD_PRELOAD */
	char *overridden_by;
	const char *loaded;
	const char *running;
	long main_pid;
	char *socket;		/* the activating .socket, or NULL */
	bool socket_dropin;
	const char *unit_file;	/* "found", "masked", "not found" */
};

static bool list_has_library(const char *list, const char *library)
{
	const char *p = list;

	while (p && *p) {
		size_t n;

		p += strspn(p, ": ");
		n = strcspn(p, ": ");
		if (n && n == strlen(library) && memcmp(p, library, n) == 0)
			return true;
		p += n;
	}
	return false;
}

/* Whether /proc/PID/environ has the library in LD_PRELOAD. */
static const char *process_has_library(long pid, const char *library)
{
	char path[64], *env;
	size_t len = 0;
	FILE *f;
	const char *answer = "no";

	snprintf(path, sizeof(path), "/proc/%ld/environ", pid);
	f = fopen(path, "re");
	if (!f)
		return "unknown";
	env = malloc(1 << 20);
	if (env)
		len = fread(env, 1, (1 << 20) - 1, f);
	fclose(f);
	if (!env)
		return "unknown";
	env[len] = '\0';
	for (size_t i = 0; i < len; i += strlen(env + i) + 1)
		if (strncmp(env + i, "LD_PRELOAD=", 11) == 0 &&
		    list_has_library(env + i + 11, library))
			answer = "yes";
	free(env);
	return answer;
}

static void status_files(const struct sd *sd, const struct target *t,
			 struct status *st)
{
	struct dropin_files files;
	struct dropin_service svc;
	const char *preload;

	st->in_files = "unknown";
	if (dropin_find(&sd->paths, &sd->unit, &files) < 0)
		return;
	st->unit_file = files.masked ? "masked" :
			files.fragment ? "found" : "not found";
	if (dropin_read_service(&files, NULL, &svc, NULL, NULL) == 0) {
		preload = dropin_env_get(&svc.env, "LD_PRELOAD");
		st->in_files = preload && list_has_library(preload,
							   sd->library_unit) ?
				       "yes" : "no";
		if (st->dropin && svc.preload_set_by &&
		    strcmp(svc.preload_set_by, t->file) != 0)
			st->overridden_by = strdup(svc.preload_set_by);
		dropin_service_free(&svc);
	}
	dropin_files_free(&files);
}

static void json_string(const char *key, const char *value, bool last)
{
	printf("  \"%s\": ", key);
	if (!value) {
		printf("null");
	} else {
		putchar('"');
		for (const unsigned char *p = (const unsigned char *)value; *p;
		     p++) {
			if (*p == '"' || *p == '\\')
				printf("\\%c", *p);
			else if (*p < 0x20)
				printf("\\u%04x", *p);
			else
				putchar(*p);
		}
		putchar('"');
	}
	printf("%s\n", last ? "" : ",");
}

static int do_status(struct sd *sd)
{
	struct target t, sock_t;
	struct status st = { .loaded = "unknown", .running = "unknown" };
	struct unitname tmpl;
	bool ok;

	if (target_init(sd, &sd->unit, &t) < 0 ||
	    target_init(sd, &sd->socket_unit, &sock_t) < 0)
		return CLI_CHECK_FAILED;
	st.dropin = access(t.file, F_OK) == 0;
	/* An instance also gets the drop-in of its template. */
	if (!st.dropin && unitname_template(&sd->unit, &tmpl) == 0) {
		struct target tt;

		if (target_init(sd, &tmpl, &tt) == 0 &&
		    access(tt.file, F_OK) == 0) {
			t = tt;
			st.dropin = true;
		}
	}
	st.socket_dropin = access(sock_t.file, F_OK) == 0;
	status_files(sd, &t, &st);

	if (ask_systemd(sd, &sd->unit)) {
		char *paths = show(sd, "DropInPaths", sd->unit.name);
		char *pid = show(sd, "MainPID", sd->unit.name);
		char *trig = show(sd, "TriggeredBy", sd->unit.name);

		st.loaded = paths && strstr(paths, t.file) ? "yes" : "no";
		st.main_pid = pid ? strtol(pid, NULL, 10) : 0;
		st.running = st.main_pid > 0 ?
				     process_has_library(st.main_pid,
							 sd->library) :
				     "not running";
		if (trig && *trig) {
			char *end = trig + strcspn(trig, " ");

			*end = '\0';
			st.socket = strdup(trig);
		}
		free(paths);
		free(pid);
		free(trig);
	} else if (unit_exists(sd, &sd->socket_unit)) {
		st.socket = strdup(sd->socket_unit.name);
	}

	ok = st.dropin && strcmp(st.in_files, "no") != 0 &&
	     strcmp(st.loaded, "no") != 0 && strcmp(st.running, "no") != 0;
	if (sd->json) {
		printf("{\n");
		json_string("unit", sd->unit.name, false);
		json_string("unit_file", st.unit_file, false);
		json_string("dropin", t.file, false);
		json_string("dropin_present", st.dropin ? "yes" : "no", false);
		json_string("library", sd->library, false);
		json_string("library_in_unit_files", st.in_files, false);
		json_string("overridden_by", st.overridden_by, false);
		json_string("loaded", st.loaded, false);
		json_string("running_with_library", st.running, false);
		json_string("socket", st.socket, false);
		json_string("socket_dropin_present",
			    st.socket ? (st.socket_dropin ? "yes" : "no") :
					NULL, false);
		json_string("ok", ok ? "yes" : "no", true);
		printf("}\n");
	} else {
		printf("unit:     %s%s", sd->unit.name,
		       sd->user ? " (user)" : "");
		if (st.unit_file && strcmp(st.unit_file, "found") != 0)
			printf(" (%s below %s)", st.unit_file,
			       *sd->root ? sd->root : "/");
		printf("\n");
		printf("drop-in:  %s (%s)\n", t.file,
		       st.dropin ? "present" : "absent");
		printf("library:  %s\n", sd->library);
		printf("in files: %s (LD_PRELOAD from the unit and its "
		       "drop-ins has the library)\n", st.in_files);
		if (st.overridden_by)
			printf("warning:  %s sets LD_PRELOAD after the "
			       "drop-in\n", st.overridden_by);
		printf("loaded:   %s%s\n", st.loaded,
		       !sd->systemd_running ? " (systemd is not running here)" :
		       sd->unit.kind == UNITNAME_TEMPLATE ?
				     " (a template is loaded through its "
				     "instances)" : "");
		if (st.main_pid > 0)
			printf("running:  %s (pid %ld)\n", st.running,
			       st.main_pid);
		else
			printf("running:  %s\n", st.running);
		if (st.socket) {
			printf("socket:   %s activates this service; its "
			       "listening socket is systemd's, which the "
			       "library\n          cannot convert. ",
			       st.socket);
			if (st.socket_dropin)
				printf("Its drop-in asks for "
				       "SocketProtocol=mptcp.\n");
			else
				printf("Add SocketProtocol=mptcp "
				       "(systemd >= 257): mptcpshim enable "
				       "--socket %s\n", sd->unit.name);
		}
	}
	free(st.overridden_by);
	free(st.socket);
	return ok ? CLI_OK : CLI_CHECK_FAILED;
}

static int sd_main(enum which which, const char *cmd, int argc, char **argv)
{
	struct sd sd = { .which = which, .cmd = cmd };
	bool done;
	int rc;

	rc = sd_parse(&sd, argc, argv, &done);
	if (rc != CLI_OK || done)
		return rc;
	rc = sd_setup(&sd);
	if (rc == CLI_OK) {
		if (which == DO_ENABLE)
			rc = do_enable(&sd);
		else if (which == DO_DISABLE)
			rc = do_disable(&sd);
		else
			rc = do_status(&sd);
	}
	sd_free(&sd);
	return rc;
}

int cmd_enable(int argc, char **argv)
{
	return sd_main(DO_ENABLE, "enable", argc, argv);
}

int cmd_disable(int argc, char **argv)
{
	return sd_main(DO_DISABLE, "disable", argc, argv);
}

int cmd_status(int argc, char **argv)
{
	return sd_main(DO_STATUS, "status", argc, argv);
}
