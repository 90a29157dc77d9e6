// SPDX-License-Identifier: BSD-3-Clause
/*
 * One policy file -> struct policy, with every problem reported as
 * file:line. inih does the INI syntax; ini_lines.c, the reader we give it,
 * counts lines, refuses the ones inih would mangle and tells us about the
 * lines inih drops without calling the handler (section headers, lines
 * without '='), so that no problem goes unreported. Work per line and per
 * section is constant: sections are looked up in a hash index.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "ini_lines.h"
#include "name_index.h"
#include "policy_internal.h"
#include "sockopt_names.h"

enum section_state {
	SECTION_NONE,		/* keys before any [section] */
	SECTION_IGNORED,	/* unknown or duplicate: reported once */
	SECTION_KNOWN,
};

#define FIXED_SECTIONS 3	/* [global], [keepalive], [destinations] */

struct seen_section {
	char *name;
	unsigned line;
};

struct parse_ctx {
	const char *file;
	policy_diag_fn diag;
	void *diag_ctx;
	int problems;
	bool oom;

	/* The line inih is working on. */
	struct ini_lines lines;

	/* Where keys go. */
	enum section_state state;
	int section_kind;	/* SEC_* */
	char section_name[INI_LINES_SECTION_MAX];
	struct settings *target;
	/* The section headers so far, to report duplicates: the fixed ones,
	 * then unknown or misnamed ones (programs: in out->app_index). */
	unsigned fixed_line[FIXED_SECTIONS];
	struct seen_section *seen;
	size_t n_seen, cap_seen;
	struct name_index seen_index;
	/* For continuation lines: the key the previous key line set. */
	int last_key;		/* KEY_*, or -1 */
	bool last_key_valid;
	bool last_is_option;	/* unsupported_option.NAME: one value too */
	char last_name[64];

