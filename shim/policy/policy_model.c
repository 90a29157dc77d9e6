// SPDX-License-Identifier: BSD-3-Clause
/*
 * The policy's data: the key table and the value names the parser reads
 * and `policy show` prints, and the life cycle of the parsed structures.
 * Both the parser and the loader build on this file; neither depends on
 * the other's internals, and nothing here prints.
 */
#include <stdlib.h>
#include <string.h>

#include "policy_internal.h"

#define KEY_INFO(id, sec, name, app_name, type, def, min, max, help)          \
	[KEY_##id] = { sec, name, app_name, type, def, min, max, help },
const struct key_info policy_key_info[KEY_COUNT] = { POLICY_KEYS(KEY_INFO) };
#undef KEY_INFO

const char *const policy_mode_names[2] = { "all", "listed" };
const char *const policy_unsup_names[4] = { "tcp", "ignore", "fail",
						"auto" };
const char *const policy_log_names[4] = { "error", "warn", "info", "debug" };

int policy_name_index(const char *value, const char *const *names,
		      size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(value, names[i]) == 0)
			return (int)i;
	return -1;
}

bool policy_program_name_ok(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

bool policy_grow(void **items, size_t *cap, size_t count, size_t size)
{
	size_t new_cap;
	void *p;

	if (count < *cap)
		return true;
	new_cap = *cap ? *cap * 2 : 4;
	p = realloc(*items, new_cap * size);
	if (!p)
		return false;
	*items = p;
	*cap = new_cap;
	return true;
}

void policy_settings_init_defaults(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < KEY_COUNT; i++)
		s->key[i].value = policy_key_info[i].def;
}

void policy_settings_release(struct settings *s)
{
	for (int i = 0; i < KEY_COUNT; i++)
		free(s->key[i].list.items);
	free(s->opts);
	memset(s, 0, sizeof(*s));
}

void policy_free(struct policy *policy)
{
	if (!policy)
		return;
	policy_settings_release(&policy->global);
	for (size_t i = 0; i < policy->n_apps; i++) {
		free(policy->apps[i].name);
		policy_settings_release(&policy->apps[i].s);
	}
	free(policy->apps);
	name_index_release(&policy->app_index);
	for (size_t i = 0; i < policy->n_files; i++)
		free(policy->files[i]);
	free(policy->files);
	free(policy->sources);
	free(policy);
}
