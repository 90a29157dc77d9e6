// SPDX-License-Identifier: BSD-3-Clause
/*
 * `mptcpshim doctor [CMD]`: everything that decides whether a program will
 * get MPTCP from the shim, as PASS/WARN/FAIL lines each with its fix: the
 * kernel and path manager of this namespace, the shim library itself, and
 * for CMD what would keep LD_PRELOAD from acting (static binary, Go,
 * setuid/setgid, file capabilities).
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmdpath.h"
#include "container_probe.h"
#include "elfcheck.h"
#include "blackhole.h"
#include "doctor_bundle.h"
#include "explain.h"
#include "gomptcp.h"
#include "libpath.h"
#include "mib.h"
#include "output.h"
#include "pm_check.h"
#include "route.h"
#include "route_where.h"
#include "seccomp_filter.h"
#include "seccomp_launch.h"
#include "uapi_compat.h"

#define MAX_SHEBANG_DEPTH 4
/* Go honours GODEBUG=multipathtcp from this release on. */
#define GO_MPTCP_MAJOR 1
#define GO_MPTCP_MINOR 21

#include "doctor_report.h"

static const char *const status_names[] = { "PASS", "WARN", "FAIL" };

static void check_sysctl(struct report *r, const struct explain_sysctl *s)
{
	struct check *c;

	if (!s->present) {
		c = doctor_add(r, "mptcp_enabled", ST_FAIL,
			"%s is missing: this kernel has no MPTCP",
			EXPLAIN_SYSCTL_DIR);
		doctor_fix(c, "boot a kernel with CONFIG_MPTCP=y (5.6+, 6.1+ "
		       "recommended)");
	} else if (s->enabled == 0) {
		c = doctor_add(r, "mptcp_enabled", ST_FAIL,
			"net.mptcp.enabled = 0: MPTCP is off in this network "
			"namespace");
		doctor_fix(c, "sysctl -w net.mptcp.enabled=1 (and persist it in "
		       "/etc/sysctl.d/)");
	} else {
		doctor_add(r, "mptcp_enabled", ST_PASS, "net.mptcp.enabled = %d",
		    s->enabled);
	}
}

static void check_socket(struct report *r)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
	struct check *c;

	if (fd >= 0) {
		close(fd);
		doctor_add(r, "mptcp_socket", ST_PASS,
		    "socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP) works");
		return;
	}
	c = doctor_add(r, "mptcp_socket", ST_FAIL,
		"socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP) fails: %s (%s)",
		strerrorname_np(errno) ? strerrorname_np(errno) : "?",
		strerror(errno));
	doctor_fix(c, "%s", errno == ENOPROTOOPT ?
			     "sysctl -w net.mptcp.enabled=1" :
			     "use a kernel with CONFIG_MPTCP=y; the shim "
			     "falls back to TCP meanwhile");
}

static void check_path_manager(struct report *r,
			       const struct explain_sysctl *s)
{
	struct check *c;
	bool userspace = strcmp(s->path_manager, "userspace") == 0 ||
			 (!s->path_manager[0] && s->pm_type == 1);

	if (!s->present)
		return;
	if (userspace) {
		c = doctor_add(r, "path_manager", ST_WARN,
			"the userspace path manager is selected: only a daemon "
			"(such as mptcpd) creates extra subflows");
		doctor_fix(c, "run the daemon, or sysctl -w "
		       "net.mptcp.path_manager=kernel (pm_type=0 before 6.15)");
		return;
	}
	doctor_add(r, "path_manager", ST_PASS, "path manager: %s",
	    s->path_manager[0] ? s->path_manager : "kernel (pm_type 0)");
}

/* Backup endpoints: how long a failover stalls, and the sysctl for it. */
static void check_backup_failover(struct report *r, const struct pm_state *pm)
{
	struct pm_warning note;
	struct check *c;

	if (!pm_backup_note(pm, pm_stale_loss_cnt(), &note))
		return;
	c = doctor_add(r, note.id, ST_PASS, "%s", note.message);
	doctor_fix(c, "%s", note.fix);
}

static void check_endpoints(struct report *r)
{
	struct pm_warning w[32];
	struct pm_state pm;
	struct check *c;
	size_t nw;

	if (pm_fetch(&pm) < 0) {
		c = doctor_add(r, "endpoints", ST_WARN,
			"cannot read the path manager (genl family "
			"'mptcp_pm'): %s", strerror(errno));
		doctor_fix(c, "needs a kernel with MPTCP; see the checks above");
		return;
	}
	pm_probe_interfaces(&pm);
	pm_probe_environment(&pm, NULL);
	nw = pm_check(&pm, w, 32);
	for (size_t i = 0; i < nw; i++) {
		c = doctor_add(r, "endpoints", ST_WARN, "%s", w[i].message);
		doctor_fix(c, "%s", w[i].fix);
	}
	if (nw == 0)
		doctor_add(r, "endpoints", ST_PASS,
		    "%zu endpoint(s); limits subflows %u add_addr_accepted "
		    "%u", pm.n, pm.subflows, pm.add_addr_accepted);
	if (pm.n) {
		c = doctor_add(r, "endpoint_flags", ST_PASS, "endpoint flags: ");
		pm_flag_counts(&pm, c->message + strlen(c->message),
			       sizeof(c->message) - strlen(c->message));
	}
	check_backup_failover(r, &pm);
	pm_state_free(&pm);
}

