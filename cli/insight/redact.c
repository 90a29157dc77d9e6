// SPDX-License-Identifier: BSD-3-Clause
/*
 * Finding addresses in free text: a run of the characters an address is
 * made of, not glued to a word, that inet_pton() accepts (for IPv6 also
 * without a trailing ":port"). Anything inet_pton() refuses (times, MAC
 * addresses, versions with fewer than four parts) is left alone.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"

static bool address_char(char c)
{
	return isxdigit((unsigned char)c) || c == ':' || c == '.';
}

static bool kept(int family, const unsigned char *raw)
{
	static const unsigned char zero[16], loop6[16] = { [15] = 1 };

	if (family == AF_INET)
		return raw[0] == 127 || memcmp(raw, zero, 4) == 0;
	return memcmp(raw, zero, 16) == 0 || memcmp(raw, loop6, 16) == 0;
}

/* The pseudonym of the address, added on first sight; -1: no memory. */
static int pseudonym(struct redact *r, int family, const unsigned char *raw,
		     char *name, size_t len)
{
	size_t alen = family == AF_INET ? 4 : 16, i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].family == family &&
		    memcmp(r->v[i].raw, raw, alen) == 0)
			break;
	if (i == r->n) {
		if (r->n == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 16;
			struct redact_entry *v = realloc(r->v, cap * sizeof(*v));
			unsigned *idx;

			if (!v)
				return -1;
			r->v = v;
			idx = realloc(r->index, cap * sizeof(*idx));
			if (!idx)
				return -1;
			r->index = idx;
			r->cap = cap;
		}
		memset(&r->v[i], 0, sizeof(r->v[i]));
		r->v[i].family = family;
		memcpy(r->v[i].raw, raw, alen);
		r->index[i] = (unsigned)(family == AF_INET ? ++r->nv4 : ++r->nv6);
		r->n++;
	}
	snprintf(name, len, "%s-%u", family == AF_INET ? "ipv4" : "ipv6",
		 r->index[i]);
	return 0;
}

/* How many bytes of s[0..run) are an address (0: none), its family and
 * bytes. */
static size_t match(const char *s, size_t run, int *family,
		    unsigned char *raw)
{
	char tok[64];

	if (run >= sizeof(tok))
		return 0;
	memcpy(tok, s, run);
	tok[run] = '\0';
	/* A sentence's full stop is not part of the address. */
	while (run && tok[run - 1] == '.')
		tok[--run] = '\0';
	if (!strchr(tok, ':')) {
		*family = AF_INET;
		return inet_pton(AF_INET, tok, raw) == 1 ? run : 0;
	}
	*family = AF_INET6;
	if (inet_pton(AF_INET6, tok, raw) == 1)
		return run;
	/* ADDRESS:PORT, as some tools print IPv6 without brackets, and
	 * IPv4 with its port. */
	for (char *colon = strrchr(tok, ':'); colon; colon = NULL) {
		*colon = '\0';
		if (inet_pton(AF_INET6, tok, raw) == 1)
			return (size_t)(colon - tok);
		*family = AF_INET;
		if (!strchr(tok, ':') && inet_pton(AF_INET, tok, raw) == 1)
			return (size_t)(colon - tok);
	}
	return 0;
}

char *redact_text(struct redact *r, const char *in, size_t len,
		  size_t *out_len)
{
	char *out = NULL;
	size_t cap = 0;
	FILE *fp = open_memstream(&out, &cap);
	size_t i = 0;

	if (!fp)
		return NULL;
	while (i < len) {
		size_t run = 0, used;
		unsigned char raw[16];
		char name[32];
		int family;

		if (address_char(in[i]) &&
		    (i == 0 || !(isalnum((unsigned char)in[i - 1]) ||
				 in[i - 1] == '.' || in[i - 1] == ':' ||
				 in[i - 1] == '_' || in[i - 1] == '-'))) {
			while (i + run < len && address_char(in[i + run]))
				run++;
			/* Glued to a word (abc123, 1.2.3.4x): not one. */
			if (i + run < len &&
			    (isalpha((unsigned char)in[i + run]) ||
			     in[i + run] == '_'))
				run = 0;
		}
		used = run ? match(in + i, run, &family, raw) : 0;
		if (used && !kept(family, raw)) {
			if (pseudonym(r, family, raw, name, sizeof(name)) < 0) {
				fclose(fp);
				free(out);
				return NULL;
			}
			fputs(name, fp);
			i += used;
		} else if (run) {
			fwrite(in + i, 1, run, fp);
			i += run;
		} else {
			fputc(in[i], fp);
			i++;
		}
	}
	if (fclose(fp) != 0) {
		free(out);
		return NULL;
	}
	*out_len = cap;
	return out;
}

void redact_free(struct redact *r)
{
	free(r->v);
	free(r->index);
	memset(r, 0, sizeof(*r));
}
