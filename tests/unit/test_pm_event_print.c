// SPDX-License-Identifier: BSD-3-Clause
/*
 * One path-manager event as `run --events` prints it (cli/kernel/
 * pm_event_print.c), text and JSON: a subflow closed by an MP_TCPRST
 * names the reset reason, its flags and the error; a server-side
 * connection says so; unsent fields are left out, not printed as zeros.
 * And the parser in front of it (pm_event_parse): every attribute read,
 * ones too short for their type ignored, a truncated message refused.
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
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
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

static struct nlmsghdr *event_msg(char *buf, unsigned cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = (uint8_t)cmd;
	g->version = 1;
	return nlh;
}

static void test_parse(void **state)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = event_msg(buf, MPTCP_EVENT_SUB_CLOSED);
	struct in_addr a, b;
	struct pm_event ev;
	char *text;

	(void)state;
	inet_pton(AF_INET, "192.0.2.1", &a);
	inet_pton(AF_INET, "198.51.100.2", &b);
	mnl_attr_put_u32(nlh, MPTCP_ATTR_TOKEN, 0x1234abcd);
	mnl_attr_put(nlh, MPTCP_ATTR_SADDR4, 4, &a);
	mnl_attr_put(nlh, MPTCP_ATTR_DADDR4, 4, &b);
	mnl_attr_put_u16(nlh, MPTCP_ATTR_SPORT, htons(40000));
	mnl_attr_put_u16(nlh, MPTCP_ATTR_DPORT, htons(443));
	mnl_attr_put_u8(nlh, MPTCP_ATTR_LOC_ID, 2);
	mnl_attr_put_u8(nlh, MPTCP_ATTR_REM_ID, 3);
	mnl_attr_put_u8(nlh, MPTCP_ATTR_BACKUP, 1);
	mnl_attr_put_u8(nlh, MPTCP_ATTR_ERROR, ECONNRESET);
	mnl_attr_put_u32(nlh, MPTCP_ATTR_RESET_REASON, MPTCP_RST_EPROHIBIT);
	mnl_attr_put_u32(nlh, MPTCP_ATTR_RESET_FLAGS, 2);
	mnl_attr_put_u8(nlh, MPTCP_ATTR_SERVER_SIDE, 1);
	assert_int_equal(pm_event_parse(nlh, &ev), 0);
	assert_int_equal(ev.type, MPTCP_EVENT_SUB_CLOSED);
	assert_int_equal(ev.token, 0x1234abcd);
	assert_string_equal(ev.saddr, "192.0.2.1");
	assert_string_equal(ev.daddr, "198.51.100.2");
	assert_int_equal(ev.sport, 40000);
	assert_int_equal(ev.dport, 443);
	assert_int_equal(ev.loc_id, 2);
	assert_int_equal(ev.rem_id, 3);
	assert_int_equal(ev.backup, 1);
	assert_int_equal(ev.error, ECONNRESET);
	assert_true(ev.has_reset);
	assert_int_equal(ev.reset_reason, MPTCP_RST_EPROHIBIT);
	assert_int_equal(ev.reset_flags, 2);
	assert_int_equal(ev.server_side, 1);
	text = print(&ev, false);
	assert_non_null(strstr(text, " 192.0.2.1:40000 -> 198.51.100.2:443"
				     " loc_id 2 rem_id 3"));
	assert_non_null(strstr(text, " backup server-side error 104"));
	assert_non_null(strstr(text, "(administratively prohibited)"));
	free(text);

	/* Attributes too short for their type are ignored: no reset
	 * without a 4-byte reason, no port from one byte. */
	nlh = event_msg(buf, MPTCP_EVENT_SUB_CLOSED);
	mnl_attr_put_u8(nlh, MPTCP_ATTR_RESET_REASON, 1);
	mnl_attr_put_u8(nlh, MPTCP_ATTR_RESET_FLAGS, 1);
	mnl_attr_put_u8(nlh, MPTCP_ATTR_SPORT, 1);
	mnl_attr_put_u8(nlh, MPTCP_ATTR_IF_IDX, 1);
	assert_int_equal(pm_event_parse(nlh, &ev), 0);
	assert_false(ev.has_reset);
	assert_int_equal(ev.reset_flags, 0);
	assert_int_equal(ev.sport, 0);
	assert_int_equal(ev.ifindex, 0);
	assert_int_equal(ev.backup, -1);
	assert_int_equal(ev.error, -1);
	assert_int_equal(ev.server_side, -1);

	/* Shorter than a generic netlink header: EBADMSG. */
	nlh = mnl_nlmsg_put_header(buf);
	errno = 0;
	assert_int_equal(pm_event_parse(nlh, &ev), -1);
	assert_int_equal(errno, EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_server_side_and_unsent),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
