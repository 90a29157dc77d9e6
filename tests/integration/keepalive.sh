#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The [keepalive] policy across client -- router -- server: its values read
# back with getsockopt on converted sockets (connected and accepted), an
# app's own SO_KEEPALIVE/TCP_KEEPIDLE winning, plain TCP sockets left alone
# unless all_tcp; and the kernel's keepalive timer on real socat
# connections (ss), with the bytes checksummed. mptcpize has no keepalive
# policy: its connections carry none, which is printed as the contrast.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/topo.sh"

topo_new
cd "$T_TMP"
mkdir www tmp
head -c 262144 /dev/urandom >www/blob
export XDG_CONFIG_HOME="$T_TMP/xdg" TMPDIR="$T_TMP/tmp"
ka='[keepalive]\nenabled = true\nidle = 50\ninterval = 10\ncount = 6\n'
printf "[global]\nmode = all\n$ka" >ka.conf
# The server is excluded: the client socket is switched to TCP at connect.
printf "[global]\nmode = all\n$ka[destinations]\nexclude = %s, %s\n" \
	"$SRV4" "$SRV6" >excluded.conf
printf "[global]\nmode = all\n${ka}all_tcp = true\n[destinations]\n%s\n" \
	"exclude = $SRV4, $SRV6" >all_tcp.conf
# The kernel's defaults, for sockets the policy must not touch.
IDLE0=$(nsx "$C" cat /proc/sys/net/ipv4/tcp_keepalive_time)
INTVL0=$(nsx "$C" cat /proc/sys/net/ipv4/tcp_keepalive_intvl)
CNT0=$(nsx "$C" cat /proc/sys/net/ipv4/tcp_keepalive_probes)
GETS="get:SO_KEEPALIVE get:TCP_KEEPIDLE get:TCP_KEEPINTVL get:TCP_KEEPCNT"

# probe NAME CONF ADDR ARGS...: sockprobe connect under the shim (with
# --stats: NAME.json) against sockprobe listen under ka.conf, both reading
# the keepalive options back (NAME.out, NAME-srv.out).
probe() {
	local name=$1 conf=$2 addr=$3
	shift 3
	bg_in "$S" 30 "$MPTCPSHIM_BIN" run -c "$T_TMP/ka.conf" -- \
		"$SOCKPROBE" listen "$addr" 9000 $GETS >"$name-srv.out"
	wait_listen "$S" 9000
	nsx "$C" "$MPTCPSHIM_BIN" run -c "$conf" --stats --json \
		--stats-file "$name.json" -- \
		"$SOCKPROBE" connect "$addr" 9000 "$@" >"$name.out" || true
	reap "$T_LAST_PID"
}

