#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# What one `top` refresh costs with N open MPTCP connections (default
# 1,000), each with two subflows over the two-path topology: the time of
# one `conns --json` (one sock_diag snapshot, one /proc scan, the JSON
# printed), median of ROUNDS runs, for one process's view (--pid) and for
# the whole namespace. A benchmark figure, never a test threshold.
#
#   MPTCPSHIM_BIN=build/cli/mptcpshim SHIM_LIB=build/shim/libmptcpshim.so \
#     tests/bench/top_refresh.sh [N] [ROUNDS]
# Prints key=value lines (milliseconds), or with --json one object.
# Needs root (namespaces).
set -eu
json=0
[ "${1:-}" = --json ] && { json=1; shift; }
N=${1:-1000}
ROUNDS=${2:-7}
HERE=$(cd "$(dirname "$0")" && pwd)
TESTS_DIR="$HERE/../integration"
export TESTS_DIR
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/topo2.sh"

# Unshaped (a connection is idle here) and with room for N sockets.
topo2_new 10gbit
ulimit -n $((N * 2 + 256))
nsx "$S" ip mptcp limits set subflows 8 add_addr_accepted 8
bg_in "$S" 300 $PY -c '
import socket, sys
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("0.0.0.0", 5301))
srv.listen(4096)
held = []
while True:
    held.append(srv.accept()[0])
'
wait_listen "$S" 5301
ready="$T_TMP/ready"
bg_in "$C" 300 $PY -c '
import socket, sys, time
n, ready = int(sys.argv[2]), sys.argv[3]
held = []
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
    s.connect((sys.argv[1], 5301))
    # Data makes the connection fully established: then it joins.
    s.sendall(b"x")
    held.append(s)
open(ready, "w").close()
# Holds the connections while top is measured (stopped by the trap).
time.sleep(280)
' "$SRV" "$N" "$ready"
client=$T_LAST_PID
for i in $(seq 1 600); do
	[ -e "$ready" ] && break
	sleep 0.1
done
[ -e "$ready" ] || { echo "client did not connect $N sockets" >&2; exit 1; }
# Let the joins finish: one extra subflow per connection.
for i in $(seq 1 100); do
	subflows=$(nsx "$C" "$MPTCPSHIM_BIN" conns --json --pid "$client" |
		$PY -c 'import json,sys; d=json.load(sys.stdin); print(sum(len(c["subflows"]) for p in d["processes"] for c in p["connections"]))')
	[ "$subflows" -ge $((N * 2)) ] && break
	sleep 0.2
done
conns=$(nsx "$C" "$MPTCPSHIM_BIN" conns --json --pid "$client" |
	$PY -c 'import json,sys; d=json.load(sys.stdin); print(sum(len(p["connections"]) for p in d["processes"]))')

median_ms() {	# median_ms CMD...: median wall time of ROUNDS runs
	local i t0 t1 times=()
	for i in $(seq 1 "$ROUNDS"); do
		t0=$(date +%s%N)
		"$@" >/dev/null
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n |
		awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'
}
pid_ms=$(median_ms nsx "$C" "$MPTCPSHIM_BIN" conns --json --pid "$client")
all_ms=$(median_ms nsx "$C" "$MPTCPSHIM_BIN" conns --json)
# The floor: starting the CLI in the namespace and doing nothing.
floor_ms=$(median_ms nsx "$C" "$MPTCPSHIM_BIN" --version)
if [ "$json" = 1 ]; then
	printf '{"connections": %s, "subflows": %s, "rounds": %s, "refresh_pid_ms": %s, "refresh_all_ms": %s, "startup_ms": %s}\n' \
		"$conns" "$subflows" "$ROUNDS" "$pid_ms" "$all_ms" "$floor_ms"
else
	echo "connections=$conns"
	echo "subflows=$subflows"
	echo "refresh_pid_ms=$pid_ms"
	echo "refresh_all_ms=$all_ms"
	echo "startup_ms=$floor_ms"
fi
