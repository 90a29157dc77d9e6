#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `mptcpshim cdi` and `env --cdi` without a container runtime: the spec
# parses as YAML, follows CDI 0.5.0's rules for names and edits, mounts
# what exists (read-only) and sets only what each device must; bad output
# names and policy directories are refused. Podman applies the spec in
# tests/container/cdi_devices.sh.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
# The checks below read exit codes themselves.
set +e
BIN=${MPTCPSHIM_BIN:?}
LIB=${MPTCPSHIM_LIB:?}
tmp=$T_TMP

mkdir "$tmp/policy" "$tmp/out"
out=$("$BIN" cdi --output "$tmp/out" --library "$LIB" --policy "$tmp/policy") rc=$?
check "cdi into a directory succeeds" 0 "$rc"
spec=$tmp/out/mptcpshim.yaml
check "the spec is DIR/mptcpshim.yaml" "wrote $spec" "$(head -n 1 <<<"$out")"
musl=$(dirname "$LIB")/mptcpshim/musl/libmptcpshim.so
[ -f "$musl" ] && has_musl=1 || has_musl=0

# Every rule checked on the parsed document, one line per finding.
report=$(python3 - "$spec" "$LIB" "$tmp/policy" "$musl" "$has_musl" <<'PY'
import re, sys, yaml
spec, lib, policy, musl, has_musl = sys.argv[1:]
doc = yaml.safe_load(open(spec))
out = []
out.append("version %s" % doc["cdiVersion"])
vendor, cls = doc["kind"].split("/")
# CDI 0.5.0 (pkg/cdi/qualified-device.go): vendor, class and device names.
ok = re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9]", vendor) and \
     re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*[A-Za-z0-9]", cls)
out.append("kind %s %s" % (doc["kind"], "valid" if ok else "INVALID"))
for d in doc["devices"]:
    name = d["name"]
    valid = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]*", name) is not None
    e = d["containerEdits"]
    env = dict(x.split("=", 1) for x in e.get("env", []))
    mounts = {m["containerPath"]: m for m in e.get("mounts", [])}
    ro = all("ro" in m["options"] and "bind" in m["options"] for m in mounts.values())
    out.append("device %s %s env=%s" % (
        name, "valid" if valid else "INVALID",
        ",".join("%s:%s" % kv for kv in sorted(env.items()))))
    for c, m in sorted(mounts.items()):
        out.append("mount %s %s <- %s %s" % (name, c, m["hostPath"],
                   "read-only" if "ro" in m["options"] and "bind" in m["options"] else "WRITABLE"))
print("\n".join(out))
PY
) || { bad "the spec does not parse: $(cat "$spec")"; finish; }
grep -q 'INVALID' <<<"$report" && bad "names CDI refuses: $report"
check "cdiVersion is what podman 4.3.1 accepts" "version 0.5.0" "$(sed -n 1p <<<"$report")"
check "kind" "kind mptcpshim.org/mptcp valid" "$(sed -n 2p <<<"$report")"
pol=${MPTCPSHIM_SYSCONFDIR:?}
dir=$(dirname "$LIB")
# mounts DEVICE: its mounts, sorted.
mounts() { grep "^mount $1 " <<<"$report" | sort; }
# The seccomp route's launcher (issue 21), where the tree builds one: every
# library device mounts it at the path compiled into the library.
launcher=()
[ -n "${EXEC_HELPER_PATH:-}" ] && [ -f "${EXEC_HELPER:-}" ] &&
	launcher=("$EXEC_HELPER_PATH <- $(readlink -f "$EXEC_HELPER") read-only")
expect_mounts() { local d=$1; shift; printf "mount $d %s\n" "$@" "${launcher[@]}" | sort; }
check "glibc: no LD_PRELOAD or GODEBUG (the image's stay)" \
	"device glibc valid env=MPTCPSHIM_CDI:glibc" "$(grep '^device glibc ' <<<"$report")"
