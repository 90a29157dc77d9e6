// SPDX-License-Identifier: BSD-3-Clause
/*
 * `env`: the exact lines that turn the shim on for a shell, a systemd unit
 * or a container image, for people and config management that set the
 * environment themselves instead of going through `run` or `enable`.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_config.h"
#include "cdi_spec.h"
#include "cli.h"
#include "dropin.h"
#include "envmerge.h"
#include "gomptcp.h"
#include "libpath.h"
#include "output.h"
#include "strbuf.h"

enum env_style { ENV_SHELL, ENV_SYSTEMD, ENV_CONTAINERFILE, ENV_CDI };

static void env_usage(FILE *out)
{
	out_usage(out,
		  "Usage: mptcpshim env [--shell|--systemd|--containerfile|--cdi] "
		  "[-c FILE] [PROGRAM]\n"
		  "Prints the lines that activate the shim; "
		  "GODEBUG=multipathtcp=N for Go\n"
		  "programs follows the policy for PROGRAM (default: the "
		  "[global] settings):\n"
		  "  --shell          export lines for eval \"$(mptcpshim "
		  "env)\", merged with\n"
		  "                   this environment's LD_PRELOAD and "
		  "GODEBUG (default)\n"
		  "  --systemd        a [Service] section for a unit or "
		  "drop-in ('mptcpshim enable'\n"
		  "                   writes one and merges with the unit's "
		  "own values)\n"
		  "  --containerfile  ENV instructions for a Containerfile or "
		  "Dockerfile\n"
		  "  --cdi            a CDI containerEdits env list (the library "
		  "at the path\n"
		  "                   'mptcpshim cdi' mounts it to; CDI "
		  "replaces the image's values)\n"
		  "  -c, --config FILE  also set MPTCPSHIM_CONFIG (with "
		  "--containerfile, --cdi: the\n"
		  "                   absolute path inside the image)\n");
}

/* 'text' for POSIX shells: only the quote itself needs care. */
static int put_shell(struct strbuf *b, const char *name, const char *value)
{
	if (strbuf_addf(b, "export %s='", name) < 0)
		return -1;
	for (const char *p = value; *p; p++)
		if ((*p == '\'' ? strbuf_adds(b, "'\\''") :
				  strbuf_addc(b, *p)) < 0)
			return -1;
	return strbuf_adds(b, "'\n");
}

/* ENV NAME=value; quoted when the builder would split or expand it. */
static int put_containerfile(struct strbuf *b, const char *name,
			     const char *value)
{
	bool bare = *value != '\0';

	for (const char *p = value; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("\"'\\$", *p))
			bare = false;
	if (bare)
		return strbuf_addf(b, "ENV %s=%s\n", name, value);
	if (strbuf_addf(b, "ENV %s=\"", name) < 0)
		return -1;
	for (const char *p = value; *p; p++)
		if ((strchr("\"\\$", *p) && strbuf_addc(b, '\\') < 0) ||
		    strbuf_addc(b, *p) < 0)
			return -1;
	return strbuf_adds(b, "\"\n");
}

static int put_systemd(struct strbuf *b, const char *name, const char *value)
{
	char *escaped = dropin_escape_specifiers(value), *assignment = NULL;
	char *quoted = NULL;
	int rc = -1;

	if (escaped && asprintf(&assignment, "%s=%s", name, escaped) >= 0 &&
	    (quoted = dropin_quote(assignment)))
		rc = strbuf_addf(b, "Environment=%s\n", quoted);
	free(escaped);
	free(assignment);
	free(quoted);
	return rc;
}

/* One item of a CDI containerEdits env list, quoted as the spec is. */
static int put_cdi(struct strbuf *b, const char *name, const char *value)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	int rc;

	if (!fp)
		return -1;
	cdi_put_env(fp, 4, name, value);
	rc = fclose(fp) == 0 && text ? strbuf_adds(b, text) : -1;
	free(text);
	return rc;
}

/*
 * Why value cannot be written in style so that its reader gets it back
 * exactly, or NULL. systemd's C escapes hold any byte (the output's \xNN
 * is one of them). A shell's single quotes hold any byte too, but the
 * lines are printed as text that may reach a terminal: a control byte
 * other than a line break or tab, or bytes that are not UTF-8, are printed
 * escaped, and eval would set the escape's letters. A Containerfile has no
 * escape for a line break (buildah and docker read the rest as the next
 * instruction) nor for other control bytes. In every style, LD_PRELOAD's
 * reader (ld.so) splits its list at spaces and colons: a library path
 * holding one loads something else (library_path: the value is ours).
 */
static const char *unwritable(enum env_style style, const char *name,
			      const char *value, bool library_path)
{
	if (library_path && strcmp(name, "LD_PRELOAD") == 0 &&
	    strpbrk(value, " :"))
		return "the dynamic loader splits LD_PRELOAD at spaces and "
		       "colons";
	if (style == ENV_SYSTEMD)
		return NULL;
	if (style == ENV_CONTAINERFILE)
		for (const unsigned char *p = (const unsigned char *)value;
		     *p; p++)
			if (*p < ' ' || *p == 0x7f)
				return *p == '\n' || *p == '\r' ?
					       "a Containerfile has no way to "
					       "write a line break in a value" :
					       "a Containerfile has no way to "
					       "write a control character in a "
					       "value";
	if (!out_safe_text_verbatim(value, true))
		return "it holds a control character or bytes that are not "
		       "UTF-8, which these lines (text that may reach a "
		       "terminal) would print escaped";
	return NULL;
}

