#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `doctor --bundle` during a two-path transfer (topo2.sh, a signal
# endpoint on the server): the archive holds what its README lists, the
# path-manager events of the transfer (its second subflow among them) and
# the counters' change; no secret gets in: an environment variable and an
# argument carrying a marker appear nowhere, addresses only with
# --addresses. And doctor reports an active blackhole with its cause.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/topo2.sh"

topo2_setup
nsx "$S" ip mptcp endpoint add 10.62.2.2 dev "${T_PREFIX}sb" signal
ENV_MARKER=envsecret-$$-7f3a
ARG_MARKER=argsecret-$$-91c2

# bundle FILE [OPTIONS...]: the transfer reproduced under doctor --bundle,
# a marker in the environment and one in the command's arguments.
bundle() {
	local file=$1
	shift
	nsx "$C" env MY_API_TOKEN="$ENV_MARKER" "$MPTCPSHIM_BIN" doctor \
		--bundle "$file" "$@" --reproduce "$MPTCPSHIM_BIN" run \
		-c policy.conf -- $PY -c "$TOPO2_CLIENT" "$SRV" 5201 1 recv \
		"--password=$ARG_MARKER"
}

rc=0
bundle b.tgz 2>err.txt || rc=$?
check "bundle: exit 0" 0 "$rc"
check "bundle: said where" 1 "$(grep -c 'bundle written: b.tgz' err.txt)"
mkdir x
tar -xzf b.tgz -C x
B=x/mptcpshim-bundle
for f in README.txt kernel.txt sysctl.txt endpoints.txt endpoints.json \
	 doctor.txt ss-Mani-before.txt ss-Mani.txt conns.json ss-Mani-during.txt \
	 conns-during.json nstat-baseline.txt \
	 nstat-delta.txt mib-explain.txt pm-events.txt reproduce.txt \
	 metrics.prom; do
	check "bundle has $f, described in README" yes \
		"$([ -s "$B/$f" ] && grep -q "^$f " "$B/README.txt" && echo yes || echo no)"
done
check "README lists only files that are there" "" \
	"$(awk 'NR > 5 && NF { print $1 }' "$B/README.txt" | while read -r f; do [ -e "$B/$f" ] || echo "$f"; done)"
check "kernel release" "$(uname -r)" "$(awk 'NR == 1 { print $2 }' "$B/kernel.txt")"
check "the distribution" "$(grep '^PRETTY_NAME=' /etc/os-release)" "$(grep '^PRETTY_NAME=' "$B/kernel.txt")"
check "sysctls: blackhole_timeout" 1 "$(grep -c '^net\.mptcp\.blackhole_timeout = ' "$B/sysctl.txt")"
check "sysctls: path manager" 1 "$(grep -c '^net\.mptcp\.path_manager = \|^net\.mptcp\.pm_type = ' "$B/sysctl.txt" | awk '{ print ($1 >= 1) }')"
check_ge "events: the transfer's subflows" 2 "$(grep -c ' sf_established ' "$B/pm-events.txt")"
check_ge "events: the server's announcement" 1 "$(grep -c ' announced ' "$B/pm-events.txt")"
check "events: the connection created" 1 "$(grep -c ' created ' "$B/pm-events.txt")"
check_ge "delta: the joins of the transfer" 2 \
	"$(awk '$1 == "MPTcpExtMPJoinSynTx" { print $2 }' "$B/nstat-delta.txt")"
check "baseline: every counter, nstat's names" \
	"$(nsx "$C" awk '$1 == "MPTcpExt:" { print NF - 1; exit }' /proc/net/netstat)" \
	"$(grep -c '^MPTcpExt' "$B/nstat-baseline.txt")"
check "doctor: the endpoint flags" 1 "$(grep -c '^PASS  endpoint flags: subflow 1$' "$B/doctor.txt")"
check "reproduce: the program's name" "program: mptcpshim" "$(head -1 "$B/reproduce.txt")"
check "reproduce: its exit status" "exit status: 0" "$(sed -n 2p "$B/reproduce.txt")"
check "ss -Mani during: the connection's two extra subflows" 1 \
	"$(grep -c 'subflows:2 ' "$B/ss-Mani-during.txt")"
check "conns during: the client's connection" True \
	"$(json_get "$B/conns-during.json" 'any(len(c["subflows"]) >= 2 for p in d["processes"] for c in p["connections"])')"

