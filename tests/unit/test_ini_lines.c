// SPDX-License-Identifier: BSD-3-Clause
/*
 * The line reader against the real inih: each test runs the same text
 * through inih alone (its own string or FILE reader) and through inih with
 * our reader, and checks both what inih does (the rule our reader mirrors)
 * and what our reader makes of it. A new inih that reads lines differently
 * fails here, naming the rule, instead of misleading users of
 * `policy check`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <ini.h>

#include "ini_lines.h"

#define MAX_CALLS 16

/* What inih handed the handler, and how our reader saw that line. */
struct record {
	int n;
	struct {
		char section[64];
		char name[64];
		char value[512];
		unsigned lineno;	/* our count; 0 for inih alone */
		bool indented;
	} call[MAX_CALLS];
	struct ini_lines *lines;
};

/* What our reader reported by itself. */
struct seen {
	int n_unhandled;
	struct {
		unsigned lineno;
		enum ini_line_kind kind;
		char section[INI_LINES_SECTION_MAX];
	} unhandled[MAX_CALLS];
	int n_problems;
	struct {
		unsigned lineno;
		enum ini_lines_problem what;
		size_t limit;
	} problem[MAX_CALLS];
};

static int on_pair(void *user, const char *section, const char *name,
		   const char *value)
{
	struct record *rec = user;

	assert_true(rec->n < MAX_CALLS);
	snprintf(rec->call[rec->n].section, sizeof(rec->call[0].section), "%s",
		 section);
	snprintf(rec->call[rec->n].name, sizeof(rec->call[0].name), "%s",
		 name);
	snprintf(rec->call[rec->n].value, sizeof(rec->call[0].value), "%s",
		 value ? value : "(null)");
	if (rec->lines) {
		rec->call[rec->n].lineno = rec->lines->lineno;
		rec->call[rec->n].indented = rec->lines->indented;
		ini_lines_handled(rec->lines);
	}
	rec->n++;
	return 1;
}

static void on_unhandled(void *ctx, const struct ini_lines *r)
{
	struct seen *s = ctx;

	assert_true(s->n_unhandled < MAX_CALLS);
	s->unhandled[s->n_unhandled].lineno = r->lineno;
	s->unhandled[s->n_unhandled].kind = r->kind;
	memcpy(s->unhandled[s->n_unhandled].section, r->section,
	       r->section_len + 1);
	s->n_unhandled++;
}

static void on_problem(void *ctx, unsigned lineno, enum ini_lines_problem what,
		       size_t limit)
{
	struct seen *s = ctx;

	assert_true(s->n_problems < MAX_CALLS);
	s->problem[s->n_problems].lineno = lineno;
	s->problem[s->n_problems].what = what;
	s->problem[s->n_problems].limit = limit;
	s->n_problems++;
}

/* inih alone, reading len bytes (NUL bytes included) with fgets. */
static int inih_alone(const char *text, size_t len, struct record *rec)
{
	FILE *in = fmemopen((void *)text, len, "r");
	int rc;

	assert_non_null(in);
	memset(rec, 0, sizeof(*rec));
	rc = ini_parse_file(in, on_pair, rec);
	fclose(in);
	return rc;
}

static int reader_num;	/* the num inih passes a reader */

static char *spy_read(char *str, int num, void *stream)
{
	reader_num = num;
	return ini_lines_read(str, num, stream);
}

static int with_reader_max(const char *text, size_t len, size_t max_bytes,
			   struct record *rec, struct seen *seen)
{
	FILE *in = fmemopen((void *)text, len, "r");
	struct ini_lines r;
	int rc;

	assert_non_null(in);
	memset(rec, 0, sizeof(*rec));
	memset(seen, 0, sizeof(*seen));
	assert_true(ini_lines_open(&r, in, max_bytes, on_unhandled,
				   on_problem, seen));
	rec->lines = &r;
	rc = ini_parse_stream(spy_read, &r, on_pair, rec);
	ini_lines_close(&r);
	fclose(in);
	return rc;
}

static int with_reader(const char *text, struct record *rec,
		       struct seen *seen)
{
	return with_reader_max(text, strlen(text), 1 << 20, rec, seen);
}

#define ALONE(text, rec) inih_alone(text, strlen(text), rec)

