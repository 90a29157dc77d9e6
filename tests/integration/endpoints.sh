#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `mptcpshim endpoints` against iproute2: IPv4 and IPv6 endpoints with every
# flag iproute2 can set (signal, subflow, backup, fullmesh, a port), limits,
# and the warnings for a down interface, a missing address, limits at 0 and
# no endpoints at all.
. "$TESTS_DIR/lib.sh"

# ns_new in $(...) would register the namespace in a subshell only.
ns_new ep >/dev/null
NS="${T_PREFIX}-ep"
nsx "$NS" ip link add name e1 type veth peer name e1p
nsx "$NS" ip link add name e2 type veth peer name e2p
nsx "$NS" ip link set e1 up
nsx "$NS" ip link set e1p up
nsx "$NS" ip addr add 10.20.0.1/24 dev e1
nsx "$NS" ip addr add 10.20.0.2/24 dev e1p
nsx "$NS" ip addr add fd20::1/64 dev e1 nodad
nsx "$NS" ip addr add fd20::2/64 dev e1p nodad

# Nothing configured yet: one fatal warning, parity on empty lists.
out=$(nsx "$NS" "$MPTCPSHIM_BIN" endpoints --json)
check "no endpoints: warning" "no_endpoints" \
	"$(echo "$out" | $PY -c 'import json,sys; print(",".join(w["id"] for w in json.load(sys.stdin)["warnings"]))')"

nsx "$NS" ip mptcp endpoint add 10.20.0.1 dev e1 signal backup
nsx "$NS" ip mptcp endpoint add fd20::1 dev e1 subflow backup fullmesh
nsx "$NS" ip mptcp endpoint add 10.20.0.2 id 9 port 10000 signal
nsx "$NS" ip mptcp endpoint add fd20::2 dev e1p subflow
nsx "$NS" ip mptcp endpoint add 10.20.0.2 dev e1p subflow fullmesh
nsx "$NS" ip mptcp limits set subflows 3 add_addr_accepted 5

ours="$T_TMP/ours.json"
theirs="$T_TMP/ip.json"
nsx "$NS" "$MPTCPSHIM_BIN" endpoints --json >"$ours"
nsx "$NS" ip -j mptcp endpoint show >"$theirs"
limits=$(nsx "$NS" ip mptcp limits show)

# Same endpoints, field by field, as iproute2 reports them.
parity=$($PY - "$ours" "$theirs" "$limits" <<'EOF'
import json, sys
ours = json.load(open(sys.argv[1]))
ip = json.load(open(sys.argv[2]))
words = sys.argv[3].split()
limits = {words[i]: int(words[i + 1]) for i in range(0, len(words) - 1, 2)}
flags = ("signal", "subflow", "backup", "fullmesh", "implicit")
def norm_ip(e):
    return (e["id"], e["address"], e.get("port", 0),
            tuple(f for f in flags if e.get(f)), e.get("dev"))
def norm_ours(e):
    return (e["id"], e["address"], e["port"], tuple(e["flags"]),
            e["interface"])
a = sorted(map(norm_ours, ours["endpoints"]))
b = sorted(map(norm_ip, ip))
problems = []
if a != b:
    problems.append("endpoints differ: %s vs %s" % (a, b))
if ours["limits"] != {"subflows": limits["subflows"],
                      "add_addr_accepted": limits["add_addr_accepted"]}:
    problems.append("limits differ: %s vs %s" % (ours["limits"], limits))
if len(a) != 5:
    problems.append("expected 5 endpoints, got %d" % len(a))
print("; ".join(problems) or "same")
EOF
)
check "endpoints and limits match ip mptcp" "same" "$parity"

# Text output lists every address, and IPv6 ones are not truncated.
text=$(nsx "$NS" "$MPTCPSHIM_BIN" endpoints)
for addr in 10.20.0.1 fd20::1 10.20.0.2 fd20::2; do
	check_ge "text lists $addr" 1 "$(echo "$text" | grep -c "^[0-9]* *$addr ")"
done
check "text shows limits" 1 "$(echo "$text" | grep -c '^limits: subflows 3 add_addr_accepted 5$')"
check "healthy config: no warnings" "" \
	"$($PY -c 'import json,sys; print(",".join(w["id"] for w in json.load(open(sys.argv[1]))["warnings"]))' "$ours")"

# A down interface, a missing address, a zero subflows limit.
nsx "$NS" ip addr add 10.30.0.1/24 dev e2
nsx "$NS" ip mptcp endpoint add 10.30.0.1 dev e2 subflow
nsx "$NS" ip mptcp endpoint add 10.40.0.1 dev e1 subflow
nsx "$NS" ip mptcp limits set subflows 0 add_addr_accepted 0
ids=$(nsx "$NS" "$MPTCPSHIM_BIN" endpoints --json |
	$PY -c 'import json,sys; print(" ".join(sorted(w["id"] for w in json.load(sys.stdin)["warnings"])))')
check "warnings for broken endpoints" \
	"address_missing interface_down subflow_limit_zero" "$ids"
rc=0
nsx "$NS" "$MPTCPSHIM_BIN" endpoints >/dev/null || rc=$?
check "warnings do not fail the listing" 0 "$rc"

rc=0
"$MPTCPSHIM_BIN" endpoints --bogus 2>/dev/null || rc=$?
check "unknown option is a usage error" 2 "$rc"

finish
