#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# enable/disable/status/env with the built CLI on temporary unit trees
# (--root, and --user with a temporary HOME): exact files, merging with what
# units already set, idempotence, byte-identical trees after disable, and
# every written drop-in loaded by systemd-analyze verify without a warning.
# Needs no privileges and never talks to a running systemd.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"

: "${MPTCPSHIM_BIN:?set by CTest: the mptcpshim CLI}"
: "${SHIM_LIB:?set by CTest: libmptcpshim.so}"
LIB=$(realpath "$SHIM_LIB")
export MPTCPSHIM_LIBRARY="$LIB"

T=$T_TMP

# Every entry with type, mode, link target and content hash.
snapshot() {
	(cd "$1" && find . -printf '%y %m %p -> %l\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}

cli() { "$MPTCPSHIM_BIN" "$@"; }

# verify UNITFILE ROOT: systemd loads the unit and its drop-ins cleanly.
verify() {
	local out
	out=$(SYSTEMD_UNIT_PATH="$2/etc/systemd/system:$2/run/systemd/system:$2/usr/lib/systemd/system:" \
		systemd-analyze verify "$1" 2>&1 >/dev/null) || true
	printf '%s' "$out"
}

R=$T/root
mkdir -p "$R/usr/lib/systemd/system"
cat >"$R/usr/lib/systemd/system/web.service" <<'EOF'
[Unit]
Description=a vendor unit that already preloads something

[Service]
ExecStart=/bin/true
Environment=FOO=1 "BAR=a b"
Environment=LD_PRELOAD=/opt/x.so
Environment=GODEBUG=http2client=0
EOF
VENDOR_SHA=$(sha256sum <"$R/usr/lib/systemd/system/web.service")
BEFORE=$(snapshot "$R")
D=$R/etc/systemd/system/web.service.d
F=$D/50-mptcpshim.conf

# --- bad names: exit 2, a clear message, nothing written ------------------
long=$(printf 'a%.0s' $(seq 1 256))
for name in "" "a/b" "../../etc/passwd" "a..b" "a b" 'a$b' 'x;reboot' \
	"$long" "@x" "@.service" ".hidden" "caf$(printf '\303\251')" \
	"x.target" "x.socket"; do
	set +e
	err=$(cli enable --root "$R" -- "$name" 2>&1 >/dev/null)
	rc=$?
	set -e
	check "bad name '${name:0:20}' exits 2" 2 "$rc"
	case "$err" in
	*"invalid unit name"* | *"is not a service"*) ok "message for '${name:0:20}'" ;;
	*) bad "message for '${name:0:20}': $err" ;;
	esac
done
check "bad names wrote nothing" "$BEFORE" "$(snapshot "$R")"

set +e
cli enable --root "$R" nosuch >/dev/null 2>&1
check "missing unit: exit 1" 1 $?
set -e
check "missing unit wrote nothing" "$BEFORE" "$(snapshot "$R")"

# --- --dry-run writes nothing ---------------------------------------------
out=$(cli enable --dry-run --root "$R" web)
check_contains "dry-run shows the file" "would write $F:" "$out"
check_contains "dry-run shows the merged value" "Environment=LD_PRELOAD=/opt/x.so:$LIB" "$out"
check "dry-run wrote nothing" "$BEFORE" "$(snapshot "$R")"

set +e
cli status --root "$R" web >/dev/null
check "status before enable: exit 1" 1 $?
set -e

# --- enable: the exact file ------------------------------------------------
cli enable --root "$R" web >"$T/out"
cat >"$T/want" <<EOF
# Written by mptcpshim enable: Multipath TCP for this unit through
# the mptcpshim library. 'mptcpshim disable' removes this file (and
# the directories listed below, which it created, once empty).
# created: /etc
# created: /etc/systemd
# created: /etc/systemd/system
# created: /etc/systemd/system/web.service.d

[Service]
Environment=LD_PRELOAD=/opt/x.so:$LIB
Environment=GODEBUG=http2client=0,multipathtcp=1
EOF
if cmp -s "$T/want" "$F"; then ok "enable: exact content"; else
	bad "enable: content differs"; diff -u "$T/want" "$F" >&2 || true; fi
