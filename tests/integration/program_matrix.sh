#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Real, unmodified programs, both ends under one wrapper, in two namespaces
# joined by a veth (IPv4 + IPv6): a 4 MiB file goes from server to client
# and is checked by sha256, and the kernel's counters of the namespace
# where the connection was accepted (MPTcpExt MPCapableACKRX) say whether
# it ran MPTCP. Two columns: `mptcpshim run` (default policy) and mptcpd's
# `mptcpize run` as the reference. A program mptcpize gets onto MPTCP and
# mptcpshim does not fails the test, and so does any transfer that breaks
# under mptcpshim.
#
#   cli  10.62.0.1  fd00:62::1  ---veth---  srv  10.62.0.2  fd00:62::2
. "$TESTS_DIR/lib.sh"

ns_new cli >/dev/null
ns_new srv >/dev/null
C="${T_PREFIX}-cli"
S="${T_PREFIX}-srv"
C4=10.62.0.1 S4=10.62.0.2 C6=fd00:62::1 S6=fd00:62::2
ip link add name "${T_PREFIX}c" netns "$C" type veth \
	peer name "${T_PREFIX}s" netns "$S"
for end in "$C ${T_PREFIX}c $C4 $C6" "$S ${T_PREFIX}s $S4 $S6"; do
	set -- $end
	nsx "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0" net.mptcp.enabled=1
	nsx "$1" ip addr add "$3/24" dev "$2"
	nsx "$1" ip addr add "$4/64" dev "$2" nodad
	nsx "$1" ip link set "$2" up
done
set --

cd "$T_TMP"
mkdir www tmp ng
export XDG_CONFIG_HOME="$T_TMP/xdg" TMPDIR="$T_TMP/tmp"
head -c 4194304 /dev/urandom >www/blob
SUM=$(sha256sum <www/blob | cut -d' ' -f1)
# The shipped defaults: no unsupported_option, so auto.
printf '[global]\nmode = all\n' >policy.conf

# One executable per column, so that bg_in and nsx can run them.
printf '#!/bin/sh\nexec "%s" run -c "%s" -- "$@"\n' "$MPTCPSHIM_BIN" \
	"$T_TMP/policy.conf" >wrap-mptcpshim
printf '#!/bin/sh\nexec mptcpize run "$@"\n' >wrap-mptcpize
chmod +x wrap-mptcpshim wrap-mptcpize

# --- the programs' configurations, all inside $T_TMP ---
cat >haproxy.cfg <<EOF
global
	maxconn 64
defaults
	mode tcp
	timeout connect 5s
	timeout client 30s
	timeout server 30s
frontend fe
	bind $S4:8000
	default_backend be
backend be
	server origin $C4:8001
EOF

cat >nginx.conf <<EOF
daemon off;
worker_processes 1;
pid $T_TMP/ng/nginx.pid;
error_log $T_TMP/ng/error.log;
user root;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $T_TMP/ng/body;
	proxy_temp_path $T_TMP/ng/proxy;
	fastcgi_temp_path $T_TMP/ng/fastcgi;
	uwsgi_temp_path $T_TMP/ng/uwsgi;
	scgi_temp_path $T_TMP/ng/scgi;
	server { listen $S4:8003; root $T_TMP/www; }
}
EOF

cat >lighttpd.conf <<EOF
server.document-root = "$T_TMP/www"
server.bind = "$S4"
server.port = 8004
server.errorlog = "$T_TMP/lighttpd.log"
EOF

# OpenSSH: host and client keys of our own, an sshd config of our own.
ssh-keygen -q -t ed25519 -N '' -f hostkey
ssh-keygen -q -t ed25519 -N '' -f clientkey
cp clientkey.pub authorized_keys
cat >sshd_config <<EOF
Port 2222
ListenAddress $S4
ListenAddress $S6
HostKey $T_TMP/hostkey
PidFile $T_TMP/sshd.pid
AuthorizedKeysFile $T_TMP/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
# sshd insists on its privilege separation directory (systemd makes it).
if [ ! -d /run/sshd ]; then
	mkdir -m 0755 /run/sshd
	MADE_RUN_SSHD=1
fi
cleanup_run_sshd() {
	[ -z "${MADE_RUN_SSHD:-}" ] || rmdir /run/sshd 2>/dev/null || true
}
t_on_exit cleanup_run_sshd

# Java: com.sun.net.httpserver + java.net.http, and plain sockets.
mkdir java
cat >java/Http.java <<'EOF'
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

public class Http {
	public static void main(String[] a) throws Exception {
		if (a[0].equals("server")) {
			byte[] body = Files.readAllBytes(Path.of(a[3]));
			HttpServer s = HttpServer.create(new InetSocketAddress(
				a[1], Integer.parseInt(a[2])), 8);
			s.createContext("/", x -> {
				x.sendResponseHeaders(200, body.length);
				try (var o = x.getResponseBody()) { o.write(body); }
			});
			s.start();
			return;
		}
		HttpClient c = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1).build();
		var r = c.send(HttpRequest.newBuilder(URI.create(a[1])).build(),
			       HttpResponse.BodyHandlers.ofFile(Path.of(a[2])));
		System.exit(r.statusCode() == 200 ? 0 : 1);
	}
}
EOF
cat >java/Sock.java <<'EOF'
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

