// SPDX-License-Identifier: BSD-3-Clause
/* The text/JSON printer every command's standard output goes through. */
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
	bool spaced;		/* OUT_JSON_SPACED */
};

struct out *out_new(FILE *fp, bool json)
{
	return out_new_flags(fp, json, 0);
}

struct out *out_new_flags(FILE *fp, bool json, unsigned flags)
{
	struct out *out = calloc(1, sizeof(*out));

	if (!out)
		return NULL;
	out->fp = fp;
	out->json = json;
	out->spaced = flags & OUT_JSON_SPACED;
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

void out_flush(struct out *out)
{
	fflush(out->fp);
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

/* The characters JSON has a short escape for. */
static const char *const json_escapes[] = {
	['"'] = "\\\"", ['\\'] = "\\\\", ['\n'] = "\\n", ['\t'] = "\\t",
	['\r'] = "\\r",
};

void out_json_string(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', fp);
	while (*s) {
		size_t len = 1;

		if (*s < sizeof(json_escapes) / sizeof(*json_escapes) &&
		    json_escapes[*s]) {
			fputs(json_escapes[*s], fp);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(fp, "\\u%04x", *s);
		} else if ((len = utf8_sequence(s)) == 0) {
			fputs("\\ufffd", fp);
			len = 1;
		} else if (len == 2 && s[0] == 0xc2 && s[1] < 0xa0) {
			/* C1 controls are valid JSON raw, but a terminal
			 * showing the document would obey them. */
			fprintf(fp, "\\u%04x", s[1]);
		} else {
			fwrite(s, 1, len, fp);
		}
		s += len;
	}
	fputc('"', fp);
}

/* Whether out_safe_text() writes the bytes at s (len 1+) as they are;
 * *len is how many it looks at together. */
static bool safe_as_is(const unsigned char *s, bool keep_layout, size_t *len)
{
	*len = 1;
	if (*s < 0x20 || *s == 0x7f)
		return keep_layout && (*s == '\n' || *s == '\t');
	if (*s < 0x80)
		return true;
	/* Not UTF-8, or a C1 control (0x9b is CSI). */
	if ((*len = utf8_sequence(s)) == 0) {
		*len = 1;
		return false;
	}
	return !(*len == 2 && s[0] == 0xc2 && s[1] < 0xa0);
}

void out_safe_text(FILE *fp, const char *str, bool keep_layout)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t len;

		if (safe_as_is(s, keep_layout, &len))
			fwrite(s, 1, len, fp);
		else
			for (size_t i = 0; i < len; i++)
				fprintf(fp, "\\x%02x", s[i]);
		s += len;
	}
}

bool out_safe_text_verbatim(const char *str, bool keep_layout)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len;

	for (; *s; s += len)
		if (!safe_as_is(s, keep_layout, &len))
			return false;
	return true;
}

void out_prom_escaped(FILE *fp, const char *str, bool label)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t len = 1;
		bool unsafe = *s < 0x20 || *s == 0x7f;

		if (!unsafe && *s >= 0x80) {
			len = utf8_sequence(s);
			unsafe = len == 0 || (len == 2 && s[0] == 0xc2 &&
					      s[1] < 0xa0);
			len = len ? len : 1;
		}
		if (*s == '\\') {
			/* A label value's own backslash is doubled too: its
			 * \xNN below must not meet a name holding "\xNN". */
			fputs(label ? "\\\\\\\\" : "\\\\", fp);
		} else if (*s == '\n') {
			fputs("\\n", fp);
		} else if (*s == '"' && label) {
			fputs("\\\"", fp);
		} else if (unsafe && label) {
			/* Label values are identities (two interfaces
			 * "t\1x" and "t\2x" are two series): each byte that
			 * is not printable UTF-8 becomes the text \xNN. */
			for (size_t i = 0; i < len; i++)
				fprintf(fp, "\\\\x%02x", s[i]);
		} else if (unsafe) {
			fputs("\xef\xbf\xbd", fp);	/* U+FFFD */
		} else {
			fwrite(s, 1, len, fp);
		}
		s += len;
	}
}

/* value escaped as out_safe_text() does, for a caller's format. */
static char *safe_copy(const char *value, bool keep_layout)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem)
		return NULL;
	out_safe_text(mem, value, keep_layout);
	if (fclose(mem) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The separator and key before a JSON value at the current level. */
static void json_key(struct out *out, const char *key)
{
	int level = out->depth - 1;

	if (level >= 0) {
		if (!out->first[level])
			fputs(out->spaced ? ", " : ",", out->fp);
		out->first[level] = false;
	}
	if (key && (level < 0 || !out->is_array[level])) {
		out_json_string(out->fp, key);
		fputs(out->spaced ? ": " : ":", out->fp);
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

/* One number: as json_fmt under key in JSON, else as the caller's fmt
 * (nothing when fmt is NULL). */
static void out_number(struct out *out, const char *key, const char *json_fmt,
		       const char *fmt, ...)
{
	va_list ap;

	if (!out->json && !fmt)
		return;
	va_start(ap, fmt);
	if (out->json) {
		json_key(out, key);
		vfprintf(out->fp, json_fmt, ap);
	} else {
		vfprintf(out->fp, fmt, ap);
	}
	va_end(ap);
}

void out_uint(struct out *out, const char *key, const char *fmt,
	      unsigned long long value)
{
	out_number(out, key, "%llu", fmt, value);
}

void out_int(struct out *out, const char *key, const char *fmt,
	     long long value)
{
	out_number(out, key, "%lld", fmt, value);
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
		out_text_string(out, fmt, value);
	}
}

void out_text_string(struct out *out, const char *fmt, const char *value)
{
	char *safe;

	if (out->json || !fmt)
		return;
	safe = value ? safe_copy(value, false) : NULL;
	fprintf(out->fp, fmt, safe ? safe : value ? "?" : "-");
	free(safe);
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
	char *text;
	int n;

	if (out->json)
		return;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* The arguments may be names from files or the command line. */
	out_safe_text(out->fp, text, true);
	free(text);
}

void out_terminal_control(struct out *out, const char *sequence)
{
	if (!out->json)
		fputs(sequence, out->fp);
}

void out_usage(FILE *fp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
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

const char *out_shell_word(const char *s, char *buf, size_t len)
{
	size_t used = 0;

	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789:_.@%+,/=-") == strlen(s))
		return s;
	if (len < 3)
		return "''";
	buf[used++] = '\'';
	for (; *s; s++) {
		const char *piece = *s == '\'' ? "'\\''" : NULL;
		size_t n = piece ? 4 : 1;

		/* Room for the piece, the closing quote and the NUL. */
		if (used + n + 2 > len)
			break;
		if (piece)
			memcpy(buf + used, piece, n);
		else
			buf[used] = *s;
		used += n;
	}
	buf[used++] = '\'';
	buf[used] = '\0';
	return buf;
}
