// SPDX-License-Identifier: BSD-3-Clause
/*
 * `cdi`: writes the CDI spec (cdi_spec.c) that lets podman, containerd,
 * CRI-O and Docker give any container MPTCP with one --device, without
 * changing its image.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cdi_names.h"
#include "cdi_spec.h"
#include "cli.h"
#include "dropin.h"
#include "output.h"

static void cdi_usage(FILE *out)
{
	out_usage(out,
		  "Usage: mptcpshim cdi [--output DIR|FILE.yaml|-] "
		  "[--library PATH] [--policy DIR|none]\n"
		  "Writes a CDI spec: a container run with the device "
		  CDI_KIND "=glibc\n"
		  "(podman, docker, containerd, CRI-O) gets MPTCP without a "
		  "change to its image.\n"
		  "Devices: glibc, glibc-env, musl, go (see mptcpshim(1)).\n"
		  "  -o, --output DIR|FILE.yaml|-  where (default " CDI_SYSTEM_DIR
		  "/" CDI_SPEC_NAME "; - prints it)\n"
		  "  --library PATH   the glibc library to mount (default: the "
		  "one 'run' uses)\n"
		  "  --policy DIR     the policy directory to mount at "
		  MPTCPSHIM_SYSCONFDIR "\n"
		  "                   (default: this host's, when it exists; "
		  "none: no policy)\n");
}

/* dir and name of the spec file; -1 (after an error message) when the
 * output names something a CDI runtime would not read. */
static int output_target(const char *output, char *dir, size_t dlen,
			 char *name, size_t nlen)
{
	struct stat st;
	const char *slash;
	size_t n = strlen(output);

	if (n == 0 || (n > 0 && output[n - 1] == '/') ||
	    (stat(output, &st) == 0 && S_ISDIR(st.st_mode))) {
		snprintf(dir, dlen, "%s", n ? output : ".");
		/* "/etc/cdi/" is /etc/cdi (and may need creating). */
		for (size_t k = strlen(dir); k > 1 && dir[k - 1] == '/'; k--)
			dir[k - 1] = '\0';
		snprintf(name, nlen, "%s", CDI_SPEC_NAME);
		return 0;
	}
	slash = strrchr(output, '/');
	if (n < 6 || strcmp(output + n - 5, ".yaml") != 0) {
		cli_error("cdi", "--output %s: CDI runtimes read only *.yaml "
				 "and *.json files (give FILE.yaml or a "
				 "directory)",
			  output);
		return -1;
	}
	if (slash)
		snprintf(dir, dlen, "%.*s", (int)(slash - output + (slash == output)),
			 output);
	else
		snprintf(dir, dlen, ".");
	snprintf(name, nlen, "%s", slash ? slash + 1 : output);
	return 0;
}

static void print_devices(struct out *out, const char *path,
			  const struct cdi_source *src)
{
	out_text(out, "wrote %s\n", path);
	out_text(out, "  --device %s=%-9s  glibc images (/etc/ld.so.preload; "
		      "their LD_PRELOAD stays)\n",
		 CDI_KIND, CDI_DEVICE_GLIBC);
	out_text(out, "  --device %s=%-9s  glibc images with their own "
		      "/etc/ld.so.preload\n",
		 CDI_KIND, CDI_DEVICE_GLIBC_ENV);
	if (src->musl[0])
		out_text(out, "  --device %s=%-9s  musl images (Alpine)\n",
			 CDI_KIND, CDI_DEVICE_MUSL);
	out_text(out, "  --device %s=%-9s  Go 1.21+ programs (GODEBUG), with "
		      "one of the above\n",
		 CDI_KIND, CDI_DEVICE_GO);
	if (!src->musl[0])
		out_text(out, "no musl device: this installation has no musl "
			      "build of the library\n");
	if (src->policy[0])
		out_text(out, "policy: %s, read-only at %s\n", src->policy,
			 MPTCPSHIM_SYSCONFDIR);
	else
		out_text(out, "policy: none mounted (the library's defaults "
			      "apply)\n");
}

int cmd_cdi(int argc, char **argv)
{
	const char *output = CDI_SYSTEM_DIR, *library = NULL, *policy = NULL;
	const struct cli_option options[] = {
		CLI_OPTION_VALUE("output", 'o', &output),
		CLI_OPTION_VALUE("library", 0, &library),
		CLI_OPTION_VALUE("policy", 0, &policy),
		CLI_OPTION_END,
	};
	char dir[PATH_MAX], name[NAME_MAX + 1], path[PATH_MAX + NAME_MAX + 2];
	char why[PATH_MAX + 128];
	struct cdi_source *src;
	char *text = NULL;
	struct out *out;
	int rc = cli_parse_options(argc, argv, "cdi", options,
				   CLI_OPTIONS_NO_OPERANDS, cdi_usage);

	if (rc >= 0)
		return rc;
	src = malloc(sizeof(*src));
	if (!src) {
		cli_error("cdi", "out of memory");
		return CLI_CHECK_FAILED;
	}
	rc = CLI_OK;
	if (cdi_source_find(src, library, policy, why, sizeof(why)) < 0) {
		cli_error("cdi", "%s", why);
		rc = CLI_USAGE;
	} else if (!(text = cdi_spec_render(src)) ||
		   !(out = out_new(stdout, false))) {
		cli_error("cdi", "out of memory");
		rc = CLI_CHECK_FAILED;
	} else if (strcmp(output, "-") == 0) {
		out_text(out, "%s", text);
		out_end(out);
	} else if (output_target(output, dir, sizeof(dir), name,
				 sizeof(name)) < 0) {
		out_end(out);
		rc = CLI_USAGE;
	} else {
		/* The system directory may not exist before the first spec. */
		if (strcmp(dir, CDI_SYSTEM_DIR) == 0)
			mkdir(dir, 0755);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (dropin_write_atomic(dir, name, text) < 0) {
			cli_error("cdi", "cannot write %s: %s", path,
				  strerror(errno));
			rc = CLI_CHECK_FAILED;
		} else {
			print_devices(out, path, src);
		}
		out_end(out);
	}
	free(text);
	free(src);
	return rc;
}
