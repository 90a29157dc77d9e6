// SPDX-License-Identifier: BSD-3-Clause
#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build_config.h"
#include "cdi_names.h"
#include "cmdpath.h"
#include "container_probe.h"
#include "elfcheck.h"
#include "libpath.h"

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* The files and variables runtimes leave in their containers. */
static bool detect_runtime(char *out, size_t len)
{
	const char *container = getenv("container");
	FILE *fp;
	char line[512];
	bool found = false;

	if (getenv("KUBERNETES_SERVICE_HOST"))
		return snprintf(out, len, "kubernetes"), true;
	if (exists("/run/.containerenv"))
		return snprintf(out, len, "podman"), true;
	if (exists("/.dockerenv"))
		return snprintf(out, len, "docker"), true;
	if (container && *container)
		return snprintf(out, len, "%s", container), true;
	fp = fopen("/proc/1/cgroup", "re");
	while (fp && !found && fgets(line, sizeof(line), fp))
		found = strstr(line, "/docker") || strstr(line, "/kubepods") ||
			strstr(line, "/libpod") || strstr(line, "containerd");
	if (fp)
		fclose(fp);
	if (found)
		snprintf(out, len, "container");
	return found;
}

/* Whether /etc/ld.so.preload exists and names no libmptcpshim. */
static bool foreign_preload_file(void)
{
	FILE *fp = fopen("/etc/ld.so.preload", "re");
	char line[PATH_MAX];
	bool ours = false;

	if (!fp)
		return false;
	while (!ours && fgets(line, sizeof(line), fp))
		ours = strstr(line, "libmptcpshim") != NULL;
	fclose(fp);
	return !ours;
}

/* Runs program with the library preloaded and all symbols bound now: the
 * loader refuses a library that needs a newer glibc, or a symbol the
 * image's libc lacks, only then. */
