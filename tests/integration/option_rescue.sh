#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Socket options MPTCP refuses, under each unsupported_option policy (tcp,
# ignore, fail; globally, per option, per app), with real programs across
# client -- router -- server: socat setting IP_TTL before connect and
# TCP_USER_TIMEOUT after it (a checksummed download), a python3 client
# setting TCP_USER_TIMEOUT, a socat server setting it on each accepted
# connection, and sockprobe reading SO_PROTOCOL and the options back. The server (under the shim, with --stats) tells whether the
# client really arrived over MPTCP. mptcpize's programs fail on the same
# options; the contrast is printed.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/topo.sh"

topo_new
cd "$T_TMP"
mkdir www tmp
head -c 524288 /dev/urandom >www/blob
export XDG_CONFIG_HOME="$T_TMP/xdg" TMPDIR="$T_TMP/tmp"
for mode in tcp ignore fail; do
	printf '[global]\nmode = all\nunsupported_option = %s\n' $mode \
		>$mode.conf
done
printf '[global]\nmode = all\nunsupported_option = fail\n%s\n' \
	'unsupported_option.TCP_USER_TIMEOUT = ignore' >per_option.conf
printf '[global]\nmode = all\nunsupported_option = fail\n%s\n%s\n' \
	'[app:sockprobe]' 'unsupported_option = tcp' >per_app.conf
# The servers only need MPTCP, never a rescue.
cp fail.conf server.conf

cat >uto.py <<'EOF'
# Sets TCP_USER_TIMEOUT before or after connecting, as real clients do
# (bound to ADDR:PORT first if given), then reads the socket back and
# downloads what the server sends.
import errno, hashlib, socket, sys
host, port, when = sys.argv[1], int(sys.argv[2]), sys.argv[3]
UTO = 18  # TCP_USER_TIMEOUT
s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
local = ""
try:
    if len(sys.argv) > 4:
        addr, lport = sys.argv[4].rsplit(":", 1)
        s.bind((addr, int(lport)))
    if when == "before":
        s.setsockopt(socket.IPPROTO_TCP, UTO, 5000)
    s.connect((host, port))
    if when == "after":
        s.setsockopt(socket.IPPROTO_TCP, UTO, 5000)
        s.setsockopt(socket.IPPROTO_TCP, UTO, 6000)
    if len(sys.argv) > 4:
        local = "local=%s:%d " % s.getsockname()[:2]
    print("%sprotocol=%d user_timeout=%d" % (local,
        s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL),
        s.getsockopt(socket.IPPROTO_TCP, UTO)))
except OSError as e:
    print("error", errno.errorcode.get(e.errno, e.errno))
    sys.exit(3)
h = hashlib.sha256()
while True:
    b = s.recv(65536)
    if not b:
        break
    h.update(b)
print("sha256", h.hexdigest())
EOF
BLOB_SUM=$(sha256sum <www/blob | cut -d' ' -f1)

# serve NAME: a one-connection socat server sending the blob, as MPTCP,
# under --stats (NAME.srv.json says how the client arrived).
serve() {
	bg_in "$S" 30 "$MPTCPSHIM_BIN" run -c "$T_TMP/server.conf" --stats \
		--json --stats-file "$T_TMP/$1.srv.json" -- \
		socat -u OPEN:"$T_TMP/www/blob" TCP-LISTEN:9001,reuseaddr \
		2>"$T_TMP/$1.srv.err"
	SERVER=$T_LAST_PID
	wait_listen "$S" 9001
}

# reap [now]: the server ends by itself once a client connected (2 s at
# most), else it is stopped; "now" when the client never connected.
reap() {
	[ "${1:-}" = now ] ||
		wait_until 2 "the server's end" t_gone "$SERVER" || true
	kill "$SERVER" 2>/dev/null || true
	wait "$SERVER" 2>/dev/null || true
}

# arrived NAME: how the server saw the client ("mptcp", "tcp" or "none").
arrived() {
	if [ ! -f "$1.srv.json" ]; then
		echo none
	elif [ "$(stats_get "$1.srv.json" accept_mptcp)" = 1 ]; then
		echo mptcp
	elif [ "$(stats_get "$1.srv.json" accept_tcp)" = 1 ]; then
		echo tcp
	else
		echo none
	fi
}

