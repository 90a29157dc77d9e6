#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `run` refuses before running anything: no library (127), a policy file
# that is not there (2); and with --stats a command that cannot be run
# exits 127, named, with the report still printed.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
set +e
BIN=${MPTCPSHIM_BIN:?}
export MPTCPSHIM_LIBRARY=${MPTCPSHIM_LIB:?}
work=$T_TMP
export XDG_CONFIG_HOME=$work/xdg HOME=$work/home
unset MPTCPSHIM_CONFIG LD_PRELOAD

MPTCPSHIM_LIBRARY=$work/none.so expect_rc 127 "$BIN" run -- touch "$work/ran1"
check "run: no library" \
	"mptcpshim run: cannot find libmptcpshim.so (set MPTCPSHIM_LIBRARY, or reinstall)" "$out"
[ -e "$work/ran1" ] && bad "run ran the command without the library"

expect_rc 2 "$BIN" run -c "$work/missing.conf" -- touch "$work/ran2"
check "run: a missing policy file" \
	"mptcpshim run: policy file '$work/missing.conf': No such file or directory" "$out"
[ -e "$work/ran2" ] && bad "run ran the command with a missing policy file"

expect_rc 127 "$BIN" run --stats -- "$work/no-such-program"
check_contains "run --stats: the command named" \
	"mptcpshim run: cannot run '$work/no-such-program': No such file or directory" "$out"
check_contains "run --stats: the report, with the status" \
	"mptcpshim run --stats: exit status 127" "$out"
# And its status is the command's when it runs.
expect_rc 3 "$BIN" run --stats -- /bin/sh -c 'exit 3'
check_contains "run --stats: the command's status" \
	"mptcpshim run --stats: exit status 3" "$out"
finish