static void try_preload(struct container_facts *f)
{
	static const char *const candidates[] = { "/bin/true", "/usr/bin/true" };
	const char *program = "/proc/self/exe", *arg = "--version";
	struct elf_facts elf;
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	/* An image's own dynamic program, never the one doctor was asked
	 * about (it may be a server); this CLI itself as the last resort. */
	for (size_t i = 0; i < sizeof(candidates) / sizeof(*candidates); i++)
		if (elf_inspect(candidates[i], &elf) == 0 && elf.dynamic) {
			program = candidates[i];
			arg = NULL;
			break;
		}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		char *const argv[] = { (char *)program, (char *)arg, NULL };

		dup2(pipefd[1], STDERR_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		setenv("LD_PRELOAD", f->library, 1);
		setenv("LD_BIND_NOW", "1", 1);
		/* The probe's own run must not write stats or log records. */
		unsetenv("MPTCPSHIM_STATS");
		execv(program, argv);
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return;
	}
	n = read(pipefd[0], f->load_error, sizeof(f->load_error) - 1);
	f->load_error[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return;
	f->load_error[strcspn(f->load_error, "\n")] = '\0';
	/* glibc's loader says "ERROR: ld.so: object ... cannot be preloaded"
	 * and goes on, or "symbol lookup error"/"version ... not found" and
	 * stops (127). */
	f->loads = WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		   !strstr(f->load_error, "ld.so") &&
		   !strstr(f->load_error, "error");
	if (f->loads)
		f->load_error[0] = '\0';
}

/* The file whose libc decides: what execvp() runs for program (default
 * /bin/sh), through "#!" lines to the interpreter, as doctor's own command
 * checks follow them. */
static void resolve_program(char *out, size_t len, const char *program)
{
	char next[PATH_MAX];

	if (!program || !cmdpath_find(program, out, len))
		snprintf(out, len, "%s", program ? program : "/bin/sh");
	for (int depth = 0; depth < 4; depth++) {
		if (elf_script_runner(out, next, sizeof(next)) != 1)
			break;
		snprintf(out, len, "%s", next);
	}
}

void container_probe(struct container_facts *f, const char *program)
{
	const char *device = getenv(CDI_ENV_DEVICE);
	struct elf_facts elf;

	memset(f, 0, sizeof(*f));
	f->loads = -1;
	f->inside = detect_runtime(f->runtime, sizeof(f->runtime));
	if (!f->inside)
		return;
	if (device)
		snprintf(f->device, sizeof(f->device), "%s", device);
	resolve_program(f->program, sizeof(f->program), program);
	if (elf_inspect(f->program, &elf) == 0 && elf.is_elf) {
		if (!elf.dynamic)
			f->libc = LIBC_STATIC;
		else if (strstr(elf.interp, "ld-musl"))
			f->libc = LIBC_MUSL;
		else if (strstr(elf.interp, "ld-linux"))
			f->libc = LIBC_GLIBC;
	}
	/* This CLI is a glibc program running on the image's glibc. */
	if (f->libc == LIBC_GLIBC)
		snprintf(f->libc_version, sizeof(f->libc_version), "%s",
			 gnu_get_libc_version());
	f->own_preload_file = foreign_preload_file();
	if (f->libc == LIBC_MUSL)
		f->fits = CDI_DEVICE_MUSL;
	else if (f->libc == LIBC_GLIBC)
		f->fits = f->own_preload_file ? CDI_DEVICE_GLIBC_ENV :
						CDI_DEVICE_GLIBC;
	/* The device's copy first: that is what the image's programs get. */
	if (exists(MPTCPSHIM_CDI_LIBRARY))
		snprintf(f->library, sizeof(f->library), "%s",
			 MPTCPSHIM_CDI_LIBRARY);
	else if (libpath_find(f->library, sizeof(f->library)) != 0)
		f->library[0] = '\0';
	if (f->library[0] && f->libc == LIBC_GLIBC)
		try_preload(f);
}

enum { PASS, WARN, FAIL };

void container_report(const char *program, container_emit_fn emit, void *ctx)
{
	static const char *const libcs[] = { "unknown", "glibc", "musl",
					     "none (static)" };
	struct container_facts f;
	char msg[PATH_MAX + 320], fix[320];

	container_probe(&f, program);
	if (!f.inside)
		return;
	snprintf(msg, sizeof(msg), "in a %s container; libc of %s: %s%s%s",
		 f.runtime, f.program, libcs[f.libc],
		 f.libc_version[0] ? " " : "", f.libc_version);
	emit(ctx, "container", PASS, msg, NULL);
	if (f.loads >= 0) {
		snprintf(msg, sizeof(msg), "%s %s%s%s", f.library,
			 f.loads ? "loads here as a preload" :
				   "does not load here: ",
			 f.loads ? "" : f.load_error, "");
		snprintf(fix, sizeof(fix),
			 "mount a library built for this image's libc (glibc "
			 "2.28 or newer: --device %s=%s; musl: =%s)",
			 CDI_KIND, CDI_DEVICE_GLIBC, CDI_DEVICE_MUSL);
		emit(ctx, "container_library", f.loads ? PASS : FAIL, msg,
		     f.loads ? NULL : fix);
	}
	if (!f.fits) {
		snprintf(msg, sizeof(msg), "no CDI device fits %s (libc: %s)",
			 f.program, libcs[f.libc]);
		emit(ctx, "container_device", WARN, msg,
		     "a static program needs the seccomp route: make "
		     "'mptcpshim run -- CMD' the entry point");
		return;
	}
	if (strcmp(f.device, f.fits) == 0) {
		snprintf(msg, sizeof(msg), "device %s=%s is attached and fits",
			 CDI_KIND, f.fits);
		emit(ctx, "container_device", PASS, msg, NULL);
		return;
	}
	if (!f.device[0] && f.library[0] &&
	    strcmp(f.library, MPTCPSHIM_CDI_LIBRARY) != 0) {
		snprintf(msg, sizeof(msg), "the image has the library itself "
			 "(%s): no CDI device needed (the one that fits: "
			 "%s=%s)", f.library, CDI_KIND, f.fits);
		emit(ctx, "container_device", PASS, msg, NULL);
		return;
	}
	if (f.device[0])
		snprintf(msg, sizeof(msg), "device %s=%s is attached; this "
			 "image needs %s=%s%s", CDI_KIND, f.device, CDI_KIND,
			 f.fits, f.own_preload_file ? " (it has an "
			 "/etc/ld.so.preload of its own)" : "");
	else
		snprintf(msg, sizeof(msg), "no mptcpshim CDI device attached; "
			 "this image needs %s=%s%s", CDI_KIND, f.fits,
			 f.own_preload_file ? " (it has an /etc/ld.so.preload "
			 "of its own)" : "");
	snprintf(fix, sizeof(fix), "run it with --device %s=%s ('mptcpshim "
		 "cdi' on the host writes the spec)", CDI_KIND, f.fits);
	emit(ctx, "container_device", f.device[0] ? FAIL : WARN, msg, fix);
}
