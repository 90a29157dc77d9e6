#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The seccomp route of `run` (issue 15): a -static C client and server,
# busybox-static wget and a Go 1.19 net/http client and server, all built
# here, get MPTCP end to end (proven by the MIB) with no flag, and keep
# working over TCP where net.mptcp.enabled=0; a forked child and a script
# that execs the static program are converted; nothing but the TCP
# socket() is trapped, nothing outside the run is touched; policy applies
# per program; no_new_privs only without CAP_SYS_ADMIN; the supervisor is
# gone after a normal exit and after kill -9.
. "$TESTS_DIR/lib.sh"

cd "$T_TMP"
chmod 755 "$T_TMP"	# uid 65534 runs programs from here
export XDG_CONFIG_HOME="$T_TMP/xdg"
gcc -static -O1 -Wall -Werror -o seccomp_peer "$TESTS_DIR/seccomp_peer.c"
cp seccomp_peer other_peer
export GOCACHE="$T_TMP/gocache" GOPATH="$T_TMP/gopath" GOFLAGS=-mod=mod \
	GOPROXY=off CGO_ENABLED=0
(cd "$TESTS_DIR/seccomp_go" &&
	go build -o "$T_TMP/goserver" ./server &&
	go build -o "$T_TMP/goclient" ./client)
BUSYBOX=/bin/busybox
file_is_static() { ! readelf -l "$1" | grep -q 'Requesting program interpreter'; }
file_is_static "$BUSYBOX" || { echo "FAIL: $BUSYBOX is not static" >&2; exit 1; }

printf '[global]\nmode = all\n' >policy.conf
printf '[global]\nmode = listed\n[app:seccomp_peer]\nenabled = true\n[keepalive]\nenabled = true\nidle = 77\n' >listed.conf
chmod 644 policy.conf listed.conf
RUN=("$MPTCPSHIM_BIN" run -c "$T_TMP/policy.conf")

ON=$(ns_new on)
OFF=$(ns_new off)
nsx "$OFF" sysctl -qw net.mptcp.enabled=0

# live_sups NS: how many supervisors are alive (not zombies) in NS.
live_sups() { ns_supervisors "$1" | wc -l; }
# wait_sups NS N: until N supervisors are alive in NS (3 s at most).
wait_sups() {
	wait_until 3 "$2 supervisors in $1" t_equals "$2" live_sups "$1" || true
	live_sups "$1"
}

# --- usage and the route decision -------------------------------------
rc=0; "$MPTCPSHIM_BIN" run --route=bpf -- true 2>/dev/null || rc=$?
check "--route=bpf is a usage error" 2 "$rc"
err=$("$MPTCPSHIM_BIN" run -d -- /bin/true 2>&1)
check "run -d: a dynamic program takes the preload route" 1 \
	"$(grep -c 'route: preload (/bin/true is dynamically linked' <<<"$err")"
err=$(nsx "$ON" "${RUN[@]}" -d -- ./seccomp_peer flags 2>&1 >/dev/null)
check "run -d: a static program takes the seccomp route" 1 \
	"$(grep -c 'route: seccomp (./seccomp_peer is statically linked' <<<"$err")"
check "run -d: as root, no_new_privs is not set" 1 \
	"$(grep -c 'no_new_privs not set' <<<"$err")"

out=$("$MPTCPSHIM_BIN" policy explain -c "$T_TMP/policy.conf" "$T_TMP/seccomp_peer")
check "policy explain names the seccomp route" 1 "$(grep -c '^route: *seccomp' <<<"$out")"
check "policy explain: destination rules are no longer a limit there" 0 \
	"$(grep -c '^not here: destination and port rules' <<<"$out")"
check "policy explain: says what the route cannot do, with reasons" 1 \
	"$(grep -c '^not here: a socket registered in an epoll instance' <<<"$out")"
out=$("$MPTCPSHIM_BIN" policy explain -c "$T_TMP/policy.conf" /bin/true)
check "policy explain: no route line for a dynamic program" 0 "$(grep -c '^route:' <<<"$out")"

# --- where the route cannot run (seccomp(2) refused) ------------------
rc=0
err=$(nsx "$ON" ./seccomp_peer deny-seccomp "${RUN[@]}" --route=seccomp -- \
	./seccomp_peer flags 2>&1 >/dev/null) || rc=$?
