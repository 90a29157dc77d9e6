# SPDX-License-Identifier: BSD-3-Clause
# The one shell toolkit of the test scripts (source it first): checks and
# the verdict, skips, a private temporary directory and background
# processes removed on every exit path, bounded waits on a condition, and
# network namespaces that are always deleted. It sets `set -eu` and the
# EXIT trap; a script adds its own clean-up with t_on_exit, never by
# replacing the trap.
set -eu

T_FAILED=0
T_PIDS=()
T_NAMESPACES=()
T_ON_EXIT=()
T_PREFIX="mst$$"
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mptcpshim-test.XXXXXX")
# A python3 from Debian, not whatever a developer's PATH prefers.
PY=/usr/bin/python3

# --- verdict -----------------------------------------------------------
ok() { echo "ok: $1"; }
bad() {
	echo "FAIL: $1" >&2
	T_FAILED=1
}

# check DESCRIPTION EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected '$2', got '$3'"; fi
}

# check_ge DESCRIPTION MIN ACTUAL
check_ge() {
	if [ "$3" -ge "$2" ] 2>/dev/null; then
		ok "$1 ($3 >= $2)"
	else
		bad "$1: expected >= $2, got '$3'"
	fi
}

# check_contains DESCRIPTION NEEDLE HAYSTACK
check_contains() {
	case "$3" in
	*"$2"*) ok "$1" ;;
	*) bad "$1: '$2' not in: $3" ;;
	esac
}

# expect_rc RC CMD...: runs CMD, keeps its stdout+stderr in $out; a
# failed check unless it exits RC.
expect_rc() {
	local want=$1 rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" = "$want" ] || bad "'$*' exited $rc, expected $want: $out"
}

# finish: the exit status from the checks.
finish() {
	if [ "$T_FAILED" = 0 ]; then
		echo "PASS: $(basename "$0")"
		exit 0
	fi
	echo "FAILED: $(basename "$0")" >&2
	exit 1
}

# --- skips -------------------------------------------------------------
# skip MESSAGE: CTest's skip (SKIP_RETURN_CODE 77).
skip() {
	echo "SKIP: $1" >&2
	exit 77
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "${1:-needs root for network namespaces}"
}

# need_cmd CMD...: skip unless every CMD is installed.
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "$c is not installed"
	done
}

# --- clean-up ----------------------------------------------------------
# t_on_exit CMD...: run CMD (as one eval'd string) on exit, before the
# background processes are stopped and the namespaces deleted.
t_on_exit() { T_ON_EXIT+=("$*"); }

