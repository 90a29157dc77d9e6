// SPDX-License-Identifier: BSD-3-Clause
/* The policy's answer for a whole program, as GODEBUG=multipathtcp=N. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdpath.h"
#include "elfcheck.h"
#include "gomptcp.h"

static enum gomptcp_value value(bool dial, bool listen)
{
	if (dial && listen)
		return GOMPTCP_BOTH;
	if (listen)
		return GOMPTCP_LISTEN;
	return dial ? GOMPTCP_DIAL : GOMPTCP_OFF;
}

enum gomptcp_value gomptcp_for_view(const struct policy_view *view)
{
	return value(policy_role_possible(view, POLICY_CONNECT),
		     policy_role_possible(view, POLICY_LISTEN));
}

enum gomptcp_value gomptcp_for_program(const char *const *names,
				       bool *per_destination)
{
	char user[PATH_MAX];
	struct policy_sources src;
	struct policy_view view;
	struct policy *policy;
	enum gomptcp_value v;

	policy_sources_default(&src, names, false, user, sizeof(user));
	policy = policy_load(&src, NULL, NULL);
	policy_resolve(policy, names, &view);
	/* No program: one value for every program, listed ones included. */
	v = names ? gomptcp_for_view(&view)
		  : value(policy_role_on(&view, POLICY_CONNECT),
			  policy_role_on(&view, POLICY_LISTEN));
	if (per_destination)
		*per_destination = v != GOMPTCP_OFF &&
				   policy_has_destination_rules(&view);
	policy_free(policy);
	return v;
}

const char *gomptcp_unexpressible(const struct policy_view *view)
{
	if (gomptcp_for_view(view) == GOMPTCP_OFF)
		return NULL;	/* off for the whole program: 0 says it all */
	if (policy_has_destination_rules(view))
		return view->per_option_unsupported ?
			       "its destination and port rules and its "
			       "per-option modes" :
			       "its destination and port rules";
	return view->per_option_unsupported ? "its per-option modes" : NULL;
}

void gomptcp_load_view(const char *const *names, struct policy **policy,
		       struct policy_view *view)
{
	char user[PATH_MAX];
	struct policy_sources src;

	policy_sources_default(&src, names, false, user, sizeof(user));
	*policy = policy_load(&src, NULL, NULL);
	policy_resolve(*policy, names, view);
}

static const char *base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

void gomptcp_command_names(const char *cmd, char *buf, unsigned len,
			   const char *names[3])
{
	char found[PATH_MAX], real[PATH_MAX];
	int k = 0;

	if (cmdpath_find(cmd, found, sizeof(found)) &&
	    realpath(found, real) && snprintf(buf, len, "%s", base(real)) <
					     (int)len)
		names[k++] = buf;
	if (k == 0 || strcmp(base(cmd), buf) != 0)
		names[k++] = base(cmd);
	names[k] = NULL;
}

bool gomptcp_go_sandboxes_itself(const char *cmd)
{
	char found[PATH_MAX];
	struct elf_facts f;

	return cmd && cmdpath_find(cmd, found, sizeof(found)) &&
	       elf_inspect(found, &f) == 0 && f.go && f.go_landlock;
}
