/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What is true of a running process, for `status`: the library mapped
 * into it, or the seccomp route's filter in place with a supervisor
 * serving it; never what its environment merely asks for.
 */
#ifndef MPTCPSHIM_PROC_ROUTE_H
#define MPTCPSHIM_PROC_ROUTE_H

enum proc_route {
	PROC_ROUTE_UNKNOWN,	/* cannot be read (gone, no permission) */
	PROC_ROUTE_NONE,	/* neither: its sockets stay TCP */
	PROC_ROUTE_LIBRARY,	/* the library is mapped */
	PROC_ROUTE_SECCOMP,	/* a filter, and a supervisor in its cgroup */
};

/*
 * library: the library's path (matched by device and inode, so a bind
 * mount of it counts). *supervisor gets the supervisor's pid for
 * PROC_ROUTE_SECCOMP.
 */
enum proc_route proc_route_of(long pid, const char *library,
			      long *supervisor);

/* "library", "seccomp route", "none", "unknown". */
const char *proc_route_name(enum proc_route r);

#endif
