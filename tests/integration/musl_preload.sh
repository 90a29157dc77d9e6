#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 23: the musl build of the library, run by a musl-linked program
# (sockprobe built with musl-gcc). musl refuses to start a program whose
# preload has an unresolved symbol, so the library may need nothing musl
# does not define; the policy (inih linked in statically) is honoured; an
# unmodified server and client get MPTCP (proved by the counters); with
# MPTCP off the program still gets its TCP socket. Needs root (netns).
. "$(dirname "$0")/lib.sh"
: "${MUSL_LIB:?}" "${MUSL_PROBE:?}" "${MUSL_LIBC:?}"
[ -x "$MUSL_LIBC" ] || skip "no musl loader $MUSL_LIBC"

# --- what the loader will ask of musl ----------------------------------
check "musl library NEEDs only libc.so" "libc.so" \
	"$(readelf -d "$MUSL_LIB" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ' | sed 's/ $//')"
musl_libc=$(readlink -f "$MUSL_LIBC")
# Strong undefined symbols only (weak ones, such as crtbegin's _ITM_*, may stay unresolved).
missing=$(comm -23 <(nm -D --undefined-only "$MUSL_LIB" | awk '$1 == "U" { print $2 }' | sort -u) \
	<(nm -D --defined-only "$musl_libc" | awk '{ print $3 }' | sort -u) | tr '\n' ' ')
check "every symbol the musl library needs is in musl's libc" "" "$missing"
check "the probe is musl-linked" "/lib/ld-musl" \
	"$(readelf -l "$MUSL_PROBE" | sed -n 's/.*interpreter: \(\/lib\/ld-musl\).*/\1/p')"

ns=$(ns_new musl)
PRE=(env LD_PRELOAD="$MUSL_LIB" MPTCPSHIM_CONFIG="$T_TMP/none.conf")
: >"$T_TMP/none.conf"
chmod 644 "$T_TMP/none.conf"

# --- which sockets are converted ----------------------------------------
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
check "socket table, musl program with the musl library" "$expected" \
	"$(nsx "$ns" "${PRE[@]}" "$MUSL_PROBE" table)"
check "the same program without it gets TCP" "inet-stream-0 6" \
	"$(nsx "$ns" "$MUSL_PROBE" table | head -1)"
check "threads: 4 x 200 socket()+close() all MPTCP, no fd left" \
	"threads=4 sockets=800 failures=0 fd_delta=0" \
	"$(nsx "$ns" "${PRE[@]}" "$MUSL_PROBE" threads 4 200 262)"

# --- an unmodified server and client over MPTCP ------------------------
syn0=$(mib "$ns" MPCapableSYNRX)
bg_in "$ns" 20 "${PRE[@]}" "$MUSL_PROBE" listen 127.0.0.1 5301 >"$T_TMP/server"
wait_listen "$ns" 5301
client=$(nsx "$ns" "${PRE[@]}" "$MUSL_PROBE" connect 127.0.0.1 5301)
wait "$T_LAST_PID"
check_contains "musl client connected over MPTCP" "protocol=262 is_mptcp=1" "$client"
check_contains "musl server accepted an MPTCP connection" "accepted protocol=262 is_mptcp=1" "$(cat "$T_TMP/server")"
check_ge "the server's namespace saw an MP_CAPABLE SYN" $((syn0 + 1)) "$(mib "$ns" MPCapableSYNRX)"

# --- the policy, parsed by inih inside the musl library ------------------
printf '[destinations]\nexclude = 127.0.0.0/8\n' >"$T_TMP/excl.conf"
chmod 644 "$T_TMP/excl.conf"
bg_in "$ns" 20 "$MUSL_PROBE" listen 127.0.0.1 5302 >"$T_TMP/server2"
wait_listen "$ns" 5302
client=$(nsx "$ns" env LD_PRELOAD="$MUSL_LIB" MPTCPSHIM_CONFIG="$T_TMP/excl.conf" \
	"$MUSL_PROBE" connect 127.0.0.1 5302)
wait "$T_LAST_PID"
check_contains "an excluded destination gets TCP" "protocol=6 is_mptcp=0" "$client"
printf '[global]\nmode = sideways\n' >"$T_TMP/bad.conf"
chmod 644 "$T_TMP/bad.conf"
out=$(nsx "$ns" env LD_PRELOAD="$MUSL_LIB" MPTCPSHIM_CONFIG="$T_TMP/bad.conf" \
	"$MUSL_PROBE" table 2>"$T_TMP/bad.err" | head -1)
check "a broken policy does not stop the program" "inet-stream-0" "${out%% *}"
check_contains "the broken policy is reported with its line" "bad.conf:2" "$(cat "$T_TMP/bad.err")"

# --- MPTCP off: the TCP socket the program asked for --------------------
nsx "$ns" sysctl -qw net.mptcp.enabled=0
check "net.mptcp.enabled=0: TCP, no error" "inet-stream-0 6" \
	"$(nsx "$ns" "${PRE[@]}" "$MUSL_PROBE" table | head -1)"
finish
