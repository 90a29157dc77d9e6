// SPDX-License-Identifier: BSD-3-Clause
/*
 * The trade-off of backup endpoints, for `endpoints` and `doctor`: a backup
 * subflow carries data only once the active ones are declared stale, which
 * takes net.mptcp.stale_loss_cnt retransmission timeouts without progress,
 * so a transfer stalls for about that many RTOs when the main path dies
 * without a link event. The demo measures it (docs/performance.md).
 */
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "pm_check.h"
#include "sysctl.h"

int pm_stale_loss_cnt(void)
{
	return sysctl_int("net/mptcp/stale_loss_cnt");
}

bool pm_backup_note(const struct pm_state *st, int stale_loss_cnt,
		    struct pm_warning *note)
{
	size_t used = 0;
	unsigned backups = 0;

	memset(note, 0, sizeof(*note));
	note->id = "backup_failover";
	for (size_t i = 0; i < st->n; i++) {
		if (!(st->ep[i].flags & PM_FLAG_BACKUP))
			continue;
		if (used < sizeof(note->message))
			used += snprintf(note->message + used,
					 sizeof(note->message) - used, "%s%s",
					 backups ? ", " : "backup endpoint ",
					 st->ep[i].address);
		backups++;
	}
	if (!backups)
		return false;
	if (used < sizeof(note->message)) {
		if (stale_loss_cnt > 0)
			snprintf(note->message + used,
				 sizeof(note->message) - used,
				 ": used once the others are stale "
				 "(stale_loss_cnt=%d RTOs without progress): a "
				 "silent main-path loss stalls ~%d x RTO",
				 stale_loss_cnt, stale_loss_cnt);
		else
			snprintf(note->message + used,
				 sizeof(note->message) - used,
				 ": used once the others are stale "
				 "(stale_loss_cnt RTOs without progress): a "
				 "silent main-path loss stalls ~stale_loss_cnt "
				 "x RTO");
	}
	snprintf(note->fix, sizeof(note->fix),
		 "sysctl -w net.mptcp.stale_loss_cnt=1 fails over sooner "
		 "(and gives up a lossy main path sooner); without the "
		 "backup flag both paths carry data all the time");
	return true;
}

void pm_print_backup_note(struct out *out, const struct pm_state *st)
{
	struct pm_warning note;

	if (!pm_backup_note(st, pm_stale_loss_cnt(), &note))
		return;
	out_object_open(out, "backup_note");
	out_int(out, "stale_loss_cnt", NULL, pm_stale_loss_cnt());
	out_string(out, "message", "note: %s\n", note.message);
	out_string(out, "fix", "  %s\n", note.fix);
	out_object_close(out);
}
