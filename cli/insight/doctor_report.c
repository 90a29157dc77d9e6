// SPDX-License-Identifier: BSD-3-Clause
/* doctor's report lines (doctor_report.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "doctor_report.h"

struct check *doctor_add(struct report *r, const char *id, enum status st,
			 const char *fmt, ...)
{
	static struct check overflow;
	struct check *c = r->n < MAX_CHECKS ? &r->c[r->n++] : &overflow;
	va_list ap;

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->status = st;
	va_start(ap, fmt);
	vsnprintf(c->message, sizeof(c->message), fmt, ap);
	va_end(ap);
	return c;
}

void doctor_fix(struct check *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->fix, sizeof(c->fix), fmt, ap);
	va_end(ap);
}
