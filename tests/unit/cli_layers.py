#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# The CLI's layering as calls, not only includes (docs/internals.md): from
# the symbols each object of the layer libraries defines and uses (nm), no
# file calls into a sibling family or a higher layer, and no files call
# each other in a cycle (a dispatcher calls its verbs, never the reverse).
# Usage: cli_layers.py LAYER=LIB.a ...  (lowest layer first; layers that
# share a rank are joined by '+', e.g. run+policy+insight+systemd)
import subprocess
import sys

rank, objects = {}, {}
defs, uses = {}, {}
for r, arg in enumerate(sys.argv[1:]):
	for pair in arg.split("+"):
		layer, lib = pair.split("=", 1)
		out = subprocess.run(["nm", "-A", lib], capture_output=True,
				     text=True, check=True).stdout
		# "LIB.a:FILE.c.o:ADDRESS TYPE NAME" or "...:FILE.c.o:  U NAME"
		for line in out.splitlines():
			fields = line.split(":", 2)
			if len(fields) < 3:
				continue
			f = layer + "/" + fields[1].removesuffix(".o")
			rank[f] = (r, layer)
			parts = fields[2].split()
			if len(parts) == 3 and parts[1] in "TDBR":
				defs[parts[2]] = f
			elif len(parts) == 2 and parts[0] == "U":
				uses.setdefault(f, set()).add(parts[1])

calls = {f: {defs[s] for s in us if s in defs and defs[s] != f}
	 for f, us in uses.items()}
bad = []
for f, targets in calls.items():
	for t in targets:
		(rf, lf), (rt, lt) = rank[f], rank[t]
		if lf != lt and rt >= rf:
			bad.append("%s calls %s: %s" % (
				f, t, "a sibling family" if rt == rf
				else "a higher layer"))

# Cycles: Tarjan's strongly connected components.
index, low, stack, on, cycles = {}, {}, [], set(), []


def visit(v):
	index[v] = low[v] = len(index)
	stack.append(v)
	on.add(v)
	for w in calls.get(v, ()):
		if w not in index:
			visit(w)
			low[v] = min(low[v], low[w])
		elif w in on:
			low[v] = min(low[v], index[w])
	if low[v] == index[v]:
		comp = []
		while True:
			w = stack.pop()
			on.discard(w)
			comp.append(w)
			if w == v:
				break
		if len(comp) > 1:
			cycles.append(comp)


sys.setrecursionlimit(10000)
for v in list(calls):
	if v not in index:
		visit(v)
bad += ["files calling each other: " + " <-> ".join(sorted(c))
	for c in cycles]
if len(rank) < 20:
	bad.append("only %d objects read: not the CLI's libraries?" % len(rank))
for b in bad:
	print("FAIL:", b)
print("%d files, %d calls between them, %d problems"
      % (len(rank), sum(len(t) for t in calls.values()), len(bad)))
sys.exit(1 if bad else 0)
