#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The entry point (cli/main.c): --version/version, the top-level usage and
# its exit codes, and the mptcpize personality picked by the program's
# name, which offers only mptcpd's commands (run, enable, disable).
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
set +e
BIN=${MPTCPSHIM_BIN:?}
WANT_VERSION=${MPTCPSHIM_VERSION:?}
unset MPTCPSHIM_CONFIG LD_PRELOAD

# --version and the 'version' word: one line, the project's version.
for v in --version version; do
	expect_rc 0 "$BIN" "$v"
	check "mptcpshim $v" "mptcpshim $WANT_VERSION" "$out"
done

# --help: the usage on stdout, every command listed, exit 0.
help=$("$BIN" --help 2>/dev/null)
check "--help exit" 0 $?
for c in run policy mib endpoints doctor enable disable status env conns \
	top metrics check; do
	grep -qE "^  $c +[^ ]" <<<"$help" || bad "--help does not list '$c'"
done
# 'help' is the same text.
check "'help' = '--help'" "$help" "$("$BIN" help 2>/dev/null)"
# No command: usage on stderr only, exit 2.
rc=0
stdout=$("$BIN" 2>"$T_TMP/err") || rc=$?
check "no command exit" 2 "$rc"
check "no command: nothing on stdout" "" "$stdout"
check_contains "no command: usage on stderr" "Usage: mptcpshim" \
	"$(cat "$T_TMP/err")"
expect_rc 2 "$BIN" no-such-command
check_contains "unknown command named" "unknown command 'no-such-command'" "$out"

# The mptcpize personality: chosen by the name (a symlink, as installed).
ln -s "$BIN" "$T_TMP/mptcpize"
MZ=$T_TMP/mptcpize
mhelp=$("$MZ" --help 2>/dev/null)
check "mptcpize --help exit" 0 $?
check_contains "mptcpize usage" "Usage: mptcpize run [-d] CMD" "$mhelp"
check_contains "mptcpize usage: enable|disable" \
	"mptcpize enable|disable UNIT" "$mhelp"
case $mhelp in *"Commands:"*) bad "mptcpize prints mptcpshim's usage" ;; esac
rc=0
"$MZ" >/dev/null 2>&1 || rc=$?
check "mptcpize without a command exit" 2 "$rc"
# mptcpshim's own commands are not mptcpize's; the message names mptcpize.
for c in policy status version --version; do
	expect_rc 2 "$MZ" "$c"
	check_contains "mptcpize refuses '$c'" "unknown command '$c'" "$out"
	check_contains "mptcpize names itself ($c)" "mptcpize" "$out"
done
# Its commands are mptcpshim's: 'run' runs the command and returns its status.
expect_rc 7 "$MZ" run -- /bin/sh -c 'exit 7'
expect_rc 0 "$MZ" run --help
check_contains "mptcpize run --help" "run" "$out"

finish
