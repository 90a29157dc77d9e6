// SPDX-License-Identifier: BSD-3-Clause
/*
 * One policy file -> struct policy, with every problem reported as
 * file:line. inih does the INI syntax; our reader around it counts lines
 * (Debian's inih gives the handler none), rejects lines inih would
 * silently truncate or cut at a NUL byte, and notices the lines inih
 * drops without calling us (section headers, lines without '='), so that
 * no problem goes unreported.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "policy_internal.h"
#include "sockopt_names.h"

enum line_kind {
	LINE_BLANK,		/* empty, comment, or replaced after an error */
	LINE_SECTION,		/* "[name]" */
	LINE_SECTION_OPEN,	/* "[name" without ']' */
	LINE_OTHER,		/* must reach the handler as key = value */
};

enum section_state {
	SECTION_NONE,		/* keys before any [section] */
	SECTION_IGNORED,	/* unknown or duplicate: reported once */
	SECTION_KNOWN,
};

/* Longer than any line we accept, so never truncated. */
#define SECTION_NAME_MAX 256

struct seen_section {
	char *name;
	unsigned line;
};

struct parse_ctx {
	FILE *in;
	const char *file;
	policy_diag_fn diag;
	void *diag_ctx;
	int problems;
	bool oom;
	size_t bytes;

	/* The line inih is working on. */
	unsigned lineno;
	enum line_kind kind;
	bool indented;
	char section_text[SECTION_NAME_MAX];
	unsigned handled_line;	/* last line the handler saw */

	/* Where keys go. */
	enum section_state state;
	int section_kind;	/* SEC_* */
	char section_name[SECTION_NAME_MAX];
	struct settings *target;
	struct seen_section *seen;
	size_t n_seen, cap_seen;
	/* For continuation lines: the key the previous key line set. */
	int last_key;		/* KEY_*, or -1 */
	bool last_key_valid;
	char last_name[64];

	struct policy *out;
};

