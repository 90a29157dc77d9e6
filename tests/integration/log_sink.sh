#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Warnings never go into the program's connection (issue 20, item 1). An
# inetd-style service (socat EXEC with the connection on fd 0-2, as xinetd
# or systemd's Accept=yes give it) and a program that closed stderr and got
# a socket at fd 2: the peer receives exactly the program's bytes, and the
# warning reaches the system log (a journal socket, else /dev/log, both
# listened to by this test in a private mount namespace) and `run --stats`.
# A stderr that is a pipe still gets the line; a data file the program
# opened at fd 2 before its first socket never does.
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

# 2b. A real inetd: xinetd with the library preloaded (as a drop-in on
# xinetd.service or /etc/ld.so.preload would), its service's fd 0-2 the
# connection. xinetd's own lines go to its stderr (a pipe here).
# Not under the sanitizers: their runtime preloaded into xinetd, an
# uninstrumented daemon that forks and execs, is not what this checks.
if command -v xinetd >/dev/null && [ -z "${T_SANITIZED:-}" ]; then
	cat >"$ROOT_TMP/xinetd.conf" <<EOF2
defaults
{
}
service mptcpshim-test
{
	type = UNLISTED
	port = 7007
	bind = 127.0.0.1
	socket_type = stream
	protocol = tcp
	wait = no
	user = root
	server = /bin/sh
	server_args = $ROOT_TMP/svc7007
}
EOF2
	printf '#!/bin/sh\nexec %s\n' "$SERVICE" >"$ROOT_TMP/svc7007"
	rm -f "$ROOT_TMP/out/journal.log"
	in_sink journal "
		$preload timeout 30 xinetd -dontfork -stayalive -pidfile $ROOT_TMP/xinetd.pid -f $ROOT_TMP/xinetd.conf 2>/dev/null &
		for i in \$(seq 1 100); do ss -Hltn 'sport = :7007' | grep -q . && break; sleep 0.05; done
		timeout 30 socat -u TCP:127.0.0.1:7007 CREATE:\$out/xinetd.peer
		# The service's warning is sent before its bytes: in the log by now.
		kill %2 2>/dev/null || true
	"
	check "xinetd service: the peer receives exactly the program's bytes" \
		"$body" "$(cat "$ROOT_TMP/out/xinetd.peer")"
	check_ge "xinetd service: its warning is in the journal" 1 \
		"$(grep -c 'MESSAGE=.*broken.conf:2: .*file ignored' "$ROOT_TMP/out/journal.log" || true)"
else
	echo "note: xinetd not installed, or a sanitizer build; its case is not checked"
fi

# 3b. `run` itself stands on the connection's fd 2 too: its own lines (the
# route under -d; the seccomp route's policy warnings, from the supervisor)
# go to the journal, never to the peer.
rm -f "$ROOT_TMP/out/journal.log"
inetd journal 7005 "$MPTCPSHIM_BIN run -d -- $SERVICE"
check "run -d, inetd-style: the peer receives exactly the program's bytes" \
	"$body" "$(cat "$ROOT_TMP/out/journal.peer")"
check "run -d: its route line is in the journal" 1 \
	"$(grep -c 'MESSAGE=mptcpshim run: route: ' "$ROOT_TMP/out/journal.log" || true)"
# run --stats without --stats-file: the report is for stderr, which here
# is the connection: the system log takes it, a line per record.
rm -f "$ROOT_TMP/out/journal.log"
inetd journal 7008 "$MPTCPSHIM_BIN run --stats -- $SERVICE"
check "run --stats, inetd-style: the peer receives exactly the program's bytes" \
	"$body" "$(cat "$ROOT_TMP/out/journal.peer")"
check "run --stats: the report is in the journal" 1 \
	"$(grep -c 'MESSAGE=mptcpshim run: mptcpshim run --stats: exit status 0' "$ROOT_TMP/out/journal.log" || true)"
