#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs high_fd with the fd limit above 2^20: fs.nr_open is raised for the
# run if it is lower, and put back on every exit path. Needs root.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
set -o pipefail
need_root "needs root"
need=$(((1 << 20) + 64))
old=$(cat /proc/sys/fs/nr_open)
if [ "$old" -lt "$need" ]; then
	t_on_exit 'echo "$old" > /proc/sys/fs/nr_open'
	echo "$need" > /proc/sys/fs/nr_open
fi
# Raising the hard limit needs CAP_SYS_RESOURCE, which some containers'
# root lacks: nothing to test there.
ulimit -n "$need" 2>/dev/null || skip "cannot raise RLIMIT_NOFILE to $need"
LD_PRELOAD="$SHIM_LIB" "$HIGH_FD"
