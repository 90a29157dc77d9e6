// SPDX-License-Identifier: BSD-3-Clause
/*
 * One path-manager event as `run --events` prints it (cli/kernel/
 * pm_event_print.c), text and JSON: a subflow closed by an MP_TCPRST
 * names the reset reason, its flags and the error; a server-side
 * connection says so; unsent fields are left out, not printed as zeros.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/mptcp.h>

#include "output.h"
#include "pm_events.h"

static char *print(const struct pm_event *ev, bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct out *out;

	assert_non_null(f);
	out = out_new(f, json);
	assert_non_null(out);
	pm_event_print(out, ev, NULL);
	out_end(out);
	fclose(f);
	return text;
}

static struct pm_event blank(unsigned type)
{
	return (struct pm_event){ .type = type, .token = 0xabcd, .loc_id = -1,
				  .rem_id = -1, .backup = -1, .error = -1,
				  .server_side = -1, .time = 1.5 };
}

static void test_reset(void **state)
{
	struct pm_event ev = blank(MPTCP_EVENT_SUB_CLOSED);
	char *text;

	(void)state;
	ev.has_reset = true;
	ev.reset_reason = MPTCP_RST_EMIDDLEBOX;
	ev.reset_flags = 0x1;
	ev.error = ECONNRESET;
	text = print(&ev, false);
	assert_non_null(strstr(text, " token 0000abcd"));
	assert_non_null(strstr(text, " error 104 (ECONNRESET)"));
	assert_non_null(strstr(text, " reset_reason 6 (middlebox interference)"
				     " reset_flags 0x1\n"));
	free(text);
	text = print(&ev, true);
	assert_non_null(strstr(text, "\"reset_reason\":6"));
	assert_non_null(strstr(text, "\"reset_reason_name\":\"middlebox interference\""));
	assert_non_null(strstr(text, "\"reset_flags\":1"));
	assert_non_null(strstr(text, "\"error_name\":\"ECONNRESET\""));
	free(text);
	/* A reason past the table is "unknown", never out of bounds. */
	ev.reset_reason = 99;
	text = print(&ev, false);
	assert_non_null(strstr(text, " reset_reason 99 (unknown)"));
	free(text);
}

static void test_server_side_and_unsent(void **state)
{
	struct pm_event ev = blank(MPTCP_EVENT_ESTABLISHED);
	char *text;

	(void)state;
	ev.server_side = 1;
	text = print(&ev, false);
	assert_non_null(strstr(text, " server-side"));
	/* Nothing the kernel did not send. */
	assert_null(strstr(text, "error"));
	assert_null(strstr(text, "reset"));
	assert_null(strstr(text, "backup"));
	assert_null(strstr(text, "loc_id"));
	free(text);
	text = print(&ev, true);
	assert_non_null(strstr(text, "\"server_side\":true"));
	assert_null(strstr(text, "\"backup\""));
	free(text);
	/* A client-side connection: the field in JSON, nothing in text. */
	ev.server_side = 0;
	text = print(&ev, false);
	assert_null(strstr(text, "server-side"));
	free(text);
	text = print(&ev, true);
	assert_non_null(strstr(text, "\"server_side\":false"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_server_side_and_unsent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
