// SPDX-License-Identifier: BSD-3-Clause
/*
 * Talking to systemd for `enable`, `disable` and `status`: systemctl run
 * without a shell, its answers, and applying a changed drop-in.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "sd_context.h"
#include "strbuf.h"

extern char **environ;

/*
 * Runs argv (looked up in PATH); stdout is returned in *out when out is
 * not NULL. Returns the exit status, or -1 if it could not run.
 */
static int sd_spawn(char *const argv[], char **out)
{
	posix_spawn_file_actions_t fa;
	int pipefd[2] = { -1, -1 }, status, rc = -1;
	struct strbuf text = { 0 };
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
			char chunk[4096];
			ssize_t n = read(pipefd[0], chunk, sizeof(chunk));

			if (n < 0 && errno == EINTR)
				continue;
			/* systemctl's answers are short; 1 MiB is plenty. */
			if (n <= 0 || text.len + (size_t)n > (1u << 20) ||
			    strbuf_add(&text, chunk, (size_t)n) < 0)
				break;
		}
		close(pipefd[0]);
		*out = text.s;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	return rc;
}

int sd_systemctl(const struct sd *sd, const char *verb, const char *unit,
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
		out_text(sd->out, "running: systemctl%s %s%s%s\n",
			 sd->user ? " --user" : "", verb, unit ? " " : "",
			 unit ? unit : "");
	/* Our lines first, then systemctl's on the same stdout. */
	out_flush(sd->out);
	rc = sd_spawn(argv, NULL);
	if (rc != 0)
		cli_error(sd->cmd, "systemctl %s %s failed", verb,
			  unit ? unit : "");
	return rc;
}

/* `systemctl show -p PROP --value UNIT`, without the trailing newline. */
char *sd_property(const struct sd *sd, const char *prop, const char *unit)
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
	if (sd_spawn(argv, &out) != 0) {
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

/* "<prefix> systemctl [--user] VERB UNIT" for each step, as shell words. */
static void say_commands(const struct sd *sd, const char *prefix,
			 const char *const verbs[4], const char *const units[4])
{
	char word[OUT_SHELL_WORD_MAX(UNITNAME_MAX)];

	for (int i = 0; i < 4; i++)
		if (units[i])
			out_text(sd->out, "%s systemctl%s %s %s\n", prefix,
				 sd->user ? " --user" : "", verbs[i],
				 out_shell_word(units[i], word, sizeof(word)));
}

int sd_apply(const struct sd *sd, bool changed, const char *restart,
	     bool cycle_socket)
{
	const char *user = sd->user ? " --user" : "";
	/* Steps after daemon-reload: verbs[i] units[i], unused ones NULL. */
	const char *verbs[4] = { NULL, NULL, NULL, restart };
	const char *units[4] = { NULL, NULL, NULL, sd->unit.name };
	char instances[UNITNAME_MAX + 2];

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
		out_text(sd->out, "would run: systemctl%s daemon-reload\n",
			 user);
		if (sd->now)
			say_commands(sd, "would run:", verbs, units);
		return CLI_OK;
	}
	if (!sd->systemd_running) {
		out_text(sd->out, "%s; to apply, run:\n",
			 *sd->root ? "the tree below --root is not the running "
				     "system's" :
				     "systemd is not running here");
		out_text(sd->out, "  systemctl%s daemon-reload\n", user);
		say_commands(sd, " ", verbs, units);
		return CLI_OK;
	}
	if (sd_systemctl(sd, "daemon-reload", NULL, false) != 0)
		return CLI_CHECK_FAILED;
	if (!sd->now) {
		say_commands(sd, "restart to apply:", verbs, units);
		return CLI_OK;
	}
	for (int i = 0; i < 4; i++)
		if (units[i] && sd_systemctl(sd, verbs[i], units[i], false) != 0)
			return CLI_CHECK_FAILED;
	return CLI_OK;
}

int sd_systemd_version(void)
{
	char *argv[] = { "systemctl", "--version", NULL }, *out = NULL;
	int version = 0;

	if (sd_spawn(argv, &out) == 0 && out)
		sscanf(out, "systemd %d", &version);
	free(out);
	return version;
}
