#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# End to end with a real systemd: systemd as PID 1 of its own PID, mount,
# network, UTS, IPC and cgroup namespaces (pure cgroup2 view of a
# sub-cgroup made for this test), a vendor unit that already sets
# LD_PRELOAD, GODEBUG and other variables, then `mptcpshim enable --now`,
# `status`, the running service's environment and the MPTcpExt counters of
# a connection to it; `disable --now` and the counters again.
# Nothing outside the namespaces is touched except the test's own cgroup.
source "$(dirname "$0")/lib.sh"

SYSTEMD=/lib/systemd/systemd
LIB=$(realpath "$SHIM_LIB")
LIBM=$(ldconfig -p | awk '$1 == "libm.so.6" { print $NF; exit }')
CG2=$(findmnt -n -t cgroup2 -o TARGET | head -n 1)
[ -x "$SYSTEMD" ] || { echo "FAIL: no $SYSTEMD" >&2; exit 1; }
[ -n "$CG2" ] || { echo "FAIL: no cgroup2 mount" >&2; exit 1; }
CGDIR=$CG2$(sed -n 's/^0:://p' /proc/self/cgroup | sed 's:/$::')/mptcpshim-e2e-$$
SD=

e2e_cleanup() {
	local i
	# Only ever the namespace's init, found as the child of our unshare.
	if [ -n "$SD" ] && [ "$SD" -gt 1 ]; then
		kill -9 "$SD" 2>/dev/null
		for i in $(seq 1 100); do
			kill -0 "$SD" 2>/dev/null || break
			sleep 0.05
		done
	fi
	for i in $(seq 1 100); do
		[ -d "$CGDIR" ] || break
		find "$CGDIR" -depth -type d -exec rmdir {} + 2>/dev/null
		sleep 0.05
	done
}
t_on_exit e2e_cleanup

# --- the machine systemd boots: only our units -------------------------------
mkdir -p "$T_TMP/vendor"
cat >"$T_TMP/vendor/e2e.target" <<'EOF'
[Unit]
DefaultDependencies=no
Wants=web.service sock.socket
EOF
# A socket-activated service: systemd owns the listener.
cat >"$T_TMP/vendor/sock.socket" <<'EOF'
[Unit]
DefaultDependencies=no

[Socket]
ListenStream=10.78.0.1:5002
EOF
cat >"$T_TMP/vendor/sock.service" <<EOF
[Unit]
DefaultDependencies=no

[Service]
ExecStart=$PY -c 'import socket; l = socket.socket(fileno=3); c, _ = l.accept(); c.sendall(c.recv(100)); c.close()'
EOF
cat >"$T_TMP/vendor/web.service" <<EOF
[Unit]
Description=an unmodified echo server whose unit preloads something already
DefaultDependencies=no

[Service]
ExecStart=/usr/bin/socat TCP4-LISTEN:5001,bind=10.78.0.1,reuseaddr,fork EXEC:/bin/cat
Environment=FOO=1 "BAR=a b"
Environment=LD_PRELOAD=$LIBM
Environment=GODEBUG=http2client=0
EOF
cat >"$T_TMP/init.sh" <<EOF
set -e
mount -t proc proc /proc
umount -l /sys
mount -t sysfs sysfs /sys
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tmpfs tmpfs /run
mount -t tmpfs -o mode=755 tmpfs /etc/systemd/system
mount -t overlay overlay -o lowerdir=$T_TMP/vendor:/usr/lib/systemd/system /usr/lib/systemd/system
ip link set lo up
ip addr add 10.78.0.1/32 dev lo
exec env -i container=mptcpshim-e2e PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	$SYSTEMD --system --unit=e2e.target --log-target=null --show-status=no
EOF

