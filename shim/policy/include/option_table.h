/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The built-in table behind unsupported_option = auto: for each socket
 * option MPTCP refuses, whether losing it can cost the program anything.
 * Options whose loss changes nothing the program can see keep the socket
 * MPTCP; options that carry security or failure semantics make it TCP.
 * An option missing from the table is treated as tcp (safe). The table
 * is the one mptcpshim.conf(5) documents; keep the two in step.
 */
#ifndef MPTCPSHIM_OPTION_TABLE_H
#define MPTCPSHIM_OPTION_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "policy.h"

enum policy_opt_verdict {
	/* Keep MPTCP (remember the value) when it is what a fresh TCP
	 * socket has anyway; any other value: rebuild as TCP. */
	POLICY_OPT_KEEP_IF_DEFAULT = 0,
	/* Keep MPTCP and remember the value: a hint whose loss changes
	 * no program-visible semantics. */
	POLICY_OPT_KEEP_HINT,
	/* Rebuild as TCP and apply: the program relies on it. */
	POLICY_OPT_RESCUE,
};

struct policy_opt_rule {
	int level, optname;
	enum policy_opt_verdict verdict;
	bool has_reset;		/* reset is a value that means "the default" */
	int reset;		/* (-1 for IP_TTL, ...), beside the read-back */
	const char *reason;	/* one line, as in mptcpshim.conf(5) */
};

/* The rule for (level, optname), or NULL when the table has none. */
const struct policy_opt_rule *policy_option_rule(int level, int optname);

/* The whole table, in the order mptcpshim.conf(5) lists it. */
const struct policy_opt_rule *policy_option_rules(size_t *count);

/* "keep-if-default", "keep-hint", "rescue". */
const char *policy_opt_verdict_name(enum policy_opt_verdict verdict);

struct policy_opt_action {
	enum policy_unsupported mode;	/* tcp, ignore or fail; never auto */
	bool by_table;			/* auto decided (the table or its
					 * missing-entry rule) */
	const char *why;		/* static text, for logs */
};

/*
 * What to do with a setsockopt(level, optname, value, len) that MPTCP
 * refused, for this program: its configured mode, or with auto the
 * table's verdict. fresh/fresh_len: what getsockopt() of the same option
 * answers on a fresh TCP socket (NULL if unknown); a value equal to it,
 * or to the rule's reset value, counts as the default. Pure: no
 * allocation, no lock, no syscall.
 */
struct policy_opt_action policy_option_action(const struct policy_view *view,
					      int level, int optname,
					      const void *value, socklen_t len,
					      const void *fresh,
					      socklen_t fresh_len);

#endif
