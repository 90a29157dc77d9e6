#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `policy compile` on named files (its refusals and exit codes), and
# `policy check` / `policy compile` without FILE on every default source
# in the shim's order: the system file, apps.d/*.conf (sorted; hidden and
# non-.conf names skipped), the user file, $MPTCPSHIM_CONFIG. The system
# directory is a tmpfs in a private mount namespace (root): the host's is
# never read or written.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
set +e
BIN=${MPTCPSHIM_BIN:?}
SYSCONF=${SYSCONFDIR:?}
work=$T_TMP
export XDG_CONFIG_HOME=$work/xdg HOME=$work/home
unset MPTCPSHIM_CONFIG

expect_out() {
	grep -qxF -- "$1" <<<"$out" || bad "expected the line '$1' in: $out"
}

if [ "${1:-}" != inside ]; then
	# compile's own checks need no namespace.
	expect_rc 0 "$BIN" policy compile --help
	check_contains "compile --help: usage" "mptcpshim policy compile [FILE...]" "$out"
	expect_rc 2 "$BIN" policy compile --bogus
	expect_out "mptcpshim policy compile: unknown option --bogus"
	printf '[global]\n' >"$work/a.conf"
	mkdir "$work/a.conf.compiled"
	expect_rc 1 "$BIN" policy compile "$work/a.conf"
	check_contains "compile: an unwritable index is named with errno" \
		"cannot write $work/a.conf.compiled: Is a directory" "$out"
	expect_rc 1 "$BIN" policy compile "$work/none.conf"
	expect_out "$work/none.conf: cannot read: no such file"
	expect_out "$work/none.conf: not compiled: 1 problem (the shim reads it whole; see 'mptcpshim policy check')"
	# All named files are tried: a good one after a bad one is written.
	printf '[global]\n' >"$work/b.conf"
	expect_rc 1 "$BIN" policy compile "$work/none.conf" "$work/b.conf"
	[ -f "$work/b.conf.compiled" ] || bad "the good file after a bad one got no index"
	# root in a container (the package build) may lack CAP_SYS_ADMIN.
	unshare -m true 2>/dev/null ||
		skip "the default sources need a private mount namespace (CAP_SYS_ADMIN)"
	# The nearest existing ancestor of SYSCONF gets the tmpfs.
	top=$SYSCONF
	while [ ! -d "$top" ]; do top=$(dirname "$top"); done
	[ "$top" != / ] || skip "no directory to mount a tmpfs on for $SYSCONF"
	rc=0
	unshare -m --propagation private env TOP="$top" \
		bash "${BASH_SOURCE[0]}" inside || rc=$?
	check "the checks in the mount namespace" 0 "$rc"
	finish
fi

# Inside the private mount namespace.
mount -t tmpfs mptcpshim-test "$TOP" || { bad "mount tmpfs on $TOP"; finish; }
# Nothing anywhere: the built-in defaults, and nothing to compile.
expect_rc 0 "$BIN" policy check
expect_out "no policy file found; the built-in defaults apply (convert every TCP socket)"
expect_rc 0 "$BIN" policy compile
expect_out "no policy file to compile (the shim uses its built-in defaults)"

mkdir -p "$SYSCONF/apps.d" "$work/xdg/mptcpshim"
printf '[global]\n' >"$SYSCONF/mptcpshim.conf"
printf '[global]\n' >"$SYSCONF/apps.d/b.conf"
printf '[global]\ncolour = red\n' >"$SYSCONF/apps.d/a.conf"
printf '[global]\ncolour = red\n' >"$SYSCONF/apps.d/.hidden.conf"
printf 'not a policy\n' >"$SYSCONF/apps.d/notes.txt"
printf 'x' >"$SYSCONF/apps.d/.conf"
printf '[global]\n' >"$work/xdg/mptcpshim/mptcpshim.conf"
printf '[global]\n' >"$work/env.conf"

MPTCPSHIM_CONFIG=$work/env.conf expect_rc 2 "$BIN" policy check
want="$SYSCONF/mptcpshim.conf: ok
$SYSCONF/apps.d/a.conf:2: unknown key 'colour' in [global]
$SYSCONF/apps.d/b.conf: ok
$work/xdg/mptcpshim/mptcpshim.conf: ok
$work/env.conf: ok"
check "check: every default source, in the shim's order" "$want" "$out"
MPTCPSHIM_CONFIG=$work/env.conf expect_rc 2 "$BIN" policy check --json
"$PY" -c 'import json,sys
d=json.loads(sys.argv[1]); f=d["files"]
assert [x["ok"] for x in f]==[True,False,True,True,True], f
assert f[1]["problems"][0]["line"]==2, f' "$out" ||
	bad "check --json over the default sources: $out"
rm "$SYSCONF/apps.d/a.conf"
MPTCPSHIM_CONFIG=$work/env.conf expect_rc 0 "$BIN" policy check

# compile without FILE: the system file, the user file, $MPTCPSHIM_CONFIG
# (apps.d files are per program, read whole); a bad one fails the run.
printf '[global]\ncolour = red\n' >"$work/env.conf"
MPTCPSHIM_CONFIG=$work/env.conf expect_rc 1 "$BIN" policy compile
for f in "$SYSCONF/mptcpshim.conf" "$work/xdg/mptcpshim/mptcpshim.conf"; do
	[ -f "$f.compiled" ] || bad "compile without FILE did not index $f"
	check_contains "compile reports $f" "$f: 1 section indexed in $f.compiled" "$out"
done
expect_out "$work/env.conf:2: unknown key 'colour' in [global]"
[ -e "$work/env.conf.compiled" ] && bad "an index for the broken \$MPTCPSHIM_CONFIG"
finish
