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

#define MAX_CHECKS 64
#define MAX_SHEBANG_DEPTH 4
/* Go honours GODEBUG=multipathtcp from this release on. */
#define GO_MPTCP_MAJOR 1
#define GO_MPTCP_MINOR 21

enum status { ST_PASS, ST_WARN, ST_FAIL };

static const char *const status_names[] = { "PASS", "WARN", "FAIL" };

struct check {
	const char *id;
	enum status status;
	char message[512];
	char fix[320];
};

struct report {
	struct check c[MAX_CHECKS];
	size_t n;
};

__attribute__((format(printf, 4, 5)))
static struct check *add(struct report *r, const char *id, enum status st,
			 const char *fmt, ...)
{
	static struct check overflow;
	struct check *c = r->n < MAX_CHECKS ? &r->c[r->n++] : &overflow;
	va_list ap;

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->status = st;
	va_start(ap, fmt);
	vsnprintf(c->message, sizeof(c->message), fmt, ap);
	va_end(ap);
	return c;
}

__attribute__((format(printf, 2, 3)))
static void fix(struct check *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->fix, sizeof(c->fix), fmt, ap);
	va_end(ap);
}

static void check_sysctl(struct report *r, const struct explain_sysctl *s)
{
	struct check *c;

	if (!s->present) {
		c = add(r, "mptcp_enabled", ST_FAIL,
			"%s is missing: this kernel has no MPTCP",
			EXPLAIN_SYSCTL_DIR);
		fix(c, "boot a kernel with CONFIG_MPTCP=y (5.6+, 6.1+ "
		       "recommended)");
	} else if (s->enabled == 0) {
		c = add(r, "mptcp_enabled", ST_FAIL,
			"net.mptcp.enabled = 0: MPTCP is off in this network "
			"namespace");
		fix(c, "sysctl -w net.mptcp.enabled=1 (and persist it in "
		       "/etc/sysctl.d/)");
	} else {
		add(r, "mptcp_enabled", ST_PASS, "net.mptcp.enabled = %d",
		    s->enabled);
	}
}

static void check_socket(struct report *r)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
	struct check *c;

	if (fd >= 0) {
		close(fd);
		add(r, "mptcp_socket", ST_PASS,
		    "socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP) works");
		return;
	}
	c = add(r, "mptcp_socket", ST_FAIL,
		"socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP) fails: %s (%s)",
		strerrorname_np(errno) ? strerrorname_np(errno) : "?",
		strerror(errno));
	fix(c, "%s", errno == ENOPROTOOPT ?
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
		c = add(r, "path_manager", ST_WARN,
			"the userspace path manager is selected: only a daemon "
			"(such as mptcpd) creates extra subflows");
		fix(c, "run the daemon, or sysctl -w "
		       "net.mptcp.path_manager=kernel (pm_type=0 before 6.15)");
		return;
	}
	add(r, "path_manager", ST_PASS, "path manager: %s",
	    s->path_manager[0] ? s->path_manager : "kernel (pm_type 0)");
}

/* Backup endpoints: how long a failover stalls, and the sysctl for it. */
static void check_backup_failover(struct report *r, const struct pm_state *pm)
{
	struct pm_warning note;
	struct check *c;

	if (!pm_backup_note(pm, pm_stale_loss_cnt(), &note))
		return;
	c = add(r, note.id, ST_PASS, "%s", note.message);
	fix(c, "%s", note.fix);
}