public class Sock {
	public static void main(String[] a) throws Exception {
		int port = Integer.parseInt(a[2]);
		if (a[0].equals("server")) {
			byte[] body = Files.readAllBytes(Path.of(a[3]));
			try (ServerSocket l = new ServerSocket(port, 8,
					InetAddress.getByName(a[1]));
			     Socket s = l.accept();
			     OutputStream o = s.getOutputStream()) {
				o.write(body);
			}
			return;
		}
		try (Socket s = new Socket(a[1], port);
		     InputStream i = s.getInputStream()) {
			Files.copy(i, Path.of(a[3]));
		}
	}
}
EOF
javac -d java java/Http.java java/Sock.java
JAVA=(java -Xshare:auto -XX:TieredStopAtLevel=1 -cp "$T_TMP/java")

# Redis moves text: the blob as base64, one line.
base64 -w0 www/blob >blob.b64
B64SUM=$( (cat blob.b64; echo) | sha256sum | cut -d' ' -f1)

# --- running one case ---
RESULTS=()

# accepted NS: MPTCP connections accepted in NS so far.
accepted() { mib "$1" MPCapableACKRX; }

# serve W NS PORT CMD...: CMD as a server under column W in NS.
serve() {
	local w=$1 ns=$2 port=$3
	shift 3
	bg_in "$ns" 60 "$T_TMP/wrap-$w" "$@" >>"$T_TMP/servers.log" 2>&1
	SERVERS+=("$T_LAST_PID")
	wait_listen "$ns" "$port"
}

stop_servers() {
	local pid
	for pid in "${SERVERS[@]:-}"; do
		[ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; }
	done
	for pid in "${SERVERS[@]:-}"; do
		[ -n "$pid" ] && { wait "$pid" 2>/dev/null || true; }
	done
	SERVERS=()
	return 0
}
SERVERS=()

# client W CMD...: CMD in the client namespace under column W (30 s at
# most), stdin from $CLIENT_IN (/dev/null); CLIENT_RC is its exit status.
client() {
	local w=$1
	shift
	CLIENT_RC=0
	nsx "$C" timeout 30 "$T_TMP/wrap-$w" "$@" >>"$T_TMP/clients.log" \
		2>&1 <"${CLIENT_IN:-/dev/null}" || CLIENT_RC=$?
}

# verdict FILE SUM BEFORE NS: "mptcp" (data intact, accepted as MPTCP),
# "tcp" (intact, plain TCP) or "broken" (exit status or data wrong).
verdict() {
	local got n
	got=$(sha256sum <"$1" 2>/dev/null | cut -d' ' -f1)
	n=$(($(accepted "$4") - $3))
	if [ "$CLIENT_RC" != 0 ] || [ "$got" != "$2" ]; then
		echo broken
	elif [ "$n" -ge 1 ]; then
		echo mptcp
	else
		echo tcp
	fi
}

# record PROGRAM ROLE W VERDICT
record() {
	RESULTS+=("$1|$2|$3|$4")
}

case_haproxy() {
	local w=$1 b4s b4c v
	rm -f out
	# The origin server runs in the client namespace, so that each
	# namespace accepts exactly one leg: frontend (srv), backend (cli).
	serve "$w" "$C" 8001 $PY -m http.server --bind "$C4" \
		--directory "$T_TMP/www" 8001
	serve "$w" "$S" 8000 haproxy -db -f "$T_TMP/haproxy.cfg"
	b4s=$(accepted "$S")
	b4c=$(accepted "$C")
	client "$w" curl -sS -o "$T_TMP/out" "http://$S4:8000/blob"
	stop_servers
	record "haproxy (tcp mode)" "server" "$w" \
		"$(verdict out "$SUM" "$b4s" "$S")"
	record "haproxy (tcp mode)" "client (to backend)" "$w" \
		"$(verdict out "$SUM" "$b4c" "$C")"
}

# pair W PORT SUM SERVER_ROW CLIENT_ROW SERVER... -- CLIENT...: one
# transfer from SERVER (in the server namespace) to CLIENT, both under W;
# the accepted connection decides both rows (CLIENT_ROW may be empty).
pair() {
	local w=$1 port=$2 sum=$3 srow=$4 crow=$5 b4 v srv=()
	shift 5
	while [ "$1" != -- ]; do
		srv+=("$1")
		shift
	done
	shift
	rm -f out
	serve "$w" "$S" "$port" "${srv[@]}"
	b4=$(accepted "$S")
	client "$w" "$@"
	stop_servers
	v=$(verdict out "$sum" "$b4" "$S")
	record "$srow" server "$w" "$v"
	[ -z "$crow" ] || record "$crow" client "$w" "$v"
}

case_ssh() {
	pair "$1" 2222 "$SUM" "openssh sshd ($2)" "openssh scp ($2)" \
		/usr/sbin/sshd -D -e -f "$T_TMP/sshd_config" -- \
		scp -q -F /dev/null -i "$T_TMP/clientkey" \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o BatchMode=yes -P 2222 "root@$3:$T_TMP/www/blob" "$T_TMP/out"
}

