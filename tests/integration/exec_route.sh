#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The seccomp route follows exec (issue 21): a static program (or Go 1.19)
# started by a program that has the library gets the route, through every
# way of starting it, and MPTCP end to end (proven by the MIB); a failed
# exec keeps the kernel's errno; with MPTCP off everything still works over
# TCP; after kill -9 of the tree no helper is left; the supervisor holds no
# descriptor of the program's, so a pipeline ends with the program's own
# processes (issue 20 item 3).
. "$TESTS_DIR/lib.sh"

cd "$T_TMP"
chmod 755 "$T_TMP"
export MPTCPSHIM_EXEC_HELPER="$EXEC_HELPER"
gcc -static -O1 -Wall -Werror -o seccomp_peer "$TESTS_DIR/seccomp_peer.c"
gcc -O1 -Wall -Werror -pthread -o exec_paths "$TESTS_DIR/exec_paths.c"
export GOCACHE="$T_TMP/gocache" GOPATH="$T_TMP/gopath" GOFLAGS=-mod=mod \
	GOPROXY=off CGO_ENABLED=0
(cd "$TESTS_DIR/seccomp_go" &&
	go build -o "$T_TMP/goserver" ./server &&
	go build -o "$T_TMP/goclient" ./client &&
	CGO_ENABLED=1 go build -o "$T_TMP/goclient_dyn" ./client)
# A dynamic Go program (cgo): the loader runs, but Go's own system calls
# never meet the library: the Go build-ID note is what the exec hook sees.
readelf -l goclient_dyn | grep -q 'program interpreter' ||
	{ echo "FAIL: goclient_dyn is not dynamic" >&2; exit 1; }
BUSYBOX=/bin/busybox
readelf -l "$BUSYBOX" | grep -q 'program interpreter' &&
	{ echo "FAIL: $BUSYBOX is not static" >&2; exit 1; }
printf '[global]\nmode = all\n' >policy.conf
chmod 644 policy.conf
RUN=("$MPTCPSHIM_BIN" run -c "$T_TMP/policy.conf")
# Under the library as a drop-in or a container gives it: LD_PRELOAD only.
# (After the sanitizer runtimes lib.sh put first in an ASan build.)
PRE=(env "LD_PRELOAD=${LD_PRELOAD:+$LD_PRELOAD }$SHIM_LIB"
	"MPTCPSHIM_CONFIG=$T_TMP/policy.conf")

printf '#!/bin/sh\nexec "$@"\n' >wrap.sh
printf '#!/bin/sh\nexec ./seccomp_peer client 127.0.0.1 8080\n' >client.sh
printf '#!/bin/sh\nexec ./goclient http://127.0.0.1:8080/\n' >goclient.sh
printf '#!/bin/sh\nexec ./goclient_dyn http://127.0.0.1:8080/\n' >goclient_dyn.sh
chmod 755 wrap.sh client.sh goclient.sh goclient_dyn.sh

ON=$(ns_new on)
OFF=$(ns_new off)
nsx "$OFF" sysctl -qw net.mptcp.enabled=0

# sups: live supervisors (not zombies) in the namespace.
sups() {
	local p n=0
	for p in $(ip netns pids "$1"); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = mptcpshim-sup ] || continue
		[ "$(awk '{ print $3 }' /proc/"$p"/stat 2>/dev/null)" = Z ] && continue
		n=$((n + 1))
	done
	echo "$n"
}
# wait_sups NS N: until N supervisors are alive in NS (5 s at most).
wait_sups() {
	local i
	for i in $(seq 1 100); do
		[ "$(sups "$1")" = "$2" ] && break
		sleep 0.05
	done
	sups "$1"
}

# --- a static server behind `run sh -c 'exec ...'` ---------------------
mkdir www && echo static >www/index.html
syn=$(mib "$ON" MPCapableSYNRX)
bg_in "$ON" 60 "${RUN[@]}" -- sh -c "exec $BUSYBOX httpd -f -p 127.0.0.1:8080 -h $T_TMP/www"
SERVER=$T_LAST_PID
wait_listen "$ON" 8080
check "run sh -c 'exec busybox httpd': one supervisor" 1 "$(wait_sups "$ON" 1)"
nsx "$ON" bash -c "$(declare -f http_get); PY=$PY T_SANITIZED=${T_SANITIZED:-} http_get \"\$@\"" \
	_ "${RUN[@]}" -- http://127.0.0.1:8080/ "$T_TMP/page"
check "busybox httpd behind sh: body" static "$(cat "$T_TMP/page")"
check "busybox httpd behind sh: its listener is MPTCP (MIB)" 1 \
	"$(($(mib "$ON" MPCapableSYNRX) - syn))"