static void check_endpoints(struct report *r)
{
	struct pm_warning w[32];
	struct pm_state pm;
	struct check *c;
	size_t nw;

	if (pm_fetch(&pm) < 0) {
		c = add(r, "endpoints", ST_WARN,
			"cannot read the path manager (genl family "
			"'mptcp_pm'): %s", strerror(errno));
		fix(c, "needs a kernel with MPTCP; see the checks above");
		return;
	}
	pm_probe_interfaces(&pm);
	pm_probe_environment(&pm, NULL);
	nw = pm_check(&pm, w, 32);
	for (size_t i = 0; i < nw; i++) {
		c = add(r, "endpoints", ST_WARN, "%s", w[i].message);
		fix(c, "%s", w[i].fix);
	}
	if (nw == 0)
		add(r, "endpoints", ST_PASS,
		    "%zu endpoint(s); limits subflows %u add_addr_accepted "
		    "%u", pm.n, pm.subflows, pm.add_addr_accepted);
	if (pm.n) {
		c = add(r, "endpoint_flags", ST_PASS, "endpoint flags: ");
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
	c = add(r, "blackhole", ST_PASS, "-");
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
		c = add(r, "shim_library", ST_FAIL,
			"libmptcpshim.so not found");
		fix(c, "reinstall mptcpshim, or set MPTCPSHIM_LIBRARY to the "
		       "library's absolute path");
		return;
	}
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		c = add(r, "shim_library", ST_FAIL, "%s does not load: %s",
			path, dlerror());
		fix(c, "reinstall mptcpshim (the library is damaged or built "
		       "for another system)");
		return;
	}
	dlclose(handle);
	elf_inspect_header(path, lib_class, lib_machine);
	add(r, "shim_library", ST_PASS, "%s loads", path);
}

static void check_ids(struct report *r, const char *path,
		      const struct stat *st)
{
	struct check *c;
	const char *what = (st->st_mode & S_ISUID) ?
				   ((st->st_mode & S_ISGID) ? "setuid and "
							      "setgid" :
							      "setuid") :
				   "setgid";

	if (!(st->st_mode & (S_ISUID | S_ISGID))) {
		add(r, "setid", ST_PASS, "%s is not setuid/setgid", path);
		return;
	}
	c = add(r, "setid", ST_FAIL,
		"%s is %s: the loader runs it in secure mode for other users "
		"and ignores an LD_PRELOAD path", path, what);
	fix(c, "run it without the set-id bit, or preload system-wide "
	       "(libmptcpshim.so listed in /etc/ld.so.preload), or use the "
	       "program's native MPTCP support");
}

static void check_caps(struct report *r, const char *path)
{
	cap_t caps = cap_get_file(path);
	struct check *c;
	char *text;

	if (!caps) {
		if (errno == ENODATA || errno == ENOTSUP || errno == 0)
			add(r, "file_caps", ST_PASS,
			    "%s has no file capabilities", path);
		else
			add(r, "file_caps", ST_WARN,
			    "cannot read the file capabilities of %s: %s",
			    path, strerror(errno));
		return;
	}
	text = cap_to_text(caps, NULL);
	c = add(r, "file_caps", ST_FAIL,
		"%s has file capabilities (%s): the loader runs it in secure "
		"mode for every user but root and ignores an LD_PRELOAD path",
		path, text ? text : "?");
	fix(c, "drop them (setcap -r %s) if the program does not need them, "
	       "or preload system-wide (/etc/ld.so.preload), or use the "
	       "program's native MPTCP support", path);
	cap_free(text);
	cap_free(caps);
}

/*
 * For a program only the seccomp route reaches: can this kernel run it,
 * what no_new_privs means for it, and what the route cannot do.
 */
static void check_seccomp_route(struct report *r, const char *path)
{
	struct check *c;
	char why[200];

	if (seccomp_launch_probe(why, sizeof(why)) != SECCOMP_LAUNCH_OK) {
		c = add(r, "seccomp_route", ST_FAIL,
			"'mptcpshim run' would take the seccomp route for %s, "
			"but it cannot run here: %s", path, why);
		fix(c, "use Linux 5.14 or newer and allow seccomp(2); "
		       "'mptcpshim run --route=auto' then runs the program "
		       "as it is, with TCP");
		return;
	}
	add(r, "seccomp_route", ST_PASS,
	    "'mptcpshim run' takes the seccomp route for %s: a supervisor "
	    "makes its TCP sockets MPTCP at socket() (with TCP fallback)",
	    path);
	if (seccomp_filter_needs_nnp()) {
		c = add(r, "no_new_privs", ST_WARN,
			"without CAP_SYS_ADMIN the seccomp route sets "
			"no_new_privs: setuid and file-capability programs it "
			"starts (sudo, ping) gain no privileges");
		fix(c, "run it as root (or with CAP_SYS_ADMIN) if it must "
		       "start such helpers");
	}
	c = add(r, "seccomp_limits", ST_WARN,
		"under the seccomp route the protocol is chosen at socket(): "
		"destination and port rules, option rescue "
		"(unsupported_option), keepalive.all_tcp and per-connection "
		"fallback detection do not apply");
	fix(c, "'mptcpshim policy explain %s' lists what applies; a "
	       "dynamically linked build gets everything", path);
	c = add(r, "seccomp_limits", ST_WARN,
		"io_uring IORING_OP_SOCKET escapes every route; the socket's "
		"credentials, cgroup and LSM label are the supervisor's; the "
		"kernel's BPF hook (update_socket_protocol) is not used: it "
		"has no TCP fallback and needs privileges");
	fix(c, "see libmptcpshim(8), THE SECCOMP ROUTE");
}

