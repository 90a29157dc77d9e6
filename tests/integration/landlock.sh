#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Landlock (issue 26): the kernel applies a domain's TCP bind/connect rules
# to TCP sockets only, so a sandboxed program must keep TCP. Both routes:
# the library (landlock_app, python3) and the seccomp route (the -static
# copy, busybox); a program that sandboxes itself, one that does so after
# its first MPTCP socket, a launcher that sandboxes and then execs an
# unmodified program, and a program with no domain (still MPTCP, and the
# detection costs no system call per socket: strace counts).
source "$(dirname "$0")/lib.sh"
: "${LANDLOCK_APP:?set by CTest}" "${TESTS_DIR:?set by CTest}"
LANDLOCK_APP_STATIC=$T_TMP/landlock_app_static
gcc -static -O1 -D_GNU_SOURCE -Wall -Werror -o "$LANDLOCK_APP_STATIC" "$TESTS_DIR/landlock_app.c"
ALLOW=8091
DENY=8090
NS=$(ns_new ll)
run() { nsx "$NS" "$MPTCPSHIM_BIN" run "$@"; }

# The kernel's own answer first: without it there is nothing to keep.
base=$(nsx "$NS" "$LANDLOCK_APP" sandbox $ALLOW $DENY) && rc=0 || rc=$?
[ "$rc" = 77 ] && skip "no Landlock network rules on this kernel ($base)"
WANT="landlock=on
proto=6
bind_deny=EACCES
bind_allow=0
listen=0 listen_proto=6
connect_deny=EACCES
connect_allow=0"
check "without the shim: the sandbox refuses port $DENY, allows $ALLOW" "$WANT" "$base"
# What converting would do (landlock-lsm/linux#54): reported, not checked,
# as a kernel that applies the rules to MPTCP makes this pass too.
mz=$(nsx "$NS" mptcpize run "$LANDLOCK_APP" sandbox $ALLOW $DENY 2>&1 | grep -E '^(proto|bind_deny)=' | tr '\n' ' ')
echo "contrast: under mptcpize: $mz"

# --- a program that sandboxes itself ---------------------------------------
check "library route: TCP, and the sandbox holds" "$WANT" \
	"$(run "$LANDLOCK_APP" sandbox $ALLOW $DENY 2>/dev/null)"
# A systemd drop-in or a container's ENV lines: LD_PRELOAD alone, no run.
check "LD_PRELOAD alone (drop-in, container ENV): TCP, and the sandbox holds" "$WANT" \
	"$(nsx "$NS" env LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$SHIM_LIB" "$LANDLOCK_APP" sandbox $ALLOW $DENY 2>/dev/null)"
check "seccomp route (static): TCP, and the sandbox holds" "$WANT" \
	"$(run "$LANDLOCK_APP_STATIC" sandbox $ALLOW $DENY 2>/dev/null)"

# A process with a seccomp filter of its own (a service manager's
# SystemCallFilter=, a client that forbids itself bind()): the probe makes
# no bind() or connect() before the program does. A launcher's domain is
# still found, at the program's first bind/connect, and the socket made
# before is made TCP there.
preload_alone() {
	nsx "$NS" env LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$SHIM_LIB" "$@"
}
check "seccomp filter, launcher's domain: the sandbox holds" "landlock=on
seccomp=on
proto=262
bind_deny=EACCES
bind_allow=0
listen=0 listen_proto=6
connect_deny=EACCES
connect_allow=0" "$(preload_alone "$LANDLOCK_APP" exec $ALLOW $DENY "$LANDLOCK_APP" filtered $ALLOW $DENY 2>/dev/null)"
set +e
nobind=$(preload_alone "$LANDLOCK_APP" nobind $DENY 2>/dev/null)
rc=$?
set -e
check "a client whose filter kills bind(): not killed by the probe, MPTCP" \
	"0 seccomp=on proto=262 connect=ECONNREFUSED" "$rc $(echo $nobind)"
set +e
nobind=$(preload_alone "$LANDLOCK_APP" exec $ALLOW $DENY "$LANDLOCK_APP" nobind $DENY 2>/dev/null)
rc=$?
set -e
check "the same in a launcher's domain: connect refused as TCP would be" \
	"0 landlock=on seccomp=on proto=262 connect=EACCES" "$rc $(echo $nobind)"
