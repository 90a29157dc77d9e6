// SPDX-License-Identifier: BSD-3-Clause
/* One path-manager event as `run --events` and `doctor --bundle` print
 * it: ip mptcp monitor's facts, with the interface and error named. */
#include <ifaddrs.h>
#include <net/if.h>
#include <string.h>

#include "output.h"
#include "pm.h"
#include "pm_events.h"

static void print_error(struct out *out, int error)
{
	const char *name;

	if (error < 0)
		return;
	name = error ? strerrorname_np(error) : NULL;
	out_int(out, "error", " error %lld", error);
	out_string(out, "error_name", name ? " (%s)" : NULL, name);
}

void pm_event_print(struct out *out, const struct pm_event *ev,
		    const struct ifaddrs *list)
{
	bool flow = ev->saddr[0] && ev->daddr[0];

	out_object_open(out, NULL);
	out_double(out, "time", "  %8.3fs", ev->time);
	out_string(out, "type", " %-16s", pm_event_name(ev->type));
	out_uint(out, "token", NULL, ev->token);
	out_text(out, " token %08x", ev->token);
	if (ev->saddr[0]) {
		out_string(out, "local_address", " %s", ev->saddr);
		out_uint(out, "local_port", ":%llu", ev->sport);
	}
	if (flow)
		out_text(out, " ->");
	if (ev->daddr[0]) {
		out_string(out, "remote_address", " %s", ev->daddr);
		out_uint(out, "remote_port", ev->dport ? ":%llu" : NULL,
			 ev->dport);
	}
	if (ev->loc_id >= 0)
		out_int(out, "local_id", " loc_id %lld", ev->loc_id);
	if (ev->rem_id >= 0)
		out_int(out, "remote_id", " rem_id %lld", ev->rem_id);
	if (ev->ifindex > 0) {
		char name[IF_NAMESIZE];

		out_int(out, "ifindex", NULL, ev->ifindex);
		out_string(out, "interface", " dev %s",
			   if_indextoname(ev->ifindex, name) ? name : NULL);
	} else if (ev->saddr[0]) {
		/* The connection's events name no interface: the one holding
		 * its local address. */
		char name[IF_NAMESIZE];

		if (pm_interface_holding(list, ev->family, ev->saddr, name))
			out_string(out, "interface", " dev %s", name);
	}
	if (ev->backup >= 0)
		out_bool(out, "backup", ev->backup ? " backup" : NULL,
			 ev->backup);
	if (ev->server_side >= 0)
		out_bool(out, "server_side",
			 ev->server_side ? " server-side" : NULL,
			 ev->server_side);
	print_error(out, ev->error);
	if (ev->has_reset) {
		out_uint(out, "reset_reason", " reset_reason %llu",
			 ev->reset_reason);
		out_string(out, "reset_reason_name", " (%s)",
			   pm_reset_reason_name(ev->reset_reason));
		out_uint(out, "reset_flags", " reset_flags %#llx",
			 ev->reset_flags);
	}
	out_text(out, "\n");
	out_object_close(out);
}
