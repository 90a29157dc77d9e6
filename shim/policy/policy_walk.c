// SPDX-License-Identifier: BSD-3-Clause
/*
 * The read-only walk of policy_walk.h: turns the key table and the parsed
 * settings into views, so that no printer depends on policy_internal.h.
 */
#include <stdio.h>
#include <string.h>

#include "policy_internal.h"
#include "policy_walk.h"
#include "sockopt_names.h"

static const struct {
	int section;
	const char *name;
} sections[] = {
	{ SEC_GLOBAL, "global" },
	{ SEC_KEEPALIVE, "keepalive" },
	{ SEC_DESTINATIONS, "destinations" },
};

const char *policy_section_name(size_t section)
{
	return section < sizeof(sections) / sizeof(sections[0]) ?
		       sections[section].name : NULL;
}

static void view_of(const struct key_info *k, const char *key,
		    const struct setting *s, struct policy_setting_view *v)
{
	memset(v, 0, sizeof(*v));
	v->key = key;
	v->origin = s->origin;
	v->number = s->value;
	switch (k->type) {
	case KT_BOOL:
		v->type = POLICY_VALUE_BOOL;
		v->number = s->value != 0;
		break;
	case KT_INT:
		v->type = POLICY_VALUE_INT;
		break;
	case KT_MODE:
		v->type = POLICY_VALUE_WORD;
		v->word = policy_mode_names[s->value & 1];
		break;
	case KT_UNSUP:
		v->type = POLICY_VALUE_WORD;
		v->word = policy_unsupported_name(s->value);
		break;
	case KT_LOG:
		v->type = POLICY_VALUE_WORD;
		v->word = (unsigned)s->value < 4 ? policy_log_names[s->value] :
						   "?";
		break;
	case KT_CIDRS:
	case KT_PORTS:
		v->type = POLICY_VALUE_LIST;
		v->n_items = s->list.count;
		v->list = &s->list;
		v->list_type = k->type;
		break;
	}
}

static void walk_opts(const struct settings *s, policy_setting_fn fn,
		      void *ctx)
{
	char buf[48], key[96];

	for (size_t i = 0; i < s->n_opts; i++) {
		const struct opt_mode *m = &s->opts[i];
		struct policy_setting_view v = {
			.key = key,
			.type = POLICY_VALUE_WORD,
			.word = policy_unsupported_name(m->mode),
			.origin = m->origin,
		};

		snprintf(key, sizeof(key), POLICY_OPT_PREFIX "%s",
			 sockopt_describe(m->level, m->optname, buf,
					  sizeof(buf)));
		fn(ctx, &v);
	}
}

void policy_for_each_setting(const struct policy *policy, size_t section,
			     policy_setting_fn fn, void *ctx)
{
	struct policy defaults;
	int bit;

	if (!policy_section_name(section))
		return;
	if (!policy) {
		memset(&defaults, 0, sizeof(defaults));
		policy_settings_init_defaults(&defaults.global);
		policy = &defaults;
	}
	bit = sections[section].section;
	for (int i = 0; i < KEY_COUNT; i++) {
		const struct key_info *k = &policy_key_info[i];
		struct policy_setting_view v;

		if (!(k->sections & bit))
			continue;
		view_of(k, k->name, &policy->global.key[i], &v);
		fn(ctx, &v);
	}
	if (bit == SEC_GLOBAL)
		walk_opts(&policy->global, fn, ctx);
}

size_t policy_app_count(const struct policy *policy)
{
	return policy ? policy->n_apps : 0;
}

const char *policy_app_name(const struct policy *policy, size_t app,
			    struct policy_origin *origin)
{
	if (!policy || app >= policy->n_apps)
		return NULL;
	if (origin)
		*origin = policy->apps[app].origin;
	return policy->apps[app].name;
}

void policy_for_each_app_setting(const struct policy *policy, size_t app,
				 policy_setting_fn fn, void *ctx)
{
	const struct settings *s;

	if (!policy || app >= policy->n_apps)
		return;
	s = &policy->apps[app].s;
	for (int i = 0; i < KEY_COUNT; i++) {
		const struct key_info *k = &policy_key_info[i];
		struct policy_setting_view v;

		if (!s->key[i].set)
			continue;
		view_of(k, k->app_name, &s->key[i], &v);
		fn(ctx, &v);
	}
	walk_opts(s, fn, ctx);
}

struct policy_origin policy_setting_item(const struct policy_setting_view *s,
					 size_t i, char *buf, size_t len)
{
	const struct rule_list *l = s->list;

	if (s->list_type == KT_CIDRS) {
		policy_cidr_format(&l->cidrs[i], buf, len);
		return l->cidrs[i].origin;
	}
	policy_ports_format(&l->ports[i], buf, len);
	return l->ports[i].origin;
}

bool policy_any_program(const struct policy *policy,
			bool (*pred)(const struct policy_view *view, void *ctx),
			void *ctx)
{
	struct policy_view view;

	policy_resolve(policy, NULL, &view);
	if (pred(&view, ctx))
		return true;
	for (size_t i = 0; policy && i < policy->n_apps; i++) {
		const char *names[2] = { policy->apps[i].name, NULL };

		policy_resolve(policy, names, &view);
		if (pred(&view, ctx))
			return true;
	}
	return false;
}