# client NAME CONF CMD...: CMD in the client namespace under
# `run -d --stats`: NAME.json, NAME.log (stderr), NAME.out (stdout), RC.
client() {
	local name=$1 conf=$2
	shift 2
	RC=0
	nsx "$C" "$MPTCPSHIM_BIN" run -c "$conf" -d --stats --json \
		--stats-file "$name.json" -- "$@" >"$name.out" \
		2>"$name.log" || RC=$?
}

# options NAME: what the shim reported doing with refused options.
options() {
	echo "rescued=$(stats_get "$1.json" options_rescued)" \
		"ignored=$(stats_get "$1.json" options_ignored)"
}

logged() {
	grep -c -- "$2" "$1.log" || true
}
IGNORED_UTO="MPTCP refuses TCP_USER_TIMEOUT; reporting success without it"

# --- socat: IP_TTL before connect (ip-ttl=), TCP_USER_TIMEOUT after it
# (setsockopt-int runs once connected) ---
socat_case() {
	local mode=$1 what=$2 opt=$3 name="socat-$1-$2"

	serve "$name"
	rm -f "$name.data"
	client "$name" "$mode.conf" socat -u "TCP:$SRV4:9001,$opt" \
		CREATE:"$name.data"
	# ip-ttl is set before connect: a failing socat never connects.
	if [ "$RC" != 0 ] && [ "$what" = ttl ]; then reap now; else reap; fi
}

socat_case tcp ttl ip-ttl=32
check "socat ip-ttl, tcp: exit status" 0 "$RC"
check "socat ip-ttl, tcp: bytes" same \
	"$(same_bytes www/blob socat-tcp-ttl.data)"
check "socat ip-ttl, tcp: rebuilt as TCP" "rescued=IP_TTL:1 ignored=-" \
	"$(options socat-tcp-ttl)"
check "socat ip-ttl, tcp: log" 1 \
	"$(logged socat-tcp-ttl 'switched to TCP: IP_TTL')"
check "socat ip-ttl, tcp: server saw" tcp "$(arrived socat-tcp-ttl)"

socat_case ignore ttl ip-ttl=32
check "socat ip-ttl, ignore: exit status" 0 "$RC"
check "socat ip-ttl, ignore: bytes" same \
	"$(same_bytes www/blob socat-ignore-ttl.data)"
check "socat ip-ttl, ignore: ignored" "rescued=- ignored=IP_TTL:1" \
	"$(options socat-ignore-ttl)"
check "socat ip-ttl, ignore: connection runs MPTCP" 1 \
	"$(stats_get socat-ignore-ttl.json connect_mptcp)"
check "socat ip-ttl, ignore: server saw" mptcp "$(arrived socat-ignore-ttl)"

socat_case fail ttl ip-ttl=32
check "socat ip-ttl, fail: socat fails" 1 "$RC"
check "socat ip-ttl, fail: socat saw EOPNOTSUPP" 1 \
	"$(logged socat-fail-ttl 'setsockopt(.*): Operation not supported')"
check "socat ip-ttl, fail: nothing rescued" "rescued=- ignored=-" \
	"$(options socat-fail-ttl)"

for mode in tcp ignore; do
	socat_case $mode uto setsockopt-int=6:18:5000
	check "socat user-timeout, $mode: exit status" 0 "$RC"
	check "socat user-timeout, $mode: bytes" same \
		"$(same_bytes www/blob socat-$mode-uto.data)"
	# Connected already: tcp cannot rebuild, so it ignores (and says so).
	check "socat user-timeout, $mode: ignored after connect" \
		"rescued=- ignored=TCP_USER_TIMEOUT:1" \
		"$(options socat-$mode-uto)"
	check "socat user-timeout, $mode: logged" 1 \
		"$(logged socat-$mode-uto "$IGNORED_UTO")"
	check "socat user-timeout, $mode: server saw" mptcp \
		"$(arrived socat-$mode-uto)"
done
socat_case fail uto setsockopt-int=6:18:5000
check "socat user-timeout, fail: socat fails" 1 "$RC"
check "socat user-timeout, fail: socat saw ENOPROTOOPT" 1 \
	"$(logged socat-fail-uto 'setsockopt(.*): Protocol not available')"

