#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Debian 13 (gcc 14, glibc 2.41, systemd 257) in a container with systemd
# as PID 1 and only loopback: the packages build there (unit tests run by
# the build pass), and, installed from them, `enable --now` takes effect on
# a service (its listener and its outgoing connection become MPTCP) and
# `enable --now --socket` on a socket-activated one (SocketProtocol=mptcp:
# systemd's listener is MPTCP); `status` says so; `disable` restores
# every unit file and /etc/systemd/system byte for byte. And the seccomp
# route (issue 21): a unit whose ExecStart= is a wrapper script around a
# static server (busybox httpd) and one whose ExecStart= is the static
# server itself, both enabled with `enable`: their listeners are MPTCP,
# `status` reports the route the running process has; kill -9 of the
# server leaves no helper.
source "$(dirname "$0")/lib.sh"
: "${SRC_DIR:?set by CTest}"
ct_need_image "$CT_BUILD13"

SD=$(ct_name sd)
ct_start sd 540 --network none -v "$SRC_DIR:/src:ro" "$CT_BUILD13" /lib/systemd/systemd
sx() { pm exec "$SD" "$@"; }
# Until systemd's bus is up, systemctl cannot even ask.
for i in $(seq 1 100); do
	state=$(sx timeout 60 systemctl is-system-running --wait 2>/dev/null || true)
	[ -n "$state" ] && break
	sleep 0.2
done
check "systemd is PID 1 and the system is up" running "$state"
v=$(sx systemctl --version | awk 'NR == 1 { print $2 }')
check_ge "systemd is 257 or newer (SocketProtocol=)" 257 "$v"

# --- the packages built and installed on Debian 13 ----------------------
# dpkg-buildpackage builds with Debian 13's flags (fortify, -O2) and the
# project's -Werror, and runs the unit tests (dh_auto_test: ctest -L unit).
start=$SECONDS
sx sh -c 'mkdir -p /root/pkg/mptcpshim && cd /src &&
	tar --exclude="./build*" --exclude="./obj-*" --exclude=./.git -cf - . |
		tar -C /root/pkg/mptcpshim -xf - &&
	cd /root/pkg/mptcpshim && DEB_BUILD_OPTIONS=parallel=2 dpkg-buildpackage -us -uc -b' \
	>"$T_TMP/build.log" 2>&1 && rc=0 || rc=$?
[ "$rc" = 0 ] || tail -n 60 "$T_TMP/build.log" >&2
check "dpkg-buildpackage on Debian 13" 0 "$rc"
[ "$rc" = 0 ] || finish
echo "dpkg-buildpackage on Debian 13 ($(sx gcc -dumpfullversion), glibc $(sx ldd --version | awk 'NR == 1 { print $NF }')): $((SECONDS - start)) s"
check "no compiler warning" 0 "$(grep -Ec '\.[ch]:[0-9]+(:[0-9]+)?: warning:' "$T_TMP/build.log" || true)"
check "the unit tests ran and passed" 1 \
	"$(grep -c '100% tests passed, 0 tests failed out of [1-9]' "$T_TMP/build.log")"
grep '100% tests passed' "$T_TMP/build.log"
sx sh -c 'cd /root/pkg && apt-get install -y -qq --no-install-recommends \
	./libmptcpshim_*.deb ./mptcpshim_*.deb' >"$T_TMP/install.log" 2>&1 ||
	{ cat "$T_TMP/install.log" >&2; echo "FAIL: installing the .debs on Debian 13" >&2; exit 1; }
LIB=/usr/lib/$(sx dpkg-architecture -qDEB_HOST_MULTIARCH)/libmptcpshim.so
check "the packaged CLI is the one on PATH" /usr/bin/mptcpshim "$(sx sh -c 'command -v mptcpshim')"

# --- vendor units: an echo server, a client of it, a socket-activated one --
unit() { pm exec -i "$SD" sh -c "cat >/usr/lib/systemd/system/$1"; }
unit web.service <<'EOF2'
[Service]
ExecStart=/usr/bin/python3 /src/tests/container/svc.py echo 127.0.0.1 5001
EOF2
unit dial.service <<'EOF2'
[Service]
Type=oneshot
ExecStart=/usr/bin/python3 /src/tests/container/svc.py dial 127.0.0.1 5001 /run/dial.out
EOF2
unit sock.socket <<'EOF2'
[Socket]
ListenStream=127.0.0.1:5002
EOF2
unit sock.service <<'EOF2'
[Service]
ExecStart=/usr/bin/python3 /src/tests/container/svc.py echo-inherited
EOF2
# Static servers (the host's busybox-static): behind a wrapper script,
# and as ExecStart= itself.
pm cp /bin/busybox "$SD:/usr/local/bin/busybox"
sx sh -c 'mkdir -p /srv/www && echo static >/srv/www/index.html'
pm exec -i "$SD" sh -c 'cat >/usr/local/bin/swrap.sh && chmod 755 /usr/local/bin/swrap.sh' <<'EOF2'
#!/bin/sh
exec /usr/local/bin/busybox httpd -f -p 127.0.0.1:5003 -h /srv/www
EOF2
unit swrap.service <<'EOF2'
[Service]
ExecStart=/usr/local/bin/swrap.sh
EOF2
unit sstatic.service <<'EOF2'
[Service]
ExecStart=/usr/local/bin/busybox httpd -f -p 127.0.0.1:5004 -h /srv/www
EOF2
sx systemctl daemon-reload
sx systemctl start web.service sock.socket swrap.service sstatic.service

