/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One print path for text and JSON (iproute2's json_print idea): a command
 * describes each value once, with its JSON key and its text format, so the
 * two outputs never drift apart.
 *
 * In text mode a value prints through its format (NULL: not in the text);
 * keys are ignored. In JSON mode formats are ignored and a value becomes
 * "key": value in the current object, or a bare element inside an array
 * (key NULL). The text formats take exactly one argument of the type the
 * function names: out_uint "%llu", out_int "%lld", out_string "%s",
 * out_bool "%s" (given "yes"/"no"), out_double "%g".
 */
#ifndef MPTCPSHIM_OUTPUT_H
#define MPTCPSHIM_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

struct out;

/* A printer on fp; JSON output starts with the top-level object open. */
struct out *out_new(FILE *fp, bool json);
/* Closes what is still open (JSON), ends with a newline and frees. */
void out_end(struct out *out);

bool out_is_json(const struct out *out);

void out_object_open(struct out *out, const char *key);
void out_object_close(struct out *out);
void out_array_open(struct out *out, const char *key);
void out_array_close(struct out *out);

void out_uint(struct out *out, const char *key, const char *fmt,
	      unsigned long long value);
void out_int(struct out *out, const char *key, const char *fmt,
	     long long value);
/* value NULL is JSON null and "-" in text. */
void out_string(struct out *out, const char *key, const char *fmt,
		const char *value);
void out_bool(struct out *out, const char *key, const char *fmt, bool value);
/* "%g"-style; JSON gets up to 6 significant digits. */
void out_double(struct out *out, const char *key, const char *fmt,
		double value);

/* Text only (JSON ignores it). */
void out_text(struct out *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Writes s as a JSON string literal, quotes included; invalid UTF-8 bytes
 * become U+FFFD so the document always parses. */
void out_json_string(FILE *fp, const char *s);

#endif

/*
 * Full-screen primitives for `top` (ANSI/VT100): the alternate screen,
 * frames drawn from the top left, lines cut at the terminal width so a
 * narrow terminal never wraps the table. Text mode only.
 */
void out_screen_begin(FILE *fp);
/* Starts a frame: cursor to the top left. */
void out_screen_frame(FILE *fp);
/* One line of at most width columns, the rest of the row cleared. */
void out_screen_line(FILE *fp, int width, const char *line);
/* Ends a frame: clears below the last line, flushes. */
void out_screen_flush(FILE *fp);
/* Restores the normal screen and the cursor. */
void out_screen_end(FILE *fp);