	struct policy *out;
	const struct policy_parse_opts *opts;
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

/* Copies len bytes of src, cut to fit, and a NUL into dst (size bytes):
 * snprintf() would cost a format interpretation per key. */
static void copy_text(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* ---- sections ---- */

/* A new [app:NAME], found again through the policy's index (which the
 * merge takes over with the sections). */
static struct policy_app *app_for(struct parse_ctx *ctx, const char *name,
				  size_t len, unsigned line)
{
	struct policy *p = ctx->out;
	struct policy_app *app;

	if (p->n_apps >= UINT32_MAX ||
	    !policy_grow((void **)&p->apps, &p->cap_apps, p->n_apps,
			 sizeof(*p->apps)))
		return NULL;
	app = &p->apps[p->n_apps];
	memset(app, 0, sizeof(*app));
	app->name = strndup(name, len);
	if (!app->name)
		return NULL;
	if (!name_index_add(&p->app_index, app->name, (uint32_t)p->n_apps)) {
		free(app->name);
		return NULL;
	}
	app->origin = (struct policy_origin){ ctx->file, line };
	p->n_apps++;
	return app;
}

static void duplicate_section(struct parse_ctx *ctx, const char *name,
			      unsigned line, unsigned first)
{
	problem(ctx, line, "duplicate section [%s] (first at line %u)", name,
		first);
}

/* Sections that are neither fixed nor a program's, so that each is
 * reported once. */
static bool remember_other_section(struct parse_ctx *ctx, const char *name,
				   size_t len, unsigned line)
{
	long first = name_index_find(&ctx->seen_index, name);
	struct seen_section *seen;

	if (first >= 0) {
		duplicate_section(ctx, name, line, ctx->seen[first].line);
		return false;
	}
	if (ctx->n_seen >= UINT32_MAX ||
	    !policy_grow((void **)&ctx->seen, &ctx->cap_seen, ctx->n_seen,
			 sizeof(*ctx->seen))) {
		ctx->oom = true;
		return false;
	}
	seen = &ctx->seen[ctx->n_seen];
	seen->name = strndup(name, len);
	if (!seen->name) {
		ctx->oom = true;
		return false;
	}
	seen->line = line;
	if (!name_index_add(&ctx->seen_index, seen->name,
			    (uint32_t)ctx->n_seen)) {
		free(seen->name);
		ctx->oom = true;
		return false;
	}
	ctx->n_seen++;
	return true;
}

static const struct {
	const char *name;
	int kind;
} fixed_sections[FIXED_SECTIONS] = {
	{ "global", SEC_GLOBAL },
	{ "keepalive", SEC_KEEPALIVE },
	{ "destinations", SEC_DESTINATIONS },
};

/* name is NUL-terminated, len its length (< INI_LINES_SECTION_MAX). */
static void enter_section(struct parse_ctx *ctx, const char *name,
			  size_t len, unsigned line)
{
	ctx->last_key_valid = false;
	ctx->state = SECTION_IGNORED;
	memcpy(ctx->section_name, name, len + 1);

	for (int i = 0; i < FIXED_SECTIONS; i++) {
		if (strcmp(name, fixed_sections[i].name) != 0)
			continue;
		if (ctx->fixed_line[i]) {
			duplicate_section(ctx, name, line, ctx->fixed_line[i]);
			return;
		}
		ctx->fixed_line[i] = line;
		ctx->section_kind = fixed_sections[i].kind;
		ctx->target = &ctx->out->global;
		ctx->state = SECTION_KNOWN;
		return;
	}
	if (strncmp(name, "app:", 4) == 0 && policy_program_name_ok(name + 4)) {
		long first = name_index_find(&ctx->out->app_index, name + 4);
		struct policy_app *entry;

		if (first >= 0) {
			duplicate_section(ctx, name, line,
					  ctx->out->apps[first].origin.line);
			return;
		}
		entry = app_for(ctx, name + 4, len - 4, line);
		if (!entry) {
			ctx->oom = true;
			return;
		}
		ctx->section_kind = SEC_APP;
		ctx->target = &entry->s;
		ctx->state = SECTION_KNOWN;
		return;
	}
	if (!remember_other_section(ctx, name, len, line))
		return;
	if (strncmp(name, "app:", 4) == 0)
		problem(ctx, line,
			"[%s]: NAME must be a program name (no '/')", name);
	else
		problem(ctx, line,
			"unknown section [%s] (expected [global], [keepalive], "
			"[destinations] or [app:NAME])",
			name);
}

/* ---- what inih does not hand the handler ---- */

static void unhandled_line(void *user, const struct ini_lines *r)
{
	struct parse_ctx *ctx = user;

	switch (r->kind) {
	case INI_LINE_BLANK:
		break;
	case INI_LINE_SECTION:
		if (ctx->opts && ctx->opts->on_section &&
		    !ctx->opts->on_section(ctx->opts->section_ctx, r->section,
					   r->lineno, r->line_offset))
			ctx->oom = true;
		enter_section(ctx, r->section, r->section_len, r->lineno);
		break;
	case INI_LINE_SECTION_OPEN:
		problem(ctx, r->lineno, "section header lacks ']'");
		break;
	case INI_LINE_OTHER:
		problem(ctx, r->lineno,
			"expected 'key = value', '[section]' or a ';' comment");
		break;
	}
}

static void reader_problem(void *user, unsigned lineno,
			   enum ini_lines_problem what, size_t limit)
{
	struct parse_ctx *ctx = user;

	switch (what) {
	case INI_LINES_TOO_LONG:
		problem(ctx, lineno,
			"line longer than %zu characters; continue a list on "
			"indented lines",
			limit);
		break;
	case INI_LINES_NUL:
		problem(ctx, lineno, "line contains a NUL byte");
		break;
	case INI_LINES_TOO_BIG:
		problem(ctx, 0, "file larger than %zu bytes", limit);
		break;
	case INI_LINES_READ_ERROR:
		problem(ctx, lineno, "read error: %s", strerror(errno));
		break;
	}
}

/* ---- values ---- */

static const char *const bool_true[] = { "true", "yes", "on", "1" };
static const char *const bool_false[] = { "false", "no", "off", "0" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool parse_scalar(struct parse_ctx *ctx, const struct key_info *k,
			 const char *key, const char *value, int *out)
{
	unsigned line = ctx->lines.lineno;
	int v;

	switch (k->type) {
	case KT_BOOL:
		if (policy_name_index(value, bool_true, COUNT(bool_true)) >= 0) {
			*out = 1;
			return true;
		}
		if (policy_name_index(value, bool_false, COUNT(bool_false)) >= 0) {
			*out = 0;
			return true;
		}
		problem(ctx, line, "%s: '%s' is not a boolean (true|false)",
			key, value);
		return false;
	case KT_MODE:
		v = policy_name_index(value, policy_mode_names, 2);
		if (v < 0)
			problem(ctx, line, "%s: '%s' is not all|listed", key,
				value);
		break;
	case KT_UNSUP:
		v = policy_name_index(value, policy_unsup_names, 4);
		if (v < 0)
			problem(ctx, line, "%s: '%s' is not auto|tcp|ignore|fail",
				key, value);
		break;
	case KT_LOG:
		v = policy_name_index(value, policy_log_names, 4);
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
		struct policy_origin *origin;

		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		len = strcspn(p, ", \t\r\n\v\f");
		if (len == 0)
			break;
		copy_text(item, sizeof(item), p, len);
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
			origin = &c->origin;
		} else {
			struct port_range *r = &list->ports[list->count];

			err = len >= sizeof(item)
				      ? "port must be a number 1..65535"
				      : policy_ports_parse(item, r);
			origin = &r->origin;
		}
		if (!err)
			*origin = (struct policy_origin){ ctx->file,
							  ctx->lines.lineno };
		if (item[0] == '#') {
			problem(ctx, ctx->lines.lineno,
				"%s: '#' does not start a comment after a "
				"value; use ' ;'",
				key);
			return;
		}
		if (err) {
			problem(ctx, ctx->lines.lineno, "%s: '%s': %s", key, item,
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

		/* The first byte settles most misses without a call. */
		if (kname && kname[0] == name[0] && strcmp(kname, name) == 0)
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
	int mode = policy_name_index(value, policy_unsup_names, 4);

	if (!opt) {
		problem(ctx, ctx->lines.lineno,
			"%s: unknown socket option '%s' (use the C name, "
			"e.g. TCP_USER_TIMEOUT)",
			key, opt_name);
		return;
	}
	if (mode < 0) {
		problem(ctx, ctx->lines.lineno, "%s: '%s' is not auto|tcp|ignore|fail",
			key, value);
		return;
	}
	for (size_t i = 0; i < s->n_opts; i++) {
		if (s->opts[i].level == opt->level &&
		    s->opts[i].optname == opt->optname) {
			problem(ctx, ctx->lines.lineno,
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
		.origin = { ctx->file, ctx->lines.lineno },
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
	ini_lines_handled(&ctx->lines);
	if (!value)
		value = "";

	if (ctx->lines.indented && ctx->last_key_valid &&
	    strcmp(name, ctx->last_name) == 0) {
		/* inih calls us again for an indented continuation line. */
		if (ctx->last_key < 0 && !ctx->last_is_option)
			return 1;	/* reported with its key */
		k = ctx->last_key < 0 ? NULL : &policy_key_info[ctx->last_key];
		if (k && (k->type == KT_CIDRS || k->type == KT_PORTS)) {
			char text[INI_MAX_LINE];

			copy_text(text, sizeof(text), value, strlen(value));
			/* An inih before r56 leaves " ; comment" in a
			 * continuation line: cut it as inih cuts first lines. */
			for (char *c = text;
			     !MPTCPSHIM_INIH_STRIPS_CONTINUATION_COMMENTS && *c;
			     c++) {
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
		problem(ctx, ctx->lines.lineno,
			"%s takes one value; this indented line would "
			"continue it (remove the indentation)",
			name);
		return 1;
	}
	ctx->last_key_valid = true;
	ctx->last_key = -1;
	ctx->last_is_option = false;
	copy_text(ctx->last_name, sizeof(ctx->last_name), name, strlen(name));

	if (ctx->state == SECTION_IGNORED)
		return 1;
	if (ctx->state == SECTION_NONE) {
		problem(ctx, ctx->lines.lineno,
			"key '%s' outside any section (start with [global])",
			name);
		return 1;
	}
	if (strncmp(name, POLICY_OPT_PREFIX, strlen(POLICY_OPT_PREFIX)) == 0 &&
	    (ctx->section_kind & (SEC_GLOBAL | SEC_APP))) {
		ctx->last_is_option = true;
		set_option_mode(ctx, name, value);
		return 1;
	}
	id = find_key(ctx->section_kind, name);
	if (id < 0) {
		problem(ctx, ctx->lines.lineno, "unknown key '%s' in [%s]", name,
			ctx->section_name);
		return 1;
	}
	k = &policy_key_info[id];
	s = &ctx->target->key[id];
	if (s->set) {
		problem(ctx, ctx->lines.lineno,
			"duplicate key '%s' (first set at line %u)", name,
			s->origin.line);
		return 1;
	}
	s->set = true;
	s->origin = (struct policy_origin){ ctx->file, ctx->lines.lineno };
	ctx->last_key = id;
	if (k->type == KT_CIDRS || k->type == KT_PORTS)
		append_items(ctx, name, k->type, &s->list, value);
	else
		parse_scalar(ctx, k, name, value, &s->value);
	return 1;
}

int policy_parse_with(FILE *in, const struct policy_parse_opts *opts,
		      const char *file, policy_diag_fn diag, void *dctx,
		      struct policy **out)
{
	struct parse_ctx ctx = {
		.file = file,
		.diag = diag,
		.diag_ctx = dctx,
		.last_key = -1,
		.opts = opts,
	};
	int rc;

	*out = NULL;
	ctx.out = calloc(1, sizeof(*ctx.out));
	if (!ctx.out)
		return -1;
	if (!ini_lines_open(&ctx.lines, in, POLICY_MAX_FILE_SIZE,
			    unhandled_line, reader_problem, &ctx)) {
		free(ctx.out);
		return -1;
	}
	if (opts && opts->segs)
		ini_lines_segments(&ctx.lines, opts->segs, opts->n_segs);
	rc = ini_parse_stream(ini_lines_read, &ctx.lines, handle_pair, &ctx);
	ini_lines_close(&ctx.lines);
	for (size_t i = 0; i < ctx.n_seen; i++)
		free(ctx.seen[i].name);
	free(ctx.seen);
	name_index_release(&ctx.seen_index);
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
