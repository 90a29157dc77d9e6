#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `endpoints auto`: one endpoint per usable address bound to its interface,
# twice gives the same set (the second run changes nothing), its --dry-run
# run through `ip` gives that set too; roles, backup, flush; it refuses
# while mptcpd runs. And the routing checks of `endpoints --peer`.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/topo2.sh"

topo2_new 20mbit
cd "$T_TMP"
nsx "$C" ip mptcp endpoint flush
nsx "$C" ip mptcp limits set subflows 0 add_addr_accepted 0
# Never endpoints: loopback, IPv6 link-local addresses (the veths have
# them), an address on a down interface.
nsx "$C" ip addr add 127.0.0.2/8 dev lo

endpoint_set() {	# endpoint_set NS: "address dev flags" lines, sorted
	nsx "$1" ip -j mptcp endpoint show | $PY -c '
import json, sys
for e in sorted(json.load(sys.stdin), key=lambda e: e["address"]):
    # iproute2 6.1 prints each flag as a boolean key.
    flags = [f for f in ("signal", "subflow", "backup", "fullmesh") if e.get(f) is True]
    print(e["address"], e.get("dev", "-"), ",".join(sorted(flags)))'
	nsx "$1" ip mptcp limits show
}

expected="10.62.1.1 $C1 subflow
10.62.2.1 $C2 backup,subflow
add_addr_accepted 2 subflows 2 "

nsx "$C" "$MPTCPSHIM_BIN" endpoints auto --backup "$C2" >first.txt
check "auto: one endpoint per usable address, backup where asked" \
	"$expected" "$(endpoint_set "$C")"
out=$(nsx "$C" "$MPTCPSHIM_BIN" endpoints auto --backup "$C2" --json)
check "auto twice: nothing to change" "[]" \
	"$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["actions"])' "$out")"
check "auto twice: same set" "$expected" "$(endpoint_set "$C")"

# The dry run from scratch, through ip, gives the same set.
nsx "$C" ip mptcp endpoint flush
nsx "$C" ip mptcp limits set subflows 0 add_addr_accepted 0
nsx "$C" "$MPTCPSHIM_BIN" endpoints auto --dry-run --backup "$C2" >dry.txt
cat dry.txt
check "dry run: nothing changed" "add_addr_accepted 0 subflows 0 " \
	"$(endpoint_set "$C")"
check "dry run: only ip commands" 0 "$(grep -vc '^ip mptcp ' dry.txt)"
nsx "$C" sh -e dry.txt
check "dry run through ip: the same set" "$expected" "$(endpoint_set "$C")"
check "dry run after that: nothing to change" "# nothing to change" \
	"$(nsx "$C" "$MPTCPSHIM_BIN" endpoints auto --dry-run --backup "$C2")"

# A server announces; --flush removes what the plan does not hold.
nsx "$C" ip mptcp endpoint add 10.62.9.9 signal
nsx "$C" "$MPTCPSHIM_BIN" endpoints auto --role server --flush >/dev/null
check "server role with --flush" "10.62.1.1 $C1 signal
10.62.2.1 $C2 signal
add_addr_accepted 2 subflows 2 " "$(endpoint_set "$C")"

# Refused while another manager runs (a process named mptcpd), unless --force.
cp /bin/sleep "$T_TMP/mptcpd"
bg_in "$C" 20 "$T_TMP/mptcpd" 15
# pgrep hangs at start with the ASan runtimes preloaded (the ASan pass):
# it needs no shim, so it runs without the preload.
wait_until 5 "the process named mptcpd" env -u LD_PRELOAD pgrep -x mptcpd
rc=0
err=$(nsx "$C" "$MPTCPSHIM_BIN" endpoints auto 2>&1) || rc=$?
check "refused while mptcpd runs: exit 2" 2 "$rc"
check "refused: names it" 1 "$(grep -c 'mptcpd manages MPTCP endpoints' <<<"$err")"
rc=0
nsx "$C" "$MPTCPSHIM_BIN" endpoints auto --force --dry-run >/dev/null || rc=$?
check "--force: goes ahead" 0 "$rc"
kill "$T_LAST_PID"
for args in "--role peer" "--backup nosuchif" "extra"; do
	rc=0
	nsx "$C" "$MPTCPSHIM_BIN" endpoints auto $args >/dev/null 2>&1 || rc=$?
	check "auto usage error: $args" 2 "$rc"
done

# --peer: the route from each subflow endpoint to the peer.
nsx "$C" ip mptcp endpoint flush
nsx "$C" ip mptcp endpoint add 10.62.2.1 dev "$C2" subflow
warnings() {	# warnings ARGS...: the warning ids of `endpoints ARGS`
	nsx "$C" "$MPTCPSHIM_BIN" endpoints --json "$@" |
		$PY -c 'import json,sys; print(" ".join(w["id"] for w in json.load(sys.stdin)["warnings"]))'
}
check "--peer with policy routing: no routing warning" \
	"interface_without_endpoint" "$(warnings --peer "$SRV")"
nsx "$C" ip rule del from 10.62.2.1 table 100
check "--peer without it: the route leaves by path 1" \
	"route_other_interface interface_without_endpoint" "$(warnings --peer "$SRV")"
check "--peer unreachable" "no_route_to_peer interface_without_endpoint" \
	"$(warnings --peer 10.99.0.1)"
nsx "$C" sysctl -qw net.ipv4.conf.all.rp_filter=1
check "strict rp_filter" "strict_rp_filter interface_without_endpoint" \
	"$(warnings)"
nsx "$C" sysctl -qw net.ipv4.conf.all.rp_filter=0
nsx "$C" ip mptcp endpoint add 10.62.1.1 subflow
check "endpoint without dev" "endpoint_no_dev" "$(warnings)"
check "doctor shows the same" 1 \
	"$(nsx "$C" "$MPTCPSHIM_BIN" doctor | grep -c 'has no dev')"
rc=0
"$MPTCPSHIM_BIN" endpoints --peer not-an-address >/dev/null 2>&1 || rc=$?
check "--peer takes an address" 2 "$rc"
finish
