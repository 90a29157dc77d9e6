#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# What the shim learns when a connection cannot run MPTCP, with curl
# fetching a checksummed file across client -- router -- server: a plain TCP
# server, a router stripping the MPTCP option, a router dropping MPTCP SYNs
# (blackhole), and MPTCP disabled on the client. Each case asserts that the
# download worked, what `run --stats` and the debug log reported, and the
# kernel's MPTcpExt counters; where mptcpize's program fails instead, the
# contrast is shown. strace counts what the detection costs.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/topo.sh"

topo_new
cd "$T_TMP"
mkdir www tmp
head -c 1048576 /dev/urandom >www/blob
printf '[global]\nmode = all\n' >policy.conf
export XDG_CONFIG_HOME="$T_TMP/xdg" TMPDIR="$T_TMP/tmp"

# Plain TCP on 8080; MPTCP on 8081 (python under the shim). Both dual-stack.
bg_in "$S" 60 $PY -m http.server --bind :: --directory www 8080 \
	>/dev/null 2>&1
bg_in "$S" 60 "$MPTCPSHIM_BIN" run -c "$T_TMP/policy.conf" -- \
	$PY -m http.server --bind :: --directory www 8081 >/dev/null 2>&1
wait_listen "$S" 8080
wait_listen "$S" 8081

# The download command, GET OUT URL: curl, or python3 in sanitizer runs,
# where curl deadlocks with libasan preloaded (see lib.sh).
cat >fetch.py <<'EOF_PY'
import sys, urllib.request
data = urllib.request.urlopen(sys.argv[2], timeout=30).read()
open(sys.argv[1], "wb").write(data)
EOF_PY
if [ -n "${T_SANITIZED:-}" ]; then
	GET=("$PY" "$T_TMP/fetch.py")
else
	GET=(curl -sS --max-time 30 -o)
fi

# fetch NAME URL: the download under `run -d --stats` in the client
# namespace; NAME.json is the report, NAME.log the debug log, RC its status.
fetch() {
	RC=0
	rm -f "$1.out"
	nsx "$C" "$MPTCPSHIM_BIN" run -c policy.conf -d --stats --json \
		--stats-file "$1.json" -- "${GET[@]}" "$1.out" "$2" \
		2>"$1.log" || RC=$?
}

# verdict NAME: what the shim said about the one connection, in one line.
verdict() {
	local errors
	errors=$(stats_get "$1.json" creation_fallback_errors)
	echo "converted=$(stats_get "$1.json" converted)" \
		"creation_fallbacks=$errors" \
		"connect_mptcp=$(stats_get "$1.json" connect_mptcp)" \
		"connect_fallback=$(stats_get "$1.json" connect_fallback)"
}

# The verdicts on a converted connection.
RAN_MPTCP="converted=1 creation_fallbacks=- connect_mptcp=1 connect_fallback=0"
FELL_BACK="converted=1 creation_fallbacks=- connect_mptcp=0 connect_fallback=1"
NO_CONNECTION="connect_mptcp=0 connect_fallback=0"

# logged NAME TEXT: how many debug log lines contain TEXT.
logged() {
	grep -c -- "$2" "$1.log" || true
}

# Control: the MPTCP server, nothing on the path; the detection can say
# "MPTCP" too, over IPv4 and IPv6.
for v in 4 6; do
	url=http://$SRV4:8081/blob
	[ $v = 4 ] || url="http://[$SRV6]:8081/blob"
	fetch ctl$v "$url"
	check "control v$v: client exit status" 0 "$RC"
	check "control v$v: bytes" same "$(same_bytes www/blob ctl$v.out)"
	check "control v$v: shim saw MPTCP" \
		"$RAN_MPTCP" \
		"$(verdict ctl$v)"
	check "control v$v: debug log" 1 \
		"$(logged ctl$v 'connection runs MPTCP')"
	check "control v$v: MP_CAPABLE SYN/ACK received" 1 \
		"$(stats_mib ctl$v.json MPCapableSYNACKRX)"
done

