/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What each MPTcpExt counter counts, in one table shared by `mib
 * --explain` (its glossary) and `metrics` (the HELP text), so that the
 * two never describe a counter differently. Names the table does not
 * know (a kernel newer than this table) are reported as such: a test
 * enumerates the running kernel's counters against it.
 */
#ifndef MPTCPSHIM_MIB_GLOSSARY_H
#define MPTCPSHIM_MIB_GLOSSARY_H

#include <stdbool.h>

/* How `mib --explain` treats a counter. */
enum mib_role {
	MIB_ROLE_UNKNOWN,	/* not in the table: a newer kernel's */
	MIB_ROLE_REASON,	/* an --explain rule reads it */
	MIB_ROLE_INFORMATIONAL,	/* described, never a reason by itself */
};

/* The kernel's meaning of name (net/mptcp/mib.h), or NULL if unknown. */
const char *mib_glossary_meaning(const char *name);

/* The role of name; *rule is the id of the --explain rule that reads it
 * (MIB_ROLE_REASON), else NULL. rule may be NULL. */
enum mib_role mib_glossary_role(const char *name, const char **rule);

/* "reason", "informational", "unknown". */
const char *mib_role_name(enum mib_role role);

#endif
