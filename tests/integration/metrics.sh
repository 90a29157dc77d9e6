#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `mptcpshim metrics` in namespaces this test makes: promtool accepts the
# exposition; every MPTcpExt sample equals nstat's value for the same
# counter (a quiet namespace, after MPTCP traffic so values are not all
# zero); --netns NAME|PID reads that namespace's own counters, labelled;
# --textfile writes one .prom file atomically; endpoints, limits and the
# per-interface subflows of an open connection are shown.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/topo2.sh"

command -v promtool >/dev/null || { echo "SKIP: promtool (prometheus) missing" >&2; exit 77; }
command -v nstat >/dev/null || { echo "SKIP: nstat (iproute2) missing" >&2; exit 77; }

topo2_setup
nsx "$S" ip mptcp endpoint add 10.62.2.2 dev "${T_PREFIX}sb" signal

# value FILE METRIC [LABELS]: the sample's value ("" when absent).
value() {
	awk -v m="$2" -v l="${3:-}" '$1 ~ "^" m "[{]" && index($1, l) { print $2; exit }' "$1"
}

# Traffic in the client namespace; it stays quiet afterwards (an upload:
# a client closing with data unread would leave its connection receiving
# in FIN-WAIT-2, and the counters moving).
nsx "$C" "$MPTCPSHIM_BIN" run -c policy.conf -- $PY -c "$TOPO2_CLIENT" "$SRV" 5201 1 send

# Quiet: the server's data for the closed connection may still arrive, so
# wait (bounded) until two readings 0.2 s apart agree.
for i in $(seq 1 50); do
	a=$(nsx "$C" cat /proc/net/netstat)
	sleep 0.2
	[ "$a" = "$(nsx "$C" cat /proc/net/netstat)" ] && break
done
nsx "$C" "$MPTCPSHIM_BIN" metrics >m.prom
rc=0; promtool check metrics <m.prom >lint.out 2>&1 || rc=$?
check "promtool check metrics: exit 0" 0 $rc
check "promtool: nothing to say" "" "$(cat lint.out)"

# Counters against nstat -az (absolute values, no history file).
nsx "$C" nstat -az --json >nstat.json
mismatch=$($PY - m.prom nstat.json <<'PYEOF'
import json, re, sys
prom = {}
for line in open(sys.argv[1]):
    m = re.match(r'# HELP (\S+) MPTcpExt (\w+):', line)
    if m:
        prom[m.group(1)] = [m.group(2), None]
    m = re.match(r'(\S+)\{[^}]*\} (\d+)$', line)
    if m and m.group(1) in prom:
        prom[m.group(1)][1] = int(m.group(2))
kernel = json.load(open(sys.argv[2]))["kernel"]
bad = [f"{k}: metrics {v} nstat {kernel.get('MPTcpExt' + k)}"
       for k, v in prom.values() if kernel.get("MPTcpExt" + k) != v]
n = sum(1 for k in kernel if k.startswith("MPTcpExt"))
if n != len(prom):
    bad.append(f"{len(prom)} counters exported, nstat has {n}")
print("; ".join(bad))
PYEOF
)
check "every MPTcpExt counter equals nstat's" "" "$mismatch"
check_ge "traffic counted (MPJoinSynTx)" 1 "$(value m.prom mptcp_mib_mp_join_syn_tx_total)"
check "label: the own namespace" 1 "$(grep -c '^mptcp_enabled{netns="self"} 1$' m.prom)"
check "limits: subflows" 2 "$(value m.prom mptcp_limit_subflows)"
check "endpoints: one subflow endpoint" 1 "$(value m.prom mptcp_endpoints_flagged 'flag="subflow"')"
check "blackhole: never" 0 "$(value m.prom mptcp_blackhole_active)"

# --netns NAME from the host: the server's own counters, endpoints and
# sysctls (one set apart from the default to tell them from the host's).
nsx "$S" sysctl -qw net.mptcp.stale_loss_cnt=7
"$MPTCPSHIM_BIN" metrics --netns "$S" >s.prom
rc=0; promtool check metrics <s.prom >lint.out 2>&1 || rc=$?
check "--netns: promtool exit 0" 0 $rc
check "--netns: labelled" 1 "$(grep -c "^mptcp_enabled{netns=\"$S\"} 1\$" s.prom)"
check "--netns: the namespace's SYNRX" "$(mib "$S" MPCapableSYNRX)" \
	"$(value s.prom mptcp_mib_mp_capable_synrx_total)"
check "--netns: the namespace's AddAddrTx" "$(mib "$S" AddAddrTx)" \
	"$(value s.prom mptcp_mib_add_addr_tx_total)"
check "--netns: its sysctls" 7 "$(value s.prom mptcp_stale_loss_cnt)"
check "--netns: its signal endpoint" 1 "$(value s.prom mptcp_endpoints_flagged 'flag="signal"')"
check_ge "--netns: not the client's counters (SYNRX)" 1 "$(value s.prom mptcp_mib_mp_capable_synrx_total)"
check "--netns: the client has no SYNRX" 0 "$(value m.prom mptcp_mib_mp_capable_synrx_total)"

