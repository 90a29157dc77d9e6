# SPDX-License-Identifier: BSD-3-Clause
# Shared helpers for the namespace tests: private namespaces that are always
# removed, servers that always stop, counters read per namespace.
# Needs root. Source it; it sets `set -eu` and an EXIT trap.
set -eu

: "${MPTCPSHIM_BIN:?set by CTest: the mptcpshim CLI}"
: "${SHIM_LIB:?set by CTest: libmptcpshim.so}"
export MPTCPSHIM_LIBRARY="$SHIM_LIB"

# An ASan+UBSan build of the shim needs the sanitizer runtimes loaded
# before it in programs that were not built with them (python3, curl...).
if ldd "$SHIM_LIB" | grep -q libasan; then
	LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)${LD_PRELOAD:+ $LD_PRELOAD}"
	export LD_PRELOAD
	export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	export T_SANITIZED=1
fi

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root for network namespaces" >&2
	exit 77
fi

T_PREFIX="mst$$"
T_NAMESPACES=()
T_PIDS=()
T_TMP=$(mktemp -d)
T_FAILED=0

t_cleanup() {
	local rc=$?
	set +e
	for pid in "${T_PIDS[@]:-}"; do
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
	done
	for pid in "${T_PIDS[@]:-}"; do
		[ -n "$pid" ] && wait "$pid" 2>/dev/null
	done
	# By prefix, not by the T_NAMESPACES list: ns=$(ns_new X) registers in
	# a subshell, so the list can miss namespaces this test made.
	for ns in $(ip netns list 2>/dev/null | awk -v p="$T_PREFIX-" 'index($1, p) == 1 { print $1 }'); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$T_TMP"
	exit "$rc"
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

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

# bg_in NS SECONDS CMD...: CMD in the background in NS, killed after
# SECONDS at the latest and by the EXIT trap; sets T_LAST_PID.
bg_in() {
	local ns=$1 secs=$2
	shift 2
	ip netns exec "$ns" timeout "$secs" "$@" &
	T_LAST_PID=$!
	T_PIDS+=("$T_LAST_PID")
}

# wait_listen NS PORT: until something listens on PORT (5 s at most).
wait_listen() {
	local ns=$1 port=$2 i
	for i in $(seq 1 100); do
		if ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q .; then
			return 0
		fi
		sleep 0.05
	done
	echo "nothing listens on port $port in $ns" >&2
	return 1
}

# mib NS NAME: the MPTcpExt counter NAME in NS (0 when absent).
mib() {
	ip netns exec "$1" awk -v name="$2" '
		$1 == "MPTcpExt:" && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$1 == "MPTcpExt:" && hdr { v = (name in col) ? $(col[name]) : 0; print v; exit }
	' /proc/net/netstat
}

# check DESCRIPTION EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then
		echo "ok: $1"
	else
		echo "FAIL: $1: expected '$2', got '$3'" >&2
		T_FAILED=1
	fi
}

# check_ge DESCRIPTION MIN ACTUAL
check_ge() {
	if [ "$3" -ge "$2" ] 2>/dev/null; then
		echo "ok: $1 ($3 >= $2)"
	else
		echo "FAIL: $1: expected >= $2, got '$3'" >&2
		T_FAILED=1
	fi
}

# finish: exit status from the checks.
finish() {
	if [ "$T_FAILED" = 0 ]; then
		echo "PASS: $(basename "$0")"
		exit 0
	fi
	echo "FAILED: $(basename "$0")" >&2
	exit 1
}

# A python3 from Debian, not whatever a developer's PATH prefers.
PY=/usr/bin/python3

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
