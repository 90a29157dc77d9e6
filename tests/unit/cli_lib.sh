# SPDX-License-Identifier: BSD-3-Clause
# Shared by the unit tests that run the built CLI (sourced): failures are
# counted in $failures; expect_rc keeps the command's output in $out.
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_rc RC CMD...: runs CMD, keeps stdout+stderr in $out.
expect_rc() {
	local want=$1 rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want: $out"
}