static void check_blackhole(struct report *r, const struct explain_sysctl *s)
{
	struct blackhole b;
	struct mib_set mib;
	struct check *c;
	bool warn;

	if (mib_read(MIB_NETSTAT, &mib) != 0)
		return;
	blackhole_read(s, &mib, true, &b);
	mib_free(&mib);
	c = doctor_add(r, "blackhole", ST_PASS, "-");
	warn = blackhole_describe(&b, c->message, sizeof(c->message), c->fix,
				  sizeof(c->fix));
	c->status = warn ? ST_WARN : ST_PASS;
}

static void check_library(struct report *r, int *lib_class, int *lib_machine)
{
	char path[PATH_MAX];
	struct check *c;
	void *handle;

	*lib_class = *lib_machine = -1;
	if (libpath_find(path, sizeof(path)) != 0) {
		c = doctor_add(r, "shim_library", ST_FAIL,
			"libmptcpshim.so not found");
		doctor_fix(c, "reinstall mptcpshim, or set MPTCPSHIM_LIBRARY to the "
		       "library's absolute path");
		return;
	}
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		c = doctor_add(r, "shim_library", ST_FAIL, "%s does not load: %s",
			path, dlerror());
		doctor_fix(c, "reinstall mptcpshim (the library is damaged or built "
		       "for another system)");
		return;
	}
	dlclose(handle);
	elf_inspect_header(path, lib_class, lib_machine);
	doctor_add(r, "shim_library", ST_PASS, "%s loads", path);
}

/* container_report()'s lines as checks. */
static void add_container_check(void *ctx, const char *id, int status,
				const char *message, const char *fix_text)
{
	struct check *c = doctor_add(ctx, id, (enum status)status, "%s", message);

	if (fix_text)
		doctor_fix(c, "%s", fix_text);
}

static void usage(FILE *fp)
{
	out_usage(fp,
		"Usage: mptcpshim doctor [--json] [CMD [ARGS...]]\n"
		"       mptcpshim doctor --bundle FILE [--addresses] "
		"[--duration S]\n"
		"                        [--reproduce CMD [ARGS...]]\n"
		"Checks what decides whether programs get MPTCP here: "
		"net.mptcp.enabled,\nsocket(IPPROTO_MPTCP), the path manager, "
		"endpoints and limits, blackhole\nstate, the shim library; "
		"and for CMD whether LD_PRELOAD can act on it\n(static binary, "
		"Go, setuid/setgid, file capabilities) or which route 'run' "
		"takes\n(the seccomp route for static and pre-1.21 Go "
		"programs, and its limits).\nEach problem comes with its "
		"fix.\n\n"
		"  -j, --json           print JSON\n"
		"  -b, --bundle FILE    write the debug bundle maintainers ask "
		"for (tar.gz,\n"
		"                       its README.txt says what each file is)\n"
		"  -r, --reproduce      run CMD ARGS meanwhile, recording the "
		"counters' change\n"
		"                       and the path-manager events (only the "
		"program's\n"
		"                       name is kept, never its arguments)\n"
		"  -a, --addresses      keep IP addresses in the bundle "
		"(default: pseudonyms)\n"
		"  -d, --duration S     without --reproduce: record for S "
		"seconds (default 5);\n"
		"                       with it: CMD's time limit (SIGTERM, "
		"SIGKILL 2 s later)\n"
		"\nExit status: 0 nothing failed (warnings allowed), 1 a check "
		"failed, 2 usage.\n");
}

int cmd_doctor(int argc, char **argv)
{
	static struct report r;
	struct explain_sysctl sys;
	int lib_class, lib_machine, rc;
	size_t failed = 0, warned = 0;
	struct bundle_options bundle;
	bool json;
	struct out *out;

	rc = doctor_parse(argc, argv, usage, &json, &bundle);
	if (rc >= 0)
		return rc;
	if (bundle.file)
		return doctor_bundle(&bundle);
	r.n = 0;
	explain_sysctl_read(EXPLAIN_SYSCTL_DIR, &sys);
	check_sysctl(&r, &sys);
	check_socket(&r);
	check_path_manager(&r, &sys);
	check_endpoints(&r);
	check_blackhole(&r, &sys);
	check_library(&r, &lib_class, &lib_machine);
	if (optind < argc)
		doctor_check_command(&r, argv[optind], lib_class, lib_machine);
	container_report(optind < argc ? argv[optind] : NULL,
			 add_container_check, &r);

	out = out_new(stdout, json);
	if (!out)
		return CLI_CHECK_FAILED;
	out_string(out, "command", NULL,
		   optind < argc ? argv[optind] : NULL);
	out_array_open(out, "checks");
	for (size_t i = 0; i < r.n; i++) {
		const struct check *k = &r.c[i];

		failed += k->status == ST_FAIL;
		warned += k->status == ST_WARN;
		out_object_open(out, NULL);
		out_string(out, "id", NULL, k->id);
		out_string(out, "status", "%-5s ", status_names[k->status]);
		out_string(out, "message", "%s\n", k->message);
		if (k->fix[0])
			out_string(out, "fix", "      fix: %s\n", k->fix);
		out_object_close(out);
	}
	out_array_close(out);
	out_uint(out, "failed", "\n%llu failed", failed);
	out_uint(out, "warnings", ", %llu warning(s)\n", warned);
	out_end(out);
	return failed ? CLI_CHECK_FAILED : CLI_OK;
}
