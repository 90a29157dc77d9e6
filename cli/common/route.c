// SPDX-License-Identifier: BSD-3-Clause
/*
 * The route decision. Go 1.21+ creates MPTCP sockets itself once GODEBUG
 * says so (their protocol is 262, which the filter lets through), so the
 * seccomp route is safe even for a Go program of unknown version; it is
 * only chosen when the library cannot reach the program at all, because
 * the library does more (see route_seccomp_limits).
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmdpath.h"
#include "elfcheck.h"
#include "gomptcp.h"
#include "route.h"
#include "seccomp_filter.h"
#include "seccomp_landlock.h"
#include "seccomp_launch.h"

#define MAX_SCRIPT_DEPTH 4

const char *const route_seccomp_limits[] = {
	"a socket registered in an epoll instance, or held by another fd or "
	"process, is never switched at connect/listen or for an option (the "
	"library re-registers its own epoll sets; the supervisor cannot), "
	"and a socket passed with SCM_RIGHTS to an unrelated process is not "
	"seen as shared",
	"with --stats, every close(), shutdown() and exit_group() goes "
	"through the supervisor (a connection's fate is learnt when it ends: "
	"the supervisor does not see a connect() return)",
	"io_uring IORING_OP_SOCKET is not seen (by any route)",
	"the socket's credentials, cgroup and LSM label are the "
	"supervisor's (it makes the socket, in the task's network namespace)",
	"a signal without SA_RESTART that arrives before the supervisor has "
	"taken the notification ends socket() with EINTR (the kernel's "
	"-ERESTARTSYS; a few microseconds per call)",
	NULL,
};

int route_parse(const char *text, enum route_request *req)
{
	static const struct {
		const char *name;
		enum route_request value;
	} names[] = {
		{ "auto", ROUTE_AUTO },
		{ "preload", ROUTE_PRELOAD },
		{ "seccomp", ROUTE_SECCOMP },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(text, names[i].name) == 0) {
			*req = names[i].value;
			return 0;
		}
	return -1;
}

/* Follows "#!" lines to the ELF file the kernel will actually run. */
static bool resolve(const char *command, char *path, size_t len)
{
	char next[PATH_MAX];

	if (!cmdpath_find(command, path, len))
		return false;
	for (int depth = 0; depth < MAX_SCRIPT_DEPTH; depth++) {
		int rc = elf_script_runner(path, next, sizeof(next));

		if (rc == 0)
			return true;
		if (rc < 0)
			return false;
		snprintf(path, len, "%s", next);
	}
	return false;
}

void route_judge_go(const char *path, const char *go_version,
		    const struct policy_view *view, struct route_choice *c)
{
	int modern = go_version[0] ? elf_go_at_least(go_version, 1, 21) : -1;
	const char *lost = NULL;
	struct policy *policy = NULL;
	struct policy_view own;

	if (modern == 1) {
		if (!view) {
			const char *slash = strrchr(path, '/');
			const char *names[2] = { slash ? slash + 1 : path, NULL };

			gomptcp_load_view(names, &policy, &own);
			view = &own;
		}
		lost = gomptcp_unexpressible(view);
	}
	c->seccomp = modern != 1 || lost;
	if (modern == 1 && lost)
		snprintf(c->why, sizeof(c->why),
			 "%s is built with %s, but GODEBUG=multipathtcp "
			 "cannot express %s: the supervisor applies them "
			 "(seccomp route)", path, go_version, lost);
	else
		snprintf(c->why, sizeof(c->why),
			 modern == 1 ? "%s is built with %s: GODEBUG=multipathtcp "
				       "reaches it (preload route)" :
			 modern == 0 ? "%s is built with %s, older than Go 1.21: it makes "
				       "its own system calls (seccomp route)" :
				       "%s is Go of unknown version%s: it makes "
				       "its own system calls (seccomp route)",
			 path, go_version);
	policy_free(policy);
}

