// SPDX-License-Identifier: BSD-3-Clause
/*
 * The Environment= lexer (cli/systemd/dropin_env.c) against systemd's
 * cunescape_one: every escape form it accepts, with the exact bytes, and
 * each one it rejects (the line is then ignored from that word on).
 * Quoting and assignment rules: test_dropin.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dropin.h"

struct env_case {
	const char *line, *name, *want;	/* want NULL: not assigned */
};

static void test_escapes(void **state)
{
	static const struct env_case ok[] = {
		/* Hex digits in either case; \s is a space. */
		{ "A=\\xAB\\xcd\\s.", "A", "\xab\xcd ." },
		/* \u and \U become UTF-8 of one to four bytes. */
		{ "A=\\u0041\\u20AC\\U0001F600", "A",
		  "A\xe2\x82\xac\xf0\x9f\x98\x80" },
		{ "A=\\a\\b\\f\\n\\r\\v\\'\\\\", "A", "\a\b\f\n\r\v'\\" },
		{ "A=\\177\\001", "A", "\x7f\x01" },
		/* Whitespace of any kind separates words. */
		{ "A=1\tB=2\r\nC=3  ", "C", "3" },
		{ "A=1\tB=2\r\nC=3  ", "B", "2" },
		/* A name that only starts like another is another name. */
		{ "AB=1 A_B=2", "A", NULL },
		{ "AB=1 A_B=2", "A_B", "2" },
	};
	static const char *const bad[] = {
		"A=\\400",	 /* octal above 0xff */
		"A=\\18x",	 /* 8 is no octal digit */
		"A=\\u0000",	 /* NUL */
		"A=\\U00110000", /* past the last code point */
		"A=\\u12G4",	 /* not hex */
		"A=\\x4",	 /* one digit only */
		"A=\\",		 /* a backslash at the end */
		"A=\\c",	 /* no such escape */
		"A-B=1",	 /* not a name */
	};
	struct dropin_env env = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(dropin_env_apply(&env, ok[i].line), 0);
		if (ok[i].want)
			assert_string_equal(dropin_env_get(&env, ok[i].name),
					    ok[i].want);
		else
			assert_null(dropin_env_get(&env, ok[i].name));
		dropin_env_free(&env);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dropin_env_apply(&env, "B=kept"), 0);
		assert_int_equal(dropin_env_apply(&env, bad[i]), -1);
		assert_null(dropin_env_get(&env, "A"));
		assert_null(dropin_env_get(&env, "A-B"));
		assert_string_equal(dropin_env_get(&env, "B"), "kept");
	}
	/* Only blanks count as empty (systemd strips values): it clears. */
	assert_int_equal(dropin_env_apply(&env, "  \t "), 0);
	assert_null(dropin_env_get(&env, "B"));
	dropin_env_free(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
