// SPDX-License-Identifier: BSD-3-Clause
/*
 * `policy show`: the merged policy, walked through the policy's own key
 * table (policy_walk.h) and printed through output.c. The INI form parses
 * back to the same policy, each value followed by the file:line it came
 * from; the JSON form has each key as {value, origin}.
 */
#include <stdio.h>
#include <stdlib.h>

#include "output.h"
#include "policy_show.h"
#include "policy_walk.h"

/* "file:line", malloc'd; NULL for a built-in default (or out of memory). */
static char *origin_text(struct policy_origin o)
{
	char *text;

	if (!o.file || asprintf(&text, "%s:%u", o.file, o.line) < 0)
		return NULL;
	return text;
}

/* The " ; file:line" comment after a value (text only). */
static void text_origin(struct out *out, struct policy_origin o)
{
	char *text = origin_text(o);

	if (text)
		out_text_string(out, " ; %s", text);
	else
		out_text(out, " ; default");
	free(text);
}

/* The "origin" member (JSON only). */
static void json_origin(struct out *out, struct policy_origin o)
{
	char *text = origin_text(o);

	out_string(out, "origin", NULL, text);
	free(text);
}

static void print_setting(void *ctx, const struct policy_setting_view *s)
{
	struct out *out = ctx;
	char item[80];

	out_object_open(out, s->key);
	if (s->type != POLICY_VALUE_LIST) {
		out_text(out, "%s = ", s->key);
		if (s->type == POLICY_VALUE_BOOL) {
			out_bool(out, "value", NULL, s->number);
			out_text(out, "%s", s->number ? "true" : "false");
		} else if (s->type == POLICY_VALUE_INT) {
			out_int(out, "value", "%lld", s->number);
		} else {
			out_string(out, "value", "%s", s->word);
		}
		text_origin(out, s->origin);
	} else {
		out_text(out, "%s =", s->key);
		if (!s->n_items)
			text_origin(out, s->origin);
		out_array_open(out, "value");
		/* One item per line keeps every line short enough to parse
		 * back. */
		for (size_t i = 0; i < s->n_items; i++) {
			struct policy_origin o =
				policy_setting_item(s, i, item, sizeof(item));

			out_string(out, NULL, i ? "\n\t%s" : " %s", item);
			text_origin(out, o);
		}
		out_array_close(out);
	}
	out_text(out, "\n");
	json_origin(out, s->origin);
	out_object_close(out);
}

static void print_source(void *ctx, const char *file, bool used)
{
	struct out *out = ctx;

	out_object_open(out, NULL);
	out_string(out, "file", "; source: %s", file);
	out_bool(out, "used", NULL, used);
	out_text(out, used ? " (used)\n" : " (ignored: see its errors)\n");
	out_object_close(out);
}

void policy_show(const struct policy *policy, FILE *fp, bool json)
{
	struct out *out = out_new_flags(fp, json, OUT_JSON_SPACED);
	const char *name;

	if (!out)
		return;
	out_text(out, "; Effective mptcpshim policy; after each value, the "
		      "file:line it comes from.\n");
	out_array_open(out, "sources");
	policy_for_each_source(policy, print_source, out);
	out_array_close(out);
	for (size_t sec = 0; (name = policy_section_name(sec)); sec++) {
		out_object_open(out, name);
		out_text(out, "\n[%s]\n", name);
		policy_for_each_setting(policy, sec, print_setting, out);
		out_object_close(out);
	}
	out_object_open(out, "apps");
	for (size_t a = 0; a < policy_app_count(policy); a++) {
		struct policy_origin o;
		char *origin;

		name = policy_app_name(policy, a, &o);
		origin = origin_text(o);
		out_object_open(out, name);
		out_text_string(out, "\n[app:%s]", name);
		out_string(out, "origin", " ; %s", origin);
		out_text(out, "\n");
		free(origin);
		policy_for_each_app_setting(policy, a, print_setting, out);
		out_object_close(out);
	}
	out_object_close(out);
	out_end(out);
}
