// SPDX-License-Identifier: BSD-3-Clause
/*
 * Unit files, drop-ins and Environment= as systemd reads them, so that the
 * drop-in we write adds to a unit's LD_PRELOAD/GODEBUG instead of
 * silently replacing them (what mptcpd's mptcpize gets wrong).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dropin.h"

void dropin_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int strv_push(char ***v, size_t *n, size_t *cap, char *item)
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

/* ---- Environment= words ---------------------------------------------- */

struct buf {
	char *s;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t ncap = (b->len + n + 1) * 2;
		char *ns = realloc(b->s, ncap);

		if (!ns)
			return -1;
		b->s = ns;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

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

static int add_utf8(struct buf *b, uint32_t cp)
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
	return buf_add(b, u, n);
}

/*
 * One C escape after a backslash (systemd's cunescape_one). Advances *p
 * past it; returns -1 for an escape systemd rejects (NUL included).
 */
static int unescape_one(const char **p, struct buf *b)
{
	static const char simple_in[] = "abfnrtv\\\"'s";
	static const char simple_out[] = "\a\b\f\n\r\t\v\\\"' ";
	const char *s = *p, *hit;
	uint32_t cp = 0;
	int digits, base;

	if (*s && (hit = strchr(simple_in, *s))) {
		*p = s + 1;
		return buf_addc(b, simple_out[hit - simple_in]);
	}
	if (*s == 'x') {
		int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);

		if (lo < 0 || (hi == 0 && lo == 0))
			return -1;
		*p = s + 3;
		return buf_addc(b, (char)(hi << 4 | lo));
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
		return buf_addc(b, (char)cp);
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
	struct buf b = { 0 };
	char quote = 0;

	while (is_space(*s))
		s++;
	if (!*s) {
		*p = s;
		return 0;
	}
	if (buf_add(&b, "", 0) < 0)
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
		if (buf_addc(&b, c) < 0) {
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
		dropin_strv_free(env->items, env->n);
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
	dropin_strv_free(env->items, env->n);
	memset(env, 0, sizeof(*env));
}

char *dropin_quote(const char *a)
{
	struct buf b = { 0 };
	int bare = *a != '\0';

	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("\"'\\", *p))
			bare = 0;
	if (bare)
		return strdup(a);
	if (buf_addc(&b, '"') < 0)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++) {
		char esc[5];
		int r;

		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			r = buf_add(&b, esc, 2);
		} else if (*p < ' ' || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
			r = buf_add(&b, esc, 4);
		} else {
			r = buf_addc(&b, (char)*p);
		}
		if (r < 0) {
			free(b.s);
			return NULL;
		}
	}
	if (buf_addc(&b, '"') < 0) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

char *dropin_escape_specifiers(const char *text)
{
	struct buf b = { 0 };

	if (buf_add(&b, "", 0) < 0)
		return NULL;
	for (const char *p = text; *p; p++)
		if ((*p == '%' && buf_addc(&b, '%') < 0) ||
		    buf_addc(&b, *p) < 0) {
			free(b.s);
			return NULL;
		}
	return b.s;
}

/* ---- finding a unit's files ------------------------------------------ */

/* systemd's own order (systemd.unit(5)), generators and portables included. */
static const char *const system_dirs[] = {
	"/etc/systemd/system.control", "/run/systemd/system.control",
	"/run/systemd/transient", "/run/systemd/generator.early",
	"/etc/systemd/system", "/etc/systemd/system.attached",
	"/run/systemd/system", "/run/systemd/system.attached",
	"/run/systemd/generator", "/usr/local/lib/systemd/system",
	"/usr/lib/systemd/system", "/lib/systemd/system",
	"/run/systemd/generator.late",
};

static const char *const user_dirs[] = {
	"/etc/systemd/user", "/run/systemd/user",
	"/usr/local/lib/systemd/user", "/usr/lib/systemd/user",
	"/lib/systemd/user",
};

/* The search path, most important first, each below the root. */
static int search_path(const struct dropin_paths *paths, char ***dirs,
		       size_t *n)
{
	size_t cap = 0;

	*dirs = NULL;
	*n = 0;
	if (paths->scope == DROPIN_SYSTEM) {
		size_t n_system = sizeof(system_dirs) / sizeof(*system_dirs);

		for (size_t i = 0; i < n_system; i++) {
			char *d;
			int r = asprintf(&d, "%s%s", paths->root,
					 system_dirs[i]);

			if (strv_push(dirs, n, &cap, r < 0 ? NULL : d) < 0)
				return -1;
		}
		return 0;
	}
	for (size_t i = 0; i < sizeof(user_dirs) / sizeof(*user_dirs) + 2;
	     i++) {
		char *d;
		int r;

		if (i == 0)
			r = asprintf(&d, "%s%s/systemd/user", paths->root,
				     paths->config_home);
		else if (i == 1)
			r = asprintf(&d, "%s%s/systemd/user", paths->root,
				     paths->data_home);
		else
			r = asprintf(&d, "%s%s", paths->root,
				     user_dirs[i - 2]);
		if (strv_push(dirs, n, &cap, r < 0 ? NULL : d) < 0)
			return -1;
	}
	/* The user's data dir ranks below /etc and /run, above /usr. */
	if (*n >= 4) {
		char *data = (*dirs)[1];

		(*dirs)[1] = (*dirs)[2];
		(*dirs)[2] = (*dirs)[3];
		(*dirs)[3] = data;
	}
	return 0;
}