static void assert_call(const struct record *rec, int i, const char *name,
			const char *value)
{
	assert_true(i < rec->n);
	assert_string_equal(rec->call[i].name, name);
	assert_string_equal(rec->call[i].value, value);
}

/* The same key/value calls in the same order (the section argument may
 * differ: we keep our own, see test_section_name_cut). */
static void assert_same_pairs(const struct record *a, const struct record *b)
{
	assert_int_equal(a->n, b->n);
	for (int i = 0; i < a->n; i++)
		assert_call(b, i, a->call[i].name, a->call[i].value);
}

/* ---- the tests, one per rule of inih's that the reader relies on ---- */

/* inih skips a UTF-8 BOM on line 1 only; so does the reader's view. */
static void test_bom(void **state)
{
	static const char first[] = "\xEF\xBB\xBF[s]\nk = v\n";
	static const char second[] = "[s]\n\xEF\xBB\xBFk = v\n";
	struct record alone, ours;
	struct seen seen;

	(void)state;
	assert_int_equal(ALONE(first, &alone), 0);
	/* One call: inih calls nobody for a header (built without
	 * INI_CALL_HANDLER_ON_NEW_SECTION), which the reader relies on. */
	assert_int_equal(alone.n, 1);
	assert_string_equal(alone.call[0].section, "s");
	assert_int_equal(with_reader(first, &ours, &seen), 0);
	assert_int_equal(seen.n_unhandled, 1);
	assert_int_equal(seen.unhandled[0].kind, INI_LINE_SECTION);
	assert_string_equal(seen.unhandled[0].section, "s");
	assert_same_pairs(&alone, &ours);
	assert_false(ours.call[0].indented);

	/* On line 2 the BOM is part of the key name. */
	assert_int_equal(ALONE(second, &alone), 0);
	assert_call(&alone, 0, "\xEF\xBB\xBFk", "v");
	assert_int_equal(with_reader(second, &ours, &seen), 0);
	assert_same_pairs(&alone, &ours);
}

/* ';' and '#' start a comment line, after any indentation; blank lines
 * and comments reach nobody. */
static void test_comment_lines(void **state)
{
	static const char text[] = "; a\n# b\n   ; c\n\t# d\n\n  \n";
	struct record alone, ours;
	struct seen seen;

	(void)state;
	assert_int_equal(ALONE(text, &alone), 0);
	assert_int_equal(alone.n, 0);
	assert_int_equal(with_reader(text, &ours, &seen), 0);
	assert_int_equal(ours.n, 0);
	assert_int_equal(seen.n_unhandled, 0);
	assert_int_equal(seen.n_problems, 0);
}

/* Only ';' after whitespace starts an inline comment; '#' never does. */
static void test_inline_comments(void **state)
{
	static const char text[] = "[s]\na = 1 ; c\nb = 2;c\nc = 3 # c\n"
				   "d = 4\t; c\n";
	struct record alone, ours;
	struct seen seen;

	(void)state;
	assert_int_equal(ALONE(text, &alone), 0);
	assert_call(&alone, 0, "a", "1");
	assert_call(&alone, 1, "b", "2;c");
	assert_call(&alone, 2, "c", "3 # c");
	assert_call(&alone, 3, "d", "4");
	assert_int_equal(with_reader(text, &ours, &seen), 0);
	assert_same_pairs(&alone, &ours);
	for (int i = 0; i < ours.n; i++)
		assert_int_equal(ours.call[i].lineno, (unsigned)i + 2);
}

/* A header ends at ']' or at a ';' comment after whitespace (then it has
 * no ']': an error); text after ']' is ignored. */
static void test_section_header_end(void **state)
{
	static const struct {
		const char *text;
		int inih_rc;
		enum ini_line_kind kind;
		const char *section;
	} cases[] = {
		{ "[a ;b]\nk = v\n", 1, INI_LINE_SECTION_OPEN, NULL },
		{ "[a;b]\nk = v\n", 0, INI_LINE_SECTION, "a;b" },
		{ "[s] trailing ; text\nk = v\n", 0, INI_LINE_SECTION, "s" },
		{ "[s\nk = v\n", 1, INI_LINE_SECTION_OPEN, NULL },
		{ "  [ s ]\nk = v\n", 0, INI_LINE_SECTION, " s " },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct record alone, ours;
		struct seen seen;

		print_message("case %zu\n", i);
		assert_int_equal(ALONE(cases[i].text, &alone),
				 cases[i].inih_rc);
		assert_int_equal(with_reader(cases[i].text, &ours, &seen),
				 cases[i].inih_rc);
		assert_int_equal(seen.n_unhandled, 1);
		assert_int_equal(seen.unhandled[0].lineno, 1);
		assert_int_equal(seen.unhandled[0].kind, cases[i].kind);
		assert_same_pairs(&alone, &ours);
		if (cases[i].section) {
			assert_string_equal(alone.call[0].section,
					    cases[i].section);
			assert_string_equal(seen.unhandled[0].section,
					    cases[i].section);
		}
	}
}

