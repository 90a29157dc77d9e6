// SPDX-License-Identifier: BSD-3-Clause
/*
 * `enable`, `disable` and `status`: the shim for a systemd service through
 * a drop-in of its own, so the vendor unit (and whatever Environment= it
 * has) is never edited and package upgrades cannot undo it. This file is
 * their command line; sd_*.c do the work.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sd_context.h"

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
			"daemon-reload\n"
			"  --dry-run    print what would change; change "
			"nothing\n");
	fprintf(out, "\nUNIT without a type suffix means UNIT.service.\n");
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
	if (sd_socket_unit_for(&sd->unit, &sd->socket_unit) < 0) {
		cli_error(sd->cmd, "invalid unit name '%s': too long",
			  argv[optind]);
		return CLI_USAGE;
	}
	return CLI_OK;
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
			rc = sd_enable(&sd);
		else if (which == DO_DISABLE)
			rc = sd_disable(&sd);
		else
			rc = sd_status(&sd);
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