for opt in ip-ttl=32 setsockopt-int=6:18:5000; do
	serve mz
	rc=0
	nsx "$C" mptcpize run socat -u "TCP:$SRV4:9001,$opt" \
		CREATE:mz.data 2>mz.err || rc=$?
	if [ "$rc" != 0 ] && [ "$opt" = ip-ttl=32 ]; then
		reap now
	else
		reap
	fi
	if [ "$rc" != 0 ]; then
		echo "contrast: mptcpize run socat ...,$opt: exit $rc" \
			"($(grep -o 'E setsockopt.*' mz.err | head -1));" \
			"mptcpshim (tcp, ignore): exit 0, same bytes"
		check "contrast: mptcpize's socat got nothing ($opt)" differ \
			"$(same_bytes www/blob mz.data)"
	else
		echo "note: mptcpize run socat ...,$opt succeeded here"
	fi
	rm -f mz.data
done

# --- a server setting TCP_USER_TIMEOUT on each accepted connection (socat
# applies setsockopt-int there), without --stats: accepted sockets of a
# converted listener are rescued too (connected: as ignore) ---
srv_accepted() {
	rm -f acc.data
	bg_in "$S" 30 "$@" socat -u OPEN:"$T_TMP/www/blob" \
		TCP-LISTEN:9001,reuseaddr,setsockopt-int=6:18:5000 2>acc.err
	SERVER=$T_LAST_PID
	wait_listen "$S" 9001
	nsx "$C" "$MPTCPSHIM_BIN" run -c tcp.conf -- \
		socat -u "TCP:$SRV4:9001" CREATE:acc.data 2>/dev/null || true
	RC=0
	wait "$SERVER" || RC=$?
}
srv_accepted "$MPTCPSHIM_BIN" run -c "$T_TMP/tcp.conf" -d --
check "server, accepted socket, tcp: server exit status" 0 "$RC"
check "server, accepted socket, tcp: bytes" same \
	"$(same_bytes www/blob acc.data)"
check "server, accepted socket, tcp: logged as ignored" 1 \
	"$(grep -c "$IGNORED_UTO" acc.err || true)"
srv_accepted mptcpize run
if [ "$RC" != 0 ]; then
	echo "contrast: mptcpize run socat TCP-LISTEN:...,setsockopt-int=6:18:5000:" \
		"server exit $RC ($(grep -o 'E setsockopt.*' acc.err | head -1));" \
		"mptcpshim: exit 0, same bytes"
	check "contrast: mptcpize's server sent nothing" differ \
		"$(same_bytes www/blob acc.data)"
else
	echo "note: mptcpize's socat server with TCP_USER_TIMEOUT succeeded here"
fi

# --- python3 setting TCP_USER_TIMEOUT ---
py_case() {
	local name=$1 conf=$2 when=$3
	serve "$name"
	client "$name" "$conf" $PY uto.py "$SRV4" 9001 "$when"
	# Exit status 3: the option failed; before connect, nothing connected.
	if [ "$RC" = 3 ] && [ "$when" = before ]; then reap now; else reap; fi
}

py_case py-tcp-before tcp.conf before
check "python before connect, tcp: socket and value" \
	"protocol=6 user_timeout=5000" "$(sed -n 1p py-tcp-before.out)"
check "python before connect, tcp: bytes" "sha256 $BLOB_SUM" \
	"$(sed -n 2p py-tcp-before.out)"
check "python before connect, tcp: server saw" tcp "$(arrived py-tcp-before)"

py_case py-tcp-after tcp.conf after
check "python after connect, tcp: stays MPTCP, last value reads back" \
	"protocol=262 user_timeout=6000" "$(sed -n 1p py-tcp-after.out)"
check "python after connect, tcp: bytes" "sha256 $BLOB_SUM" \
	"$(sed -n 2p py-tcp-after.out)"
check "python after connect, tcp: logged once for two sets" 1 \
	"$(logged py-tcp-after 'MPTCP refuses TCP_USER_TIMEOUT')"
check "python after connect, tcp: server saw" mptcp "$(arrived py-tcp-after)"

