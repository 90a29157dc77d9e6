# SPDX-License-Identifier: BSD-3-Clause
# A plain TCP program for the container tests: it knows nothing of MPTCP.
#   xfer.py serve PORT FILE COUNT: send FILE to each of COUNT clients
#   xfer.py fetch ADDR PORT: print the sha256 of what the server sends
import hashlib
import socket
import sys

if sys.argv[1] == "serve":
    port, path, count = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", port))
    listener.listen(4)
    for _ in range(count):
        conn, _ = listener.accept()
        with conn, open(path, "rb") as f:
            conn.sendfile(f)
else:
    digest = hashlib.sha256()
    with socket.create_connection((sys.argv[2], int(sys.argv[3])), timeout=20) as s:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            digest.update(chunk)
    print(digest.hexdigest())
