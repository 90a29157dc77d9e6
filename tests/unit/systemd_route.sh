#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `enable` and units whose ExecStart only the seccomp route reaches (a
# static binary: LD_PRELOAD alone would silently do nothing, issue 21): the
# drop-in starts such a line through mptcpshim-exec, keeping the unit's own
# text after the program; a wrapper script (dynamic /bin/sh) needs nothing
# more (the library's exec hooks give what it starts the route); a line
# that cannot be rewritten is refused with how to wrap it; without the
# launcher installed, refused. Temporary --root trees; no privileges.
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
printf '[Service]\nExecStart=-/opt/bin/static-daemon --flag "a b" %%i\nExecStartPost=/bin/true\n' >"$U/static.service"
printf '[Service]\nExecStart=@/opt/bin/static-daemon daemon-name -x\n' >"$U/at.service"
printf '[Service]\nExecStart=/opt/bin/static-daemon \\\n  --continued\n' >"$U/continued.service"
printf '#!/bin/sh\nexec /opt/bin/static-daemon "$@"\n' >"$R/opt/bin/wrapper.sh"
chmod 755 "$R/opt/bin/wrapper.sh"
printf '[Service]\nExecStart=/opt/bin/wrapper.sh\n' >"$U/script.service"
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

HELPER=/usr/libexec/mptcpshim/mptcpshim-exec
export MPTCPSHIM_EXEC_HELPER=$HELPER
enable static.service
check "static ExecStart, no launcher in the tree: refused (exit 1)" 1 "$RC"
check "... says why and how to wrap it" 1 \
	"$(grep -c 'the launcher is not installed there' <<<"$ERR")"
check "... nothing written" no \
	"$([ -e "$R/etc/systemd/system/static.service.d" ] && echo yes || echo no)"
mkdir -p "$R${HELPER%/*}"
cp /bin/true "$R$HELPER"

D=$R/etc/systemd/system
enable static.service
check "static ExecStart: enabled" 0 "$RC"
check "static ExecStart: started through the launcher, the unit's text kept" 1 \
	"$(grep -cxF "ExecStart=-$HELPER -p /opt/bin/static-daemon /opt/bin/static-daemon --flag \"a b\" %i" "$D/static.service.d/50-mptcpshim.conf")"
check "static ExecStart: the list reset first" 1 \
	"$(grep -cx 'ExecStart=' "$D/static.service.d/50-mptcpshim.conf")"
check "static ExecStart: LD_PRELOAD too (for what it starts)" 1 \
	"$(grep -c 'LD_PRELOAD=' "$D/static.service.d/50-mptcpshim.conf")"
before=$(sha256sum "$D/static.service.d/50-mptcpshim.conf")
enable static.service
check "enable again: the same drop-in" "$before" \
	"$(sha256sum "$D/static.service.d/50-mptcpshim.conf")"
enable at.service
check "@ prefix: argv[0] from the unit" 1 \
	"$(grep -cxF "ExecStart=$HELPER -p /opt/bin/static-daemon daemon-name -x" "$D/at.service.d/50-mptcpshim.conf")"
enable continued.service
check "a continued line: refused" 1 "$RC"
check "... says it cannot be rewritten" 1 "$(grep -c 'cannot be rewritten safely' <<<"$ERR")"
enable later.service
check "a drop-in's ExecStart (after a reset) counts: rewritten" 1 \
	"$(grep -cxF "ExecStart=$HELPER -p /opt/bin/static-daemon /opt/bin/static-daemon" "$D/later.service.d/50-mptcpshim.conf")"
enable script.service
check "wrapper script (dynamic /bin/sh): enabled" 0 "$RC"
check "wrapper script: no ExecStart= rewrite (the library follows exec)" 0 \
	"$(grep -c '^ExecStart' "$D/script.service.d/50-mptcpshim.conf")"
enable dynamic.service
check "dynamic ExecStart: enabled" 0 "$RC"
check "dynamic ExecStart: drop-in written" yes \
	"$([ -f "$R/etc/systemd/system/dynamic.service.d/50-mptcpshim.conf" ] && echo yes || echo no)"
enable wrapped.service
check "ExecStart already wrapped in mptcpshim run: enabled" 0 "$RC"

finish
