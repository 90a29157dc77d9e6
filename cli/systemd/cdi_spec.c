// SPDX-License-Identifier: BSD-3-Clause
/*
 * The CDI spec. CDI *replaces* a variable the image sets (it does not
 * append to it), so the glibc device sets none: it mounts a file over the
 * container's /etc/ld.so.preload, which glibc's loader reads in addition
 * to LD_PRELOAD, so an image's own LD_PRELOAD and GODEBUG stay as they
 * are. musl has no such file, and Go reads only GODEBUG, so those devices
 * must set (and so replace) the variable; each is a device of its own so
 * that a container gets that trade only when it asks for it.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build_config.h"
#include "cdi_names.h"
#include "cdi_spec.h"
#include "elfcheck.h"
#include "gomptcp.h"
#include "libpath.h"
#include "output.h"

static bool is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int find_policy(struct cdi_source *src, const char *policy, char *why,
		       size_t why_len)
{
	if (policy && strcmp(policy, "none") == 0)
		return 0;
	if (!policy) {
		/* No policy on this host: the library's built-in defaults
		 * apply in the container as they do here. */
		if (is_directory(MPTCPSHIM_SYSCONFDIR))
			snprintf(src->policy, sizeof(src->policy), "%s",
				 MPTCPSHIM_SYSCONFDIR);
		return 0;
	}
	/* As for the library (cdi_source_find): errno only on failure. */
	bool found = realpath(policy, src->policy) != NULL;

	if (!found || !is_directory(src->policy)) {
		snprintf(why, why_len, "policy directory '%s': %s", policy,
			 found ? "not a directory" : strerror(errno));
		return -1;
	}
	return 0;
}

/* The launcher that belongs to the library: the build tree's beside a
 * build-tree library, else the installed one. */
static void find_launcher(struct cdi_source *src)
{
#ifdef MPTCPSHIM_EXEC_HELPER
	char build_lib[PATH_MAX];
	const char *host = MPTCPSHIM_EXEC_HELPER;

	if (realpath(MPTCPSHIM_BUILD_LIBRARY, build_lib) &&
	    strcmp(build_lib, src->library) == 0)
		host = MPTCPSHIM_BUILD_EXEC_HELPER;
	if (is_regular(host)) {
		snprintf(src->launcher, sizeof(src->launcher), "%s", host);
		snprintf(src->launcher_at, sizeof(src->launcher_at), "%s",
			 MPTCPSHIM_EXEC_HELPER);
	}
#else
	(void)src;
#endif
}

/* out = rel in the library's directory, when that fits and is a file. */
static bool beside_library(const char *library, const char *rel, char *out,
			   size_t out_len)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", library);
	return (size_t)snprintf(out, out_len, "%s/%s", dirname(dir), rel) <
		       out_len &&
	       is_regular(out);
}

int cdi_source_find(struct cdi_source *src, const char *library,
		    const char *policy, char *why, size_t why_len)
{
	struct elf_facts elf;

	memset(src, 0, sizeof(*src));
	errno = 0;
	if (library) {
		bool found = realpath(library, src->library) != NULL;

		/* errno only from a failed realpath(): a successful one may
		 * leave it set (glibc: EINVAL), naming the wrong reason. */
		if (!found || !is_regular(src->library)) {
			snprintf(why, why_len, "library '%s': %s", library,
				 found ? "not a file" : strerror(errno));
			return -1;
		}
	} else if (libpath_find(src->library, sizeof(src->library)) != 0) {
		snprintf(why, why_len, "cannot find libmptcpshim.so (set "
				       "MPTCPSHIM_LIBRARY or --library)");
		return -1;
	}
	if (elf_inspect(src->library, &elf) < 0 || !elf.is_elf || !elf.native) {
		snprintf(why, why_len, "library '%s' is not an ELF file for "
				       "this machine", src->library);
		return -1;
	}
	/* The runtime mounts these from beside the library, where the
	 * package (or the build tree) puts them. */
	if (!beside_library(src->library, "mptcpshim/ld.so.preload",
			    src->preload, sizeof(src->preload))) {
		snprintf(why, why_len, "no %s beside the library (installed "
				       "with it)", src->preload);
		return -1;
	}
	if (!beside_library(src->library, "mptcpshim/musl/libmptcpshim.so",
			    src->musl, sizeof(src->musl)))
		src->musl[0] = '\0';
	if (find_policy(src, policy, why, why_len) < 0)
		return -1;
	find_launcher(src);
	src->go_multipathtcp = (int)gomptcp_for_program(NULL, NULL);
	return 0;
}

