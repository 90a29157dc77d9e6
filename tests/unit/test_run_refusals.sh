#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `run` refuses before running anything: no library (127), a policy file
# that is not there (2); and with --stats a command that cannot be run
# exits 127, named, with the report still printed; a run nested in a
# run's seccomp route.
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
# A run inside a run's seccomp route (a listener per process only): the
# outer supervisor converts the inner program, whose status comes back;
# without the outer's mark the inner says why it cannot, refusing when
# --route=seccomp was forced (126), else running the program with TCP.
BB=/bin/busybox
# (ldd fails on a static program: only then does run take the seccomp route.)
if [ -x "$BB" ] && ! ldd "$BB" >/dev/null 2>&1; then
	OUTER=("$BIN" run --route=seccomp --)
	expect_rc 5 timeout 60 "${OUTER[@]}" "$BIN" run -d -- "$BB" sh -c 'exit 5'
	check_contains "nested run: the outer route converts" \
		"already under an outer run's seccomp route: its supervisor (and its policy) converts $BB" "$out"
	expect_rc 126 timeout 60 "${OUTER[@]}" env -u MPTCPSHIM_ROUTE \
		"$BIN" run --route=seccomp -- "$BB" sh -c 'exit 5'
	check "nested, forced: refused, said why" \
		"mptcpshim run: the seccomp route cannot run: this process is already under a seccomp filter with a listener (only one per process)" "$out"
	expect_rc 5 timeout 60 "${OUTER[@]}" env -u MPTCPSHIM_ROUTE \
		"$BIN" run -- "$BB" sh -c 'exit 5'
	check_contains "nested, auto: runs with TCP, warned" \
		"warning: the seccomp route cannot run (this process is already under a seccomp filter with a listener" "$out"
else
	echo "skipped the nested-route checks: no static $BB (busybox-static)"
fi
finish
