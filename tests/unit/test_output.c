// SPDX-License-Identifier: BSD-3-Clause
/* The text/JSON printer: nesting, separators, escaping, text formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output.h"

struct capture {
	char *buf;
	size_t len;
	FILE *fp;
};

static struct out *begin(struct capture *c, bool json)
{
	c->buf = NULL;
	c->fp = open_memstream(&c->buf, &c->len);
	assert_non_null(c->fp);
	return out_new(c->fp, json);
}

static const char *finish(struct capture *c, struct out *out)
{
	out_end(out);
	fclose(c->fp);
	return c->buf;
}

static void describe(struct out *out)
{
	out_string(out, "name", "name %s\n", "curl");
	out_uint(out, "count", "count %llu\n", 3);
	out_int(out, "delta", "delta %lld\n", -2);
	out_bool(out, "ok", "ok %s\n", true);
	out_double(out, "interval", "every %g s\n", 0.5);
	out_string(out, "missing", "missing %s\n", NULL);
	out_uint(out, "json_only", NULL, 7);
	out_text(out, "text only\n");
	out_array_open(out, "list");
	out_uint(out, NULL, "[%llu]", 1);
	out_uint(out, NULL, "[%llu]", 2);
	out_object_open(out, NULL);
	out_string(out, "k", "<%s>", "v");
	out_object_close(out);
	out_array_close(out);
	out_object_open(out, "empty");
	out_object_close(out);
}

static void test_json(void **state)
{
	struct capture c;
	struct out *out = begin(&c, true);

	(void)state;
	assert_true(out_is_json(out));
	describe(out);
	assert_string_equal(finish(&c, out),
			    "{\"name\":\"curl\",\"count\":3,\"delta\":-2,"
			    "\"ok\":true,\"interval\":0.5,\"missing\":null,"
			    "\"json_only\":7,\"list\":[1,2,{\"k\":\"v\"}],"
			    "\"empty\":{}}\n");
	free(c.buf);
}

static void test_text(void **state)
{
	struct capture c;
	struct out *out = begin(&c, false);

	(void)state;
	assert_false(out_is_json(out));
	describe(out);
	assert_string_equal(finish(&c, out),
			    "name curl\ncount 3\ndelta -2\nok yes\n"
			    "every 0.5 s\nmissing -\ntext only\n[1][2]<v>");
	free(c.buf);
}

/* out_end closes whatever a caller left open, so JSON always parses. */
static void test_unbalanced_closed(void **state)
{
	struct capture c;
	struct out *out = begin(&c, true);

	(void)state;
	out_array_open(out, "a");
	out_object_open(out, NULL);
	out_uint(out, "x", NULL, 1);
	assert_string_equal(finish(&c, out), "{\"a\":[{\"x\":1}]}\n");
	free(c.buf);
}