# The detection's price: one TCP_IS_MPTCP getsockopt per connection (and
# MPTCP_INFO at close for the subflow count), whatever the transfer size;
# none at all without --stats.
# getsockopts URL [--stats]: those calls, counted with strace.
getsockopts() {
	local stats=()
	[ -z "${2:-}" ] || stats=(--stats --stats-file "$T_TMP/cost.json")
	nsx "$C" "$MPTCPSHIM_BIN" run -c policy.conf "${stats[@]}" -- \
		strace -f -qq -e trace=getsockopt -o "$T_TMP/trace" \
		"${GET[@]}" cost.out "$1" || echo "client failed"
	echo "is_mptcp=$(grep -cE 'SOL_TCP, (0x2b|TCP_IS_MPTCP)' trace)" \
		"mptcp_info=$(grep -cE ', (0x11c|SOL_MPTCP)' trace)"
}
check "cost, MPTCP server, --stats" "is_mptcp=1 mptcp_info=1" \
	"$(getsockopts "http://$SRV4:8081/blob" --stats)"
check "cost, plain server, --stats" "is_mptcp=1 mptcp_info=0" \
	"$(getsockopts "http://$SRV4:8080/blob" --stats)"
check "cost, MPTCP server, no --stats" "is_mptcp=0 mptcp_info=0" \
	"$(getsockopts "http://$SRV4:8081/blob")"

# 1. The peer is not MPTCP capable.
for v in 4 6; do
	url=http://$SRV4:8080/blob
	[ $v = 4 ] || url="http://[$SRV6]:8080/blob"
	before=$(mib "$C" MPCapableFallbackSYNACK)
	fetch plain$v "$url"
	check "plain server v$v: client exit status" 0 "$RC"
	check "plain server v$v: bytes" same \
		"$(same_bytes www/blob plain$v.out)"
	check "plain server v$v: shim saw the fallback" \
		"$FELL_BACK" \
		"$(verdict plain$v)"
	check "plain server v$v: debug log" 1 \
		"$(logged plain$v 'connection fell back to TCP')"
	check "plain server v$v: MPCapableFallbackSYNACK grew" 1 \
		"$(($(mib "$C" MPCapableFallbackSYNACK) - before))"
done
# A non-blocking connect whose completion the app never reads with
# SO_ERROR (it polls, writes, closes): classified at close.
cat >nonblock.py <<'EOF_PY'
import select, socket, sys
s = socket.socket()
s.setblocking(False)
s.connect_ex((sys.argv[1], int(sys.argv[2])))
if select.select([], [s], [], 10)[1]:
    s.send(b"\r\n")
s.close()
EOF_PY
for port in 8080 8081; do
	RC=0
	nsx "$C" "$MPTCPSHIM_BIN" run -c policy.conf -d --stats --json \
		--stats-file nb$port.json -- $PY nonblock.py "$SRV4" $port \
		2>nb$port.log || RC=$?
	check "non-blocking to $port: exit status" 0 "$RC"
done
check "non-blocking to the plain server: fallback seen at close" \
	"$FELL_BACK" "$(verdict nb8080)"
check "non-blocking to the MPTCP server: MPTCP seen at close" \
	"$RAN_MPTCP" "$(verdict nb8081)"

rc=0
nsx "$C" mptcpize run "${GET[@]}" mz.out "http://$SRV4:8080/blob" \
	2>/dev/null || rc=$?
echo "contrast: mptcpize run ${GET[0]##*/} to the plain server: exit $rc," \
	"bytes $(same_bytes www/blob mz.out); it cannot tell that the" \
	"connection fell back"

