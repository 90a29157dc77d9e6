#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The refusals of `metrics` and `conns` (unprivileged where possible): a
# namespace that does not exist, is not a network namespace or cannot be
# joined; a --textfile that cannot be written or renamed into place
# (never leaving a temporary file); a command that cannot be run; a
# check server whose port is taken.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
set +e
BIN=${MPTCPSHIM_BIN:?}
LIB=${MPTCPSHIM_LIB:?}
work=$T_TMP
unset MPTCPSHIM_CONFIG LD_PRELOAD

# metrics --netns: each kind of bad namespace, exit 2, said why.
expect_rc 2 "$BIN" metrics --no-probe --netns "mptcpshim-none-$$"
check "metrics: a missing namespace" \
	"mptcpshim metrics: no network namespace 'mptcpshim-none-$$': No such file or directory" "$out"
expect_rc 2 "$BIN" metrics --no-probe --netns /proc/self/ns/mnt
check "metrics: another kind of namespace" \
	"mptcpshim metrics: no network namespace '/proc/self/ns/mnt': not a network namespace" "$out"
# /dev/null passes the open (no NS_GET_NSTYPE on it) but not setns().
expect_rc 2 "$BIN" metrics --no-probe --netns /dev/null
if [ "$(id -u)" = 0 ]; then
	check "metrics: a file that cannot be joined" \
		"mptcpshim metrics: cannot enter network namespace '/dev/null': Invalid argument" "$out"
else
	check_contains "metrics: joining needs privileges" "(needs CAP_SYS_ADMIN)" "$out"
fi

# --textfile: nothing half-written, no temporary file left behind.
mkdir -p "$work/tf/mptcpshim.prom/busy"
expect_rc 1 "$BIN" metrics --no-probe --textfile "$work/tf"
check "metrics: the final name is a directory" \
	"mptcpshim metrics: cannot rename to $work/tf/mptcpshim.prom: Is a directory" "$out"
check "metrics: no temporary file left" "mptcpshim.prom" "$(ls -A "$work/tf")"
expect_rc 1 "$BIN" metrics --no-probe --textfile "$work/no/such/dir"
check_contains "metrics: a missing directory" \
	"mptcpshim metrics: cannot write in $work/no/such/dir: No such file or directory" "$out"
expect_rc 2 "$BIN" metrics --no-probe --textfile ""
check "metrics: an empty --textfile" \
	"mptcpshim metrics: --textfile: a directory expected" "$out"
expect_rc 2 "$BIN" metrics --no-probe --textfile "$work/tf" \
	--netns "$(printf 'n%.0s' {1..300})"
check "metrics: a namespace name too long for a file name" \
	"mptcpshim metrics: --netns: name too long for a file name" "$out"
# Sanity: into a good directory the same run works, names the file once.
mkdir "$work/ok"
expect_rc 0 "$BIN" metrics --no-probe --textfile "$work/ok"
check "metrics: the file written" "mptcpshim.prom" "$(ls -A "$work/ok")"
grep -q '^# TYPE ' "$work/ok/mptcpshim.prom" || bad "no metrics in the file"

# conns -- COMMAND: a command that is not there exits 127, named.
MPTCPSHIM_LIBRARY=$LIB expect_rc 127 "$BIN" conns -- "$work/no-such-program"
check_contains "conns: a missing command" \
	"mptcpshim conns: cannot run '$work/no-such-program': No such file or directory" "$out"
printf '#!/bin/sh\n' >"$work/not-exec"
MPTCPSHIM_LIBRARY=$LIB expect_rc 126 "$BIN" conns -- "$work/not-exec"
check_contains "conns: a command that cannot be executed" \
	"mptcpshim conns: cannot run '$work/not-exec': Permission denied" "$out"
# Without the library it refuses before running anything.
MPTCPSHIM_LIBRARY=$work/none.so expect_rc 127 "$BIN" conns -- \
	touch "$work/ran"
check_contains "conns: no library" "cannot find libmptcpshim.so" "$out"
[ -e "$work/ran" ] && bad "conns ran the command without the library"

# check --serve on a port another socket holds: exit 1, said why; the
# holder (a loopback listener) lives only as long as the check.
out=$("$PY" - "$BIN" <<'PY'
import socket, subprocess, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
port = str(s.getsockname()[1])
r = subprocess.run([sys.argv[1], "check", "--serve", "--bind", "127.0.0.1",
		    "--count", "1", port], capture_output=True, text=True,
		   timeout=20)
print(r.returncode, port, r.stderr.strip())
PY
)
read -r rc port msg <<<"$out"
check "check --serve on a busy port: exit 1" 1 "$rc"
check "check --serve on a busy port: why" \
	"mptcpshim check: cannot listen with MPTCP on port $port: Address already in use" "$msg"

finish