t_cleanup() {
	local rc=$? pid ns hook
	set +e
	for hook in "${T_ON_EXIT[@]:-}"; do
		[ -n "$hook" ] && eval "$hook"
	done
	for pid in "${T_PIDS[@]:-}"; do
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
	done
	for pid in "${T_PIDS[@]:-}"; do
		[ -n "$pid" ] && wait "$pid" 2>/dev/null
	done
	# By prefix, not by a list: ns=$(ns_new X) registers in a subshell.
	for ns in $(ip netns list 2>/dev/null | awk -v p="$T_PREFIX-" 'index($1, p) == 1 { print $1 }'); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$T_TMP"
	exit "$rc"
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

# bg_host SECONDS CMD...: CMD in the background, killed after SECONDS at the
# latest and by the EXIT trap; sets T_LAST_PID.
bg_host() {
	local secs=$1
	shift
	timeout "$secs" "$@" &
	T_LAST_PID=$!
	T_PIDS+=("$T_LAST_PID")
}

# --- bounded waits -----------------------------------------------------
# wait_until SECONDS DESCRIPTION CMD...: polls CMD (every 50 ms) until it
# succeeds; after SECONDS says what never happened and returns 1.
wait_until() {
	local secs=$1 what=$2 end
	shift 2
	end=$(($(date +%s%N) + secs * 1000000000))
	until "$@" >/dev/null 2>&1; do
		if [ "$(date +%s%N)" -ge "$end" ]; then
			echo "waited ${secs}s in vain: $what" >&2
			return 1
		fi
		sleep 0.05
	done
}

# wait_line SECONDS FILE PATTERN: until FILE has a line matching the
# extended regular expression PATTERN.
wait_line() {
	wait_until "$1" "a line /$3/ in $2" grep -qE -- "$3" "$2"
}

# t_differs VALUE CMD...: CMD prints something other than VALUE.
t_differs() {
	local before=$1
	shift
	[ "$("$@" 2>/dev/null)" != "$before" ]
}

# t_gone PID: the process has ended.
t_gone() { ! kill -0 "$1" 2>/dev/null; }

# t_equals VALUE CMD...: CMD prints VALUE.
t_equals() {
	local want=$1
	shift
	[ "$("$@" 2>/dev/null)" = "$want" ]
}

# wait_changed SECONDS DESCRIPTION CMD...: until CMD's output differs from
# what it printed first (a counter moved, a file was written).
wait_changed() {
	local secs=$1 what=$2 before
	shift 2
	before=$("$@" 2>/dev/null || true)
	wait_until "$secs" "$what (still '$before')" t_differs "$before" "$@"
}

# --- network namespaces (need_root first) -------------------------------
# ns_new NAME: a fresh namespace with lo up; its name is printed.
ns_new() {
	local ns="${T_PREFIX}-$1"
	ip netns add "$ns"
	T_NAMESPACES+=("$ns")
	ip -n "$ns" link set lo up
	echo "$ns"
}

# nsx NS CMD...: run CMD inside NS.
nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# bg_in NS SECONDS CMD...: bg_host inside NS.
bg_in() {
	local ns=$1 secs=$2
	shift 2
	ip netns exec "$ns" timeout "$secs" "$@" &
	T_LAST_PID=$!
	T_PIDS+=("$T_LAST_PID")
}

# t_listens NS PORT: something listens on TCP PORT in NS ("" the host).
t_listens() {
	local -a in_ns=()
	[ -n "$1" ] && in_ns=(ip netns exec "$1")
	"${in_ns[@]}" ss -Hltn "sport = :$2" | grep -q .
}

# t_tcp_established NS FILTER: an established TCP socket (an MPTCP subflow
# is one) in NS matches the ss FILTER, e.g. "( dport = :80 and src A )".
t_tcp_established() {
	ip netns exec "$1" ss -Htn state established "$2" | grep -q .
}

# ns_supervisors NS: the pids of the live (not zombie) seccomp-route
# supervisors (comm mptcpshim-sup) in namespace NS, one per line.
ns_supervisors() {
	local p
	for p in $(ip netns pids "$1"); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = mptcpshim-sup ] || continue
		[ "$(awk '{ print $3 }' /proc/"$p"/stat 2>/dev/null)" = Z ] && continue
		echo "$p"
	done
	return 0
}

# wait_listen NS PORT [SECONDS]: until something listens on PORT in NS
# ("" the host); 5 s at most unless told.
wait_listen() {
	wait_until "${3:-5}" "a listener on port $2 in ${1:-the host}" \
		t_listens "$1" "$2"
}

# mib NS NAME: the MPTcpExt counter NAME in NS (0 when absent).
mib() {
	ip netns exec "$1" awk -v name="$2" '
		$1 == "MPTcpExt:" && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$1 == "MPTcpExt:" && hdr { v = (name in col) ? $(col[name]) : 0; print v; exit }
	' /proc/net/netstat
}

# --- the shim under test (t_use_shim) -------------------------------------
# t_use_shim: the built CLI and library from CTest's environment; an
# ASan+UBSan build of the shim gets the sanitizer runtimes loaded before
# it in programs that were not built with them (python3, curl...).
t_use_shim() {
	: "${MPTCPSHIM_BIN:?set by CTest: the mptcpshim CLI}"
	: "${SHIM_LIB:?set by CTest: libmptcpshim.so}"
	export MPTCPSHIM_LIBRARY="$SHIM_LIB"
	if ldd "$SHIM_LIB" | grep -q libasan; then
		LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)${LD_PRELOAD:+ $LD_PRELOAD}"
		export LD_PRELOAD
		export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
		export T_SANITIZED=1
	fi
}

# http_get [RUN...] -- URL OUT: fetch URL into OUT with curl, or with python3
# in sanitizer runs (curl deadlocks in setlocale when libasan is preloaded,
# shim or not). Prefix with the run command to fetch under the shim.
http_get() {
	local pre=()
	while [ "$1" != -- ]; do pre+=("$1"); shift; done
	shift
	if [ -n "${T_SANITIZED:-}" ]; then
		"${pre[@]}" "$PY" -c 'import sys, urllib.request; open(sys.argv[2], "wb").write(urllib.request.urlopen(sys.argv[1], timeout=20).read())' "$1" "$2"
	else
		"${pre[@]}" curl -sS --max-time 20 -o "$2" "$1"
	fi
}