# Bound first (a fixed local port), then the option: the rebuilt socket
# is bound where the app bound it.
serve py-bound
client py-bound tcp.conf $PY uto.py "$SRV4" 9001 before 10.61.1.1:41000
reap
check "python bound, tcp: local port kept, socket and value" \
	"local=10.61.1.1:41000 protocol=6 user_timeout=5000" \
	"$(sed -n 1p py-bound.out)"
check "python bound, tcp: bytes" "sha256 $BLOB_SUM" "$(sed -n 2p py-bound.out)"

py_case py-ignore ignore.conf before
check "python, ignore: MPTCP, value reads back" \
	"protocol=262 user_timeout=5000" "$(sed -n 1p py-ignore.out)"
check "python, ignore: bytes" "sha256 $BLOB_SUM" "$(sed -n 2p py-ignore.out)"
check "python, ignore: server saw" mptcp "$(arrived py-ignore)"

py_case py-fail fail.conf before
check "python, fail: the app sees the kernel's error" "error ENOPROTOOPT" \
	"$(cat py-fail.out)"
check "python, fail: exit status" 3 "$RC"

serve mz
rc=0
nsx "$C" mptcpize run $PY uto.py "$SRV4" 9001 before >mz.out 2>&1 || rc=$?
if [ "$rc" = 3 ]; then reap now; else reap; fi
if [ "$rc" != 0 ]; then
	echo "contrast: mptcpize run python3 (TCP_USER_TIMEOUT):" \
		"$(cat mz.out);" \
		"mptcpshim (tcp): protocol=6 user_timeout=5000, same bytes"
	check "contrast: mptcpize's python3 got ENOPROTOOPT" \
		"error ENOPROTOOPT" \
		"$(cat mz.out)"
else
	echo "note: mptcpize run python3 with TCP_USER_TIMEOUT succeeded here"
fi

# --- sockprobe: SO_PROTOCOL and getsockopt after connect, per policy ---
# probe NAME CONF ADDR ARGS...: sockprobe connect under the shim against a
# sockprobe listen (MPTCP) that prints how the client arrived (NAME.srv).
probe() {
	local name=$1 conf=$2 addr=$3
	shift 3
	bg_in "$S" 30 "$MPTCPSHIM_BIN" run -c "$T_TMP/server.conf" -- \
		"$SOCKPROBE" listen "$addr" 9000 >"$name-srv.out"
	SERVER=$T_LAST_PID
	wait_listen "$S" 9000
	client "$name" "$conf" "$SOCKPROBE" connect "$addr" 9000 "$@"
	reap
}

# lines LINE...: LINEs as out joins them.
lines() {
	local all=$1 line
	shift
	for line in "$@"; do
		all="$all | $line"
	done
	echo "$all"
}

# out NAME WORDS: the probe's lines starting with one of WORDS (an ERE
# alternation such as set|get), " | "-joined; fd numbers as fd=N.
out() {
	grep -E -- "^($2) " "$1.out" | paste -sd'|' |
		sed 's/|/ | /g; s/fd=[0-9]*/fd=N/'
}

probe p-tcp tcp.conf "$SRV4" TCP_NODELAY=1 TCP_KEEPIDLE=42 \
	TCP_USER_TIMEOUT=5000
check "probe tcp: every set succeeds" \
	"$(lines "set TCP_NODELAY=1 ok" "set TCP_KEEPIDLE=42 ok" \
		"set TCP_USER_TIMEOUT=5000 ok")" \
	"$(out p-tcp set)"
check "probe tcp: rebuilt as TCP" "socket protocol=6 is_mptcp=0" \
	"$(out p-tcp socket)"
check "probe tcp: option set, earlier options replayed" \
	"get TCP_NODELAY=1 | get TCP_KEEPIDLE=42 | get TCP_USER_TIMEOUT=5000" \
	"$(out p-tcp get)"
check "probe tcp: server accepted TCP" "accepted protocol=6 is_mptcp=0" \
	"$(out p-tcp-srv accepted)"
check "probe tcp: stats" "rescued=TCP_USER_TIMEOUT:1 ignored=-" \
	"$(options p-tcp)"

