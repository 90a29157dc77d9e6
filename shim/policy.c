// SPDX-License-Identifier: BSD-3-Clause
/* Built-in defaults only; the INI parser replaces this (policy issue). */
#include <stdlib.h>

#include "policy.h"

struct policy {
	int unused;
};

struct policy *policy_load(const struct policy_sources *src,
			   policy_diag_fn diag, void *ctx)
{
	(void)src;
	(void)diag;
	(void)ctx;
	return calloc(1, sizeof(struct policy));
}

int policy_check_file(const char *path, policy_diag_fn diag, void *ctx)
{
	(void)path;
	(void)diag;
	(void)ctx;
	return 0;
}

void policy_free(struct policy *policy)
{
	free(policy);
}

void policy_resolve(const struct policy *policy, const char *const *names,
		    struct policy_view *view)
{
	(void)names;
	*view = (struct policy_view){
		.policy = policy,
		.initial = { POLICY_MPTCP, { NULL, 0 }, "built-in default" },
	};
}

struct policy_decision policy_decide(const struct policy_view *view,
				     enum policy_role role,
				     const struct sockaddr *addr,
				     socklen_t addrlen)
{
	(void)role;
	(void)addr;
	(void)addrlen;
	return view->initial;
}

enum policy_unsupported policy_unsupported_for(const struct policy_view *view,
					       int level, int optname)
{
	(void)level;
	(void)optname;
	return view->unsupported;
}

void policy_show(const struct policy *policy, FILE *out, bool json)
{
	(void)policy;
	fputs(json ? "{}\n" : "[global]\nmode = all\n", out);
}