snapshot() {
	sx sh -c 'cd /etc/systemd/system && find . -printf "%y %m %p\n" | sort
		find . -type f -exec sha256sum {} + | sort
		cd /usr/lib/systemd/system && sha256sum web.service dial.service sock.socket sock.service swrap.service sstatic.service'
}
# mptcp_listeners PORT: MPTCP listeners on PORT (ss -M lists each once as
# mptcp, once as its tcp subflow).
mptcp_listeners() { sx ss -HMltn "sport = :$1" | grep -c '^mptcp ' || true; }
wait_port() {
	local i
	for i in $(seq 1 100); do
		sx ss -Hltn "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	echo "nothing listens on $1" >&2
	return 1
}
# echo_once PORT: an explicit MPTCP client; prints "REPLY ACKRX FALLBACK"
# (the server's handshake counter, the client's fallback counter).
echo_once() {
	local a0 f0 got
	a0=$(ct_mib "$SD" MPCapableACKRX)
	f0=$(ct_mib "$SD" MPCapableFallbackSYNACK)
	got=$(sx timeout 10 python3 /src/tests/integration/mptcp_echo_client.py 127.0.0.1 "$1")
	echo "$got $(($(ct_mib "$SD" MPCapableACKRX) - a0)) $(($(ct_mib "$SD" MPCapableFallbackSYNACK) - f0))"
}
# dial_once: runs dial.service; prints "PROTOCOL REPLY SYNACKRX" (the
# client's counter of MPTCP handshakes answered).
dial_once() {
	local s0
	s0=$(ct_mib "$SD" MPCapableSYNACKRX)
	sx rm -f /run/dial.out
	sx timeout 20 systemctl start dial.service
	echo "$(sx cat /run/dial.out) $(($(ct_mib "$SD" MPCapableSYNACKRX) - s0))"
}

wait_port 5001
BEFORE=$(snapshot)
check "before enable: web's listener is TCP" 0 "$(mptcp_listeners 5001)"
check "before enable: plain TCP to web (the client fell back)" "hello 0 1" "$(echo_once 5001)"
check "before enable: dial's socket is TCP" "6 hello 0" "$(dial_once)"

# --- enable --now on a service ---------------------------------------------
out=$(sx mptcpshim enable --now web) && rc=0 || rc=$?
echo "$out"
check "enable --now web: exit 0" 0 "$rc"
wait_port 5001
check "web's own listener is MPTCP" 1 "$(mptcp_listeners 5001)"
check "a connection to web is MPTCP (MPCapableACKRX +1, no fallback)" "hello 1 0" "$(echo_once 5001)"
st=$(sx mptcpshim status web) && rc=0 || rc=$?
echo "$st"
check "status web: exit 0" 0 "$rc"
contains "status web: systemd loaded the drop-in" "loaded:   yes" "$st"
contains "status web: the running service has the library" "running:  yes" "$st"
sx mptcpshim enable --now dial >/dev/null
check "dial's own outgoing connection is MPTCP (262, MPCapableSYNACKRX +1)" \
	"262 hello 1" "$(dial_once)"
check "systemd gave the services the library" "$LIB" \
	"$(sx systemctl show -p Environment --value web.service | tr ' ' '\n' | sed -n 's/^LD_PRELOAD=//p')"

# --- static servers: the seccomp route, behind a script and as ExecStart= --
# http_ackrx PORT [PROTO]: GET / with an explicit MPTCP (or PROTO) client;
# prints "BODY ACKRX" (the server's count of MPTCP handshakes completed).
http_ackrx() {
	local a0 got
	a0=$(ct_mib "$SD" MPCapableACKRX)
	got=$(sx timeout 10 python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, int(sys.argv[2]))
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
d = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    d += b
print(d.split(b"\r\n\r\n", 1)[1].decode().strip())' "$1" "${2:-262}")
	echo "$got $(($(ct_mib "$SD" MPCapableACKRX) - a0))"
}
wait_port 5003
wait_port 5004
check "before enable: the scripted static server's listener is TCP" 0 "$(mptcp_listeners 5003)"
check "before enable: the static ExecStart's listener is TCP" 0 "$(mptcp_listeners 5004)"
check "before enable: its connection falls back to TCP" "static 0" "$(http_ackrx 5004)"
for u in swrap sstatic; do
	out=$(sx mptcpshim enable --now "$u" 2>&1) && rc=0 || rc=$?
	echo "$out"
	check "enable --now $u: exit 0" 0 "$rc"
