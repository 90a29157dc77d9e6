#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Go programs make their own system calls, so the policy reaches them only
# as GODEBUG=multipathtcp=N (0 off, 1 both, 2 listen only, 3 dial only):
# `run`, `env` and `enable` must set the value the policy decides for the
# program, keep one the user set, and `doctor` must say when per-destination
# rules cannot reach a Go binary. Needs no privileges.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"

: "${MPTCPSHIM_BIN:?set by CTest: the mptcpshim CLI}"
: "${SHIM_LIB:?set by CTest: libmptcpshim.so}"
export MPTCPSHIM_LIBRARY="$SHIM_LIB"
T=$T_TMP
export XDG_CONFIG_HOME="$T/xdg" GOCACHE="$T/gocache" GOPATH="$T/gopath"
unset GODEBUG MPTCPSHIM_CONFIG

# The program is `sh` (the shim knows it as sh, and as dash on Debian).
godebug_under_run() {
	printf '%s\n' "$1" >"$T/p.conf"
	"$MPTCPSHIM_BIN" run -c "$T/p.conf" -- sh -c 'echo "$GODEBUG"'
}
check "run, no rule: dial and listen" multipathtcp=1 \
	"$(godebug_under_run '[global]')"
check "run, mode = listed, no [app:sh]: off" multipathtcp=0 \
	"$(godebug_under_run '[global]
mode = listed
[app:other]')"
check "run, enabled = false: off" multipathtcp=0 \
	"$(godebug_under_run '[app:sh]
enabled = false')"
check "run, connect = false: listen only" multipathtcp=2 \
	"$(godebug_under_run '[app:sh]
connect = false')"
check "run, listen = false: dial only" multipathtcp=3 \
	"$(godebug_under_run '[global]
listen = false')"
check "run, both off: off" multipathtcp=0 \
	"$(godebug_under_run '[global]
listen = false
connect = false')"
printf '[app:sh]\nenabled = false\n' >"$T/p.conf"
check "run keeps the user's own multipathtcp and other keys" \
	"http2client=0,multipathtcp=1" \
	"$(GODEBUG=http2client=0,multipathtcp=1 "$MPTCPSHIM_BIN" run \
		-c "$T/p.conf" -- sh -c 'echo "$GODEBUG"')"
check "run adds to the user's other keys" "http2client=0,multipathtcp=0" \
	"$(GODEBUG=http2client=0 "$MPTCPSHIM_BIN" run -c "$T/p.conf" -- \
		sh -c 'echo "$GODEBUG"')"

printf '[app:mygo]\nconnect = false\n' >"$T/p.conf"
check "env PROGRAM: that program's value" "export GODEBUG='multipathtcp=2'" \
	"$("$MPTCPSHIM_BIN" env -c "$T/p.conf" mygo | grep GODEBUG)"
check "env without PROGRAM: the global settings" \
	"export GODEBUG='multipathtcp=1'" \
	"$("$MPTCPSHIM_BIN" env -c "$T/p.conf" | grep GODEBUG)"

printf '[global]\nmode = listed\nlisten = false\n[app:mygo]\n' >"$T/l.conf"
check "env without PROGRAM, mode = listed: the roles, not off" \
	"export GODEBUG='multipathtcp=3'" \
	"$("$MPTCPSHIM_BIN" env -c "$T/l.conf" | grep GODEBUG)"

R=$T/root
mkdir -p "$R/usr/lib/systemd/system"
printf '[Service]\nExecStart=/usr/bin/mygo\n' \
	>"$R/usr/lib/systemd/system/mygo.service"
check "enable UNIT: the policy of the program named like the unit" \
	"Environment=GODEBUG=multipathtcp=2" \
	"$(MPTCPSHIM_CONFIG="$T/p.conf" "$MPTCPSHIM_BIN" enable --root "$R" \
		--dry-run mygo.service 2>/dev/null | grep GODEBUG)"

