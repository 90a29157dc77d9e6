#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 3: the policy decides per destination, per listener and per program;
# the shim switches sockets in place (same fd, flags and options); apps.d,
# secure mode and broken files behave as documented; and `policy explain`
# predicts every decision the shim takes. Needs root.
. "$(dirname "$0")/lib.sh"

RUN="$MPTCPSHIM_BIN run"
ns=$(ns_new pol)
# Two local prefixes on one link (no dummy driver here: a veth pair).
nsx "$ns" ip link add name dum0 type veth peer name dum1
nsx "$ns" ip link set dum0 up
nsx "$ns" ip link set dum1 up
nsx "$ns" ip addr add 10.55.1.1/24 dev dum0
nsx "$ns" ip addr add 10.55.2.1/24 dev dum0
nsx "$ns" ip addr add fd55:1::1/64 dev dum0 nodad
nsx "$ns" ip addr add fd55:2::1/64 dev dum0 nodad

# explain FILE PROGRAM ADDR [--listen]: the decision word the CLI predicts.
explain() {
	local file=$1 prog=$2 addr=$3
	shift 3
	"$MPTCPSHIM_BIN" policy explain -c "$file" "$@" "$prog" "$addr" |
		awk '$1 == "decision:" { print $2 }'
}

# A python3 client: connects (optionally non-blocking, optionally after
# setting options), prints "fd-same proto is_mptcp [option values]".
client_py() {
	nsx "$ns" timeout 20 $RUN ${CONF:+-c "$CONF"} $PY - "$@" <<'PYEOF'
import errno, select, socket, sys
host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
fd = s.fileno()
opts = []
if mode in ("opts", "nb-opts"):
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 77)
    opts = [(socket.IPPROTO_TCP, socket.TCP_NODELAY),
            (socket.SOL_SOCKET, socket.SO_KEEPALIVE),
            (socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)]
if mode.startswith("nb"):
    s.setblocking(False)
    rc = s.connect_ex((host, port))
    if rc != errno.EINPROGRESS:
        print("connect_ex", errno.errorcode.get(rc, rc)); sys.exit(1)
    select.select([], [s], [], 10)
    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err:
        print("SO_ERROR", errno.errorcode.get(err, err)); sys.exit(1)
    nb = "nonblock" if not s.getblocking() else "blocking"
else:
    s.connect((host, port))
    nb = ""
out = ["fd-same" if s.fileno() == fd else "fd-changed",
       str(s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)),
       str(s.getsockopt(socket.IPPROTO_TCP, 43))]
out += [str(s.getsockopt(l, n)) for l, n in opts]
if nb:
    out.append(nb)
print(" ".join(out))
PYEOF
}

# A plain (not converted) MPTCP-capable server: an explicit IPPROTO_MPTCP
# listener serves MPTCP and TCP clients alike.
cat > "$T_TMP/server.py" <<'PYEOF'
import socket, sys, threading
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM, 262)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 8080)); s.listen(64)
def serve(c):
    c.recv(1); c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PYEOF
bg_in "$ns" 120 $PY "$T_TMP/server.py"
wait_listen "$ns" 8080

# --- destinations: exclude list, IPv4 and IPv6 ---------------------------
cat > "$T_TMP/exclude.conf" <<'EOF2'
[destinations]
exclude = 10.55.2.0/24, fd55:2::/64
EOF2
chmod 644 "$T_TMP/exclude.conf"
CONF="$T_TMP/exclude.conf"
for dest in 10.55.1.1:mptcp 10.55.2.1:tcp fd55:1::1:mptcp fd55:2::1:tcp; do
	addr=${dest%:*}
	want=${dest##*:}
	case $want in mptcp) proto="262 1" ;; tcp) proto="6 0" ;; esac
	[[ $addr == *:* ]] && ep="[$addr]:8080" || ep="$addr:8080"
	check "exclude: explain predicts $want for $ep" "$want" \
		"$(explain "$CONF" python3 "$ep")"
	check "exclude: python3 to $ep is $want" "fd-same $proto" \
		"$(client_py "$addr" 8080 block)"
done

# An MPTCP socket switched to TCP at a non-blocking connect keeps its fd,
# its O_NONBLOCK and every option set before.
check "exclude: options survive the switch (non-blocking)" \
	"fd-same 6 0 1 1 77 nonblock" "$(client_py 10.55.2.1 8080 nb-opts)"
check "not excluded: options on MPTCP (non-blocking)" \
	"fd-same 262 1 1 1 77 nonblock" "$(client_py 10.55.1.1 8080 nb-opts)"

