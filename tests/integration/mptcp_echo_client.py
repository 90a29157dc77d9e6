# SPDX-License-Identifier: BSD-3-Clause
# An explicit MPTCP client for the service tests: sends one line to
# ADDR:PORT, half-closes, prints the reply. Explicit IPPROTO_MPTCP, so the
# server's side alone decides whether the connection runs MPTCP.
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.settimeout(5)
s.connect((sys.argv[1], int(sys.argv[2])))
s.sendall(b"hello\n")
s.shutdown(socket.SHUT_WR)
data = b""
while True:
    d = s.recv(100)
    if not d:
        break
    data += d
print(data.decode().strip())