mkdir "$CGDIR"
# timeout -s KILL bounds it even if this script is killed outright; the
# namespace's PID 1 dies with unshare (--kill-child), and all with it.
(
	echo "$BASHPID" >"$CGDIR/cgroup.procs"
	exec timeout -s KILL 150 unshare --kill-child --cgroup --pid --fork \
		--mount --net --uts --ipc --propagation private \
		bash "$T_TMP/init.sh"
) &
LAUNCHER=$!
T_PIDS+=("$LAUNCHER")
for i in $(seq 1 100); do
	un=$(pgrep -P "$LAUNCHER" -x unshare || true)
	[ -n "$un" ] && SD=$(pgrep -P "$un" || true)
	case "$SD" in
	[2-9] | [1-9][0-9]*) break ;;
	*) SD= ;;
	esac
	sleep 0.05
done
[ -n "$SD" ] || { echo "FAIL: systemd did not start" >&2; exit 1; }

# sx CMD...: CMD inside the "machine" (its mounts, PIDs and network).
sx() { nsenter -t "$SD" -m -p -n -u -i "$@"; }
sxmib() {
	sx awk -v name="$1" '
		$1 == "MPTcpExt:" && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$1 == "MPTcpExt:" && hdr { print (name in col) ? $(col[name]) : 0; exit }
	' /proc/net/netstat
}
wait_web() {
	local i
	for i in $(seq 1 200); do
		if [ "$(sx systemctl show -p ActiveState --value web.service 2>/dev/null)" = active ] &&
			sx ss -Hltn 'sport = :5001' | grep -q .; then
			return 0
		fi
		sleep 0.05
	done
	echo "web.service did not come up" >&2
	return 1
}
# echo_once [PORT]: one MPTCP client connection; prints
# "reply ACKRX FALLBACK".
echo_once() {
	local a0 f0 got port=${1:-5001}
	a0=$(sxmib MPCapableACKRX)
	f0=$(sxmib MPCapableFallbackSYNACK)
	got=$(sx timeout 10 env -u LD_PRELOAD $PY "$TESTS_DIR/mptcp_echo_client.py" 10.78.0.1 "$port")
	echo "$got $(($(sxmib MPCapableACKRX) - a0)) $(($(sxmib MPCapableFallbackSYNACK) - f0))"
}
main_environ() {
	local pid
	pid=$(sx systemctl show -p MainPID --value web.service)
	sx cat "/proc/$pid/environ" | tr '\0' '\n' | grep -E '^(FOO|BAR|LD_PRELOAD|GODEBUG)=' | sort
}
etc_snapshot() {
	sx sh -c 'cd /etc/systemd/system && find . -printf "%y %m %p\n" | sort && find . -type f -exec sha256sum {} + | sort'
}

wait_web
check "systemd is PID 1 of the machine and says so" 1 "$(sx sh -c 'test -d /run/systemd/system && echo 1')"

read -r reply ack fb < <(echo_once)
check "before enable: echo" hello "$reply"
check "before enable: plain TCP (client fell back)" "0 1" "$ack $fb"
ETC_BEFORE=$(etc_snapshot)

out=$(sx "$MPTCPSHIM_BIN" enable --now web)
echo "$out"
check "enable --now ran daemon-reload and restart" \
	"running: systemctl daemon-reload
running: systemctl restart web.service" "$(printf '%s\n' "$out" | grep '^running:')"
check "drop-in merged with the unit's values read from systemd" \
	"Environment=LD_PRELOAD=$LIBM:$LIB
Environment=GODEBUG=http2client=0,multipathtcp=1" \
	"$(sx grep '^Environment=' /etc/systemd/system/web.service.d/50-mptcpshim.conf)"
wait_web
check "the service runs with everything it had plus the shim" \
	"BAR=a b
FOO=1
GODEBUG=http2client=0,multipathtcp=1
LD_PRELOAD=$LIBM:$LIB" "$(main_environ)"

st=$(sx "$MPTCPSHIM_BIN" status web) && rc=0 || rc=$?
echo "$st"
check "status: exit 0" 0 "$rc"
check "status: systemd loaded the drop-in" "loaded:   yes" "$(printf '%s\n' "$st" | grep '^loaded:')"
check "status: the running service has the library" yes \
	"$(printf '%s\n' "$st" | awk '/^running:/ { print $2 }')"