static void problem(struct parse_ctx *ctx, unsigned line, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

static void problem(struct parse_ctx *ctx, unsigned line, const char *fmt,
		    ...)
{
	char message[512];
	va_list ap;

	ctx->problems++;
	if (!ctx->diag)
		return;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	ctx->diag(ctx->diag_ctx, ctx->file, line, message);
}

/* ---- sections ---- */

static struct policy_app *app_for(struct parse_ctx *ctx, const char *name,
				  unsigned line)
{
	struct policy *p = ctx->out;
	struct policy_app *app;

	if (!policy_grow((void **)&p->apps, &p->cap_apps, p->n_apps,
			 sizeof(*p->apps)))
		return NULL;
	app = &p->apps[p->n_apps];
	memset(app, 0, sizeof(*app));
	app->name = strdup(name);
	if (!app->name)
		return NULL;
	app->origin = (struct policy_origin){ ctx->file, line };
	p->n_apps++;
	return app;
}

static bool remember_section(struct parse_ctx *ctx, const char *name,
			     unsigned line)
{
	for (size_t i = 0; i < ctx->n_seen; i++) {
		if (strcmp(ctx->seen[i].name, name) == 0) {
			problem(ctx, line,
				"duplicate section [%s] (first at line %u)",
				name, ctx->seen[i].line);
			return false;
		}
	}
	if (!policy_grow((void **)&ctx->seen, &ctx->cap_seen, ctx->n_seen,
			 sizeof(*ctx->seen)) ||
	    !(ctx->seen[ctx->n_seen].name = strdup(name))) {
		ctx->oom = true;
		return false;
	}
	ctx->seen[ctx->n_seen++].line = line;
	return true;
}

static void enter_section(struct parse_ctx *ctx, const char *name,
			  unsigned line)
{
	ctx->last_key_valid = false;
	ctx->state = SECTION_IGNORED;
	snprintf(ctx->section_name, sizeof(ctx->section_name), "%s", name);
	if (!remember_section(ctx, name, line))
		return;

	if (strcmp(name, "global") == 0) {
		ctx->section_kind = SEC_GLOBAL;
		ctx->target = &ctx->out->global;
	} else if (strcmp(name, "keepalive") == 0) {
		ctx->section_kind = SEC_KEEPALIVE;
		ctx->target = &ctx->out->global;
	} else if (strcmp(name, "destinations") == 0) {
		ctx->section_kind = SEC_DESTINATIONS;
		ctx->target = &ctx->out->global;
	} else if (strncmp(name, "app:", 4) == 0) {
		const char *app = name + 4;
		struct policy_app *entry;

		if (!*app || strchr(app, '/') || strcmp(app, ".") == 0 ||
		    strcmp(app, "..") == 0) {
			problem(ctx, line,
				"[%s]: NAME must be a program name (no '/')",
				name);
			return;
		}
		entry = app_for(ctx, app, line);
		if (!entry) {
			ctx->oom = true;
			return;
		}
		ctx->section_kind = SEC_APP;
		ctx->target = &entry->s;
	} else {
		problem(ctx, line,
			"unknown section [%s] (expected [global], [keepalive], "
			"[destinations] or [app:NAME])",
			name);
		return;
	}
	ctx->state = SECTION_KNOWN;
}

/* ---- the reader: one physical line per call ---- */

static bool is_comment_start(char c)
{
	return c == ';' || c == '#';
}

/* Mirrors inih's reading of a line just enough to know what it will do. */
static void classify(struct parse_ctx *ctx, const char *line)
{
	const char *start = line, *end;

	if (ctx->lineno == 1 && strncmp(start, "\xEF\xBB\xBF", 3) == 0)
		start += 3;
	ctx->indented = isspace((unsigned char)*start) != 0;
	while (isspace((unsigned char)*start))
		start++;
	if (!*start || is_comment_start(*start)) {
		ctx->kind = LINE_BLANK;
		return;
	}
	if (*start != '[') {
		ctx->kind = LINE_OTHER;
		return;
	}
	/* inih ends the name at ']' or at a ';' comment after whitespace. */
	for (end = start + 1; *end; end++) {
		if (*end == ']')
			break;
		if (*end == ';' && isspace((unsigned char)end[-1]))
			break;
	}
	if (*end != ']') {
		ctx->kind = LINE_SECTION_OPEN;
		return;
	}
	ctx->kind = LINE_SECTION;
	snprintf(ctx->section_text, sizeof(ctx->section_text), "%.*s",
		 (int)(end - start - 1), start + 1);
}

/* Runs once inih is done with the current line. */
static void finish_line(struct parse_ctx *ctx)
{
	if (ctx->lineno == 0 || ctx->handled_line == ctx->lineno)
		return;
	ctx->handled_line = ctx->lineno;	/* finish it once */
	switch (ctx->kind) {
	case LINE_BLANK:
		break;
	case LINE_SECTION:
		enter_section(ctx, ctx->section_text, ctx->lineno);
		break;
	case LINE_SECTION_OPEN:
		problem(ctx, ctx->lineno, "section header lacks ']'");
		break;
	case LINE_OTHER:
		problem(ctx, ctx->lineno,
			"expected 'key = value', '[section]' or a ';' comment");
		break;
	}
}

static char *read_line(char *str, int num, void *stream)
{
	struct parse_ctx *ctx = stream;
	size_t limit = num > 2 ? (size_t)num - 2 : 0, n = 0;
	bool too_long = false, nul = false, any = false;
	int c;

	finish_line(ctx);
	/* The stream is ours alone: no need for stdio's per-character lock. */
	while ((c = getc_unlocked(ctx->in)) != EOF) {
		any = true;
		if (++ctx->bytes > POLICY_MAX_FILE_SIZE)
			break;
		if (c == '\n')
			break;
		if (c == '\0')
			nul = true;
		if (n < limit)
			str[n++] = (char)c;
		else
			too_long = true;
	}
	if (ctx->bytes > POLICY_MAX_FILE_SIZE) {
		if (ctx->bytes == POLICY_MAX_FILE_SIZE + 1)
			problem(ctx, 0, "file larger than %d bytes",
				POLICY_MAX_FILE_SIZE);
		return NULL;
	}
	if (!any) {
		if (ferror(ctx->in))
			problem(ctx, ctx->lineno, "read error: %s",
				strerror(errno));
		return NULL;
	}
	ctx->lineno++;
	ctx->kind = LINE_BLANK;
	if (too_long || nul) {
		if (too_long)
			problem(ctx, ctx->lineno,
				"line longer than %zu characters; continue a "
				"list on indented lines",
				limit);
		else
			problem(ctx, ctx->lineno, "line contains a NUL byte");
		/* Hand inih a blank line: nothing of it may take effect. */
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
	str[n++] = '\n';
	str[n] = '\0';
	classify(ctx, str);
	return str;
}

/* ---- values ---- */

static const char *const bool_true[] = { "true", "yes", "on", "1" };
static const char *const bool_false[] = { "false", "no", "off", "0" };

static int lookup_name(const char *value, const char *const *names,
		       size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(value, names[i]) == 0)
			return (int)i;
	return -1;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool parse_scalar(struct parse_ctx *ctx, const struct key_info *k,
			 const char *key, const char *value, int *out)
{
	unsigned line = ctx->lineno;
	int v;

	switch (k->type) {
	case KT_BOOL:
		if (lookup_name(value, bool_true, COUNT(bool_true)) >= 0) {
			*out = 1;
			return true;
		}
		if (lookup_name(value, bool_false, COUNT(bool_false)) >= 0) {
			*out = 0;
			return true;
		}
		problem(ctx, line, "%s: '%s' is not a boolean (true|false)",
			key, value);
		return false;
	case KT_MODE:
		v = lookup_name(value, policy_mode_names, 2);
		if (v < 0)
			problem(ctx, line, "%s: '%s' is not all|listed", key,
				value);
		break;
	case KT_UNSUP:
		v = lookup_name(value, policy_unsup_names, 4);
		if (v < 0)
			problem(ctx, line, "%s: '%s' is not auto|tcp|ignore|fail",
				key, value);
		break;
	case KT_LOG:
		v = lookup_name(value, policy_log_names, 4);
		if (v < 0)
			problem(ctx, line,
				"%s: '%s' is not error|warn|info|debug", key,
				value);
		break;
	case KT_INT: {
		char *end;
		long n;

		errno = 0;
		n = strtol(value, &end, 10);
		if (!isdigit((unsigned char)*value) || *end || errno) {
			problem(ctx, line, "%s: '%s' is not a number", key,
				value);
			return false;
		}
		if (n < k->min || n > k->max) {
			problem(ctx, line, "%s: %ld is out of range %d..%d",
				key, n, k->min, k->max);
			return false;
		}
		*out = (int)n;
		return true;
	}
	default:
		return false;
	}
	if (v < 0)
		return false;
	*out = v;
	return true;
}

/* Appends the comma/space separated items of value to a list setting. */
static void append_items(struct parse_ctx *ctx, const char *key,
			 enum key_type type, struct rule_list *list,
			 const char *value)
{
	const char *p = value;
	size_t size = type == KT_CIDRS ? sizeof(struct cidr)
				       : sizeof(struct port_range);

	while (*p) {
		char item[128];
		size_t len;
		const char *err;

		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		len = strcspn(p, ", \t\r\n\v\f");
		if (len == 0)
			break;
		snprintf(item, sizeof(item), "%.*s", (int)len, p);
		p += len;
		if (!policy_grow(&list->items, &list->cap, list->count, size)) {
			ctx->oom = true;
			return;
		}
		if (type == KT_CIDRS) {
			struct cidr *c = &list->cidrs[list->count];

			err = len >= sizeof(item)
				      ? "not an IPv4 or IPv6 address"
				      : policy_cidr_parse(item, c);
			if (!err)
				c->origin = (struct policy_origin){
					ctx->file, ctx->lineno };
		} else {
			struct port_range *r = &list->ports[list->count];

			err = len >= sizeof(item)
				      ? "port must be a number 1..65535"
				      : policy_ports_parse(item, r);
			if (!err)
				r->origin = (struct policy_origin){
					ctx->file, ctx->lineno };
		}
		if (item[0] == '#') {
			problem(ctx, ctx->lineno,
				"%s: '#' does not start a comment after a "
				"value; use ' ;'",
				key);
			return;
		}
		if (err) {
			problem(ctx, ctx->lineno, "%s: '%s': %s", key, item,
				err);
			continue;
		}
		list->count++;
	}
}

static int find_key(int section_kind, const char *name)
{
	for (int i = 0; i < KEY_COUNT; i++) {
		const struct key_info *k = &policy_key_info[i];
		const char *kname = section_kind == SEC_APP ? k->app_name
			: (k->sections & section_kind) ? k->name : NULL;

		if (kname && strcmp(kname, name) == 0)
			return i;
	}
	return -1;
}

static void set_option_mode(struct parse_ctx *ctx, const char *key,
			    const char *value)
{
	const char *opt_name = key + strlen(POLICY_OPT_PREFIX);
	const struct sockopt_name *opt = sockopt_by_name(opt_name);
	struct settings *s = ctx->target;
	int mode = lookup_name(value, policy_unsup_names, 4);

	if (!opt) {
		problem(ctx, ctx->lineno,
			"%s: unknown socket option '%s' (use the C name, "
			"e.g. TCP_USER_TIMEOUT)",
			key, opt_name);
		return;
	}
	if (mode < 0) {
		problem(ctx, ctx->lineno, "%s: '%s' is not auto|tcp|ignore|fail",
			key, value);
		return;
	}
	for (size_t i = 0; i < s->n_opts; i++) {
		if (s->opts[i].level == opt->level &&
		    s->opts[i].optname == opt->optname) {
			problem(ctx, ctx->lineno,
				"duplicate key '%s' (first set at line %u)",
				key, s->opts[i].origin.line);
			return;
		}
	}
	if (!policy_grow((void **)&s->opts, &s->cap_opts, s->n_opts,
			 sizeof(*s->opts))) {
		ctx->oom = true;
		return;
	}
	s->opts[s->n_opts++] = (struct opt_mode){
		.level = opt->level,
		.optname = opt->optname,
		.mode = (enum policy_unsupported)mode,
		.origin = { ctx->file, ctx->lineno },
	};
}

static int handle_pair(void *user, const char *section, const char *name,
		       const char *value)
{
	struct parse_ctx *ctx = user;
	const struct key_info *k;
	struct setting *s;
	int id;

	(void)section;	/* ours is not truncated to 50 characters */
	ctx->handled_line = ctx->lineno;
	if (!value)
		value = "";

	if (ctx->indented && ctx->last_key_valid &&
	    strcmp(name, ctx->last_name) == 0) {
		/* inih calls us again for an indented continuation line. */
		if (ctx->last_key < 0)
			return 1;
		k = &policy_key_info[ctx->last_key];
		if (k->type == KT_CIDRS || k->type == KT_PORTS) {
			char text[INI_MAX_LINE];

			/* Our inih strips ' ;' comments on first lines only */
			snprintf(text, sizeof(text), "%s", value);
			for (char *c = text; *c; c++) {
				if (*c == ';' && c > text &&
				    isspace((unsigned char)c[-1])) {
					*c = '\0';
					break;
				}
			}
			append_items(ctx, name, k->type,
				     &ctx->target->key[ctx->last_key].list,
				     text);
			return 1;
		}
		problem(ctx, ctx->lineno,
			"%s takes one value; this indented line would "
			"continue it (remove the indentation)",
			name);
		return 1;
	}
	ctx->last_key_valid = true;
	ctx->last_key = -1;
	snprintf(ctx->last_name, sizeof(ctx->last_name), "%s", name);

	if (ctx->state == SECTION_IGNORED)
		return 1;
	if (ctx->state == SECTION_NONE) {
		problem(ctx, ctx->lineno,
			"key '%s' outside any section (start with [global])",
			name);
		return 1;
	}
	if (strncmp(name, POLICY_OPT_PREFIX, strlen(POLICY_OPT_PREFIX)) == 0 &&
	    (ctx->section_kind & (SEC_GLOBAL | SEC_APP))) {
		set_option_mode(ctx, name, value);
		return 1;
	}
	id = find_key(ctx->section_kind, name);
	if (id < 0) {
		problem(ctx, ctx->lineno, "unknown key '%s' in [%s]", name,
			ctx->section_name);
		return 1;
	}
	k = &policy_key_info[id];
	s = &ctx->target->key[id];
	if (s->set) {
		problem(ctx, ctx->lineno,
			"duplicate key '%s' (first set at line %u)", name,
			s->origin.line);
		return 1;
	}
	s->set = true;
	s->origin = (struct policy_origin){ ctx->file, ctx->lineno };
	ctx->last_key = id;
	if (k->type == KT_CIDRS || k->type == KT_PORTS)
		append_items(ctx, name, k->type, &s->list, value);
	else
		parse_scalar(ctx, k, name, value, &s->value);
	return 1;
}

int policy_parse(FILE *in, const char *file, policy_diag_fn diag, void *dctx,
		 struct policy **out)
{
	struct parse_ctx ctx = {
		.in = in,
		.file = file,
		.diag = diag,
		.diag_ctx = dctx,
		.last_key = -1,
	};
	int rc;

	*out = NULL;
	ctx.out = calloc(1, sizeof(*ctx.out));
	if (!ctx.out)
		return -1;
	rc = ini_parse_stream(read_line, &ctx, handle_pair, &ctx);
	finish_line(&ctx);
	for (size_t i = 0; i < ctx.n_seen; i++)
		free(ctx.seen[i].name);
	free(ctx.seen);
	if (rc == -2 || ctx.oom) {
		policy_free(ctx.out);
		errno = ENOMEM;
		return -1;
	}
	/* Every line inih rejects is reported above; this is a safety net. */
	if (rc > 0 && ctx.problems == 0)
		problem(&ctx, (unsigned)rc, "syntax error");
	*out = ctx.out;
	return ctx.problems;
}
