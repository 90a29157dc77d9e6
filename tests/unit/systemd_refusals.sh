#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `enable` refuses, with exit 1, the unit's name and why, and writes
# nothing: a unit that does not exist, a masked unit, --socket without a
# socket unit, a drop-in directory that is a file. `disable` of a unit
# never enabled is a no-op (exit 0). Temporary unit trees (--root); no
# privileges, no running systemd. disable --dry-run removes nothing; a
# hand-edited record never makes it remove a directory it did not create.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
set +e
BIN=${MPTCPSHIM_BIN:?}
export MPTCPSHIM_LIBRARY=${SHIM_LIB:?}
R=$T_TMP/root
E=$R/etc/systemd/system
mkdir -p "$R/usr/lib/systemd/system" "$E"
printf '[Service]\nExecStart=/bin/true\n' >"$R/usr/lib/systemd/system/web.service"
ln -s /dev/null "$E/masked.service"

snapshot() { (cd "$R" && find . -printf '%y %m %p -> %l\n' | sort); }

# refused WHY ARGS...: enable exits 1 with "mptcpshim enable: WHY", the
# tree untouched.
refused() {
	local why=$1 before
	shift
	before=$(snapshot)
	expect_rc 1 "$BIN" enable --root "$R" "$@"
	check "enable $*: the reason" "mptcpshim enable: $why" "$out"
	check "enable $*: nothing written" "$before" "$(snapshot)"
}

refused "nosuch.service: no such unit file below $R" nosuch
refused "masked.service: the unit is masked below $R" masked
refused "--socket: no unit web.socket activates web.service" --socket web
touch "$E/web.service.d"
refused "$E/web.service.d/50-mptcpshim.conf: Not a directory" web
rm "$E/web.service.d"
# The same unit is enabled once the way is clear.
expect_rc 0 "$BIN" enable --root "$R" web
[ -f "$E/web.service.d/50-mptcpshim.conf" ] || bad "enable wrote no drop-in"

expect_rc 0 "$BIN" disable --root "$R" nosuch
check "disable of a unit never enabled" \
	"not enabled: no $E/nosuch.service.d/50-mptcpshim.conf" "$out"
# disable --dry-run says what it would remove and removes nothing.
R2=$T_TMP/root2
mkdir -p "$R2/usr/lib/systemd/system" "$R2/srv/keep"
printf '[Service]\nExecStart=/bin/true\n' >"$R2/usr/lib/systemd/system/web.service"
expect_rc 0 "$BIN" enable --root "$R2" web
D2=$R2/etc/systemd/system/web.service.d
before=$(cd "$R2" && find . | sort)
expect_rc 0 "$BIN" disable --dry-run --root "$R2" web
check_contains "dry run: the drop-in" "would remove $D2/50-mptcpshim.conf" "$out"
check_contains "dry run: its directories" \
	"would remove directory $D2 if empty" "$out"
check "dry run: nothing removed" "$before" "$(cd "$R2" && find . | sort)"
# A hand-edited record never makes disable remove a directory outside the
# drop-in's own path; a directory no longer empty stays, without error.
sed -i 's|^# created: /etc$|# created: /srv/keep\n# created: /etc|' "$D2/50-mptcpshim.conf"
touch "$R2/etc/systemd/system/other.conf"
expect_rc 0 "$BIN" disable --root "$R2" web
check_contains "disable: the drop-in removed" "removed $D2/50-mptcpshim.conf" "$out"
[ -d "$R2/srv/keep" ] || bad "disable removed a directory outside the drop-in's path"
[ -e "$D2" ] && bad "disable left its own empty directory $D2"
[ -f "$R2/etc/systemd/system/other.conf" ] || bad "disable removed someone's file"
# A drop-in that is a link to nothing in the tree is skipped (as systemd
# skips it); the real one next to it is merged.
R3=$T_TMP/root3
D3=$R3/etc/systemd/system/web.service.d
mkdir -p "$R3/usr/lib/systemd/system" "$D3"
printf '[Service]\nExecStart=/bin/true\n' >"$R3/usr/lib/systemd/system/web.service"
ln -s /nonexistent/gone.conf "$D3/10-gone.conf"
printf '[Service]\nEnvironment=LD_PRELOAD=/opt/y.so\n' >"$D3/20-real.conf"
expect_rc 0 "$BIN" enable --root "$R3" web
check "enable: the real drop-in merged, the dangling one skipped" \
	"Environment=LD_PRELOAD=/opt/y.so:$MPTCPSHIM_LIBRARY" \
	"$(grep '^Environment=LD_PRELOAD=' "$D3/50-mptcpshim.conf")"
finish