check "file mode" 644 "$(stat -c %a "$F")"
check "dir mode" 755 "$(stat -c %a "$D")"
check "vendor unit untouched" "$VENDOR_SHA" "$(sha256sum <"$R/usr/lib/systemd/system/web.service")"
check_contains "says what to run without systemd" "systemctl daemon-reload" "$(cat "$T/out")"
check "systemd-analyze verify: no warnings" "" "$(verify "$R/usr/lib/systemd/system/web.service" "$R")"
ls -a "$D" >"$T/ls"
check "no temporary file left" ". .. 50-mptcpshim.conf" "$(tr '\n' ' ' <"$T/ls" | sed 's/ $//')"

# --- idempotent ------------------------------------------------------------
ino=$(stat -c %i "$F")
out=$(cli enable --root "$R" web)
check_contains "second enable: unchanged" "unchanged: $F" "$out"
check "second enable: same inode (not rewritten)" "$ino" "$(stat -c %i "$F")"
check "second enable: same content" "$(cat "$T/want")" "$(cat "$F")"

out=$(cli status --root "$R" web)
check "status after enable: exit 0" 0 $?
check_contains "status: drop-in present" "(present)" "$out"
check_contains "status: library in the unit's files" "in files: yes" "$out"
check_contains "status: honest about systemd" "systemd is not running" "$out"
json=$(cli status --json --root "$R" web)
check "status --json parses" "yes" "$(printf '%s' "$json" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["library_in_unit_files"])')"
# What can only be true or false is a JSON boolean (not "yes"/"no").
check "status --json: booleans are JSON booleans" "True True None" "$(printf '%s' "$json" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["dropin_present"] is True, d["ok"] is True, d["socket_dropin_present"])')"

# --- disable: byte-identical -------------------------------------------------
out=$(cli disable --dry-run --root "$R" web)
check_contains "disable --dry-run" "would remove $F" "$out"
[ -f "$F" ] && ok "disable --dry-run kept the file" || bad "disable --dry-run removed the file"
cli disable --root "$R" web >/dev/null
check "disable: tree byte-identical to before enable" "$BEFORE" "$(snapshot "$R")"
out=$(cli disable --root "$R" web)
check_contains "disable again: not enabled, exit 0" "not enabled" "$out"

# A hand-edited record never makes disable remove an unrelated directory.
mkdir "$R/empty"
cli enable --root "$R" web >/dev/null
printf '# created: /empty\n# created: /usr/lib/systemd\n' >>"$F"
cli disable --root "$R" web >/dev/null
[ -d "$R/empty" ] && ok "disable ignores a recorded dir that is not an ancestor" ||
	bad "disable removed $R/empty"
rmdir "$R/empty"
check "and still restores the tree" "$BEFORE" "$(snapshot "$R")"

# --- a drop-in directory that already holds files ---------------------------
mkdir -p "$D"
printf '[Service]\nEnvironment="LD_PRELOAD=/opt/y.so /opt/z.so" BAZ=%%i\n' >"$D/10-local.conf"
printf 'not a drop-in\n' >"$D/README"
BEFORE2=$(snapshot "$R")
cli enable --root "$R" web >/dev/null
grep -q '^# created' "$F" && bad "no created-dir record for an existing dir" ||
	ok "no created-dir record for an existing dir"
check "merged with the later local drop-in, quoted" \
	"Environment=\"LD_PRELOAD=/opt/y.so /opt/z.so:$LIB\"" "$(grep '^Environment=.*LD_PRELOAD' "$F")"
check "local drop-in: verify clean" "" "$(verify "$R/usr/lib/systemd/system/web.service" "$R")"
cli disable --root "$R" web >/dev/null
check "disable keeps the other files, byte-identical" "$BEFORE2" "$(snapshot "$R")"

# A drop-in after ours that sets LD_PRELOAD wins in systemd: say so.
printf '[Service]\nEnvironment=LD_PRELOAD=/opt/late.so\n' >"$D/60-late.conf"
err=$(cli enable --root "$R" web 2>&1 >/dev/null)
check_contains "warns about a later drop-in" "60-late.conf sets LD_PRELOAD after our drop-in" "$err"
set +e
out=$(cli status --root "$R" web)
check "status: overridden -> exit 1" 1 $?
set -e
check_contains "status names the overriding file" "60-late.conf" "$out"
cli disable --root "$R" web >/dev/null
rm -r "$D"
rmdir "$R/etc/systemd/system" "$R/etc/systemd" "$R/etc"
check "clean again" "$BEFORE" "$(snapshot "$R")"

