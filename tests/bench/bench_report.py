# SPDX-License-Identifier: BSD-3-Clause
# How tests/bench/run prints a run: the table, Markdown for
# docs/performance.md, and the machine it ran on.
import os
import platform
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def machine():
	model = "?"
	try:
		with open("/proc/cpuinfo") as f:
			for line in f:
				if line.startswith("model name"):
					model = line.split(":", 1)[1].strip()
					break
	except OSError:
		pass
	try:
		commit = subprocess.run(
			["git", "-C", REPO, "describe", "--always", "--dirty"],
			capture_output=True, text=True).stdout.strip()
	except OSError:
		commit = ""
	return {"nproc": os.cpu_count(), "kernel": platform.release(),
		"cpu": model, "commit": commit or "unknown",
		"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def goal_met(f):
	if f["goal"] is None:
		return None
	if f["better"] == "higher":
		return f["value"] >= f["goal"]
	return f["value"] <= f["goal"]


def fmt(v, unit):
	if unit == "x":
		return "%.3fx" % v
	if unit == "s":
		return "%.2f s" % v
	if unit in ("ns", "KiB", "instr", "B", "req/s") and abs(v) >= 100:
		return "%.0f %s" % (v, unit)
	return "%.1f %s" % (v, unit)


def goal_text(f):
	if f["goal"] is None:
		return ""
	return (("<= " if f["better"] == "lower" else ">= ") +
		("%g" % f["goal"]) +
		{"x": "x", "s": " s", "KiB": " KiB"}.get(f["unit"], ""))


def function_table(title, column, rows, limit):
	"""A Markdown table of (value, format, function), largest first."""
	if not rows:
		return
	print()
	print(title)
	print()
	print("| %s | function |" % column)
	print("|---:|---|")
	for value, form, function in sorted(rows, key=lambda r: -r[0])[:limit]:
		print(("| " + form + " | `%s` |") % (value, function))


def print_markdown(result):
	m = result["machine"]
	print("Machine: %d CPUs, kernel %s, %s. Mode: %s; typical policy: %s;"
	      " tree %s, %s." % (m["nproc"], m["kernel"], m["cpu"],
				 result["mode"], result["typical_policy"],
				 m.get("commit", "?"), m.get("date", "?")))
	print()
	print("| figure | value | goal | met |")
	print("|---|---:|---:|:---:|")
	for f in result["figures"].values():
		met = {None: "", True: "yes", False: "**no**"}[f["met"]]
		print("| %s | %s | %s | %s |" % (f["label"], fmt(f["value"],
								 f["unit"]),
					      goal_text(f).replace("<=", "≤")
					      .replace(">=", "≥"),
					      met))
	if result.get("connect_outcome"):
		print()
		print("Protocols of the last loopback connection per variant "
		      "(SO_PROTOCOL; 262 = MPTCP, 6 = TCP):")
		print()
		for v, o in result["connect_outcome"].items():
			print("- %s: %s" % (v, o))
	goals = [f for f in result["figures"].values() if f["goal"] is not None]
	if goals:
		print()
		print("Goals, same run:")
		print()
		print("| goal | result | met |")
		print("|---|---:|:---:|")
		for f in goals:
			print("| %s %s | %s | %s |" % (
				f["label"], goal_text(f).replace("<=", "≤")
				.replace(">=", "≥"), fmt(f["value"], f["unit"]),
				"yes" if f["met"] else "**no**"))
	extra = result.get("startup_syscalls_extra")
	if extra is not None:
		print()
		print("System calls of start + 1st socket beyond libmptcpwrap's "
		      "(strace -f -c, no policy): " + (", ".join(
			      "%s %+d" % (n, c) for n, c in extra.items())
			      or "none"))
	rows = result["hot_path"].get("shim_policy", [])
	function_table("Instructions per socket()+close() by function, shim "
		       "with the typical policy (callgrind slope):",
		       "instr/iter", [(r["instr"], "%.1f", r["function"])
				      for r in rows if r["instr"] >= 0.5], 12)
	function_table("Instructions once per process by function, same run "
		       "(intercept; includes ld.so start-up):", "instr",
		       [(r["once"], "%d", r["function"]) for r in rows
			if r["once"] >= 2000], 8)
	demo = result.get("demo")
	if demo:
		print()
		print("Two-path demo (%s, %s, %s):" % (demo["mode"],
						      demo["family"],
						      demo["shaping"]))
		print()
		print("| single path 1 | single path 2 | aggregated | ratio | "
		      "bytes path 1/2 | subflows/conn | congestion control | "
		      "failover |")
		print("|---:|---:|---:|---:|---:|---:|---|---|")
		print("| %.1f Mbit/s | %.1f Mbit/s | %.1f Mbit/s | %.2fx | "
		      "%.0f%% / %.0f%% | %.2f | %s | %s, %d MiB in %.1f s, longest "
		      "stall %.1f s |" % (
			      demo["single_path1_mbit_s"],
			      demo["single_path2_mbit_s"],
			      demo["aggregated_mbit_s"], demo["ratio"],
			      demo["path1_share"] * 100,
			      demo["path2_share"] * 100,
			      demo["subflows_per_connection"],
			      demo.get("congestion_control", "?"),
			      "complete, sha256 equal" if demo["failover_ok"]
			      else "FAILED", demo["failover_file_mib"],
			      demo["failover_seconds"],
			      demo["failover_longest_stall_s"]))
	if demo and demo.get("unequal"):
		u = demo["unequal"]
		print()
		print("Unequal paths (%s):" % u.get("shaping", "40 and 10 "
						  "Mbit/s"))
		print()
		print("| single path 1 | single path 2 | aggregated | / sum | "
		      "/ best | bytes path 1/2 | congestion control |")
		print("|---:|---:|---:|---:|---:|---:|---|")
		print("| %.1f Mbit/s | %.1f Mbit/s | %.1f Mbit/s | %.2fx | "
		      "%.2fx | %.0f%% / %.0f%% | %s |" % (
			      u["single_path1_mbit_s"], u["single_path2_mbit_s"],
			      u["aggregated_mbit_s"], u["ratio_sum"], u["ratio"],
			      u["path1_share"] * 100, u["path2_share"] * 100,
			      u["congestion_control"]))
	if demo and demo.get("failovers"):
		print()
		print("Failover (path 1 down during a download):")
		print()
		print("| run | cut | backup | stale_loss_cnt | result | "
		      "longest stall | recovered | path 2 before the cut | "
		      "path 2 after |")
		print("|---|---|---|---:|---|---:|---:|---:|---:|")
		for name, b in demo["failovers"].items():
			rec = b.get("recovery_s")
			print("| %s | %s | %s | %s | %s, %d MiB in %.1f s | "
			      "%.2f s | %s | %.1f%% | %.1f MiB |" % (
				      name, b.get("cut", "link"),
				      "yes" if b["backup"] else "no",
				      b["stale_loss_cnt"] if b["backup"] else
				      "(default)",
				      "complete" if b["ok"] else "FAILED",
				      b["file_mib"], b["seconds"],
				      b["longest_stall_s"],
				      "%.1f s" % rec if rec is not None else "never",
				      b["path2_share_before_down"] * 100,
				      b["path2_bytes_after_down"] / 1048576))
	for n in result["notes"]:
		print()
		print("Note: " + n)


def print_table(result):
	m = result["machine"]
	print("mptcpshim benchmarks (%s): %d CPUs, kernel %s, %s" % (
		result["mode"], m["nproc"], m["kernel"], m["cpu"]))
	print("medians of interleaved rounds; typical policy: %s\n"
	      % result["typical_policy"])
	print("%-64s %14s %9s %4s" % ("figure", "value", "goal", "met"))
	for f in result["figures"].values():
		goal = goal_text(f)
		met = {None: "", True: "yes", False: "NO"}[f["met"]]
		print("%-64s %14s %9s %4s" % (f["label"], fmt(f["value"],
							      f["unit"]),
					      goal, met))
	if result.get("connect_outcome"):
		print("\nconnect variants, protocols of the last connection:")
		for v, o in result["connect_outcome"].items():
			print("  %-10s %s" % (v, o))
	for v in ("shim_policy", "shim", "wrap", "libc"):
		rows = [r for r in result["hot_path"].get(v, [])
			if r["instr"] >= 0.5]
		if rows:
			print("\ninstructions per socket()+close() by function "
			      "(%s):" % v)
			for row in sorted(rows, key=lambda r: -r["instr"])[:12]:
				print("  %8.1f  %s" % (row["instr"],
						       row["function"]))
	rows = [r for r in result["hot_path"].get("shim_policy", [])
		if r["once"] >= 2000]
	if rows:
		print("\ninstructions once per process by function "
		      "(shim_policy, includes ld.so and libc start-up):")
		for row in sorted(rows, key=lambda r: -r["once"])[:8]:
			print("  %8d  %s" % (row["once"], row["function"]))
	extra = result.get("startup_syscalls_extra")
	if extra is not None:
		print("\nstart + 1st socket, system calls beyond libmptcpwrap's: "
		      + (", ".join("%s %+d" % (n, c) for n, c in extra.items())
			 or "none"))
	for n in result["notes"]:
		print("\nnote: " + n)