check "route refused, --route=seccomp: exit 126" 126 "$rc"
check "route refused, --route=seccomp: says why" 1 \
	"$(grep -c 'the seccomp route cannot run: installing a seccomp filter is not permitted' <<<"$err")"
rc=0
out=$(nsx "$ON" ./seccomp_peer deny-seccomp "${RUN[@]}" -- ./seccomp_peer flags 2>err.txt) || rc=$?
check "route refused, auto: the program runs (exit 0)" 0 "$rc"
check "route refused, auto: as it is, over TCP" 1 "$(grep -c '^plain 6 ' <<<"$out")"
check "route refused, auto: a warning" 1 "$(grep -c 'warning: the seccomp route cannot run' err.txt)"

# --- static C, busybox wget, a script: MPTCP end to end ----------------
bg_in "$ON" 60 "${RUN[@]}" -- ./seccomp_peer server 8080 6 >server_on.out
SERVER=$T_LAST_PID
wait_listen "$ON" 8080
synack=$(mib "$ON" MPCapableSYNACKRX)
out=$(nsx "$ON" "${RUN[@]}" -- ./seccomp_peer client 127.0.0.1 8080)
check "static client: MPTCP socket" 1 "$(grep -c '^client 262 ' <<<"$out")"
check "static client: got the body" "body static" "$(grep '^body' <<<"$out")"
out=$(nsx "$ON" "${RUN[@]}" -- ./seccomp_peer fork 127.0.0.1 8080)
check "forked child of a static program: MPTCP" 1 "$(grep -c '^client 262 ' <<<"$out")"
out=$(nsx "$ON" "${RUN[@]}" -- "$BUSYBOX" wget -q -O - http://127.0.0.1:8080/)
check "busybox wget: got the body" static "$out"
printf '#!/bin/sh\nexec "$1" client 127.0.0.1 8080\n' >wrap.sh
chmod 755 wrap.sh
out=$(nsx "$ON" "${RUN[@]}" --route=seccomp -- ./wrap.sh ./seccomp_peer)
check "script exec'ing the static program, --route=seccomp: MPTCP" 1 \
	"$(grep -c '^client 262 ' <<<"$out")"
# A run inside a seccomp-route run cannot add a listener (one per filter
# chain): the outer supervisor serves it, and it still runs.
out=$(nsx "$ON" "${RUN[@]}" --route=seccomp -- "$MPTCPSHIM_BIN" run --route=seccomp -- \
	./seccomp_peer client 127.0.0.1 8080)
check "run inside a seccomp-route run: served by the outer supervisor" 1 \
	"$(grep -c '^client 262 ' <<<"$out")"
# auto judges the script by its interpreter (dynamic /bin/sh): preload;
# the library's exec hook gives the static program it execs the route
# (issue 21; exec_route.sh covers every way of starting it).
out=$(nsx "$ON" "${RUN[@]}" -- ./wrap.sh ./seccomp_peer)
check "script under --route=auto: the static program it execs is MPTCP" 1 \
	"$(grep -c '^client 262 ' <<<"$out")"
wait "$SERVER" || true
check "MIB: 6 connections MPTCP on both ends (SYN/ACK with MP_CAPABLE)" 6 \
	$(($(mib "$ON" MPCapableSYNACKRX) - synack))
check "static server: MPTCP listener" "listener 262" "$(grep '^listener' server_on.out)"
check "static server: 6 MPTCP connections accepted" 6 "$(grep -c '^accepted 262' server_on.out)"
check "no supervisor left after the server exited" 0 "$(wait_sups "$ON" 0)"

# --- Go 1.19 net/http ---------------------------------------------------
bg_in "$ON" 60 "${RUN[@]}" -- ./goserver 127.0.0.1:8081
GOSERVER=$T_LAST_PID
wait_listen "$ON" 8081
synack=$(mib "$ON" MPCapableSYNACKRX)
out=$(nsx "$ON" "${RUN[@]}" -- ./goclient http://127.0.0.1:8081/)
check "Go 1.19 client and server: body" "body go" "$out"
check "MIB: the Go connection is MPTCP on both ends" 1 \
	$(($(mib "$ON" MPCapableSYNACKRX) - synack))
kill "$GOSERVER"; wait "$GOSERVER" 2>/dev/null || true

# --- net.mptcp.enabled=0: the same programs work over TCP -------------
bg_in "$OFF" 60 "${RUN[@]}" -- ./seccomp_peer server 8080 2 >server_off.out
SERVER=$T_LAST_PID
bg_in "$OFF" 60 "${RUN[@]}" -- ./goserver 127.0.0.1:8081
GOSERVER=$T_LAST_PID
wait_listen "$OFF" 8080
wait_listen "$OFF" 8081
out=$(nsx "$OFF" "${RUN[@]}" -- ./seccomp_peer client 127.0.0.1 8080)
check "MPTCP off: static client over TCP" 1 "$(grep -c '^client 6 ' <<<"$out")"
check "MPTCP off: static client got the body" "body static" "$(grep '^body' <<<"$out")"
out=$(nsx "$OFF" "${RUN[@]}" -- "$BUSYBOX" wget -q -O - http://127.0.0.1:8080/)
check "MPTCP off: busybox wget got the body" static "$out"
out=$(nsx "$OFF" "${RUN[@]}" -- ./goclient http://127.0.0.1:8081/)
check "MPTCP off: Go client and server" "body go" "$out"
wait "$SERVER" || true
check "MPTCP off: static server listened over TCP" "listener 6" "$(grep '^listener' server_off.out)"
check "MPTCP off: no MP_CAPABLE SYN sent" 0 "$(mib "$OFF" MPCapableSYNTX)"
json=$(nsx "$OFF" "${RUN[@]}" --stats --json -- ./seccomp_peer flags 2>&1 >/dev/null)
check "MPTCP off: --stats counts 2 creation fallbacks" 1 \
	"$(grep -c '"converted":0,"kept_tcp":0,"kept_tcp_reasons":{},"creation_fallbacks":2,"creation_fallback_errors":{"ENOPROTOOPT":2}' <<<"$json")"
kill "$GOSERVER"; wait "$GOSERVER" 2>/dev/null || true

# --- only the TCP socket() is trapped; flags kept; --stats ------------
err=$(nsx "$ON" "${RUN[@]}" -d -- ./seccomp_peer others 2>&1 >others.out)
check "UDP untouched" "udp 17" "$(grep '^udp' others.out)"
check "UNIX untouched" "unix 0" "$(grep '^unix' others.out)"
check "raw untouched" "raw 6" "$(grep '^raw' others.out)"
check "explicit IPPROTO_MPTCP untouched" "mptcp 262" "$(grep '^mptcp' others.out)"
check "SOCK_SEQPACKET untouched (the kernel refuses it for INET)" "seqpacket refused" "$(grep '^seqpacket' others.out)"
check "the supervisor saw none of them" 0 "$(grep -c 'run: seccomp route: pid ' <<<"$err")"
out=$(nsx "$ON" "${RUN[@]}" -- ./seccomp_peer flags)
check "SOCK_NONBLOCK|SOCK_CLOEXEC kept" "flagged 262 nonblock 1 cloexec 1" "$(grep '^flagged' <<<"$out")"
check "no flags added" 1 "$(grep -c '^plain 262 nonblock 0 cloexec 0 ' <<<"$out")"
json=$(nsx "$ON" "${RUN[@]}" --stats --json -- ./seccomp_peer flags 2>&1 >/dev/null)
check "--stats counts 2 conversions" 1 \
	"$(grep -c '"program":"seccomp_peer","pid":[0-9]*,"sockets":2,"converted":2,' <<<"$json")"

# --- the socket is made in the task's network namespace ----------------
# The supervisor starts in OFF (MPTCP disabled); the program moves to a
# new namespace where MPTCP is on: MPTCP proves the supervisor followed.
out=$(nsx "$OFF" "${RUN[@]}" --route=seccomp -- unshare --net ./seccomp_peer flags)
check "socket made in the task's own (new) namespace" 1 "$(grep -c '^plain 262 ' <<<"$out")"
# Unprivileged, the supervisor may not enter a namespace the program made
# in its own user namespace: TCP, the program's own socket().
if nsx "$ON" setpriv --reuid 65534 --regid 65534 --clear-groups \
	unshare --user --net true 2>/dev/null; then
	out=$(nsx "$ON" setpriv --reuid 65534 --regid 65534 --clear-groups \
		"${RUN[@]}" --route=seccomp -- unshare --user --net ./seccomp_peer flags)
	check "setns not permitted: falls back to TCP" 1 "$(grep -c '^plain 6 ' <<<"$out")"
else
	echo "note: no unprivileged user namespaces here; setns refusal not tested"
fi

# --- per-program policy at socket() time -------------------------------
LISTED=("$MPTCPSHIM_BIN" run -c "$T_TMP/listed.conf")
out=$(nsx "$ON" "${LISTED[@]}" -- ./seccomp_peer flags)
check "[app:seccomp_peer] with keepalive idle 77" 1 \
	"$(grep -c '^plain 262 nonblock 0 cloexec 0 keepalive 1 idle 77$' <<<"$out")"
json=$(nsx "$ON" "${LISTED[@]}" --stats --json -- ./other_peer flags 2>&1 >stats.out)
check "mode = listed: an unlisted program stays TCP" 1 "$(grep -c '^plain 6 ' stats.out)"
check "--stats: kept TCP by policy counted" 1 \
	"$(grep -c '"program":"other_peer","pid":[0-9]*,"sockets":2,"converted":0,"kept_tcp":2,' <<<"$json")"

# --- outside the run; kill -9 of the program ---------------------------
# ip netns exec execs in place: $! is the program itself.
ip netns exec "$ON" "${RUN[@]}" -- ./seccomp_peer hold 30 >hold.out &
HOLD=$!
T_PIDS+=("$HOLD")
wait_line 5 hold.out held || true
check "held socket MPTCP" "held 262" "$(cat hold.out)"
check "one supervisor while the program runs" 1 "$(live_sups "$ON")"
out=$(nsx "$ON" ./seccomp_peer flags)
check "a program outside the run is not trapped" 1 "$(grep -c '^plain 6 ' <<<"$out")"
for p in $(ip netns pids "$ON"); do
	[ "$(cat /proc/"$p"/comm 2>/dev/null)" = mptcpshim-sup ] && kill -TERM "$p"
done
# Surviving has no event to wait for: the supervisor is given 0.2 s to
# die, as it would have on a signal it does not ignore.
sleep 0.2
check "the supervisor outlives SIGTERM (a service stop) while the program runs" 1 "$(live_sups "$ON")"
check "the program keeps the pid run was given" seccomp_peer "$(cat /proc/"$HOLD"/comm)"
kill -9 "$HOLD"
wait "$HOLD" 2>/dev/null || true
check "no supervisor left after kill -9 of the program" 0 "$(wait_sups "$ON" 0)"

# --- the documented sharp edge: the supervisor killed first ------------
mkfifo go.fifo
ip netns exec "$ON" timeout 20 "${RUN[@]}" -- ./seccomp_peer twice <go.fifo >twice.out &
TWICE=$!
T_PIDS+=("$TWICE")
exec 9>go.fifo
wait_line 5 twice.out first || true
for p in $(ip netns pids "$ON"); do
	[ "$(cat /proc/"$p"/comm 2>/dev/null)" = mptcpshim-sup ] && kill -KILL "$p"
done
check "supervisor killed" 0 "$(wait_sups "$ON" 0)"
echo go >&9
exec 9>&-
wait "$TWICE" || true
check "before: MPTCP" "first 262" "$(grep first twice.out)"
check "after the supervisor is killed: socket() fails with ENOSYS (documented)" \
	"second ENOSYS" "$(grep second twice.out)"

# --- no_new_privs: not as root, set for uid 65534 ----------------------
out=$(nsx "$ON" "${RUN[@]}" -- "$BUSYBOX" grep NoNewPrivs /proc/self/status)
check "root: no_new_privs not set" "NoNewPrivs:	0" "$out"
out=$(nsx "$ON" setpriv --reuid 65534 --regid 65534 --clear-groups \
	"${RUN[@]}" -d -- "$BUSYBOX" grep NoNewPrivs /proc/self/status 2>err65534)
check "uid 65534: no_new_privs set" "NoNewPrivs:	1" "$out"
check "uid 65534: run -d says so" 1 "$(grep -c 'no_new_privs set (no CAP_SYS_ADMIN)' err65534)"
out=$(nsx "$ON" setpriv --reuid 65534 --regid 65534 --clear-groups \
	"${RUN[@]}" -- ./seccomp_peer flags)
check "uid 65534: converted" 1 "$(grep -c '^plain 262 ' <<<"$out")"
check "no supervisor left at the end" 0 "$(wait_sups "$ON" 0)"

finish
