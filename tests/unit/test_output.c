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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_unbalanced_closed),
		cmocka_unit_test(test_escaping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
