#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Each `mib --explain` rule about extra subflows, produced by a two-path
# topology that really causes it: join SYNs dropped on path 2, a server that
# accepts no join, an endpoint deleted mid-connection, an abortive close,
# path 2 going down during an upload. Each rule must be absent before its
# scenario and present after. (The ADD_ADDR-without-echo and RmAddrDrop
# rules have no such topology here: see fixtures/explain/announce_not_echoed.)
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/topo2.sh"

topo2_setup

reasons() {	# reasons NS: the rule ids --explain gives, one line
	nsx "$1" "$MPTCPSHIM_BIN" mib --explain --json |
		$PY -c 'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin)["reasons"]))'
}
has() {	# has ID REASONS: yes/no
	[[ " $2 " == *" $1 "* ]] && echo yes || echo no
}
client() {	# client SECONDS recv|send: the two-path client under run
	nsx "$C" "$MPTCPSHIM_BIN" run -c policy.conf -- \
		$PY -c "$TOPO2_CLIENT" "$SRV" 5201 "$@"
}
scenario() {	# scenario NS RULE: check RULE before; run the rest; check after
	local ns=$1 rule=$2
	shift 2
	check "$rule: absent before" no "$(has "$rule" "$(reasons "$ns")")"
	"$@"
	local after
	after=$(reasons "$ns")
	check "$rule: explained after" yes "$(has "$rule" "$after")"
}

joins_dropped() {
	nsx "$S" nft add table inet t
	nsx "$S" nft add chain inet t in '{ type filter hook input priority 0; policy accept; }'
	nsx "$S" nft add rule inet t in iifname "${T_PREFIX}sb" tcp flags syn drop
	client 1 recv
	nsx "$S" nft delete table inet t
}
scenario "$C" joins_unanswered joins_dropped

no_joins_accepted() {
	nsx "$S" ip mptcp limits set subflows 0 add_addr_accepted 0
	client 1 recv
	nsx "$S" ip mptcp limits set subflows 2 add_addr_accepted 2
}
scenario "$C" subflow_reset no_joins_accepted
check "join_refused: on the server" yes "$(has join_refused "$(reasons "$S")")"

join_on_path2() {
	wait_until 10 "the join on path 2" \
		t_tcp_established "$C" "( dport = :5201 and src 10.62.2.1 )"
}

endpoint_deleted() {
	client 3 recv &
	local pid=$!
	join_on_path2
	nsx "$C" ip mptcp endpoint delete id 1
	wait "$pid"
	nsx "$C" ip mptcp endpoint add 10.62.2.1 dev "$C2" subflow
}
scenario "$C" subflow_removed endpoint_deleted

abortive_close() {
	nsx "$C" "$MPTCPSHIM_BIN" run -c policy.conf -- $PY -c '
import socket, struct, sys, time
s = socket.create_connection((sys.argv[1], 5201), timeout=10)
s.sendall(b"R")
# Data from the server: fully established, so the abortive close below
# is an MP_FASTCLOSE.
s.recv(1000)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()' "$SRV"
}
scenario "$C" fastclose abortive_close

# Stale after stale_loss_cnt retransmission timeouts without progress:
# a few seconds, longer on a loaded machine, so wait for the counter.
path_down() {
	client 12 send &
	local pid=$!
	join_on_path2
	nsx "$C" ip link set "$C2" down
	# A timeout is reported by the scenario's check.
	wait_until 10 "a stale subflow (SubflowStale)" \
		t_differs 0 mib "$C" SubflowStale || true
	kill "$pid" 2>/dev/null || true
	wait "$pid" || true
}
scenario "$C" subflow_stale path_down
finish
