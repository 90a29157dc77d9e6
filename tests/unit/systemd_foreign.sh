#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# enable/disable touch only mptcpshim's own drop-in (issue 20, item 5): a
# file of the same name that someone else wrote (or a link there) is
# refused with exit 1 and left byte-identical; and under --root every path,
# absolute links in the image included, resolves inside the root. Needs no
# privileges and never talks to a running systemd.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"

: "${MPTCPSHIM_BIN:?set by CTest: the mptcpshim CLI}"
: "${SHIM_LIB:?set by CTest: libmptcpshim.so}"
export MPTCPSHIM_LIBRARY
MPTCPSHIM_LIBRARY=$(realpath "$SHIM_LIB")

T=$T_TMP
# A name no host has: links in the image point there.
AWAY=/mptcpshim-test-$$-units
snapshot() {
	(cd "$1" && find . -printf '%y %m %p -> %l\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}
# run CMD...: its exit code in $rc, stderr in $err.
run() { set +e; err=$("$MPTCPSHIM_BIN" "$@" 2>&1 >/dev/null); rc=$?; set -e; }

R=$T/root
mkdir -p "$R/usr/lib/systemd/system" "$R/etc/systemd/system/web.service.d"
printf '[Service]\nExecStart=/bin/true\n' >"$R/usr/lib/systemd/system/web.service"
F=$R/etc/systemd/system/web.service.d/50-mptcpshim.conf

# --- a drop-in of our name that the user wrote ------------------------------
cat >"$F" <<'EOF2'
# mine: the service needs these
[Service]
Environment=APP_MODE=production
LimitNOFILE=65536
EOF2
BEFORE=$(snapshot "$R")
for verb in enable disable; do
	run $verb --root "$R" web
	check "$verb on a foreign 50-mptcpshim.conf: exit 1" 1 "$rc"
	check_contains "$verb says why" "was not written by mptcpshim" "$err"
	check "$verb leaves the tree byte-identical" "$BEFORE" "$(snapshot "$R")"
done
run enable --dry-run --root "$R" web
check "enable --dry-run refuses as well" 1 "$rc"
run enable --socket --root "$R" web
check "enable --socket refuses as well" 1 "$rc"
check "still byte-identical" "$BEFORE" "$(snapshot "$R")"

# A link at our name (to a file of the host, or of the image) is not ours.
rm -f "$F"
ln -s /etc/hostname "$F"
BEFORE=$(snapshot "$R")
run enable --root "$R" web
check "enable on a link at our name: exit 1" 1 "$rc"
run disable --root "$R" web
check "disable on a link at our name: exit 1" 1 "$rc"
check "the link is left as it was" "$BEFORE" "$(snapshot "$R")"
rm -f "$F"

# Our own drop-in is still ours: enable, enable again, disable.
run enable --root "$R" web
check "enable with no drop-in: exit 0" 0 "$rc"
head -n1 "$F" | grep -q '^# Written by mptcpshim enable:' && ok "our header" || bad "no header in $F"
run enable --root "$R" web
check "enable again: exit 0" 0 "$rc"
run disable --root "$R" web
check "disable our drop-in: exit 0" 0 "$rc"
[ ! -e "$F" ] && ok "our drop-in removed" || bad "$F still there"

# --- --root: absolute links resolve inside the image ------------------------
# The unit is a link to an absolute path that exists only in the image
# (outside systemd's search path, so only the link can lead there).
I=$T/image
mkdir -p "$I/srv/units" "$I/etc/systemd/system"
printf '[Service]\nExecStart=/bin/true\nEnvironment=LD_PRELOAD=/image/only.so\n' \
	>"$I/srv/units/imgonly.service"
ln -s /srv/units/imgonly.service "$I/etc/systemd/system/imgonly.service"
run enable --root "$I" imgonly
check "unit linked by an absolute path inside the image: found" 0 "$rc"
IF=$I/etc/systemd/system/imgonly.service.d/50-mptcpshim.conf
check_contains "its LD_PRELOAD is merged" "LD_PRELOAD=/image/only.so:" "$(cat "$IF" 2>/dev/null)"
run disable --root "$I" imgonly

# The unit directory itself is an absolute link inside the image: the
# drop-in goes where the image has it, never to the host's $AWAY.
J=$T/image2
mkdir -p "$J$AWAY" "$J/usr/lib/systemd/system" "$J/etc/systemd"
printf '[Service]\nExecStart=/bin/true\n' >"$J/usr/lib/systemd/system/web.service"
ln -s "$AWAY" "$J/etc/systemd/system"
run enable --root "$J" web
check "unit dir linked absolutely: enable exit 0" 0 "$rc"
[ -f "$J$AWAY/web.service.d/50-mptcpshim.conf" ] && ok "drop-in written inside the image" ||
	bad "no drop-in at $J$AWAY/web.service.d: $err"
[ ! -e "$AWAY" ] && ok "nothing written on the host" || bad "$AWAY exists on the host"
run disable --root "$J" web
check "and disable finds it there" 0 "$rc"
[ ! -e "$J$AWAY/web.service.d" ] && ok "disable removed what enable made" || bad "$J$AWAY/web.service.d left"

# '..' cannot climb out of the image either.
K=$T/image3
mkdir -p "$K/usr/lib/systemd/system" "$K/etc/systemd/system" "$K/srv"
printf '[Service]\nExecStart=/bin/true\nEnvironment=LD_PRELOAD=/k/inside.so\n' >"$K/srv/web.service"
ln -s ../../../../../../../../../srv/web.service "$K/etc/systemd/system/web.service"
run enable --root "$K" web
check "'..' links stop at the image's /" 0 "$rc"
check_contains "the image's unit was read" "LD_PRELOAD=/k/inside.so:" \
	"$(cat "$K/etc/systemd/system/web.service.d/50-mptcpshim.conf" 2>/dev/null)"

# Drop-ins of other names that are not regular files: systemd skips them;
# enable, status and disable must too, and never wait on a FIFO (opening
# one for reading blocks until a writer comes). Bounded by timeout.
P=$T/image4
mkdir -p "$P/etc/systemd/system/web.service.d" "$P/etc/systemd/system/web.service.d/20-dir.conf"
printf '[Service]\nExecStart=/bin/true\n' >"$P/etc/systemd/system/web.service"
mkfifo "$P/etc/systemd/system/web.service.d/10-fifo.conf"
for verb in enable status disable; do
	set +e
	err=$(timeout 10 "$MPTCPSHIM_BIN" $verb --root "$P" web 2>&1 >/dev/null)
	rc=$?
	set -e
	check "$verb with a FIFO and a directory among the drop-ins: exit 0, no wait" 0 "$rc"
done
[ -p "$P/etc/systemd/system/web.service.d/10-fifo.conf" ] && ok "the FIFO is left" || bad "the FIFO is gone"

# --root that is not a directory is a usage error (2), like one that does
# not exist, not a failed check with a path glued below a file.
: >"$T/afile"
for verb in enable disable status; do
	run $verb --root "$T/afile" web
	check "$verb --root FILE: exit 2" 2 "$rc"
	check_contains "$verb --root FILE says so" "--root $T/afile: not a directory" "$err"
done

# A hostile unit file: one 1 GiB line of NULs (sparse: no disk used).
# systemd refuses lines over 1 MiB; enable reads no more than that, in
# bounded memory (ulimit -v; not under the sanitizers, which reserve
# terabytes of address space), and says so.
Q=$T/image5
mkdir -p "$Q/etc/systemd/system"
truncate -s 1G "$Q/etc/systemd/system/huge.service"
set +e
err=$( (if ! ldd "$MPTCPSHIM_BIN" | grep -q libasan; then ulimit -v 262144; fi
	timeout 20 "$MPTCPSHIM_BIN" enable --dry-run --root "$Q" huge) 2>&1 >/dev/null)
rc=$?
set -e
check "enable on a unit file with a 1 GiB line: exit 0 in bounded time and memory" 0 "$rc"
check_contains "it says the line is longer than systemd reads" \
	"huge.service:1: line longer than systemd reads (1 MiB)" "$err"

finish