# --- clients behind a wrapper script: static C and Go 1.19 ------------
ack=$(mib "$ON" MPCapableSYNACKRX)
out=$(nsx "$ON" "${RUN[@]}" -- ./client.sh)
check "static client behind a script under run: MPTCP socket" 1 \
	"$(grep -c '^client 262 ' <<<"$out")"
check "static client behind a script: body" 1 "$(grep -c '^body static' <<<"$out")"
out=$(nsx "$ON" "${PRE[@]}" ./goclient.sh)
check "Go 1.19 client behind a script, LD_PRELOAD only: body" "body static" "$out"
out=$(nsx "$ON" "${PRE[@]}" ./goclient_dyn.sh)
check "dynamic Go 1.19 client behind a script: body" "body static" "$out"
check "the three clients: MP_CAPABLE SYN/ACKs (MIB)" 3 \
	"$(($(mib "$ON" MPCapableSYNACKRX) - ack))"

# --- every way of starting a program, from a dynamic one ----------------
for m in execve execv execvp execvpe execl execle execlp execveat \
	execveat-dirfd fexecve fexecve-cloexec posix_spawn posix_spawnp \
	system popen vfork thread; do
	target=$T_TMP/seccomp_peer
	case $m in execvp | execvpe | execlp | posix_spawnp) target=seccomp_peer ;; esac
	ack=$(mib "$ON" MPCapableSYNACKRX)
	out=$(nsx "$ON" env PATH="$T_TMP:$PATH" "${PRE[@]}" ./exec_paths "$m" \
		"$target" client 127.0.0.1 8080 2>&1)
	check "$m: the static target's socket is MPTCP" 1 "$(grep -c '^client 262 ' <<<"$out")"
	check "$m: MP_CAPABLE SYN/ACK (MIB)" 1 "$(($(mib "$ON" MPCapableSYNACKRX) - ack))"
done
# A dynamic program started these ways is left alone: no launcher.
out=$(MPTCPSHIM_LOG=debug "${PRE[@]}" ./exec_paths posix_spawn /bin/true 2>&1)
check "a dynamic target never meets the launcher" 0 "$(grep -c mptcpshim-exec <<<"$out")"

# --- a failed exec keeps the kernel's errno -----------------------------
printf 'no shebang\n' >plain.txt
chmod 755 plain.txt
cp seccomp_peer noexec_peer && chmod 644 noexec_peer
for m in execve execvp fexecve posix_spawn posix_spawnp vfork; do
	for t in ./missing ./noexec_peer; do
		want=$(./exec_paths "$m" "$t" 2>&1 | grep '^error' || true)
		got=$("${PRE[@]}" ./exec_paths "$m" "$t" 2>&1 | grep '^error' || true)
		check "$m $t: the same error as without the library" "$want" "$got"
	done
done

# The program holds the static target open for writing (close-on-exec):
# ETXTBSY, not a launcher that runs it anyway (its writer closed by then)
# or fails with 126 after the program's exec succeeded.
cp seccomp_peer busy_peer
for m in execve execvp fexecve posix_spawn posix_spawnp vfork; do
	want=$(EXEC_PATHS_WRITER=1 ./exec_paths "$m" ./busy_peer 2>&1 | grep '^error' || true)
	got=$(EXEC_PATHS_WRITER=1 "${PRE[@]}" ./exec_paths "$m" ./busy_peer 2>&1 | grep '^error' || true)
	# (vfork's child can only tell ENOENT from the rest: "error EACCES")
	[ "$m" = vfork ] ||
		check "$m ./busy_peer held for writing: the kernel's error" "error ETXTBSY" "$want"
	[ -n "$want" ] || { echo "FAIL: $m ./busy_peer held for writing ran" >&2; exit 1; }
	check "$m ./busy_peer held for writing: the same error as without the library" "$want" "$got"
done

# A relative static target and a file action that changes the child's
# directory: posix_spawn's ENOENT, not the launcher's exit status 127.
want=$(./exec_paths posix_spawn-chdir ./seccomp_peer 2>&1 | grep '^error' || true)
got=$("${PRE[@]}" ./exec_paths posix_spawn-chdir ./seccomp_peer 2>&1 | grep '^error' || true)
check "posix_spawn + addchdir_np, relative target: the kernel's error" "error ENOENT" "$want"
check "posix_spawn + addchdir_np, relative target: the same error as without the library" "$want" "$got"

# --- a program that already has a seccomp filter --------------------------
# One that refuses seccomp(2) (a container's profile): the target runs as
# it is, over TCP, and works.
out=$(nsx "$ON" "${PRE[@]}" ./seccomp_peer deny-seccomp ./exec_paths execve \
	./seccomp_peer client 127.0.0.1 8080 2>&1)
