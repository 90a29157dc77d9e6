#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 2: `mptcpshim run` converts exactly the TCP sockets, real programs
# transfer over MPTCP (proved by the namespace's counters), and nothing
# breaks where MPTCP is disabled. Needs root (network namespaces).
. "$(dirname "$0")/lib.sh"

RUN="$MPTCPSHIM_BIN run"
ns=$(ns_new basic)

# --- which sockets are converted: a C probe and python3 ----------------
expected="inet-stream-0 262
inet-stream-tcp 262
inet6-stream-0 262
inet-stream-nonblock-cloexec 262 nonblock cloexec
inet6-stream-nonblock 262 nonblock
inet-stream-mptcp 262
inet-dgram-0 17
inet6-dgram-udp 17
inet-raw-tcp 6
inet-seqpacket-0 ESOCKTNOSUPPORT
unix-stream-0 0"
check "socket table under run" "$expected" "$(nsx "$ns" $RUN "$SOCKPROBE" table)"
# Without the shim the same probe sees TCP: the table above is the shim's doing.
check "TCP stays TCP without the shim" "inet-stream-0 6" \
	"$(nsx "$ns" "$SOCKPROBE" table | head -1)"
check "python3 TCP and UDP protocols" "262 17" "$(nsx "$ns" $RUN $PY -c '
import socket
t = socket.socket(); u = socket.socket(type=socket.SOCK_DGRAM)
print(t.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL),
      u.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL))')"
check "MPTCPSHIM_DISABLE=1 passes through" "inet-stream-0 6" \
	"$(MPTCPSHIM_DISABLE=1 nsx "$ns" $RUN "$SOCKPROBE" table | head -1)"

# --- an unmodified server and client transfer over MPTCP ---------------
head -c 4194304 /dev/urandom > "$T_TMP/in"
syn0=$(mib "$ns" MPCapableSYNRX); ack0=$(mib "$ns" MPCapableACKRX)
bg_in "$ns" 30 $RUN socat -u TCP-LISTEN:5001,bind=127.0.0.1,reuseaddr \
	"OPEN:$T_TMP/out,creat,trunc"
server=$T_LAST_PID
wait_listen "$ns" 5001
nsx "$ns" timeout 30 $RUN socat -u "OPEN:$T_TMP/in" TCP:127.0.0.1:5001
wait "$server" || true
check "socat transfer bytes match" "$(sha256sum < "$T_TMP/in")" \
	"$(sha256sum < "$T_TMP/out")"
check_ge "MPCapableSYNRX grew" $((syn0 + 1)) "$(mib "$ns" MPCapableSYNRX)"
check_ge "MPCapableACKRX grew" $((ack0 + 1)) "$(mib "$ns" MPCapableACKRX)"

# --- net.mptcp.enabled=0: the app still works, over TCP -----------------
off=$(ns_new off)
nsx "$off" sysctl -qw net.mptcp.enabled=0
mkdir "$T_TMP/www"
head -c 1048576 /dev/urandom > "$T_TMP/www/blob"
bg_in "$off" 30 $RUN $PY -m http.server --bind 127.0.0.1 \
	--directory "$T_TMP/www" 8080
wait_listen "$off" 8080
http_get nsx "$off" timeout 20 $RUN -- http://127.0.0.1:8080/blob "$T_TMP/got" \
	2> "$T_TMP/curl.err" || true
check "curl under run, MPTCP disabled: bytes match" \
	"$(sha256sum < "$T_TMP/www/blob")" "$(sha256sum < "$T_TMP/got" 2>/dev/null)"
check "no MPTCP error reached curl" "" "$(cat "$T_TMP/curl.err")"
check "socket is TCP when MPTCP is disabled" "inet-stream-0 6" \
	"$(nsx "$off" $RUN "$SOCKPROBE" table 2>/dev/null | head -1)"
check "one info line, once per process" "1" \
	"$(MPTCPSHIM_LOG=info nsx "$off" $RUN "$SOCKPROBE" table 2>&1 >/dev/null | grep -c 'MPTCP is not available')"
if [ -z "${T_SANITIZED:-}" ] && command -v mptcpize > /dev/null && [ "$(readlink -f "$(command -v mptcpize)")" != "$(readlink -f "$MPTCPSHIM_BIN")" ]; then
	# The contrast this project exists for: mptcpd's wrapper breaks curl here.
	if nsx "$off" timeout 20 mptcpize run curl -sS -o /dev/null \
		http://127.0.0.1:8080/blob 2> "$T_TMP/mptcpize.err"; then
		echo "note: mptcpize run curl succeeded with MPTCP disabled"
	else
		echo "ok: mptcpd's mptcpize run curl fails here: $(head -1 "$T_TMP/mptcpize.err")"
	fi
fi

# --- threads, fork, fork+exec --------------------------------------------
check "8 threads x 2000 sockets: all MPTCP, no fd leak" \
	"threads=8 sockets=16000 failures=0 fd_delta=0" \
	"$(nsx "$ns" $RUN "$SOCKPROBE" threads 8 2000 262)"
check "fork+exec child is converted" "inet-stream-0 262" \
	"$(nsx "$ns" $RUN sh -c "\"$SOCKPROBE\" table | head -1; true")"
# CPython 3.11's subprocess uses vfork() on Linux; posix_spawn is glibc's
# clone(CLONE_VM|CLONE_VFORK): the shim in the parent must survive both,
# and the exec'd children must be converted too.
check "vfork+exec (subprocess) child is converted; parent still converts" \
	"inet-stream-0 262
262" "$(nsx "$ns" $RUN $PY -c '
import socket, subprocess, sys
out = subprocess.run([sys.argv[1], "table"], capture_output=True, text=True).stdout
print(out.splitlines()[0])
print(socket.socket().getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL))' "$SOCKPROBE")"
check "posix_spawn child is converted" "inet-stream-0 262" "$(nsx "$ns" $RUN $PY -c '
import os, sys
r, w = os.pipe()
pid = os.posix_spawn(sys.argv[1], [sys.argv[1], "table"], os.environ,
                     file_actions=[(os.POSIX_SPAWN_DUP2, w, 1)])
os.close(w); os.waitpid(pid, 0)
print(os.read(r, 65536).decode().splitlines()[0])' "$SOCKPROBE")"
check "forked child (no exec) is converted" "262" "$(nsx "$ns" $RUN $PY -c '
import os, socket
pid = os.fork()
if pid == 0:
    s = socket.socket()
    print(s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL), flush=True)
    os._exit(0)
os.waitpid(pid, 0)')"

# --- the app's own LD_PRELOAD stays, and sees the app's arguments --------
out=$(LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$MARKER_LIB" nsx "$ns" $RUN $PY -c '
import socket
s = socket.socket()
print(s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL))' 2>&1)
check "existing preload still runs, sees protocol 0; socket is MPTCP" \
	"marker: socket protocol=0
262" "$out"

# --- exit status ----------------------------------------------------------
set +e
$RUN sh -c 'exit 7'; check "exit status propagated" 7 $?
$RUN sh -c 'kill -TERM $$'; check "killed by SIGTERM: 143" 143 $?
$RUN /nonexistent/command 2> "$T_TMP/nf.err"; check "command not found: 127" 127 $?
check "not-found message names the command" 1 "$(grep -c '/nonexistent/command' "$T_TMP/nf.err")"
$RUN > /dev/null 2>&1; check "missing command: usage error" 2 $?
set -e
finish
