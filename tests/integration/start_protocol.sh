#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A destination rule that keeps sending connections to the protocol sockets
# do not start as: after two such connects, new sockets start as that
# protocol (no socket made and thrown away at connect), and every socket
# still ends as the policy says. An exclude rule (sockets start MPTCP, the
# excluded loopback gets TCP) and an include rule (sockets start TCP, the
# included address gets MPTCP), each with a connect and a listen() that
# the guess gets wrong. One python3 process per rule (its sockets go through
# libc) in a namespace with its own addresses.
. "$TESTS_DIR/lib.sh"

N=$(ns_new start)
nsx "$N" ip addr add 10.77.0.1/32 dev lo
printf '[global]\nmode = all\n[destinations]\nexclude = 127.0.0.0/8\n' \
	> "$T_TMP/exclude.conf"
printf '[global]\nmode = all\n[destinations]\ninclude = 10.77.0.0/16\n' \
	> "$T_TMP/include.conf"
chmod 644 "$T_TMP"/*.conf

# ACTION...: "lo"/"far" connect to a listener on 127.0.0.1/10.77.0.1,
# "listen-lo"/"listen-far" listen there; prints ACTION:CREATED>AFTER with
# the SO_PROTOCOL of the socket as created and after the call.
cat > "$T_TMP/probe.py" <<'PYEOF'
import socket, sys
ADDR = {"lo": "127.0.0.1", "far": "10.77.0.1"}
def proto(s):
	return s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)
servers = {}
for name, addr in ADDR.items():
	servers[name] = socket.socket()
	servers[name].bind((addr, 0))
	servers[name].listen()
out = []
for action in sys.argv[1:]:
	s = socket.socket()
	created = proto(s)
	if action.startswith("listen-"):
		s.bind((ADDR[action[7:]], 0))
		s.listen()
	else:
		s.connect(servers[action].getsockname())
		servers[action].accept()[0].close()
	out.append("%s:%d>%d" % (action, created, proto(s)))
	s.close()
print(" ".join(out))
PYEOF

# probe CONF ACTION...: the probe under the shim with that policy.
probe() {
	local conf=$1
	shift
	nsx "$N" env -u LD_PRELOAD XDG_CONFIG_HOME="$T_TMP" \
		MPTCPSHIM_CONFIG="$T_TMP/$conf" \
		LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$SHIM_LIB" \
		timeout 30 "$PY" "$T_TMP/probe.py" "$@"
}

set -- $(probe exclude.conf lo lo lo far lo lo listen-far)
check "exclude: 1st connect to an excluded address: created MPTCP, switched" \
	"lo:262>6" "$1"
check "exclude: 2nd: the same" "lo:262>6" "$2"
check "exclude: 3rd: starts as TCP, no switch needed" "lo:6>6" "$3"
check "exclude: a connect to an MPTCP destination from a TCP start ends MPTCP" \
	"far:6>262" "$4"
check "exclude: then MPTCP starts again until two connects went to TCP" \
	"lo:262>6 lo:262>6" "$5 $6"
check "exclude: listen() on an MPTCP address from a TCP start ends MPTCP" \
	"listen-far:6>262" "$7"

set -- $(probe include.conf far far far lo far far listen-lo)
check "include: 1st connect to an included address: created TCP, switched" \
	"far:6>262" "$1"
check "include: 2nd: the same" "far:6>262" "$2"
check "include: 3rd: starts as MPTCP, no switch needed" "far:262>262" "$3"
check "include: a connect to a TCP destination from an MPTCP start ends TCP" \
	"lo:262>6" "$4"
check "include: then TCP starts again until two connects went to MPTCP" \
	"far:6>262 far:6>262" "$5 $6"
check "include: listen() on a TCP address from an MPTCP start ends TCP" \
	"listen-lo:262>6" "$7"
finish
