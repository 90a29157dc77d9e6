/* SPDX-License-Identifier: BSD-3-Clause */
/* `policy show`: the merged policy as INI or JSON (see policy_show.c). */
#ifndef MPTCPSHIM_POLICY_SHOW_H
#define MPTCPSHIM_POLICY_SHOW_H

#include <stdbool.h>
#include <stdio.h>

#include "policy.h"

/* Prints the effective merged policy to fp, as INI or as JSON; a NULL
 * policy is the built-in defaults. */
void policy_show(const struct policy *policy, FILE *fp, bool json);

#endif
