#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `mptcpshim doctor` on programs LD_PRELOAD cannot reach, all built here: a
# static binary, a setuid copy, a copy with file capabilities, scripts (one
# whose interpreter is the static binary), a Go binary; and on a namespace
# where MPTCP is disabled.
. "$TESTS_DIR/lib.sh"

ns_new doc >/dev/null
NS="${T_PREFIX}-doc"
ns_new off >/dev/null
OFF="${T_PREFIX}-off"
nsx "$OFF" sysctl -qw net.mptcp.enabled=0

# status_of JSON ID: the statuses of checks with that id, comma-separated.
status_of() {
	$PY -c '
import json, sys
doc = json.loads(sys.argv[1])
print(",".join(c["status"] for c in doc["checks"] if c["id"] == sys.argv[2]))
' "$1" "$2"
}

# doctor_in NS ARGS...: sets OUT (JSON) and RC.
doctor_in() {
	local ns=$1
	shift
	RC=0
	OUT=$(nsx "$ns" "$MPTCPSHIM_BIN" doctor --json "$@") || RC=$?
}

# Every check carries a fix unless it passed.
fixes_present() {
	$PY -c '
import json, sys
doc = json.loads(sys.argv[1])
bad = [c["id"] for c in doc["checks"] if c["status"] != "PASS" and not c.get("fix")]
print("missing fix: " + ",".join(bad) if bad else "ok")
' "$1"
}

cd "$T_TMP"
printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' >hello.c
gcc -static -o static-hello hello.c
gcc -o dyn-hello hello.c
cp dyn-hello setuid-hello
chmod u+s setuid-hello
cp dyn-hello setgid-hello
chmod g+s setgid-hello
cp dyn-hello caps-hello
setcap cap_net_raw+ep caps-hello
printf '#!/bin/sh\necho hi\n' >script.sh
printf '#!/usr/bin/env sh\necho hi\n' >env-script.sh
printf '#!%s\n' "$T_TMP/static-hello" >static-script
chmod +x script.sh env-script.sh static-script

# The namespace itself: nothing fails (no endpoints is only a warning).
doctor_in "$NS"
check "system checks pass" 0 "$RC"
check "mptcp_enabled" PASS "$(status_of "$OUT" mptcp_enabled)"
check "mptcp_socket" PASS "$(status_of "$OUT" mptcp_socket)"
check "path_manager" PASS "$(status_of "$OUT" path_manager)"
check "endpoints warn" WARN "$(status_of "$OUT" endpoints)"
check "blackhole" PASS "$(status_of "$OUT" blackhole)"
check "shim_library" PASS "$(status_of "$OUT" shim_library)"
check "warnings have fixes" ok "$(fixes_present "$OUT")"

doctor_in "$NS" "$T_TMP/dyn-hello"
check "dynamic binary: exit 0" 0 "$RC"
check "dynamic binary: binary PASS" PASS "$(status_of "$OUT" binary)"
check "dynamic binary: setid PASS" PASS "$(status_of "$OUT" setid)"
check "dynamic binary: caps PASS" PASS "$(status_of "$OUT" file_caps)"

