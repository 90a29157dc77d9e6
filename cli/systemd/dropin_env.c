// SPDX-License-Identifier: BSD-3-Clause
/*
 * The Environment= lexer: words, quoting and C escapes as systemd reads
 * them, so that the drop-in we write adds to a unit's LD_PRELOAD/GODEBUG
 * instead of silently replacing them (what mptcpd's mptcpize gets wrong).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dropin.h"
#include "strbuf.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int add_utf8(struct strbuf *b, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return strbuf_add(b, u, n);
}

/*
 * One C escape after a backslash (systemd's cunescape_one). Advances *p
 * past it; returns -1 for an escape systemd rejects (NUL included).
 */
static int unescape_one(const char **p, struct strbuf *b)
{
	static const char simple_in[] = "abfnrtv\\\"'s";
	static const char simple_out[] = "\a\b\f\n\r\t\v\\\"' ";
	const char *s = *p, *hit;
	uint32_t cp = 0;
	int digits, base;

	if (*s && (hit = strchr(simple_in, *s))) {
		*p = s + 1;
		return strbuf_addc(b, simple_out[hit - simple_in]);
	}
	if (*s == 'x') {
		int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);

		if (lo < 0 || (hi == 0 && lo == 0))
			return -1;
		*p = s + 3;
		return strbuf_addc(b, (char)(hi << 4 | lo));
	}
	if (*s == 'u' || *s == 'U') {
		digits = *s == 'u' ? 4 : 8;
		base = 16;
		s++;
	} else if (*s >= '0' && *s <= '7') {
		digits = 3;
		base = 8;
	} else {
		return -1;
	}
	for (int i = 0; i < digits; i++) {
		int v = hexval(s[i]);

		if (v < 0 || v >= base)
			return -1;
		cp = cp * (uint32_t)base + (uint32_t)v;
	}
	if (cp == 0 || cp > 0x10ffff || (base == 8 && cp > 0xff))
		return -1;
	*p = s + digits;
	if (base == 8)
		return strbuf_addc(b, (char)cp);
	return add_utf8(b, cp);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The next word of an Environment= value (extract_first_word with
 * EXTRACT_CUNESCAPE|EXTRACT_UNQUOTE). Returns 1 with *word set, 0 at the
 * end, -1 on a syntax error, -2 when out of memory.
 */
static int next_word(const char **p, char **word)
{
	const char *s = *p;
	struct strbuf b = { 0 };
	char quote = 0;

	while (is_space(*s))
		s++;
	if (!*s) {
		*p = s;
		return 0;
	}
	if (strbuf_add(&b, "", 0) < 0)
		return -2;
	for (;;) {
		char c = *s;

		if (c == '\0') {
			if (quote)
				goto syntax;
			break;
		}
		if (!quote && is_space(c))
			break;
		s++;
		if (c == '\\') {
			int r = unescape_one(&s, &b);

			if (r < 0)
				goto syntax;
			continue;
		}
		if (quote && c == quote) {
			quote = 0;
			continue;
		}
		if (!quote && (c == '\'' || c == '"')) {
			quote = c;
			continue;
		}
		if (strbuf_addc(&b, c) < 0) {
			free(b.s);
			return -2;
		}
	}
	*p = s;
	*word = b.s;
	return 1;
syntax:
	free(b.s);
	return -1;
}

static int valid_assignment(const char *a)
{
	const char *eq = strchr(a, '=');

	if (!eq || eq == a || (*a >= '0' && *a <= '9'))
		return 0;
	for (const char *p = a; p < eq; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

static int env_replace(struct dropin_env *env, char *assignment)
{
	size_t name_len = (size_t)(strchr(assignment, '=') - assignment) + 1;

	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->items[i], assignment, name_len) == 0) {
			free(env->items[i]);
			env->items[i] = assignment;
			return 0;
		}
	return strv_push(&env->items, &env->n, &env->cap, assignment);
}

int dropin_env_apply(struct dropin_env *env, const char *rvalue)
{
	const char *p = rvalue;
	int status = 0;

	while (is_space(*p))
		p++;
	if (!*p) {
		strv_free(env->items, env->n);
		memset(env, 0, sizeof(*env));
		return 0;
	}
	for (;;) {
		char *word = NULL;
		int r = next_word(&p, &word);

		if (r == 0)
			return status;
		if (r == -2)
			return -1;
		if (r < 0)
			return -1;
		if (!valid_assignment(word)) {
			free(word);
			status = -1;
			continue;
		}
		if (env_replace(env, word) < 0)
			return -1;
	}
}

const char *dropin_env_get(const struct dropin_env *env, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->items[i], name, len) == 0 &&
		    env->items[i][len] == '=')
			return env->items[i] + len + 1;
	return NULL;
}

void dropin_env_free(struct dropin_env *env)
{
	strv_free(env->items, env->n);
	memset(env, 0, sizeof(*env));
}

char *dropin_quote(const char *a)
{
	struct strbuf b = { 0 };
	int bare = *a != '\0';

	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("\"'\\", *p))
			bare = 0;
	if (bare)
		return strdup(a);
	if (strbuf_addc(&b, '"') < 0)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++) {
		char esc[5];
		int r;

		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			r = strbuf_add(&b, esc, 2);
		} else if (*p < ' ' || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
			r = strbuf_add(&b, esc, 4);
		} else {
			r = strbuf_addc(&b, (char)*p);
		}
		if (r < 0) {
			free(b.s);
			return NULL;
		}
	}
	if (strbuf_addc(&b, '"') < 0) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

char *dropin_escape_specifiers(const char *text)
{
	struct strbuf b = { 0 };

	if (strbuf_add(&b, "", 0) < 0)
		return NULL;
	for (const char *p = text; *p; p++)
		if ((*p == '%' && strbuf_addc(&b, '%') < 0) ||
		    strbuf_addc(&b, *p) < 0) {
			free(b.s);
			return NULL;
		}
	return b.s;
}
