#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Warnings never go into the program's connection (issue 20, item 1). An
# inetd-style service (socat EXEC with the connection on fd 0-2, as xinetd
# or systemd's Accept=yes give it) and a program that closed stderr and got
# a socket at fd 2: the peer receives exactly the program's bytes, and the
# warning reaches the system log (a journal socket, else /dev/log, both
# listened to by this test in a private mount namespace) and `run --stats`.
# A stderr that is a pipe still gets the line.
source "$(dirname "$0")/lib.sh"

ns=$(ns_new logsink)
ROOT_TMP=$T_TMP
mkdir -p "$ROOT_TMP/www" "$ROOT_TMP/out"
printf 'the body, and nothing before it\n' > "$ROOT_TMP/www/body.txt"
# A policy file with a mistake: the first socket() warns about it.
printf '[global]\nno_such_key = 1\n' > "$ROOT_TMP/broken.conf"
chmod 0644 "$ROOT_TMP/broken.conf"
# A good one: the warning then comes from an option that costs MPTCP.
printf '[global]\nmode = all\n' > "$ROOT_TMP/good.conf"
chmod 0644 "$ROOT_TMP/good.conf"

bg_in "$ns" 60 "$PY" -m http.server --bind 127.0.0.1 --directory "$ROOT_TMP/www" 8080
wait_listen "$ns" 8080

# The service: a real HTTP client whose output is the peer's data. Under
# ASan, python (curl/wget deadlock with libasan preloaded, see lib.sh).
if [ -n "${T_SANITIZED:-}" ]; then
	SERVICE="$PY -c 'import sys,urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(\"http://127.0.0.1:8080/body.txt\", timeout=20).read())'"
else
	SERVICE="wget -qO- http://127.0.0.1:8080/body.txt"
fi

# in_sink MODE SCRIPT: SCRIPT in the namespace with a private mount
# namespace whose /run (and, for MODE devlog, /dev) are this test's: the
# system log is a datagram listener writing to $ROOT_TMP/out/MODE.log.
in_sink() {
	local mode=$1 script=$2
	nsx "$ns" unshare -m --propagation private bash -eu -c '
		mode=$1 out=$2/out script=$3
		mount -t tmpfs tmpfs /run
		if [ "$mode" = journal ]; then
			mkdir -p /run/systemd/journal
			sock=/run/systemd/journal/socket
		else
			# Our own /dev: /dev/log must not appear in the host devtmpfs.
			mkdir -p "$2/olddev"
			mount --rbind /dev "$2/olddev"
			mount -t tmpfs tmpfs /dev
			for n in null zero urandom random; do
				touch "/dev/$n"
				mount --bind "$2/olddev/$n" "/dev/$n"
			done
			sock=/dev/log
		fi
		timeout 30 socat -u UNIX-RECV:"$sock" OPEN:"$out/$mode.log",creat,append &
		for i in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.05; done
		eval "$script"
		# The listener may still hold a datagram: let it write (bounded).
		for i in $(seq 1 40); do [ -s "$out/$mode.log" ] && break; sleep 0.05; done
		kill %1 2>/dev/null || true
		wait 2>/dev/null || true
	' _ "$mode" "$ROOT_TMP" "$script"
}

# inetd MODE PORT CMD: CMD as an inetd-style service on PORT (its fd 0-2
# the connection), one client; what the client received goes to
# $ROOT_TMP/out/MODE.peer. CMD goes through a script: socat's address
# syntax would split it at its colons.
inetd() {
	local mode=$1 port=$2 cmd=$3
	printf '#!/bin/sh\nexec %s\n' "$cmd" > "$ROOT_TMP/svc$port"
	chmod 0755 "$ROOT_TMP/svc$port"
	in_sink "$mode" "
		timeout 30 socat TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr EXEC:$ROOT_TMP/svc$port,stderr &
		for i in \$(seq 1 100); do ss -Hltn 'sport = :$port' | grep -q . && break; sleep 0.05; done
		timeout 30 socat -u TCP:127.0.0.1:$port CREATE:\$out/$mode.peer
		wait %2 2>/dev/null || true
	"
}

