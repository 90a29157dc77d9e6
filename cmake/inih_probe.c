/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Run at configure time, linked with the inih the build uses: prints, as
 * CMake definitions, what this inih does where its releases differ and the
 * policy line reader (shim/policy/ini_lines.h) must follow. Exits 1 on a
 * behaviour that is neither the old nor the new one.
 */
#include <stdio.h>
#include <string.h>

#include <ini.h>

struct probe {
	int calls;
	char second[64];	/* the value of the second handler call */
};

static int on_pair(void *user, const char *section, const char *name,
		   const char *value)
{
	struct probe *p = user;

	(void)section;
	(void)name;
	if (p->calls++ == 1)
		snprintf(p->second, sizeof(p->second), "%s", value);
	return 1;
}

int main(void)
{
	char text[INI_MAX_LINE + 64];
	struct probe p = { 0 };
	int rc, strips, discards;

	/* r56 (bd798c5) strips " ; comment" off continuation lines too. */
	rc = ini_parse_string("[s]\nk = a\n  b ; c\n", on_pair, &p);
	if (rc != 0 || p.calls != 2)
		return 1;
	strips = strcmp(p.second, "b") == 0;
	if (!strips && strcmp(p.second, "b ; c") != 0)
		return 1;

	/* An overlong line 1: r59 (23acf2d) reads its rest away and reports
	 * line 1; older releases parse the rest as line 2 (no '=' there). */
	memset(&p, 0, sizeof(p));
	strcpy(text, "k = ");
	memset(text + 4, 'v', INI_MAX_LINE);
	strcpy(text + 4 + INI_MAX_LINE, "\n");
	rc = ini_parse_string(text, on_pair, &p);
	if (rc != 1 && rc != 2)
		return 1;
	discards = rc == 1;

	printf("MPTCPSHIM_INIH_STRIPS_CONTINUATION_COMMENTS=%d;"
	       "MPTCPSHIM_INIH_DISCARDS_LONG_LINE_REST=%d",
	       strips, discards);
	return 0;
}
