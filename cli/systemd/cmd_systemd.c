// SPDX-License-Identifier: BSD-3-Clause
/*
 * `enable`, `disable` and `status`: the shim for a systemd service through
 * a drop-in of its own, so the vendor unit (and whatever Environment= it
 * has) is never edited and package upgrades cannot undo it. This file is
 * their command line; sd_*.c do the work.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "output.h"
#include "sd_context.h"

static const char *const command_names[] = {
	[DO_ENABLE] = "enable", [DO_DISABLE] = "disable", [DO_STATUS] = "status",
};

static void sd_usage(FILE *out, enum which which)
{
	const char *cmd = command_names[which];

	if (strcmp(cli_program, "mptcpize") == 0) {
		out_usage(out, "Usage: mptcpize %s UNIT\n"
			       "Same as 'mptcpshim %s UNIT': a drop-in, the "
			       "unit file stays untouched.\n",
			  cmd, cmd);
		return;
	}
	out_usage(out,
		  "Usage: mptcpshim %s [--user] [--root DIR] [--socket]%s "
		  "UNIT\n",
		  cmd,
		  which == DO_STATUS ? " [--json]" : " [--now] [--dry-run]");
	if (which == DO_ENABLE)
		out_usage(out,
			  "Adds the shim to a service with the drop-in "
			  "UNIT.d/" DROPIN_FILE ":\nEnvironment=LD_PRELOAD "
			  "and GODEBUG, merged with what the unit already "
			  "sets.\nRefuses a unit whose ExecStart is static or "
			  "Go before 1.21 (LD_PRELOAD\ncannot reach it) and "
			  "says how to wrap it in 'mptcpshim run'.\n");
	else if (which == DO_DISABLE)
		out_usage(out, "Removes the drop-in 'enable' wrote (and the "
			       "directories it created).\n");
	else
		out_usage(out, "Says whether the drop-in exists, whether "
			       "systemd loaded it and whether the\nrunning "
			       "service has the library.\n");
	out_usage(out,
		  "\n  --user       the user's manager "
		  "(~/.config/systemd/user)\n"
		  "  --root DIR   the unit tree below DIR; never talks to a "
		  "running systemd\n"
		  "  --socket     also the .socket unit that activates the "
		  "service\n"
		  "               (SocketProtocol=mptcp, systemd >= 257)\n");
	if (which == DO_STATUS)
		out_usage(out, "  --json       as a JSON object\n");
	else
		out_usage(out,
			  "  --now        restart the service after "
			  "daemon-reload; when the socket's\n"
			  "               drop-in changes, stop socket and "
			  "service, then start both\n"
			  "  --dry-run    print what would change; change "
			  "nothing\n");
	out_usage(out, "\nUNIT without a type suffix means UNIT.service.\n");
}

static void enable_usage(FILE *out)
{
	sd_usage(out, DO_ENABLE);
}

static void disable_usage(FILE *out)
{
	sd_usage(out, DO_DISABLE);
}

static void status_usage(FILE *out)
{
	sd_usage(out, DO_STATUS);
}

static void (*const usages[])(FILE *) = {
	[DO_ENABLE] = enable_usage, [DO_DISABLE] = disable_usage,
	[DO_STATUS] = status_usage,
};

/* Options, then the one UNIT; -1 to go on, else the exit code. */
static int sd_parse(struct sd *sd, int argc, char **argv)
{
	static char root[PATH_MAX];
	const char *root_arg = NULL, *why;
	/* Each command knows only its own options: --json is status',
	 * --now and --dry-run change things. */
	const struct cli_option status_options[] = {
		CLI_OPTION_FLAG("user", 0, &sd->user),
		CLI_OPTION_VALUE("root", 0, &root_arg),
		CLI_OPTION_FLAG("socket", 0, &sd->socket),
		CLI_OPTION_JSON(&sd->json),
		CLI_OPTION_END,
	};
	const struct cli_option change_options[] = {
		CLI_OPTION_FLAG("user", 0, &sd->user),
		CLI_OPTION_VALUE("root", 0, &root_arg),
		CLI_OPTION_FLAG("socket", 0, &sd->socket),
		CLI_OPTION_FLAG("now", 0, &sd->now),
		CLI_OPTION_FLAG("dry-run", 0, &sd->dry_run),
		CLI_OPTION_END,
	};
	int rc;

	sd->root = "";
	rc = cli_parse_options(argc, argv, sd->cmd,
			       sd->which == DO_STATUS ? status_options :
							change_options,
			       0, usages[sd->which]);
	if (rc >= 0)
		return rc;
	if (root_arg) {
		struct stat st;

		if (!realpath(root_arg, root)) {
			cli_error(sd->cmd, "--root %s: %s", root_arg,
				  strerror(errno));
			return CLI_USAGE;
		}
		if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
			cli_error(sd->cmd, "--root %s: not a directory",
				  root_arg);
			return CLI_USAGE;
		}
		/* "/" is the running system, spelled "". */
		sd->root = strcmp(root, "/") == 0 ? "" : root;
	}
	if (optind != argc - 1) {
		cli_error(sd->cmd, optind >= argc ? "missing UNIT" :
						    "exactly one UNIT, please");
		usages[sd->which](stderr);
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
	if (sd_socket_unit_for(&sd->unit, &sd->socket_unit) < 0) {
		cli_error(sd->cmd, "invalid unit name '%s': too long",
			  argv[optind]);
		return CLI_USAGE;
	}
	return -1;
}

static int sd_main(enum which which, int argc, char **argv)
{
	static int (*const run[])(struct sd *) = {
		[DO_ENABLE] = sd_enable, [DO_DISABLE] = sd_disable,
		[DO_STATUS] = sd_status,
	};
	struct sd sd = { .which = which, .cmd = command_names[which] };
	int rc;

	rc = sd_parse(&sd, argc, argv);
	if (rc >= 0)
		return rc;
	rc = sd_setup(&sd);
	if (rc == CLI_OK) {
		sd.out = out_new(stdout, sd.json);
		rc = sd.out ? run[which](&sd) : CLI_CHECK_FAILED;
		out_end(sd.out);
	}
	sd_free(&sd);
	return rc;
}

int cmd_enable(int argc, char **argv)
{
	return sd_main(DO_ENABLE, argc, argv);
}

int cmd_disable(int argc, char **argv)
{
	return sd_main(DO_DISABLE, argc, argv);
}

int cmd_status(int argc, char **argv)
{
	return sd_main(DO_STATUS, argc, argv);
}