/* inih cuts section names (MAX_SECTION, 50) when it passes them on; the
 * reader keeps the whole name, which is why the parser ignores inih's. */
static void test_section_name_cut(void **state)
{
	char text[128], name[80];
	struct record alone, ours;
	struct seen seen;

	(void)state;
	memset(name, 'n', 60);
	name[60] = '\0';
	snprintf(text, sizeof(text), "[%s]\nk = v\n", name);
	assert_int_equal(ALONE(text, &alone), 0);
	assert_int_equal(strlen(alone.call[0].section), 49);
	assert_int_equal(with_reader(text, &ours, &seen), 0);
	assert_string_equal(seen.unhandled[0].section, name);
}

/* An indented line after a key continues it, across blank and comment
 * lines; any whitespace indents. */
static void test_continuation(void **state)
{
	static const char text[] = "[s]\nk = a\n  b\n\n; c\n\tc\n\v d\n";
	struct record alone, ours;
	struct seen seen;

	(void)state;
	assert_int_equal(ALONE(text, &alone), 0);
	assert_int_equal(alone.n, 4);
	assert_call(&alone, 0, "k", "a");
	assert_call(&alone, 1, "k", "b");
	assert_call(&alone, 2, "k", "c");
	assert_call(&alone, 3, "k", "d");
	assert_int_equal(with_reader(text, &ours, &seen), 0);
	assert_same_pairs(&alone, &ours);
	assert_false(ours.call[0].indented);
	assert_true(ours.call[1].indented && ours.call[2].indented &&
		    ours.call[3].indented);
	assert_int_equal(ours.call[2].lineno, 6);
	assert_int_equal(seen.n_unhandled, 1);	/* the header */
}

/* A header ends continuation: an indented line after it is a line of
 * its own. The reader hands inih "[]" for a header, so this checks that
 * the stand-in ends continuation as the real header does. */
static void test_header_ends_continuation(void **state)
{
	static const char bare[] = "[s]\nk = a\n[t]\n  b\n";
	static const char pair[] = "[s]\nk = a\n[t]\n  x = y\n";
	struct record alone, ours;
	struct seen seen;

	(void)state;
	assert_int_equal(ALONE(bare, &alone), 4);
	assert_int_equal(alone.n, 1);
	assert_int_equal(with_reader(bare, &ours, &seen), 4);
	assert_same_pairs(&alone, &ours);
	assert_int_equal(seen.n_unhandled, 3);
	assert_int_equal(seen.unhandled[2].lineno, 4);
	assert_int_equal(seen.unhandled[2].kind, INI_LINE_OTHER);

	assert_int_equal(ALONE(pair, &alone), 0);
	assert_call(&alone, 1, "x", "y");
	assert_string_equal(alone.call[1].section, "t");
	assert_int_equal(with_reader(pair, &ours, &seen), 0);
	assert_same_pairs(&alone, &ours);
	assert_true(ours.call[1].indented);
}

/* An indented header right after a key is a continuation value, not a
 * header: it reaches the handler (the reader must not stand in "[]"). */
static void test_indented_header_continues(void **state)
{
	static const char text[] = "[s]\nk = a\n\t[x]\n";
	struct record alone, ours;
	struct seen seen;

	(void)state;
	assert_int_equal(ALONE(text, &alone), 0);
	assert_call(&alone, 1, "k", "[x]");
	assert_int_equal(with_reader(text, &ours, &seen), 0);
	assert_same_pairs(&alone, &ours);
	assert_int_equal(seen.n_unhandled, 1);	/* only [s] */
}

/* inih before r56 leaves " ; comment" in a continuation line's value (the
 * parser then cuts it itself), r56 on cuts it as on first lines: the
 * linked inih does what the configure-time probe found. If this fails,
 * the build's probe and the inih it links disagree: configure again. */
