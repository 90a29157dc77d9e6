#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `mptcpshim run --stats` with exact per-process counts across fork and exec
# (a python client that connects, forks a child that connects and then execs
# curl, or a C client in sanitizer runs) against an MPTCP server, a plain
# TCP server, and from a namespace with MPTCP disabled; the MIB deltas; and
# `mib --explain` naming the plain TCP server first.
. "$TESTS_DIR/lib.sh"

ns_new cli >/dev/null
C="${T_PREFIX}-cli"
ns_new srv >/dev/null
S="${T_PREFIX}-srv"
ip link add name "${T_PREFIX}c" netns "$C" type veth peer name "${T_PREFIX}s" netns "$S"
nsx "$C" ip addr add 10.55.0.1/24 dev "${T_PREFIX}c"
nsx "$S" ip addr add 10.55.0.2/24 dev "${T_PREFIX}s"
nsx "$C" ip link set "${T_PREFIX}c" up
nsx "$S" ip link set "${T_PREFIX}s" up

cd "$T_TMP"
mkdir www tmp
echo hello >www/index.html
# A policy of our own: every TCP socket becomes MPTCP, whatever the host has.
printf '[global]\nmode = all\n' >policy.conf
export XDG_CONFIG_HOME="$T_TMP/xdg" TMPDIR="$T_TMP/tmp"

# Plain TCP on 8080; MPTCP on 8081 (the server under the shim; the MIB
# checks below prove it answered with MP_CAPABLE).
bg_in "$S" 120 $PY -m http.server --bind 10.55.0.2 --directory www 8080 \
	>/dev/null 2>&1
bg_in "$S" 120 "$MPTCPSHIM_BIN" run -c "$T_TMP/policy.conf" -- \
	$PY -m http.server --bind 10.55.0.2 --directory www 8081 \
	>/dev/null 2>&1
wait_listen "$S" 8080
wait_listen "$S" 8081

# The program the client execs, and the done-when's client: curl, except
# in sanitizer runs where curl deadlocks with libasan preloaded (lib.sh);
# then a small C client built here stands in.
if [ -n "${T_SANITIZED:-}" ]; then
	cat >fetch.c <<'EOF_C'
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char buf[4096];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t n;

	if (argc != 3 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1)
		return 2;
	sa.sin_port = htons(atoi(argv[2]));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return 1;
	snprintf(buf, sizeof(buf), "GET / HTTP/1.0\r\n\r\n");
	if (write(fd, buf, strlen(buf)) < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	return n < 0;
}
EOF_C
	gcc -o fetch fetch.c
	CLIENT=fetch
	fetch_cmd() { echo "$T_TMP/fetch" "$1" "$2"; }
else
	CLIENT=curl
	fetch_cmd() { echo curl -sS -m 10 -o /dev/null "http://$1:$2/"; }
fi

cat >client.py <<'EOF'
import os, socket, sys
host, port = sys.argv[1], int(sys.argv[2])
def fetch():
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    while s.recv(65536):
        pass
    s.close()
fetch()
pid = os.fork()
if pid == 0:
    fetch()
    cmd = sys.argv[3:]
    os.execvp(cmd[0], cmd)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
EOF

# stats_run NAME ARGS...: run ARGS under --stats --json in the client
# namespace; the report lands in NAME.json, the exit code in RC.
stats_run() {
	local name=$1
	shift
	RC=0
	nsx "$C" timeout 60 "$MPTCPSHIM_BIN" run -c policy.conf --stats --json \
		--stats-file "$T_TMP/$name.json" -- "$@" >/dev/null || RC=$?
}

# summary NAME [LINE]: line 1, the processes sorted, " | "-separated;
# line 2, how many processes and pids there were.
summary() {
	summary_lines "$1" | sed -n "${2:-1}p"
}

summary_lines() {
	$PY - "$T_TMP/$1.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
procs = doc["processes"]
pids = {}
for p in procs:
    pids.setdefault(p["pid"], []).append(p["program"])
rows = []
for p in procs:
    # python3 under a versioned name on some systems: python3.11 -> python3
    prog = "python3" if p["program"].startswith("python3") else p["program"]
    errs = ",".join("%s:%d" % kv for kv in sorted(p["creation_fallback_errors"].items()))
    rows.append("%s sockets=%d converted=%d kept_tcp=%d creation_fallbacks=%d%s "
                "mptcp=%d fallbacks=%d max_subflows=%d" % (
        prog, p["sockets"], p["converted"], p["kept_tcp"],
        p["creation_fallbacks"], "(" + errs + ")" if errs else "",
        p["mptcp_connections"], p["handshake_fallbacks"], p["max_subflows"]))
print(" | ".join(sorted(rows)))
# pid structure: 3 processes = parent python, child python, child curl;
# the child's pid is shared by its python and curl records (exec).
shared = [pid for pid, progs in pids.items() if len(progs) == 2]
print("processes=%d pids=%d exec_kept_pid=%d" % (len(procs), len(pids), len(shared)))
EOF
}

