# SPDX-License-Identifier: BSD-3-Clause
# The client -- router -- server topology of the fallback, option-rescue and
# keepalive tests, so that a middlebox can sit on the path. Source it after
# lib.sh (which removes the namespaces, and with them the router's nft
# tables, on every exit path).
#
#   client  10.61.1.1/24  fd00:61:1::1/64  ---  router .254 / ::fe
#   server  10.61.2.1/24  fd00:61:2::1/64  ---  router .254 / ::fe

# topo_new: creates the three namespaces; sets C, R and S to their names
# and SRV4/SRV6 to the server's addresses.
topo_new() {
	# Not C=$(ns_new ...): a subshell would lose lib.sh's cleanup list.
	ns_new cli >/dev/null
	ns_new rtr >/dev/null
	ns_new srv >/dev/null
	C="${T_PREFIX}-cli"
	R="${T_PREFIX}-rtr"
	S="${T_PREFIX}-srv"
	SRV4=10.61.2.1
	SRV6=fd00:61:2::1
	ip link add name "${T_PREFIX}c" netns "$C" type veth \
		peer name "${T_PREFIX}rc" netns "$R"
	ip link add name "${T_PREFIX}s" netns "$S" type veth \
		peer name "${T_PREFIX}rs" netns "$R"
	topo_end "$C" "${T_PREFIX}c" 1 1 254 fe
	topo_end "$S" "${T_PREFIX}s" 2 1 254 fe
	topo_end "$R" "${T_PREFIX}rc" 1 254
	topo_end "$R" "${T_PREFIX}rs" 2 254
	nsx "$R" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1
	# Symmetric routes: strict reverse-path filtering is harmless here,
	# but say so rather than inherit whatever the host has.
	local ns
	for ns in "$C" "$R" "$S"; do
		nsx "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=1 \
			net.ipv4.conf.default.rp_filter=1
	done
	topo_wait_v6 "$C" "${T_PREFIX}c"
	topo_wait_v6 "$S" "${T_PREFIX}s"
	topo_wait_v6 "$R" "${T_PREFIX}rc"
	topo_wait_v6 "$R" "${T_PREFIX}rs"
}

# topo_end NS DEV NET HOST [GW4 GW6]: addresses, link up, default route.
topo_end() {
	local ns=$1 dev=$2 net=$3 host=$4 v6host
	v6host=$([ "$host" = 254 ] && echo fe || echo "$host")
	nsx "$ns" sysctl -qw "net.ipv6.conf.$dev.accept_dad=0"
	nsx "$ns" ip addr add "10.61.$net.$host/24" dev "$dev"
	nsx "$ns" ip addr add "fd00:61:$net::$v6host/64" dev "$dev" nodad
	nsx "$ns" ip link set "$dev" up
	if [ $# -ge 6 ]; then
		nsx "$ns" ip route add default via "10.61.$net.$5"
		nsx "$ns" ip -6 route add default via "fd00:61:$net::$6"
	fi
}

# topo_wait_v6 NS DEV: until the link-local address is usable (2 s at most),
# so that the first IPv6 packets are not lost to neighbour discovery races.
topo_wait_v6() {
	wait_until 2 "$2's IPv6 addresses past DAD" topo_v6_settled "$1" "$2" ||
		true
}
topo_v6_settled() { ! nsx "$1" ip -6 addr show dev "$2" tentative | grep -q inet6; }

# topo_middlebox RULE...: one nft rule on the router's forward path, in a
# table of its own (removed with the namespace; topo_clear removes it now).
topo_middlebox() {
	nsx "$R" nft add table inet mbox
	nsx "$R" nft add chain inet mbox transit \
		'{ type filter hook forward priority 0; policy accept; }'
	nsx "$R" nft add rule inet mbox transit "$@"
}

topo_clear() {
	nsx "$R" nft delete table inet mbox
}

# stats_get FILE KEY: KEY of the one process in a `run --stats --json`
# report; an object prints as NAME:COUNT,... ("-" when empty).
stats_get() {
	$PY - "$1" "$2" <<'EOF_PY'
import json, sys
procs = json.load(open(sys.argv[1]))["processes"]
if len(procs) != 1:
    print("processes=%d" % len(procs))
    sys.exit(0)
v = procs[0][sys.argv[2]]
if isinstance(v, dict):
    v = ",".join("%s:%d" % kv for kv in sorted(v.items())) or "-"
print(v)
EOF_PY
}

# stats_mib FILE COUNTER: the report's MPTcpExt delta (0 when absent).
stats_mib() {
	$PY -c 'import json, sys
print(json.load(open(sys.argv[1])).get("mib_delta", {}).get(sys.argv[2], 0))' \
		"$1" "$2"
}

# same_bytes A B: "same" when both files exist with equal sha256 sums.
same_bytes() {
	if [ -f "$1" ] && [ -f "$2" ] &&
		[ "$(sha256sum <"$1")" = "$(sha256sum <"$2")" ]; then
		echo same
	else
		echo differ
	fi
}

# topo_mbox_packets: packets the middlebox rule has matched so far.
topo_mbox_packets() {
	nsx "$R" nft list chain inet mbox transit |
		grep -o 'packets [0-9]*' | head -1 | cut -d' ' -f2
}
