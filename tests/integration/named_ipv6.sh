#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# bind9's named over IPv6 (issue 21 item 4): named sets IPV6_MTU = 1280 on
# its TCP listeners and ignores the error; MPTCP refuses the option. Under
# mptcpize every zone transfer stays MPTCP, so under the shim it must too:
# a zone transfer (dig +tcp AXFR) in a namespace, proven by the MIB.
# dig sets TCP_USER_TIMEOUT and aborts when it fails: its policy line
# (the one the shim's warning names) keeps it MPTCP without the option.
source "$(dirname "$0")/lib.sh"
need_cmd named dig
NS=$(ns_new dns)
D=$T_TMP/named
mkdir -p "$D"
cat >"$D/named.conf" <<EOF2
options {
	directory "$D";
	pid-file "$D/named.pid";
	session-keyfile "$D/session.key";
	listen-on { none; };
	listen-on-v6 port 5353 { ::1; };
	recursion no;
	allow-transfer { any; };
	dnssec-validation no;
};
controls { };
zone "example.test" { type primary; file "$D/example.test.zone"; };
EOF2
cat >"$D/example.test.zone" <<'EOF2'
$TTL 300
@ IN SOA ns.example.test. admin.example.test. 1 3600 600 86400 300
@ IN NS ns.example.test.
ns IN AAAA ::1
www IN AAAA ::1
EOF2
printf '[app:dig]\nunsupported_option.TCP_USER_TIMEOUT = ignore\n' >"$D/dig.conf"

mptcp_listeners() { nsx "$NS" ss -HMltn "sport = :5353" | grep -c '^mptcp' || true; }
# axfr: "RECORDS ACKRX SYNACKRX" for one transfer by dig under the shim.
axfr() {
	local a0 s0 n
	a0=$(mib "$NS" MPCapableACKRX)
	s0=$(mib "$NS" MPCapableSYNACKRX)
	n=$(nsx "$NS" timeout 10 "$MPTCPSHIM_BIN" run -c "$D/dig.conf" \
		dig +tcp +nocookie -p 5353 @::1 example.test AXFR | grep -c $'\tIN\t' || true)
	echo "$n $(($(mib "$NS" MPCapableACKRX) - a0)) $(($(mib "$NS" MPCapableSYNACKRX) - s0))"
}
# serve WRAPPER...: named under WRAPPER until its listener is up.
serve() {
	bg_in "$NS" 30 "$@" named -g -n 1 -c "$D/named.conf"
	SERVER=$T_LAST_PID
	wait_listen "$NS" 5353
}
stop() {
	kill "$SERVER" 2>/dev/null
	wait "$SERVER" 2>/dev/null || true
}

serve "$MPTCPSHIM_BIN" run -d
check "named's IPv6 listener is MPTCP under the shim" 1 "$(mptcp_listeners)"
# SOA, NS, 2 AAAA, SOA: five records, one MPTCP handshake each side.
check "AXFR over IPv6 is MPTCP (5 records, MPCapableACKRX +1, SYNACKRX +1)" "5 1 1" "$(axfr)"
stop
# The same program under mptcpize: the bar not to fall behind.
serve mptcpize run
check "contrast: under mptcpize the listener is MPTCP too" 1 "$(mptcp_listeners)"
stop
finish
