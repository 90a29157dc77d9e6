#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 23: unmodified images get MPTCP from a CDI device alone. The spec
# is what `mptcpshim cdi` writes; podman applies it with --device. Every
# image here is unmodified Debian (built by mmdebstrap, image.sh) or made
# of Debian's files (musl, busybox-static, a musl-linked probe); nothing
# of mptcpshim is in any image. MPTCP is proved by the MPTcpExt counters
# of each container's own network namespace:
# - Debian 12 and Debian 13: unmodified python3 server and client;
# - the host's policy (mounted read-only) honoured: an excluded
#   destination gets TCP;
# - an image with its own LD_PRELOAD (and GODEBUG) keeps both working;
#   an image with its own /etc/ld.so.preload: glibc-env keeps it, glibc
#   hides it (the documented trade);
# - Debian 11 (glibc 2.31, older than the machine that built the library);
# - a musl image: a musl-linked probe, server and client;
# - doctor inside a Debian 13 container: its libc, the library loads,
#   which device fits.
source "$(dirname "$0")/lib.sh"
: "${MARKER_LIB:?set by CTest}"
ct_need_image "$CT_BASE12"
ct_need_image "$CT_BUILD13"
ct_need_image "$CT_BASE11"
HERE=$(cd "$(dirname "$0")" && pwd)
KIND=mptcpshim.org/mptcp
T=/opt/mptcpshim-test

# podman 4.3.1 reads CDI specs only from /etc/cdi and /var/run/cdi (no
# setting moves them): this test's spec goes into the runtime directory
# under a name of its own and is removed on exit.
SPEC_DIR=/var/run/cdi
SPEC=$SPEC_DIR/mptcpshim-test-$$.yaml
CT_IMAGES=()
# After ct_cleanup has removed the containers (t_cleanup runs these last).
t_on_exit 'rm -f "$SPEC"; [ ${#CT_IMAGES[@]} -eq 0 ] || pm rmi -f "${CT_IMAGES[@]}" >/dev/null 2>&1'