static void test_continuation_inline_comment(void **state)
{
	static const char text[] = "[s]\nk = a ; x\n  b ; c\n";
	struct record alone, ours;
	struct seen seen;

	(void)state;
	assert_int_equal(ALONE(text, &alone), 0);
	assert_call(&alone, 0, "k", "a");
	assert_call(&alone, 1, "k",
		    MPTCPSHIM_INIH_STRIPS_CONTINUATION_COMMENTS ? "b" : "b ; c");
	assert_int_equal(with_reader(text, &ours, &seen), 0);
	assert_same_pairs(&alone, &ours);
}

/* ':' separates like '='; a line with neither is an error no handler
 * hears of, and inih's error line is ours. */
static void test_separators_and_errors(void **state)
{
	static const char text[] = "[s]\nk: v\njunk\n= x\nmore junk\n";
	struct record alone, ours;
	struct seen seen;

	(void)state;
	/* Two calls: "junk" reaches nobody (no INI_ALLOW_NO_VALUE), and
	 * inih reads on after an error (no INI_STOP_ON_FIRST_ERROR). */
	assert_int_equal(ALONE(text, &alone), 3);
	assert_int_equal(alone.n, 2);
	assert_call(&alone, 0, "k", "v");
	assert_call(&alone, 1, "", "x");
	assert_int_equal(with_reader(text, &ours, &seen), 3);
	assert_same_pairs(&alone, &ours);
	assert_int_equal(seen.n_unhandled, 3);
	assert_int_equal(seen.unhandled[1].lineno, 3);
	assert_int_equal(seen.unhandled[1].kind, INI_LINE_OTHER);
	assert_int_equal(seen.unhandled[2].lineno, 5);
}

/* inih passes its readers INI_MAX_LINE; a line that does not leave room
 * for its '\n' takes inih's long-line path, which cuts it (and calls the
 * handler with the cut value). The reader accepts only lines that leave
 * that room and blanks the others, so nothing cut takes effect. */
static void test_long_lines(void **state)
{
	size_t limit = ini_lines_limit(INI_MAX_LINE);
	char text[2 * INI_MAX_LINE + 64], value[2 * INI_MAX_LINE];
	struct record alone, ours;
	struct seen seen;

	(void)state;
	assert_int_equal(INI_MAX_LINE, 200);
	/* "k = " + value fills the limit exactly: taken whole by both. */
	memset(value, 'v', limit - 4);
	value[limit - 4] = '\0';
	snprintf(text, sizeof(text), "[s]\nk = %s\nz = 1\n", value);
	assert_int_equal(ALONE(text, &alone), 0);
	assert_call(&alone, 0, "k", value);
	assert_int_equal(with_reader(text, &ours, &seen), 0);
	assert_int_equal(reader_num, INI_MAX_LINE);
	assert_same_pairs(&alone, &ours);
	assert_int_equal(seen.n_problems, 0);

	/* One character more fills inih's buffer without the '\n': inih
	 * takes the value whole, then goes down its long-line path for the
	 * '\n' (r59 on: reads it away, an error on line 2; before: a blank
	 * line 3)... */
	strcat(value, "w");
	snprintf(text, sizeof(text), "[s]\nk = %s\nz = 1\n", value);
	assert_int_equal(ALONE(text, &alone),
			 MPTCPSHIM_INIH_DISCARDS_LONG_LINE_REST ? 2 : 0);
	assert_int_equal(alone.n, 2);
	assert_call(&alone, 0, "k", value);
	/* ... and longer lines it cuts there, still calling the handler
	 * with the cut value (r59 on: the rest read away, an error on line
	 * 2; before: the rest parsed as line 3, an error there). */
	{
		char longer[2 * INI_MAX_LINE + 64];

		snprintf(longer, sizeof(longer), "[s]\nk = %s%s\nz = 1\n",
			 value, "wwwwwwwwwwwwwwwwwwww");
		assert_int_equal(ALONE(longer, &alone),
				 MPTCPSHIM_INIH_DISCARDS_LONG_LINE_REST ? 2 : 3);
		assert_int_equal(alone.n, 2);
		assert_int_equal(strlen(alone.call[0].value),
				 INI_MAX_LINE - 1 - 4);
		assert_call(&alone, 1, "z", "1");
	}
	assert_int_equal(with_reader(text, &ours, &seen), 0);
	assert_int_equal(seen.n_problems, 1);
	assert_int_equal(seen.problem[0].what, INI_LINES_TOO_LONG);
	assert_int_equal(seen.problem[0].lineno, 2);
	assert_int_equal(seen.problem[0].limit, limit);
	assert_int_equal(ours.n, 1);	/* nothing of line 2 */
	assert_call(&ours, 0, "z", "1");
	assert_int_equal(ours.call[0].lineno, 3);
}

