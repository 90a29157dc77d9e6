// SPDX-License-Identifier: BSD-3-Clause
/* The shared option parser and the dispatch table lookup (cli.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"

static int usage_calls;
static FILE *usage_fp;

static void usage(FILE *fp)
{
	usage_calls++;
	usage_fp = fp;
}

struct opts {
	bool json, listen;
	const char *config;
};

/* Parses a NULL-terminated argument list (argv[0] "verb" prepended). */
static int parse_words(const struct cli_option *options, unsigned flags,
		       char **words)
{
	static char *argv[32];
	int argc = 0;

	argv[argc++] = "verb";
	while (*words)
		argv[argc++] = *words++;
	argv[argc] = NULL;
	usage_calls = 0;
	usage_fp = NULL;
	return cli_parse_options(argc, argv, "test", options, flags, usage);
}

/* The table most tests use. */
static int parse(struct opts *o, unsigned flags, char **words)
{
	const struct cli_option options[] = {
		CLI_OPTION_JSON(&o->json),
		CLI_OPTION_CONFIG(&o->config),
		CLI_OPTION_FLAG("listen", 0, &o->listen),
		CLI_OPTION_END,
	};

	memset(o, 0, sizeof(*o));
	return parse_words(options, flags, words);
}

#define WORDS(...) ((char *[]){ __VA_ARGS__, NULL })

static void test_flags_and_values(void **state)
{
	struct opts o;

	(void)state;
	assert_int_equal(parse(&o, 0, WORDS("-j", "--config", "f.conf",
					    "--listen")), -1);
	assert_true(o.json);
	assert_true(o.listen);
	assert_string_equal(o.config, "f.conf");
	assert_int_equal(optind, 5);
	assert_int_equal(parse(&o, 0, WORDS("-cx.conf", "--json")), -1);
	assert_string_equal(o.config, "x.conf");
	assert_true(o.json);
	assert_false(o.listen);
	assert_int_equal(usage_calls, 0);
}

/* GNU order by default; with STOP_AT_OPERAND a CMD keeps its options. */
static void test_operand_order(void **state)
{
	struct opts o;
	char **w = WORDS("prog", "--json");

	(void)state;
	assert_int_equal(parse(&o, 0, w), -1);
	assert_true(o.json);
	w = WORDS("prog", "--json");
	assert_int_equal(parse(&o, CLI_OPTIONS_STOP_AT_OPERAND, w), -1);
	assert_false(o.json);
	assert_int_equal(optind, 1);
	assert_int_equal(parse(&o, 0, WORDS("--", "--json")), -1);
	assert_false(o.json);
	assert_int_equal(optind, 2);
}

static void test_help_and_errors(void **state)
{
	struct opts o;

	(void)state;
	assert_int_equal(parse(&o, 0, WORDS("--help")), CLI_OK);
	assert_int_equal(usage_calls, 1);
	assert_ptr_equal(usage_fp, stdout);
	assert_int_equal(parse(&o, 0, WORDS("-h", "--bogus")), CLI_OK);
	assert_int_equal(parse(&o, 0, WORDS("--bogus")), CLI_USAGE);
	assert_int_equal(usage_calls, 1);
	assert_ptr_equal(usage_fp, stderr);
	assert_int_equal(parse(&o, 0, WORDS("-x")), CLI_USAGE);
	/* A missing argument is an error, not the next option taken. */
	assert_int_equal(parse(&o, 0, WORDS("--config")), CLI_USAGE);
	assert_null(o.config);
	assert_int_equal(parse(&o, 0, WORDS("-c")), CLI_USAGE);
	/* --listen has no letter: -l is unknown. */
	assert_int_equal(parse(&o, 0, WORDS("-l")), CLI_USAGE);
	assert_false(o.listen);
}

/* Both parses of one process start afresh (optind reset). */
static void test_reentrant(void **state)
{
	struct opts o;

	(void)state;
	assert_int_equal(parse(&o, 0, WORDS("a", "b", "-j")), -1);
	assert_int_equal(optind, 2);
	assert_int_equal(parse(&o, 0, WORDS("-j")), -1);
	assert_int_equal(optind, 2);
	assert_true(o.json);
}

/* take: each argument as it comes (so an option may repeat); its
 * refusal ends the parse with CLI_USAGE and no usage text. */
struct taken {
	const char *args[4];
	size_t n;
};

