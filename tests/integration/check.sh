#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `mptcpshim check` on two paths (topo2.sh): against `check --serve` with
# a signal endpoint on the server it reports MPTCP, the announced address
# and at least two subflows with their RTT (and the server says the same
# from its side); against a TCP-only server it reports the fallback and
# the counters' cause; exit codes follow.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/topo2.sh"

topo2_new 100mbit
cd "$T_TMP"
nsx "$S" ip mptcp endpoint add 10.62.2.2 dev "${T_PREFIX}sb" signal

bg_in "$S" 60 "$MPTCPSHIM_BIN" check --serve --json --count 1 --wait 10 5300 >server.json
server=$T_LAST_PID
wait_listen "$S" 5300

rc=0
nsx "$C" "$MPTCPSHIM_BIN" check --json --wait 2 "$SRV:5300" >client.json || rc=$?
check "MPTCP peer: exit 0" 0 "$rc"
check "MPTCP peer: MPTCP" True "$(json_get client.json 'd["mptcp"]')"
check "announced: the server's signal address" "['10.62.2.2']" \
	"$(json_get client.json '[a["address"] for a in d["announced"]]')"
check_ge "subflows within the wait" 2 "$(json_get client.json 'len(d["subflows"])')"
check "a subflow to the announced address" True \
	"$(json_get client.json 'any(s["remote"].startswith("10.62.2.2:") for s in d["subflows"])')"
check "every subflow has an RTT" True \
	"$(json_get client.json 'all(s["rtt_ms"] > 0 for s in d["subflows"])')"
check "no fallback cause" False "$(json_get client.json '"fallback" in d')"
wait "$server" || true
check "server: one report" 1 "$(wc -l <server.json)"
check "server: MPTCP" True "$(json_get server.json 'd["mptcp"]')"
check "server: side" server "$(json_get server.json 'd["side"]')"
check_ge "server: the same subflows" 2 "$(json_get server.json 'len(d["subflows"])')"

check "MPTCP peer: did not close on us" False "$(json_get client.json 'd["peer_closed"]')"

# A server that speaks MPTCP but closes each connection at once (what
# curl reports as an empty reply): MPTCP still, and the close is said.
bg_in "$S" 60 $PY -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.bind(("0.0.0.0", 5309)); s.listen(4)
while True:
    s.accept()[0].close()'
wait_listen "$S" 5309
rc=0
nsx "$C" "$MPTCPSHIM_BIN" check --json --wait 1 "$SRV:5309" >closer.json || rc=$?
check "closing peer: exit 0 (it speaks MPTCP)" 0 "$rc"
check "closing peer: the close reported" True "$(json_get closer.json 'd["peer_closed"]')"
nsx "$C" "$MPTCPSHIM_BIN" check --wait 1 "$SRV:5309" >closer.txt || true
check "closing peer: said in the text" 1 "$(grep -c 'the peer closed the connection' closer.txt)"

