/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Growable strings, string vectors and arrays for the CLI, so that each
 * command builds text and lists one way instead of its own realloc loop.
 */
#ifndef MPTCPSHIM_STRBUF_H
#define MPTCPSHIM_STRBUF_H

#include <stddef.h>

/* A NUL-terminated string being built; { 0 } is the empty buffer (s NULL). */
struct strbuf {
	char *s;
	size_t len, cap;
};

/* Appends n bytes of p (which may hold NULs). Returns 0, or -1 (ENOMEM). */
int strbuf_add(struct strbuf *b, const char *p, size_t n);

int strbuf_addc(struct strbuf *b, char c);

int strbuf_adds(struct strbuf *b, const char *s);

/* Appends printf-formatted text. Returns 0, or -1. */
int strbuf_addf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Frees the text and empties the buffer. */
void strbuf_release(struct strbuf *b);

/*
 * Appends item (owned by the vector from then on) to *v of *n entries and
 * room for *cap. A NULL item (a failed strdup) or a failed growth frees
 * item and returns -1; otherwise 0.
 */
int strv_push(char ***v, size_t *n, size_t *cap, char *item);

/* Frees n entries and the vector. */
void strv_free(char **v, size_t n);

/*
 * Appends one zeroed element of size bytes to the array *(T **)array of
 * *n elements and returns it; NULL (ENOMEM) leaves both as they were.
 * One realloc per element: for the short lists (processes, interfaces,
 * addresses) a command gathers.
 */
void *array_push(void *array, size_t *n, size_t size);

#endif
