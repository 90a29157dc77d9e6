#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `mptcpshim policy check|explain|show`: output shape and exit codes, run
# against the built CLI with the unit fixtures and the shipped conf/ files.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
# The checks below read exit codes themselves.
set +e
BIN=${MPTCPSHIM_BIN:?}
FIX=${FIXTURES:?}
CONF=${CONF_DIR:?}
SYSCONF=${SYSCONFDIR:?}
work=$T_TMP
# Keep the caller's own policy files out of these runs.
export XDG_CONFIG_HOME=$work/xdg HOME=$work/home
unset MPTCPSHIM_CONFIG


expect_out() {
	grep -qF -- "$1" <<<"$out" || bad "expected '$1' in: $out"
}

# check: clean files exit 0, each bad one 2 with FILE:LINE: message.
for f in "$FIX"/good*.conf "$CONF"/mptcpshim.conf "$CONF"/apps.d/*.conf; do
	expect_rc 0 "$BIN" policy check "$f"
	expect_out "$f: ok"
done
for f in "$FIX"/bad*.conf; do
	expect_rc 2 "$BIN" policy check "$f"
	grep -qE "^$f:[0-9]+: " <<<"$out" || bad "no FILE:LINE for $f: $out"
done
expect_rc 2 "$BIN" policy check "$FIX/bad20-mixed.conf"
expect_out "$FIX/bad20-mixed.conf:5: exclude: '10.0.0.0/33': IPv4 prefix length must be 0..32"
expect_out "$FIX/bad20-mixed.conf:7: idle: '-1' is not a number"
[ "$(wc -l <<<"$out")" = 2 ] || bad "bad20: expected exactly 2 lines: $out"
# One bad file among good ones still fails the run, and all are reported.
expect_rc 2 "$BIN" policy check "$FIX/good02-all-keys.conf" \
	"$FIX/bad01-unknown-key.conf"
expect_out "$FIX/good02-all-keys.conf: ok"
expect_out "$FIX/bad01-unknown-key.conf:3: unknown key 'colour' in [global]"
expect_rc 2 "$BIN" policy check "$work/none.conf"
expect_out "$work/none.conf: cannot read"
install -m 0664 "$FIX/good01-empty.conf" "$work/gw.conf"
expect_rc 2 "$BIN" policy check "$work/gw.conf"
expect_out "$work/gw.conf: refused: writable by group or others"
expect_rc 2 "$BIN" policy check "$work"
expect_out "not a regular file"
# Without FILE: the default sources (here only MPTCPSHIM_CONFIG).
MPTCPSHIM_CONFIG=$FIX/bad06-duplicate-key.conf expect_rc 2 "$BIN" policy check
expect_out "bad06-duplicate-key.conf:4: duplicate key 'mode' (first set at line 2)"
# A file that cannot be opened at all (a symbolic link to itself).
ln -s loop "$work/loop"
expect_rc 2 "$BIN" policy check "$work/loop"
expect_out "$work/loop: cannot read: Too many levels of symbolic links"
MPTCPSHIM_CONFIG=$work/loop expect_rc 2 "$BIN" policy check --json
expect_out '{"file":"'"$work"'/loop","problems":[{"line":0,"message":"cannot read: Too many levels of symbolic links"}],"ok":false}'
# The user's file (XDG_CONFIG_HOME), then MPTCPSHIM_CONFIG, in that order.
mkdir -p "$work/xdg/mptcpshim"
install -m 0644 "$FIX/good01-empty.conf" "$work/xdg/mptcpshim/mptcpshim.conf"
# (Only where no system-wide policy is installed: it would come first.)
if [ ! -e "$SYSCONF/mptcpshim.conf" ] && [ ! -d "$SYSCONF/apps.d" ]; then
	MPTCPSHIM_CONFIG=$FIX/bad01-unknown-key.conf expect_rc 2 "$BIN" policy check
	[ "$(head -n1 <<<"$out")" = "$work/xdg/mptcpshim/mptcpshim.conf: ok" ] ||
		bad "user file first: $out"
	expect_out "$FIX/bad01-unknown-key.conf:3: unknown key 'colour'"
	expect_rc 0 "$BIN" policy check
	expect_out "$work/xdg/mptcpshim/mptcpshim.conf: ok"
	rm -r "$work/xdg/mptcpshim"
	expect_rc 0 "$BIN" policy check
	expect_out "no policy file found; the built-in defaults apply"
else
	echo "skipped the default-sources checks: $SYSCONF has a policy"
fi
expect_rc 0 "$BIN" policy check --help
expect_out "Usage: mptcpshim policy check"

# explain: decision, rule and reason, from -c or MPTCPSHIM_CONFIG.
cfg=$FIX/good02-all-keys.conf
expect_rc 0 "$BIN" policy explain -c "$cfg" curl 192.0.2.200:8080
expect_out "decision: tcp"
expect_out "rule:     $cfg:34"
expect_out "reason:   not converted: address in the exclude list"
expect_out "section:  [app:curl] at $cfg:22"
expect_rc 0 "$BIN" policy explain curl 192.0.2.5:8080 --config "$cfg"
expect_out "decision: mptcp"
expect_out "rule:     $cfg:33"
MPTCPSHIM_CONFIG=$cfg expect_rc 0 "$BIN" policy explain curl '[2001:db8::1]:8080'
expect_out "decision: tcp"
expect_out "reason:   not converted: address not in the include list"
expect_rc 0 "$BIN" policy explain -c "$FIX/good04-listed.conf" redis-server \
	'[::]:6379' --listen
expect_out "decision: mptcp"
expect_out "for:      listen on [::]:6379"
expect_out "socket:   tcp"
expect_out "listen:   decided per local address"
expect_rc 0 "$BIN" policy explain -c "$FIX/good04-listed.conf" python3
expect_out "decision: tcp"
expect_out "rule:     $FIX/good04-listed.conf:3"
expect_rc 0 "$BIN" policy explain -c "$FIX/good05-edges.conf" x ::ffff:192.0.2.1
expect_out "decision: tcp"
expect_out "rule:     $FIX/good05-edges.conf:4"
expect_rc 0 "$BIN" policy explain curl
expect_out "decision: mptcp"
expect_out "rule:     built-in default"
# A broken -c file: warned about (file:line), ignored, defaults apply.
expect_rc 0 "$BIN" policy explain -c "$FIX/bad04-bad-port-range.conf" curl 192.0.2.1:80
expect_out "bad04-bad-port-range.conf:2: ports: '9000-8000'"
expect_out "decision: mptcp"
# explain lists how each option MPTCP refuses would be handled.
expect_rc 0 "$BIN" policy explain ssh '[::1]:22'
expect_out "options:  auto"
expect_out "  IPV6_TCLASS              mptcp: accepted, remembered, not applied"
expect_out "  TCP_USER_TIMEOUT         mptcp at TCP's default value, any other value: tcp"
expect_out "  TCP_MD5SIG               tcp: rebuilt as TCP, then applied"
printf '[app:ssh]\nunsupported_option.IPV6_TCLASS = fail\n' >"$work/tclass.conf"
expect_rc 0 "$BIN" policy explain -c "$work/tclass.conf" ssh '[::1]:22'
expect_out "  IPV6_TCLASS              error: the program gets MPTCP's error (unsupported_option)"
expect_rc 0 "$BIN" policy explain ssh 192.0.2.1:22
grep -q IPV6_TCLASS <<<"$out" && bad "IPv6 options listed for an IPv4 address: $out"
expect_rc 2 "$BIN" policy explain curl not-an-address
expect_rc 2 "$BIN" policy explain
expect_rc 2 "$BIN" policy explain curl 1.2.3.4:99999
# A misplaced option is a usage error (explain's --listen given to check).
expect_rc 2 "$BIN" policy check --listen

# show: INI that checks clean, and JSON that parses.
expect_rc 0 "$BIN" policy show -c "$cfg"
expect_out "mode = listed ; $cfg:3"
sed 's/ ; .*//' <<<"$out" >"$work/shown.conf"
expect_rc 0 "$BIN" policy check "$work/shown.conf"
expect_rc 0 "$BIN" policy show --json -c "$cfg"
/usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); assert d['global']['mode']['value']=='listed'; assert d['apps']['curl']['keepalive.idle']['value']==120" <<<"$out" ||
	bad "show --json is not the expected JSON: $out"