static int links_to_dev_null(const char *path)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	if (n < 0)
		return 0;
	target[n] = '\0';
	return strcmp(target, "/dev/null") == 0;
}

struct found {
	char *name;	/* file name, the sort and masking key */
	char *path;	/* NULL: masked by a link to /dev/null */
};

static int found_cmp(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->name,
		      ((const struct found *)b)->name);
}

static int add_dropins_from(const char *dir, struct found **list, size_t *n,
			    size_t *cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		struct found f;
		bool seen = false;

		if (len < 6 || strcmp(e->d_name + len - 5, ".conf") != 0 ||
		    e->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < *n; i++)
			if (strcmp((*list)[i].name, e->d_name) == 0)
				seen = true;
		if (seen)
			continue;
		f.name = strdup(e->d_name);
		if (asprintf(&f.path, "%s/%s", dir, e->d_name) < 0)
			f.path = NULL;
		if (!f.name || !f.path) {
			free(f.name);
			free(f.path);
			rc = -1;
			break;
		}
		if (links_to_dev_null(f.path)) {
			free(f.path);
			f.path = NULL;
		}
		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 8;
			struct found *nl = realloc(*list, ncap * sizeof(*nl));

			if (!nl) {
				free(f.name);
				free(f.path);
				rc = -1;
				break;
			}
			*list = nl;
			*cap = ncap;
		}
		(*list)[(*n)++] = f;
	}
	closedir(d);
	return rc;
}

/*
 * The names whose "<name>.d" directories apply to unit, most specific
 * first: the unit, its template, "foo-bar-.service" and "foo-.service"
 * for "foo-bar-baz.service", then "service".
 */
static int dropin_dir_names(const struct unitname *unit, char ***names,
			    size_t *n)
{
	struct unitname tmpl;
	size_t cap = 0;
	size_t stem = strlen(unit->name) - strlen(unit->suffix) - 1;
	const char *at = strchr(unit->name, '@');

	*names = NULL;
	*n = 0;
	if (strv_push(names, n, &cap, strdup(unit->name)) < 0)
		return -1;
	if (unitname_template(unit, &tmpl) == 0 &&
	    strv_push(names, n, &cap, strdup(tmpl.name)) < 0)
		return -1;
	if (at)
		stem = (size_t)(at - unit->name);
	for (size_t i = stem; i > 0; i--) {
		char *name;

		/* A dash at the very end of the prefix is no level. */
		if (unit->name[i - 1] != '-' || i == stem)
			continue;
		if (asprintf(&name, "%.*s.%s", (int)i, unit->name,
			     unit->suffix) < 0)
			name = NULL;
		if (strv_push(names, n, &cap, name) < 0)
			return -1;
	}
	return strv_push(names, n, &cap, strdup(unit->suffix));
}

int dropin_find(const struct dropin_paths *paths, const struct unitname *unit,
		struct dropin_files *out)
{
	struct found *list = NULL;
	size_t n_list = 0, cap_list = 0, n_dirs = 0, n_names = 0;
	char **dirs = NULL, **names = NULL;
	struct unitname tmpl;
	bool has_tmpl = unitname_template(unit, &tmpl) == 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (search_path(paths, &dirs, &n_dirs) < 0 ||
	    dropin_dir_names(unit, &names, &n_names) < 0)
		goto done;

	/* The fragment: the first directory holding the unit (or, for an
	 * instance, its template) wins. */
	for (size_t i = 0; i < n_dirs && !out->fragment && !out->masked;
	     i++) {
		for (int t = 0; t < (has_tmpl ? 2 : 1); t++) {
			struct stat st;
			char *p;

			if (asprintf(&p, "%s/%s", dirs[i],
				     t ? tmpl.name : unit->name) < 0)
				goto done;
			if (links_to_dev_null(p)) {
				out->masked = true;
				free(p);
				break;
			}
			if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
				out->fragment = p;
				break;
			}
			free(p);
		}
	}

	for (size_t i = 0; i < n_dirs; i++)
		for (size_t j = 0; j < n_names; j++) {
			char *d;

			if (asprintf(&d, "%s/%s.d", dirs[i], names[j]) < 0)
				goto done;
			if (add_dropins_from(d, &list, &n_list, &cap_list) <
			    0) {
				free(d);
				goto done;
			}
			free(d);
		}
	if (n_list)
		qsort(list, n_list, sizeof(*list), found_cmp);
	out->dropins = calloc(n_list ? n_list : 1, sizeof(char *));
	if (!out->dropins)
		goto done;
	for (size_t i = 0; i < n_list; i++)
		if (list[i].path) {
			out->dropins[out->n++] = list[i].path;
			list[i].path = NULL;
		}
	rc = 0;