check "seccomp(2) refused: the static target still gets the body" 1 \
	"$(grep -c '^body static' <<<"$out")"
check "seccomp(2) refused: ... over TCP" 1 "$(grep -c '^client 6 ' <<<"$out")"
# Our own listener in the chain (a tree already under the route): the
# library execs directly, the tree's supervisor serves the target.
out=$(MPTCPSHIM_LOG=debug nsx "$ON" "${RUN[@]}" --route=seccomp -- \
	env "LD_PRELOAD=${LD_PRELOAD:+$LD_PRELOAD }$SHIM_LIB" ./exec_paths \
	posix_spawn ./seccomp_peer client 127.0.0.1 8080 2>&1)
check "under the route already: MPTCP from the tree's supervisor" 1 \
	"$(grep -c '^client 262 ' <<<"$out")"
check "under the route already: no launcher" 0 "$(grep -c 'mptcpshim-exec\[' <<<"$out")"

# --- MPTCP off: the same paths still work, over TCP ---------------------
bg_in "$OFF" 60 "${PRE[@]}" ./wrap.sh ./seccomp_peer server 8080 3
wait_listen "$OFF" 8080
out=$(nsx "$OFF" "${PRE[@]}" ./client.sh)
check "MPTCP off: static client behind a script gets the body" 1 \
	"$(grep -c '^body static' <<<"$out")"
check "MPTCP off: its socket is TCP" 1 "$(grep -c '^client 6 ' <<<"$out")"
out=$(nsx "$OFF" "${PRE[@]}" ./goclient.sh)
check "MPTCP off: Go client behind a script gets the body" "body static" "$out"
out=$(nsx "$OFF" "${PRE[@]}" ./exec_paths posix_spawn ./seccomp_peer client 127.0.0.1 8080)
check "MPTCP off: posix_spawn'ed static client gets the body" 1 \
	"$(grep -c '^body static' <<<"$out")"
check "MPTCP off: no MP_CAPABLE SYN sent" 0 "$(mib "$OFF" MPCapableSYNTX)"

# --- kill -9 of the tree: no helper left --------------------------------
kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true
check "server stopped: its supervisor is gone" 0 "$(wait_sups "$ON" 0)"
setsid ip netns exec "$ON" "${PRE[@]}" ./wrap.sh "$BUSYBOX" sh -c \
	"$T_TMP/seccomp_peer hold 60 & $T_TMP/seccomp_peer hold 60" &
TREE=$!
T_PIDS+=("$TREE")
check "a static tree under a script: one supervisor" 1 "$(wait_sups "$ON" 1)"
# setsid did not fork (a background job leads no group): the tree's
# process group is $TREE.
check "the tree has a process group of its own" "$TREE" \
	"$(sed 's/.*) //' /proc/"$TREE"/stat | cut -d' ' -f3)"
kill -9 -- "-$TREE"
wait "$TREE" 2>/dev/null || true
check "after kill -9 of the tree: no supervisor left" 0 "$(wait_sups "$ON" 0)"

# --- the supervisor holds none of the program's descriptors -------------
# A pipeline ends when the program's own processes end: here the program
# leaves a background sleep that has no stdout of its own, and `cat` must
# see EOF while that sleep (and so the supervisor) still lives.
out=$(nsx "$ON" "${RUN[@]}" -- "$BUSYBOX" sh -c 'sleep 30 </dev/null >/dev/null 2>&1 & echo $!' 2>&1 | cat)
check "pipeline ended while the program's tree lives" 1 \
	"$([ -d "/proc/$out" ] && echo 1 || echo 0)"
check "... and its supervisor lives on with it" 1 "$(sups "$ON")"
sup=$(for p in $(ip netns pids "$ON"); do
	[ "$(cat /proc/"$p"/comm 2>/dev/null)" != mptcpshim-sup ] || echo "$p"; done)
# 0 and 1 /dev/null, 2 a socket of its own (its warnings go to the system
# log), then only its listener.
fds=$(for f in /proc/"$sup"/fd/*; do
	[ "${f##*/}" = 2 ] || readlink "$f"; done |
	grep -vc -e '^/dev/null$' -e '^anon_inode:seccomp notify$' || true)
check "the supervisor holds only /dev/null, its listener and fd 2" 0 "$fds"
sink=$(readlink /proc/"$sup"/fd/2)
check "its fd 2 is a socket, not the program's stderr (a pipe)" 1 \
	"$(case $sink in socket:*) echo 1 ;; *) echo "$sink" ;; esac)"
check "... that no process of the program holds" 0 \
	"$(for f in /proc/"$out"/fd/*; do readlink "$f"; done | grep -cxF "$sink" || true)"
kill -9 "$out"
check "the background sleep killed: the supervisor leaves" 0 "$(wait_sups "$ON" 0)"

finish