# curl (non-blocking connect inside) through the same rules: only the
# allowed destination sends MP_CAPABLE SYNs.
if [ -z "${T_SANITIZED:-}" ]; then
	syn0=$(mib "$ns" MPCapableSYNTX)
	nsx "$ns" timeout 20 $RUN -c "$CONF" curl -s -o /dev/null \
		--max-time 3 http://10.55.2.1:8080/ || true
	check "curl to excluded address sent no MP_CAPABLE SYN" "$syn0" \
		"$(mib "$ns" MPCapableSYNTX)"
	nsx "$ns" timeout 20 $RUN -c "$CONF" curl -s -o /dev/null \
		--max-time 3 http://10.55.1.1:8080/ || true
	check "curl to allowed address sent one MP_CAPABLE SYN" \
		$((syn0 + 1)) "$(mib "$ns" MPCapableSYNTX)"
fi

# --- include list: created TCP, switched to MPTCP at connect ------------
cat > "$T_TMP/include.conf" <<'EOF2'
[destinations]
include = 10.55.1.0/24
EOF2
chmod 644 "$T_TMP/include.conf"
CONF="$T_TMP/include.conf"
check "include: explain predicts mptcp inside" mptcp \
	"$(explain "$CONF" python3 10.55.1.1:8080)"
check "include: explain predicts tcp outside" tcp \
	"$(explain "$CONF" python3 10.55.2.1:8080)"
check "include: TCP socket becomes MPTCP at a non-blocking connect" \
	"fd-same 262 1 1 1 77 nonblock" "$(client_py 10.55.1.1 8080 nb-opts)"
check "include: other destinations stay TCP" "fd-same 6 0" \
	"$(client_py 10.55.2.1 8080 block)"

# --- listeners: per-app listen = false, and a ports list ------------------
cat > "$T_TMP/listen.conf" <<'EOF2'
[app:sockprobe]
listen = false
EOF2
cat > "$T_TMP/ports.conf" <<'EOF2'
[destinations]
ports = 8000-8999
EOF2
chmod 644 "$T_TMP/listen.conf" "$T_TMP/ports.conf"
listener_proto() {	# CONF PORT -> "listener protocol=P"
	local conf=$1 port=$2
	nsx "$ns" timeout 20 $RUN -c "$conf" "$SOCKPROBE" listen 10.55.1.1 "$port" \
		> "$T_TMP/listen.$port" &
	T_PIDS+=($!)
	local pid=$!
	wait_listen "$ns" "$port"
	nsx "$ns" timeout 10 $RUN "$SOCKPROBE" connect 10.55.1.1 "$port" > /dev/null
	wait "$pid" || true
	head -1 "$T_TMP/listen.$port"
}
check "listen = false: listener switched to TCP" "listener protocol=6 is_mptcp=0" \
	"$(listener_proto "$T_TMP/listen.conf" 9001)"
check "listen = false: explain agrees" tcp \
	"$(explain "$T_TMP/listen.conf" sockprobe 10.55.1.1:9001 --listen)"
check "ports 8000-8999: listener on 8500 is MPTCP" "listener protocol=262 is_mptcp=1" \
	"$(listener_proto "$T_TMP/ports.conf" 8500)"
check "ports 8000-8999: explain agrees for 8500" mptcp \
	"$(explain "$T_TMP/ports.conf" sockprobe 10.55.1.1:8500 --listen)"
check "ports 8000-8999: listener on 9002 is TCP" "listener protocol=6 is_mptcp=0" \
	"$(listener_proto "$T_TMP/ports.conf" 9002)"
check "ports 8000-8999: explain agrees for 9002" tcp \
	"$(explain "$T_TMP/ports.conf" sockprobe 10.55.1.1:9002 --listen)"

# --- sockets that need no switch cost no syscall beyond the app's own ------
# (the rebuild's getpeername/dup3, or a getsockname for the listen rule)
extra_syscalls() {	# CONF CMD... -> number of extra calls seen
	nsx "$ns" timeout 20 $RUN -c "$1" strace -f -qq -o "$T_TMP/strace" \
		-e trace=getsockname,getpeername,dup3 "${@:2}" > /dev/null
	grep -c -E '^[0-9]+ +(getsockname|getpeername|dup3)\(' "$T_TMP/strace" || true
}
check "connect to an allowed destination: no extra syscalls" 0 \
	"$(extra_syscalls "$T_TMP/exclude.conf" $PY -c 'import socket; socket.create_connection(("10.55.1.1", 8080)).close()')"
check "connect to an excluded destination: the switch is visible" 1 \
	"$(extra_syscalls "$T_TMP/exclude.conf" $PY -c 'import socket; socket.create_connection(("10.55.2.1", 8080)).close()' | awk '{ print ($1 > 0) }')"
