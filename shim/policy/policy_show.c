// SPDX-License-Identifier: BSD-3-Clause
/*
 * `policy show`: the merged policy, driven by the same key table as the
 * parser. The INI form parses back to the same policy, each value followed
 * by the file:line it came from.
 */
#include <stdio.h>
#include <string.h>

#include "policy_internal.h"
#include "sockopt_names.h"

const char *const policy_mode_names[2] = { "all", "listed" };
const char *const policy_unsup_names[4] = { "tcp", "ignore", "fail",
						"auto" };
const char *const policy_log_names[4] = { "error", "warn", "info", "debug" };

static const struct {
	int section;
	const char *name;
} sections[] = {
	{ SEC_GLOBAL, "global" },
	{ SEC_KEEPALIVE, "keepalive" },
	{ SEC_DESTINATIONS, "destinations" },
};

static void print_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void print_origin(FILE *out, struct policy_origin o, bool json)
{
	if (json) {
		if (!o.file) {
			fputs("null", out);
			return;
		}
		fputc('"', out);
		for (const char *s = o.file; *s; s++) {
			unsigned char c = (unsigned char)*s;

			if (c == '"' || c == '\\')
				fprintf(out, "\\%c", c);
			else if (c < 0x20)
				fprintf(out, "\\u%04x", c);
			else
				fputc(c, out);
		}
		fprintf(out, ":%u\"", o.line);
	} else if (o.file) {
		fprintf(out, " ; %s:%u", o.file, o.line);
	} else {
		fputs(" ; default", out);
	}
}

static const char *scalar_text(const struct key_info *k, int v, char *buf,
			       size_t len)
{
	switch (k->type) {
	case KT_BOOL:
		return v ? "true" : "false";
	case KT_MODE:
		return policy_mode_names[v & 1];
	case KT_UNSUP:
		return (unsigned)v < 4 ? policy_unsup_names[v] : "?";
	case KT_LOG:
		return (unsigned)v < 4 ? policy_log_names[v] : "?";
	default:
		snprintf(buf, len, "%d", v);
		return buf;
	}
}

static void item_text(const struct key_info *k, const struct rule_list *l,
		      size_t i, char *buf, size_t len)
{
	if (k->type == KT_CIDRS)
		policy_cidr_format(&l->cidrs[i], buf, len);
	else
		policy_ports_format(&l->ports[i], buf, len);
}

static struct policy_origin item_origin(const struct key_info *k,
					const struct rule_list *l, size_t i)
{
	return k->type == KT_CIDRS ? l->cidrs[i].origin : l->ports[i].origin;
}

static void print_ini_setting(FILE *out, const char *name,
			      const struct key_info *k, const struct setting *s)
{
	char buf[80];

	if (k->type != KT_CIDRS && k->type != KT_PORTS) {
		fprintf(out, "%s = %s", name,
			scalar_text(k, s->value, buf, sizeof(buf)));
		print_origin(out, s->origin, false);
		fputc('\n', out);
		return;
	}
	fprintf(out, "%s =", name);
	if (!s->list.count)
		print_origin(out, s->origin, false);
	/* One item per line keeps every line short enough to parse back. */
	for (size_t i = 0; i < s->list.count; i++) {
		item_text(k, &s->list, i, buf, sizeof(buf));
		fprintf(out, "%s%s", i ? "\n\t" : " ", buf);
		print_origin(out, item_origin(k, &s->list, i), false);
	}
	fputc('\n', out);
}

static void print_json_setting(FILE *out, const char *name,
			       const struct key_info *k,
			       const struct setting *s, bool *first)
{
	char buf[80];

	fprintf(out, "%s\n      ", *first ? "" : ",");
	*first = false;
	print_json_string(out, name);
	fputs(": {\"value\": ", out);
	if (k->type == KT_CIDRS || k->type == KT_PORTS) {
		fputc('[', out);
		for (size_t i = 0; i < s->list.count; i++) {
			item_text(k, &s->list, i, buf, sizeof(buf));
			fprintf(out, "%s\"%s\"", i ? ", " : "", buf);
		}
		fputc(']', out);
	} else if (k->type == KT_INT) {
		fprintf(out, "%d", s->value);
	} else if (k->type == KT_BOOL) {
		fputs(s->value ? "true" : "false", out);
	} else {
		fprintf(out, "\"%s\"", scalar_text(k, s->value, buf,
						   sizeof(buf)));
	}
	fputs(", \"origin\": ", out);
	print_origin(out, s->origin, true);
	fputc('}', out);
}