static void check_go(struct report *r, const char *path,
		     const struct elf_facts *f)
{
	struct check *c;
	int ok = f->go_version[0] ?
			 elf_go_at_least(f->go_version, GO_MPTCP_MAJOR,
					 GO_MPTCP_MINOR) :
			 -1;

	if (ok == 1) {
		char buf[NAME_MAX + 1];
		const char *names[3];
		bool rules = false;
		int v;

		gomptcp_command_names(path, buf, sizeof(buf), names);
		v = gomptcp_for_program(names, &rules);
		if (f->go_landlock) {
			c = add(r, "go", ST_WARN,
				"%s is a Go program (%s) that links a Landlock "
				"library: it may restrict its own TCP, and "
				"Landlock's TCP rules do not hold for MPTCP "
				"sockets, which Go makes itself (no library or "
				"supervisor sees it restrict itself); 'mptcpshim "
				"run', 'env' and 'enable' set "
				"GODEBUG=multipathtcp=0 for it",
				path, f->go_version);
			fix(c, "see libmptcpshim(8), SECURITY; where the "
			       "program sandboxes nothing, MPTCP needs "
			       "net.Dialer.SetMultipathTCP in the program");
			return;
		}
		add(r, "go", ST_PASS,
		    "%s is a Go program (%s): Go makes its own system calls, "
		    "so LD_PRELOAD does not reach its sockets, but 'mptcpshim "
		    "run' sets GODEBUG=multipathtcp=%d (the policy for %s: "
		    "%s), which it honours",
		    path, f->go_version, v, names[0],
		    v == GOMPTCP_BOTH	  ? "dial and listen"
		    : v == GOMPTCP_LISTEN ? "listen only"
		    : v == GOMPTCP_DIAL	  ? "dial only"
					  : "off");
		if (rules) {
			c = add(r, "go_rules", ST_WARN,
				"the policy has include, exclude or ports "
				"rules for %s: they cannot reach a Go "
				"program through GODEBUG (MPTCP for every "
				"connection of an enabled role); 'mptcpshim "
				"run' takes the seccomp route for it "
				"instead, where they apply", names[0]);
			fix(c, "start it with 'mptcpshim run' (a service "
			       "enabled with GODEBUG alone gets MPTCP for "
			       "every connection), turn the role off for it "
			       "([app:%s] connect = false or listen = "
			       "false), or use net.Dialer.SetMultipathTCP "
			       "in the program", names[0]);
		}
		return;
	}
	if (ok == 0) {
		c = add(r, "go", ST_WARN,
			"%s is a Go program built with %s: Go makes its own "
			"system calls (LD_PRELOAD cannot act) and only Go "
			"1.21+ knows GODEBUG=multipathtcp", path,
			f->go_version);
		fix(c, "run it with 'mptcpshim run' (the seccomp route), or "
		       "rebuild it with Go 1.21 or newer for everything the "
		       "policy offers");
		check_seccomp_route(r, path);
		return;
	}
	c = add(r, "go", ST_WARN,
		"%s is a Go program of unknown version: LD_PRELOAD cannot "
		"act; only GODEBUG=multipathtcp=1 (Go 1.21+) can", path);
	fix(c, "run it with 'mptcpshim run' (the seccomp route; Go 1.21+ "
	       "makes MPTCP sockets itself, untouched by it)");
	check_seccomp_route(r, path);
}

