// SPDX-License-Identifier: BSD-3-Clause
/*
 * `mptcpshim endpoints auto`: one endpoint per usable address, bound to its
 * interface, and limits that fit; for hosts where neither NetworkManager
 * nor mptcpd does it. It refuses to compete with either of them.
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "pm_auto.h"
#include "pm_check.h"
#include "rtnl.h"

static void usage(FILE *fp)
{
	out_usage(fp,
		"Usage: mptcpshim endpoints auto [--dry-run] [--role "
		"client|server]\n"
		"                [--backup IFACE]... [--flush] [--force] "
		"[--json]\n"
		"Creates one path-manager endpoint per usable address (up, "
		"global, not\ntentative), bound to its interface: 'subflow' "
		"for a client, 'signal' for a\nserver, 'backup' on the named "
		"interfaces; raises the limits to match. A\nsecond run "
		"changes nothing. Like mptcpd's address-advertising plugin, "
		"once.\n"
		"An endpoint already there for an address is kept (its "
		"subflows with it);\nan address on two interfaces gets one "
		"endpoint; addresses beyond the kernel's\nendpoint limit are "
		"left out, and each is named with the reason.\n\n"
		"  -n, --dry-run        print the equivalent 'ip mptcp' "
		"commands, change nothing\n"
		"  -r, --role ROLE      client (default) or server\n"
		"  -b, --backup IFACE   mark IFACE's endpoints backup "
		"(repeatable)\n"
		"      --flush          also delete endpoints of addresses "
		"not in the plan\n"
		"  -f, --force          even when NetworkManager or mptcpd "
		"manages endpoints;\n"
		"                       and replace endpoints that differ from "
		"the plan, their\n"
		"                       fullmesh, port and id too\n"
		"  -j, --json           print JSON\n"
		"\nExit status: 0 done (or nothing to do), 1 a change failed, "
		"2 usage or\nrefused because another manager runs.\n");
}

struct auto_cli {
	bool dry_run, force, json;
	struct pm_auto_opts plan;
};

static int take_role(const char *sub, const char *arg, void *to)
{
	struct pm_auto_opts *plan = to;

	if (strcmp(arg, "client") != 0 && strcmp(arg, "server") != 0) {
		cli_error(sub, "argument \"%s\" is wrong: --role takes "
			  "client or server", arg);
		return -1;
	}
	plan->server = strcmp(arg, "server") == 0;
	return 0;
}

/* --backup repeats, one interface each time. */
static int take_backup(const char *sub, const char *arg, void *to)
{
	struct pm_auto_opts *plan = to;

	if (plan->nbackup == PM_AUTO_MAX_BACKUP) {
		cli_error(sub, "at most %d --backup interfaces",
			  PM_AUTO_MAX_BACKUP);
		return -1;
	}
	plan->backup[plan->nbackup++] = arg;
	return 0;
}

static int parse(int argc, char **argv, struct auto_cli *o)
{
	const struct cli_option options[] = {
		CLI_OPTION_FLAG("dry-run", 'n', &o->dry_run),
		CLI_OPTION_TAKE("role", 'r', take_role, &o->plan),
		CLI_OPTION_TAKE("backup", 'b', take_backup, &o->plan),
		CLI_OPTION_FLAG("flush", 0, &o->plan.flush),
		CLI_OPTION_FLAG("force", 'f', &o->force),
		CLI_OPTION_JSON(&o->json),
		CLI_OPTION_END,
	};
	int rc;

	memset(o, 0, sizeof(*o));
	rc = cli_parse_options(argc, argv, "endpoints auto", options,
			       CLI_OPTIONS_NO_OPERANDS, usage);
	if (rc >= 0)
		return rc;
	o->plan.force = o->force;
	return -1;
}

/* A --backup name that is no interface is a typo, not a no-op. */
static int check_backup_names(const struct auto_cli *o)
{
	for (size_t i = 0; i < o->plan.nbackup; i++)
		if (!if_nametoindex(o->plan.backup[i])) {
			cli_error("endpoints auto",
				  "--backup %s: no such "
				  "interface",
				  o->plan.backup[i]);
			return -1;
		}
	return 0;
}

static int refuse_if_managed(const struct auto_cli *o)
{
	bool nm, mptcpd;

	if (o->force)
		return 0;
	pm_find_managers(&nm, &mptcpd);
	if (!nm && !mptcpd)
		return 0;
	cli_error("endpoints auto",
		  "%s%s%s manages MPTCP endpoints on this "
		  "host; changing them here would fight it (use --force to "
		  "do it anyway)",
		  nm ? "NetworkManager" : "", nm && mptcpd ? " and " : "",
		  mptcpd ? "mptcpd" : "");
	return -1;
}

