#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `conns` and `top` on a two-path connection under `run`: the client
# process with one MPTCP connection and one subflow per interface, bytes and
# rates on both paths during a download; what an unprivileged user is told;
# `conns -- CMD`; and the live `top` in a real terminal (tmux): it draws,
# cuts lines on a narrow terminal, quits on q and on Ctrl-C, and leaves the
# terminal as it found it.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/topo2.sh"

topo2_setup

# A download over both paths, long enough for every check below.
nsx "$C" "$MPTCPSHIM_BIN" run -c policy.conf -- \
	$PY -c "$TOPO2_CLIENT" "$SRV" 5201 12 recv &
client=$!
T_PIDS+=("$client")
# $client is the background job; the python client runs below it.
two_subflows() {
	[ "$(nsx "$C" "$MPTCPSHIM_BIN" conns --json --pid "$client" |
		$PY -c 'import json,sys; d=json.load(sys.stdin); print(sum(len(c["subflows"]) for p in d["processes"] for c in p["connections"]))')" = 2 ]
}
# A timeout is reported by the checks below, each with what it saw.
wait_until 5 "the client's two subflows" two_subflows || true

# under_client PID: yes if PID is $client or one of its descendants (the
# background job is a subshell, so the python client is below it).
under_client() {
	local p=$1
	while [ -n "$p" ] && [ "$p" -gt 1 ]; do
		[ "$p" = "$client" ] && { echo yes; return; }
		p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
	done
	echo no
}
nsx "$C" "$MPTCPSHIM_BIN" conns --json --pid "$client" >conns.json
check "conns: one process, the python client" python3 \
	"$(json_get conns.json '" ".join(p["name"] for p in d["processes"])')"
check "conns: the client's own process" yes \
	"$(under_client "$(json_get conns.json 'd["processes"][0]["pid"]')")"
check "conns: one MPTCP connection" 1 \
	"$(json_get conns.json 'len(d["processes"][0]["connections"])')"
check "conns: to the server's first address" "10.62.1.2:5201" \
	"$(json_get conns.json '"%s:%s" % (lambda c: (c["remote_address"], c["remote_port"]))(d["processes"][0]["connections"][0])')"
check "conns: not fallen back" False \
	"$(json_get conns.json 'd["processes"][0]["connections"][0]["fallback"]')"
check "conns: token from mptcp_info" True \
	"$(json_get conns.json 'd["processes"][0]["connections"][0]["token"] > 0')"
check "conns: two subflows, one per interface" "$C1 $C2" \
	"$(json_get conns.json '" ".join(sorted(s["interface"] for s in d["processes"][0]["connections"][0]["subflows"]))')"
check "conns: subflow sources are the two paths" "10.62.1.1 10.62.2.1" \
	"$(json_get conns.json '" ".join(sorted(s["local_address"] for s in d["processes"][0]["connections"][0]["subflows"]))')"
check "conns: both subflows established" "ESTAB ESTAB" \
	"$(json_get conns.json '" ".join(s["state"] for s in d["processes"][0]["connections"][0]["subflows"])')"
check "conns: both subflows have an RTT" True \
	"$(json_get conns.json 'all(s["rtt_ms"] > 0 for s in d["processes"][0]["connections"][0]["subflows"])')"
check "conns: nothing hidden from root" "0 0" \
	"$(json_get conns.json '"%d %d" % (d["unreadable_processes"], d["hidden_subflows"])')"
echo "--- conns (text) ---"
nsx "$C" "$MPTCPSHIM_BIN" conns --pid "$client" | tee conns.txt
check "conns text: two subflow lines" 2 "$(grep -c '^    subflow ' conns.txt)"

# Rates: bytes moved on both paths between the two samples.
nsx "$C" "$MPTCPSHIM_BIN" top --once --json --pid "$client" --interval 0.5 >top.json
check "top --once: the interval" True \
	"$(json_get top.json '0.4 < d["interval"] < 2')"
check "top --once: received on both subflows" True \
	"$(json_get top.json 'all(s["rx_bytes_per_s"] > 0 for s in d["processes"][0]["connections"][0]["subflows"])')"
check "top --once: a total per interface, both non-zero" "$C1 $C2" \
	"$(json_get top.json '" ".join(sorted(i["name"] for i in d["interfaces"] if i["rx_bytes_per_s"] > 0))')"
# Both paths are shaped to 20 Mbit/s: no rate can exceed that by much.
check "top --once: rates within the shaping" True \
	"$(json_get top.json 'all(i["rx_bytes_per_s"] < 20e6 / 8 * 1.5 for i in d["interfaces"])')"

# Unprivileged: its own processes only, and it says what it could not see.
nsx "$C" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$MPTCPSHIM_BIN" conns --json >nobody.json
check "unprivileged: root's client not shown" 0 \
	"$(json_get nobody.json 'len(d["processes"])')"
check "unprivileged: says it could not read others" True \
	"$(json_get nobody.json 'd["unreadable_processes"] > 0 and d["unowned_connections"] >= 1')"
# ... and sees its own program whole (6.18 shows subflow tokens to all).
chmod 755 "$T_TMP"
chmod 644 policy.conf
nsx "$C" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$MPTCPSHIM_BIN" conns --json -- "$MPTCPSHIM_BIN" run -c policy.conf -- \
	$PY -c "$TOPO2_CLIENT" "$SRV" 5201 1.5 recv >own.json
check "unprivileged: its own connection, both subflows" "python3 2" \
	"$(json_get own.json '" ".join("%s %d" % (p["name"], len(p["connections"][0]["subflows"])) for p in d["processes"])')"
