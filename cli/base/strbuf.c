// SPDX-License-Identifier: BSD-3-Clause
/* Growable strings, string vectors and arrays (see strbuf.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

int strbuf_add(struct strbuf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t ncap = (b->len + n + 1) * 2;
		char *ns = realloc(b->s, ncap);

		if (!ns)
			return -1;
		b->s = ns;
		b->cap = ncap;
	}
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int strbuf_addc(struct strbuf *b, char c)
{
	return strbuf_add(b, &c, 1);
}

int strbuf_adds(struct strbuf *b, const char *s)
{
	return strbuf_add(b, s, strlen(s));
}

int strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n, rc;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	rc = strbuf_add(b, text, (size_t)n);
	free(text);
	return rc;
}

void strbuf_release(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

int strv_push(char ***v, size_t *n, size_t *cap, char *item)
{
	if (!item)
		return -1;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		char **nv = realloc(*v, ncap * sizeof(*nv));

		if (!nv) {
			free(item);
			return -1;
		}
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = item;
	return 0;
}

void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void *array_push(void *array, size_t *n, size_t size)
{
	unsigned char *v;

	/* array points to the caller's T *: copied, not cast, to read it. */
	memcpy(&v, array, sizeof(v));
	if (*n + 1 > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	v = realloc(v, (*n + 1) * size);
	if (!v)
		return NULL;
	memcpy(array, &v, sizeof(v));
	memset(v + *n * size, 0, size);
	return v + (*n)++ * size;
}