static int put(struct strbuf *b, enum env_style style, const char *name,
	       const char *value)
{
	if (!value)
		return -1;
	if (style == ENV_CDI)
		return put_cdi(b, name, value);
	if (style == ENV_SHELL)
		return put_shell(b, name, value);
	if (style == ENV_CONTAINERFILE)
		return put_containerfile(b, name, value);
	return put_systemd(b, name, value);
}

/* GODEBUG's multipathtcp for program (NULL: none) under this machine's
 * policy files, and config on top when given. */
static int go_value(const char *program, const char *config)
{
	char buf[NAME_MAX + 1];
	const char *names[3] = { NULL };

	if (config)
		setenv("MPTCPSHIM_CONFIG", config, 1);
	if (program && gomptcp_go_sandboxes_itself(program))
		return GOMPTCP_OFF;
	if (program)
		gomptcp_command_names(program, buf, sizeof(buf), names);
	return gomptcp_for_program(program ? names : NULL, NULL);
}

int cmd_env(int argc, char **argv)
{
	bool shell = false, systemd = false, containerfile = false, cdi = false;
	const char *config = NULL;
	const struct cli_option options[] = {
		CLI_OPTION_FLAG("shell", 0, &shell),
		CLI_OPTION_FLAG("systemd", 0, &systemd),
		CLI_OPTION_FLAG("containerfile", 0, &containerfile),
		CLI_OPTION_FLAG("cdi", 0, &cdi),
		CLI_OPTION_CONFIG(&config),
		CLI_OPTION_END,
	};
	enum env_style style = ENV_SHELL;
	char library[PATH_MAX], config_abs[PATH_MAX];
	char *preload = NULL, *godebug = NULL;
	struct strbuf lines = { 0 };
	struct out *out;
	int rc = cli_parse_options(argc, argv, "env", options, 0, env_usage);

	if (rc >= 0)
		return rc;
	rc = CLI_OK;
	if (optind + 1 < argc || shell + systemd + containerfile + cdi > 1) {
		if (optind + 1 < argc)
			cli_error("env", "unexpected argument '%s'",
				  argv[optind + 1]);
		else
			cli_error("env", "choose one of --shell, --systemd, "
					 "--containerfile, --cdi");
		env_usage(stderr);
		return CLI_USAGE;
	}
	if (systemd)
		style = ENV_SYSTEMD;
	else if (containerfile)
		style = ENV_CONTAINERFILE;
	else if (cdi)
		style = ENV_CDI;
	if (config) {
		/* In an image the file is the image's; here it must exist. */
		if (style == ENV_CONTAINERFILE || style == ENV_CDI) {
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
	if (style == ENV_CDI) {
		/* Where the CDI devices mount it, in every container. */
		snprintf(library, sizeof(library), "%s", MPTCPSHIM_CDI_LIBRARY);
	} else if (libpath_find(library, sizeof(library)) != 0) {
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
					    config && style != ENV_CONTAINERFILE &&
							    style != ENV_CDI
						    ? config_abs
						    : NULL));
	if (!preload || !godebug)
		goto oom;
	{
		/* The library path, then every value written (the shell's
		 * merge brings the environment's LD_PRELOAD and GODEBUG). */
		const char *values[] = { library, preload, godebug,
					 config ? config_abs : "" };
		const char *names[] = { "LD_PRELOAD", "LD_PRELOAD", "GODEBUG",
					"MPTCPSHIM_CONFIG" };

		for (int i = 0; i < 4; i++) {
			const char *why = unwritable(style, names[i],
						     values[i], i == 0);

			if (why) {
				cli_error("env", "cannot write %s safely: %s",
					  names[i], why);
				rc = CLI_USAGE;
				goto out;
			}
		}
	}
	if ((style == ENV_SYSTEMD && strbuf_adds(&lines, "[Service]\n") < 0) ||
	    (style == ENV_CDI &&
	     strbuf_adds(&lines, "containerEdits:\n  env:\n") < 0) ||
	    put(&lines, style, "LD_PRELOAD", preload) < 0 ||
	    put(&lines, style, "GODEBUG", godebug) < 0 ||
	    (config && put(&lines, style, "MPTCPSHIM_CONFIG", config_abs) < 0) ||
	    !(out = out_new(stdout, false))) {
oom:
		cli_error("env", "out of memory");
		rc = CLI_CHECK_FAILED;
	} else {
		/* All or nothing: half the lines would activate half. */
		out_text(out, "%s", lines.s);
		out_end(out);
	}
out:
	strbuf_release(&lines);
	free(preload);
	free(godebug);
	return rc;
}