static void check_binary(struct report *r, const char *path, int lib_class,
			 int lib_machine)
{
	struct elf_facts f;
	struct check *c;

	if (elf_inspect(path, &f) < 0) {
		c = add(r, "binary", ST_FAIL, "cannot read %s: %s", path,
			strerror(errno));
		fix(c, "check the file's permissions");
		return;
	}
	if (!f.is_elf || !f.native) {
		c = add(r, "binary", ST_WARN,
			"%s is not an ELF executable for this machine", path);
		fix(c, "run doctor on the program that actually opens the "
		       "sockets");
		return;
	}
	if (lib_class > 0 &&
	    (f.elf_class != lib_class || f.machine != lib_machine)) {
		c = add(r, "binary", ST_FAIL,
			"%s is a %d-bit program (machine %d); the shim is "
			"%d-bit (machine %d), so the loader skips it",
			path, f.elf_class == ELFCLASS32 ? 32 : 64, f.machine,
			lib_class == ELFCLASS32 ? 32 : 64, lib_machine);
		fix(c, "install a libmptcpshim.so built for that "
		       "architecture and preload it instead");
	}
	if (f.go) {
		check_go(r, path, &f);
		return;
	}
	if (!f.dynamic) {
		c = add(r, "binary", ST_WARN,
			"%s is statically linked: no dynamic loader runs, so "
			"LD_PRELOAD cannot act", path);
		fix(c, "run it with 'mptcpshim run', or start it from a "
		       "program that has the library (the seccomp route; "
		       "'mptcpshim enable' does so for a unit), or use a "
		       "dynamically linked build");
		check_seccomp_route(r, path);
		return;
	}
	add(r, "binary", ST_PASS,
	    "%s is dynamically linked (loader %s): LD_PRELOAD applies", path,
	    f.interp);
}

/* Where the library can be loaded, the route the program gets there. */
static void check_routes(struct report *r, const char *command,
			 const char *program, bool script)
{
	static struct route_where w[ROUTE_WHERE_MAX];
	struct route_choice c;
	char why[200];
	bool runs;
	size_t n;

	route_choose(program, ROUTE_AUTO, &c);
	runs = !c.seccomp ||
	       seccomp_launch_probe(why, sizeof(why)) == SECCOMP_LAUNCH_OK;
	n = route_where_describe(command, program, script, runs, w);
	for (size_t i = 0; i < n; i++) {
		struct check *k = add(r, w[i].id, w[i].ok ? ST_PASS : ST_WARN,
				      "%s", w[i].text);

		if (w[i].fix[0])
			fix(k, "%s", w[i].fix);
	}
}

static void check_command(struct report *r, const char *name, int lib_class,
			  int lib_machine)
{
	char path[PATH_MAX], interp[PATH_MAX], command[PATH_MAX];
	struct check *c;
	struct stat st;
	int depth;

	if (!cmdpath_find(name, path, sizeof(path)) ||
	    stat(path, &st) < 0) {
		c = add(r, "command", ST_FAIL,
			"'%s' is not an executable file%s", name,
			strchr(name, '/') ? "" : " in PATH");
		fix(c, "check the name, or give its full path");
		return;
	}
	add(r, "command", ST_PASS, "%s", path);
	snprintf(command, sizeof(command), "%s", path);

	/* For scripts the interpreter is what runs (and what preloads);
	 * the kernel ignores set-id bits and capabilities on scripts. */
	for (depth = 0; depth < MAX_SHEBANG_DEPTH; depth++) {
		int rc = elf_script_runner(path, interp, sizeof(interp));

		if (rc == 0 || (rc < 0 && !interp[0]))
			break;	/* not a script, or unreadable: said below */
		if (rc < 0) {
			c = add(r, "interpreter", ST_WARN,
				"cannot find the interpreter of the script "
				"(#!%s)", interp);
			fix(c, "run doctor on the interpreter itself");
			return;
		}
		snprintf(path, sizeof(path), "%s", interp);
		add(r, "interpreter", ST_PASS,
		    "a script: %s runs it; checking that instead", path);
	}
	if (stat(path, &st) == 0)
		check_ids(r, path, &st);
	check_caps(r, path);
	check_binary(r, path, lib_class, lib_machine);
	check_routes(r, command, path, depth > 0);
}

/* container_report()'s lines as checks. */
static void add_container_check(void *ctx, const char *id, int status,
				const char *message, const char *fix_text)
{
	struct check *c = add(ctx, id, (enum status)status, "%s", message);

	if (fix_text)
		fix(c, "%s", fix_text);
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
		check_command(&r, argv[optind], lib_class, lib_machine);
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