static void judge(struct route_choice *c, const struct policy_view *view)
{
	struct elf_facts f;

	if (elf_inspect(c->path, &f) != 0 || !f.is_elf || !f.native) {
		snprintf(c->why, sizeof(c->why),
			 "%s is not an ELF program for this machine: the "
			 "preload library", c->path);
		return;
	}
	if (f.go) {
		route_judge_go(c->path, f.go_version, view, c);
		return;
	}
	c->seccomp = !f.dynamic;
	snprintf(c->why, sizeof(c->why),
		 f.dynamic ? "%s is dynamically linked: the preload library" :
			     "%s is statically linked: no loader runs a "
			     "preloaded library (seccomp route)",
		 c->path);
}

void route_choose(const char *command, enum route_request req,
		  struct route_choice *c)
{
	route_choose_with(command, req, NULL, c);
}

void route_choose_with(const char *command, enum route_request req,
		       const struct policy_view *view, struct route_choice *c)
{
	memset(c, 0, sizeof(*c));
	c->done_fd[0] = c->done_fd[1] = -1;
	if (!resolve(command, c->path, sizeof(c->path))) {
		c->path[0] = '\0';
		snprintf(c->why, sizeof(c->why),
			 "cannot inspect '%s': the preload library", command);
	} else {
		judge(c, view);
	}
	if (req != ROUTE_AUTO) {
		c->forced = true;
		c->seccomp = req == ROUTE_SECCOMP;
		snprintf(c->why + strlen(c->why),
			 sizeof(c->why) - strlen(c->why),
			 "; --route=%s overrides", c->seccomp ? "seccomp" :
								"preload");
	}
}

int route_start(const struct route_choice *c, bool debug)
{
	enum seccomp_launch_result rc;
	bool nnp;
	char why[200];

	if (debug)
		cli_error("run", "route: %s (%s)",
			  c->seccomp ? "seccomp" : "preload", c->why);
	if (!c->seccomp)
		return -1;
	if (landlock_launcher_restricted()) {
		if (debug)
			cli_error("run", "no seccomp route for %s: %s", c->path,
				  SHIM_LANDLOCK_REASON);
		return -1;
	}
	nnp = seccomp_filter_needs_nnp();
	if (debug)
		cli_error("run", "%s",
			nnp ? "no_new_privs set (no CAP_SYS_ADMIN): setuid and "
			      "file-capability programs it starts (sudo, ping) "
			      "gain no privileges" :
			      "no_new_privs not set (CAP_SYS_ADMIN)");
	rc = seccomp_launch(nnp, debug, c->done_fd[1], why, sizeof(why));
	if (rc == SECCOMP_LAUNCH_OK) {
		/* For a run inside this one, which cannot add a listener. */
		setenv(ROUTE_ENV, "seccomp", 1);
		return -1;
	}
	if (rc == SECCOMP_LAUNCH_NESTED && getenv(ROUTE_ENV) &&
	    strcmp(getenv(ROUTE_ENV), "seccomp") == 0) {
		if (debug)
			cli_error("run", "already under an outer run's seccomp "
					 "route: its supervisor (and its "
					 "policy) converts %s", c->path);
		return -1;
	}
	if (rc == SECCOMP_LAUNCH_BROKEN || c->forced) {
		cli_error("run", "the seccomp route cannot run: %s", why);
		return CLI_CANNOT_RUN;
	}
	cli_error("run", "warning: the seccomp route cannot run (%s); "
		  "running %s as it is, with TCP", why, c->path);
	return -1;
}

void route_stats_begin(struct route_choice *c)
{
	if (c->seccomp && pipe2(c->done_fd, O_CLOEXEC) != 0)
		c->done_fd[0] = c->done_fd[1] = -1;
}

void route_stats_end(struct route_choice *c)
{
	struct pollfd p = { .fd = c->done_fd[0], .events = POLLIN };
	char byte;

	if (c->done_fd[0] < 0)
		return;
	close(c->done_fd[1]);
	/* The supervisor never writes: readable means EOF, it is gone. */
	if (poll(&p, 1, 1000) == 1 && read(c->done_fd[0], &byte, 1) < 0) {
		/* Nothing to do: the report goes out either way. */
	}
	close(c->done_fd[0]);
	c->done_fd[0] = c->done_fd[1] = -1;
}
