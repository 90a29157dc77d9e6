#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# The demo's analysis: per-path throughput from the sampler, the iperf3
# results, stalls of the failover downloads, and the checks that decide the
# demo's exit status. Writes summary.json, summary.txt, throughput.dat and
# phases.gp (the plot's phase markers) into OUT.
# Usage: report.py OUT EVENTS FACTS
import json
import re
import sys

out, events_path, facts_path = sys.argv[1:4]
facts = {}
for line in open(facts_path):
	key, _, value = line.rstrip("\n").partition("=")
	facts[key] = value


def fact(key, default=0):
	value = facts.get(key, "")
	try:
		return type(default)(value) if value != "" else default
	except ValueError:
		return default


samples = []
for line in open(out + "/samples.txt"):
	f = line.split()
	if len(f) == 6:
		samples.append((float(f[0]), [int(x) for x in f[1:]]))
events = [l.rstrip("\n").split(" ", 1) for l in open(events_path)]
events = [(float(t), name) for t, name in events]
t0 = samples[0][0]

# Per-interval throughput per path: rx + tx of the client's veth end.
with open(out + "/throughput.dat", "w") as f:
	f.write("# seconds path1_mbit_s path2_mbit_s total_mbit_s\n")
	for (ta, a), (tb, b) in zip(samples, samples[1:]):
		dt = tb - ta
		if dt <= 0:
			continue
		p1 = (b[0] - a[0] + b[1] - a[1]) * 8 / dt / 1e6
		p2 = (b[2] - a[2] + b[3] - a[3]) * 8 / dt / 1e6
		f.write("%.2f %.2f %.2f %.2f\n" % (tb - t0, p1, p2, p1 + p2))


def phase(name):
	start = [t for t, n in events if n == name]
	if not start:
		return None
	ends = [t for t, n in events if n == "end" and t > start[0]]
	return (start[0], ends[0]) if ends else None


def bytes_between(start, end):
	inside = [s for s in samples if start <= s[0] <= end]
	if len(inside) < 2:
		return 0, 0
	a, b = inside[0][1], inside[-1][1]
	return b[0] - a[0] + b[1] - a[1], b[2] - a[2] + b[3] - a[3]


def iperf_bps(name):
	try:
		d = json.load(open("%s/%s.json" % (out, name)))
		return int(d["end"]["sum_received"]["bits_per_second"])
	except (OSError, ValueError, KeyError, TypeError):
		return 0


def shares(name):
	ph = phase(name)
	b1, b2 = bytes_between(*ph) if ph else (0, 0)
	total = b1 + b2
	return (b1 / total if total else 0.0, b2 / total if total else 0.0)


def congestion(name):
	"""The congestion control of each TCP socket (subflows included) in
	the ss -ti snapshot taken during the run."""
	try:
		text = open("%s/%s.ss-ti" % (out, name)).read()
	except OSError:
		return []
	# The info line starts with options (ts sack ecn...), then the name.
	return re.findall(r"^\s+(?:(?:ts|sack|ecn|ecnseen|fastopen|cong)\s+)*"
			  r"([a-z][a-z0-9_]*) wscale:", text, re.M)


# Key names `conns --json` may use for addresses (it is documented in
# mptcpshim(1); these cover the likely spellings).
LOCAL = ("local", "local_address", "local_addr", "laddr", "src")
REMOTE = ("remote", "remote_address", "remote_addr", "raddr", "dst")


def conns_text(path):
	"""mptcpshim conns --json as lines: process, connections, subflows."""
	def pick(d, *keys):
		for k in keys:
			if d.get(k) not in (None, ""):
				return d[k]
		return "?"
	try:
		data = json.load(open(path))
	except (OSError, ValueError):
		return ["(no readable snapshot)"]
	lines = []
	for p in data.get("processes", []):
		conns = p.get("connections", [])
		if not conns:
			continue
		lines.append("%s[%s]: %d MPTCP connection(s)" % (
			pick(p, "name", "comm"), pick(p, "pid"), len(conns)))
		for c in conns:
			subs = c.get("subflows", [])
			lines.append("  %s -> %s, %d subflow(s)" % (
				pick(c, *LOCAL), pick(c, *REMOTE), len(subs)))
			for s in subs:
				lines.append("    %s -> %s dev %s%s" % (
					pick(s, *LOCAL), pick(s, *REMOTE),
					pick(s, "interface", "ifname", "dev",
					     "iface"),
					" backup" if s.get("backup") else ""))
	return lines or ["(no MPTCP connection listed)"]


