#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The whole policy on the seccomp route (issue 22), proven by the MIB:
# - destination and port rules: a static C client and a Go 1.19 client
#   reach an excluded address over TCP and every other one over MPTCP; a
#   ports rule keeps TCP on other ports; TCP Fast Open decides too;
# - option rescue: an option MPTCP refuses makes the socket TCP (auto), is
#   ignored at TCP's default, and fails with the kernel's error under
#   unsupported_option = fail; a refused read is answered as TCP would;
# - the rebuild's safety rule: a socket in an epoll set or dup()ed is
#   never switched; a bad address pointer gets the kernel's EFAULT;
# - threads and a fork child trapped at once; no supervisor left after
#   kill -9 of a program blocked in a trapped connect;
# - the same C program built dynamic (the library) and static (the route)
#   gives the same --stats figures.
. "$TESTS_DIR/lib.sh"

cd "$T_TMP"
chmod 755 "$T_TMP"
export XDG_CONFIG_HOME="$T_TMP/xdg"
gcc -static -O1 -Wall -Werror -pthread -o rpeer "$TESTS_DIR/seccomp_rules_peer.c"
gcc -O1 -Wall -Werror -pthread -o rpeer_dyn "$TESTS_DIR/seccomp_rules_peer.c"
gcc -static -O1 -Wall -Werror -o seccomp_peer "$TESTS_DIR/seccomp_peer.c"
export GOCACHE="$T_TMP/gocache" GOPATH="$T_TMP/gopath" GOFLAGS=-mod=mod \
	GOPROXY=off CGO_ENABLED=0
(cd "$TESTS_DIR/seccomp_go" && go build -o "$T_TMP/goclient" ./client)