/* Usable addresses minus IPv6 privacy addresses, which come and go. (For
 * IPv4 the same bit means a secondary address, which is as usable as any:
 * filtered, it would be dropped without a word.) */
static int addresses(struct rtnl_addr **v, size_t *n)
{
	size_t kept = 0;

	if (pm_usable_addresses(v, n) < 0)
		return -1;
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].family != AF_INET6 ||
		    !((*v)[i].flags & (IFA_F_TEMPORARY | IFA_F_DEPRECATED)))
			(*v)[kept++] = (*v)[i];
	*n = kept;
	return 0;
}

/* What the plan keeps as it is or leaves out, and why: comments in the
 * text (a --dry-run stays a script), arrays in JSON. */
static void print_notes(struct out *out, const struct pm_plan *p,
			enum pm_note_kind kind)
{
	out_array_open(out, kind == PM_NOTE_KEPT ? "kept" : "left_out");
	for (size_t i = 0; i < p->nnote; i++) {
		const struct pm_note *n = &p->note[i];

		if (n->kind != kind)
			continue;
		out_object_open(out, NULL);
		if (kind == PM_NOTE_KEPT)
			out_uint(out, "id", "# kept endpoint id %llu", n->id);
		else
			out_text(out, "# left out");
		out_string(out, "address", " %s", n->address);
		out_string(out, "interface", " (%s)", n->ifname);
		out_string(out, "reason", ": %s\n", n->why);
		out_object_close(out);
	}
	out_array_close(out);
}

static int carry_out(struct out *out, const struct pm_plan *p, bool dry_run)
{
	const struct pm_action *act = p->act;
	size_t n = p->n;
	char cmd[300];
	int rc = CLI_OK;

	print_notes(out, p, PM_NOTE_KEPT);
	print_notes(out, p, PM_NOTE_LEFT_OUT);
	if (!n)
		out_text(out, dry_run ? "# nothing to change\n"
				      : "nothing to change\n");
	out_array_open(out, "actions");
	for (size_t i = 0; i < n; i++) {
		bool ok = true;

		pm_action_command(&act[i], cmd, sizeof(cmd));
		if (!dry_run && pm_action_apply(&act[i]) < 0) {
			cli_error("endpoints auto", "%s: %s", cmd,
				  strerror(errno));
			ok = false;
			rc = CLI_CHECK_FAILED;
		}
		out_object_open(out, NULL);
		out_string(out, "command", "%s\n", cmd);
		out_bool(out, "done", NULL, !dry_run && ok);
		out_object_close(out);
	}
	out_array_close(out);
	return rc;
}

int cmd_endpoints_auto(int argc, char **argv)
{
	struct pm_plan plan;
	struct auto_cli o;
	struct pm_state st;
	struct rtnl_addr *addr;
	struct out *out;
	size_t naddr;
	bool probed;
	int rc = parse(argc, argv, &o);

	if (rc >= 0)
		return rc;
	if (check_backup_names(&o) < 0 || refuse_if_managed(&o) < 0)
		return CLI_USAGE;
	if (pm_fetch(&st) < 0) {
		pm_fetch_error("endpoints");
		return CLI_CHECK_FAILED;
	}
	if (addresses(&addr, &naddr) < 0) {
		cli_error("endpoints auto", "cannot list addresses: %s",
			  strerror(errno));
		pm_state_free(&st);
		return CLI_CHECK_FAILED;
	}
	o.plan.max_endpoints = o.plan.max_limit = PM_AUTO_LIMIT_MAX;
	probed = pm_probe_kernel_max(&o.plan.max_endpoints, &o.plan.max_limit);
	if (pm_auto_plan(&st, addr, naddr, &o.plan, &plan) < 0) {
		cli_error("endpoints auto", "out of memory");
		rc = CLI_CHECK_FAILED;
		out = NULL;
	} else {
		out = out_new(stdout, o.json);
	}
	if (out) {
		out_bool(out, "dry_run", NULL, o.dry_run);
		out_uint(out, "max_endpoints", NULL, o.plan.max_endpoints);
		out_bool(out, "max_endpoints_probed", NULL, probed);
		rc = carry_out(out, &plan, o.dry_run);
		out_end(out);
	}
	pm_plan_free(&plan);
	free(addr);
	pm_state_free(&st);
	return rc;
}
