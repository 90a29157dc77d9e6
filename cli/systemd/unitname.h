/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * systemd unit names, checked the way systemd checks them before one is
 * turned into a directory name under /etc/systemd/system.
 */
#ifndef MPTCPSHIM_UNITNAME_H
#define MPTCPSHIM_UNITNAME_H

#include <stddef.h>

/* systemd's UNIT_NAME_MAX is 256 including the terminating NUL. */
#define UNITNAME_MAX 255

enum unitname_kind {
	UNITNAME_PLAIN,		/* foo.service */
	UNITNAME_TEMPLATE,	/* foo@.service */
	UNITNAME_INSTANCE,	/* foo@bar.service */
};

struct unitname {
	char name[UNITNAME_MAX + 1];	/* with its suffix */
	char suffix[16];		/* the type: "service", "socket", ... */
	enum unitname_kind kind;
};

/*
 * Validates in and fills out, appending ".service" when in has no unit
 * type suffix (as systemctl does). Returns 0, or -1 with *why set to a
 * static explanation.
 */
int unitname_parse(const char *in, struct unitname *out, const char **why);

/*
 * The unit with the same prefix and another type (foo@.service ->
 * foo@.socket; an instance keeps its instance). Returns 0, or -1 if it
 * would be too long.
 */
int unitname_with_suffix(const struct unitname *unit, const char *suffix,
			 struct unitname *out);

/*
 * The template an instance is made from (foo@bar.service ->
 * foo@.service), or -1 when unit is not an instance.
 */
int unitname_template(const struct unitname *unit, struct unitname *out);

#endif