# mib_delta NAME COUNTER: the namespace delta in the report (0 if absent).
mib_delta() {
	$PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["mib_delta"].get(sys.argv[2], 0))' \
		"$T_TMP/$1.json" "$2"
}

# --- MPTCP server ---
stats_run mptcp $PY client.py 10.55.0.2 8081 $(fetch_cmd 10.55.0.2 8081)
check "MPTCP server: exit status" 0 "$RC"
p="sockets=1 converted=1 kept_tcp=0 creation_fallbacks=0 mptcp=1 fallbacks=0 max_subflows=1"
check "MPTCP server: per process" "$CLIENT $p | python3 $p | python3 $p" \
	"$(summary mptcp)"
check "MPTCP server: fork+exec structure" \
	"processes=3 pids=2 exec_kept_pid=1" "$(summary mptcp 2)"
check "MPTCP server: MPCapableSYNTX delta" 3 "$(mib_delta mptcp MPCapableSYNTX)"
check "MPTCP server: MPCapableSYNACKRX delta" 3 \
	"$(mib_delta mptcp MPCapableSYNACKRX)"

# --- plain TCP server ---
stats_run plain $PY client.py 10.55.0.2 8080 $(fetch_cmd 10.55.0.2 8080)
check "plain server: exit status" 0 "$RC"
p="sockets=1 converted=1 kept_tcp=0 creation_fallbacks=0 mptcp=0 fallbacks=1 max_subflows=0"
check "plain server: per process" "$CLIENT $p | python3 $p | python3 $p" \
	"$(summary plain)"
check "plain server: MPCapableFallbackSYNACK delta" 3 \
	"$(mib_delta plain MPCapableFallbackSYNACK)"

# The issue's done-when: one curl, one converted socket, one fallback...
stats_run curl $(fetch_cmd 10.55.0.2 8080)
check "$CLIENT to plain server: exit status" 0 "$RC"
check "$CLIENT to plain server" \
	"$CLIENT sockets=1 converted=1 kept_tcp=0 creation_fallbacks=0 mptcp=0 fallbacks=1 max_subflows=0" \
	"$(summary curl)"
# ...and the explanation names the plain TCP server first.
explain=$(nsx "$C" "$MPTCPSHIM_BIN" mib --explain --json)
check "explain: first reason" peer_not_mptcp \
	"$(echo "$explain" | $PY -c 'import json,sys; print(json.load(sys.stdin)["reasons"][0]["id"])')"
check "explain: text says it" 1 \
	"$(nsx "$C" "$MPTCPSHIM_BIN" mib --explain | sed -n 2p | grep -c '^1\. peer not MPTCP capable')"

# Text report: on stderr, command's stdout untouched, namespace-wide label.
out=$(nsx "$C" "$MPTCPSHIM_BIN" run -c policy.conf --stats -- \
	$PY -c 'import sys; print(sys.argv[1])' hello 2>"$T_TMP/report.txt")
check "stdout is the command's own" hello "$out"
nsx "$C" "$MPTCPSHIM_BIN" run -c policy.conf --stats -- \
	$(fetch_cmd 10.55.0.2 8080) 2>"$T_TMP/report.txt"
check "report names the process" 1 \
	"$(grep -c "^  process $CLIENT\[[0-9]*\]\$" report.txt)"
check "report labels MIB deltas namespace-wide" 1 "$(grep -c 'namespace-wide' report.txt)"

# --- MPTCP disabled in the client namespace ---
nsx "$C" sysctl -qw net.mptcp.enabled=0
stats_run off $PY client.py 10.55.0.2 8080 $(fetch_cmd 10.55.0.2 8080)
check "disabled: exit status" 0 "$RC"
p="sockets=1 converted=0 kept_tcp=0 creation_fallbacks=1(ENOPROTOOPT:1) mptcp=0 fallbacks=0 max_subflows=0"
check "disabled: per process" "$CLIENT $p | python3 $p | python3 $p" \
	"$(summary off)"
check "disabled: no MPTCP SYN" 0 "$(mib_delta off MPCapableSYNTX)"
nsx "$C" sysctl -qw net.mptcp.enabled=1

# Exit status passes through; the private directory is always removed,
# also when the run is terminated (timeout(1) signals CLI and command).
stats_run exit3 sh -c 'exit 3'
check "exit status passes through" 3 "$RC"
RC=0
# sleep 60: a command that outlives timeout's SIGTERM after 1 s.
nsx "$C" timeout 1 "$MPTCPSHIM_BIN" run --stats --json \
	--stats-file "$T_TMP/term.json" -- sleep 60 || RC=$?
check "SIGTERM: timeout's own status" 124 "$RC"
check "SIGTERM: report written with the command's status" 143 \
	"$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["exit_status"])' "$T_TMP/term.json")"
check "stats directories removed" "" "$(ls "$T_TMP/tmp")"
# Without --stats the shim gets no stats location at all.
check "no MPTCPSHIM_STATS without --stats" 0 \
	"$(nsx "$C" "$MPTCPSHIM_BIN" run -- env | grep -c '^MPTCPSHIM_STATS=' || true)"

finish