void cdi_put_env(FILE *fp, int indent, const char *name, const char *value)
{
	char *item = NULL;

	if (asprintf(&item, "%s=%s", name, value) < 0)
		return;
	fprintf(fp, "%*s- ", indent, "");
	out_json_string(fp, item);
	fputc('\n', fp);
	free(item);
}

/* A read-only bind mount; nosuid and nodev: nothing of ours needs them. */
static void put_mount(FILE *fp, const char *host, const char *container)
{
	fputs("        - hostPath: ", fp);
	out_json_string(fp, host);
	fputs("\n          containerPath: ", fp);
	out_json_string(fp, container);
	fputs("\n          options: [\"ro\", \"nosuid\", \"nodev\", \"bind\"]\n",
	      fp);
}

static void put_device(FILE *fp, const struct cdi_source *src,
		       const char *name, const char *comment)
{
	bool glibc = strcmp(name, CDI_DEVICE_GLIBC) == 0;
	bool glibc_env = strcmp(name, CDI_DEVICE_GLIBC_ENV) == 0;
	bool musl = strcmp(name, CDI_DEVICE_MUSL) == 0;
	char godebug[32];

	fprintf(fp, "  # %s\n  - name: \"%s\"\n    containerEdits:\n      env:\n",
		comment, name);
	/* Not by go: combined with a library device, it would replace
	 * that device's name. */
	if (strcmp(name, CDI_DEVICE_GO) != 0)
		cdi_put_env(fp, 8, CDI_ENV_DEVICE, name);
	if (glibc_env)
		cdi_put_env(fp, 8, "LD_PRELOAD", MPTCPSHIM_CDI_LIBRARY);
	if (musl)
		cdi_put_env(fp, 8, "LD_PRELOAD", MPTCPSHIM_CDI_MUSL_LIBRARY);
	if (strcmp(name, CDI_DEVICE_GO) == 0) {
		snprintf(godebug, sizeof(godebug), "multipathtcp=%d",
			 src->go_multipathtcp);
		cdi_put_env(fp, 8, "GODEBUG", godebug);
		/* The policy is for the library; Go reads none of it. */
		return;
	}
	fputs("      mounts:\n", fp);
	if (musl)
		put_mount(fp, src->musl, MPTCPSHIM_CDI_MUSL_LIBRARY);
	else
		put_mount(fp, src->library, MPTCPSHIM_CDI_LIBRARY);
	if (glibc)
		put_mount(fp, src->preload, "/etc/ld.so.preload");
	if (src->policy[0])
		put_mount(fp, src->policy, MPTCPSHIM_SYSCONFDIR);
	/* The seccomp route's launcher (static, so it runs in any image) at
	 * the path compiled into the library, for the static programs an
	 * image's shell or script starts. */
	if (src->launcher[0])
		put_mount(fp, src->launcher, src->launcher_at);
}

char *cdi_spec_render(const struct cdi_source *src)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	if (!fp)
		return NULL;
	fprintf(fp,
		"# Written by 'mptcpshim cdi' (mptcpshim %s); see mptcpshim(1).\n"
		"# MPTCP for a container without changing its image:\n"
		"#   podman run --device %s=%s IMAGE CMD\n"
		"# The libraries and the policy are mounted read-only from "
		"this host.\n",
		MPTCPSHIM_VERSION, CDI_KIND, CDI_DEVICE_GLIBC);
	fprintf(fp, "cdiVersion: \"%s\"\nkind: \"%s\"\ndevices:\n",
		CDI_VERSION, CDI_KIND);
	put_device(fp, src, CDI_DEVICE_GLIBC,
		   "glibc images: /etc/ld.so.preload names the library (it "
		   "hides an image's own\n  # /etc/ld.so.preload); LD_PRELOAD "
		   "and GODEBUG of the image stay as they are");
	put_device(fp, src, CDI_DEVICE_GLIBC_ENV,
		   "glibc images with an /etc/ld.so.preload of their own: "
		   "LD_PRELOAD is set\n  # (CDI replaces the image's "
		   "LD_PRELOAD)");
	if (src->musl[0])
		put_device(fp, src, CDI_DEVICE_MUSL,
			   "musl images (Alpine): LD_PRELOAD is set (CDI "
			   "replaces the image's LD_PRELOAD)");
	put_device(fp, src, CDI_DEVICE_GO,
		   "Go 1.21+ programs (their own system calls): GODEBUG is "
		   "set (CDI replaces\n  # the image's GODEBUG); add it to "
		   "one of the devices above");
	if (fclose(fp) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