# --netns PID: a process inside the client namespace.
bg_in "$C" 30 sleep 30
# Any process of the namespace will do (the sleep, or timeout around it).
wait_until 5 "a process in $C" sh -c "ip netns pids '$C' | grep -q ."
inner=$(ip netns pids "$C" | head -1)
"$MPTCPSHIM_BIN" metrics --netns "$inner" >p.prom
check "--netns PID: the client's MPJoinSynTx" "$(mib "$C" MPJoinSynTx)" \
	"$(value p.prom mptcp_mib_mp_join_syn_tx_total "netns=\"$inner\"")"

# Per-interface subflows of a connection that is open now.
nsx "$C" "$MPTCPSHIM_BIN" run -c policy.conf -- $PY -c "$TOPO2_CLIENT" "$SRV" 5201 4 recv &
client=$!
# Until the connection is up on both paths and data flows (bounded).
for i in $(seq 1 100); do
	nsx "$C" "$MPTCPSHIM_BIN" metrics >live.prom
	[ "$(value live.prom mptcp_interface_subflows "interface=\"$C2\"")" = 2 ] &&
		[ "$(value live.prom mptcp_connections)" = 1 ] &&
		[ "$(value live.prom mptcp_interface_subflow_received_bytes "interface=\"$C1\"")" -gt 0 ] &&
		break
	sleep 0.05
done
check "subflows on the second path's interface" 2 \
	"$(value live.prom mptcp_interface_subflows "interface=\"$C2\"")"
check "subflows on the first path's interface" 1 \
	"$(value live.prom mptcp_interface_subflows "interface=\"$C1\"")"
check_ge "bytes received on the first path" 1 \
	"$(value live.prom mptcp_interface_subflow_received_bytes "interface=\"$C1\"")"
check "connections now" 1 "$(value live.prom mptcp_connections)"
wait "$client"
# That client closed with data unread: on 6.18 its connection lingers in
# FIN-WAIT-2 with its subflows still established, still receiving. Not in
# use: neither it nor its subflows count. (A kernel that resets such a
# connection, as TCP does, leaves nothing to check.)
if wait_until 5 "the closed connection lingering in FIN-WAIT-2" \
	sh -c "ip netns exec '$C' ss -HMan state fin-wait-2 | grep -q ."; then
	nsx "$C" "$MPTCPSHIM_BIN" metrics >after.prom
	check_ge "lingering: its subflows established for the kernel" 1 \
		"$(nsx "$C" ss -Htn state established | grep -c ':5201')"
	check "lingering: not a connection in use" 0 "$(value after.prom mptcp_connections)"
	check "lingering: its subflows not counted" "" \
		"$(value after.prom mptcp_interface_subflows)"
	# The same under the capabilities the timer's units leave: the
	# figures must not depend on who runs the command (the join needs
	# the subflows' tokens, which 6.18 gives without CAP_NET_ADMIN;
	# this holds the units and the kernel to that).
	for unit in mptcpshim-metrics.service.in mptcpshim-metrics@.service.in; do
		caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$TESTS_DIR/../../conf/systemd/$unit" |
			tr 'A-Z ' 'a-z\n' | sed -n 's/^cap_/+/p' | paste -sd,)
		nsx "$C" setpriv --bounding-set "-all,$caps" -- \
			"$MPTCPSHIM_BIN" metrics --no-probe >unit.prom
		check "lingering, as $unit: its subflows not counted" "" \
			"$(value unit.prom mptcp_interface_subflows)"
	done
fi

# --textfile: one complete file, no temporary left behind.
mkdir tf
"$MPTCPSHIM_BIN" metrics --netns "$S" --textfile tf
check "--textfile: the namespace's file" "mptcpshim-netns-$S.prom" "$(ls tf)"
rc=0; promtool check metrics <"tf/mptcpshim-netns-$S.prom" >/dev/null 2>&1 || rc=$?
check "--textfile: promtool exit 0" 0 $rc
nsx "$C" "$MPTCPSHIM_BIN" metrics --textfile tf
check "--textfile: the own file beside it" 2 "$(ls tf | grep -c '\.prom$')"
check "--textfile: nothing else" 2 "$(ls -A tf | wc -l)"
check "--textfile: readable by the collector" 644 "$(stat -c %a tf/mptcpshim.prom)"
rc=0; "$MPTCPSHIM_BIN" metrics --textfile "$T_TMP/missing-dir" 2>/dev/null || rc=$?
check "--textfile: missing directory is an error" 1 $rc

# Per-program figures of the shim from a stats directory.
mkdir -m 700 stats
MPTCPSHIM_STATS="$T_TMP/stats" nsx "$C" "$MPTCPSHIM_BIN" run -c policy.conf -- \
	$PY -c "$TOPO2_CLIENT" "$SRV" 5201 0.2 recv
nsx "$C" "$MPTCPSHIM_BIN" metrics --stats stats >st.prom
rc=0; promtool check metrics <st.prom >/dev/null 2>&1 || rc=$?
check "--stats: promtool exit 0" 0 $rc
check "--stats: python3's converted socket" 1 \
	"$(value st.prom mptcpshim_program_converted_total 'program="python3')"
check "--stats: read" 1 "$(value st.prom mptcpshim_collector_success 'collector="stats"')"
finish
