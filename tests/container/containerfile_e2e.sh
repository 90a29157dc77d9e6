#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# docs/examples/Containerfile as a user builds it (from the .debs), then a
# server and a client container from that image on one internal podman
# network, unmodified python3 in both, activated only by the image's ENV
# lines: the transfer is checked by sha256, MPTCP by the MPTcpExt counters
# of each container's own network namespace. Then a client with a policy
# mounted read-only over /etc/mptcpshim/mptcpshim.conf that turns MPTCP
# off: the same bytes arrive, and the counters show plain TCP.
source "$(dirname "$0")/lib.sh"
: "${SRC_DIR:?set by CTest}" "${DEB_DIR:?set by CTest}"
ct_need_image "$CT_BASE12"
HERE=$(cd "$(dirname "$0")" && pwd)
CTX=$T_TMP/context
mkdir -p "$CTX"
for pat in 'libmptcpshim_*.deb' 'mptcpshim_*.deb'; do
	deb=$(find "$DEB_DIR/out" -maxdepth 1 -name "$pat" | head -n 1)
	[ -n "$deb" ] || ct_skip "no $pat in $DEB_DIR/out (the ctest fixture deb_build makes it)"
	cp "$deb" "$CTX/"
done

IMG=localhost/$(ct_name app)
CT_IMAGES=("$IMG")
trap 'rc=$?; pm rmi -f "${CT_IMAGES[@]}" >/dev/null 2>&1; ct_cleanup; (exit $rc); t_cleanup' EXIT
start=$SECONDS
# The base image stands in for the registry's debian:12 (--from): nothing
# is pulled, and a debian:12 the machine may have is left alone.
pm build --quiet --layers=false --pull=never --network host --from "$CT_BASE12" \
	-f "$SRC_DIR/docs/examples/Containerfile" -t "$IMG" "$CTX" >"$T_TMP/build.log" 2>&1 ||
	{ cat "$T_TMP/build.log" >&2; echo "FAIL: podman build" >&2; exit 1; }
echo "podman build: $((SECONDS - start)) s"

check "the image's ENV lines are what its mptcpshim env --containerfile prints" \
	"$(grep '^ENV ' "$SRC_DIR/docs/examples/Containerfile")" \
	"$(pm run --rm --network none "$IMG" sh -c 'env -u LD_PRELOAD -u GODEBUG mptcpshim env --containerfile')"

head -c 4194304 /dev/urandom >"$T_TMP/payload"
chmod 644 "$T_TMP/payload"
SUM=$(sha256sum "$T_TMP/payload" | cut -d' ' -f1)
printf '[global]\nmode = listed\n' >"$T_TMP/off.conf"
chmod 644 "$T_TMP/off.conf"
NET=$(ct_name net)
ct_network net 10.91.13.0/24
T=/opt/mptcpshim-test
SRV=$(ct_name srv)
ct_start srv 120 --network "$NET" --ip 10.91.13.10 -v "$T_TMP/payload:/data/payload:ro" \
	-v "$HERE:$T:ro" "$IMG" python3 $T/xfer.py serve 5001 /data/payload 10
for i in $(seq 1 100); do
	pm exec "$SRV" ss -Hltn 'sport = :5001' 2>/dev/null | grep -q . && break
	sleep 0.1
done
# ss -M lists an MPTCP listener twice: as mptcp and as its tcp subflow.
check "the server's own listener is MPTCP (ss -M in its netns)" 1 \
	"$(pm exec "$SRV" ss -HMltn 'sport = :5001' | grep -c '^mptcp ')"

# fetch WORD [RUN-ARGS...]: a client container fetches once; prints
# "SHA256 SYNTX SYNACKRX FALLBACK-SYNACK" (client counters) "ACKRX"
# (server delta).
fetch() {
	local word=$1 c got a0
	shift
	c=$(ct_name "$word")
	ct_start "$word" 60 --network "$NET" -v "$HERE:$T:ro" "$@" "$IMG" sleep 60
	a0=$(ct_mib "$SRV" MPCapableACKRX)
	got=$(pm exec "$c" timeout 30 python3 $T/xfer.py fetch 10.91.13.10 5001)
	echo "$got $(ct_mib "$c" MPCapableSYNTX) $(ct_mib "$c" MPCapableSYNACKRX)" \
		"$(ct_mib "$c" MPCapableFallbackSYNACK) $(($(ct_mib "$SRV" MPCapableACKRX) - a0))"
}

# Not in $(...) or <(...): ct_start must register the container here.
fetch cli1 --ip 10.91.13.11 >"$T_TMP/r1"
read -r got syn synack fb ackrx <"$T_TMP/r1"
check "activated client: the file arrives intact (sha256)" "$SUM" "$got"
check "activated client: MPTCP SYN sent, SYN/ACK with MP_CAPABLE back, no fallback" \
	"1 1 0" "$syn $synack $fb"
check "server: the MPTCP handshake completed in its netns (MPCapableACKRX +1)" 1 "$ackrx"

# The policy off for the client only, mounted read-only.
C2=$(ct_name cli2)
fetch cli2 --ip 10.91.13.12 -v "$T_TMP/off.conf:/etc/mptcpshim/mptcpshim.conf:ro" >"$T_TMP/r2"
read -r got syn synack fb ackrx <"$T_TMP/r2"
check "policy mounted read-only in the client" read-only \
	"$(pm exec "$C2" sh -c 'if touch /etc/mptcpshim/mptcpshim.conf 2>/dev/null; then echo writable; else echo read-only; fi')"
contains "the client's CLI reads the mounted policy" \
	"rule:     /etc/mptcpshim/mptcpshim.conf:2" "$(pm exec "$C2" mptcpshim policy explain python3)"
check "policy off: the file arrives intact (sha256)" "$SUM" "$got"
check "policy off: no MPTCP from the client (no MP_CAPABLE SYN sent or answered)" \
	"0 0 0" "$syn $synack $fb"
check "policy off: no MPTCP handshake at the server" 0 "$ackrx"
check "the server is still serving (no crash under the shim)" running \
	"$(pm inspect -f '{{.State.Status}}' "$SRV")"
finish
