# SPDX-License-Identifier: BSD-3-Clause
# Unmodified services for the systemd test: they know nothing of MPTCP.
#   svc.py echo ADDR PORT: echo server, one reply per connection, forever
#   svc.py echo-inherited: the same on the listener systemd passes as fd 3
#   svc.py dial ADDR PORT OUT: one connection; writes "PROTOCOL REPLY" to OUT
import socket
import sys


def serve(listener):
    while True:
        conn, _ = listener.accept()
        with conn:
            conn.sendall(conn.recv(100))


mode = sys.argv[1]
if mode == "echo":
    serve(socket.create_server((sys.argv[2], int(sys.argv[3]))))
elif mode == "echo-inherited":
    serve(socket.socket(fileno=3))
elif mode == "dial":
    s = socket.socket()
    s.settimeout(5)
    s.connect((sys.argv[2], int(sys.argv[3])))
    s.sendall(b"hello")
    reply = s.recv(100).decode()
    proto = s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)
    with open(sys.argv[4], "w") as out:
        out.write(f"{proto} {reply}\n")