static int take_arg(const char *sub, const char *arg, void *to)
{
	struct taken *t = to;

	assert_string_equal(sub, "test");
	if (strcmp(arg, "bad") == 0 || t->n == 4)
		return -1;
	t->args[t->n++] = arg;
	return 0;
}

static int parse_take(struct taken *t, bool *debug, char **words)
{
	const struct cli_option options[] = {
		CLI_OPTION_TAKE("backup", 'b', take_arg, t),
		CLI_OPTION_FLAG(NULL, 'd', debug),
		CLI_OPTION_END,
	};

	memset(t, 0, sizeof(*t));
	*debug = false;
	return parse_words(options, 0, words);
}

static void test_take(void **state)
{
	struct taken t;
	bool debug;

	(void)state;
	assert_int_equal(parse_take(&t, &debug, WORDS("--backup", "a", "-bb",
						      "--backup=c")), -1);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.args[0], "a");
	assert_string_equal(t.args[1], "b");
	assert_string_equal(t.args[2], "c");
	/* Refused: the parse ends there, before a later --help. */
	assert_int_equal(parse_take(&t, &debug, WORDS("-b", "x", "-b", "bad",
						      "--help")), CLI_USAGE);
	assert_int_equal(t.n, 1);
	assert_int_equal(usage_calls, 0);
	/* It needs its argument like a value option does. */
	assert_int_equal(parse_take(&t, &debug, WORDS("--backup")), CLI_USAGE);
	assert_int_equal(t.n, 0);
	assert_int_equal(usage_calls, 1);
}

/* A nameless entry is a short option only: -d, and no --d or --debug. */
static void test_short_only(void **state)
{
	struct taken t;
	bool debug;

	(void)state;
	assert_int_equal(parse_take(&t, &debug, WORDS("-d")), -1);
	assert_true(debug);
	assert_int_equal(parse_take(&t, &debug, WORDS("--debug")), CLI_USAGE);
	assert_false(debug);
	/* The long options after it still map to their own entries. */
	assert_int_equal(parse_take(&t, &debug, WORDS("-d", "--backup", "z")),
			 -1);
	assert_true(debug);
	assert_int_equal(t.n, 1);
}

/* NO_OPERANDS: an operand is a usage error, said without usage text. */
static void test_no_operands(void **state)
{
	struct opts o;

	(void)state;
	assert_int_equal(parse(&o, CLI_OPTIONS_NO_OPERANDS, WORDS("-j")), -1);
	assert_true(o.json);
	assert_int_equal(parse(&o, CLI_OPTIONS_NO_OPERANDS,
			       WORDS("-j", "extra")), CLI_USAGE);
	assert_int_equal(usage_calls, 0);
	assert_int_equal(parse(&o, CLI_OPTIONS_NO_OPERANDS,
			       WORDS("--", "extra")), CLI_USAGE);
	/* Without it the operand is the caller's. */
	assert_int_equal(parse(&o, 0, WORDS("extra")), -1);
	assert_int_equal(optind, 1);
}

static int fn_a(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 10;
}

static int fn_b(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 20;
}

/* The one seconds parser (check --wait/--timeout, doctor --duration). */
static void test_take_seconds(void **state)
{
	static const char *const bad[] = { "", "x", "1x", "-1", "3600.5",
					    "nan", "inf", "1e9" };
	double v = -2;

	(void)state;
	assert_int_equal(cli_take_seconds("t", "0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(cli_take_seconds("t", "0.25", &v), 0);
	assert_true(v == 0.25);
	assert_int_equal(cli_take_seconds("t", "3600", &v), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cli_take_seconds("t", bad[i], &v), -1);
}

static void test_find_command(void **state)
{
	static const struct cli_command table[] = {
		{ "show", fn_a, NULL },
		{ "shows", fn_b, "x" },
	};
	const struct cli_command *c;

	(void)state;
	c = cli_find_command(table, 2, "shows");
	assert_non_null(c);
	assert_int_equal(c->fn(0, NULL), 20);
	assert_int_equal(cli_find_command(table, 2, "show")->fn(0, NULL), 10);
	/* Exact names only: no prefix matching. */
	assert_null(cli_find_command(table, 2, "sh"));
	assert_null(cli_find_command(table, 2, "showss"));
	assert_null(cli_find_command(table, 0, "show"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_and_values),
		cmocka_unit_test(test_operand_order),
		cmocka_unit_test(test_help_and_errors),
		cmocka_unit_test(test_reentrant),
		cmocka_unit_test(test_find_command),
		cmocka_unit_test(test_take_seconds),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_short_only),
		cmocka_unit_test(test_no_operands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
