/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket option names <-> (level, optname), so that policy files can name
 * options (unsupported_option.TCP_USER_TIMEOUT) and logs and stats can
 * print them. Covers SOL_SOCKET, SOL_TCP, SOL_IP, SOL_IPV6 and SOL_MPTCP.
 */
#ifndef MPTCPSHIM_SOCKOPT_NAMES_H
#define MPTCPSHIM_SOCKOPT_NAMES_H

#include <stddef.h>

/* The name is kept in the entry, not pointed to: a table of pointers
 * costs every process that loads the shim one relocation per entry. */
#define SOCKOPT_NAME_MAX 28

struct sockopt_name {
	char name[SOCKOPT_NAME_MAX];	/* as in the headers: "TCP_USER_TIMEOUT" */
	int level;
	int optname;
};

/* The option called name (case-insensitive), or NULL. */
const struct sockopt_name *sockopt_by_name(const char *name);

/* The option's name, or NULL when the table does not know it. */
const char *sockopt_name(int level, int optname);

/* "SOL_TCP", "SOL_SOCKET", ...; NULL for a level the table does not know. */
const char *sockopt_level_name(int level);

/*
 * A printable name that never fails: "TCP_USER_TIMEOUT", or "SOL_TCP/99",
 * or "263/7" for unknown ones. Returns buf (or a static name).
 */
const char *sockopt_describe(int level, int optname, char *buf, size_t len);

/* The whole table, for listings and tests. */
const struct sockopt_name *sockopt_names_all(size_t *count);

#endif