# 2. A middlebox strips the MPTCP option from every forwarded segment: the
# server never sees MP_CAPABLE, the client sees a plain SYN/ACK.
topo_middlebox tcp option mptcp exists counter reset tcp option mptcp
for v in 4 6; do
	url=http://$SRV4:8081/blob
	[ $v = 4 ] || url="http://[$SRV6]:8081/blob"
	before=$(mib "$C" MPCapableFallbackSYNACK)
	srv_before=$(mib "$S" MPCapableSYNRX)
	fetch strip$v "$url"
	check "stripped v$v: client exit status" 0 "$RC"
	check "stripped v$v: bytes" same "$(same_bytes www/blob strip$v.out)"
	check "stripped v$v: shim saw the fallback" \
		"$FELL_BACK" \
		"$(verdict strip$v)"
	check "stripped v$v: debug log" 1 \
		"$(logged strip$v 'connection fell back to TCP')"
	check "stripped v$v: MPCapableFallbackSYNACK grew" 1 \
		"$(($(mib "$C" MPCapableFallbackSYNACK) - before))"
	check "stripped v$v: server got no MP_CAPABLE SYN" 0 \
		"$(($(mib "$S" MPCapableSYNRX) - srv_before))"
done
check_ge "stripped: the router rewrote packets" 2 "$(topo_mbox_packets)"
topo_clear

# 4. MPTCP disabled on the client: socket() itself refuses MPTCP. (Before
# the blackhole case, which leaves active MPTCP off in this namespace.)
nsx "$C" sysctl -qw net.mptcp.enabled=0
fetch off "http://$SRV4:8081/blob"
check "disabled: client exit status" 0 "$RC"
check "disabled: bytes" same "$(same_bytes www/blob off.out)"
check "disabled: creation fallback with ENOPROTOOPT" \
	"converted=0 creation_fallbacks=ENOPROTOOPT:1 $NO_CONNECTION" \
	"$(verdict off)"
check "disabled: log says MPTCP is unavailable" 1 "$(logged off \
	'MPTCP is not available (socket: ENOPROTOOPT); using TCP')"
check "disabled: no MP_CAPABLE SYN" 0 "$(stats_mib off.json MPCapableSYNTX)"
rc=0
nsx "$C" mptcpize run "${GET[@]}" mz-off.out "http://$SRV4:8081/blob" \
	2>mz-off.err || rc=$?
if [ "$rc" != 0 ]; then
	echo "contrast: mptcpize run ${GET[0]##*/} with net.mptcp.enabled=0:" \
		"exit $rc ($(tail -1 mz-off.err));" \
		"mptcpshim: exit 0, same bytes"
	check "contrast: mptcpize's client got nothing" differ \
		"$(same_bytes www/blob mz-off.out)"
else
	echo "note: mptcpize run ${GET[0]##*/} with net.mptcp.enabled=0" \
		"succeeded here"
fi
nsx "$C" sysctl -qw net.mptcp.enabled=1

# 3. A firewall drops SYNs carrying MP_CAPABLE: the kernel retries without
# it after syn_retrans_before_tcp_fallback retransmissions (seconds).
topo_middlebox tcp flags syn tcp option mptcp exists counter drop
drop_before=$(mib "$C" MPCapableSYNTXDrop)
hole_before=$(mib "$C" Blackhole)
fetch hole "http://$SRV4:8081/blob"
check "blackhole: client exit status" 0 "$RC"
check "blackhole: bytes" same "$(same_bytes www/blob hole.out)"
check "blackhole: shim saw the fallback" \
	"$FELL_BACK" \
	"$(verdict hole)"
check "blackhole: debug log" 1 "$(logged hole 'connection fell back to TCP')"
check_ge "blackhole: MPCapableSYNTXDrop grew" 1 \
	"$(($(mib "$C" MPCapableSYNTXDrop) - drop_before))"
check_ge "blackhole: Blackhole grew" 1 \
	"$(($(mib "$C" Blackhole) - hole_before))"
check_ge "blackhole: the router dropped MPTCP SYNs" 1 "$(topo_mbox_packets)"
# Active MPTCP is now off in the client namespace for blackhole_timeout:
# the next connection does not even try, and the shim still reports it.
fetch after "http://$SRV4:8081/blob"
check "after blackhole: client exit status" 0 "$RC"
check "after blackhole: bytes" same "$(same_bytes www/blob after.out)"
check "after blackhole: shim saw the fallback" \
	"$FELL_BACK" \
	"$(verdict after)"
check "after blackhole: MPCapableSYNTXDisabled" 1 \
	"$(stats_mib after.json MPCapableSYNTXDisabled)"
topo_clear

finish
