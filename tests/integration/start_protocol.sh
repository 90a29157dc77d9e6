#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A destination rule that keeps sending connections to TCP: after two such
# connects, new sockets start as TCP (no MPTCP socket made and thrown away
# at connect), and every socket still ends as the policy says: a connect to
# an MPTCP destination and a listen() on an MPTCP address become MPTCP,
# and the next sockets start as MPTCP again. One python3 process (its
# sockets go through libc) in a namespace with its own addresses.
. "$TESTS_DIR/lib.sh"

N=$(ns_new start)
nsx "$N" ip addr add 10.77.0.1/32 dev lo
printf '[global]\nmode = all\n[destinations]\nexclude = 127.0.0.0/8\n' \
	> "$T_TMP/rule.conf"
chmod 644 "$T_TMP/rule.conf"

cat > "$T_TMP/probe.py" <<'PYEOF'
import socket
def proto(s):
	return s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)
def listener(addr):
	s = socket.socket()
	s.bind((addr, 0))
	s.listen()
	return s
tcp_srv, mptcp_srv = listener("127.0.0.1"), listener("10.77.0.1")
out = []
def connect(srv, tag):
	c = socket.socket()
	created = proto(c)
	c.connect(srv.getsockname())
	out.append("%s:%d>%d" % (tag, created, proto(c)))
	srv.accept()[0].close()
	c.close()
for i in range(3):
	connect(tcp_srv, "lo")
connect(mptcp_srv, "far")
connect(tcp_srv, "lo")
connect(tcp_srv, "lo")
l = socket.socket()
created = proto(l)
l.bind(("10.77.0.1", 0))
l.listen()
out.append("listen:%d>%d" % (created, proto(l)))
print(" ".join(out))
PYEOF

got=$(nsx "$N" env -u LD_PRELOAD XDG_CONFIG_HOME="$T_TMP" \
	MPTCPSHIM_CONFIG="$T_TMP/rule.conf" LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$SHIM_LIB" \
	timeout 30 python3 "$T_TMP/probe.py")
set -- $got
check "1st connect to an excluded address: created MPTCP, switched" "lo:262>6" "$1"
check "2nd: the same" "lo:262>6" "$2"
check "3rd: starts as TCP, no switch needed" "lo:6>6" "$3"
check "a connect to an MPTCP destination from a TCP start ends MPTCP" \
	"far:6>262" "$4"
check "after an MPTCP outcome sockets start as MPTCP again, until two connects went to TCP again" \
	"lo:262>6 lo:262>6" "$5 $6"
check "listen() on an MPTCP address from a TCP start ends MPTCP" \
	"listen:6>262" "$7"
finish