printf '[global]\nmode = all\n' >all.conf
printf '[global]\nmode = all\n[destinations]\nexclude = 127.0.0.2/32\n' >exclude.conf
printf '[global]\nmode = all\n[destinations]\nports = 8081\n' >ports.conf
printf '[global]\nmode = all\nunsupported_option = fail\n[destinations]\nexclude = 127.0.0.2/32\n' >fail.conf
chmod 644 ./*.conf
RUN=("$MPTCPSHIM_BIN" run)
EXCL=("$MPTCPSHIM_BIN" run -c "$T_TMP/exclude.conf" --)
NS=$(ns_new rules)
field() { awk -v k="$1" '$1 == k { print $2 }'; }

# Two MPTCP servers (the route with mode = all), on every address.
bg_in "$NS" 120 "${RUN[@]}" -c "$T_TMP/all.conf" -- ./seccomp_peer server 8080 1000 >srv8080.out
bg_in "$NS" 120 "${RUN[@]}" -c "$T_TMP/all.conf" -- ./seccomp_peer server 8081 1000 >srv8081.out
wait_listen "$NS" 8080
wait_listen "$NS" 8081

# mptcp_syns CMD...: MP_CAPABLE SYNs sent while CMD ran (stdout kept).
mptcp_syns() {
	local before
	before=$(mib "$NS" MPCapableSYNTX)
	nsx "$NS" "$@" >cmd.out
	echo $(($(mib "$NS" MPCapableSYNTX) - before))
}

# --- destination and port rules: static C --------------------------------
check "static, included address: MPTCP on the wire" 1 \
	"$(mptcp_syns "${EXCL[@]}" ./rpeer connect 127.0.0.1 8080)"
check "static, included address: MPTCP socket" 262 "$(field connect <cmd.out)"
check "static, excluded address: no MP_CAPABLE SYN" 0 \
	"$(mptcp_syns "${EXCL[@]}" ./rpeer connect 127.0.0.2 8080)"
check "static, excluded address: switched to TCP, connected" 6 "$(field connect <cmd.out)"
check "static, ports rule, other port: TCP" 0 \
	"$(mptcp_syns "${RUN[@]}" -c "$T_TMP/ports.conf" -- ./rpeer connect 127.0.0.1 8080)"
check "static, ports rule, listed port: MPTCP" 1 \
	"$(mptcp_syns "${RUN[@]}" -c "$T_TMP/ports.conf" -- ./rpeer connect 127.0.0.1 8081)"
mptcp_syns "${EXCL[@]}" ./rpeer fastopen 127.0.0.2 8080 >/dev/null
check "static, TCP Fast Open to the excluded address: TCP" 6 "$(field fastopen <cmd.out)"

# --- Go 1.19 ----------------------------------------------------------------
check "Go 1.19, included address: MPTCP on the wire" 1 \
	"$(mptcp_syns "${EXCL[@]}" ./goclient http://127.0.0.1:8080/)"
check "Go 1.19, included address: body" "body static" "$(cat cmd.out)"
check "Go 1.19, excluded address: no MP_CAPABLE SYN" 0 \
	"$(mptcp_syns "${EXCL[@]}" ./goclient http://127.0.0.2:8080/)"
check "Go 1.19, excluded address: body over TCP" "body static" "$(cat cmd.out)"
check "Go 1.19, ports rule, listed port: MPTCP" 1 \
	"$(mptcp_syns "${RUN[@]}" -c "$T_TMP/ports.conf" -- ./goclient http://127.0.0.1:8081/)"
check "Go 1.19, ports rule, other port: TCP" 0 \
	"$(mptcp_syns "${RUN[@]}" -c "$T_TMP/ports.conf" -- ./goclient http://127.0.0.1:8080/)"

# --- the rebuild's safety rule, EFAULT ------------------------------------
out=$(nsx "$NS" "${EXCL[@]}" ./rpeer epoll 127.0.0.2 8080)
check "epoll-registered socket never switched, and its registration works" \
	"epoll 262 ready 1" "$out"
out=$(nsx "$NS" "${EXCL[@]}" ./rpeer dup 127.0.0.2 8080)
check "dup()ed socket never switched" "dup 262 same 1" "$out"
out=$(nsx "$NS" "${EXCL[@]}" ./rpeer efault)
check "bad address pointer: the kernel's EFAULT" "efault EFAULT" "$out"
out=$(nsx "$NS" ./rpeer efault)
check "(the same without the route)" "efault EFAULT" "$out"

# --- option rescue ----------------------------------------------------------
out=$(nsx "$NS" "${EXCL[@]}" ./rpeer option TCP_USER_TIMEOUT 5000)
check "refused option, not TCP's default (auto): TCP, set" "option 0 6" "$out"
out=$(nsx "$NS" "${EXCL[@]}" ./rpeer option TCP_USER_TIMEOUT 0)
check "refused option at TCP's default (auto): ignored, MPTCP" "option 0 262" "$out"
out=$(nsx "$NS" "${RUN[@]}" -c "$T_TMP/fail.conf" -- ./rpeer option TCP_USER_TIMEOUT 5000)
lib=$(nsx "$NS" "${RUN[@]}" -c "$T_TMP/fail.conf" -- ./rpeer_dyn option TCP_USER_TIMEOUT 5000)
check "unsupported_option = fail: MPTCP's own error, as with the library" "$lib" "$out"
check "(which is an error, on an MPTCP socket)" 1 "$(grep -c '^option [1-9][0-9]* 262$' <<<"$out")"
for conf in all fail; do
	out=$(nsx "$NS" "${RUN[@]}" -c "$T_TMP/$conf.conf" -- ./rpeer getopt TCP_USER_TIMEOUT)
	lib=$(nsx "$NS" "${RUN[@]}" -c "$T_TMP/$conf.conf" -- ./rpeer_dyn getopt TCP_USER_TIMEOUT)
	check "refused read ($conf): the library's answer, the socket MPTCP" "$lib" "$out"
done
check "refused read (auto): TCP's default, no error" "getopt 0 0 262" \
	"$(nsx "$NS" "${RUN[@]}" -c "$T_TMP/all.conf" -- ./rpeer getopt TCP_USER_TIMEOUT)"

# --- the program's own MPTCP socket: no rule touches it ------------------
out=$(nsx "$NS" "${EXCL[@]}" ./rpeer own 127.0.0.2 8080)
lib=$(nsx "$NS" "${EXCL[@]}" ./rpeer_dyn own 127.0.0.2 8080)
check "own IPPROTO_MPTCP socket: as with the library" "$lib" "$out"
check "own IPPROTO_MPTCP socket: its option refused, MPTCP to the excluded address" \
	1 "$(grep -c '^own [1-9][0-9]* 262$' <<<"$out")"

# --- threads and fork during traps ---------------------------------------
out=$(nsx "$NS" "${EXCL[@]}" ./rpeer threads 16 127.0.0.2 8080)
check "16 threads to the excluded address: all TCP" "threads 0 16" "$out"
out=$(nsx "$NS" "${EXCL[@]}" ./rpeer threads 16 127.0.0.1 8080)
check "16 threads to an included address: all MPTCP" "threads 16 0" "$out"
out=$(nsx "$NS" "${EXCL[@]}" ./rpeer fork 127.0.0.2 8080)
check "forked child to the excluded address: TCP" "fork 6" "$out"

# --- the same program, both routes, the same --stats ----------------------
# figures PROGRAM ARGS...: the --stats --json counters, program and pid cut.
figures() {
	nsx "$NS" "$MPTCPSHIM_BIN" run --stats --json -c "$T_TMP/exclude.conf" -- \
		"$@" 2>&1 >/dev/null | grep '"processes"' |
		sed -e 's/"program":"[^"]*","pid":[0-9]*,//' -e 's/,"mib_delta".*//' \
		    -e 's/"section":"[^"]*"//g'
}
for args in "connect 127.0.0.1 8080" "connect 127.0.0.2 8080" \
	    "option TCP_USER_TIMEOUT 5000" "option TCP_USER_TIMEOUT 0"; do
	# shellcheck disable=SC2086
	dyn=$(figures "$T_TMP/rpeer_dyn" $args)
	# shellcheck disable=SC2086
	sta=$(figures "$T_TMP/rpeer" $args)
	check "--stats, library and route agree: $args" "$dyn" "$sta"
done
check_ge "(and they count something: a switch)" 1 \
	"$(figures "$T_TMP/rpeer" connect 127.0.0.2 8080 | grep -c '"switched_to_tcp":1')"

# --- kill -9 while a trapped connect() blocks -------------------------------
# 127.0.0.3:9 in a namespace with a DROP rule would be a topology; a
# connect to a port nothing answers fails at once on loopback, so the
# program holds instead: its supervisor must go with it.
ip netns exec "$NS" "${EXCL[@]}" ./seccomp_peer hold 30 >hold.out &
HOLD=$!
T_PIDS+=("$HOLD")
for i in $(seq 1 100); do grep -q held hold.out && break; sleep 0.05; done
sups() { ns_supervisors "$NS" | wc -l; }
before=$(sups)
kill -9 "$HOLD"
wait "$HOLD" 2>/dev/null || true
for i in $(seq 1 60); do [ "$(sups)" -lt "$before" ] && break; sleep 0.05; done
check "kill -9: its supervisor is gone (the two servers' remain)" 2 "$(sups)"

finish
