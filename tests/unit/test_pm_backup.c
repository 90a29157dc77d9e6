// SPDX-License-Identifier: BSD-3-Clause
/*
 * The backup trade-off note of `endpoints` and `doctor`: present exactly
 * when an endpoint has the backup flag, naming it, the stall it implies
 * with the namespace's stale_loss_cnt, and the sysctl that shortens it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "pm_check.h"

static void test_no_backup_no_note(void **state)
{
	struct pm_endpoint ep[] = {
		{ .id = 1, .family = AF_INET, .address = "10.0.2.2",
		  .flags = PM_FLAG_SUBFLOW },
	};
	struct pm_state st = { .ep = ep, .n = 1 };
	struct pm_warning note;

	(void)state;
	assert_false(pm_backup_note(&st, 4, &note));
	assert_string_equal(note.message, "");
}

static void test_backup_note(void **state)
{
	struct pm_endpoint ep[] = {
		{ .id = 1, .family = AF_INET, .address = "10.0.1.2",
		  .flags = PM_FLAG_SUBFLOW },
		{ .id = 2, .family = AF_INET, .address = "10.0.2.2",
		  .flags = PM_FLAG_SUBFLOW | PM_FLAG_BACKUP },
	};
	struct pm_state st = { .ep = ep, .n = 2 };
	struct pm_warning note;

	(void)state;
	assert_true(pm_backup_note(&st, 4, &note));
	assert_string_equal(note.id, "backup_failover");
	assert_non_null(strstr(note.message, "10.0.2.2"));
	assert_null(strstr(note.message, "10.0.1.2"));
	assert_non_null(strstr(note.message, "stale_loss_cnt=4"));
	assert_non_null(strstr(note.message, "4 x RTO"));
	assert_non_null(strstr(note.fix, "net.mptcp.stale_loss_cnt=1"));
	/* An unreadable sysctl still explains the rule. */
	assert_true(pm_backup_note(&st, -1, &note));
	assert_non_null(strstr(note.message, "stale_loss_cnt x RTO"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_backup_no_note),
		cmocka_unit_test(test_backup_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
