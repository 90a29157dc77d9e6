#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `mptcpshim cdi`'s output names and sources at their edges (test_cdi.sh
# checks the spec itself): FILE.yaml by relative and absolute path, a
# directory with trailing slashes, a library copied where no musl build or
# ld.so.preload sits beside it, the default policy, a policy that is a
# file, a directory given as the library, an unwritable target; what the
# summary says for each.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
BIN=${MPTCPSHIM_BIN:?}
LIB=${MPTCPSHIM_LIB:?}
tmp=$T_TMP
mkdir "$tmp/out" "$tmp/policy"

expect_rc 0 "$BIN" cdi --help
check_contains "--help names the devices" "Devices: glibc, glibc-env, musl, go" "$out"

# FILE.yaml by relative name, in the current directory.
expect_rc 0 bash -c 'cd "$1" && "$2" cdi -o spec.yaml --library "$3" --policy none' \
	_ "$tmp/out" "$BIN" "$LIB"
check "a relative FILE.yaml is written in ." "wrote ./spec.yaml" "$(head -n 1 <<<"$out")"
check_contains "... and the summary says no policy is mounted" \
	"policy: none mounted (the library's defaults apply)" "$out"
check "... the spec is there" 1 "$(grep -c '^cdiVersion: ' "$tmp/out/spec.yaml")"

# FILE.yaml by absolute path; a directory with trailing slashes.
expect_rc 0 "$BIN" cdi -o "$tmp/out/abs.yaml" --library "$LIB" --policy "$tmp/policy"
check "an absolute FILE.yaml" "wrote $tmp/out/abs.yaml" "$(head -n 1 <<<"$out")"
check_contains "... the policy named in the summary" \
	"policy: $(readlink -f "$tmp/policy"), read-only at" "$out"
expect_rc 0 "$BIN" cdi -o "$tmp/out//" --library "$LIB" --policy none
check "trailing slashes dropped" "wrote $tmp/out/mptcpshim.yaml" "$(head -n 1 <<<"$out")"
expect_rc 2 "$BIN" cdi -o "$tmp/out/x.yml" --library "$LIB" --policy none
check_contains "*.yml is no spec name CDI reads" "CDI runtimes read only *.yaml" "$out"
check "... nothing written" no "$([ -e "$tmp/out/x.yml" ] && echo yes || echo no)"

# A library copied without what belongs beside it.
mkdir -p "$tmp/bare" "$tmp/lib/mptcpshim"
cp "$LIB" "$tmp/bare/libmptcpshim.so"
expect_rc 2 "$BIN" cdi -o - --library "$tmp/bare/libmptcpshim.so"
check_contains "no ld.so.preload beside the library is refused" \
	"no $tmp/bare/mptcpshim/ld.so.preload beside the library" "$out"
cp "$LIB" "$tmp/lib/libmptcpshim.so"
echo /usr/lib/mptcpshim/libmptcpshim.so >"$tmp/lib/mptcpshim/ld.so.preload"
expect_rc 0 "$BIN" cdi -o "$tmp/out/nomusl.yaml" --library "$tmp/lib/libmptcpshim.so" --policy none
check_contains "no musl build: said" \
	"no musl device: this installation has no musl build of the library" "$out"
check "... and no musl device in the spec" 0 "$(grep -c 'name: "musl"' "$tmp/out/nomusl.yaml")"
check "... the copied library is what glibc and glibc-env mount" 2 \
	"$(grep -c "hostPath: \"$tmp/lib/libmptcpshim.so\"" "$tmp/out/nomusl.yaml")"

# Sources refused: a directory as library, a file as policy (exit 2).
expect_rc 2 "$BIN" cdi -o - --library "$tmp/lib"
check_contains "a directory is no library" "library '$tmp/lib': not a file" "$out"
expect_rc 2 "$BIN" cdi -o - --library "$LIB" --policy "$tmp/lib/mptcpshim/ld.so.preload"
check "a file is no policy directory" \
	"mptcpshim cdi: policy directory '$tmp/lib/mptcpshim/ld.so.preload': not a directory" "$out"
expect_rc 2 "$BIN" cdi -o - --library "$tmp/nope.so"
check "a missing library: the system's reason" \
	"mptcpshim cdi: library '$tmp/nope.so': No such file or directory" "$out"

# The default library (MPTCPSHIM_LIBRARY) and policy (this host's, if any).
expect_rc 0 env MPTCPSHIM_LIBRARY="$LIB" "$BIN" cdi -o -
check_contains "the default library is the one run uses" "hostPath: \"$(readlink -f "$LIB")\"" "$out"
if [ -d "${MPTCPSHIM_SYSCONFDIR:?}" ]; then
	check_contains "default policy: this host's" "hostPath: \"$MPTCPSHIM_SYSCONFDIR\"" "$out"
else
	check "default policy: none on this host, none mounted" 0 \
		"$(grep -c "containerPath: \"$MPTCPSHIM_SYSCONFDIR\"" <<<"$out")"
fi

# A target that cannot be written: exit 1, the reason.
expect_rc 1 "$BIN" cdi -o "$tmp/missing/spec.yaml" --library "$LIB" --policy none
check_contains "an unwritable target is reported" "cannot write $tmp/missing/spec.yaml" "$out"
finish
