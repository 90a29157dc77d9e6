#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `run --events` on a two-path upload: both subflows' establishment for
# the command's token, then path 2 taken down and its subflow closed with
# the error the kernel gave; events of a connection of another program
# (outside run) are left out; with --stats the events join the report.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/topo2.sh"

topo2_setup
# A dead path then closes its subflow within seconds, not minutes.
nsx "$C" sysctl -qw net.ipv4.tcp_retries2=3

nsx "$C" "$MPTCPSHIM_BIN" run --events --json --stats-file events.json \
	-c policy.conf -- $PY -c "$TOPO2_CLIENT" "$SRV" 5201 7 send &
runner=$!
wait_until 10 "the command's join on path 2" \
	t_tcp_established "$C" "( dport = :5201 and src 10.62.2.1 )"

# Another program's MPTCP connection, made while the command runs.
bg_in "$C" 20 $PY -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.connect((sys.argv[1], 5201))
s.sendall(b"S")
print("connected", flush=True)
# Held open past the command, for conns to find it afterwards.
time.sleep(15)' "$SRV" >other.out
other=$T_LAST_PID
wait_line 10 other.out '^connected'
nsx "$C" ip link set "$C2" down
wait "$runner"
cat events.json
echo

other_token=$(nsx "$C" "$MPTCPSHIM_BIN" conns --json --pid "$other" |
	$PY -c 'import json,sys; print(json.load(sys.stdin)["processes"][0]["connections"][0]["token"])')
check "events: the other program's connection left out" False \
	"$(json_get events.json "any(e['token'] == $other_token for e in d['events'])")"
token=$(json_get events.json '[e["token"] for e in d["events"] if e["type"] == "created"][0]')
check "events: only the command's token" "$token" \
	"$(json_get events.json '" ".join(sorted(set(str(e["token"]) for e in d["events"])))')"
check "events: the connection was created and established" "created established" \
	"$(json_get events.json '" ".join(e["type"] for e in d["events"] if e["type"] in ("created", "established"))')"
# The first subflow's establishment is the connection's "established";
# the second is "sf_established", on path 2's interface.
check "events: two subflows established, one per path" "10.62.1.1 10.62.2.1" \
	"$(json_get events.json '" ".join(sorted(e["local_address"] for e in d["events"] if e["type"] in ("established", "sf_established")))')"
check "events: the join on $C2" "$C2" \
	"$(json_get events.json '" ".join(e.get("interface", "?") for e in d["events"] if e["type"] == "sf_established")')"
check "events: the first subflow on $C1" "$C1" \
	"$(json_get events.json '" ".join(e.get("interface", "?") for e in d["events"] if e["type"] == "established")')"
check "events: path 2's subflow closed with an error" True \
	"$(json_get events.json 'any(e["type"] == "sf_closed" and e["local_address"] == "10.62.2.1" and e.get("error", 0) in (101, 110, 113) for e in d["events"])')"
check "events: the error named" True \
	"$(json_get events.json 'all(e.get("error_name", "").startswith("E") for e in d["events"] if e["type"] == "sf_closed")')"
check "events: closed last" closed \
	"$(json_get events.json 'd["events"][-1]["type"]')"
check "events: in time order" True \
	"$(json_get events.json '[e["time"] for e in d["events"]] == sorted(e["time"] for e in d["events"])')"
check "events: none lost" False "$(json_get events.json 'd["events_lost"]')"

# --stats --events: one report with both.
nsx "$C" ip link set "$C2" up
nsx "$C" ip route replace 10.62.1.2/32 dev "$C2" src 10.62.2.1 table 100
nsx "$C" "$MPTCPSHIM_BIN" run --stats --events --json --stats-file both.json \
	-c policy.conf -- $PY -c "$TOPO2_CLIENT" "$SRV" 5201 1 recv
check "--stats --events: the process and its events" "1 True" \
	"$(json_get both.json '"%d %s" % (len(d["processes"]), any(e["type"] == "created" for e in d["events"]))')"
# The server announces its second address, then withdraws it.
nsx "$S" ip mptcp endpoint add 10.62.2.2 dev "${T_PREFIX}sb" id 5 signal
announced=$(mib "$C" AddAddr)
nsx "$C" "$MPTCPSHIM_BIN" run --events --json --stats-file announce.json \
	-c policy.conf -- $PY -c "$TOPO2_CLIENT" "$SRV" 5201 2 recv &
runner=$!
wait_until 10 "the client received the announcement (AddAddr)" \
	t_differs "$announced" mib "$C" AddAddr
nsx "$S" ip mptcp endpoint delete id 5
wait "$runner"
check "events: the server's address announced" "10.62.2.2" \
	"$(json_get announce.json '" ".join(e["remote_address"] for e in d["events"] if e["type"] == "announced")')"
check "events: and removed, by id" "5" \
	"$(json_get announce.json '" ".join(str(e["remote_id"]) for e in d["events"] if e["type"] == "removed")')"
text=$(nsx "$C" "$MPTCPSHIM_BIN" run --events -c policy.conf -- \
	$PY -c "$TOPO2_CLIENT" "$SRV" 5201 0.5 recv 2>&1 >/dev/null)
check "--events text: a line per event, on stderr" 1 \
	"$(grep -cE '^ +[0-9.]+s created +token [0-9a-f]{8} 10.62.1.1:[0-9]+ -> 10.62.1.2:5201' <<<"$text")"

# Unprivileged: the command still runs; the reason is given.
out=$(nsx "$C" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$MPTCPSHIM_BIN" run --events -- sh -c 'echo ran' 2>&1)
check "--events without CAP_NET_ADMIN: command runs" 1 "$(grep -cx ran <<<"$out")"
check "--events without CAP_NET_ADMIN: says why" 1 \
	"$(grep -c 'needs CAP_NET_ADMIN' <<<"$out")"
# A report file that cannot be written: said, and the command still ran.
rc=0
out=$(nsx "$C" "$MPTCPSHIM_BIN" run --events --stats-file "$T_TMP/no/dir/x.json" \
	-- sh -c 'echo ran' 2>&1) || rc=$?
check "--stats-file unwritable: command runs" 1 "$(grep -cx ran <<<"$out")"
check "--stats-file unwritable: says so" 1 \
	"$(grep -c "cannot write '$T_TMP/no/dir/x.json': No such file or directory" <<<"$out")"
kill "$other" 2>/dev/null || true
finish