# The text form.
bg_in "$S" 60 "$MPTCPSHIM_BIN" check --serve --count 1 --wait 10 5301 >/dev/null
wait_listen "$S" 5301
nsx "$C" "$MPTCPSHIM_BIN" check --wait 1 "$SRV:5301" >client.txt || true
check "text: the verdict" 1 "$(grep -c "^check $SRV:5301: MPTCP (connected in" client.txt)"
check "text: the announced address" 1 "$(grep -c '^    10.62.2.2 ' client.txt)"

check "MPTCP peer: no subflow problem" 0 "$(json_get client.json 'len(d["subflow_causes"])')"

# An MPTCP server listening on one address only: the join to the address
# it announces finds no listener, and the counters say so.
printf '[global]\nmode = all\n' >all.conf
bg_in "$S" 60 "$MPTCPSHIM_BIN" run -c all.conf -- $PY -m http.server --bind "$SRV" 8081 >/dev/null 2>&1
wait_listen "$S" 8081
nsx "$C" ip mptcp endpoint flush
nsx "$C" "$MPTCPSHIM_BIN" check --json --wait 1 "$SRV:8081" >bound.json || true
check "bound server: MPTCP" True "$(json_get bound.json 'd["mptcp"]')"
check "bound server: announced" "['10.62.2.2']" \
	"$(json_get bound.json '[a["address"] for a in d["announced"]]')"
check "bound server: one subflow" 1 "$(json_get bound.json 'len(d["subflows"])')"
check "bound server: the join went unanswered" True \
	"$(json_get bound.json '"joins_unanswered" in [r["id"] for r in d["subflow_causes"]]')"
nsx "$C" ip mptcp endpoint add 10.62.2.1 dev "$C2" subflow

# A TCP-only server: fallback, and the counters say why.
bg_in "$S" 60 $PY -m http.server --bind "$SRV" 8080 >/dev/null 2>&1
wait_listen "$S" 8080
rc=0
nsx "$C" "$MPTCPSHIM_BIN" check --json --wait 0.5 "$SRV:8080" >tcp.json || rc=$?
check "TCP peer: exit 1" 1 "$rc"
check "TCP peer: not MPTCP" False "$(json_get tcp.json 'd["mptcp"]')"
check "TCP peer: the cause" peer_not_mptcp "$(json_get tcp.json 'd["fallback"]["id"]')"
check "TCP peer: its evidence" True \
	"$(json_get tcp.json '"MPCapableFallbackSYNACK" in d["fallback"]["evidence"]')"
check "TCP peer: no subflow listed" 0 "$(json_get tcp.json 'len(d["subflows"])')"
nsx "$C" "$MPTCPSHIM_BIN" check "$SRV:8080" >tcp.txt || true
check "text: fallback and cause" 2 "$(grep -c '^check .*: fallback to TCP\|^  cause: peer not MPTCP' tcp.txt)"

# The server's side of a TCP client.
bg_in "$S" 60 "$MPTCPSHIM_BIN" check --serve --json --count 1 --wait 5 5302 >tcpclient.json
server=$T_LAST_PID
wait_listen "$S" 5302
nsx "$C" $PY -c 'import socket; s = socket.create_connection(("10.62.1.2", 5302)); s.recv(100); s.close()'
wait "$server" || true
check "server: a TCP client is a fallback" False "$(json_get tcpclient.json 'd["mptcp"]')"
check "server: the client sent no MP_CAPABLE" client_not_mptcp \
	"$(json_get tcpclient.json 'd["fallback"]["id"]')"

# Nothing listens: exit 1 and a message.
rc=0
nsx "$C" "$MPTCPSHIM_BIN" check --timeout 2 "$SRV:5999" 2>err.txt || rc=$?
check "refused: exit 1" 1 "$rc"
check "refused: said" 1 "$(grep -c 'Connection refused' err.txt)"
nsx "$C" "$MPTCPSHIM_BIN" check --json --timeout 2 "$SRV:5999" >refused.json 2>/dev/null || true
check "refused: JSON too" "False ECONNREFUSED" \
	"$(json_get refused.json 'd["connected"], d["error"]' | tr -d "(),'")"
# A name with many addresses, all dead (SYNs to 10.99.0.0/24 go to lo,
# where nothing answers): --timeout bounds the whole attempt (it was per
# address: 6 x 1 s), and a live address among dead ones is still reached
# within it. The name comes from a hosts file mounted in a private mount
# namespace; the outer timeout is the bound under test.
nsx "$C" ip route add 10.99.0.0/24 dev lo
for i in 1 2 3 4 5 6; do echo "10.99.0.$i many.check.test"; done >hosts.dead
{ cat hosts.dead; echo "$SRV many.check.test"; } >hosts.live
manycheck() { # HOSTS EXPECTED-RC
	local rc=0
	nsx "$C" unshare -m sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' - \
		"$T_TMP/$1" timeout 4 "$MPTCPSHIM_BIN" check --json --timeout 1 --wait 0 \
		many.check.test:5309 >many.json 2>/dev/null || rc=$?
	check "many addresses ($1): exit $2" "$2" "$rc"
}
manycheck hosts.dead 1
check "many dead addresses: timed out" ETIMEDOUT "$(json_get many.json 'd["error"]')"
manycheck hosts.live 0

# A name that does not resolve (the namespace reaches no resolver: no
# traffic leaves it): exit 1 and a document too (there was none).
rc=0
nsx "$C" "$MPTCPSHIM_BIN" check --json no-such-host.invalid:80 >unresolved.json 2>/dev/null || rc=$?
check "unresolvable: exit 1" 1 "$rc"
check "unresolvable: JSON says so" "False EAI_" \
	"$(json_get unresolved.json 'd["connected"], d["error"][:4]' | tr -d "(),'")"

# Without CAP_NET_ADMIN the announced addresses are only counted.
bg_in "$S" 60 "$MPTCPSHIM_BIN" check --serve --count 1 --wait 10 5303 >/dev/null
wait_listen "$S" 5303
nsx "$C" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$MPTCPSHIM_BIN" check --json --wait 1 "$SRV:5303" >unpriv.json || true
check "unprivileged: MPTCP" True "$(json_get unpriv.json 'd["mptcp"]')"
check "unprivileged: addresses unknown" None "$(json_get unpriv.json 'd["announced"]')"
check "unprivileged: but counted" 1 "$(json_get unpriv.json 'd["announced_accepted"]')"
finish
