// SPDX-License-Identifier: BSD-3-Clause
/* The text/JSON printer every table-printing command goes through. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

#define OUT_MAX_DEPTH 16

struct out {
	FILE *fp;
	bool json;
	int depth;		/* open containers, top object included */
	bool first[OUT_MAX_DEPTH];	/* nothing printed yet at that level */
	bool is_array[OUT_MAX_DEPTH];
};

struct out *out_new(FILE *fp, bool json)
{
	struct out *out = calloc(1, sizeof(*out));

	if (!out)
		return NULL;
	out->fp = fp;
	out->json = json;
	if (json) {
		fputc('{', fp);
		out->depth = 1;
		out->first[0] = true;
	}
	return out;
}

void out_end(struct out *out)
{
	if (!out)
		return;
	if (out->json) {
		while (out->depth > 0)
			fputc(out->is_array[--out->depth] ? ']' : '}',
			      out->fp);
		fputc('\n', out->fp);
	}
	fflush(out->fp);
	free(out);
}

bool out_is_json(const struct out *out)
{
	return out->json;
}

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static size_t utf8_sequence(const unsigned char *s)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void out_json_string(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', fp);
	while (*s) {
		size_t len;

		switch (*s) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(fp, "\\u%04x", *s);
				break;
			}
			len = utf8_sequence(s);
			if (len == 0) {
				fputs("\\ufffd", fp);
				break;
			}
			fwrite(s, 1, len, fp);
			s += len;
			continue;
		}
		s++;
	}
	fputc('"', fp);
}

/* The separator and key before a JSON value at the current level. */
static void json_key(struct out *out, const char *key)
{
	int level = out->depth - 1;

	if (level >= 0) {
		if (!out->first[level])
			fputc(',', out->fp);
		out->first[level] = false;
	}
	if (key && (level < 0 || !out->is_array[level])) {
		out_json_string(out->fp, key);
		fputc(':', out->fp);
	}
}

static void open_container(struct out *out, const char *key, bool array)
{
	if (!out->json || out->depth >= OUT_MAX_DEPTH)
		return;
	json_key(out, key);
	fputc(array ? '[' : '{', out->fp);
	out->is_array[out->depth] = array;
	out->first[out->depth] = true;
	out->depth++;
}

static void close_container(struct out *out)
{
	if (!out->json || out->depth <= 1)
		return;
	out->depth--;
	fputc(out->is_array[out->depth] ? ']' : '}', out->fp);
}

void out_object_open(struct out *out, const char *key)
{
	open_container(out, key, false);
}

void out_object_close(struct out *out)
{
	close_container(out);
}

void out_array_open(struct out *out, const char *key)
{
	open_container(out, key, true);
}

void out_array_close(struct out *out)
{
	close_container(out);
}

/*
 * The text formats are the callers' literals, chosen per value type; the
 * type each takes is fixed by the function (see output.h).
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void out_uint(struct out *out, const char *key, const char *fmt,
	      unsigned long long value)
{
	if (out->json) {
		json_key(out, key);
		fprintf(out->fp, "%llu", value);
	} else if (fmt) {
		fprintf(out->fp, fmt, value);
	}
}

void out_int(struct out *out, const char *key, const char *fmt,
	     long long value)
{
	if (out->json) {
		json_key(out, key);
		fprintf(out->fp, "%lld", value);
	} else if (fmt) {
		fprintf(out->fp, fmt, value);
	}
}

void out_string(struct out *out, const char *key, const char *fmt,
		const char *value)
{
	if (out->json) {
		json_key(out, key);
		if (value)
			out_json_string(out->fp, value);
		else
			fputs("null", out->fp);
	} else if (fmt) {
		fprintf(out->fp, fmt, value ? value : "-");
	}
}

void out_bool(struct out *out, const char *key, const char *fmt, bool value)
{
	if (out->json) {
		json_key(out, key);
		fputs(value ? "true" : "false", out->fp);
	} else if (fmt) {
		fprintf(out->fp, fmt, value ? "yes" : "no");
	}
}

void out_double(struct out *out, const char *key, const char *fmt,
		double value)
{
	if (out->json) {
		json_key(out, key);
		fprintf(out->fp, "%g", value);
	} else if (fmt) {
		fprintf(out->fp, fmt, value);
	}
}

#pragma GCC diagnostic pop

void out_text(struct out *out, const char *fmt, ...)
{
	va_list ap;

	if (out->json)
		return;
	va_start(ap, fmt);
	vfprintf(out->fp, fmt, ap);
	va_end(ap);
}

/* Full-screen primitives (`top`). */

void out_screen_begin(FILE *fp)
{
	/* Alternate screen, cursor hidden: the shell's screen comes back
	 * untouched on exit. */
	fputs("\033[?1049h\033[?25l", fp);
}

void out_screen_frame(FILE *fp)
{
	fputs("\033[H", fp);
}

void out_screen_line(FILE *fp, int width, const char *line)
{
	int len = (int)strlen(line);

	if (width > 0 && len > width)
		len = width;
	fwrite(line, 1, (size_t)len, fp);
	fputs("\033[K\n", fp);
}

void out_screen_flush(FILE *fp)
{
	fputs("\033[J", fp);
	fflush(fp);
}

void out_screen_end(FILE *fp)
{
	fputs("\033[?25h\033[?1049l", fp);
	fflush(fp);
}