# IPv6 options MPTCP refuses with EOPNOTSUPP; both replayed.
probe p-tcp6 tcp.conf "$SRV6" IPV6_UNICAST_HOPS=33 IPV6_TCLASS=32
check "probe tcp v6: rebuilt as TCP" \
	"$(lines "set IPV6_UNICAST_HOPS=33 ok" "set IPV6_TCLASS=32 ok" \
		"socket protocol=6 is_mptcp=0")" \
	"$(out p-tcp6 'set|socket')"
check "probe tcp v6: values" \
	"get IPV6_UNICAST_HOPS=33 | get IPV6_TCLASS=32" "$(out p-tcp6 get)"
check "probe tcp v6: server accepted TCP" "accepted protocol=6 is_mptcp=0" \
	"$(out p-tcp6-srv accepted)"

# A SOL_SOCKET option, on a non-blocking socket: the flag survives.
probe p-nb tcp.conf "$SRV4" nonblock SO_ZEROCOPY=1
check "probe tcp, nonblocking, SO_ZEROCOPY: rebuilt as TCP, still nonblocking" \
	"$(lines "set SO_ZEROCOPY=1 ok" "connected fd=N nonblock" \
		"socket protocol=6 is_mptcp=0" "get SO_ZEROCOPY=1")" \
	"$(out p-nb 'set|connected|socket|get')"

# Only read after connect: MPTCP stays, TCP's default answers.
probe p-get tcp.conf "$SRV4" get:TCP_USER_TIMEOUT
check "probe tcp, get only after connect: TCP's default, MPTCP kept" \
	"socket protocol=262 is_mptcp=1 | get TCP_USER_TIMEOUT=0" \
	"$(out p-get 'set|socket|get')"

probe p-ttl tcp.conf "$SRV4" IP_TTL=32
check "probe tcp, IP_TTL (EOPNOTSUPP): rebuilt as TCP" \
	"set IP_TTL=32 ok | socket protocol=6 is_mptcp=0 | get IP_TTL=32" \
	"$(out p-ttl 'set|socket|get')"

probe p-ignore ignore.conf "$SRV4" TCP_USER_TIMEOUT=5000
check "probe ignore: MPTCP kept, value reads back" \
	"$(lines "set TCP_USER_TIMEOUT=5000 ok" \
		"socket protocol=262 is_mptcp=1" "get TCP_USER_TIMEOUT=5000")" \
	"$(out p-ignore 'set|socket|get')"
check "probe ignore: server accepted MPTCP" "accepted protocol=262 is_mptcp=1" \
	"$(out p-ignore-srv accepted)"
check "probe ignore: stats" "rescued=- ignored=TCP_USER_TIMEOUT:1" \
	"$(options p-ignore)"

probe p-fail fail.conf "$SRV4" TCP_USER_TIMEOUT=5000
check "probe fail: the app sees the error" \
	"$(lines "set TCP_USER_TIMEOUT=5000 ENOPROTOOPT" \
		"socket protocol=262 is_mptcp=1" \
		"get TCP_USER_TIMEOUT EOPNOTSUPP")" \
	"$(out p-fail 'set|socket|get')"
check "probe fail: server accepted MPTCP" "accepted protocol=262 is_mptcp=1" \
	"$(out p-fail-srv accepted)"

probe p-opt per_option.conf "$SRV4" TCP_USER_TIMEOUT=5000 IP_TTL=32
check "probe per-option ignore over global fail" \
	"$(lines "set TCP_USER_TIMEOUT=5000 ok" "set IP_TTL=32 EOPNOTSUPP" \
		"socket protocol=262 is_mptcp=1")" \
	"$(out p-opt 'set|socket')"

probe p-app per_app.conf "$SRV4" TCP_USER_TIMEOUT=5000
check "probe per-app tcp over global fail" \
	"set TCP_USER_TIMEOUT=5000 ok | socket protocol=6 is_mptcp=0" \
	"$(out p-app 'set|socket')"

# An option plain TCP rejects as well keeps TCP's error; no rebuild.
probe p-inval tcp.conf "$SRV4" TCP_USER_TIMEOUT=-1
check "probe tcp, value TCP rejects: TCP's error, MPTCP kept" \
	"set TCP_USER_TIMEOUT=-1 EINVAL | socket protocol=262 is_mptcp=1" \
	"$(out p-inval 'set|socket')"

