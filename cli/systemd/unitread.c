// SPDX-License-Identifier: BSD-3-Clause
/*
 * Reading a unit's files as systemd does (sections, continuation lines,
 * comments) for what their [Service] sections add up to.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dropin.h"
#include "strbuf.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char *trim(char *s)
{
	char *e;

	while (is_space(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_space(e[-1]))
		*--e = '\0';
	return s;
}

static void note_setter(char **slot, const char *file)
{
	char *copy = strdup(file);

	if (copy) {
		free(*slot);
		*slot = copy;
	}
}

/* Applies one key of a [Service] section. */
static int service_key(struct dropin_service *svc, const char *file,
		       unsigned line, const char *key, const char *value,
		       dropin_warn_fn warn, void *ctx)
{
	struct dropin_env scratch = { 0 };

	if (strcmp(key, "EnvironmentFile") == 0) {
		if (*value)
			svc->environment_file = true;
		return 0;
	}
	if (strcmp(key, "Environment") != 0)
		return 0;
	/* Which names this line assigns (or clears), for the warnings about
	 * a later file overriding ours. */
	if (dropin_env_apply(&scratch, value) < 0 && warn)
		warn(ctx, file, line,
		     "Environment= has invalid syntax; systemd ignores (part "
		     "of) it");
	if (!*value || dropin_env_get(&scratch, "LD_PRELOAD"))
		note_setter(&svc->preload_set_by, file);
	if (!*value || dropin_env_get(&scratch, "GODEBUG"))
		note_setter(&svc->godebug_set_by, file);
	dropin_env_free(&scratch);
	errno = 0;
	if (dropin_env_apply(&svc->env, value) < 0 && errno == ENOMEM)
		return -1;
	return 0;
}

FILE *dropin_open_regular(const char *path)
{
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

/* systemd's LONG_LINE_MAX: a longer line fails the unit's parse. */
#define UNIT_LINE_MAX (1u << 20)

/*
 * getline() that stops past UNIT_LINE_MAX bytes (-2): a hostile file (one
 * 4 GiB line of NULs) must not make enable, status or disable read it all
 * into memory. -1 at the end of the file.
 */
static ssize_t read_line(FILE *f, char **line, size_t *cap)
{
	size_t len = 0;
	int c = EOF;

	/* Byte by byte, NULs counted: a line's length is what was read. */
	while ((c = getc_unlocked(f)) != EOF) {
		if (len + 2 > *cap) {
			size_t ncap = *cap ? *cap * 2 : 256;
			char *nl = realloc(*line, ncap);

			if (!nl)
				return -1;
			*line = nl;
			*cap = ncap;
		}
		(*line)[len++] = (char)c;
		if (c == '\n')
			break;
		if (len > UNIT_LINE_MAX)
			return -2;
	}
	if (len == 0)
		return -1;
	(*line)[len] = '\0';
	return (ssize_t)len;
}

static int read_one(const char *path, struct dropin_service *svc,
		    dropin_warn_fn warn, void *ctx)
{
	FILE *f = dropin_open_regular(path);
	struct strbuf cont = { 0 };
	bool in_service = false;
	unsigned lineno = 0, start = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (!f) {
		if (warn)
			warn(ctx, path, 0, strerror(errno));
		return 0;
	}
	while ((len = read_line(f, &line, &cap)) != -1) {
		char *l, *eq;

		lineno++;
		if (len == -2) {
			/* systemd fails to load such a unit: nothing of this
			 * file counts. */
			if (warn)
				warn(ctx, path, lineno,
				     "line longer than systemd reads (1 MiB); "
				     "the rest of the file is ignored");
			break;
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		l = line;
		if (cont.s) {
			/* Comments inside a continued line are skipped. */
			char *t = trim(l);

			if (*t == '#' || *t == ';')
				continue;
		} else {
			l = trim(l);
			if (!*l || *l == '#' || *l == ';')
				continue;
			start = lineno;
		}
		len = (ssize_t)strlen(l);
		if (len && l[len - 1] == '\\') {
			l[len - 1] = ' ';
			if (strbuf_add(&cont, l, (size_t)len) < 0)
				goto oom;
			continue;
		}
		if (cont.s) {
			if (strbuf_add(&cont, l, (size_t)len) < 0)
				goto oom;
			l = trim(cont.s);
		}
		if (*l == '[') {
			in_service = strcmp(l, "[Service]") == 0;
		} else if (in_service && (eq = strchr(l, '='))) {
			*eq = '\0';
			if (service_key(svc, path, start, trim(l),
					trim(eq + 1), warn, ctx) < 0)
				goto oom;
		}
		free(cont.s);
		memset(&cont, 0, sizeof(cont));
	}
	free(cont.s);
	free(line);
	fclose(f);
	return 0;
oom:
	free(cont.s);
	free(line);
	fclose(f);
	return -1;
}

int dropin_read_service(const struct dropin_files *files, const char *skip,
			struct dropin_service *out, dropin_warn_fn warn,
			void *ctx)
{
	memset(out, 0, sizeof(*out));
	if (files->fragment && read_one(files->fragment, out, warn, ctx) < 0)
		return -1;
	for (size_t i = 0; i < files->n; i++) {
		if (skip && strcmp(files->dropins[i], skip) == 0)
			continue;
		if (read_one(files->dropins[i], out, warn, ctx) < 0)
			return -1;
	}
	return 0;
}

void dropin_service_free(struct dropin_service *svc)
{
	dropin_env_free(&svc->env);
	free(svc->preload_set_by);
	free(svc->godebug_set_by);
	memset(svc, 0, sizeof(*svc));
}

char *dropin_read_text(const char *path)
{
	FILE *f = dropin_open_regular(path);

	return f ? dropin_read_stream(f) : NULL;
}

char *dropin_read_stream(FILE *f)
{
	struct strbuf b = { 0 };
	char chunk[4096];
	size_t n;

	if (strbuf_add(&b, "", 0) < 0)
		goto fail;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		/* Unit files are small; a huge one is not ours. */
		if (b.len + n > (1u << 20)) {
			errno = EFBIG;
			goto fail;
		}
		if (strbuf_add(&b, chunk, n) < 0)
			goto fail;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	return b.s;
fail:
	free(b.s);
	fclose(f);
	return NULL;
}
