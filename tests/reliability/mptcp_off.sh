#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# mptcp_off in a network namespace of its own (the sysctl is per netns).
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
need_root "needs root"
unshare --net env LD_PRELOAD="$SHIM_LIB" "$MPTCP_OFF"
