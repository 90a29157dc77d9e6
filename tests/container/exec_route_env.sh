#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The seccomp route follows exec in a container (issue 21): Debian 12 with
# the library and its launcher where the packages put them, activated only
# by the documented ENV lines (docs/containers.md), and an entrypoint
# script (/bin/sh, dynamic) that execs a static server (busybox httpd).
# The server's listener is MPTCP (the container's own MIB) with the filter
# and its supervisor in place; with net.mptcp.enabled=0 the same container
# serves over TCP. No network: loopback inside the container only.
source "$(dirname "$0")/lib.sh"
: "${EXEC_HELPER:?set by CTest: the built mptcpshim-exec}"
: "${EXEC_HELPER_PATH:?set by CTest: its path fixed at build time}"
ct_need_image "$CT_BASE12"
BUSYBOX=/bin/busybox
readelf -l "$BUSYBOX" | grep -q 'program interpreter' &&
	ct_skip "$BUSYBOX is not static (busybox-static)"

MULTIARCH=$(gcc -print-multiarch)
LIB=/usr/lib/$MULTIARCH/libmptcpshim.so
mkdir -p "$T_TMP/www"
echo static >"$T_TMP/www/index.html"
printf '#!/bin/sh\n# an entrypoint script, as images have them\nexec /usr/local/bin/busybox httpd -f -p 127.0.0.1:8080 -h /www\n' \
	>"$T_TMP/entry.sh"
cat >"$T_TMP/get.py" <<'EOF'
import socket, sys, time
# get.py PROTO: GET / over loopback with socket(..., PROTO), retried until
# the server listens (5 s at most); prints the body.
for i in range(100):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, int(sys.argv[1]))
    s.settimeout(10)
    try:
        s.connect(("127.0.0.1", 8080))
        break
    except ConnectionRefusedError:
        s.close()
        time.sleep(0.05)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
data = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    data += b
print(data.split(b"\r\n\r\n", 1)[1].decode().strip())
EOF
chmod -R a+rX "$T_TMP"
chmod 755 "$T_TMP/entry.sh"

# The ENV lines of docs/containers.md; the files where the packages put them.
RUNARGS=(--network none
	-e "LD_PRELOAD=$LIB" -e GODEBUG=multipathtcp=1
	-v "$SHIM_LIB:$LIB:ro" -v "$EXEC_HELPER:$EXEC_HELPER_PATH:ro"
	-v "$BUSYBOX:/usr/local/bin/busybox:ro" -v "$T_TMP/www:/www:ro"
	-v "$T_TMP/entry.sh:/entry.sh:ro" -v "$T_TMP/get.py:/get.py:ro"
	"$CT_BASE12" /entry.sh)

ct_start on 120 "${RUNARGS[@]}"
ON=$(ct_name on)
syn=$(ct_mib "$ON" MPCapableSYNRX)
body=$(pm exec "$ON" env -u LD_PRELOAD python3 /get.py 262)
check "entrypoint script -> static server: body over MPTCP" static "$body"
check "its listener is MPTCP (MPCapableSYNRX +1, the container's MIB)" 1 \
	"$(($(ct_mib "$ON" MPCapableSYNRX) - syn))"
check "PID 1 (the server, exec'd by the script) has a seccomp filter" 2 \
	"$(pm exec "$ON" awk '$1 == "Seccomp:" { print $2 }' /proc/1/status)"
check "one supervisor in the container" 1 \
	"$(pm exec "$ON" sh -c 'cat /proc/[0-9]*/comm' | grep -c '^mptcpshim-sup$')"
check "the supervisor holds no descriptor of the server's" 0 \
	"$(pm exec "$ON" sh -c 'for p in /proc/[0-9]*; do
		[ "$(cat $p/comm)" = mptcpshim-sup ] || continue
		for f in $p/fd/*; do [ "${f##*/}" = 2 ] || readlink $f; done; done' |
		grep -vc -e '^/dev/null$' -e '^anon_inode:seccomp notify$' || true)"

# MPTCP off in the container's network namespace: the same, over TCP.
ct_start off 120 --sysctl net.mptcp.enabled=0 "${RUNARGS[@]}"
OFF=$(ct_name off)
body=$(pm exec "$OFF" env -u LD_PRELOAD python3 /get.py 6)
check "MPTCP off: the static server still serves (TCP)" static "$body"
check "MPTCP off: no MP_CAPABLE SYN seen" 0 "$(ct_mib "$OFF" MPCapableSYNRX)"
finish