text=$(nsx "$C" setpriv --reuid=65534 --regid=65534 --clear-groups "$MPTCPSHIM_BIN" conns)
check "unprivileged text: a note" 1 "$(grep -c '^note: the sockets of' <<<"$text")"

# conns -- CMD: runs CMD under the shim and reports its richest view.
nsx "$C" "$MPTCPSHIM_BIN" conns --json -- \
	$PY -c "$TOPO2_CLIENT" "$SRV" 5201 1.5 recv >cmd.json
check "conns -- CMD: its connection with two subflows" "1 2" \
	"$(json_get cmd.json '"%d %d" % (len(d["processes"][0]["connections"]), len(d["processes"][0]["connections"][0]["subflows"]))')"
rc=0
nsx "$C" "$MPTCPSHIM_BIN" conns -- sh -c 'exit 3' >/dev/null || rc=$?
check "conns -- CMD: exits with CMD's status" 3 "$rc"

# The live view in a real terminal.
tmux_sock="$T_TMP/tmux.sock"
# Not under the sanitizer preload: tmux is not built with it.
tm() { env -u LD_PRELOAD tmux -S "$tmux_sock" "$@"; }
stop_tmux() { tm kill-server 2>/dev/null || true; }
t_on_exit stop_tmux
tm new-session -d -x 160 -y 30 "ip netns exec $C bash --norc --noprofile"
tm send-keys "stty -a > $T_TMP/stty.before; PS1='\$ '" Enter
wait_until 5 "the terminal's modes saved" test -s "$T_TMP/stty.before"
screen_shows() { tm capture-pane -p >screen.txt && grep -qF -- "$1" screen.txt; }
# screen_has TEXT: waits up to 5 s for TEXT on the screen (screen.txt).
screen_has() { wait_until 5 "'$1' on the screen" screen_shows "$1"; }
tm send-keys "$MPTCPSHIM_BIN top --pid $client --interval 0.3; stty -a > $T_TMP/stty.q; echo TOP-'EXITED'" Enter
screen_has "mptcpshim top:" && drawn=yes || drawn=no
check "top: draws in a terminal" yes "$drawn"
# A frame with both paths' lines (their samples come in separately).
both_paths() {
	tm capture-pane -p >screen.txt &&
		[ "$(grep -cE "^($C1|$C2) " screen.txt)" = 2 ]
}
# A timeout is reported by the checks below.
wait_until 5 "a line per interface in top" both_paths || true
echo "--- top (tmux capture, 160 columns) ---"
cat screen.txt
check "top: one line per interface" 2 "$(grep -cE "^($C1|$C2) " screen.txt)"
check "top: the connection's token" 1 \
	"$(grep -c "token $(json_get conns.json '"%08x" % d["processes"][0]["connections"][0]["token"]')" screen.txt)"
tm resize-window -x 50 -y 20
# A frame drawn after the resize: the screen changes (the rates move at
# every 0.3 s refresh of the download).
wait_changed 5 "a frame after the resize" tm capture-pane -p || true
tm capture-pane -p >narrow.txt
check "top narrow: still drawing" 1 "$(grep -c '^mptcpshim top:' narrow.txt)"
check "top narrow: no line wider than 50" 0 \
	"$(awk 'length($0) > 50' narrow.txt | wc -l)"
tm send-keys q
# The marker is quoted on the command line, so only its output matches:
# by then stty has written the modes.
screen_has TOP-EXITED && quit=yes || quit=no
check "top: q quits" yes "$quit"
# The modes, not the size (the window was resized meanwhile).
modes() { sed 's/rows [0-9]*; columns [0-9]*;//' "$1" 2>/dev/null | tr -s ' \n' ' '; }
check "top: terminal restored after q" "$(modes "$T_TMP/stty.before")" \
	"$(modes "$T_TMP/stty.q")"
tm resize-window -x 160 -y 30
tm send-keys "$MPTCPSHIM_BIN top --interval 0.3; stty -a > $T_TMP/stty.c; echo CTRLC-'EXITED'" Enter
screen_has "mptcpshim top:" >/dev/null
tm send-keys C-c
screen_has CTRLC-EXITED && quit=yes || quit=no
check "top: Ctrl-C quits" yes "$quit"
check "top: terminal restored after Ctrl-C" "$(modes "$T_TMP/stty.before")" \
	"$(modes "$T_TMP/stty.c")"
stop_tmux

rc=0
"$MPTCPSHIM_BIN" top --json >/dev/null 2>&1 || rc=$?
check "top --json without --once: usage" 2 "$rc"
rc=0
"$MPTCPSHIM_BIN" top </dev/null >/dev/null 2>&1 || rc=$?
check "top without a terminal: usage" 2 "$rc"
for args in "--pid 0" "--pid x" "--interval 0" "--interval -1" "extra"; do
	rc=0
	"$MPTCPSHIM_BIN" conns $args >/dev/null 2>&1 || rc=$?
	[ "$args" = "--interval 0" ] || [ "$args" = "--interval -1" ] ||
		check "conns usage error: $args" 2 "$rc"
	rc=0
	"$MPTCPSHIM_BIN" top --once $args >/dev/null 2>&1 || rc=$?
	check "top usage error: $args" 2 "$rc"
done
rc=0
"$MPTCPSHIM_BIN" conns --pid 999999999 >/dev/null 2>&1 || rc=$?
check "conns: no such pid" 1 "$rc"
rc=0
out=$("$MPTCPSHIM_BIN" top --once --pid 999999999 --interval 0.1 2>&1) || rc=$?
check "top: no such pid" 1 "$rc"
check "top: says so" "mptcpshim top: no process 999999999" "$out"
finish