body=$(cat "$ROOT_TMP/www/body.txt")
# Quoted: under ASan LD_PRELOAD lists the sanitizer runtimes first.
preload="env LD_PRELOAD='${LD_PRELOAD:+$LD_PRELOAD }$SHIM_LIB' MPTCPSHIM_CONFIG=$ROOT_TMP/broken.conf"

# 1. inetd-style, journal present: the peer gets the body only.
inetd journal 7001 "$preload $SERVICE"
check "inetd service (journal): the peer receives exactly the program's bytes" \
	"$body" "$(cat "$ROOT_TMP/out/journal.peer")"
check "the warning is in the journal, with its priority and identifier" 1 \
	"$(grep -c 'MESSAGE=.*broken.conf:2: .*file ignored' "$ROOT_TMP/out/journal.log" || true)"
check "journal fields" "PRIORITY=4 SYSLOG_IDENTIFIER=mptcpshim" \
	"$(grep -o 'PRIORITY=4\|SYSLOG_IDENTIFIER=mptcpshim' "$ROOT_TMP/out/journal.log" | sort -u | tr '\n' ' ' | sed 's/ $//')"

echo "the peer received $(wc -c < "$ROOT_TMP/out/journal.peer") bytes; the body is $(printf "%s\n" "$body" | wc -c)"

# 2. No journal, /dev/log only (a syslog daemon): same, in syslog's format.
inetd devlog 7002 "$preload $SERVICE"
check "inetd service (/dev/log): the peer receives exactly the program's bytes" \
	"$body" "$(cat "$ROOT_TMP/out/devlog.peer")"
check "the warning is in syslog as <12>mptcpshim[PID]: ..." 1 \
	"$(grep -c '^<12>mptcpshim\[[0-9]*\]: warning: .*broken.conf:2: ' "$ROOT_TMP/out/devlog.log" || true)"

# 3. run --stats shows what could not go to stderr (the report to a file:
# run's own stderr is the connection too).
rm -f "$ROOT_TMP/out/journal.log"
inetd journal 7003 "$MPTCPSHIM_BIN run --stats --stats-file $ROOT_TMP/out/stats.txt -c $ROOT_TMP/broken.conf -- $SERVICE"
check "run, inetd-style: the peer receives exactly the program's bytes" \
	"$body" "$(cat "$ROOT_TMP/out/journal.peer")"
check "run --stats shows the warning" 1 \
	"$(grep -c 'broken.conf:2: .*file ignored' "$ROOT_TMP/out/stats.txt" || true)"

# 4. A program that closed stderr: its connection gets fd 2, and a warning
# (an option that costs MPTCP) comes after. The peer must get "hello" only.
rm -f "$ROOT_TMP/out/journal.log"
in_sink journal "
	timeout 30 socat -u TCP-LISTEN:7004,bind=127.0.0.1,reuseaddr CREATE:\$out/closed.peer &
	for i in \$(seq 1 100); do ss -Hltn 'sport = :7004' | grep -q . && break; sleep 0.05; done
	$preload MPTCPSHIM_CONFIG=$ROOT_TMP/good.conf timeout 30 $PY -c '
import os, socket
os.close(2)
c = socket.create_connection((\"127.0.0.1\", 7004))
assert c.fileno() == 2, c.fileno()
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 1000)
c.sendall(b\"hello\")
c.close()
'
	wait %2 2>/dev/null || true
"
check "closed stderr: the peer on fd 2 receives exactly the program's bytes" \
	hello "$(cat "$ROOT_TMP/out/closed.peer")"
check "closed stderr: the warning is in the journal" 1 \
	"$(grep -c 'MESSAGE=.*TCP_USER_TIMEOUT costs MPTCP' "$ROOT_TMP/out/journal.log" || true)"

# 5. stderr a pipe (the usual case): the line is there, the journal empty.
rm -f "$ROOT_TMP/out/journal.log"
in_sink journal "$preload $SERVICE 2>&1 >/dev/null | cat > \$out/pipe.err"
check "stderr a pipe: the warning is on it" 1 \
	"$(grep -c '^mptcpshim\[[0-9]*\]: warning: .*broken.conf:2: ' "$ROOT_TMP/out/pipe.err" || true)"
check "stderr a pipe: nothing in the journal" 0 \
	"$(cat "$ROOT_TMP/out/journal.log" 2>/dev/null | wc -c)"

finish