/* inih reads a line with fgets and measures it with strlen: a NUL byte
 * silently cuts the value. The reader refuses the line. */
static void test_nul_byte(void **state)
{
	static const char text[] = "[s]\nk = a\0b\nz = 1\n";
	struct record alone, ours;
	struct seen seen;

	(void)state;
	assert_int_equal(inih_alone(text, sizeof(text) - 1, &alone), 0);
	assert_call(&alone, 0, "k", "a");
	assert_int_equal(with_reader_max(text, sizeof(text) - 1, 1 << 20,
					 &ours, &seen), 0);
	assert_int_equal(seen.n_problems, 1);
	assert_int_equal(seen.problem[0].what, INI_LINES_NUL);
	assert_int_equal(seen.problem[0].lineno, 2);
	assert_int_equal(ours.n, 1);
	assert_call(&ours, 0, "z", "1");
}

/* '\r' is whitespace to inih: CRLF files read like LF files. */
static void test_crlf(void **state)
{
	static const char text[] = "[s]\r\nk = v\r\n  w\r\n;c\r\n";
	struct record alone, ours;
	struct seen seen;

	(void)state;
	assert_int_equal(ALONE(text, &alone), 0);
	assert_call(&alone, 0, "k", "v");
	assert_call(&alone, 1, "k", "w");
	assert_int_equal(with_reader(text, &ours, &seen), 0);
	assert_same_pairs(&alone, &ours);
	assert_string_equal(seen.unhandled[0].section, "s");
}

/* A last line without '\n' still counts; the size limit stops reading. */
static void test_end_and_size_limit(void **state)
{
	static const char text[] = "[s]\nk = v";	/* 9 bytes */
	struct record alone, ours;
	struct seen seen;

	(void)state;
	assert_int_equal(ALONE(text, &alone), 0);
	assert_call(&alone, 0, "k", "v");
	assert_int_equal(with_reader_max(text, 9, 9, &ours, &seen), 0);
	assert_same_pairs(&alone, &ours);
	assert_int_equal(seen.n_problems, 0);

	assert_int_equal(with_reader_max(text, 9, 8, &ours, &seen), 0);
	assert_int_equal(seen.n_problems, 1);
	assert_int_equal(seen.problem[0].what, INI_LINES_TOO_BIG);
	assert_int_equal(seen.problem[0].lineno, 0);
	assert_int_equal(seen.problem[0].limit, 8);
	assert_int_equal(ours.n, 0);
}

/* Lines longer than the reader's block buffer are still one line. */
static void test_lines_across_blocks(void **state)
{
	size_t n = 40000, len = 0;
	char *text = malloc(n * 8 + 16);
	struct record rec;
	struct seen seen;

	(void)state;
	assert_non_null(text);
	len += (size_t)sprintf(text, "[s]\n");
	while (len < n * 8 - 16)
		len += (size_t)sprintf(text + len, ";%06zu\n", len);
	len += (size_t)sprintf(text + len, "k = v\n");
	assert_int_equal(with_reader_max(text, len, len, &rec, &seen), 0);
	assert_int_equal(seen.n_problems, 0);
	assert_int_equal(rec.n, 1);
	/* every line is 8 bytes but the first (4) and the last */
	assert_int_equal(rec.call[0].lineno, (len - 4 - 6) / 8 + 2);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_comment_lines),
		cmocka_unit_test(test_inline_comments),
		cmocka_unit_test(test_section_header_end),
		cmocka_unit_test(test_section_name_cut),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_header_ends_continuation),
		cmocka_unit_test(test_indented_header_continues),
		cmocka_unit_test(test_continuation_inline_comment),
		cmocka_unit_test(test_separators_and_errors),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_end_and_size_limit),
		cmocka_unit_test(test_lines_across_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
