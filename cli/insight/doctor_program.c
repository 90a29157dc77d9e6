// SPDX-License-Identifier: BSD-3-Clause
/*
 * doctor CMD: what would keep the shim from acting on a program — where it
 * is, its interpreter, set-id bits, file capabilities, a static or Go
 * binary — and which route it gets under run, a drop-in, a container and
 * behind a wrapper script.
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
#include "doctor_report.h"

#define MAX_SHEBANG_DEPTH 4
#define GO_MPTCP_MAJOR 1
#define GO_MPTCP_MINOR 21

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
		doctor_add(r, "setid", ST_PASS, "%s is not setuid/setgid", path);
		return;
	}
	c = doctor_add(r, "setid", ST_FAIL,
		"%s is %s: the loader runs it in secure mode for other users "
		"and ignores an LD_PRELOAD path", path, what);
	doctor_fix(c, "run it without the set-id bit, or preload system-wide "
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
			doctor_add(r, "file_caps", ST_PASS,
			    "%s has no file capabilities", path);
		else
			doctor_add(r, "file_caps", ST_WARN,
			    "cannot read the file capabilities of %s: %s",
			    path, strerror(errno));
		return;
	}
	text = cap_to_text(caps, NULL);
	c = doctor_add(r, "file_caps", ST_FAIL,
		"%s has file capabilities (%s): the loader runs it in secure "
		"mode for every user but root and ignores an LD_PRELOAD path",
		path, text ? text : "?");
	doctor_fix(c, "drop them (setcap -r %s) if the program does not need them, "
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
		c = doctor_add(r, "seccomp_route", ST_FAIL,
			"'mptcpshim run' would take the seccomp route for %s, "
			"but it cannot run here: %s", path, why);
		doctor_fix(c, "use Linux 5.14 or newer and allow seccomp(2); "
		       "'mptcpshim run --route=auto' then runs the program "
		       "as it is, with TCP");
		return;
	}
	doctor_add(r, "seccomp_route", ST_PASS,
	    "'mptcpshim run' takes the seccomp route for %s: a supervisor "
	    "makes its TCP sockets MPTCP at socket() (with TCP fallback)",
	    path);
	if (seccomp_filter_needs_nnp()) {
		c = doctor_add(r, "no_new_privs", ST_WARN,
			"without CAP_SYS_ADMIN the seccomp route sets "
			"no_new_privs: setuid and file-capability programs it "
			"starts (sudo, ping) gain no privileges");
		doctor_fix(c, "run it as root (or with CAP_SYS_ADMIN) if it must "
		       "start such helpers");
	}
	c = doctor_add(r, "seccomp_limits", ST_WARN,
		"under the seccomp route the protocol is chosen at socket(): "
		"destination and port rules, option rescue "
		"(unsupported_option), keepalive.all_tcp and per-connection "
		"fallback detection do not apply");
	doctor_fix(c, "'mptcpshim policy explain %s' lists what applies; a "
	       "dynamically linked build gets everything", path);
	c = doctor_add(r, "seccomp_limits", ST_WARN,
		"io_uring IORING_OP_SOCKET escapes every route; the socket's "
		"credentials, cgroup and LSM label are the supervisor's; the "
		"kernel's BPF hook (update_socket_protocol) is not used: it "
		"has no TCP fallback and needs privileges");
	doctor_fix(c, "see libmptcpshim(8), THE SECCOMP ROUTE");
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
			c = doctor_add(r, "go", ST_WARN,
				"%s is a Go program (%s) that links a Landlock "
				"library: it may restrict its own TCP, and "
				"Landlock's TCP rules do not hold for MPTCP "
				"sockets, which Go makes itself (no library or "
				"supervisor sees it restrict itself); 'mptcpshim "
				"run', 'env' and 'enable' set "
				"GODEBUG=multipathtcp=0 for it",
				path, f->go_version);
			doctor_fix(c, "see libmptcpshim(8), SECURITY; where the "
			       "program sandboxes nothing, MPTCP needs "
			       "net.Dialer.SetMultipathTCP in the program");
			return;
		}
		doctor_add(r, "go", ST_PASS,
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
			c = doctor_add(r, "go_rules", ST_WARN,
				"the policy has include, exclude or ports "
				"rules for %s: they cannot reach a Go "
				"program through GODEBUG (MPTCP for every "
				"connection of an enabled role); 'mptcpshim "
				"run' takes the seccomp route for it "
				"instead, where they apply", names[0]);
			doctor_fix(c, "start it with 'mptcpshim run' (a service "
			       "enabled with GODEBUG alone gets MPTCP for "
			       "every connection), turn the role off for it "
			       "([app:%s] connect = false or listen = "
			       "false), or use net.Dialer.SetMultipathTCP "
			       "in the program", names[0]);
		}
		return;
	}
	if (ok == 0) {
		c = doctor_add(r, "go", ST_WARN,
			"%s is a Go program built with %s: Go makes its own "
			"system calls (LD_PRELOAD cannot act) and only Go "
			"1.21+ knows GODEBUG=multipathtcp", path,
			f->go_version);
		doctor_fix(c, "run it with 'mptcpshim run' (the seccomp route), or "
		       "rebuild it with Go 1.21 or newer for everything the "
		       "policy offers");
		check_seccomp_route(r, path);
		return;
	}
	c = doctor_add(r, "go", ST_WARN,
		"%s is a Go program of unknown version: LD_PRELOAD cannot "
		"act; only GODEBUG=multipathtcp=1 (Go 1.21+) can", path);
	doctor_fix(c, "run it with 'mptcpshim run' (the seccomp route; Go 1.21+ "
	       "makes MPTCP sockets itself, untouched by it)");
	check_seccomp_route(r, path);
}

static void check_binary(struct report *r, const char *path, int lib_class,
			 int lib_machine)
{
	struct elf_facts f;
	struct check *c;

	if (elf_inspect(path, &f) < 0) {
		c = doctor_add(r, "binary", ST_FAIL, "cannot read %s: %s", path,
			strerror(errno));
		doctor_fix(c, "check the file's permissions");
		return;
	}
	if (!f.is_elf || !f.native) {
		c = doctor_add(r, "binary", ST_WARN,
			"%s is not an ELF executable for this machine", path);
		doctor_fix(c, "run doctor on the program that actually opens the "
		       "sockets");
		return;
	}
	if (lib_class > 0 &&
	    (f.elf_class != lib_class || f.machine != lib_machine)) {
		c = doctor_add(r, "binary", ST_FAIL,
			"%s is a %d-bit program (machine %d); the shim is "
			"%d-bit (machine %d), so the loader skips it",
			path, f.elf_class == ELFCLASS32 ? 32 : 64, f.machine,
			lib_class == ELFCLASS32 ? 32 : 64, lib_machine);
		doctor_fix(c, "install a libmptcpshim.so built for that "
		       "architecture and preload it instead");
	}
	if (f.go) {
		check_go(r, path, &f);
		return;
	}
	if (!f.dynamic) {
		c = doctor_add(r, "binary", ST_WARN,
			"%s is statically linked: no dynamic loader runs, so "
			"LD_PRELOAD cannot act", path);
		doctor_fix(c, "run it with 'mptcpshim run', or start it from a "
		       "program that has the library (the seccomp route; "
		       "'mptcpshim enable' does so for a unit), or use a "
		       "dynamically linked build");
		check_seccomp_route(r, path);
		return;
	}
	doctor_add(r, "binary", ST_PASS,
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
		struct check *k = doctor_add(r, w[i].id, w[i].ok ? ST_PASS : ST_WARN,
				      "%s", w[i].text);

		if (w[i].fix[0])
			doctor_fix(k, "%s", w[i].fix);
	}
}

void doctor_check_command(struct report *r, const char *name, int lib_class,
			  int lib_machine)
{
	char path[PATH_MAX], interp[PATH_MAX], command[PATH_MAX];
	struct check *c;
	struct stat st;
	int depth;

	if (!cmdpath_find(name, path, sizeof(path)) ||
	    stat(path, &st) < 0) {
		c = doctor_add(r, "command", ST_FAIL,
			"'%s' is not an executable file%s", name,
			strchr(name, '/') ? "" : " in PATH");
		doctor_fix(c, "check the name, or give its full path");
		return;
	}
	doctor_add(r, "command", ST_PASS, "%s", path);
	snprintf(command, sizeof(command), "%s", path);

	/* For scripts the interpreter is what runs (and what preloads);
	 * the kernel ignores set-id bits and capabilities on scripts. */
	for (depth = 0; depth < MAX_SHEBANG_DEPTH; depth++) {
		int rc = elf_script_runner(path, interp, sizeof(interp));

		if (rc == 0 || (rc < 0 && !interp[0]))
			break;	/* not a script, or unreadable: said below */
		if (rc < 0) {
			c = doctor_add(r, "interpreter", ST_WARN,
				"cannot find the interpreter of the script "
				"(#!%s)", interp);
			doctor_fix(c, "run doctor on the interpreter itself");
			return;
		}
		snprintf(path, sizeof(path), "%s", interp);
		doctor_add(r, "interpreter", ST_PASS,
		    "a script: %s runs it; checking that instead", path);
	}
	if (stat(path, &st) == 0)
		check_ids(r, path, &st);
	check_caps(r, path);
	check_binary(r, path, lib_class, lib_machine);
	check_routes(r, command, path, depth > 0);
}