if command -v busybox >/dev/null && ! ldd "$(command -v busybox)" >/dev/null 2>&1; then
	rm -f "$ROOT_TMP/out/journal.log"
	inetd journal 7006 "$MPTCPSHIM_BIN run -c $ROOT_TMP/broken.conf -- busybox wget -qO- http://127.0.0.1:8080/body.txt"
	check "run, seccomp route, inetd-style: the peer receives exactly the program's bytes" \
		"$body" "$(cat "$ROOT_TMP/out/journal.peer")"
	check "the supervisor's policy warning is in the journal" 1 \
		"$(grep -c 'MESSAGE=mptcpshim run: seccomp route: policy .*broken.conf:2: ' "$ROOT_TMP/out/journal.log" || true)"
else
	echo "note: no static busybox; the seccomp route's case is not checked"
fi

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

# 4b. A daemon that closed stderr and opened its data file (it lands at fd
# 2) before its first socket: the file is not the stream the user gave, so
# the policy warning of that socket() goes to the journal, not into the data.
rm -f "$ROOT_TMP/out/journal.log"
in_sink journal "
	$preload timeout 30 $PY -c '
import os, socket
os.close(2)
f = open(\"$ROOT_TMP/out/data.bin\", \"wb\", buffering=0)
assert f.fileno() == 2, f.fileno()
socket.socket().close()
f.write(b\"DATA\")
'
"
check "closed stderr, data file at fd 2: the file holds exactly the program's bytes" \
	DATA "$(cat "$ROOT_TMP/out/data.bin")"
check "closed stderr, data file at fd 2: the warning is in the journal" 1 \
	"$(grep -c 'MESSAGE=.*broken.conf:2: .*file ignored' "$ROOT_TMP/out/journal.log" || true)"

# 5. stderr a pipe (the usual case): the line is there, the journal empty.
rm -f "$ROOT_TMP/out/journal.log"
in_sink journal "$preload $SERVICE 2>&1 >/dev/null | cat > \$out/pipe.err"
check "stderr a pipe: the warning is on it" 1 \
	"$(grep -c '^mptcpshim\[[0-9]*\]: warning: .*broken.conf:2: ' "$ROOT_TMP/out/pipe.err" || true)"
check "stderr a pipe: nothing in the journal" 0 \
	"$(cat "$ROOT_TMP/out/journal.log" 2>/dev/null | wc -c)"

# 6. stderr a pipe whose reader has gone (`prog 2>&1 | head -1`, a dead
# logger): a warning must not kill with SIGPIPE a program that never
# writes there itself, nor `run` before it starts the program; the line
# goes to the journal. The read end is closed before CMD starts (no race
# with a reader's exit). widowed CMD...: CMD's exit status in widowed.rc,
# its stdout in widowed.out.
widowed() {
	rm -f "$ROOT_TMP/out/journal.log" "$ROOT_TMP/out/widowed.out"
	in_sink journal "
		$PY -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
rc = subprocess.call(sys.argv[1:], stderr=w, stdout=open(\"$ROOT_TMP/out/widowed.out\", \"w\"))
open(\"$ROOT_TMP/out/widowed.rc\", \"w\").write(str(rc))
' $*
	"
}
widowed $preload $SOCKPROBE table
check "stderr a pipe without reader: the program is not killed by SIGPIPE" 0 \
	"$(cat "$ROOT_TMP/out/widowed.rc")"
check_ge "and its own output is complete" 1 \
	"$(grep -c . "$ROOT_TMP/out/widowed.out" || true)"
check "and the warning is in the journal" 1 \
	"$(grep -c 'MESSAGE=.*broken.conf:2: .*file ignored' "$ROOT_TMP/out/journal.log" || true)"
widowed $MPTCPSHIM_BIN run -d -- $SOCKPROBE table
check "run -d, stderr without reader: run is not killed by SIGPIPE" 0 \
	"$(cat "$ROOT_TMP/out/widowed.rc")"
check_ge "and the program ran" 1 "$(grep -c . "$ROOT_TMP/out/widowed.out" || true)"
check "and run's route line is in the journal" 1 \
	"$(grep -c 'MESSAGE=mptcpshim run: route: ' "$ROOT_TMP/out/journal.log" || true)"

finish
