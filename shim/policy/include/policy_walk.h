/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A read-only walk over a loaded policy, for printing it (`policy show`):
 * the sections in file order, each key with its value and the file:line it
 * came from. It is driven by the parser's own key table, so a new key is
 * shown without any change to the printer, and the printer needs nothing
 * of the policy's representation.
 */
#ifndef MPTCPSHIM_POLICY_WALK_H
#define MPTCPSHIM_POLICY_WALK_H

#include <stddef.h>

#include "policy.h"

enum policy_value_type {
	POLICY_VALUE_BOOL,	/* number 0 or 1 */
	POLICY_VALUE_INT,	/* number */
	POLICY_VALUE_WORD,	/* word: "listed", "ignore", "debug", ... */
	POLICY_VALUE_LIST,	/* n_items, read with policy_setting_item() */
};

struct policy_setting_view {
	const char *key;	/* as written in its section; valid in fn */
	enum policy_value_type type;
	int number;
	const char *word;
	size_t n_items;
	struct policy_origin origin;	/* file NULL: built-in default */
	const void *list;	/* the policy's own; for policy_setting_item */
	int list_type;
};

typedef void (*policy_setting_fn)(void *ctx,
				  const struct policy_setting_view *s);

/* The sections outside [app:NAME] in the order of mptcpshim.conf(5):
 * "global", "keepalive", "destinations"; NULL past the last. */
const char *policy_section_name(size_t section);

/*
 * Calls fn for every key of the section (defaults included), then, in
 * [global], for every unsupported_option.NAME entry. A NULL policy is the
 * built-in defaults.
 */
void policy_for_each_setting(const struct policy *policy, size_t section,
			     policy_setting_fn fn, void *ctx);

/* How many [app:NAME] sections the policy has. */
size_t policy_app_count(const struct policy *policy);

/* NAME of app i (< policy_app_count()), and its section header's origin. */
const char *policy_app_name(const struct policy *policy, size_t app,
			    struct policy_origin *origin);

/* Calls fn for every key app i sets, named as inside [app:NAME]
 * ("keepalive.idle"), then for its unsupported_option.NAME entries. */
void policy_for_each_app_setting(const struct policy *policy, size_t app,
				 policy_setting_fn fn, void *ctx);

/*
 * Item i (< s->n_items) of a list setting as text into buf ("10.0.0.0/8",
 * "80", "8000-8999"; 64 bytes are always enough). Returns its origin.
 */
struct policy_origin policy_setting_item(const struct policy_setting_view *s,
					 size_t i, char *buf, size_t len);

/*
 * Whether pred holds for the view of some program: one not named in the
 * policy, or one of its [app:NAME] sections (apps.d files are loaded per
 * program and are not seen here). For settings that must serve every
 * program a process may run (the seccomp route's filter).
 */
bool policy_any_program(const struct policy *policy,
			bool (*pred)(const struct policy_view *view, void *ctx),
			void *ctx);

#endif
