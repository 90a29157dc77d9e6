#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs shim_stress with the protocols `mptcpshim policy explain` predicts
# for its two destinations, under the policy in MPTCPSHIM_CONFIG.
#   stress.sh WORKERS ITERATIONS [SPAWNS]
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
set -o pipefail
predict() {
	case $("$MPTCPSHIM_BIN" policy explain shim_stress "$1" |
		awk '$1 == "decision:" { print $2 }') in
	mptcp) echo 262 ;;
	tcp) echo 6 ;;
	*) echo "stress: policy explain gave no decision for $1" >&2; exit 1 ;;
	esac
}
p4=$(predict 127.0.0.1:80)
p6=$(predict '[::1]:80')
env LD_PRELOAD="$SHIM_LIB" "$SHIM_STRESS" "$1" "$2" "$p4" "$p6" "${3:-30}"