done
wait_port 5003
wait_port 5004
check "wrapper script -> static server: its listener is MPTCP" 1 "$(mptcp_listeners 5003)"
check "wrapper script -> static server: a connection is MPTCP" "static 1" "$(http_ackrx 5003)"
check "static ExecStart=: its listener is MPTCP" 1 "$(mptcp_listeners 5004)"
check "static ExecStart=: a connection is MPTCP" "static 1" "$(http_ackrx 5004)"
contains "static ExecStart=: started through the launcher" \
	"ExecStart=${LIB%/*}/mptcpshim/mptcpshim-exec -p /usr/local/bin/busybox /usr/local/bin/busybox httpd" \
	"$(sx cat /etc/systemd/system/sstatic.service.d/50-mptcpshim.conf)"
for u in swrap sstatic; do
	st=$(sx mptcpshim status "$u") && rc=0 || rc=$?
	echo "$st"
	check "status $u: exit 0" 0 "$rc"
	contains "status $u: the running server has the seccomp route" \
		"running:  yes (pid" "$st"
	contains "status $u: ... its filter and supervisor, not its environment" \
		"seccomp route, supervisor pid" "$st"
done
# MPTCP off in the container's network namespace (/proc/sys is read-only
# in the container: remounted by a privileged exec): the same two units,
# restarted, serve over TCP.
if pm exec --privileged "$SD" sh -c 'mount -o remount,rw /proc/sys &&
	sysctl -qw net.mptcp.enabled=0' 2>/dev/null; then
	sx systemctl restart swrap.service sstatic.service
	wait_port 5003
	wait_port 5004
	check "MPTCP off: the scripted static server serves, over TCP" \
		"static 0" "$(http_ackrx 5003 6)"
	check "MPTCP off: the static ExecStart= serves, over TCP" \
		"static 0" "$(http_ackrx 5004 6)"
	check "MPTCP off: their listeners are TCP" "0 0" \
		"$(mptcp_listeners 5003) $(mptcp_listeners 5004)"
	pm exec --privileged "$SD" sysctl -qw net.mptcp.enabled=1
	sx systemctl restart swrap.service sstatic.service
	wait_port 5003
	wait_port 5004
else
	echo "note: net.mptcp.enabled cannot be changed in this container;" \
		"MPTCP off is covered by exec_route and container_exec_route"
fi

pid=$(sx systemctl show -p MainPID --value sstatic.service)
sx kill -9 "$pid"
for i in $(seq 1 100); do
	n=$(sx sh -c 'cat /proc/[0-9]*/comm 2>/dev/null' | grep -c '^mptcpshim-sup$' || true)
	[ "$n" = 1 ] && break	# swrap's is the one left
	sleep 0.1
done
check "kill -9 of a static server: its supervisor leaves (swrap's remains)" 1 "$n"

# --- enable --now --socket on a socket-activated service -------------------
check "before: systemd's listener on 5002 is TCP" 0 "$(mptcp_listeners 5002)"
check "before: plain TCP to sock (the client fell back)" "hello 0 1" "$(echo_once 5002)"
err=$(sx mptcpshim enable --now --socket sock 2>&1 >/dev/null) && rc=0 || rc=$?
check "enable --now --socket sock: exit 0, no warning from systemd $v" "0 " "$rc $err"
check "systemd 257 accepted SocketProtocol=mptcp" 262 \
	"$(sx systemctl show -p SocketProtocol --value sock.socket)"
wait_port 5002
check "systemd's listener on 5002 is MPTCP" 1 "$(mptcp_listeners 5002)"
check "a connection to sock is MPTCP (MPCapableACKRX +1, no fallback)" "hello 1 0" "$(echo_once 5002)"
st=$(sx mptcpshim status sock) || true
echo "$st"
contains "status sock: the socket's drop-in is reported" "Its drop-in asks for SocketProtocol=mptcp." "$st"
contains "status sock: systemd loaded the service's drop-in" "loaded:   yes" "$st"

# --- disable: every unit as it was -----------------------------------------
for u in web dial sock swrap sstatic; do
	sx mptcpshim disable --now "$u" >/dev/null
done
check "disable: /etc/systemd/system and the unit files as before, byte for byte" \
	"$BEFORE" "$(snapshot)"
wait_port 5001
wait_port 5002
check "after disable: web's listener is TCP" 0 "$(mptcp_listeners 5001)"
check "after disable --now: systemd's listener is TCP again" 0 "$(mptcp_listeners 5002)"
check "after disable: plain TCP to web again" "hello 0 1" "$(echo_once 5001)"
check "after disable: dial's socket is TCP again" "6 hello 0" "$(dial_once)"
check "after disable: plain TCP to sock again" "hello 0 1" "$(echo_once 5002)"
sx mptcpshim status web >/dev/null && rc=0 || rc=$?
check "status web after disable: exit 1" 1 "$rc"
finish
