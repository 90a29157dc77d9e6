// SPDX-License-Identifier: BSD-3-Clause
/*
 * `env`: the exact lines that turn the shim on for a shell, a systemd unit
 * or a container image, for people and config management that set the
 * environment themselves instead of going through `run` or `enable`.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dropin.h"
#include "envmerge.h"
#include "gomptcp.h"
#include "libpath.h"

enum env_style { ENV_SHELL, ENV_SYSTEMD, ENV_CONTAINERFILE };

static void env_usage(FILE *out)
{
	fprintf(out,
		"Usage: mptcpshim env [--shell|--systemd|--containerfile] "
		"[-c FILE] [PROGRAM]\n"
		"Prints the lines that activate the shim; GODEBUG=multipathtcp="
		"N for Go\nprograms follows the policy for PROGRAM (default: "
		"the [global] settings):\n"
		"  --shell          export lines for eval \"$(mptcpshim env)\","
		" merged with\n"
		"                   this environment's LD_PRELOAD and GODEBUG "
		"(default)\n"
		"  --systemd        a [Service] section for a unit or drop-in "
		"('mptcpshim enable'\n"
		"                   writes one and merges with the unit's own "
		"values)\n"
		"  --containerfile  ENV instructions for a Containerfile or "
		"Dockerfile\n"
		"  -c, --config FILE  also set MPTCPSHIM_CONFIG (with "
		"--containerfile: the\n"
		"                   absolute path inside the image)\n");
}

/* 'text' for POSIX shells: only the quote itself needs care. */
static void put_shell(const char *name, const char *value)
{
	printf("export %s='", name);
	for (const char *p = value; *p; p++)
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*p);
	printf("'\n");
}

/* ENV NAME=value; quoted when the builder would split or expand it. */
static void put_containerfile(const char *name, const char *value)
{
	bool bare = *value != '\0';

	for (const char *p = value; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("\"'\\$", *p))
			bare = false;
	if (bare) {
		printf("ENV %s=%s\n", name, value);
		return;
	}
	printf("ENV %s=\"", name);
	for (const char *p = value; *p; p++) {
		if (strchr("\"\\$", *p))
			putchar('\\');
		putchar(*p);
	}
	printf("\"\n");
}

static int put_systemd(const char *name, const char *value)
{
	char *escaped = dropin_escape_specifiers(value), *assignment = NULL;
	char *quoted = NULL;
	int rc = -1;

	if (escaped && asprintf(&assignment, "%s=%s", name, escaped) >= 0 &&
	    (quoted = dropin_quote(assignment))) {
		printf("Environment=%s\n", quoted);
		rc = 0;
	}
	free(escaped);
	free(assignment);
	free(quoted);
	return rc;
}

static int put(enum env_style style, const char *name, const char *value)
{
	if (!value)
		return -1;
	if (style == ENV_SHELL)
		put_shell(name, value);
	else if (style == ENV_CONTAINERFILE)
		put_containerfile(name, value);
	else
		return put_systemd(name, value);
	return 0;
}

/* GODEBUG's multipathtcp for program (NULL: none) under this machine's
 * policy files, and config on top when given. */
static int go_value(const char *program, const char *config)
{
	char buf[NAME_MAX + 1];
	const char *names[3] = { NULL };

	if (config)
		setenv("MPTCPSHIM_CONFIG", config, 1);
	if (program)
		gomptcp_command_names(program, buf, sizeof(buf), names);
	return gomptcp_for_program(program ? names : NULL, NULL);
}

int cmd_env(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "shell", no_argument, NULL, 's' },
		{ "systemd", no_argument, NULL, 'y' },
		{ "containerfile", no_argument, NULL, 'C' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum env_style style = ENV_SHELL;
	const char *config = NULL;
	char library[PATH_MAX], config_abs[PATH_MAX];
	char *preload = NULL, *godebug = NULL;
	int c, styles = 0, rc = CLI_OK;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			style = ENV_SHELL;
			styles++;
			break;
		case 'y':
			style = ENV_SYSTEMD;
			styles++;
			break;
		case 'C':
			style = ENV_CONTAINERFILE;
			styles++;
			break;
		case 'c':
			config = optarg;
			break;
		case 'h':
			env_usage(stdout);
			return CLI_OK;
		default:
			cli_error("env", "unknown option '%s'",
				  argv[optind - 1]);
			env_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind + 1 < argc || styles > 1) {
		if (optind + 1 < argc)
			cli_error("env", "unexpected argument '%s'",
				  argv[optind + 1]);
		else
			cli_error("env", "choose one of --shell, --systemd, "
					 "--containerfile");
		env_usage(stderr);
		return CLI_USAGE;
	}
	if (config) {
		/* In an image the file is the image's; here it must exist. */
		if (style == ENV_CONTAINERFILE) {
			if (config[0] != '/') {
				cli_error("env", "-c %s: give the absolute "
						 "path inside the image",
					  config);
				return CLI_USAGE;
			}
			snprintf(config_abs, sizeof(config_abs), "%s", config);
		} else if (!realpath(config, config_abs)) {
			cli_error("env", "policy file '%s': %s", config,
				  strerror(errno));
			return CLI_USAGE;
		}
	}
	if (libpath_find(library, sizeof(library)) != 0) {
		cli_error("env", "cannot find libmptcpshim.so (set "
				 "MPTCPSHIM_LIBRARY, or reinstall)");
		return CLI_CHECK_FAILED;
	}

	/* Only a shell has a current environment to merge with. */
	preload = envmerge_preload(style == ENV_SHELL ? getenv("LD_PRELOAD") :
							NULL, library);
	godebug = envmerge_godebug(style == ENV_SHELL ? getenv("GODEBUG") :
							NULL,
				   go_value(optind < argc ? argv[optind] : NULL,
					    config && style != ENV_CONTAINERFILE
						    ? config_abs
						    : NULL));
	if (style == ENV_SYSTEMD)
		printf("[Service]\n");
	if (put(style, "LD_PRELOAD", preload) < 0 ||
	    put(style, "GODEBUG", godebug) < 0 ||
	    (config && put(style, "MPTCPSHIM_CONFIG", config_abs) < 0)) {
		cli_error("env", "out of memory");
		rc = CLI_CHECK_FAILED;
	}
	free(preload);
	free(godebug);
	return rc;
}
