#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# The demo's probe: every 100 ms, the rx and tx byte counters of the given
# devices and the size of the file being downloaded, one line per sample:
#   TIME rx(dev1) tx(dev1) rx(dev2) tx(dev2) ... SIZE
# Usage: sampler.py OUT DOWNLOAD DEV...
import os
import sys
import time

out, download, devs = sys.argv[1], sys.argv[2], sys.argv[3:]
files = ["/sys/class/net/%s/statistics/%s_bytes" % (d, k)
	 for d in devs for k in ("rx", "tx")]
last = [0] * len(files)
with open(out, "w") as f:
	tick = time.monotonic()
	while True:
		for i, path in enumerate(files):
			try:
				with open(path) as c:
					last[i] = int(c.read())
			except (OSError, ValueError):
				pass
		try:
			size = os.stat(download).st_size
		except OSError:
			size = 0
		print("%.3f" % time.time(), *last, size, file=f, flush=True)
		tick += 0.1
		time.sleep(max(0.0, tick - time.monotonic()))