# run (and policy explain) under such a filter: their own probe runs in a
# child, which the filter may kill instead of them.
for cmd in "run -- $LANDLOCK_APP loop 1" "run -- $LANDLOCK_APP_STATIC loop 1"; do
	set +e
	out=$(nsx "$NS" "$LANDLOCK_APP" nobind-exec "$MPTCPSHIM_BIN" $cmd 2>/dev/null)
	rc=$?
	set -e
	check "a filter that kills bind(), then mptcpshim $cmd: runs, MPTCP" \
		"0 seccomp=on proto=262" "$rc $(echo $out)"
done
set +e
nsx "$NS" "$LANDLOCK_APP" nobind-exec "$MPTCPSHIM_BIN" policy explain curl >/dev/null 2>&1
rc=$?
set -e
check "the same, policy explain: not killed" 0 "$rc"

# --stats and -d name the reason, on both routes.
REASON="kept TCP: the program's Landlock rules restrict TCP and do not apply to MPTCP"
for app in "$LANDLOCK_APP" "$LANDLOCK_APP_STATIC"; do
	st=$(run --stats "$app" sandbox $ALLOW $DENY 2>&1 >/dev/null)
	check "--stats ($(basename "$app")): 4 sockets kept TCP for Landlock" 1 \
		"$(grep -c "kept TCP by policy *4 ($REASON x4)" <<<"$st")"
	check "-d ($(basename "$app")): the reason per socket" 1 \
		"$([ "$(run -d "$app" sandbox $ALLOW $DENY 2>&1 >/dev/null | grep -c "TCP.*$REASON")" -ge 4 ] && echo 1)"
done

# --- ... after its first MPTCP socket ---------------------------------------
late=$(run "$LANDLOCK_APP" late $ALLOW $DENY 2>/dev/null)
check "library route, late: the first socket was MPTCP" 1 "$(grep -c '^early_proto=262$' <<<"$late")"
check "library route, late: that socket's forbidden bind fails" 1 "$(grep -c '^early_bind_deny=EACCES$' <<<"$late")"
check "library route, late: and it became TCP" 1 "$(grep -c '^early_proto_after=6$' <<<"$late")"
check "library route, late: later sockets TCP, sandbox holds" "$WANT" \
	"$(sed -n '/^landlock=/p;/^proto=/,$p' <<<"$late")"
# A second fd on each (dup): the library cannot replace such a socket, so
# it asks the rules for the port with a throw-away TCP socket.
check "library route, shared sockets made before: refused where TCP would be" \
	"shared_proto=262
landlock=on
shared_bind_deny=EACCES
shared_connect_deny=EACCES
shared_bind_allow=0" "$(run "$LANDLOCK_APP" shared $ALLOW $DENY 2>/dev/null)"
late=$(run "$LANDLOCK_APP_STATIC" late $ALLOW $DENY 2>/dev/null)
check "seccomp route, late: the first socket was MPTCP" 1 "$(grep -c '^early_proto=262$' <<<"$late")"
check "seccomp route, late: that socket's forbidden bind fails" 1 "$(grep -c '^early_bind_deny=EACCES$' <<<"$late")"
check "seccomp route, late: and it became TCP" 1 "$(grep -c '^early_proto_after=6$' <<<"$late")"
check "seccomp route, late: later sockets TCP, sandbox holds" "$WANT" \
	"$(sed -n '/^landlock=/p;/^proto=/,$p' <<<"$late")"

# --- a launcher that sandboxes, then execs an unmodified program -----------
PY='import socket, errno
s = socket.socket()
p = s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)
try:
    s.bind(("127.0.0.1", '$DENY')); r = "0"
except OSError as e:
    r = errno.errorcode[e.errno]
print(p, r)'
check "python3 without a sandbox: MPTCP, binds $DENY" "262 0" \
	"$(run python3 -c "$PY" 2>/dev/null)"
check "launcher under run, then python3: TCP, bind $DENY refused" "landlock=on
6 EACCES" "$(run "$LANDLOCK_APP" exec $ALLOW $DENY python3 -c "$PY" 2>/dev/null)"
check "run inside the launcher's domain, python3: TCP, bind $DENY refused" "landlock=on
6 EACCES" "$(nsx "$NS" "$LANDLOCK_APP" exec $ALLOW $DENY "$MPTCPSHIM_BIN" run python3 -c "$PY" 2>/dev/null)"

