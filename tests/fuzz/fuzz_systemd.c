// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target: the systemd Environment= lexer and the unit-name
 * validator. Whatever the lexer accepts must survive quoting: each parsed
 * assignment, quoted as `enable` writes it, lexes back to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dropin.h"
#include "unitname.h"

static void roundtrip(const char *item)
{
	struct dropin_env back = { 0 };
	char *quoted = dropin_quote(item);

	if (!quoted)
		return;
	if (dropin_env_apply(&back, quoted) != 0 || back.n != 1 ||
	    strcmp(back.items[0], item) != 0)
		__builtin_trap();
	dropin_env_free(&back);
	free(quoted);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dropin_env env = { 0 };
	struct unitname unit, tmpl;
	const char *why;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	dropin_env_apply(&env, text);
	for (size_t i = 0; i < env.n; i++)
		roundtrip(env.items[i]);
	dropin_env_free(&env);
	if (unitname_parse(text, &unit, &why) == 0)
		unitname_template(&unit, &tmpl);
	free(text);
	return 0;
}
