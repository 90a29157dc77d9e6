# SPDX-License-Identifier: BSD-3-Clause
# Two paths between a client and a server namespace (mptcp-facts §8), for
# the conns/top/events tests. Source it after lib.sh, which removes the
# namespaces on every exit path.
#
#   client 10.62.1.1 (dev ${T_PREFIX}a) --- server 10.62.1.2   path 1
#   client 10.62.2.1 (dev ${T_PREFIX}b) --- server 10.62.2.2   path 2
#
# The client has a subflow endpoint on path 2, so an MPTCP connection to
# 10.62.1.2 gets a second subflow from 10.62.2.1 (to the server's first
# address). Each path is shaped to RATE (tbf) so a transfer lasts.

# topo2_new [RATE]: sets C, S, C1/C2 (client devices), SRV (10.62.1.2).
topo2_new() {
	local rate=${1:-20mbit} ns
	ns_new c2p >/dev/null
	ns_new s2p >/dev/null
	C="${T_PREFIX}-c2p"
	S="${T_PREFIX}-s2p"
	C1="${T_PREFIX}a"
	C2="${T_PREFIX}b"
	SRV=10.62.1.2
	ip link add name "$C1" netns "$C" type veth peer name "${T_PREFIX}sa" netns "$S"
	ip link add name "$C2" netns "$C" type veth peer name "${T_PREFIX}sb" netns "$S"
	nsx "$C" ip addr add 10.62.1.1/24 dev "$C1"
	nsx "$C" ip addr add 10.62.2.1/24 dev "$C2"
	nsx "$S" ip addr add 10.62.1.2/24 dev "${T_PREFIX}sa"
	nsx "$S" ip addr add 10.62.2.2/24 dev "${T_PREFIX}sb"
	for ns in "$C" "$S"; do
		nsx "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
		# cubic overshoots tbf queues less than the default bbr.
		nsx "$ns" sysctl -qw net.ipv4.tcp_congestion_control=cubic \
			2>/dev/null || true
		nsx "$ns" ip mptcp limits set subflows 2 add_addr_accepted 2
	done
	nsx "$C" ip link set "$C1" up
	nsx "$C" ip link set "$C2" up
	nsx "$S" ip link set "${T_PREFIX}sa" up
	nsx "$S" ip link set "${T_PREFIX}sb" up
	# The join leaves from 10.62.2.1 towards 10.62.1.2: route it via C2.
	nsx "$C" ip route add 10.62.1.2/32 dev "$C2" src 10.62.2.1 table 100
	nsx "$C" ip rule add from 10.62.2.1 table 100
	nsx "$S" ip route add 10.62.2.1/32 dev "${T_PREFIX}sb" table 100
	nsx "$S" ip rule add from 10.62.1.2 to 10.62.2.1 table 100
	nsx "$C" ip mptcp endpoint add 10.62.2.1 dev "$C2" subflow
	for ns in "$C" "$S"; do
		for dev in $(nsx "$ns" ip -o link show | awk -F': ' '$2 != "lo" { sub(/@.*/, "", $2); print $2 }'); do
			nsx "$ns" tc qdisc add dev "$dev" root tbf rate "$rate" \
				burst 32kb latency 20ms
		done
	done
}

# topo2_server SECONDS PORT: an MPTCP server (explicit IPPROTO_MPTCP) in S.
# A client that first sends "R" gets zeros until it closes; any other
# first byte makes the server read and discard. Stops after SECONDS.
topo2_server() {
	bg_in "$S" "$1" $PY -c '
import socket, sys, threading
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("0.0.0.0", int(sys.argv[1])))
srv.listen(64)
def serve(c):
    try:
        if c.recv(1) == b"R":
            buf = bytes(65536)
            while True:
                c.sendall(buf)
        while c.recv(65536):
            pass
    except OSError:
        pass
    c.close()
while True:
    try:
        c, _ = srv.accept()
    except OSError:
        continue
    threading.Thread(target=serve, args=(c,), daemon=True).start()
' "$2"
	wait_listen "$S" "$2"
}

# The client the tests run under `mptcpshim run`: a plain TCP socket (the
# shim makes it MPTCP) to ADDR PORT that receives (recv) or sends (send)
# for SECONDS, then exits.
TOPO2_CLIENT='
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
end = time.time() + float(sys.argv[3])
send = sys.argv[4] == "send"
s.sendall(b"S" if send else b"R")
buf = bytes(65536)
while time.time() < end:
    if send:
        s.sendall(buf)
    elif not s.recv(65536):
        break
s.close()
'

# topo2_setup: the two paths at 20 Mbit/s, the server on port 5201, the
# working directory and a policy (policy.conf) converting everything.
topo2_setup() {
	topo2_new 20mbit
	topo2_server 60 5201
	cd "$T_TMP"
	printf '[global]\nmode = all\n' >policy.conf
	export XDG_CONFIG_HOME="$T_TMP/xdg"
}

# json_get FILE PYTHON-EXPRESSION-ON-d
json_get() {
	$PY -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