read -r reply ack fb < <(echo_once)
check "after enable: echo" hello "$reply"
check "after enable: MPTCP (MPCapableACKRX +1, no fallback)" "1 0" "$ack $fb"

out=$(sx "$MPTCPSHIM_BIN" enable --now web)
check "enable again: unchanged, nothing reloaded or restarted" \
	"unchanged: /etc/systemd/system/web.service.d/50-mptcpshim.conf" "$out"

out=$(sx "$MPTCPSHIM_BIN" disable --now web)
check "disable --now ran daemon-reload and try-restart" \
	"running: systemctl daemon-reload
running: systemctl try-restart web.service" "$(printf '%s\n' "$out" | grep '^running:')"
check "disable: /etc/systemd/system as before enable" "$ETC_BEFORE" "$(etc_snapshot)"
wait_web
check "after disable: the unit's own environment again" \
	"BAR=a b
FOO=1
GODEBUG=http2client=0
LD_PRELOAD=$LIBM" "$(main_environ)"
sx "$MPTCPSHIM_BIN" status web >/dev/null && rc=0 || rc=$?
check "status after disable: exit 1" 1 "$rc"
read -r reply ack fb < <(echo_once)
check "after disable: echo" hello "$reply"
check "after disable: plain TCP again" "0 1" "$ack $fb"

# --- mptcpize enable|disable: the same drop-in, reloaded the same way --------
ln -s "$MPTCPSHIM_BIN" "$T_TMP/mptcpize"
out=$(sx "$T_TMP/mptcpize" enable web)
check "mptcpize enable: drop-in and daemon-reload" \
	"wrote /etc/systemd/system/web.service.d/50-mptcpshim.conf
running: systemctl daemon-reload" "$(printf '%s\n' "$out" | grep -E '^(wrote |running:)')"
check "mptcpize enable: systemd loaded it" 1 \
	"$(sx systemctl show -p DropInPaths --value web.service | grep -c 50-mptcpshim.conf)"
sx "$T_TMP/mptcpize" disable web >/dev/null
check "mptcpize disable: /etc/systemd/system as before" "$ETC_BEFORE" "$(etc_snapshot)"

# --- socket activation: the listener is systemd's ---------------------------
contains() {
	case "$3" in
	*"$2"*) echo "ok: $1" ;;
	*) echo "FAIL: $1: '$2' not in: $3" >&2; T_FAILED=1 ;;
	esac
}
st=$(sx "$MPTCPSHIM_BIN" status sock) || true
contains "status finds the activating socket (TriggeredBy=)" "socket:   sock.socket activates this service" "$st"
contains "status suggests SocketProtocol=mptcp" "mptcpshim enable --socket sock.service" "$st"
err=$(sx "$MPTCPSHIM_BIN" enable --socket sock 2>&1 >/dev/null)
v=$(sx systemctl --version | awk 'NR == 1 { print $2 }')
if [ "$v" -lt 257 ]; then
	contains "enable --socket warns that systemd $v is too old" "SocketProtocol= needs 257" "$err"
fi
check "systemd loaded the socket drop-in" 1 \
	"$(sx systemctl show -p DropInPaths --value sock.socket | grep -c 'sock.socket.d/50-mptcpshim.conf')"
read -r reply ack fb < <(echo_once 5002)
check "socket-activated service echoes" hello "$reply"
if [ "$v" -lt 257 ]; then
	# As documented: the shim is in the service, but the listener it
	# inherits is systemd's TCP socket, so the connection is TCP.
	check "systemd $v: the inherited listener stays TCP (client fell back)" "0 1" "$ack $fb"
else
	check "systemd $v: SocketProtocol=mptcp makes the listener MPTCP" "1 0" "$ack $fb"
fi
sx "$MPTCPSHIM_BIN" disable sock >/dev/null
check "disable removes both drop-ins" "" \
	"$(sx sh -c 'ls -d /etc/systemd/system/sock.* 2>/dev/null' || true)"

finish
