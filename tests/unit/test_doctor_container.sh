#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# doctor's container checks (container_probe.c) without a container
# runtime: `container=` is what systemd-nspawn and podman set, so doctor
# takes this machine for a container. A library that loads, one the
# loader refuses (the musl build, preloaded into a glibc program), the
# device that fits against the one attached, a static program. The same
# checks inside real podman containers: tests/container/cdi_devices.sh.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
set +e
BIN=${MPTCPSHIM_BIN:?}
LIB=${MPTCPSHIM_LIB:?}
MUSL_LIB=$(dirname "$LIB")/mptcpshim/musl/libmptcpshim.so
unset MPTCPSHIM_CDI MPTCPSHIM_CONFIG LD_PRELOAD

# checks ENV... -- ARGS...: "id status message" per container check.
checks() {
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env container=test "${envs[@]}" "$BIN" doctor --json "$@" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["checks"]:
    if c["id"].startswith("container"):
        print(c["id"], c["status"], c["message"])'
}

out=$(checks MPTCPSHIM_LIBRARY="$LIB" --)
glibc=$(getconf GNU_LIBC_VERSION | cut -d' ' -f2)
check_contains "the runtime and the libc of /bin/sh" \
	"container PASS in a " "$out"
check_contains "... glibc and its version" "container; libc of /bin/sh: glibc $glibc" "$out"
check "the library loads as a preload" \
	"container_library PASS $(readlink -f "$LIB") loads here as a preload" \
	"$(grep '^container_library ' <<<"$out")"
check "a library of the image's own: no device needed" \
	"container_device PASS the image has the library itself ($(readlink -f "$LIB")): no CDI device needed (the one that fits: mptcpshim.org/mptcp=glibc)" \
	"$(grep '^container_device ' <<<"$out")"

out=$(checks MPTCPSHIM_LIBRARY="$LIB" MPTCPSHIM_CDI=glibc --)
check "the attached device fits" \
	"container_device PASS device mptcpshim.org/mptcp=glibc is attached and fits" \
	"$(grep '^container_device ' <<<"$out")"
out=$(checks MPTCPSHIM_LIBRARY="$LIB" MPTCPSHIM_CDI=musl --)
check "the wrong device attached: FAIL naming the right one" \
	"container_device FAIL device mptcpshim.org/mptcp=musl is attached; this image needs mptcpshim.org/mptcp=glibc" \
	"$(grep '^container_device ' <<<"$out")"

if [ -f "$MUSL_LIB" ]; then
	out=$(checks MPTCPSHIM_LIBRARY="$MUSL_LIB" --)
	check_contains "a library the loader refuses: FAIL with the loader's words" \
		"container_library FAIL $(readlink -f "$MUSL_LIB") does not load here: " "$out"
fi

static=""
for f in /bin/busybox /usr/bin/busybox; do
	[ -f "$f" ] && [ -z "$(readelf -l "$f" 2>/dev/null | grep interpreter)" ] && static=$f && break
done
if [ -n "$static" ]; then
	out=$(checks MPTCPSHIM_LIBRARY="$LIB" -- "$static")
	check "a static program: no device fits" \
		"container_device WARN no CDI device fits $static (libc: none (static))" \
		"$(grep '^container_device ' <<<"$out")"
fi
# Kubernetes' variable names the runtime before any file does.
out=$(checks KUBERNETES_SERVICE_HOST=10.0.0.1 MPTCPSHIM_LIBRARY="$LIB" --)
check_contains "KUBERNETES_SERVICE_HOST: kubernetes" "container PASS in a kubernetes container" "$out"
# A script: the libc of its interpreter decides.
printf '#!/bin/sh\necho hi\n' >"$T_TMP/job.sh" && chmod 755 "$T_TMP/job.sh"
out=$(checks MPTCPSHIM_LIBRARY="$LIB" -- "$T_TMP/job.sh")
check_contains "a script: its interpreter's libc" "libc of /bin/sh: glibc $glibc" "$out"
# No library in the image and no device: nothing to try, WARN with the fix.
if [ ! -e /etc/ld.so.preload ] && [ ! -e /usr/lib/mptcpshim/libmptcpshim.so ]; then
	out=$(checks MPTCPSHIM_LIBRARY="$T_TMP/none.so" --)
	check "no library: no preload tried" "" "$(grep '^container_library ' <<<"$out")"
	check "no library, no device: WARN naming the device that fits" \
		"container_device WARN no mptcpshim CDI device attached; this image needs mptcpshim.org/mptcp=glibc" \
		"$(grep '^container_device ' <<<"$out")"
	out=$(checks MPTCPSHIM_LIBRARY="$T_TMP/none.so" MPTCPSHIM_CDI=glibc-env --)
	check "glibc-env attached where glibc fits: FAIL" \
		"container_device FAIL device mptcpshim.org/mptcp=glibc-env is attached; this image needs mptcpshim.org/mptcp=glibc" \
		"$(grep '^container_device ' <<<"$out")"
else
	echo "skip: this host has an /etc/ld.so.preload or an installed library"
fi
finish