for f in "$SPEC_DIR"/*.yaml "$SPEC_DIR"/*.json /etc/cdi/*.yaml /etc/cdi/*.json; do
	[ -f "$f" ] && grep -q "$KIND" "$f" &&
		ct_skip "$f already defines $KIND (a second spec of that kind conflicts)"
done
# A runtime directory this test made is removed with its spec.
[ -d "$SPEC_DIR" ] || t_on_exit 'rm -f "$SPEC"; rmdir "$SPEC_DIR" 2>/dev/null'
mkdir -p "$SPEC_DIR"
POL=$T_TMP/policy
mkdir -m 755 "$POL"
printf '[destinations]\nexclude = 10.91.23.12/32\n' >"$POL/mptcpshim.conf"
chmod 644 "$POL/mptcpshim.conf"
"$MPTCPSHIM_BIN" cdi --output "$SPEC" --library "$SHIM_LIB" --policy "$POL" >"$T_TMP/cdi.out" ||
	{ echo "FAIL: mptcpshim cdi" >&2; exit 1; }
grep -q "=musl" "$T_TMP/cdi.out" || ct_skip "no musl build of the library (musl-tools)"

# field TEXT NAME: MPTcpExt counter NAME in a copy of /proc/net/netstat.
field() {
	awk -v name="$2" '
		$1 == "MPTcpExt:" && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$1 == "MPTcpExt:" && hdr { print (name in col) ? $(col[name]) : 0; exit }' <<<"$1"
}

# wait_port CONTAINER PORT: until its netns has a listener on PORT (10 s).
wait_port() {
	local hex i
	hex=$(printf '%04X' "$2")
	for i in $(seq 1 100); do
		pm exec "$1" cat /proc/net/tcp 2>/dev/null | grep -q ":$hex 00000000:0000 0A" && return 0
		sleep 0.1
	done
	echo "FAIL: nothing listens on $2 in $1" >&2
	T_FAILED=1
}

# run_once WORD IMAGE RUN-ARGS... -- CMD...: CMD as the main process of a
# fresh container on the test network, then that container's counters
# after a "==" line. Never in $(...): the name must be registered here.
run_once() {
	local word=$1 img=$2 name
	shift 2
	local args=()
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	name=$(ct_name "$word")
	CT_NAMES+=("$name")
	pm run --name "$name" --timeout 60 --network "$NET" -v "$HERE:$T:ro" \
		"${args[@]}" "$img" sh -c '"$@" 2>&1; echo ==; cat /proc/net/netstat' sh "$@" \
		>"$T_TMP/$word.out" 2>&1 || echo "(exit $?)" >>"$T_TMP/$word.out"
}
# out WORD: what the program printed; counters WORD: "SYNTX SYNACKRX".
out() { sed '/^==$/,$d' "$T_TMP/$1.out"; }
counters() {
	local t
	t=$(sed '1,/^==$/d' "$T_TMP/$1.out")
	echo "$(field "$t" MPCapableSYNTX) $(field "$t" MPCapableSYNACKRX)"
}
dial() { echo python3 "$T/svc.py" dial "$1" 5001 /dev/stdout; }

NET=$(ct_name net)
ct_network net 10.91.23.0/24
S12=$(ct_name s12)
S13=$(ct_name s13)
SX=$(ct_name sx)
ct_start s12 300 --network "$NET" --ip 10.91.23.11 --device "$KIND=glibc" \
	-v "$HERE:$T:ro" "$CT_BASE12" python3 $T/svc.py echo 0.0.0.0 5001
ct_start s13 300 --network "$NET" --ip 10.91.23.13 --device "$KIND=glibc" \
	-v "$HERE:$T:ro" "$CT_BUILD13" python3 $T/svc.py echo 0.0.0.0 5001
ct_start sx 300 --network "$NET" --ip 10.91.23.12 --device "$KIND=glibc" \
	-v "$HERE:$T:ro" "$CT_BASE12" python3 $T/svc.py echo 0.0.0.0 5001
for c in "$S12" "$S13" "$SX"; do wait_port "$c" 5001; done

# --- Debian 12: an unmodified client and server, the device alone --------
a0=$(ct_mib "$S12" MPCapableACKRX)
run_once c12 "$CT_BASE12" --device "$KIND=glibc" -- $(dial 10.91.23.11)
check "Debian 12 client: MPTCP socket, reply arrives" "262 hello" "$(out c12)"
check "Debian 12 client: MP_CAPABLE SYN sent and answered" "1 1" "$(counters c12)"
check "Debian 12 server: the MPTCP handshake completed" 1 \
	$(($(ct_mib "$S12" MPCapableACKRX) - a0))
check "the glibc device sets no LD_PRELOAD" "" \
	"$(pm exec "$S12" sh -c 'printf %s "${LD_PRELOAD:-}"')"
check "the library and policy are read-only in the container" "read-only read-only" \
	"$(pm exec "$S12" sh -c 'for f in /usr/lib/mptcpshim/libmptcpshim.so /etc/mptcpshim/mptcpshim.conf; do
		if touch "$f" 2>/dev/null; then printf "writable "; else printf "read-only "; fi; done' | sed 's/ $//')"

# --- the host's policy: an excluded destination gets TCP ---------------
x0=$(ct_mib "$SX" MPCapableSYNRX)
run_once cx "$CT_BASE12" --device "$KIND=glibc" -- $(dial 10.91.23.12)
check "excluded destination: TCP socket, reply arrives" "6 hello" "$(out cx)"
check "excluded destination: no MP_CAPABLE SYN" "0 0" "$(counters cx)"
check "excluded destination: the server saw no MP_CAPABLE SYN" 0 \
	$(($(ct_mib "$SX" MPCapableSYNRX) - x0))

# --- Debian 13 -------------------------------------------------------------
a0=$(ct_mib "$S13" MPCapableACKRX)
run_once c13 "$CT_BUILD13" --device "$KIND=glibc" -- $(dial 10.91.23.13)
check "Debian 13 client: MPTCP socket, reply arrives" "262 hello" "$(out c13)"
check "Debian 13 client: MP_CAPABLE SYN sent and answered" "1 1" "$(counters c13)"
check "Debian 13 server: the MPTCP handshake completed" 1 \
	$(($(ct_mib "$S13" MPCapableACKRX) - a0))

# --- Debian 11: glibc 2.31, older than the build machine's 2.36 ----------
# Before glibc 2.34 dlsym lives in libdl, which dash, cat and most
# programs never load: a library that still calls dlsym would stop them
# at their first close(). Issue 25's symbol walk removes that call.
if nm -D --undefined-only "$SHIM_LIB" | grep -qw dlsym; then
	echo "SKIP: Debian 11: the library still needs dlsym (in libdl before glibc 2.34) until issue 25's symbol walk lands" >&2
else
	run_once c11 "$CT_BASE11" --device "$KIND=glibc" -- $(dial 10.91.23.11)
	check "Debian 11 client: MPTCP socket, reply arrives" "262 hello" "$(out c11)"
	check "Debian 11 client: MP_CAPABLE SYN sent and answered" "1 1" "$(counters c11)"
	# dash and cat load no libdl; every symbol bound at start.
	run_once c11b "$CT_BASE11" --device "$KIND=glibc" -e LD_BIND_NOW=1 -- \
		sh -c 'cat /etc/debian_version >/dev/null && echo cat-ok'
	check "Debian 11: dash and cat run with the library bound at start" cat-ok "$(out c11b)"
fi

# --- images with a preload of their own ------------------------------------
CTX=$T_TMP/ctx
mkdir -p "$CTX"
cp "$MARKER_LIB" "$CTX/marker.so"
echo /usr/local/lib/marker.so >"$CTX/ld.so.preload"
OWN=localhost/$(ct_name own)
OWNFILE=localhost/$(ct_name ownfile)
CT_IMAGES+=("$OWN" "$OWNFILE")
printf 'FROM %s\nCOPY marker.so /usr/local/lib/marker.so\nENV LD_PRELOAD=/usr/local/lib/marker.so\nENV GODEBUG=http2client=0\n' \
	"$CT_BASE12" >"$CTX/Containerfile.own"
printf 'FROM %s\nCOPY marker.so /usr/local/lib/marker.so\nCOPY ld.so.preload /etc/ld.so.preload\n' \
	"$CT_BASE12" >"$CTX/Containerfile.ownfile"
for v in own ownfile; do
	img=$OWN
	[ $v = ownfile ] && img=$OWNFILE
	pm build --quiet --layers=false --pull=never --network none -f "$CTX/Containerfile.$v" \
		-t "$img" "$CTX" >"$T_TMP/build.$v" 2>&1 ||
		{ cat "$T_TMP/build.$v" >&2; echo "FAIL: podman build $v" >&2; exit 1; }
done
run_once own "$OWN" --device "$KIND=glibc" -- $(dial 10.91.23.11)
check "image's own LD_PRELOAD: its library still runs, first" "marker: socket protocol=0" \
	"$(out own | grep '^marker:' | head -n 1)"
check "image's own LD_PRELOAD: and the connection is MPTCP" "262 hello" \
	"$(out own | grep -v '^marker:')"
check "image's own LD_PRELOAD: MP_CAPABLE SYN sent and answered" "1 1" "$(counters own)"
run_once ownenv "$OWN" --device "$KIND=glibc" -- sh -c 'echo "$LD_PRELOAD $GODEBUG"'
check "the glibc device leaves the image's LD_PRELOAD and GODEBUG as they are" \
	"/usr/local/lib/marker.so http2client=0" "$(out ownenv)"
run_once owngo "$OWN" --device "$KIND=glibc" --device "$KIND=go" -- sh -c 'echo "$LD_PRELOAD $GODEBUG"'
check "the go device replaces the image's GODEBUG (CDI replaces, documented)" \
	"/usr/local/lib/marker.so multipathtcp=1" "$(out owngo)"
run_once ownfile "$OWNFILE" --device "$KIND=glibc-env" -- $(dial 10.91.23.11)
# LD_PRELOAD comes before /etc/ld.so.preload: the shim is first in the
# chain here, so the image's library sees the MPTCP call.
check "own /etc/ld.so.preload + glibc-env: its library still runs (after the shim)" \
	"marker: socket protocol=262" "$(out ownfile | grep '^marker:' | head -n 1)"
check "own /etc/ld.so.preload + glibc-env: MPTCP" "262 hello" "$(out ownfile | grep -v '^marker:')"
run_once ownfile2 "$OWNFILE" --device "$KIND=glibc" -- $(dial 10.91.23.11)
check "own /etc/ld.so.preload + glibc: MPTCP, the image's file hidden (documented)" \
	"262 hello" "$(out ownfile2)"

# --- musl: Debian's musl, busybox-static and a musl-linked probe -----------
: "${MUSL_PROBE:?set by CTest}"
ROOT=$T_TMP/muslroot
mkdir -p "$ROOT/bin" "$ROOT/lib" "$ROOT/etc" "$ROOT/proc" "$ROOT/sys" "$ROOT/dev" "$ROOT/tmp"
cp /bin/busybox "$ROOT/bin/busybox"
for a in sh cat echo sleep; do ln -s busybox "$ROOT/bin/$a"; done
musl_loader=$(ls /lib/ld-musl-*.so.1 | head -n 1)
cp -L "$musl_loader" "$ROOT/lib/$(basename "$musl_loader")"
cp "$MUSL_PROBE" "$ROOT/bin/sockprobe"
MUSL_IMG=localhost/$(ct_name musl)
CT_IMAGES+=("$MUSL_IMG")
tar -C "$ROOT" -cf "$T_TMP/musl.tar" .
pm import --quiet "$T_TMP/musl.tar" "$MUSL_IMG" >/dev/null
check "the musl image has no glibc" "" "$(pm run --rm --network none "$MUSL_IMG" sh -c 'ls /lib/ld-linux* /lib64 2>/dev/null')"
SM=$(ct_name sm)
# The probe serves one connection; the sleep keeps the netns for its counters.
ct_start sm 120 --network "$NET" --ip 10.91.23.14 --device "$KIND=musl" "$MUSL_IMG" \
	sh -c '/bin/sockprobe listen 0.0.0.0 5002; sleep 100' 
wait_port "$SM" 5002
m0=$(ct_mib "$SM" MPCapableACKRX)
run_once cm "$MUSL_IMG" --device "$KIND=musl" -- /bin/sockprobe connect 10.91.23.14 5002
contains "musl client: connected over MPTCP" "protocol=262 is_mptcp=1" "$(out cm)"
check "musl client: MP_CAPABLE SYN sent and answered" "1 1" "$(counters cm)"
check "musl server: the MPTCP handshake completed" 1 $(($(ct_mib "$SM" MPCapableACKRX) - m0))
for i in $(seq 1 50); do
	pm logs "$SM" 2>/dev/null | grep -q accepted && break
	sleep 0.1
done
contains "musl server: the accepted connection is MPTCP" "accepted protocol=262 is_mptcp=1" \
	"$(pm logs "$SM" 2>&1)"
run_once cm0 "$MUSL_IMG" -- /bin/sockprobe table
check "musl image without the device: TCP (the device made the difference)" \
	"inet-stream-0 6" "$(out cm0 | head -n 1)"

# --- doctor inside a container (Debian 13: the CLI's libmnl and libcap) ----
CLI="-v $MPTCPSHIM_BIN:/usr/local/bin/mptcpshim:ro"
run_once d13 "$CT_BUILD13" --device "$KIND=glibc" $CLI -- mptcpshim doctor
glibc13=$(pm run --rm --network none "$CT_BUILD13" getconf GNU_LIBC_VERSION | cut -d' ' -f2)
contains "doctor names the container and its libc" \
	"PASS  in a podman container; libc of /bin/sh: glibc $glibc13" "$(out d13)"
contains "doctor: the library loads there" \
	"PASS  /usr/lib/mptcpshim/libmptcpshim.so loads here as a preload" "$(out d13)"
contains "doctor: the attached device fits" \
	"PASS  device $KIND=glibc is attached and fits" "$(out d13)"
run_once d13n "$CT_BUILD13" $CLI -- mptcpshim doctor
contains "doctor without a device: which one to attach" \
	"WARN  no mptcpshim CDI device attached; this image needs $KIND=glibc" "$(out d13n)"
run_once d13f "$OWNFILE" --device "$KIND=glibc-env" -- cat /etc/ld.so.preload
check "glibc-env leaves the image's /etc/ld.so.preload in place" \
	/usr/local/lib/marker.so "$(out d13f)"
finish
