#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Every MPTcpExt counter of the RUNNING kernel is either explained by a
# `mib --explain` rule or listed as informational, with a meaning: a
# kernel that adds a counter this mptcpshim does not know fails here.
# Also the CLI's usage errors of metrics/check/doctor --bundle.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
# The checks below read exit codes themselves.
set +e
: "${MPTCPSHIM_BIN:?set by CTest}"
cd "$T_TMP"

names=$(awk '$1 == "MPTcpExt:" { for (i = 2; i <= NF; i++) print $i; exit }' /proc/net/netstat)
[ -n "$names" ] || skip "this kernel has no MPTcpExt counters"
json=$("$MPTCPSHIM_BIN" mib --explain --all --json) || bad "mib --explain failed"
verdicts=$(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
for g in d["glossary"]:
    ok = g["role"] in ("reason", "informational") and g["meaning"] and \
        (g["role"] != "reason" or g["rule"])
    print(g["name"], "ok" if ok else "UNEXPLAINED:" + g["role"])
' "$json")
for n in $names; do
	v=$(echo "$verdicts" | awk -v n="$n" '$1 == n { print $2 }')
	[ "$v" = ok ] || bad "counter $n: '${v:-not listed by mib --explain --all}'"
done
echo "$(echo "$names" | wc -l) counters of the running kernel checked"

# The text form lists them too (one line each, with --all).
text=$("$MPTCPSHIM_BIN" mib --explain --all)
for n in $names; do
	echo "$text" | grep -q "^  $n " || bad "text glossary misses $n"
done

# Usage errors: exit 2 and a message.
expect_rc 2 "$MPTCPSHIM_BIN" metrics extra
expect_rc 2 "$MPTCPSHIM_BIN" metrics --netns no-such-netns-$$
expect_rc 2 "$MPTCPSHIM_BIN" metrics --netns ../etc
expect_rc 2 "$MPTCPSHIM_BIN" check
expect_rc 2 "$MPTCPSHIM_BIN" check no-port
expect_rc 2 "$MPTCPSHIM_BIN" check 127.0.0.1:99999
expect_rc 2 "$MPTCPSHIM_BIN" check 127.0.0.1:0
expect_rc 2 "$MPTCPSHIM_BIN" check 127.0.0.1:http
expect_rc 2 "$MPTCPSHIM_BIN" check '[::1:80'
expect_rc 2 "$MPTCPSHIM_BIN" check ::1:80
expect_rc 2 "$MPTCPSHIM_BIN" check --serve 70000
expect_rc 2 "$MPTCPSHIM_BIN" check --wait -1 127.0.0.1:1
expect_rc 2 "$MPTCPSHIM_BIN" check --count 1 127.0.0.1:1
expect_rc 2 "$MPTCPSHIM_BIN" doctor --reproduce true
expect_rc 2 "$MPTCPSHIM_BIN" doctor --bundle x.tgz --reproduce
expect_rc 2 "$MPTCPSHIM_BIN" doctor --bundle x.tgz --json
expect_rc 2 "$MPTCPSHIM_BIN" doctor --bundle x.tgz --duration abc
expect_rc 2 "$MPTCPSHIM_BIN" doctor --duration 5
expect_rc 2 "$MPTCPSHIM_BIN" check --timeout 3601 127.0.0.1:1
expect_rc 0 "$MPTCPSHIM_BIN" metrics --help
expect_rc 0 "$MPTCPSHIM_BIN" check --help

finish
