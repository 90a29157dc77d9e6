# SPDX-License-Identifier: BSD-3-Clause
# The benchmark steps that drive other programs: valgrind (instruction
# counts, the many-program policy), the CLI's seccomp route, nginx + wrk,
# and the two-path demo; and the helpers that read their output. Mixed into
# tests/bench/run's Bench.
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


class ProgramSteps:
	# --- callgrind instruction counts -------------------------------------
	def callgrind(self):
		if not shutil.which("valgrind"):
			sys.exit("bench: valgrind missing (apt-get install "
				 "valgrind)")
		variants = {
			"libc": (self.env(), "tcp"),
			"libc_mptcp": (self.env(), "mptcp"),
			"shim": (self.env(self.shim), "default"),
			"shim_policy": (self.env(self.shim, self.typical),
					"default"),
			"wrap": (self.env(self.wrap), "default"),
		}
		lo, hi = self.callgrind_n
		totals = {}
		for v, (env, proto) in variants.items():
			files = []
			for n in (lo, hi):
				out = os.path.join(self.artefacts,
						   "callgrind.%s.%d" % (v, n))
				r = subprocess.run(
					["valgrind", "--tool=callgrind",
					 "--callgrind-out-file=" + out,
					 self.shimbench, "loop", str(n), proto],
					env=env, capture_output=True, text=True,
					timeout=900)
				if r.returncode != 0:
					raise RuntimeError(
						"callgrind %s: %s"
						% (v, r.stderr[-400:]))
				files.append(out)
			totals[v] = [callgrind_total(f) for f in files]
			self.hot_path[v] = per_function_slope(files, (lo, hi))
		labels = {"libc": "direct libc (TCP)",
			  "libc_mptcp": "direct libc (IPPROTO_MPTCP)",
			  "shim": "shim, no policy",
			  "shim_policy": "shim, typical policy",
			  "wrap": "libmptcpwrap"}
		for v, label in labels.items():
			t = totals[v]
			goal = 60 if v == "shim_policy" else None
			# Tenths: a run's fixed costs can differ by a few
			# instructions between the two iteration counts.
			self.fig("instr_" + v, "instructions per "
				 "socket()+close(): " + label,
				 round((t[1] - t[0]) / (hi - lo), 1), "instr",
				 goal)
		# The intercept is what runs once per process (init on the
		# first socket, start-up, exit), over plain libc's.
		for v in ("shim", "shim_policy", "wrap"):
			self.fig("instr_once_" + v, "instructions once per "
				 "process over libc: " + labels[v],
				 intercept(totals[v], lo, hi) -
				 intercept(totals["libc"], lo, hi), "instr")
		self.fig("instr_ratio_shim_policy_vs_wrap",
			 "instructions: shim with policy / libmptcpwrap",
			 self.figures["instr_shim_policy"]["value"] /
			 self.figures["instr_wrap"]["value"], "x")

	# --- run's seccomp route (static and pre-1.21 Go programs) ------------
	def seccomp_route(self):
		"""socket()+close() and connect+accept+close of one program run
		three ways: direct MPTCP, the preload library, and `run
		--route=seccomp` (shimbench is dynamic, so the route is forced).
		Wall-clock time for all three: under the route the supervisor,
		another process, does half the work."""
		route = [self.cli, "run", "--route=seccomp", "--", self.shimbench]
		n_sock = str(max(self.socket_n // 10, 1000))
		n_conn = str(self.connect_n)

		def timed(cmd, env):
			r = subprocess.run(cmd, env=env, capture_output=True,
					   text=True, timeout=600)
			if r.returncode != 0:
				raise RuntimeError("%s failed: %s" % (
					" ".join(cmd[-3:]), r.stderr.strip()))
			return float(dict(kv.split("=", 1) for kv in
					  r.stdout.split())["ns_per_op"])

		med = {}
		for mode, n in (("socket-wall", n_sock), ("connect", n_conn)):
			variants = {
				"mptcp": ([self.shimbench, mode, n, "mptcp"],
					  self.env()),
				"shim": ([self.shimbench, mode, n, "default"],
					 self.env(self.shim)),
				"seccomp": (route + [mode, n, "default"],
					    self.env()),
			}
			samples = {v: [] for v in variants}
			names = list(variants)
			for r in range(self.rounds):
				for v in (names if r % 2 == 0 else names[::-1]):
					samples[v].append(timed(*variants[v]))
			med[mode] = {v: statistics.median(s)
				     for v, s in samples.items()}
		labels = {"mptcp": "direct MPTCP", "shim": "preload library",
			  "seccomp": "seccomp route"}
		for mode, key, what in (("socket-wall", "socket",
					 "socket()+close() (wall)"),
					("connect", "connect",
					 "connect+accept+close")):
			m = med[mode]
			for v, label in labels.items():
				self.fig("seccomp_%s_ns_%s" % (key, v),
					 "%s: %s" % (what, label), m[v], "ns")
			self.fig("seccomp_%s_ratio_vs_mptcp" % key,
				 "%s: seccomp route / direct MPTCP" % what,
				 m["seccomp"] / m["mptcp"], "x")
			self.fig("seccomp_%s_ratio_vs_shim" % key,
				 "%s: seccomp route / preload library" % what,
				 m["seccomp"] / m["shim"], "x")
		trap = med["socket-wall"]["seccomp"] - \
			med["socket-wall"]["mptcp"]
		self.fig("seccomp_trap_vs_connect",
			 "seccomp route: one trapped socket()'s extra cost / one "
			 "loopback connect+accept+close (direct MPTCP)",
			 trap / med["connect"]["mptcp"], "x", 0.5)

		# A connect through a destination rule (loopback excluded: the
		# socket is made MPTCP and switched to TCP at connect()), against
		# a direct connect of its outcome, TCP; the same run.
		rule = {"direct TCP": ([self.shimbench, "connect", n_conn, "tcp"],
				       self.env()),
			"route": (route + ["connect", n_conn, "default"],
				  self.env(config=self.switch))}
		samples = {v: [] for v in rule}
		for r in range(self.rounds):
			for v in (list(rule) if r % 2 == 0 else list(rule)[::-1]):
				samples[v].append(timed(*rule[v]))
		rmed = {v: statistics.median(x) for v, x in samples.items()}
		self.fig("seccomp_rule_connect_ns",
			 "connect+accept+close through an exclude rule on the "
			 "seccomp route", rmed["route"], "ns")
		self.fig("seccomp_rule_connect_ratio",
			 "connect through an exclude rule on the seccomp route / "
			 "direct connect of its outcome (TCP)",
			 rmed["route"] / rmed["direct TCP"], "x", 1.3)

		# The floor: a bare notification round trip, answered empty.
		floor = [self.floor_run(n_sock) for _ in range(self.rounds)]
		floor_ns = statistics.median(floor)
		self.fig("seccomp_floor_ns",
			 "floor: one trapped socket() answered CONTINUE by a "
			 "thread (extra ns over direct)", floor_ns, "ns")
		self.fig("seccomp_trap_vs_floor",
			 "seccomp route: one trapped socket()'s extra cost / the "
			 "floor", trap / floor_ns, "x")
		self.fig("seccomp_supervisor_syscalls",
			 "system calls of the supervisor per trapped socket()",
			 self.supervisor_syscalls(route), "calls", 4)

	def floor_run(self, n):
		r = subprocess.run([self.floor, n], env=self.env(),
				   capture_output=True, text=True, timeout=600)
		if r.returncode != 0:
			raise RuntimeError("notify_floor failed: %s"
					   % r.stderr.strip())
		out = dict(kv.split("=", 1) for kv in r.stdout.split())
		return float(out["trapped_ns"]) - float(out["direct_ns"])

	def supervisor_syscalls(self, route):
		"""strace -f of a run: the supervisor's system calls (the
		process that receives notifications) over the trapped calls."""
		n = 2000
		out = os.path.join(self.tmp, "strace.out")
		subprocess.run(["strace", "-f", "-qq", "-o", out] + route +
			       ["socket-wall", str(n), "default"],
			       env=self.env(), capture_output=True, timeout=600,
			       check=True)
		calls = {}
		sup = None
		with open(out) as f:
			for line in f:
				pid, _, rest = line.partition(" ")
				rest = rest.lstrip()
				if rest.startswith("<...") or rest.startswith("+++") \
				   or rest.startswith("---"):
					continue
				calls[pid] = calls.get(pid, 0) + 1
				if "SECCOMP_IOCTL_NOTIF_RECV" in rest:
					sup = pid
		if sup is None:
			raise RuntimeError("no supervisor in the strace output")
		# shimbench's warm-up (1000 calls) is trapped too.
		return calls[sup] / (n + 1000)

	# --- a real server: nginx + wrk --------------------------------------
	def nginx_wrk(self):
		"""Requests per second of nginx (one worker) driven by wrk on
		loopback, both ends under the same preload: the shim, mptcpize's
		libmptcpwrap, or nothing (TCP). One nginx per variant runs
		throughout; wrk runs interleaved, with a new connection per
		request (Connection: close) and with keep-alive."""
		nginx = shutil.which("nginx") or "/usr/sbin/nginx"
		if not os.path.exists(nginx) or not shutil.which("wrk"):
			raise RuntimeError("nginx (nginx-light) or wrk missing")
		secs = 1 if self.args.quick else 2
		rounds = 2 if self.args.quick else 5
		www = os.path.join(self.tmp, "www")
		os.makedirs(www, exist_ok=True)
		with open(os.path.join(www, "index.html"), "w") as f:
			f.write("x" * 1024)
		preload = {"shim": self.shim, "wrap": self.wrap, "tcp": None}
		servers, ports = {}, {}
		try:
			for i, (v, lib) in enumerate(preload.items()):
				ports[v] = 18080 + i
				servers[v] = self.start_nginx(nginx, v, ports[v],
							      www, lib)
			samples = {(v, m): [] for v in preload
				   for m in ("close", "keepalive")}
			handshakes = {v: 0 for v in preload}
			names = list(samples)
			for r in range(rounds):
				for v, m in (names if r % 2 == 0
					     else names[::-1]):
					before = mptcp_counter("MPCapableSYNACKRX")
					samples[(v, m)].append(self.wrk(
						ports[v], preload[v], m, secs))
					handshakes[v] += mptcp_counter(
						"MPCapableSYNACKRX") - before
		finally:
			for proc in servers.values():
				proc.terminate()
				try:
					proc.wait(timeout=10)
				except subprocess.TimeoutExpired:
					proc.kill()
		med = {k: statistics.median(x) for k, x in samples.items()}
		# Proof that the MPTCP variants ran MPTCP (and TCP did not).
		self.notes.append("nginx + wrk: MPTCP handshakes completed "
				  "(MPCapableSYNACKRX) under the shim %d, "
				  "mptcpize %d, TCP %d" % (
					  handshakes["shim"], handshakes["wrap"],
					  handshakes["tcp"]))
		if not handshakes["shim"] or handshakes["tcp"]:
			raise RuntimeError("nginx + wrk: the shim variant made "
					   "no MPTCP connection, or TCP did")
		for m, label in (("close", "new connection per request"),
				 ("keepalive", "keep-alive")):
			self.fig("nginx_rps_tcp_" + m, "nginx + wrk, %s: TCP "
				 "(nothing preloaded)" % label,
				 med[("tcp", m)], "req/s", better="higher")
			self.fig("nginx_ratio_shim_vs_wrap_" + m, "nginx + wrk, "
				 "%s: shim / mptcpize" % label,
				 med[("shim", m)] / med[("wrap", m)], "x",
				 better="higher")
			self.fig("nginx_ratio_shim_vs_tcp_" + m, "nginx + wrk, "
				 "%s: shim / TCP" % label,
				 med[("shim", m)] / med[("tcp", m)], "x",
				 better="higher")

	def start_nginx(self, nginx, name, port, www, preload):
		prefix = os.path.join(self.tmp, "nginx-" + name)
		os.makedirs(prefix)
		conf = os.path.join(prefix, "nginx.conf")
		with open(conf, "w") as f:
			f.write("""daemon off;
master_process off;
worker_processes 1;
user root root;
pid %(p)s/nginx.pid;
error_log %(p)s/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	keepalive_requests 1000000;
	client_body_temp_path %(p)s/body;
	proxy_temp_path %(p)s/proxy;
	fastcgi_temp_path %(p)s/fastcgi;
	uwsgi_temp_path %(p)s/uwsgi;
	scgi_temp_path %(p)s/scgi;
	server {
		listen 127.0.0.1:%(port)d backlog=1024;
		root %(www)s;
	}
}
""" % {"p": prefix, "port": port, "www": www})
		proc = subprocess.Popen(
			["timeout", "600", nginx, "-p", prefix, "-c", conf],
			env=self.env(preload), stdout=subprocess.DEVNULL,
			stderr=open(os.path.join(prefix, "stderr"), "w"))
		deadline = time.monotonic() + 10
		while time.monotonic() < deadline:
			r = subprocess.run(["ss", "-Hltn", "sport = :%d" % port],
					   capture_output=True, text=True)
			if r.stdout.strip():
				return proc
			if proc.poll() is not None:
				break
			time.sleep(0.05)
		proc.kill()
		raise RuntimeError("nginx (%s) did not listen on %d" % (name,
									port))

	def wrk(self, port, preload, mode, secs):
		cmd = ["timeout", str(secs + 20), "wrk", "-t1", "-c8",
		       "-d%ds" % secs]
		if mode == "close":
			cmd += ["-H", "Connection: close"]
		cmd.append("http://127.0.0.1:%d/index.html" % port)
		r = subprocess.run(cmd, env=self.env(preload),
				   capture_output=True, text=True)
		m = re.search(r"Requests/sec:\s+([\d.]+)", r.stdout)
		errors = re.search(r"Non-2xx or 3xx responses: (\d+)", r.stdout)
		if r.returncode != 0 or not m or errors:
			raise RuntimeError("wrk failed: %s %s" % (
				r.stdout[-300:], r.stderr[-300:]))
		return float(m.group(1))

	# --- a policy with many programs ----------------------------------------
	def many_programs(self):
		"""Start-up instructions (callgrind, a process that opens one
		socket) with a policy of 50 [app:NAME] sections and with one at
		the size limit (1 MiB, ~80k sections) against the sample policy,
		each over what the same process costs with nothing preloaded.
		The big policies are compiled (`mptcpshim policy compile`, as
		an installation listing many programs would be); the 50-program
		one is also measured uncompiled, for comparison."""
		# gen_policy: the sample policy plus 50 sections of 3 keys.
		gen = os.path.join(HERE, "gen_policy")
		policies = {}
		for name, argv in (("programs50", ["apps", "50"]),
				   ("programs50_plain", ["apps", "50"]),
				   ("max", ["max"])):
			path = os.path.join(self.tmp, name + ".conf")
			with open(path, "w") as f:
				subprocess.run([sys.executable, gen] + argv,
					       stdout=f, check=True, timeout=60)
			os.chmod(path, 0o644)
			policies[name] = path
		for name in ("programs50", "max"):
			r = subprocess.run([self.cli, "policy", "compile",
					    policies[name]], capture_output=True,
					   text=True, timeout=120)
			if r.returncode != 0:
				raise RuntimeError("policy compile %s: %s"
						   % (name, r.stderr.strip()))
		counts = {}
		for v, env in (("none", self.env()),
			       ("wrap", self.env(self.wrap)),
			       ("nopolicy", self.env(self.shim)),
			       ("sample", self.env(self.shim, self.typical)),
			       ("programs50", self.env(self.shim,
						       policies["programs50"])),
			       ("programs50_plain", self.env(
				       self.shim, policies["programs50_plain"])),
			       ("max", self.env(self.shim, policies["max"]))):
			out = os.path.join(self.artefacts,
					   "callgrind.start.%s" % v)
			r = subprocess.run(
				["valgrind", "--tool=callgrind",
				 "--callgrind-out-file=" + out,
				 self.shimbench, "one"], env=env,
				capture_output=True, text=True, timeout=600)
			if r.returncode != 0:
				raise RuntimeError("callgrind %s: %s"
						   % (v, r.stderr[-400:]))
			counts[v] = callgrind_total(out)
		self.start_counts = counts
		self.fig("start_instr_ratio_shim_vs_wrap", "start + 1st socket "
			 "instructions: shim (no policy) / libmptcpwrap",
			 counts["nopolicy"] / counts["wrap"], "x")
		sample = counts["sample"] - counts["none"]
		many = counts["programs50"] - counts["none"]
		self.fig("start_instr_sample", "start-up instructions over "
			 "nothing preloaded: sample policy", sample, "instr")
		self.fig("start_instr_programs50", "start-up instructions over "
			 "nothing preloaded: 50-program policy (compiled)", many,
			 "instr")
		self.fig("start_instr_ratio_programs50", "start-up "
			 "instructions (whole process): 50-program policy "
			 "(compiled) / sample policy",
			 counts["programs50"] / counts["sample"], "x", 1.1)
		self.fig("start_instr_ratio_programs50_plain", "start-up "
			 "instructions (whole process): 50-program policy, not "
			 "compiled / sample policy",
			 counts["programs50_plain"] / counts["sample"], "x")
		self.fig("start_instr_ratio_max", "start-up instructions (whole "
			 "process): 1 MiB policy (%d sections, compiled) / sample "
			 "policy" % count_sections(policies["max"]),
			 counts["max"] / counts["sample"], "x", 2.0)
		self.fig("start_instr_ratio_programs50_over_nothing",
			 "start-up instructions over nothing preloaded: "
			 "50-program policy (compiled) / sample policy",
			 many / sample, "x")

	# --- the two-path demo ------------------------------------------------
	def two_paths(self):
		summary = self.args.demo_summary
		if not summary:
			out = os.path.join(self.artefacts, "demo")
			cmd = ["bash", os.path.join(REPO, "tests/lab/demo"),
			       "--out", out]
			if self.args.quick:
				cmd.append("--quick")
			env = dict(self.base_env, MPTCPSHIM_BIN=self.cli)
			r = subprocess.run(cmd, env=env, capture_output=True,
					   text=True, timeout=900)
			with open(os.path.join(self.artefacts, "demo.log"),
				  "w") as f:
				f.write(r.stdout + r.stderr)
			if r.returncode == 77:
				self.notes.append("two-path demo skipped: "
						  "needs root")
				return
			if r.returncode != 0:
				self.notes.append("two-path demo failed (exit "
						  "%d); see demo.log" %
						  r.returncode)
			summary = os.path.join(out, "summary.json")
		try:
			with open(summary) as f:
				s = json.load(f)
		except (OSError, ValueError) as e:
			self.notes.append("no demo summary: %s" % e)
			return
		self.demo = s
		self.fig("two_path_single_mbit", "two paths: single-path TCP "
			 "(best path)", max(s["single_path1_mbit_s"],
					    s["single_path2_mbit_s"]), "Mbit/s",
			 better="higher")
		self.fig("two_path_aggregated_mbit", "two paths: iperf3 under "
			 "the shim", s["aggregated_mbit_s"], "Mbit/s",
			 better="higher")
		self.fig("two_path_ratio", "two paths: aggregated / single",
			 s["ratio"], "x", 1.95, better="higher")
		u = s.get("unequal")
		if u:
			self.fig("unequal_ratio_sum", "unequal paths (40 + 10 "
				 "Mbit/s): aggregated / sum", u["ratio_sum"],
				 "x", 0.95, better="higher")
			self.fig("unequal_ratio_best", "unequal paths (40 + 10 "
				 "Mbit/s): aggregated / best single",
				 u["ratio"], "x", better="higher")
		fo = s.get("failovers", {})
		# A zero stall is a real result: figures must be positive, so
		# stalls are reported in seconds with a floor of one sample.
		for key, name, label, goal in (
			("failover_stall_nobackup", "no backup", "no backup "
			 "endpoint", 0.5),
			("failover_stall_backup_default", "backup-default",
			 "backup endpoint, default stale_loss_cnt", None),
			("failover_stall_backup_stale1", "backup-stale1",
			 "backup endpoint, stale_loss_cnt=1", 0.7)):
			if name in fo:
				self.fig(key, "failover: longest stall, " + label,
					 max(fo[name]["longest_stall_s"], 0.1), "s",
					 goal)
				rec = fo[name].get("recovery_s")
				self.fig(key.replace("stall", "recovery"),
					 "failover: back to half rate after the "
					 "cut, " + label,
					 max(rec if rec is not None else 99, 0.1),
					 "s")



def count_sections(path):
	with open(path) as f:
		return sum(1 for line in f if line.startswith("["))


def mptcp_counter(name):
	"""One MPTcpExt counter of this network namespace (0 if absent)."""
	header = None
	with open("/proc/net/netstat") as f:
		for line in f:
			fields = line.split()
			if fields[0] != "MPTcpExt:":
				continue
			if header is None:
				header = fields
			else:
				values = dict(zip(header[1:], fields[1:]))
				return int(values.get(name, 0))
	return 0


def strace_counts(path):
	"""calls per syscall name from an strace -c summary."""
	counts = {}
	for line in open(path):
		f = line.split()
		# % time, seconds, usecs/call, calls, [errors,] syscall
		if len(f) >= 5 and f[0][0].isdigit() and f[-1] != "total":
			counts[f[-1]] = int(f[3])
	return counts


def intercept(totals, lo, hi):
	slope = (totals[1] - totals[0]) / (hi - lo)
	return totals[0] - slope * lo


def callgrind_total(path):
	with open(path) as f:
		for line in f:
			if line.startswith(("summary:", "totals:")):
				return int(line.split()[1])
	raise RuntimeError("no totals in " + path)


def annotate(path):
	"""Self instruction counts per function, from callgrind_annotate."""
	r = subprocess.run(["callgrind_annotate", "--inclusive=no",
			    "--threshold=100", path],
			   capture_output=True, text=True, check=True)
	counts = {}
	section = False
	for line in r.stdout.splitlines():
		# Only the per-function table: it follows the "file:function"
		# header and ends at the first blank line.
		if line.strip().endswith("file:function"):
			section = True
			continue
		if not section or line.startswith("-"):
			continue
		if not line.strip():
			break
		m = re.match(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*)$", line)
		if not m:
			continue
		name = m.group(2).strip()
		counts[name] = counts.get(name, 0) + int(
			m.group(1).replace(",", ""))
	return counts


def short_function(name):
	"""file:function [object] with the repository and directories of the
	object dropped, so tables read the same on every machine."""
	m = re.match(r"^(.*?)(?: \[(.*)\])?$", name)
	where, obj = m.group(1), m.group(2)
	path, colon, function = where.rpartition(":")
	if path.startswith("/"):
		# Our sources, wherever the tree was built: dir/file.
		path = "/".join(path.split("/")[-2:])
	where = path + colon + function
	return where + (" [%s]" % os.path.basename(obj) if obj else "")


def per_function_slope(files, ns):
	"""Per function: instructions per iteration (the slope) and once per
	process (the intercept), from the two iteration counts ns."""
	lo, hi = annotate(files[0]), annotate(files[1])
	span = ns[1] - ns[0]
	rows = []
	for name in set(lo) | set(hi):
		slope = (hi.get(name, 0) - lo.get(name, 0)) / span
		once = lo.get(name, 0) - slope * ns[0]
		if slope >= 0.5 or once >= 2000:
			rows.append({"function": short_function(name),
				     "instr": round(slope, 1),
				     "once": int(once)})
	return rows