# Go makes its own MPTCP sockets (GODEBUG): none inside the domain.
check "run outside a domain: GODEBUG=multipathtcp=1" "GODEBUG=multipathtcp=1" \
	"$(run /usr/bin/env 2>/dev/null | grep '^GODEBUG=')"
check "run inside the launcher's domain: GODEBUG=multipathtcp=0" "GODEBUG=multipathtcp=0" \
	"$(nsx "$NS" "$LANDLOCK_APP" exec $ALLOW $DENY "$MPTCPSHIM_BIN" run /usr/bin/env 2>/dev/null | grep '^GODEBUG=')"

# policy explain tells, from inside such a domain, why programs keep TCP.
check "policy explain inside the domain gives the reason" 1 \
	"$(nsx "$NS" "$LANDLOCK_APP" exec $ALLOW $DENY "$MPTCPSHIM_BIN" policy explain curl 2>/dev/null | grep -c "^landlock: $REASON")"
check "policy explain outside: no domain" 1 \
	"$(nsx "$NS" "$MPTCPSHIM_BIN" policy explain curl 2>/dev/null | grep -c '^landlock: no domain here')"

# busybox (static, the seccomp route): its listener on $ALLOW must be TCP
# and its listener on $DENY refused. mptcp_listeners: ss -M lists an MPTCP
# listener as "mptcp".
mptcp_listeners() { nsx "$NS" ss -HMltn "sport = :$1" | grep -c '^mptcp' || true; }
busybox_case() {
	local name=$1
	shift
	bg_in "$NS" 20 "$@" busybox nc -l -p $ALLOW
	wait_listen "$NS" $ALLOW
	check "$name: busybox's listener on $ALLOW is TCP" 0 "$(mptcp_listeners $ALLOW)"
	kill "$T_LAST_PID" 2>/dev/null
	wait "$T_LAST_PID" 2>/dev/null || true
	out=$(nsx "$NS" timeout 5 "$@" busybox nc -l -p $DENY 2>&1) && rc=0 || rc=$?
	check "$name: busybox's bind to $DENY refused" "1 1" \
		"$([ "$rc" != 0 ] && [ "$rc" != 124 ] && echo 1) $(grep -ci 'permission denied' <<<"$out")"
}
# Sanity: without a domain the same listener is MPTCP (the route works).
bg_in "$NS" 20 "$MPTCPSHIM_BIN" run busybox nc -l -p $ALLOW
wait_listen "$NS" $ALLOW
check "busybox under run, no domain: its listener is MPTCP" 1 "$(mptcp_listeners $ALLOW)"
kill "$T_LAST_PID" 2>/dev/null
wait "$T_LAST_PID" 2>/dev/null || true
busybox_case "launcher, then run busybox" "$LANDLOCK_APP" exec $ALLOW $DENY "$MPTCPSHIM_BIN" run
busybox_case "run a static launcher that execs busybox" "$MPTCPSHIM_BIN" run "$LANDLOCK_APP_STATIC" exec $ALLOW $DENY

# --- no domain: still MPTCP, and no system call per socket -----------------
check "library route, no domain: MPTCP" "proto=262" "$(run "$LANDLOCK_APP" loop 1 2>/dev/null)"
check "seccomp route, no domain: MPTCP" "proto=262" "$(run "$LANDLOCK_APP_STATIC" loop 1 2>/dev/null)"
# calls N: "socket bind connect" system calls of a process making N sockets.
calls() {
	nsx "$NS" strace -f -qq -e trace=socket,bind,connect -o "$T_TMP/st" \
		env LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$SHIM_LIB" "$LANDLOCK_APP" loop "$1" >/dev/null
	echo "$(grep -c 'socket(' "$T_TMP/st") $(grep -c 'bind(' "$T_TMP/st") $(grep -c 'connect(' "$T_TMP/st")"
}
c100=$(calls 100)
c200=$(calls 200)
echo "system calls (socket bind connect) for 100 sockets: $c100; for 200: $c200"
read -r s1 b1 k1 <<<"$c100"
read -r s2 b2 k2 <<<"$c200"
check "per socket: one socket() and no probe call" "100 0 0" "$((s2 - s1)) $((b2 - b1)) $((k2 - k1))"
check "per process: the probe's one socket, bind and connect" "101 1 1" "$c100"
finish
