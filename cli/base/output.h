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
 *
 * Nothing a user or a file supplied reaches a terminal raw: in text mode
 * control characters (C0, DEL, C1) and bytes that are not UTF-8 print as
 * \xNN (out_string escapes newlines and tabs too: one value, one line);
 * in JSON they are escaped, and invalid UTF-8 becomes U+FFFD.
 *
 * Every command writes its standard output through this file (help text
 * through out_usage()); errors go to stderr through cli_error().
 */
#ifndef MPTCPSHIM_OUTPUT_H
#define MPTCPSHIM_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

struct out;

/* A printer on fp; JSON output starts with the top-level object open. */
struct out *out_new(FILE *fp, bool json);

/* out_new() flags. OUT_JSON_SPACED: ": " after keys and ", " between
 * values (for output people read as well as parse); default compact. */
enum { OUT_JSON_SPACED = 1 };
struct out *out_new_flags(FILE *fp, bool json, unsigned flags);
/* Closes what is still open (JSON), ends with a newline and frees. */
void out_end(struct out *out);

bool out_is_json(const struct out *out);

/* Writes out what is buffered, e.g. before a child shares the stream. */
void out_flush(struct out *out);

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
 * become U+FFFD so the document always parses; control characters (C1
 * included) are escaped. */
void out_json_string(FILE *fp, const char *s);

/* s inside a Prometheus text-format label value (label) or HELP text,
 * so that a scrape always parses. HELP: \\ and newline escaped, bytes
 * that are not printable UTF-8 become U+FFFD. Label: newline and " escaped,
 * and the value stays one-to-one with s (a label is an identity): such
 * bytes become the text \xNN and a backslash of s is doubled. The one
 * escaper of `metrics`. */
void out_prom_escaped(FILE *fp, const char *s, bool label);

/* A value of its own in text mode (key ignored) that JSON leaves out:
 * out_string()'s escaping without the JSON half. */
void out_text_string(struct out *out, const char *fmt, const char *value);

/* s as text for a terminal: printable UTF-8 as is, everything else \xNN;
 * keep_layout keeps '\n' and '\t'. The one text escaper of the CLI. */
void out_safe_text(FILE *fp, const char *s, bool keep_layout);

/*
 * s as one word for a POSIX shell, for the commands we print for a user to
 * run (an interface or unit name may hold '$', quotes, ';'): s itself when
 * it holds only characters no shell treats specially, else single-quoted
 * into buf (a long one cut to fit len). OUT_SHELL_WORD_MAX(n) holds any
 * n-byte s.
 */
#define OUT_SHELL_WORD_MAX(n) (4 * (n) + 3)
const char *out_shell_word(const char *s, char *buf, size_t len);

/* Whether out_safe_text() writes s unchanged: output that a program reads
 * back (env's lines) must refuse what would be escaped. */
bool out_safe_text_verbatim(const char *s, bool keep_layout);

/* A terminal control sequence of the program's own (e.g. a screen
 * redraw), written as is in text mode and never in JSON; the one way to
 * send escapes, so that none comes from data. */
void out_terminal_control(struct out *out, const char *sequence);

/* Help and usage text (the program's own words) to fp: stdout for --help,
 * stderr after a usage error. */
void out_usage(FILE *fp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

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

#endif