done:
	for (size_t i = 0; i < n_list; i++) {
		free(list[i].name);
		free(list[i].path);
	}
	free(list);
	dropin_strv_free(dirs, n_dirs);
	dropin_strv_free(names, n_names);
	if (rc < 0)
		dropin_files_free(out);
	return rc;
}

void dropin_files_free(struct dropin_files *files)
{
	free(files->fragment);
	dropin_strv_free(files->dropins, files->n);
	memset(files, 0, sizeof(*files));
}

/* ---- reading [Service] ----------------------------------------------- */

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

static int read_one(const char *path, struct dropin_service *svc,
		    dropin_warn_fn warn, void *ctx)
{
	FILE *f = fopen(path, "re");
	struct buf cont = { 0 };
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
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *l, *eq;

		lineno++;
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
			if (buf_add(&cont, l, (size_t)len) < 0)
				goto oom;
			continue;
		}
		if (cont.s) {
			if (buf_add(&cont, l, (size_t)len) < 0)
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

/* ---- our drop-in ------------------------------------------------------ */

static const char header[] =
	"# Written by mptcpshim enable: Multipath TCP for this unit through\n"
	"# the mptcpshim library. 'mptcpshim disable' removes this file (and\n"
	"# the directories listed below, which it created, once empty).\n";

static int add_created(struct buf *b, char *const *created, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf_add(b, "# created: ", 11) < 0 ||
		    buf_add(b, created[i], strlen(created[i])) < 0 ||
		    buf_addc(b, '\n') < 0)
			return -1;
	return 0;
}

static int add_environment(struct buf *b, const char *name,
			   const char *value)
{
	char *assignment, *quoted;
	int rc;

	if (asprintf(&assignment, "%s=%s", name, value) < 0)
		return -1;
	quoted = dropin_quote(assignment);
	free(assignment);
	if (!quoted)
		return -1;
	rc = buf_add(b, "Environment=", 12) < 0 ||
	     buf_add(b, quoted, strlen(quoted)) < 0 || buf_addc(b, '\n') < 0;
	free(quoted);
	return rc ? -1 : 0;
}

char *dropin_render_service(const char *preload, const char *godebug,
			    char *const *created, size_t n_created)
{
	struct buf b = { 0 };

	if (buf_add(&b, header, strlen(header)) < 0 ||
	    add_created(&b, created, n_created) < 0 ||
	    buf_add(&b, "\n[Service]\n", 11) < 0 ||
	    add_environment(&b, "LD_PRELOAD", preload) < 0 ||
	    add_environment(&b, "GODEBUG", godebug) < 0) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

char *dropin_render_socket(char *const *created, size_t n_created)
{
	static const char body[] =
		"\n[Socket]\n"
		"# The listener is systemd's own socket, which no preloaded\n"
		"# library can reach: ask systemd for MPTCP (systemd >= 257).\n"
		"SocketProtocol=mptcp\n";
	struct buf b = { 0 };

	if (buf_add(&b, header, strlen(header)) < 0 ||
	    add_created(&b, created, n_created) < 0 ||
	    buf_add(&b, body, strlen(body)) < 0) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

int dropin_created_dirs(const char *text, char ***dirs, size_t *n)
{
	static const char tag[] = "# created: ";
	size_t cap = 0;

	*dirs = NULL;
	*n = 0;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");

		if (len > sizeof(tag) - 1 &&
		    strncmp(p, tag, sizeof(tag) - 1) == 0 &&
		    strv_push(dirs, n, &cap,
			      strndup(p + sizeof(tag) - 1,
				      len - (sizeof(tag) - 1))) < 0)
			return -1;
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

/* ---- files ------------------------------------------------------------ */

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int dropin_write_atomic(const char *dir, const char *name, const char *text)
{
	char tmp[PATH_MAX], final[PATH_MAX];
	size_t len = strlen(text), done = 0;
	int fd, saved;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >=
		    sizeof(tmp) ||
	    (size_t)snprintf(final, sizeof(final), "%s/%s", dir, name) >=
		    sizeof(final)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto fail;
		done += (size_t)w;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, final) < 0)
		goto fail;
	return fsync_dir(dir);
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

char *dropin_read_text(const char *path)
{
	FILE *f = fopen(path, "re");
	struct buf b = { 0 };
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	if (buf_add(&b, "", 0) < 0)
		goto fail;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		/* Unit files are small; a huge one is not ours. */
		if (b.len + n > (1u << 20)) {
			errno = EFBIG;
			goto fail;
		}
		if (buf_add(&b, chunk, n) < 0)
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