case_java_http() {
	pair "$1" 8005 "$SUM" "java HttpServer" "java HttpClient" \
		"${JAVA[@]}" Http server "$S4" 8005 "$T_TMP/www/blob" -- \
		"${JAVA[@]}" Http client "http://$S4:8005/blob" "$T_TMP/out"
}

case_java_socket() {
	pair "$1" 8006 "$SUM" "java ServerSocket" "java Socket" \
		"${JAVA[@]}" Sock server "$S4" 8006 "$T_TMP/www/blob" -- \
		"${JAVA[@]}" Sock client "$S4" 8006 "$T_TMP/out"
}

case_nginx() {
	pair "$1" 8003 "$SUM" nginx curl \
		nginx -p "$T_TMP/ng/" -c "$T_TMP/nginx.conf" \
		-e "$T_TMP/ng/error.log" -- \
		curl -sS -o "$T_TMP/out" "http://$S4:8003/blob"
}

case_lighttpd() {
	pair "$1" 8004 "$SUM" lighttpd wget \
		lighttpd -D -f "$T_TMP/lighttpd.conf" -- \
		wget -q -O "$T_TMP/out" "http://$S4:8004/blob"
}

case_redis() {
	local w=$1 b4 v
	rm -f out
	serve "$w" "$S" 6379 redis-server --bind "$S4" --port 6379 \
		--save '' --appendonly no --protected-mode no \
		--dir "$T_TMP/tmp"
	b4=$(accepted "$S")
	CLIENT_IN=blob.b64 client "$w" redis-cli -h "$S4" -x set blob
	[ "$CLIENT_RC" != 0 ] ||
		client "$w" sh -c "redis-cli -h $S4 --raw get blob >$T_TMP/out"
	stop_servers
	v=$(verdict out "$B64SUM" "$b4" "$S")
	record redis-server server "$w" "$v"
	record redis-cli client "$w" "$v"
}

case_dualstack() {
	pair "$1" 8007 "$SUM" "python3 [::] listener, IPv4 client" "" \
		$PY -m http.server --bind :: --directory "$T_TMP/www" 8007 -- \
		curl -sS -o "$T_TMP/out" "http://$S4:8007/blob"
}

for w in mptcpize mptcpshim; do
	case_haproxy $w
	case_ssh $w IPv4 "$S4"
	case_ssh $w IPv6 "[$S6]"
	case_java_http $w
	case_java_socket $w
	case_nginx $w
	case_lighttpd $w
	case_redis $w
	case_dualstack $w
done

# The table, one row per program and role; then the rule.
printf '%-36s | %-19s | %-8s | %s\n' program role mptcpize mptcpshim
n=${#RESULTS[@]}
half=$((n / 2))
for ((i = 0; i < half; i++)); do
	IFS='|' read -r prog role _ mz <<<"${RESULTS[i]}"
	IFS='|' read -r prog2 role2 _ shim <<<"${RESULTS[i + half]}"
	[ "$prog|$role" = "$prog2|$role2" ] || {
		echo "FAIL: matrix rows out of step" >&2
		T_FAILED=1
	}
	printf '%-36s | %-19s | %-8s | %s\n' "$prog" "$role" "$mz" "$shim"
	check "$prog, $role: works under mptcpshim" yes \
		"$([ "$shim" != broken ] && echo yes || echo no)"
	if [ "$mz" = mptcp ]; then
		check "$prog, $role: MPTCP under mptcpshim as under mptcpize" \
			mptcp "$shim"
	fi
done

# The JVM reads TCP_QUICKACK (and more) on throwaway sockets at start-up:
# a read must never cost a socket MPTCP, so --stats reports no option.
rm -f out
serve mptcpshim "$S" 8006 "${JAVA[@]}" Sock server "$S4" 8006 \
	"$T_TMP/www/blob"
CLIENT_RC=0
nsx "$C" timeout 30 "$MPTCPSHIM_BIN" run -c "$T_TMP/policy.conf" --stats \
	--json --stats-file "$T_TMP/java.json" -- "${JAVA[@]}" Sock client \
	"$S4" 8006 "$T_TMP/out" >>clients.log 2>&1 || CLIENT_RC=$?
stop_servers
check "java Socket under run --stats: works" "0 $SUM" \
	"$CLIENT_RC $(sha256sum <out | cut -d' ' -f1)"
check "java Socket under run --stats: no socket lost MPTCP to an option" \
	"switched_to_tcp=0 options_rescued={}" "$($PY -c '
import json, sys
p = json.load(open(sys.argv[1]))["processes"]
print("switched_to_tcp=%d options_rescued=%s" % (
    sum(x["switched_to_tcp"] for x in p),
    json.dumps({k: v for x in p for k, v in x["options_rescued"].items()})))
' java.json)"

if [ "$T_FAILED" != 0 ]; then
	echo "--- servers ---" >&2
	tail -n 40 servers.log >&2
	echo "--- clients ---" >&2
	tail -n 40 clients.log >&2
fi
finish