# A dup()ed socket has two fds: rebuilding one would strand the other on
# the old socket, so a refused option is ignored (reads back as set) and
# both fds keep the one MPTCP socket.
check "dup()ed socket: option ignored, both fds still the same MPTCP socket" \
	"ok 262 262 5000 same" "$(nsx "$C" "$MPTCPSHIM_BIN" run -c "$T_TMP/tcp.conf" $PY -c '
import socket
s = socket.socket()
d = s.dup()
d.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 5000)
same = "same" if s.getsockname() == d.getsockname() else "diverged"
s.bind(("127.0.0.1", 0))
same = "same" if s.getsockname() == d.getsockname() else "diverged"
print("ok", s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL),
      d.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL),
      d.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT), same)')"

bg_in "$S" 30 "$MPTCPSHIM_BIN" run -c "$T_TMP/server.conf" -- \
	"$SOCKPROBE" listen "$SRV4" 9000 >mz-srv.out
SERVER=$T_LAST_PID
wait_listen "$S" 9000
nsx "$C" mptcpize run "$SOCKPROBE" connect "$SRV4" 9000 \
	TCP_USER_TIMEOUT=5000 >mz.out 2>&1 || true
reap
got=$(grep '^set' mz.out || true)
if [ "$got" = "set TCP_USER_TIMEOUT=5000 ENOPROTOOPT" ]; then
	echo "contrast: mptcpize run sockprobe: $got; mptcpshim (tcp): ok," \
		"protocol=6, get TCP_USER_TIMEOUT=5000"
else
	echo "note: mptcpize run sockprobe: '$got'"
fi

# --- unsupported_option = auto (the default: auto.conf does not set it):
# the per-option table keeps MPTCP for TCP's default values and for hints,
# and rebuilds as TCP for options the program relies on ---
printf '[global]\nmode = all\n' >auto.conf
probe a-uto0 auto.conf "$SRV4" TCP_USER_TIMEOUT=0
check "auto, TCP_USER_TIMEOUT=0 (TCP's default, as haproxy sets it): MPTCP kept" \
	"$(lines "set TCP_USER_TIMEOUT=0 ok" "socket protocol=262 is_mptcp=1" \
		"get TCP_USER_TIMEOUT=0")" \
	"$(out a-uto0 'set|socket|get')"
check "auto, TCP_USER_TIMEOUT=0: server accepted MPTCP" \
	"accepted protocol=262 is_mptcp=1" "$(out a-uto0-srv accepted)"
check "auto, TCP_USER_TIMEOUT=0: stats" "rescued=- ignored=TCP_USER_TIMEOUT:1" \
	"$(options a-uto0)"

probe a-uto auto.conf "$SRV4" TCP_USER_TIMEOUT=5000
check "auto, TCP_USER_TIMEOUT=5000: rebuilt as TCP, value applied" \
	"$(lines "set TCP_USER_TIMEOUT=5000 ok" "socket protocol=6 is_mptcp=0" \
		"get TCP_USER_TIMEOUT=5000")" \
	"$(out a-uto 'set|socket|get')"
