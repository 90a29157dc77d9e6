// SPDX-License-Identifier: BSD-3-Clause
/*
 * For `doctor CMD`: the route CMD gets in each place the library can be
 * loaded, from what is true here (the ELF file, the launcher installed),
 * never from what a configuration merely asks for.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libpath.h"
#include "route.h"
#include "route_where.h"

/* Appends entry id with its text (printf-style); its fix starts empty. */
static struct route_where *say(struct route_where *w, size_t *n,
			       const char *id, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static struct route_where *say(struct route_where *w, size_t *n,
			       const char *id, bool ok, const char *fmt, ...)
{
	struct route_where *e = &w[(*n)++];
	va_list ap;

	e->id = id;
	e->ok = ok;
	e->fix[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	return e;
}

size_t route_where_describe(const char *command, const char *program,
			    bool script, bool seccomp_runs,
			    struct route_where w[ROUTE_WHERE_MAX])
{
	struct route_choice c;
	const char *helper = libpath_exec_helper();
	bool launcher = access(helper, X_OK) == 0;
	struct route_where *e;
	size_t n = 0;

	route_choose(program, ROUTE_AUTO, &c);
	if (!c.seccomp) {
		say(w, &n, "route_preload", true,
			 "%s: the preload library, wherever it is loaded "
			 "(run, a drop-in, a container's ENV, "
			 "/etc/ld.so.preload)%s", program,
			 script ? "; the programs the script starts are "
				  "judged at their own exec by the library "
				  "in its interpreter" : "");
		return n;
	}
	say(w, &n, "route_run", seccomp_runs,
		 "under 'mptcpshim run': the seccomp route for %s%s", program,
		 seccomp_runs ? "" : ", which cannot run here (see above)");
	e = say(w, &n, "route_exec", launcher && seccomp_runs,
		 "started by a program that has the library (a shell or "
		 "wrapper script under a drop-in, a container's ENV lines, "
		 "/etc/ld.so.preload): %s",
		 launcher ? "the library's exec hooks start it through "
			    "mptcpshim-exec, which gives it the seccomp route" :
			    "it would be started through mptcpshim-exec, "
			    "which is not installed: it stays TCP");
	if (!launcher)
		snprintf(e->fix, sizeof(e->fix),
			 "install mptcpshim-exec at %s (package libmptcpshim; "
			 "in a container, mount it at that path too)",
			 helper);
	say(w, &n, "route_unit", launcher && seccomp_runs,
		 "as a unit's ExecStart= (systemd has no library): 'mptcpshim "
		 "enable' starts it through %s%s", helper,
		 launcher ? "" : " (not installed: enable refuses)");
	say(w, &n, "route_container", launcher && seccomp_runs,
		 "in a container: as an entrypoint itself it never loads the "
		 "library (start it from a script, or with 'mptcpshim run'); "
		 "started by the entrypoint's shell it gets the route if "
		 "the image has %s (mount it as the library is mounted)",
		 helper);
	if (strcmp(command, program) != 0 && script) {
		say(w, &n, "route_script", launcher && seccomp_runs,
			 "%s is a script run by %s, which LD_PRELOAD cannot "
			 "reach: the script gets the seccomp route (as a "
			 "whole) wherever the launcher starts it", command,
			 program);
	}
	return n;
}
