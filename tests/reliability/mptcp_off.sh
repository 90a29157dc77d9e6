#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# mptcp_off in a network namespace of its own (the sysctl is per netns).
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
exec unshare --net env LD_PRELOAD="$SHIM_LIB" "$MPTCP_OFF"
