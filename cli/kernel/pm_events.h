/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The path manager's events ("mptcp_pm_events" generic netlink group, as
 * `ip mptcp monitor` shows them): connections created, established and
 * closed, subflows established and closed (with error and reset reason),
 * addresses announced and removed. Joining the group needs CAP_NET_ADMIN.
 */
#ifndef MPTCPSHIM_PM_EVENTS_H
#define MPTCPSHIM_PM_EVENTS_H

#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct pm_event {
	unsigned type; /* MPTCP_EVENT_* */
	uint32_t token;
	int family; /* 0 when not sent */
	char saddr[INET6_ADDRSTRLEN], daddr[INET6_ADDRSTRLEN];
	unsigned sport, dport; /* 0 when not sent */
	int loc_id, rem_id;    /* -1 when not sent */
	int backup;	       /* -1, 0, 1 */
	int error;	       /* sk_err copy; -1 when not sent */
	int ifindex;	       /* 0 when not sent */
	bool has_reset;
	uint32_t reset_reason, reset_flags;
	int server_side; /* -1, 0, 1 */
	double time;	 /* seconds, set by the listener */
};

/*
 * Parses one message of the mptcp_pm family into *ev. Returns 0, or -1
 * (EBADMSG) when it is too short or malformed.
 */
int pm_event_parse(const struct nlmsghdr *nlh, struct pm_event *ev);

/* "created", "sf_established", ... (ip mptcp monitor's names, lower
 * case); "unknown" for a type this code does not know. */
const char *pm_event_name(unsigned type);

/* RFC 8684 MP_TCPRST reason: "middlebox interference", ... */
const char *pm_reset_reason_name(uint32_t reason);

/* Not a kernel event: a reader (run --events) saw through sock_diag that
 * a connection created as MPTCP fell back to TCP. */
#define PM_EVENT_FALLBACK 1000

struct pm_listener;

/*
 * Joins the event group of the current network namespace. NULL with errno
 * set: ENOENT (no MPTCP), EPERM (not allowed to listen).
 */
struct pm_listener *pm_listener_open(void);

/* The socket to poll() for POLLIN. */
int pm_listener_fd(const struct pm_listener *l);

/*
 * Reads what is queued (without blocking) and calls cb for each event.
 * Returns the number of events, or -1 with errno (ENOBUFS: the kernel
 * dropped events because the reader fell behind).
 */
int pm_listener_read(struct pm_listener *l,
		     void (*cb)(const struct pm_event *ev, void *data),
		     void *data);

void pm_listener_close(struct pm_listener *l);

struct out;
struct ifaddrs;
/* ev as one object of an "events" array (text: one line); list (may be
 * NULL) names the interface holding the local address when the event
 * names none. */
void pm_event_print(struct out *out, const struct pm_event *ev,
		    const struct ifaddrs *list);

#endif
