// SPDX-License-Identifier: BSD-3-Clause
/*
 * `mptcpshim endpoints`: the path manager's endpoints and limits, and the
 * warnings that explain why a connection may never get a second subflow.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"
#include "pm_auto.h"
#include "pm_check.h"

#define MAX_WARNINGS 64

static void usage(FILE *fp)
{
	out_usage(fp,
		"Usage: mptcpshim endpoints [--json] [--peer ADDR]\n"
		"       mptcpshim endpoints auto [OPTIONS]\n"
		"Lists the in-kernel path manager's endpoints and limits of "
		"this network namespace\n(like 'ip mptcp endpoint show' and "
		"'ip mptcp limits show') and warns when no\nextra subflow can "
		"be created: endpoints without dev, interfaces down,\nstrict "
		"rp_filter, NetworkManager and mptcpd both running, usable "
		"addresses\nwithout an endpoint. 'auto' creates one endpoint "
		"per usable address (see\n'mptcpshim endpoints auto --help')."
		"\n\n"
		"  -j, --json       print JSON\n"
		"  -p, --peer ADDR  also check each subflow endpoint's route to "
		"ADDR (as\n                   'ip route get ADDR from "
		"ENDPOINT')\n"
		"\nExit status: 0 listed, 1 the MPTCP path manager is not "
		"available, 2 usage.\n");
}

static void print_endpoint(struct out *out, const struct pm_endpoint *ep)
{
	const char *names[8];
	size_t n = pm_flag_names(ep->flags, names, 8);
	char flags[96] = "";
	size_t used = 0;

	for (size_t i = 0; i < n; i++)
		used += snprintf(flags + used, sizeof(flags) - used, "%s%s",
				 i ? "," : "", names[i]);
	out_object_open(out, NULL);
	out_uint(out, "id", "%-4llu", ep->id);
	out_string(out, "address", "%-40s ", ep->address);
	out_uint(out, "port", ep->port ? "%-6llu" : NULL, ep->port);
	if (!ep->port)
		out_text(out, "%-6s", "-");
	out_array_open(out, "flags");
	for (size_t i = 0; i < n; i++)
		out_string(out, NULL, NULL, names[i]);
	out_array_close(out);
	out_text(out, "%-24s", n ? flags : "-");
	out_string(out, "interface", "%s",
		   ep->ifname[0] ? ep->ifname : NULL);
	out_int(out, "ifindex", NULL, ep->ifindex);
	out_bool(out, "interface_up", NULL, ep->if_exists && ep->if_up);
	out_bool(out, "address_present", NULL, ep->address_present);
	out_object_close(out);
	out_text(out, "\n");
}

static void endpoints_print(struct out *out, const struct pm_state *st)
{
	struct pm_warning w[MAX_WARNINGS];
	size_t nw = pm_check(st, w, MAX_WARNINGS);

	if (st->n)
		out_text(out, "%-4s%-41s%-6s%-24s%s\n", "ID", "ADDRESS",
			 "PORT", "FLAGS", "INTERFACE");
	else
		out_text(out, "no endpoints\n");
	out_array_open(out, "endpoints");
	for (size_t i = 0; i < st->n; i++)
		print_endpoint(out, &st->ep[i]);
	out_array_close(out);

	out_object_open(out, "limits");
	if (st->limits_known) {
		out_uint(out, "subflows", "limits: subflows %llu",
			 st->subflows);
		out_uint(out, "add_addr_accepted", " add_addr_accepted %llu\n",
			 st->add_addr_accepted);
	}
	out_object_close(out);
	if (st->env_probed) {
		out_string(out, "peer", NULL, st->peer[0] ? st->peer : NULL);
		out_bool(out, "networkmanager", NULL, st->nm_running);
		out_bool(out, "mptcpd", NULL, st->mptcpd_running);
	}

	out_array_open(out, "warnings");
	for (size_t i = 0; i < nw; i++) {
		out_object_open(out, NULL);
		out_string(out, "id", NULL, w[i].id);
		out_bool(out, "fatal", NULL, w[i].fatal);
		out_string(out, "message", "warning: %s\n", w[i].message);
		out_string(out, "fix", "  fix: %s\n", w[i].fix);
		out_object_close(out);
	}
	out_array_close(out);
	pm_print_backup_note(out, st);
}

/* --peer ADDR: an address, so that a typo is not a route check of nothing. */
static int take_peer(const char *sub, const char *arg, void *to)
{
	unsigned char raw[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, arg, raw) != 1 &&
	    inet_pton(AF_INET6, arg, raw) != 1) {
		cli_error(sub, "argument \"%s\" is wrong: --peer takes an "
			  "IPv4 or IPv6 address", arg);
		return -1;
	}
	*(const char **)to = arg;
	return 0;
}

static int parse(int argc, char **argv, bool *json, const char **peer)
{
	const struct cli_option options[] = {
		CLI_OPTION_JSON(json),
		CLI_OPTION_TAKE("peer", 'p', take_peer, peer),
		CLI_OPTION_END,
	};
	int rc;

	*json = false;
	*peer = NULL;
	rc = cli_parse_options(argc, argv, "endpoints", options,
			       CLI_OPTIONS_NO_OPERANDS, usage);
	if (rc >= 0)
		return rc;
	return -1;
}

int cmd_endpoints(int argc, char **argv)
{
	const char *peer;
	struct pm_state st;
	struct out *out;
	bool json;
	int rc;

	if (argc > 1 && strcmp(argv[1], "auto") == 0)
		return cmd_endpoints_auto(argc - 1, argv + 1);
	rc = parse(argc, argv, &json, &peer);
	if (rc >= 0)
		return rc;
	if (pm_fetch(&st) < 0) {
		pm_fetch_error("endpoints");
		return CLI_CHECK_FAILED;
	}
	pm_probe_interfaces(&st);
	pm_probe_environment(&st, peer);
	out = out_new(stdout, json);
	if (!out) {
		pm_state_free(&st);
		return CLI_CHECK_FAILED;
	}
	endpoints_print(out, &st);
	out_end(out);
	pm_state_free(&st);
	return CLI_OK;
}
