// SPDX-License-Identifier: BSD-3-Clause
/*
 * Unit name validation. The name becomes part of a path we create and
 * remove, so anything systemd itself would refuse is refused here too.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "unitname.h"

static const char *const unit_types[] = {
	"service", "socket", "target", "device", "mount", "automount",
	"swap", "timer", "path", "slice", "scope",
};

static bool known_type(const char *suffix)
{
	for (size_t i = 0; i < sizeof(unit_types) / sizeof(unit_types[0]); i++)
		if (strcmp(suffix, unit_types[i]) == 0)
			return true;
	return false;
}

/* systemd's VALID_CHARS plus '@' (the instance separator). */
static bool valid_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr(":-_.\\@", c);
}

static int fail(const char **why, const char *reason)
{
	*why = reason;
	return -1;
}

int unitname_parse(const char *in, struct unitname *out, const char **why)
{
	const char *dot, *at;
	size_t len = strlen(in);

	if (len == 0)
		return fail(why, "the unit name is empty");
	if (strchr(in, '/'))
		return fail(why, "a unit name has no '/' (give the name, not "
				 "a path)");
	for (const char *p = in; *p; p++)
		if (!valid_char(*p))
			return fail(why, "a unit name has only letters, "
					 "digits and ':-_.\\@'");
	if (in[0] == '.')
		return fail(why, "a unit name does not start with '.'");

	dot = strrchr(in, '.');
	if (dot && known_type(dot + 1)) {
		if (len > UNITNAME_MAX)
			return fail(why, "a unit name has at most 255 "
					 "characters");
		memcpy(out->name, in, len + 1);
	} else {
		if (len + strlen(".service") > UNITNAME_MAX)
			return fail(why, "a unit name has at most 255 "
					 "characters");
		snprintf(out->name, sizeof(out->name), "%s.service", in);
	}
	if (strstr(out->name, ".."))
		return fail(why, "a unit name has no '..'");
	dot = strrchr(out->name, '.');
	snprintf(out->suffix, sizeof(out->suffix), "%s", dot + 1);
	if (dot == out->name)
		return fail(why, "the unit name has nothing before its type");

	at = strchr(out->name, '@');
	if (!at) {
		out->kind = UNITNAME_PLAIN;
		return 0;
	}
	if (at == out->name)
		return fail(why, "a template or instance name needs a prefix "
				 "before '@'");
	out->kind = at + 1 == dot ? UNITNAME_TEMPLATE : UNITNAME_INSTANCE;
	return 0;
}

int unitname_with_suffix(const struct unitname *unit, const char *suffix,
			 struct unitname *out)
{
	size_t stem = strlen(unit->name) - strlen(unit->suffix);
	int n;

	n = snprintf(out->name, sizeof(out->name), "%.*s%s", (int)stem,
		     unit->name, suffix);
	if (n < 0 || (size_t)n >= sizeof(out->name))
		return -1;
	snprintf(out->suffix, sizeof(out->suffix), "%s", suffix);
	out->kind = unit->kind;
	return 0;
}

int unitname_template(const struct unitname *unit, struct unitname *out)
{
	const char *at = strchr(unit->name, '@');

	if (unit->kind != UNITNAME_INSTANCE || !at)
		return -1;
	snprintf(out->name, sizeof(out->name), "%.*s.%s",
		 (int)(at - unit->name + 1), unit->name, unit->suffix);
	memcpy(out->suffix, unit->suffix, sizeof(out->suffix));
	out->kind = UNITNAME_TEMPLATE;
	return 0;
}