static void test_escaping(void **state)
{
	char *buf = NULL;
	size_t len;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	out_json_string(fp, "a\"b\\c\nd\te\r\x01\x7f");
	fputc(' ', fp);
	out_json_string(fp, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	fputc(' ', fp);
	/* Invalid UTF-8: lone continuation, truncated sequence, overlong
	 * '/', surrogate. */
	out_json_string(fp, "\x80|\xc3|\xc0\xaf|\xed\xa0\x80|ok");
	fclose(fp);
	assert_string_equal(buf,
			    "\"a\\\"b\\\\c\\nd\\te\\r\\u0001\\u007f\" "
			    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\" "
			    "\"\\ufffd|\\ufffd|\\ufffd\\ufffd|"
			    "\\ufffd\\ufffd\\ufffd|ok\"");
	free(buf);
}

/* A string printed by fn into memory. */
static char *printed(void (*fn)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	fn(fp, s);
	fclose(fp);
	return buf;
}

static void json_string_to(FILE *fp, const char *s)
{
	out_json_string(fp, s);
}

static void safe_text_to(FILE *fp, const char *s)
{
	out_safe_text(fp, s, false);
}

static void safe_layout_to(FILE *fp, const char *s)
{
	out_safe_text(fp, s, true);
}

/* C1 controls (U+0080..U+009F) are valid UTF-8, but U+009B is CSI to a
 * terminal: JSON escapes them as well; U+00A0 is the first printable. */
static void test_json_escapes_c1(void **state)
{
	char *s = printed(json_string_to, "a\xc2\x9b[31mb\xc2\x85\xc2\xa0");

	(void)state;
	assert_string_equal(s, "\"a\\u009b[31mb\\u0085\xc2\xa0\"");
	free(s);
}

/* Text mode: no raw control byte, no raw non-UTF-8 byte, printable
 * UTF-8 untouched. */
static void test_text_escapes(void **state)
{
	char *s;

	(void)state;
	s = printed(safe_text_to, "ok caf\xc3\xa9 \x1b[2J\x07\x7f");
	assert_string_equal(s, "ok caf\xc3\xa9 \\x1b[2J\\x07\\x7f");
	free(s);
	/* C1 CSI as UTF-8 and as a lone byte; a truncated sequence. */
	s = printed(safe_text_to, "\xc2\x9b" "6n|\x9b" "6n|\xe2\x82");
	assert_string_equal(s, "\\xc2\\x9b6n|\\x9b6n|\\xe2\\x82");
	free(s);
	/* One value, one line: newline and tab escaped... */
	s = printed(safe_text_to, "a\nb\tc\r");
	assert_string_equal(s, "a\\x0ab\\x09c\\x0d");
	free(s);
	/* ...unless the text is laid out (out_text's formats). */
	s = printed(safe_layout_to, "a\nb\tc\r");
	assert_string_equal(s, "a\nb\tc\\x0d");
	free(s);
}

/* out_string and out_text escape in text mode; JSON escapes its way. */
static void test_values_escaped(void **state)
{
	struct capture c;
	struct out *out = begin(&c, false);

	(void)state;
	out_string(out, "name", "name %s\n", "evil\x1b]0;title\x07\nnext");
	out_text(out, "file %s\n", "x\x1b[31m");
	out_text_string(out, "only %s\n", "\x9b");
	assert_string_equal(finish(&c, out),
			    "name evil\\x1b]0;title\\x07\\x0anext\n"
			    "file x\\x1b[31m\nonly \\x9b\n");
	free(c.buf);

	/* The program's own control sequences pass, in text only. */
	out = begin(&c, false);
	out_terminal_control(out, "\x1b[H");
	out_text(out, "x\n");
	assert_string_equal(finish(&c, out), "\x1b[Hx\n");
	free(c.buf);

	out = begin(&c, true);
	out_terminal_control(out, "\x1b[H");
	out_string(out, "name", "name %s\n", "evil\x1b\xff");
	out_text_string(out, "only %s\n", "dropped in JSON");
	assert_string_equal(finish(&c, out),
			    "{\"name\":\"evil\\u001b\\ufffd\"}\n");
	free(c.buf);
}

/* OUT_JSON_SPACED: the same document with ": " and ", ". */
static void test_json_spaced(void **state)
{
	struct capture c;
	struct out *out;

	(void)state;
	c.buf = NULL;
	c.fp = open_memstream(&c.buf, &c.len);
	assert_non_null(c.fp);
	out = out_new_flags(c.fp, true, OUT_JSON_SPACED);
	out_array_open(out, "l");
	out_uint(out, NULL, NULL, 1);
	out_bool(out, NULL, NULL, false);
	out_array_close(out);
	out_string(out, "s", NULL, "v");
	assert_string_equal(finish(&c, out),
			    "{\"l\": [1, false], \"s\": \"v\"}\n");
	free(c.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_unbalanced_closed),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_json_escapes_c1),
		cmocka_unit_test(test_text_escapes),
		cmocka_unit_test(test_values_escaped),
		cmocka_unit_test(test_json_spaced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