check "glibc: the library, /etc/ld.so.preload and the policy, read-only" \
	"$(expect_mounts glibc "/usr/lib/mptcpshim/libmptcpshim.so <- $LIB read-only" \
		"/etc/ld.so.preload <- $dir/mptcpshim/ld.so.preload read-only" \
		"$pol <- $tmp/policy read-only")" "$(mounts glibc)"
check "glibc-env: LD_PRELOAD instead of the file" \
	"device glibc-env valid env=LD_PRELOAD:/usr/lib/mptcpshim/libmptcpshim.so,MPTCPSHIM_CDI:glibc-env" \
	"$(grep '^device glibc-env ' <<<"$report")"
check "glibc-env: the library and the policy, read-only" \
	"$(expect_mounts glibc-env "/usr/lib/mptcpshim/libmptcpshim.so <- $LIB read-only" \
		"$pol <- $tmp/policy read-only")" "$(mounts glibc-env)"
check "go: GODEBUG only" "device go valid env=GODEBUG:multipathtcp=1" \
	"$(grep '^device go ' <<<"$report")"
check "go: no mount" "" "$(mounts go)"
if [ "$has_musl" = 1 ]; then
	check "musl: its own library in LD_PRELOAD" \
		"device musl valid env=LD_PRELOAD:/usr/lib/mptcpshim/musl/libmptcpshim.so,MPTCPSHIM_CDI:musl" \
		"$(grep '^device musl ' <<<"$report")"
	check "musl: the musl library and the policy, read-only" \
		"$(expect_mounts musl "/usr/lib/mptcpshim/musl/libmptcpshim.so <- $musl read-only" \
			"$pol <- $tmp/policy read-only")" "$(mounts musl)"
else
	check "no musl build: no musl device" "" "$(grep '^device musl ' <<<"$report")"
fi
check "the ld.so.preload file names the container's library" \
	"/usr/lib/mptcpshim/libmptcpshim.so" "$(cat "$(dirname "$LIB")/mptcpshim/ld.so.preload")"
check "the spec is world-readable, not writable" 644 "$(stat -c %a "$spec")"

# --policy none: nothing of this host's policy is mounted.
"$BIN" cdi -o "$tmp/out/none.yaml" --library "$LIB" --policy none >/dev/null
check "--policy none: no policy mount" 0 "$(grep -c "containerPath: \"$pol\"" "$tmp/out/none.yaml")"
check "-o - prints the same spec" "$(cat "$tmp/out/none.yaml")" \
	"$("$BIN" cdi -o - --library "$LIB" --policy none)"

# Refusals: exit 2, nothing written.
"$BIN" cdi -o "$tmp/out/spec.txt" --library "$LIB" 2>"$tmp/err" >/dev/null
check "a file CDI would not read is refused" 2 "$?"
check "... and not written" no "$([ -e "$tmp/out/spec.txt" ] && echo yes || echo no)"
"$BIN" cdi -o "$tmp/out" --library "$LIB" --policy "$tmp/nope" 2>"$tmp/err" >/dev/null
check "a missing policy directory is refused" 2 "$?"
"$BIN" cdi -o "$tmp/out" --library "$tmp/nope.so" 2>"$tmp/err" >/dev/null
check "a missing library is refused" 2 "$?"
"$BIN" cdi -o "$tmp/out" --library "$SRC_DIR/docs/containers.md" 2>"$tmp/err" >/dev/null
check "a library that is no ELF file is refused" 2 "$?"
"$BIN" cdi extra 2>/dev/null >/dev/null
check "operands are refused" 2 "$?"

# env --cdi: the same quoting, the container's paths.
check "env --cdi" 'containerEdits:
  env:
    - "LD_PRELOAD=/usr/lib/mptcpshim/libmptcpshim.so"
    - "GODEBUG=multipathtcp=1"
    - "MPTCPSHIM_CONFIG=/srv/a \"b\".conf"' \
	"$(env -u MPTCPSHIM_CONFIG "$BIN" env --cdi -c '/srv/a "b".conf')"
"$BIN" env --cdi -c rel.conf 2>/dev/null
check "env --cdi -c needs the path inside the container" 2 "$?"
finish
