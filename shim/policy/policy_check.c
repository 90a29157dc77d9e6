// SPDX-License-Identifier: BSD-3-Clause
/*
 * What only the CLI asks of the policy module (`policy check`; the sources
 * and the rule text `policy show` prints): in a file of its own, so that
 * the LD_PRELOAD library, which links the policy archive, never contains
 * it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "policy_internal.h"

int policy_file_safety(const char *path, policy_diag_fn diag, void *ctx)
{
	int problems = 0;
	int fd = policy_open_checked(path, true, diag, ctx, &problems, NULL);

	if (fd == -2) {
		errno = ENOENT;
		return -1;
	}
	if (fd >= 0)
		close(fd);
	return problems;
}

int policy_check_stream(FILE *in, const char *name, policy_diag_fn diag,
			void *ctx)
{
	struct policy *layer;
	int problems = policy_parse(in, name, diag, ctx, &layer);

	policy_free(layer);
	return problems;
}

int policy_check_file(const char *path, policy_diag_fn diag, void *ctx)
{
	int problems = 0;
	int fd = policy_open_checked(path, false, diag, ctx, &problems, NULL);
	FILE *in;

	if (fd == -2) {
		policy_report(diag, ctx, path, "cannot read: no such file");
		return -1;
	}
	if (fd == -3)
		return -1;
	if (fd < 0)
		return problems;
	in = fdopen(fd, "r");
	if (!in) {
		close(fd);
		return -1;
	}
	problems = policy_check_stream(in, path, diag, ctx);
	fclose(in);
	return problems;
}

void policy_for_each_source(const struct policy *policy, policy_source_fn fn,
			    void *ctx)
{
	for (size_t i = 0; policy && i < policy->n_sources; i++)
		fn(ctx, policy->sources[i].file, policy->sources[i].used);
}

void policy_cidr_format(const struct cidr *c, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(c->family, c->addr, addr, sizeof(addr));
	snprintf(buf, len, "%s/%u", addr, c->prefix_len);
}

void policy_ports_format(const struct port_range *p, char *buf, size_t len)
{
	if (p->lo == p->hi)
		snprintf(buf, len, "%u", p->lo);
	else
		snprintf(buf, len, "%u-%u", p->lo, p->hi);
}
