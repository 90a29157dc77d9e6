#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 23 with issue 21: a container whose entry point script starts a
# static server (`sh -c 'static-server; ...'`; the sleep after it keeps the
# netns for its counters) gets MPTCP from the glibc CDI device alone: the
# library in the shell hands the static program to the seccomp route's
# launcher, which the spec mounts from the host. An entry point that is
# itself static runs no code of ours before it (no dynamic loader, no
# parent of ours): it stays TCP, as docs/containers.md says.
source "$(dirname "$0")/lib.sh"
: "${SRC_DIR:?set by CTest}"
ct_need_image "$CT_BASE12"
BUILD_CONFIG=$(dirname "$MPTCPSHIM_BIN")/../generated/build_config.h
grep -q 'MPTCPSHIM_EXEC_HELPER' "$BUILD_CONFIG" 2>/dev/null ||
	skip "the seccomp route for programs a library-loaded process starts is issue 21 (route follows exec); this tree does not have it"
command -v gcc >/dev/null || ct_skip "no gcc for the static probe"
KIND=mptcpshim.org/mptcp
SPEC_DIR=/var/run/cdi
SPEC=$SPEC_DIR/mptcpshim-test-$$.yaml
t_on_exit 'rm -f "$SPEC"'

for f in "$SPEC_DIR"/*.yaml /etc/cdi/*.yaml; do
	[ -f "$f" ] && grep -q "$KIND" "$f" && ct_skip "$f already defines $KIND"
done
# A runtime directory this test made is removed with its spec.
[ -d "$SPEC_DIR" ] || t_on_exit 'rm -f "$SPEC"; rmdir "$SPEC_DIR" 2>/dev/null'
mkdir -p "$SPEC_DIR"
"$MPTCPSHIM_BIN" cdi --output "$SPEC" --library "$SHIM_LIB" --policy none >"$T_TMP/cdi.out" ||
	{ echo "FAIL: mptcpshim cdi" >&2; exit 1; }
grep -q 'mptcpshim-exec' "$SPEC" || { echo "FAIL: the spec mounts no launcher: $(cat "$SPEC")" >&2; exit 1; }

P=$T_TMP/probe
mkdir -m 755 "$P"
gcc -static -O2 -D_GNU_SOURCE -I"$SRC_DIR/shim/policy/include" -I"$SRC_DIR/shim/include" \
	-o "$P/sockprobe-static" "$SRC_DIR/tests/integration/sockprobe.c" \
	"$SRC_DIR/shim/policy/sockopt_names.c" -lpthread
check "the probe is static" "" "$(readelf -l "$P/sockprobe-static" | grep interpreter)"

NET=$(ct_name net)
ct_network net 10.91.24.0/24
# listens WORD PORT: until the container's netns has a listener (10 s).
listens() {
	local hex i
	hex=$(printf '%04X' "$2")
	for i in $(seq 1 100); do
		pm exec "$(ct_name "$1")" cat /proc/net/tcp 2>/dev/null | grep -q ":$hex 00000000:0000 0A" && return 0
		sleep 0.1
	done
	echo "FAIL: nothing listens on $2 in $1" >&2
	T_FAILED=1
}
ct_start wrapped 120 --network "$NET" --ip 10.91.24.10 --device "$KIND=glibc" -v "$P:/p:ro" \
	"$CT_BASE12" sh -c '/p/sockprobe-static listen 0.0.0.0 5003; sleep 100'
ct_start bare 120 --network "$NET" --ip 10.91.24.11 --device "$KIND=glibc" -v "$P:/p:ro" \
	"$CT_BASE12" /p/sockprobe-static listen 0.0.0.0 5003
listens wrapped 5003
listens bare 5003
W=$(ct_name wrapped)
B=$(ct_name bare)
a0=$(ct_mib "$W" MPCapableACKRX)
for addr in 10.91.24.10 10.91.24.11; do
	pm run --rm --network "$NET" --device "$KIND=glibc" "$CT_BASE12" timeout 10 python3 -c "
import socket; s = socket.create_connection(('$addr', 5003), timeout=10); s.sendall(b'x'); s.close()" \
		>/dev/null 2>&1 || echo "client to $addr: exit $?" >&2
done
for c in "$W" "$B"; do
	for i in $(seq 1 50); do
		pm logs "$c" 2>/dev/null | grep -q accepted && break
		sleep 0.1
	done
done
contains "entrypoint script -> static server: the listener is MPTCP" "protocol=262" \
	"$(pm logs "$W" 2>&1 | grep -v accepted)"
contains "entrypoint script -> static server: accepted over MPTCP" "accepted protocol=262 is_mptcp=1" \
	"$(pm logs "$W" 2>&1)"
check "entrypoint script -> static server: the handshake completed in its netns" 1 \
	$(($(ct_mib "$W" MPCapableACKRX) - a0))
contains "a static entry point itself: out of reach, TCP (documented)" "accepted protocol=6" \
	"$(pm logs "$B" 2>&1)"
finish