check "auto, TCP_USER_TIMEOUT=5000: the warning names the fix" 1 \
	"$(logged a-uto "TCP_USER_TIMEOUT costs MPTCP (auto: a value other than TCP's default).*'unsupported_option.TCP_USER_TIMEOUT = ignore' in \[app:sockprobe\]")"

check "auto, TCP_USER_TIMEOUT=5000: run --stats gives the fix line" \
	"TCP_USER_TIMEOUT|unsupported_option.TCP_USER_TIMEOUT = ignore|sockprobe" \
	"$($PY -c '
import json, sys
for f in json.load(open(sys.argv[1]))["processes"][0]["option_fixes"]:
    print("%s|%s|%s" % (f["option"], f["line"], f["section"]))' a-uto.json)"
check "auto, TCP_USER_TIMEOUT=0: no fix line (nothing cost MPTCP)" "[]" \
	"$($PY -c '
import json, sys
print(json.load(open(sys.argv[1]))["processes"][0]["option_fixes"])' a-uto0.json)"

# OpenSSH's IPQoS on IPv6: a traffic-class hint, MPTCP kept, reads back.
probe a-tclass auto.conf "$SRV6" IPV6_TCLASS=32
check "auto, IPV6_TCLASS=32 (hint): MPTCP kept, value reads back" \
	"$(lines "set IPV6_TCLASS=32 ok" "socket protocol=262 is_mptcp=1" \
		"get IPV6_TCLASS=32")" \
	"$(out a-tclass 'set|socket|get')"
check "auto, IPV6_TCLASS: server accepted MPTCP" \
	"accepted protocol=262 is_mptcp=1" "$(out a-tclass-srv accepted)"

probe a-ttl auto.conf "$SRV4" IP_TTL=64 IP_MINTTL=0 TCP_QUICKACK=1
check "auto, IP_TTL=64 IP_MINTTL=0 (defaults) TCP_QUICKACK=1 (hint): MPTCP kept" \
	"$(lines "set IP_TTL=64 ok" "set IP_MINTTL=0 ok" "set TCP_QUICKACK=1 ok" \
		"socket protocol=262 is_mptcp=1")" \
	"$(out a-ttl 'set|socket')"
probe a-ttl32 auto.conf "$SRV4" IP_TTL=32
check "auto, IP_TTL=32: rebuilt as TCP" \
	"set IP_TTL=32 ok | socket protocol=6 is_mptcp=0 | get IP_TTL=32" \
	"$(out a-ttl32 'set|socket|get')"

# Explicit modes still beat the table: tcp rebuilds even for a default.
probe a-tcp0 tcp.conf "$SRV4" TCP_USER_TIMEOUT=0
check "tcp, TCP_USER_TIMEOUT=0: explicit tcp still rebuilds" \
	"set TCP_USER_TIMEOUT=0 ok | socket protocol=6 is_mptcp=0" \
	"$(out a-tcp0 'set|socket')"

# TCP_MD5SIG authenticates segments: auto makes the socket TCP and
# applies the key (read back through the kernel's TCP socket).
cat >md5.py <<'EOF_PY'
import socket, struct, sys
s = socket.socket()
sig = struct.pack("=HH4s120xBBHi80s", socket.AF_INET, 0,
                  socket.inet_aton(sys.argv[1]), 0, 0, 6, 0, b"secret")
try:
    s.setsockopt(socket.IPPROTO_TCP, 14, sig)  # TCP_MD5SIG
    print("set ok protocol=%d" % s.getsockopt(socket.SOL_SOCKET,
                                              socket.SO_PROTOCOL))
except OSError as e:
    print("error", e.errno)
EOF_PY
check "auto, TCP_MD5SIG: rebuilt as TCP, key set" "set ok protocol=6" \
	"$(nsx "$C" "$MPTCPSHIM_BIN" run -c "$T_TMP/auto.conf" -- \
		$PY md5.py "$SRV4" 2>md5.err)"
check "auto, TCP_MD5SIG: warned once at the default level" 1 \
	"$(grep -c "TCP_MD5SIG costs MPTCP (auto: the program relies on it)" md5.err || true)"

# A read never changes a socket: the JVM's getsockopt(TCP_QUICKACK) probe
# on a fresh socket, under tcp (which used to rebuild it), answers TCP's
# default and leaves it MPTCP; a second process with two sockets setting
# TCP_USER_TIMEOUT=5000 under auto warns once.
check "tcp, getsockopt(TCP_QUICKACK) before connect: TCP's answer, MPTCP kept" \
	"quickack=1 protocol=262" \
	"$(nsx "$C" "$MPTCPSHIM_BIN" run -c "$T_TMP/tcp.conf" -- $PY -c '
import socket
s = socket.socket()
q = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK)
print("quickack=%d protocol=%d" % (q, s.getsockopt(socket.SOL_SOCKET,
                                                    socket.SO_PROTOCOL)))')"
nsx "$C" "$MPTCPSHIM_BIN" run -c "$T_TMP/auto.conf" -- $PY -c '
import socket
for i in range(2):
    s = socket.socket()
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 5000)
    assert s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == 6' \
	2>warn.err
check "auto, two sockets losing MPTCP to one option: one warning" 1 \
	"$(grep -c "costs MPTCP" warn.err || true)"

finish
