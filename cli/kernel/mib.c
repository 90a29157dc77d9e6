// SPDX-License-Identifier: BSD-3-Clause
/* MPTcpExt parsing: the header line names the columns of the value line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mib.h"

#define MIB_PREFIX "MPTcpExt:"

/* Splits the next space-separated token off *cursor. */
static char *next_token(char **cursor)
{
	char *s = *cursor, *start;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return NULL;
	start = s;
	while (*s && *s != ' ' && *s != '\t' && *s != '\n')
		s++;
	if (*s)
		*s++ = '\0';
	*cursor = s;
	return start;
}

static int parse_names(char *line, struct mib_set *set)
{
	char *cursor = line + strlen(MIB_PREFIX), *tok;
	size_t cap = 0;

	while ((tok = next_token(&cursor))) {
		if (set->n == cap) {
			size_t ncap = cap ? cap * 2 : 96;
			struct mib_counter *nv;

			nv = realloc(set->v, ncap * sizeof(*nv));
			if (!nv)
				return -1;
			set->v = nv;
			cap = ncap;
		}
		if (strlen(tok) >= MIB_NAME_MAX) {
			errno = EBADMSG;
			return -1;
		}
		strcpy(set->v[set->n].name, tok);
		set->v[set->n].value = 0;
		set->n++;
	}
	return 0;
}

static int parse_values(char *line, struct mib_set *set)
{
	char *cursor = line + strlen(MIB_PREFIX), *tok, *end;
	size_t i = 0;

	while ((tok = next_token(&cursor))) {
		if (i == set->n)
			goto bad;
		errno = 0;
		set->v[i].value = strtoull(tok, &end, 10);
		if (*end || errno || *tok == '-')
			goto bad;
		i++;
	}
	if (i == set->n)
		return 0;
bad:
	errno = EBADMSG;
	return -1;
}

int mib_parse(FILE *fp, struct mib_set *set)
{
	char *line = NULL;
	size_t cap = 0;
	bool have_names = false;
	int rc = 1;

	set->v = NULL;
	set->n = 0;
	while (getline(&line, &cap, fp) > 0) {
		if (strncmp(line, MIB_PREFIX, strlen(MIB_PREFIX)) != 0)
			continue;
		if (!have_names) {
			if (parse_names(line, set) < 0) {
				rc = -1;
				break;
			}
			have_names = true;
			continue;
		}
		rc = parse_values(line, set) < 0 ? -1 : 0;
		break;
	}
	if (have_names && rc == 1) {
		/* A header without its value line. */
		errno = EBADMSG;
		rc = -1;
	}
	free(line);
	if (rc != 0) {
		int saved = errno;

		mib_free(set);
		errno = saved;
	}
	return rc;
}

int mib_read(const char *path, struct mib_set *set)
{
	FILE *fp = fopen(path, "re");
	int rc, saved;

	set->v = NULL;
	set->n = 0;
	if (!fp)
		return -1;
	rc = mib_parse(fp, set);
	saved = errno;
	fclose(fp);
	errno = saved;
	return rc;
}

void mib_free(struct mib_set *set)
{
	free(set->v);
	set->v = NULL;
	set->n = 0;
}

const struct mib_counter *mib_find(const struct mib_set *set,
				   const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->v[i].name, name) == 0)
			return &set->v[i];
	return NULL;
}

unsigned long long mib_value(const struct mib_set *set, const char *name)
{
	const struct mib_counter *c = mib_find(set, name);

	return c ? c->value : 0;
}

bool mib_is_gauge(const char *name)
{
	return strcmp(name, "MPCurrEstab") == 0;
}

int mib_delta(const struct mib_set *before, const struct mib_set *after,
	      struct mib_set *delta)
{
	delta->n = 0;
	delta->v = calloc(after->n ? after->n : 1, sizeof(*delta->v));
	if (!delta->v)
		return -1;
	for (size_t i = 0; i < after->n; i++) {
		const struct mib_counter *old = mib_find(before,
							  after->v[i].name);
		struct mib_counter *d = &delta->v[delta->n++];

		*d = after->v[i];
		if (old && !mib_is_gauge(d->name) && old->value <= d->value)
			d->value -= old->value;
	}
	return 0;
}