expect_rc 0 "$BIN" policy show
expect_out "mode = all ; default"
expect_rc 2 "$BIN" policy show --listen
expect_rc 2 "$BIN" policy frobnicate
expect_rc 0 "$BIN" policy --help

# --json for check and explain: documents that parse, saying what the text
# says (each assertion reads a value the text mode prints differently).
json_ok() {	# json_ok PYTHON-ASSERTIONS: on $out, as d
	/usr/bin/python3 -m json.tool <<<"$out" >/dev/null ||
		{ bad "not JSON: $out"; return; }
	/usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1" \
		<<<"$out" || bad "JSON does not say '$1': $out"
}
expect_rc 0 "$BIN" policy explain --json -c "$cfg" curl 192.0.2.200:8080
json_ok "assert d['decision']=='tcp' and d['rule']=='$cfg:34'
assert d['reason']=='not converted: address in the exclude list'
assert d['app']=='curl' and d['app_origin']=='$cfg:22'
assert d['for']=='connect' and d['address']=='192.0.2.200:8080'
assert d['port_given'] is True and d['sources'][0]['used'] is True
assert d['keepalive']['enabled'] is False and d['keepalive']['idle']==120"
expect_rc 0 "$BIN" policy explain curl --json
json_ok "assert d['rule'] is None and d['app'] is None and d['for']=='socket'"
expect_rc 0 "$BIN" policy check --json "$FIX/good02-all-keys.conf"
json_ok "assert d['ok'] is True and d['files'][0]['problems']==[]"
expect_rc 2 "$BIN" policy check --json "$FIX/bad20-mixed.conf" "$work/none.conf"
json_ok "assert d['ok'] is False
p=d['files'][0]['problems']
assert [x['line'] for x in p]==[5,7], p
assert p[1]['message']==\"idle: '-1' is not a number\", p
assert d['files'][1]['ok'] is False
assert d['files'][1]['problems'][0]['line']==0"
# Names from files and the command line reach a terminal escaped: an ESC
# in a program name prints as \x1b in text and as \u001b in JSON.
expect_rc 0 "$BIN" policy explain "$(printf 'evil\033]0;x\007')"
expect_out 'program:  evil\x1b]0;x\x07'
grep -q "$(printf '\033')" <<<"$out" && bad "raw ESC in text: $out"
expect_rc 0 "$BIN" policy explain --json "$(printf 'evil\033[31m\xff')"
json_ok "assert d['program']=='evil\\x1b[31m\\ufffd'"

# compile: a clean file gets FILE.compiled, a broken one none (exit 1, its
# problems as check prints them); check tells a stale index.
cp "$FIX/good02-all-keys.conf" "$work/big.conf"
expect_rc 0 "$BIN" policy compile "$work/big.conf"
expect_out "$work/big.conf: "
[ -f "$work/big.conf.compiled" ] || bad "no $work/big.conf.compiled"
expect_rc 0 "$BIN" policy check --json "$work/big.conf"
json_ok "assert d['files'][0]['compiled_index']=='current', d"
echo "; edited" >> "$work/big.conf"
expect_rc 0 "$BIN" policy check "$work/big.conf"
expect_out "$work/big.conf.compiled: stale or unusable"
cp "$FIX/bad01-unknown-key.conf" "$work/bad.conf"
expect_rc 1 "$BIN" policy compile "$work/bad.conf"
expect_out "$work/bad.conf:3: unknown key 'colour' in [global]"
[ -e "$work/bad.conf.compiled" ] && bad "an index for a broken file"

finish