# doctor on a Go binary needs a Go toolchain to build one: a package
# build has only the Build-Depends (no Go), CI installs golang-go.
if ! command -v go >/dev/null; then
	[ "$T_FAILED" = 0 ] || finish
	if [ "${CI:-}" = true ]; then
		echo "FAIL: go is not installed (CI must run the doctor checks)" >&2
		exit 1
	fi
	skip "the doctor checks need go (golang-go); the others passed"
fi
# doctor reads the Go version string in the binary; the binary is never
# run. Debian 12's Go is 1.19, so there the string is rewritten to 1.21
# (same length); Debian 13's 1.24 is taken as it is.
mkdir "$T/gohello"
printf 'package main\nfunc main() { println("hi") }\n' >"$T/gohello/main.go"
(cd "$T/gohello" && GOFLAGS= GO111MODULE=off GOTOOLCHAIN=local go build -o "$T/go-hello" main.go)
V=$(go env GOVERSION)
minor=${V#go1.}
minor=${minor%%[!0-9]*}
if [ "$minor" -lt 21 ]; then
	NEW=go1.21.$(printf '%*s' $((${#V} - 7)) '' | tr ' ' 0)
	LC_ALL=C sed "s/$V/$NEW/g" "$T/go-hello" >"$T/mygo"
else
	cp "$T/go-hello" "$T/mygo"
fi
chmod +x "$T/mygo"
doctor_go() {
	MPTCPSHIM_CONFIG="$T/p.conf" "$MPTCPSHIM_BIN" doctor "$T/mygo" 2>&1 |
		grep -E "Go program|cannot reach a Go" | cut -c1-4 | paste -sd' '
}
printf '[app:mygo]\nlisten = false\n' >"$T/p.conf"
check "doctor, Go, no destination rules: PASS only" "PASS" "$(doctor_go)"
check "doctor names the value run sets" 1 \
	"$(MPTCPSHIM_CONFIG="$T/p.conf" "$MPTCPSHIM_BIN" doctor "$T/mygo" 2>&1 |
		grep -c 'GODEBUG=multipathtcp=3 (the policy for mygo: dial only)')"
printf '[app:mygo]\nexclude = 10.0.0.0/8\n' >"$T/p.conf"
check "doctor, Go, exclude list: a warning that it cannot reach Go" \
	"PASS WARN" "$(doctor_go)"

# run's route for Go 1.21+ follows the policy: GODEBUG when it can say
# everything, the seccomp route when there are destination or port rules
# (or per-option modes), which only the supervisor applies.
route_of() {
	"$MPTCPSHIM_BIN" run -d -c "$T/p.conf" -- "$T/mygo" 2>&1 >/dev/null |
		grep -o 'route: [a-z]*' | head -1
}
check "run, Go 1.21+, exclude list: the seccomp route" "route: seccomp" "$(route_of)"
check "run -d says why" 1 "$("$MPTCPSHIM_BIN" run -d -c "$T/p.conf" -- "$T/mygo" 2>&1 |
	grep -c 'GODEBUG=multipathtcp cannot express its destination and port rules')"
check "policy explain says so too (a name, found in PATH as run would)" 1 \
	"$(PATH="$T:$PATH" "$MPTCPSHIM_BIN" policy explain -c "$T/p.conf" mygo |
		grep -c '^route: *seccomp (.*GODEBUG=multipathtcp cannot express')"
printf '[app:mygo]\nunsupported_option.TCP_USER_TIMEOUT = ignore\n' >"$T/p.conf"
check "run, Go 1.21+, a per-option mode: the seccomp route" "route: seccomp" "$(route_of)"
printf '[app:mygo]\nlisten = false\n' >"$T/p.conf"
check "run, Go 1.21+, no such rule: GODEBUG (preload route)" "route: preload" "$(route_of)"

# A Go program that links a Landlock package (a package of its own named
# landlock here, as go-landlock's is) may restrict its TCP itself. Go
# makes its sockets without libc, so nothing sees it do so, and Landlock's
# TCP rules do not hold for MPTCP: run, env, enable give it multipathtcp=0
# whatever the policy says, and doctor warns. A program that merely names
# the system calls (a container tool's seccomp profile: podman) is not
# taken for one. The version string is rewritten as above; the programs
# are run, but never restrict themselves (no argument).
mkdir -p "$T/gopath/src/sandbox/landlock" "$T/gosandbox" "$T/goprofile"
cat >"$T/gopath/src/sandbox/landlock/landlock.go" <<'EOF2'
package landlock

import "syscall"

func RestrictSelf(fd uintptr) error {
	if _, _, e := syscall.Syscall(446, fd, 0, 0); e != 0 {
		return e
	}
	return nil
}
EOF2
cat >"$T/gosandbox/main.go" <<'EOF2'
package main

import (
	"fmt"
	"os"
	"sandbox/landlock"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Println(landlock.RestrictSelf(0))
	}
	fmt.Println(os.Getenv("GODEBUG"))
}
EOF2
cat >"$T/goprofile/main.go" <<'EOF2'
package main

import (
	"fmt"
	"os"
)

var profile = []string{"landlock_add_rule", "landlock_create_ruleset",
	"landlock_restrict_self"}

func main() {
	if len(os.Args) > 1 {
		fmt.Println(profile)
	}
	fmt.Println(os.Getenv("GODEBUG"))
}
EOF2
(cd "$T/gosandbox" && GOFLAGS= GO111MODULE=off GOTOOLCHAIN=local go build -ldflags=-s -o "$T/go-sandbox" main.go)
(cd "$T/goprofile" && GOFLAGS= GO111MODULE=off GOTOOLCHAIN=local go build -ldflags=-s -o "$T/go-profile" main.go)
if [ "$minor" -lt 21 ]; then
	LC_ALL=C sed "s/$V/$NEW/g" "$T/go-profile" >"$T/mygo-profile"
else
	cp "$T/go-profile" "$T/mygo-profile"
fi
chmod +x "$T/mygo-profile"
if [ "$minor" -lt 21 ]; then
	LC_ALL=C sed "s/$V/$NEW/g" "$T/go-sandbox" >"$T/mygo-sandbox"
else
	cp "$T/go-sandbox" "$T/mygo-sandbox"
fi
chmod +x "$T/mygo-sandbox"
printf '[global]\n' >"$T/p.conf"
check "run, a Go program linking Landlock: multipathtcp=0" multipathtcp=0 \
	"$("$MPTCPSHIM_BIN" run -c "$T/p.conf" -- "$T/mygo-sandbox")"
check "run, the same policy, a Go program without: multipathtcp=1" multipathtcp=1 \
	"$("$MPTCPSHIM_BIN" run -c "$T/p.conf" -- sh -c 'echo "$GODEBUG"')"
check "run, a Go program that only names the system calls: multipathtcp=1" multipathtcp=1 \
	"$("$MPTCPSHIM_BIN" run -c "$T/p.conf" -- "$T/mygo-profile")"
check "env PROGRAM, a Go program linking Landlock: off" \
	"export GODEBUG='multipathtcp=0'" \
	"$("$MPTCPSHIM_BIN" env -c "$T/p.conf" "$T/mygo-sandbox" | grep GODEBUG)"
mkdir -p "$R/usr/bin"
cp "$T/mygo-sandbox" "$R/usr/bin/mygo-sandbox"
printf '[Service]\nExecStart=/usr/bin/mygo-sandbox\n' \
	>"$R/usr/lib/systemd/system/mygo-sandbox.service"
check "enable, ExecStart a Go program linking Landlock: off" \
	"Environment=GODEBUG=multipathtcp=0" \
	"$(MPTCPSHIM_CONFIG="$T/p.conf" "$MPTCPSHIM_BIN" enable --root "$R" \
		--dry-run mygo-sandbox.service 2>/dev/null | grep GODEBUG)"
check "doctor warns about it" 1 \
	"$("$MPTCPSHIM_BIN" doctor "$T/mygo-sandbox" 2>&1 |
		grep -c '^WARN.*links a Landlock library.*multipathtcp=0')"

finish