def conns_both_paths(path):
	"""Whether the conns snapshot has a connection with subflows on both
	client devices."""
	try:
		data = json.load(open(path))
	except (OSError, ValueError):
		return False
	for p in data.get("processes", []):
		for c in p.get("connections", []):
			devs = {s.get("interface")
				for s in c.get("subflows", [])}
			if {"c1", "c2"} <= devs:
				return True
	return False


def scenario(prefix):
	"""Single-path TCP on each path, then iperf3 under the shim."""
	s1, s2 = iperf_bps(prefix + "single-path1"), iperf_bps(
		prefix + "single-path2")
	agg = iperf_bps(prefix + "aggregated")
	name = prefix + "aggregated"
	conns, joins = fact(name + ".conns"), fact(name + ".joins")
	share1, share2 = shares(name)
	best = max(s1, s2)
	cc = congestion(name)
	cubic = len([n for n in cc if n == "cubic"])
	return {
		"single_path1_mbit_s": round(s1 / 1e6, 1),
		"single_path2_mbit_s": round(s2 / 1e6, 1),
		"aggregated_mbit_s": round(agg / 1e6, 1),
		"ratio": round(agg / best, 3) if best else 0.0,
		"ratio_sum": round(agg / (s1 + s2), 3) if s1 + s2 else 0.0,
		"path1_share": round(share1, 3),
		"path2_share": round(share2, 3),
		"mptcp_connections": conns,
		"joins_client": joins,
		"joins_server": fact(name + ".srv_joins"),
		"subflows_per_connection": round((conns + joins) / conns, 2)
		if conns else 0.0,
		"subflows_seen_by_ss": fact(name + ".ss_subflows", -1),
		"congestion_control": "%s (%d cubic, %d other)" % (
			",".join(sorted(set(cc))) or "none", cubic,
			len(cc) - cubic),
		"subflows_cubic": cubic,
		"subflows_other_cc": len(cc) - cubic,
	}