static void print_opts(FILE *out, const struct settings *s, bool json,
		       bool *first)
{
	char buf[48], key[96];

	for (size_t i = 0; i < s->n_opts; i++) {
		const struct opt_mode *m = &s->opts[i];

		snprintf(key, sizeof(key), POLICY_OPT_PREFIX "%s",
			 sockopt_describe(m->level, m->optname, buf,
					  sizeof(buf)));
		if (json) {
			fprintf(out, "%s\n      ", *first ? "" : ",");
			*first = false;
			print_json_string(out, key);
			fprintf(out, ": {\"value\": \"%s\", \"origin\": ",
				policy_unsupported_name(m->mode));
			print_origin(out, m->origin, true);
			fputc('}', out);
		} else {
			fprintf(out, "%s = %s", key,
				policy_unsupported_name(m->mode));
			print_origin(out, m->origin, false);
			fputc('\n', out);
		}
	}
}

static void show_ini(const struct policy *p, FILE *out)
{
	fputs("; Effective mptcpshim policy; after each value, the file:line "
	      "it comes from.\n",
	      out);
	for (size_t i = 0; i < p->n_sources; i++)
		fprintf(out, "; source: %s (%s)\n", p->sources[i].file,
			p->sources[i].used ? "used"
					   : "ignored: see its errors");
	for (size_t sec = 0; sec < sizeof(sections) / sizeof(sections[0]);
	     sec++) {
		fprintf(out, "\n[%s]\n", sections[sec].name);
		for (int i = 0; i < KEY_COUNT; i++) {
			const struct key_info *k = &policy_key_info[i];

			if (k->sections & sections[sec].section)
				print_ini_setting(out, k->name, k,
						  &p->global.key[i]);
		}
		if (sections[sec].section == SEC_GLOBAL)
			print_opts(out, &p->global, false, NULL);
	}
	for (size_t a = 0; a < p->n_apps; a++) {
		const struct policy_app *app = &p->apps[a];

		fprintf(out, "\n[app:%s]", app->name);
		print_origin(out, app->origin, false);
		fputc('\n', out);
		for (int i = 0; i < KEY_COUNT; i++)
			if (app->s.key[i].set)
				print_ini_setting(out,
						  policy_key_info[i].app_name,
						  &policy_key_info[i],
						  &app->s.key[i]);
		print_opts(out, &app->s, false, NULL);
	}
}

static void show_json(const struct policy *p, FILE *out)
{
	bool first;

	fputs("{\n  \"sources\": [", out);
	for (size_t i = 0; i < p->n_sources; i++) {
		fprintf(out, "%s\n    {\"file\": ", i ? "," : "");
		print_json_string(out, p->sources[i].file);
		fprintf(out, ", \"used\": %s}",
			p->sources[i].used ? "true" : "false");
	}
	fputs("\n  ]", out);
	for (size_t sec = 0; sec < sizeof(sections) / sizeof(sections[0]);
	     sec++) {
		fprintf(out, ",\n  \"%s\": {", sections[sec].name);
		first = true;
		for (int i = 0; i < KEY_COUNT; i++) {
			const struct key_info *k = &policy_key_info[i];

			if (k->sections & sections[sec].section)
				print_json_setting(out, k->name, k,
						   &p->global.key[i], &first);
		}
		if (sections[sec].section == SEC_GLOBAL)
			print_opts(out, &p->global, true, &first);
		fputs("\n  }", out);
	}
	fputs(",\n  \"apps\": {", out);
	for (size_t a = 0; a < p->n_apps; a++) {
		const struct policy_app *app = &p->apps[a];

		fprintf(out, "%s\n    ", a ? "," : "");
		print_json_string(out, app->name);
		fputs(": {\n      \"origin\": ", out);
		print_origin(out, app->origin, true);
		first = false;
		for (int i = 0; i < KEY_COUNT; i++)
			if (app->s.key[i].set)
				print_json_setting(out,
						   policy_key_info[i].app_name,
						   &policy_key_info[i],
						   &app->s.key[i], &first);
		print_opts(out, &app->s, true, &first);
		fputs("\n    }", out);
	}
	fputs("\n  }\n}\n", out);
}

void policy_show(const struct policy *policy, FILE *out, bool json)
{
	struct policy defaults;

	if (!policy) {
		memset(&defaults, 0, sizeof(defaults));
		policy_settings_init_defaults(&defaults.global);
		policy = &defaults;
	}
	if (json)
		show_json(policy, out);
	else
		show_ini(policy, out);
}
