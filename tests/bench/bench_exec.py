# SPDX-License-Identifier: BSD-3-Clause
# The exec figures of tests/bench/run (issue 21): what the library's exec
# hooks cost a program that starts a dynamic one, against the same library
# with its exec hooks not exported (libmptcpshim_noexec.so, built for this:
# the library as it was before the route followed exec); what a static
# program started under the route costs against the same start without
# the library; and the two ways a tree could be served (a supervisor per
# program, or one for the whole tree).
import os
import statistics
import subprocess


class ExecSteps:
	EXEC_FIGURES = 14

	def exec_paths(self):
		build = self.args.build
		noexec = os.path.join(build, "shim/libmptcpshim_noexec.so")
		helper = os.environ.get("EXEC_HELPER") or os.path.join(
			build, "cli/mptcpshim-exec")
		busybox = "/bin/busybox"
		for f in (noexec, helper, busybox):
			if not os.path.exists(f):
				raise RuntimeError("%s missing" % f)
		n = "100" if self.args.quick else "300"
		rounds = 5 if self.args.quick else 11

		def env(lib):
			e = self.env(lib)
			e["MPTCPSHIM_EXEC_HELPER"] = helper
			return e

		def run(argv, e):
			r = subprocess.run(argv, env=e, capture_output=True,
					   text=True, timeout=600)
			if r.returncode != 0:
				raise RuntimeError("%s failed: %s" % (
					" ".join(argv[:6]), r.stderr.strip()))
			out = dict(kv.split("=", 1) for kv in r.stdout.split())
			return float(out["ns_per_op"]), \
				float(out["wall_ns_per_op"])

		def interleave(variants):
			cpu = {v: [] for v in variants}
			wall = {v: [] for v in variants}
			names = list(variants)
			for r in range(rounds):
				for v in (names if r % 2 == 0 else names[::-1]):
					c, w = run(*variants[v])
					cpu[v].append(c)
					wall[v].append(w)
			return ({v: statistics.median(s) for v, s in cpu.items()},
				{v: statistics.median(s) for v, s in wall.items()})

		bench = self.shimbench
		# A dynamic program started by one that has the library (the
		# child loads the same library as its parent).
		dyn = {}
		for how in ("spawn", "fork", "fail"):
			argv = [bench, "exec", n, how, "/bin/true", "true"]
			dyn["before_" + how] = (argv, env(noexec))
			dyn["after_" + how] = (argv, env(self.shim))
		cpu, _ = interleave(dyn)
		# The hook alone, without a process start's noise: an execve the
		# kernel refuses (EFAULT) after opening the file, timed in one
		# process; then what it adds to a whole fork+exec.
		hook = cpu["after_fail"] - cpu["before_fail"]
		self.fig("exec_hook_us", "exec hook of a dynamic target (ELF "
			 "header check), per exec", hook / 1000, "us")
		self.fig("exec_hook_ratio", "fork+execv of a dynamic program: "
			 "(before + hook) / before", (cpu["before_fork"] + hook) /
			 cpu["before_fork"], "x", 1.02)
		for how, what in (("spawn", "posix_spawn"),
				  ("fork", "fork+execv")):
			self.fig("exec_dyn_us_before_" + how,
				 "%s /bin/true under the library: without "
				 "exec hooks" % what,
				 cpu["before_" + how] / 1000, "us")
			self.fig("exec_dyn_us_after_" + how,
				 "%s /bin/true under the library: with exec "
				 "hooks" % what, cpu["after_" + how] / 1000, "us")
			self.fig("exec_dyn_ratio_" + how,
				 "%s of a dynamic program: exec hooks / "
				 "before (CPU)" % what,
				 cpu["after_" + how] / cpu["before_" + how], "x",
				 1.02)

		# A static program: direct (nothing preloaded, TCP), under the
		# route through the launcher (a supervisor per program), and in
		# a tree already under the route (`run --route=seccomp`: one
		# supervisor for the tree, every exec direct).
		argv = [bench, "exec", n, "spawn", busybox, "true"]
		tree = [self.cli, "run", "--route=seccomp", "--"] + argv
		st = {"direct": (argv, env(None)),
		      "per_program": (argv, env(self.shim)),
		      "per_tree": (tree, env(None))}
		_, wall = interleave(st)
		for v, label in (("direct", "nothing preloaded (TCP)"),
				 ("per_program", "under the library: launcher + "
				  "a supervisor per program"),
				 ("per_tree", "in a tree under the route: one "
				  "supervisor")):
			self.fig("exec_static_us_" + v, "posix_spawn busybox "
				 "true: " + label, wall[v] / 1000, "us")
		self.fig("exec_static_ratio_route", "posix_spawn of a static "
			 "program: under the route (launcher) / direct (wall)",
			 wall["per_program"] / wall["direct"], "x")
		self.fig("exec_static_ratio_tree", "posix_spawn of a static "
			 "program: one supervisor per tree / direct (wall)",
			 wall["per_tree"] / wall["direct"], "x")
		self.fig("exec_static_ratio_program_vs_tree", "static program "
			 "start: supervisor per program / per tree (wall)",
			 wall["per_program"] / wall["per_tree"], "x")