# Secrets: neither marker anywhere, inside or compressed; no address of
# the topology without --addresses, the same pseudonym everywhere.
check "no environment value in the bundle" 0 "$(grep -rl "$ENV_MARKER" x | wc -l)"
check "no argument in the bundle" 0 "$(grep -rl "$ARG_MARKER" x | wc -l)"
check "no marker in the archive bytes" 0 "$(zcat b.tgz | grep -c -a "secret-$$-" || true)"
check "no address of the topology" 0 "$(grep -rl '10\.62\.' x | wc -l)"
check "pseudonyms instead" 1 "$(grep -c 'ipv4-1' "$B/pm-events.txt" | awk '{ print ($1 >= 1) }')"

rc=0
bundle a.tgz --addresses 2>/dev/null || rc=$?
check "--addresses: exit 0" 0 "$rc"
mkdir y
tar -xzf a.tgz -C y
check_ge "--addresses: the real ones" 1 "$(grep -c '10\.62\.2\.2' y/mptcpshim-bundle/pm-events.txt)"
check "--addresses: still no secret" 0 "$(grep -rl "secret-$$-" y | wc -l)"

# Without a command: a delta over --duration; a command that cannot run.
rc=0
nsx "$C" "$MPTCPSHIM_BIN" doctor --bundle d.tgz --duration 0.2 2>/dev/null || rc=$?
check "--duration: exit 0" 0 "$rc"
check "--duration: said" "no command: counters and events over 0.2 s" \
	"$(tar -xzOf d.tgz mptcpshim-bundle/reproduce.txt)"
check "--duration: no connection, no snapshot during, not in README" 0 \
	"$(tar -xzOf d.tgz mptcpshim-bundle/README.txt | grep -c '^ss-Mani-during\|^conns-during')"
nsx "$C" "$MPTCPSHIM_BIN" doctor --bundle n.tgz --reproduce ./no-such-program 2>/dev/null || true
check "a missing program: said" "could not start: No such file or directory" \
	"$(tar -xzOf n.tgz mptcpshim-bundle/reproduce.txt | sed -n 2p)"
rc=0
"$MPTCPSHIM_BIN" doctor --bundle "$T_TMP/no/such/dir/b.tgz" --duration 0 2>/dev/null || rc=$?
check "an unwritable bundle: exit 1" 1 "$rc"

# A firewall blackhole: SYNs with MPTCP options dropped on loopback; the
# plain retry works, so the kernel disables outgoing MPTCP.
BH=$(ns_new bh)
nsx "$BH" sysctl -qw net.mptcp.syn_retrans_before_tcp_fallback=0
nsx "$BH" nft add table inet t
nsx "$BH" nft add chain inet t in '{ type filter hook input priority 0; policy accept; }'
nsx "$BH" nft add rule inet t in tcp option mptcp exists drop
bg_in "$BH" 30 $PY -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 7000)); s.listen(8)
while True:
    c, _ = s.accept(); c.close()'
wait_listen "$BH" 7000
check "before: no blackhole" 1 "$(nsx "$BH" "$MPTCPSHIM_BIN" doctor --json | $PY -c '
import json, sys; d = json.load(sys.stdin)
print(sum(1 for c in d["checks"] if c["id"] == "blackhole" and c["status"] == "PASS"))')"
nsx "$BH" $PY -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262); s.settimeout(10)
s.connect(("127.0.0.1", 7000)); s.close()'
check "the kernel detected it" 1 "$(mib "$BH" Blackhole)"
nsx "$BH" "$MPTCPSHIM_BIN" doctor --json >bh.json || true
bh() { json_get bh.json "[c for c in d['checks'] if c['id'] == 'blackhole'][0]$1"; }
check "doctor: a warning" WARN "$(bh '["status"]')"
check "doctor: active" True "$(bh '["message"].startswith("MPTCP blackhole ACTIVE")')"
check "doctor: its cause" True "$(bh '["message"].count("MPCapableSYNTXDrop 1") == 1')"
check "doctor: its timer" True "$(bh '["message"].count("blackhole_timeout 3600 s") == 1')"
check "doctor: syn_retrans_before_tcp_fallback" True \
	"$(bh '["message"].count("syn_retrans_before_tcp_fallback = 0") == 1')"
nsx "$BH" "$MPTCPSHIM_BIN" metrics >bh.prom
check "metrics: active" 1 "$(awk '/^mptcp_blackhole_active[{]/ { print $2 }' bh.prom)"
# Over once the period ends (timeout 1 s; poll, bounded).
nsx "$BH" sysctl -qw net.mptcp.blackhole_timeout=1
wait_until 10 "the blackhole period to end" \
	sh -c "ip netns exec '$BH' '$MPTCPSHIM_BIN' metrics | grep -q '^mptcp_blackhole_active{.*} 0\$'"
nsx "$BH" "$MPTCPSHIM_BIN" doctor --json >bh.json || true
check "doctor: over" True "$(bh '["message"].startswith("MPTCP blackhole over")')"
finish