# --- specifiers and EnvironmentFile= ----------------------------------------
mkdir -p "$R/etc/systemd/system"
cat >"$R/etc/systemd/system/inst@.service" <<'EOF'
[Service]
ExecStart=/bin/true
Environment=LD_PRELOAD=/opt/%i.so
EnvironmentFile=-/etc/default/inst
EOF
err=$(cli enable --root "$R" inst@one 2>&1 >/dev/null)
check_contains "warns about EnvironmentFile=" "EnvironmentFile=" "$err"
check "instance drop-in keeps the specifier" "Environment=LD_PRELOAD=/opt/%i.so:$LIB" \
	"$(grep LD_PRELOAD "$R/etc/systemd/system/inst@one.service.d/50-mptcpshim.conf")"
check "instance: verify clean" "" "$(verify "$R/etc/systemd/system/inst@one.service" "$R")"
cli disable --root "$R" inst@one >/dev/null
# A template: its instances are what restarts (a glob systemctl expands).
out=$(cli enable --dry-run --now --root "$R" inst@ 2>/dev/null)
check_contains "template: restart its instances" "would run: systemctl restart 'inst@*.service'" "$out"
cli enable --root "$R" inst@ >/dev/null 2>&1
check "template drop-in in inst@.service.d" "Environment=LD_PRELOAD=/opt/%i.so:$LIB" \
	"$(grep LD_PRELOAD "$R/etc/systemd/system/inst@.service.d/50-mptcpshim.conf")"
check "template: an instance sees it (verify clean)" "" "$(verify "$R/etc/systemd/system/inst@two.service" "$R")"
out=$(cli status --root "$R" inst@two 2>/dev/null) && rc=0 || rc=$?
check "instance status through the template's drop-in: exit 0" 0 "$rc"
check_contains "instance status names the template's drop-in" "inst@.service.d/50-mptcpshim.conf (present)" "$out"
check_contains "instance: library in its files through the template drop-in" "in files: yes" "$out"
cli disable --root "$R" inst@ >/dev/null
rm "$R/etc/systemd/system/inst@.service"
rmdir "$R/etc/systemd/system" "$R/etc/systemd" "$R/etc"
check "instance: clean again" "$BEFORE" "$(snapshot "$R")"

# --- --socket: SocketProtocol=mptcp for the listener ------------------------
printf '[Socket]\nListenStream=8080\n' >"$R/usr/lib/systemd/system/web.socket"
BEFORE3=$(snapshot "$R")
out=$(cli status --root "$R" web || true)
check_contains "status suggests SocketProtocol=mptcp" "enable --socket web.service" "$out"
cli enable --socket --root "$R" web >/dev/null
S=$R/etc/systemd/system/web.socket.d/50-mptcpshim.conf
check_contains "socket drop-in" "$(printf '[Socket]\n')" "$(cat "$S")"
check "socket drop-in asks for MPTCP" "SocketProtocol=mptcp" "$(grep -v '^#' "$S" | grep =)"
# systemd before 257 knows SocketProtocol= but not its value mptcp: the
# only remark allowed there.
v=$(systemctl --version | awk 'NR == 1 { print $2 }')
rest=$(verify "$R/usr/lib/systemd/system/web.socket" "$R")
[ "$v" -lt 257 ] && rest=$(printf '%s\n' "$rest" | grep -v "Failed to parse socket protocol, ignoring: mptcp" || true)
if [ "$v" -lt 257 ]; then
	check "socket drop-in: verify clean but for the new key (systemd $v)" "" "$rest"
else
	check "socket drop-in: verify clean" "" "$rest"
fi
cli disable --root "$R" web >/dev/null
check "disable removes both drop-ins, byte-identical" "$BEFORE3" "$(snapshot "$R")"
rm "$R/usr/lib/systemd/system/web.socket"

