#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `enable` refuses a unit whose ExecStart only the seccomp route reaches (a
# static binary: LD_PRELOAD would silently do nothing) and says how to wrap
# it; it accepts dynamic programs and commands already wrapped in
# `mptcpshim run`. Temporary --root trees; no privileges, no systemd.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"

: "${MPTCPSHIM_BIN:?set by CTest: the mptcpshim CLI}"
: "${SHIM_LIB:?set by CTest: libmptcpshim.so}"
export MPTCPSHIM_LIBRARY="$SHIM_LIB"

T=$T_TMP

R=$T/root
U=$R/usr/lib/systemd/system
mkdir -p "$U" "$R/opt/bin"
gcc -static -o "$R/opt/bin/static-daemon" -x c - <<'EOF_C'
int main(void) { return 0; }
EOF_C
cp /bin/true "$R/opt/bin/dynamic-daemon"
printf '[Service]\nExecStart=-/opt/bin/static-daemon --flag\n' >"$U/static.service"
printf '[Service]\nExecStart=/opt/bin/dynamic-daemon\n' >"$U/dynamic.service"
printf '[Service]\nExecStart=/usr/bin/mptcpshim run -- /opt/bin/static-daemon\n' >"$U/wrapped.service"
# A drop-in that resets ExecStart= to the static program.
printf '[Service]\nExecStart=/opt/bin/dynamic-daemon\n' >"$U/later.service"
mkdir -p "$U/later.service.d"
printf '[Service]\nExecStart=\nExecStart=/opt/bin/static-daemon\n' >"$U/later.service.d/10-static.conf"

enable() {
	RC=0
	ERR=$("$MPTCPSHIM_BIN" enable --root "$R" "$1" 2>&1 >/dev/null) || RC=$?
}

enable static.service
check "static ExecStart: refused (exit 1)" 1 "$RC"
check "static ExecStart: says how to wrap it" 1 \
	"$(grep -c 'ExecStart=mptcpshim run -- /opt/bin/static-daemon ARGS' <<<"$ERR")"
check "static ExecStart: nothing written" no \
	"$([ -e "$R/etc/systemd/system/static.service.d" ] && echo yes || echo no)"
enable later.service
check "a drop-in's ExecStart (after a reset) counts: refused" 1 "$RC"
enable dynamic.service
check "dynamic ExecStart: enabled" 0 "$RC"
check "dynamic ExecStart: drop-in written" yes \
	"$([ -f "$R/etc/systemd/system/dynamic.service.d/50-mptcpshim.conf" ] && echo yes || echo no)"
enable wrapped.service
check "ExecStart already wrapped in mptcpshim run: enabled" 0 "$RC"

finish
