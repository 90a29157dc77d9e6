#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `endpoints auto` converges in one run and a second run changes nothing
# (issue 20, item 6), on veth pairs in namespaces of its own: one address
# on two interfaces (the kernel keeps one endpoint per address), more
# addresses than the kernel's endpoint limit (what is left out is named),
# and an endpoint the user made with fullmesh, a port and an id.
source "$(dirname "$0")/lib.sh"
cd "$T_TMP"

# veths NS N: N veth pairs va0/vb0... inside NS, all up, no addresses.
veths() {
	local ns=$1 n=$2 i
	for i in $(seq 0 $((n - 1))); do
		ip -n "$ns" link add "va$i" type veth peer name "vb$i"
		ip -n "$ns" link set "va$i" up
		ip -n "$ns" link set "vb$i" up
	done
	nsx "$ns" ip mptcp endpoint flush
	nsx "$ns" ip mptcp limits set subflows 0 add_addr_accepted 0
}

# endpoints NS: "id address port dev flags" lines, sorted.
endpoints() {
	nsx "$1" ip -j mptcp endpoint show | $PY -c '
import json, sys
for e in sorted(json.load(sys.stdin), key=lambda e: e["address"]):
    flags = [f for f in ("signal", "subflow", "backup", "fullmesh") if e.get(f) is True]
    print(e["id"], e["address"], e.get("port", "-"), e.get("dev", "-"), ",".join(sorted(flags)))'
	nsx "$1" ip mptcp limits show
}

# auto NS OUT [ARGS...]: endpoints auto --json into OUT; its exit code.
auto() {
	local ns=$1 out=$2 rc=0
	shift 2
	nsx "$ns" "$MPTCPSHIM_BIN" endpoints auto --json "$@" >"$out" 2>"$out.err" || rc=$?
	echo "$rc"
}

jq_py() {	# jq_py FILE EXPR: EXPR over the JSON in FILE as j
	$PY -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# --- one address on two interfaces ------------------------------------------
ns=$(ns_new twin)
veths "$ns" 2
ip -n "$ns" addr add 10.71.0.1/24 dev va0
ip -n "$ns" addr add 10.71.0.1/24 dev va1
check "twin: first run succeeds" 0 "$(auto "$ns" twin1.json)"
cat twin1.json.err >&2
first=$(endpoints "$ns")
check "twin: one endpoint for the address" 1 "$(grep -c ' 10.71.0.1 ' <<<"$first")"
check "twin: the other interface is named as left out" "va1" \
	"$(jq_py twin1.json '",".join(x["interface"] for x in j["left_out"])')"
check "twin: second run exit 0" 0 "$(auto "$ns" twin2.json)"
check "twin: second run changes nothing" 0 "$(jq_py twin2.json 'len(j["actions"])')"
check "twin: same endpoints, same ids" "$first" "$(endpoints "$ns")"
check "twin: third run changes nothing" 0 "$(auto "$ns" twin3.json >/dev/null; jq_py twin3.json 'len(j["actions"])')"

# --- more addresses than the kernel holds endpoints -------------------------
ns=$(ns_new many)
veths "$ns" 1
for i in $(seq 1 11); do ip -n "$ns" addr add "10.72.0.$i/24" dev va0; done
check "many: first run succeeds (no ERANGE)" 0 "$(auto "$ns" many1.json)"
cat many1.json.err >&2
limit=$(jq_py many1.json 'j["max_endpoints"]')
check "many: the kernel's limit was measured" True "$(jq_py many1.json 'j["max_endpoints_probed"]')"
first=$(endpoints "$ns")
check "many: endpoints up to the kernel's limit" "$limit" "$(grep -c ' 10.72.0.' <<<"$first")"
check "many: each address left out is named with the reason" "$((11 - limit))" \
	"$(jq_py many1.json 'sum(1 for x in j["left_out"] if "at most" in x["reason"])')"
check "many: the limits change is made" "subflows $limit" \
	"$(grep -o "subflows $limit" <<<"$first")"
check "many: second run changes nothing" 0 "$(auto "$ns" many2.json >/dev/null; jq_py many2.json 'len(j["actions"])')"
check "many: same endpoints" "$first" "$(endpoints "$ns")"
# The text form says so too.
nsx "$ns" "$MPTCPSHIM_BIN" endpoints auto --dry-run >many.txt
check "many: --dry-run names what it leaves out" "$((11 - limit))" \
	"$(grep -c '^# left out 10.72.0.[0-9]* (va0): the kernel holds at most' many.txt)"

# --- a user's endpoints: fullmesh and an id; a port (needs signal) ---------
ns=$(ns_new user)
veths "$ns" 3
ip -n "$ns" addr add 10.73.0.1/24 dev va0
ip -n "$ns" addr add 10.73.1.1/24 dev va1
ip -n "$ns" addr add 10.73.2.1/24 dev va2
nsx "$ns" ip mptcp endpoint add 10.73.0.1 id 42 dev va0 subflow fullmesh
nsx "$ns" ip mptcp endpoint add 10.73.1.1 port 10043 id 43 dev va1 signal
check "user: first run succeeds" 0 "$(auto "$ns" user1.json)"
first=$(endpoints "$ns")
check "user: the fullmesh endpoint is untouched" "42 10.73.0.1 - va0 fullmesh,subflow" \
	"$(grep ' 10.73.0.1 ' <<<"$first")"
check "user: the port endpoint (signal only) is untouched" "43 10.73.1.1 10043 va1 signal" \
	"$(grep ' 10.73.1.1 ' <<<"$first")"
check "user: and said so" "43" "$(jq_py user1.json '",".join(str(x["id"]) for x in j["kept"])')"
check "user: the other address got its endpoint" 1 "$(grep -c ' 10.73.2.1 - va2 subflow' <<<"$first")"
check "user: second run changes nothing" 0 "$(auto "$ns" user2.json >/dev/null; jq_py user2.json 'len(j["actions"])')"
check "user: same endpoints" "$first" "$(endpoints "$ns")"
# --backup changes the flag in place: same id, port and fullmesh.
auto "$ns" user3.json --backup va0 >/dev/null
check "user: --backup in place" "42 10.73.0.1 - va0 backup,fullmesh,subflow" \
	"$(endpoints "$ns" | grep ' 10.73.0.1 ')"
check "user: --backup again changes nothing" 0 "$(auto "$ns" user4.json --backup va0 >/dev/null; jq_py user4.json 'len(j["actions"])')"

finish