# --- mptcpize enable|disable: the same drop-in ------------------------------
ln -s "$MPTCPSHIM_BIN" "$T/mptcpize"
"$T/mptcpize" enable --root "$R" web >/dev/null
check "mptcpize enable writes the same drop-in" "$(cat "$T/want")" "$(cat "$F")"
check "mptcpize leaves the vendor unit alone" "$VENDOR_SHA" "$(sha256sum <"$R/usr/lib/systemd/system/web.service")"
"$T/mptcpize" disable --root "$R" web >/dev/null
check "mptcpize disable: byte-identical" "$BEFORE" "$(snapshot "$R")"

# --- --user with a temporary HOME -------------------------------------------
H=$T/home
mkdir -p "$H/.local/share/systemd/user"
printf '[Service]\nExecStart=/bin/true\n' >"$H/.local/share/systemd/user/agent.service"
HBEFORE=$(snapshot "$H")
run_user() { env -u XDG_CONFIG_HOME -u XDG_DATA_HOME HOME="$H" XDG_RUNTIME_DIR="$T" "$MPTCPSHIM_BIN" "$@"; }
run_user enable --user agent >"$T/out"
UF=$H/.config/systemd/user/agent.service.d/50-mptcpshim.conf
[ -f "$UF" ] && ok "--user: drop-in under ~/.config/systemd/user" || bad "--user: no $UF"
check "--user: records the directories it made" \
	"$H/.config $H/.config/systemd $H/.config/systemd/user $H/.config/systemd/user/agent.service.d" \
	"$(sed -n 's/^# created: //p' "$UF" | tr '\n' ' ' | sed 's/ $//')"
check_contains "--user: says systemctl --user" "systemctl --user daemon-reload" "$(cat "$T/out")"
run_user status --user agent >/dev/null && ok "--user status: exit 0" || bad "--user status"
run_user disable --user agent >/dev/null
check "--user disable: HOME byte-identical" "$HBEFORE" "$(snapshot "$H")"
set +e
env -u HOME "$MPTCPSHIM_BIN" enable --user agent >/dev/null 2>&1
check "--user without HOME: exit 2" 2 $?
set -e

# --- env ----------------------------------------------------------------------
got=$(env -u LD_PRELOAD -u GODEBUG bash -c 'eval "$("$0" env --shell)"; printf "%s|%s" "$LD_PRELOAD" "$GODEBUG"' "$MPTCPSHIM_BIN")
check "env --shell on a clean environment" "$LIB|multipathtcp=1" "$got"
got=$(LD_PRELOAD="/opt/it's.so" GODEBUG=x=1 bash -c '
	eval "$("$0" env --shell)"; eval "$("$0" env --shell)"
	printf "%s|%s" "$LD_PRELOAD" "$GODEBUG"' "$MPTCPSHIM_BIN" 2>/dev/null)
check "env --shell merges, quotes and is idempotent" "/opt/it's.so:$LIB|x=1,multipathtcp=1" "$got"
printf '[global]\n' >"$T/p.conf"
got=$(cd "$T" && "$MPTCPSHIM_BIN" env --shell -c p.conf | grep MPTCPSHIM_CONFIG)
check "env -c gives an absolute path" "export MPTCPSHIM_CONFIG='$T/p.conf'" "$got"
mkdir -p "$T/envroot/etc/systemd/system"
{ printf '[Unit]\nDescription=x\n'; "$MPTCPSHIM_BIN" env --systemd -c "$T/p.conf"
	printf 'ExecStart=/bin/true\n'; } >"$T/envroot/etc/systemd/system/e.service"
check "env --systemd: a unit systemd loads cleanly" "" "$(verify "$T/envroot/etc/systemd/system/e.service" "$T/envroot")"
check "env --containerfile" "ENV LD_PRELOAD=$LIB
ENV GODEBUG=multipathtcp=1" "$(LD_PRELOAD=/opt/ignored.so "$MPTCPSHIM_BIN" env --containerfile 2>/dev/null)"
set +e
"$MPTCPSHIM_BIN" env --shell --systemd >/dev/null 2>&1
check "env: two styles -> exit 2" 2 $?
"$MPTCPSHIM_BIN" env --containerfile -c relative.conf >/dev/null 2>&1
check "env --containerfile -c relative -> exit 2" 2 $?
set -e

finish
