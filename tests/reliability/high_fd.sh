#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs high_fd with the fd limit above 2^20: fs.nr_open is raised for the
# run if it is lower, and put back on every exit path. Needs root.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
need=$(((1 << 20) + 64))
old=$(cat /proc/sys/fs/nr_open)
if [ "$old" -lt "$need" ]; then
	trap 'echo "$old" > /proc/sys/fs/nr_open' EXIT
	echo "$need" > /proc/sys/fs/nr_open
fi
# Raising the hard limit needs CAP_SYS_RESOURCE, which some containers'
# root lacks: nothing to test there.
ulimit -n "$need" 2>/dev/null || { echo "skip: cannot raise RLIMIT_NOFILE to $need"; exit 77; }
LD_PRELOAD="$SHIM_LIB" "$HIGH_FD"