def recovery_after(sizes, cut):
	"""Seconds from the cut until the download, after its dip, gains
	again in one interval half of its median gain per interval after the
	cut (0 when it never dipped below that)."""
	steps = [(sizes[i][0], sizes[i][1] - sizes[i - 1][1])
		 for i in range(1, len(sizes)) if sizes[i][0] > cut]
	# The interval in which the download completes is a partial one.
	grew = [i for i, (_, g) in enumerate(steps) if g > 0]
	steps = steps[:grew[-1]] if grew else []
	gains = sorted(g for _, g in steps if g > 0)
	if not gains:
		return None
	median = gains[len(gains) // 2]
	dipped = False
	for t, g in steps:
		if g < median / 2:
			dipped = True
		elif dipped:
			return t - cut
	return 0.0 if not dipped else None


def failover(name):
	"""A download during which path 1 goes down: completion, the longest
	stall, and which path carried the bytes before and after."""
	fo = phase(name)
	down = [t for t, n in events if n == "down " + name]
	stall = 0.0
	recovery = None
	before = after = (0, 0)
	if fo:
		# The longest run of 100 ms intervals in which the download grew
		# by less than a quarter of its median growth per interval (a
		# trickle of reinjected segments is not progress).
		sizes = [(t, v[4]) for t, v in samples
			 if fo[0] <= t <= fo[1] + 0.2]
		steps = [(sizes[i][0] - sizes[i - 1][0],
			  sizes[i][1] - sizes[i - 1][1])
			 for i in range(1, len(sizes))]
		grew = [i for i, (_, g) in enumerate(steps) if g > 0]
		if grew:
			steps = steps[grew[0]:grew[-1] + 1]
			median = sorted(g for _, g in steps)[len(steps) // 2]
			run = 0.0
			for dt, g in steps:
				run = run + dt if g < median / 4 else 0.0
				stall = max(stall, run)
		if down:
			before = bytes_between(fo[0], down[0])
			after = bytes_between(down[0], fo[1])
			recovery = recovery_after(sizes, down[0])
	b_total = sum(before)
	return {
		"ok": fact(name + ".ok") == 1,
		"file_mib": fact(name + ".file_mib"),
		"seconds": fact(name + ".time", 0.0),
		"longest_stall_s": round(stall, 2),
		"recovery_s": round(recovery, 2) if recovery is not None
		else None,
		"backup": fact(name + ".backup") == 1,
		"cut": facts.get(name + ".cut", "link"),
		"stale_loss_cnt": fact(name + ".stale", -1),
		"path2_share_before_down": round(before[1] / b_total, 3)
		if b_total else 0.0,
		"path2_bytes_after_down": after[1],
		"joins": fact(name + ".joins"),
	}


equal = scenario("")
summary = {
	"mode": facts.get("mode", "?"),
	"family": "ipv" + facts.get("family", "4"),
	"shaping": facts.get("shape", ""),
}
summary.update(equal)
fo = failover("failover")
summary.update({
	"failover_file_mib": fo["file_mib"], "failover_ok": fo["ok"],
	"failover_seconds": fo["seconds"],
	"failover_longest_stall_s": fo["longest_stall_s"],
	"failover_joins": fo["joins"]})
stats_text = ""
if facts.get("stats_file"):
	try:
		stats_text = open(facts["stats_file"]).read()
	except OSError:
		pass

checks = [
	("MPTCP connections under the shim (MPCapableSYNACKRX)",
	 equal["mptcp_connections"] >= 1),
	("extra subflows joined (MPJoinSynAckRx)", equal["joins_client"] >= 1),
	("every subflow of the aggregated run uses cubic (ss -ti)",
	 equal["subflows_cubic"] >= 2 and equal["subflows_other_cc"] == 0),
	("path 1 carried >= 20% of the aggregated bytes",
	 equal["path1_share"] >= 0.2),
	("path 2 carried >= 20% of the aggregated bytes",
	 equal["path2_share"] >= 0.2),
	("failover download complete, sha256 equal", fo["ok"]),
	("path 2 carried the download after path 1 went down",
	 fo["path2_bytes_after_down"] > 1048576),
]
scenarios = facts.get("scenarios", "equal").split(",")
if "unequal" in scenarios:
	summary["unequal"] = scenario("unequal-")
	summary["unequal"]["shaping"] = facts.get("shape_unequal", "")
	u = summary["unequal"]
	checks.append(("unequal paths: every subflow uses cubic (ss -ti)",
		       u["subflows_cubic"] >= 2 and u["subflows_other_cc"] == 0))
	checks.append(("unequal paths: both paths carried bytes",
		       u["path1_share"] >= 0.05 and u["path2_share"] >= 0.05))
summary["failovers"] = {"no backup": fo}
if "backup" in scenarios:
	for name in ("backup-default", "backup-stale1", "backup-link"):
		if name + ".ok" not in facts:
			continue
		b = failover(name)
		summary["failovers"][name] = b
		checks.append(("%s: download complete, sha256 equal" % name,
			       b["ok"]))
		checks.append(("%s: the backup path carried < 5%% before path 1 "
			       "went down" % name,
			       b["path2_share_before_down"] < 0.05))
		checks.append(("%s: the backup path carried the rest" % name,
			       b["path2_bytes_after_down"] > 1048576))
conns = facts.get("conns_json", "")
summary["conns_snapshot"] = conns
# mptcpshim(1) documents the shape: processes[].connections[].subflows[]
# with "interface". A CLI without conns (an older build) skips the check.
summary["conns_both_paths"] = bool(conns) and conns_both_paths(conns)
if conns:
	checks.append(("conns: a connection with subflows on c1 and c2",
		       summary["conns_both_paths"]))
summary["checks"] = {name: ok for name, ok in checks}
summary["passed"] = all(ok for _, ok in checks)
json.dump(summary, open(out + "/summary.json", "w"), indent=2)

LABELS = {"single-path1": "TCP 1", "single-path2": "TCP 2",
	  "aggregated": "MPTCP", "failover": "failover",
	  "unequal-single-path1": "TCP 1 (40)",
	  "unequal-single-path2": "TCP 2 (10)",
	  "unequal-aggregated": "MPTCP 40+10",
	  "backup-default": "backup, stale 4",
	  "backup-stale1": "backup, stale 1",
	  "backup-link": "backup, link down"}
ev = [(t - t0, n) for t, n in events if n != "end"]
with open(out + "/phases.gp", "w") as f:
	for i, (t, n) in enumerate(ev):
		label = "down" if n.startswith("down ") else LABELS.get(n, n)
		f.write('set arrow %d from %.2f, graph 0 to %.2f, graph 1 nohead '
			'dt 2 lc rgb "#888888"\n' % (i + 1, t, t))
		f.write('set label %d "%s" at %.2f, graph %.2f offset 0.4,0 '
			'font ",8"\n' % (i + 1, label, t,
					  (0.97, 0.92, 0.87)[i % 3]))
	# The backup phases, for the zoomed plot.
	spans = [phase(n) for n in ("backup-default", "backup-stale1",
				    "backup-link")]
	spans = [s for s in spans if s]
	if spans:
		f.write("backup_from = %.2f\nbackup_to = %.2f\n"
			% (spans[0][0] - t0 - 0.5, spans[-1][1] - t0 + 0.5))


def line(label, value):
	return "  %-40s %s" % (label, value)


def scenario_lines(title, s):
	r = [title,
	     line("single-path TCP, path 1 (no shim)",
		  "%.1f Mbit/s" % s["single_path1_mbit_s"]),
	     line("single-path TCP, path 2 (no shim)",
		  "%.1f Mbit/s" % s["single_path2_mbit_s"]),
	     line("iperf3 under mptcpshim run",
		  "%.1f Mbit/s" % s["aggregated_mbit_s"]),
	     line("aggregated / best single", "%.2fx" % s["ratio"]),
	     line("aggregated / sum of both", "%.2fx" % s["ratio_sum"]),
	     line("bytes per path (aggregated)", "path 1 %.0f%%, path 2 %.0f%%"
		  % (s["path1_share"] * 100, s["path2_share"] * 100)),
	     line("subflows per connection", "%.2f (%d connections, %d joins)"
		  % (s["subflows_per_connection"], s["mptcp_connections"],
		     s["joins_client"])),
	     line("congestion control per subflow (ss -ti)",
		  s["congestion_control"] or "n/a")]
	return r


lines = scenario_lines("Equal paths (%s, IPv%s, %s)" % (
	summary["mode"], facts.get("family", "4"), summary["shaping"]), equal)
if "unequal" in summary:
	lines.append("")
	lines += scenario_lines("Unequal paths (%s)" %
				summary["unequal"]["shaping"],
				summary["unequal"])
lines.append("")
lines.append("Failover: a download, path 1 cut during it (link: c1 taken "
	     "down; silent: its packets dropped)")
for name, b in summary["failovers"].items():
	what = "%s, %d MiB in %.1f s, longest stall %.2f s*, recovered " \
		"%s after the cut**" % (
			"complete, sha256 equal" if b["ok"] else "FAILED",
			b["file_mib"], b["seconds"], b["longest_stall_s"],
			"%.1f s" % b["recovery_s"] if b["recovery_s"] is not None
			else "never")
	if b["backup"]:
		what += ("; backup path before the cut: %.1f%% of the bytes, "
			 "after: %.1f MiB" % (b["path2_share_before_down"] * 100,
					      b["path2_bytes_after_down"] / 1048576))
	label = "%s (%s cut%s)" % (name, b["cut"], "" if not b["backup"] else
				   ", stale_loss_cnt=%d" % b["stale_loss_cnt"])
	lines.append(line(label, what))
lines.append("  * 100 ms intervals in which the download gained less than a"
	     " quarter of its median")
lines.append("  ** until the first interval after the dip that gains half of "
	     "the median gain after the cut")
text = "\n".join(lines) + "\n"
if conns:
	text += ("\nmptcpshim conns during the aggregated run (a connection "
		 "with subflows on c1 and c2: %s):\n"
		 % ("yes" if summary["conns_both_paths"] else "no"))
	try:
		text += "".join("  " + l + "\n" for l in conns_text(conns))
	except OSError:
		text += "  (no snapshot)\n"
if stats_text:
	text += "\nmptcpshim run --stats (iperf3 client):\n" + stats_text
text += "\nChecks:\n" + "".join("  %s: %s\n" % ("ok" if ok else "FAIL", n)
				  for n, ok in checks)
open(out + "/summary.txt", "w").write(text)