# reap PID: the one-connection server ends by itself once its client came
# (2 s at most); stopped otherwise, as when the client could not start.
reap() {
	wait_until 2 "the server's end" t_gone "$1" || true
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# read_back NAME: the protocol and, after connect, the values of
# SO_KEEPALIVE/TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT as "ka=1/60/10/6".
read_back() {
	local f=$1.out
	echo "$(grep '^socket\|^accepted' "$f" | cut -d' ' -f2)" \
		"ka=$(grep '^get' "$f" | tail -4 | cut -d= -f2 | paste -sd/)"
}

for v in 4 6; do
	addr=$SRV4
	[ $v = 4 ] || addr=$SRV6
	probe conv$v ka.conf "$addr" $GETS
	check "converted v$v: policy values read back" \
		"protocol=262 ka=1/50/10/6" \
		"$(read_back conv$v)"
	check "converted v$v: accepted socket has them too" \
		"protocol=262 ka=1/50/10/6" \
		"$(read_back conv$v-srv)"
	check_ge "converted v$v: stats count keepalive" 1 \
		"$(stats_get conv$v.json keepalive)"
done

probe idle ka.conf "$SRV4" TCP_KEEPIDLE=30 $GETS
check "app's TCP_KEEPIDLE=30 wins, the rest is policy" \
	"protocol=262 ka=1/30/10/6" \
	"$(read_back idle)"

probe off ka.conf "$SRV4" SO_KEEPALIVE=0 TCP_KEEPCNT=3 $GETS
check "app's SO_KEEPALIVE=0 and TCP_KEEPCNT=3 win" \
	"protocol=262 ka=0/50/10/3" \
	"$(read_back off)"

probe excl excluded.conf "$SRV4" $GETS
check "kept TCP (excluded), all_tcp=false: untouched" \
	"protocol=6 ka=0/$IDLE0/$INTVL0/$CNT0" \
	"$(read_back excl)"

probe all all_tcp.conf "$SRV4" $GETS
check "kept TCP (excluded), all_tcp=true: policy values" \
	"protocol=6 ka=1/50/10/6" \
	"$(read_back all)"
# Given at creation (MPTCP) and again to the TCP socket built at connect:
# still one socket of the app's.
check "all_tcp, switched to TCP: stats count one socket" 1 \
	"$(stats_get all.json keepalive)"

# An app's explicit value survives the switch to TCP at connect, too.
probe allidle all_tcp.conf "$SRV4" TCP_KEEPIDLE=30 $GETS
check "all_tcp, switched to TCP: app's TCP_KEEPIDLE=30 replayed over it" \
	"protocol=6 ka=1/30/10/6" \
	"$(read_back allidle)"

bg_in "$S" 30 "$MPTCPSHIM_BIN" run -c "$T_TMP/ka.conf" -- \
	"$SOCKPROBE" listen "$SRV4" 9000 >mz-srv.out
wait_listen "$S" 9000
nsx "$C" mptcpize run "$SOCKPROBE" connect "$SRV4" 9000 $GETS >mz.out || true
reap "$T_LAST_PID"
mz=$(read_back mz)
if [ "$mz" = "protocol=262 ka=0/$IDLE0/$INTVL0/$CNT0" ]
then
	echo "contrast: mptcpize run sockprobe: $mz (no keepalive);" \
		"mptcpshim: protocol=262 ka=1/50/10/6"
else
	echo "note: mptcpize run sockprobe read back: $mz"
fi

# --- the kernel's keepalive timer on real socat connections ---
# Each client connects from a known port, then waits on a FIFO before it
# sends the blob, so the connection can be inspected while it idles.
# client_socat N RUN...: client N (source port 3000N: below the ephemeral
# range, so no other connection of the namespace can hold it) to server
# port 900N.
client_socat() {
	local n=$1
	shift
	mkfifo "go$n"
	bg_in "$S" 30 "$MPTCPSHIM_BIN" run -c "$T_TMP/ka.conf" -- \
		socat -u TCP-LISTEN:900$n,reuseaddr CREATE:"$T_TMP/recv$n"
	SOCAT_PIDS+=("$T_LAST_PID")
	wait_listen "$S" 900$n
	bg_in "$C" 30 "$@" socat -u SYSTEM:"read go <go$n; cat www/blob" \
		"TCP:$SRV4:900$n,sourceport=3000$n${OPT:-}"
	SOCAT_PIDS+=("$T_LAST_PID")
}

# established N: until client N's connection is up (5 s at most).
established() {
	wait_until 5 "client $1 established" \
		t_tcp_established "$C" "sport = :3000$1" || true
}

# timer N: seconds left on the keepalive timer of client N's TCP socket
# (the MPTCP subflow), "none" without one; and whether it is a subflow.
timer() {
	local t mptcp
	t=$(nsx "$C" ss -Htno state established "sport = :3000$1" |
		grep -o 'timer:(keepalive,[0-9]*sec' | grep -o '[0-9]*') ||
		t=none
	mptcp=$(nsx "$C" ss -HMn state established "sport = :3000$1" |
		grep -c . || true)
	echo "$t mptcp=$mptcp"
}

SOCAT_PIDS=()
client_socat 2 "$MPTCPSHIM_BIN" run -c ka.conf --
OPT=,keepidle=20 client_socat 3 "$MPTCPSHIM_BIN" run -c ka.conf --
client_socat 4 mptcpize run
pids=$(seq 2 4)
for n in $pids; do established $n; done
read -r t2 m2 <<<"$(timer 2)"
read -r t3 m3 <<<"$(timer 3)"
read -r t4 m4 <<<"$(timer 4)"
for n in $pids; do echo go >"go$n"; done
for pid in "${SOCAT_PIDS[@]}"; do wait "$pid" || true; done
check "socat, policy only: MPTCP" mptcp=1 "$m2"
check_ge "socat, policy only: keepalive timer above the app's 20 s" 21 "$t2"
check "socat, policy only: timer within the policy's 50 s" yes \
	"$([ "$t2" -le 50 ] 2>/dev/null && echo yes || echo "no ($t2)")"
check "socat keepidle=20: MPTCP" mptcp=1 "$m3"
check "socat keepidle=20: the app's idle wins" yes \
	"$([ "$t3" -le 20 ] 2>/dev/null && echo yes || echo "no ($t3)")"
for n in 2 3; do
	check "socat $n: bytes" same "$(same_bytes www/blob recv$n)"
done
if [ "$t4" = none ]; then
	echo "contrast: mptcpize run socat: MPTCP ($m4), no keepalive timer;" \
		"mptcpshim: keepalive timer ${t2}s (policy), ${t3}s (app's own)"
	check "contrast: mptcpize's socat: bytes" same \
		"$(same_bytes www/blob recv4)"
else
	echo "note: mptcpize's socat connection has a keepalive timer ($t4)"
fi

finish