# exclude.conf: created MPTCP, and listen() must ask the policy (an exclude
# list is set) but the answer keeps it.
bg_in "$ns" 20 $RUN -c "$T_TMP/exclude.conf" strace -f -qq -o "$T_TMP/strace.l" \
	-e trace=getsockname,getpeername,dup3 "$SOCKPROBE" listen 10.55.1.1 8501
wait_listen "$ns" 8501
nsx "$ns" timeout 10 "$SOCKPROBE" connect 10.55.1.1 8501 > /dev/null
wait "$T_LAST_PID" || true
check "listener the rule keeps on MPTCP: no extra syscalls" 0 \
	"$(grep -c -E '^[0-9]+ +(getsockname|getpeername|dup3)\(' "$T_TMP/strace.l" || true)"

# --- apps.d: a per-program file in the system directory -------------------
sysconf=$(sed -n 's/^#define MPTCPSHIM_SYSCONFDIR "\(.*\)"$/\1/p' \
	"$(dirname "$SHIM_LIB")/../generated/build_config.h")
parent=$(dirname "$sysconf")
mkdir -p "$T_TMP/etc/mptcpshim/apps.d"
printf '[app:sockprobe]\nenabled = false\n' > "$T_TMP/etc/mptcpshim/apps.d/sockprobe.conf"
chmod 644 "$T_TMP/etc/mptcpshim/apps.d/sockprobe.conf"
# A private mount namespace shows our directory at the sysconfdir; the
# machine's own /etc is never touched.
in_sysconf() {
	nsx "$ns" unshare --mount --propagation private sh -c \
		'mkdir -p "$1" 2>/dev/null; mount --bind "$2" "$1" && shift 2 && exec "$@"' \
		sh "$parent" "$T_TMP/etc" "$@"
}
[ -d "$parent" ] || mkdir -p "$parent"
check "apps.d/sockprobe.conf keeps sockprobe on TCP" "inet-stream-0 6" \
	"$(in_sysconf $RUN "$SOCKPROBE" table | head -1)"
check "apps.d/sockprobe.conf does not touch python3" "262" \
	"$(in_sysconf $RUN $PY -c 'import socket; print(socket.socket().getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL))')"
check "apps.d: policy explain agrees" tcp \
	"$(in_sysconf env -u MPTCPSHIM_CONFIG "$MPTCPSHIM_BIN" policy explain sockprobe 10.55.1.1:80 | awk '$1 == "decision:" { print $2 }')"

# --- secure mode: a setuid / file-capability copy ignores MPTCPSHIM_CONFIG
chmod 755 "$T_TMP"
printf '[global]\nmode = listed\n' > "$T_TMP/listed.conf"
chmod 644 "$T_TMP/listed.conf"
cp "$LINKED_PROBE" "$T_TMP/probe-plain"
cp "$LINKED_PROBE" "$T_TMP/probe-setuid"
cp "$LINKED_PROBE" "$T_TMP/probe-caps"
chmod 755 "$T_TMP"/probe-*
chmod u+s "$T_TMP/probe-setuid"
setcap cap_net_raw+ep "$T_TMP/probe-caps"
as_nobody() { MPTCPSHIM_CONFIG="$T_TMP/listed.conf" nsx "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
if as_nobody true 2>/dev/null && as_nobody test -x "$T_TMP/probe-plain"; then
	check "plain copy honours MPTCPSHIM_CONFIG (mode = listed)" \
		"secure=0 protocol=6" "$(as_nobody "$T_TMP/probe-plain")"
	check "setuid copy ignores MPTCPSHIM_CONFIG" "secure=1 protocol=262" \
		"$(as_nobody "$T_TMP/probe-setuid")"
	check "file-capability copy ignores MPTCPSHIM_CONFIG" \
		"secure=1 protocol=262" "$(as_nobody "$T_TMP/probe-caps")"
else
	echo "FAIL: the build directory is not reachable by uid 65534" >&2
	T_FAILED=1
fi

# --- every broken policy file: the app works, one warning with file:line --
for f in "$FIXTURES"/policy/bad*.conf; do
	name=$(basename "$f")
	out=$(nsx "$ns" $RUN -c "$f" "$SOCKPROBE" table 2> "$T_TMP/err" | head -1)
	check "$name: app works with defaults" "inet-stream-0 262" "$out"
	check "$name: exactly one warning naming the file" 1 \
		"$(grep -c "warning: $f" "$T_TMP/err")"
	check "$name: nothing else on stderr" 1 "$(wc -l < "$T_TMP/err")"
	set +e
	"$MPTCPSHIM_BIN" policy check "$f" > /dev/null 2>&1
	check "$name: policy check exits 2" 2 $?
	set -e
done
finish
