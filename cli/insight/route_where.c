// SPDX-License-Identifier: BSD-3-Clause
/*
 * For `doctor CMD`: the route CMD gets in each place the library can be
 * loaded, from what is true here (the ELF file, the launcher installed),
 * never from what a configuration merely asks for.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libpath.h"
#include "route.h"
#include "route_where.h"

static struct route_where *next(struct route_where *w, size_t *n,
				const char *id, bool ok)
{
	struct route_where *e = &w[(*n)++];

	e->id = id;
	e->ok = ok;
	e->text[0] = e->fix[0] = '\0';
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
		e = next(w, &n, "route_preload", true);
		snprintf(e->text, sizeof(e->text),
			 "%s: the preload library, wherever it is loaded "
			 "(run, a drop-in, a container's ENV, "
			 "/etc/ld.so.preload)%s", program,
			 script ? "; the programs the script starts are "
				  "judged at their own exec by the library "
				  "in its interpreter" : "");
		return n;
	}
	e = next(w, &n, "route_run", seccomp_runs);
	snprintf(e->text, sizeof(e->text),
		 "under 'mptcpshim run': the seccomp route for %s%s", program,
		 seccomp_runs ? "" : ", which cannot run here (see above)");
	e = next(w, &n, "route_exec", launcher && seccomp_runs);
	snprintf(e->text, sizeof(e->text),
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
	e = next(w, &n, "route_unit", launcher && seccomp_runs);
	snprintf(e->text, sizeof(e->text),
		 "as a unit's ExecStart= (systemd has no library): 'mptcpshim "
		 "enable' starts it through %s%s", helper,
		 launcher ? "" : " (not installed: enable refuses)");
	e = next(w, &n, "route_container", launcher && seccomp_runs);
	snprintf(e->text, sizeof(e->text),
		 "in a container: as an entrypoint itself it never loads the "
		 "library (start it from a script, or with 'mptcpshim run'); "
		 "started by the entrypoint's shell it gets the route if "
		 "the image has %s (mount it as the library is mounted)",
		 helper);
	if (strcmp(command, program) != 0 && script) {
		e = next(w, &n, "route_script", launcher && seccomp_runs);
		snprintf(e->text, sizeof(e->text),
			 "%s is a script run by %s, which LD_PRELOAD cannot "
			 "reach: the script gets the seccomp route (as a "
			 "whole) wherever the launcher starts it", command,
			 program);
	}
	return n;
}
