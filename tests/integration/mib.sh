#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `mptcpshim mib` in a private namespace: the listing agrees with the
# kernel's own file, non-zero by default and everything with --all;
# sampling prints per-interval changes (none when nothing happens, whatever
# the history); --explain over an interval ignores that history; usage
# errors.
. "$TESTS_DIR/lib.sh"

ns_new mib >/dev/null
NS="${T_PREFIX}-mib"
cd "$T_TMP"
printf '[global]\nmode = all\n' >policy.conf
export XDG_CONFIG_HOME="$T_TMP/xdg"

json_get() {	# json_get JSON PYTHON-EXPRESSION-ON-d
	$PY -c 'import json, sys; d = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

# A fresh namespace has counted nothing.
check "fresh namespace: nothing non-zero" "(all counters are zero)" \
	"$(nsx "$NS" "$MPTCPSHIM_BIN" mib)"
out=$(nsx "$NS" "$MPTCPSHIM_BIN" mib --all --json)
kernel=$(nsx "$NS" awk '$1 == "MPTcpExt:" { print NF - 1; exit }' /proc/net/netstat)
check "--all lists every counter the kernel has" "$kernel" \
	"$(json_get "$out" 'len(d["counters"])')"

# One MPTCP client connect to a plain TCP server: SYNTX and FallbackSYNACK.
bg_in "$NS" 60 $PY -m http.server --bind 127.0.0.1 8080 >/dev/null 2>&1
wait_listen "$NS" 8080
nsx "$NS" "$MPTCPSHIM_BIN" run -c policy.conf -- $PY -c '
import socket
s = socket.create_connection(("127.0.0.1", 8080), timeout=10)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
while s.recv(65536):
    pass
' >/dev/null

out=$(nsx "$NS" "$MPTCPSHIM_BIN" mib --json)
check "listing: MPCapableSYNTX" "$(mib "$NS" MPCapableSYNTX)" \
	"$(json_get "$out" 'd["counters"]["MPCapableSYNTX"]')"
check "listing: MPCapableFallbackSYNACK" 1 \
	"$(json_get "$out" 'd["counters"]["MPCapableFallbackSYNACK"]')"
check "listing: only non-zero" True \
	"$(json_get "$out" 'all(v > 0 for v in d["counters"].values())')"
text=$(nsx "$NS" "$MPTCPSHIM_BIN" mib)
check "text: one line per counter" 1 \
	"$(echo "$text" | grep -c '^MPCapableFallbackSYNACK  *1$')"

# Sampling: nothing happens meanwhile, so every interval shows no change.
out=$(nsx "$NS" "$MPTCPSHIM_BIN" mib --json --interval 0.2 --count 3)
check "sampling: 3 samples" 3 "$(json_get "$out" 'len(d["samples"])')"
check "sampling: numbered" "[1, 2, 3]" \
	"$(json_get "$out" '[s["sample"] for s in d["samples"]]')"
check "sampling: history is not a change" "[{}, {}, {}]" \
	"$(json_get "$out" '[s["counters"] for s in d["samples"]]')"
out=$(nsx "$NS" "$MPTCPSHIM_BIN" mib --json --all -i 0.1 -c 1)
check "sampling --all: zero deltas listed" 0 \
	"$(json_get "$out" 'd["samples"][0]["counters"]["MPCapableFallbackSYNACK"]')"
text=$(nsx "$NS" "$MPTCPSHIM_BIN" mib -i 0.1 -c 2)
check "sampling text: headers" 2 "$(echo "$text" | grep -c '^--- sample [12] ')"

# --explain: since creation it blames the plain server; over a quiet
# interval nothing new happened, so the fallback is not a reason.
out=$(nsx "$NS" "$MPTCPSHIM_BIN" mib --explain --json)
check "explain: plain server first" peer_not_mptcp \
	"$(json_get "$out" 'd["reasons"][0]["id"]')"
out=$(nsx "$NS" "$MPTCPSHIM_BIN" mib --explain --json --interval 0.2)
check "explain over an interval: scope" "changes over 0.2 s" \
	"$(json_get "$out" 'd["scope"]')"
check "explain over an interval: history ignored" False \
	"$(json_get "$out" '"peer_not_mptcp" in [r["id"] for r in d["reasons"]]')"

# Usage errors exit 2.
for args in "--count 2" "--interval 0" "--interval x" "-i 1 -c 0" "extra"; do
	rc=0
	"$MPTCPSHIM_BIN" mib $args >/dev/null 2>&1 || rc=$?
	check "usage error: mib $args" 2 "$rc"
done

finish