doctor_in "$NS" "$T_TMP/static-hello"
check "static binary: exit 0 (the seccomp route reaches it)" 0 "$RC"
check "static binary: WARN" WARN "$(status_of "$OUT" binary)"
check "static binary: the seccomp route runs here" PASS "$(status_of "$OUT" seccomp_route)"
check "static binary: as root, no no_new_privs warning" "" "$(status_of "$OUT" no_new_privs)"
check "static binary: no BPF route advised" 0 "$(echo "$OUT" | grep -c 'a BPF route')"
chmod 755 "$T_TMP"
OUT=$(nsx "$NS" setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$MPTCPSHIM_BIN" doctor --json "$T_TMP/static-hello") || true
check "static binary, uid 65534: no_new_privs WARN" WARN "$(status_of "$OUT" no_new_privs)"
check "static binary: fixes" ok "$(fixes_present "$OUT")"

doctor_in "$NS" "$T_TMP/setuid-hello"
check "setuid: exit 1" 1 "$RC"
check "setuid: FAIL" FAIL "$(status_of "$OUT" setid)"
check "setuid: still dynamic" PASS "$(status_of "$OUT" binary)"

doctor_in "$NS" "$T_TMP/setgid-hello"
check "setgid: FAIL" FAIL "$(status_of "$OUT" setid)"

doctor_in "$NS" "$T_TMP/caps-hello"
check "file caps: exit 1" 1 "$RC"
check "file caps: FAIL" FAIL "$(status_of "$OUT" file_caps)"
check "file caps: names them" 1 \
	"$(echo "$OUT" | grep -c 'cap_net_raw[+=]ep')"

doctor_in "$NS" "$T_TMP/script.sh"
check "script: exit 0" 0 "$RC"
check "script: interpreter found" PASS "$(status_of "$OUT" interpreter)"
check "script: checks /bin/sh's target" PASS "$(status_of "$OUT" binary)"

doctor_in "$NS" "$T_TMP/env-script.sh"
check "env script: interpreter found" PASS "$(status_of "$OUT" interpreter)"

doctor_in "$NS" "$T_TMP/static-script"
check "script run by a static binary: exit 0" 0 "$RC"
check "script run by a static binary: WARN" WARN "$(status_of "$OUT" binary)"

# PATH lookup, like run's execvp.
OUT=$(PATH="$T_TMP:$PATH" nsx "$NS" "$MPTCPSHIM_BIN" doctor --json \
	static-hello) && RC=0 || RC=$?
check "PATH lookup finds the static binary" WARN "$(status_of "$OUT" binary)"

doctor_in "$NS" no-such-command-here
check "missing command: exit 1" 1 "$RC"
check "missing command: FAIL" FAIL "$(status_of "$OUT" command)"

# Go: the toolchain's version decides the expected verdict.
if command -v go >/dev/null; then
	mkdir -p gohello
	printf 'package main\nimport "fmt"\nfunc main() { fmt.Println("hi") }\n' \
		>gohello/main.go
	(cd gohello && GOCACHE="$T_TMP/gocache" GOPATH="$T_TMP/gopath" \
		GOFLAGS= GO111MODULE=off go build -o "$T_TMP/go-hello" main.go)
	gover=$(GOCACHE="$T_TMP/gocache" go env GOVERSION)
	if printf '%s\n' "$gover" | $PY -c '
import re, sys
m = re.match(r"go(\d+)\.(\d+)", sys.stdin.read())
sys.exit(0 if m and (int(m[1]), int(m[2])) >= (1, 21) else 1)'; then
		want=PASS
	else
		want=WARN	# the seccomp route reaches it
	fi
	doctor_in "$NS" "$T_TMP/go-hello"
	check "Go binary ($gover): $want" "$want" "$(status_of "$OUT" go)"
	check "Go binary: version read" 1 "$(echo "$OUT" | grep -c "$gover")"
else
	echo "FAIL: the Go toolchain (golang-go) is required by this test" >&2
	T_FAILED=1
fi

# MPTCP disabled in the namespace.
doctor_in "$OFF"
check "disabled: exit 1" 1 "$RC"
check "disabled: mptcp_enabled FAIL" FAIL "$(status_of "$OUT" mptcp_enabled)"
check "disabled: socket FAIL" FAIL "$(status_of "$OUT" mptcp_socket)"
check "disabled: says ENOPROTOOPT" 1 "$(echo "$OUT" | grep -c ENOPROTOOPT)"

# The userspace path manager (pm_type=1 also sets path_manager on 6.15+):
# a warning with a fix, not a failure.
ns_new upm >/dev/null
nsx "${T_PREFIX}-upm" sysctl -qw net.mptcp.pm_type=1
doctor_in "${T_PREFIX}-upm"
check "userspace pm: exit 0" 0 "$RC"
check "userspace pm: path_manager WARN" WARN "$(status_of "$OUT" path_manager)"
check "userspace pm: fixes" ok "$(fixes_present "$OUT")"

# The library: missing, or a file that is no library.
RC=0
OUT=$(MPTCPSHIM_LIBRARY=$T_TMP/none.so nsx "$NS" "$MPTCPSHIM_BIN" doctor --json) || RC=$?
check "no library: exit 1" 1 "$RC"
check "no library: shim_library FAIL" FAIL "$(status_of "$OUT" shim_library)"
check "no library: says not found" 1 "$(echo "$OUT" | grep -c 'libmptcpshim.so not found')"
RC=0
OUT=$(MPTCPSHIM_LIBRARY=$T_TMP/hello.c nsx "$NS" "$MPTCPSHIM_BIN" doctor --json) || RC=$?
check "not a library: exit 1" 1 "$RC"
check "not a library: shim_library FAIL" FAIL "$(status_of "$OUT" shim_library)"
check "not a library: says it does not load" 1 "$(echo "$OUT" | grep -c 'hello.c does not load')"
check "not a library: fixes" ok "$(fixes_present "$OUT")"

# Text output: one line per check, FAIL lines followed by a fix.
text=$(nsx "$OFF" "$MPTCPSHIM_BIN" doctor "$T_TMP/static-hello") || true
check "text: FAIL lines" 2 "$(echo "$text" | grep -c '^FAIL ')"
check "text: fixes" 2 "$(echo "$text" | grep -A1 '^FAIL ' | grep -c '^      fix: ')"

finish
