// SPDX-License-Identifier: BSD-3-Clause
/*
 * The words of the enumerated keys, one table each: the parser reads them,
 * the walk (and so `policy show`) and the messages print them.
 */
#include "policy_internal.h"

const char *const policy_mode_names[2] = { "all", "listed" };
const char *const policy_unsup_names[3] = { "tcp", "ignore", "fail" };
const char *const policy_log_names[4] = { "error", "warn", "info", "debug" };
