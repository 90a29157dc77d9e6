#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `mptcpshim env`: each style quotes what its reader would split or expand
# (the shell lines are evaluated back), and bad combinations are refused
# with the right exit code. The activated programs: container_env.sh.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
# The checks below read exit codes themselves.
set +e
BIN=${MPTCPSHIM_BIN:?}
LIB=${MPTCPSHIM_LIB:?}
work=$T_TMP
export XDG_CONFIG_HOME=$work/xdg HOME=$work/home
unset MPTCPSHIM_CONFIG LD_PRELOAD GODEBUG


expect_out() {
	grep -qxF -- "$1" <<<"$out" || bad "expected the line '$1' in: $out"
}

# A library whose path holds a quote and a '$' (a space would split
# LD_PRELOAD: refused below), a policy whose path holds a space.
odd="$work/it's-a-\$lib.so"
cp "$LIB" "$odd"
pol="$work/my pol.conf"
: >"$pol"
export MPTCPSHIM_LIBRARY=$odd

# --shell: evaluated back, each value comes out exactly.
expect_rc 0 "$BIN" env --shell -c "$pol"
(
	unset MPTCPSHIM_LIBRARY
	eval "$out"
	[ "$LD_PRELOAD" = "$odd" ] || echo "FAIL: LD_PRELOAD '$LD_PRELOAD'"
	[ "$GODEBUG" = multipathtcp=1 ] || echo "FAIL: GODEBUG '$GODEBUG'"
	[ "$MPTCPSHIM_CONFIG" = "$pol" ] || echo "FAIL: config '$MPTCPSHIM_CONFIG'"
) | grep FAIL && bad "env does not evaluate back"
expect_out "export LD_PRELOAD='$work/it'\\''s-a-\$lib.so'"

# --containerfile: double quotes with \" \\ \$ escaped; bare when plain.
expect_rc 0 "$BIN" env --containerfile -c '/etc/a "b" $c\d.conf'
expect_out "ENV LD_PRELOAD=\"$work/it's-a-\\\$lib.so\""
expect_out 'ENV GODEBUG=multipathtcp=1'
expect_out 'ENV MPTCPSHIM_CONFIG="/etc/a \"b\" \$c\\d.conf"'
# The image's path need not exist here, but must be absolute.
expect_rc 2 "$BIN" env --containerfile -c rel.conf
expect_out "mptcpshim env: -c rel.conf: give the absolute path inside the image"

# --systemd: one Environment= word each, quoted as systemd reads it.
expect_rc 0 "$BIN" env --systemd -c "$pol"
[ "$(head -n1 <<<"$out")" = "[Service]" ] || bad "no [Service] first: $out"
expect_out "Environment=\"LD_PRELOAD=$work/it's-a-\$lib.so\""
expect_out "Environment=\"MPTCPSHIM_CONFIG=$pol\""

# Refusals: usage errors exit 2, a missing library 1.
expect_rc 2 "$BIN" env -c "$work/none.conf"
expect_out "mptcpshim env: policy file '$work/none.conf': No such file or directory"
expect_rc 2 "$BIN" env --shell --systemd
expect_out "mptcpshim env: choose one of --shell, --systemd, --containerfile, --cdi"
expect_rc 2 "$BIN" env curl wget
expect_out "mptcpshim env: unexpected argument 'wget'"
MPTCPSHIM_LIBRARY=$work/none.so expect_rc 1 "$BIN" env
expect_out "mptcpshim env: cannot find libmptcpshim.so (set MPTCPSHIM_LIBRARY, or reinstall)"

# Values a style cannot write are refused (exit 2), never passed through:
# a line break in a Containerfile value would start a new instruction.
nl='/etc/x
RUN touch /pwned'
expect_rc 2 "$BIN" env --containerfile -c "$nl"
expect_out "mptcpshim env: cannot write MPTCPSHIM_CONFIG safely: a Containerfile has no way to write a line break in a value"
grep -q '^RUN' <<<"$out" && bad "a RUN line came through: $out"
expect_rc 2 "$BIN" env --containerfile -c $'/etc/a\rb.conf'
expect_rc 2 "$BIN" env --containerfile -c $'/etc/a\tb.conf'
expect_out "mptcpshim env: cannot write MPTCPSHIM_CONFIG safely: a Containerfile has no way to write a control character in a value"
nllib="$work/lib
dir.so"
cp "$LIB" "$nllib"
MPTCPSHIM_LIBRARY=$nllib expect_rc 2 "$BIN" env --containerfile
# The shell's quotes and systemd's escapes carry a line break exactly.
nlpol="$work/pol
x.conf"
: >"$nlpol"
expect_rc 0 "$BIN" env --shell -c "$nlpol"
( eval "$out"; [ "$MPTCPSHIM_CONFIG" = "$nlpol" ] || echo "FAIL: config '$MPTCPSHIM_CONFIG'" ) |
	grep FAIL && bad "env does not evaluate back"
expect_rc 0 "$BIN" env --systemd -c "$nlpol"
expect_out "Environment=\"MPTCPSHIM_CONFIG=$work/pol\\x0ax.conf\""
# A space or colon in the library's path splits LD_PRELOAD, in every style.
for style in --shell --systemd --containerfile; do
	cp "$LIB" "$work/a b.so"
	MPTCPSHIM_LIBRARY="$work/a b.so" expect_rc 2 "$BIN" env $style
	expect_out "mptcpshim env: cannot write LD_PRELOAD safely: the dynamic loader splits LD_PRELOAD at spaces and colons"
done

# --shell: every value written, the environment's GODEBUG and LD_PRELOAD
# merged in included, evaluates back to its exact bytes, or env refuses
# (exit 2) the bytes its text output would print escaped (\xNN, which eval
# would set literally): a carriage return, ESC, bytes that are not UTF-8.
for v in $'cr\rx' $'esc\x1b[31m' $'\xff\xfe' $'c1\xc2\x9b'; do
	GODEBUG=$v expect_rc 2 "$BIN" env --shell
	check_contains "GODEBUG $(printf %q "$v"): refused" "cannot write GODEBUG safely" "$out"
done
LD_PRELOAD=$'/x\r.so' expect_rc 2 "$BIN" env --shell
check_contains "an LD_PRELOAD to merge with a CR: refused" "cannot write LD_PRELOAD safely" "$out"
crpol="$work/cr"$'\r'"x.conf"
: >"$crpol"
expect_rc 2 "$BIN" env --shell -c "$crpol"
check_contains "a policy path with a CR: refused" "cannot write MPTCPSHIM_CONFIG safely" "$out"
expect_rc 0 "$BIN" env --systemd -c "$crpol"
expect_out "Environment=\"MPTCPSHIM_CONFIG=$work/cr\\x0dx.conf\""
for v in $'tab\tx' $'nl\nx' "q'\$(x)\`y\`\\ %h" 'é'; do
	GODEBUG=$v expect_rc 0 "$BIN" env --shell
	check "GODEBUG $(printf %q "$v") evaluates back" "$v,multipathtcp=1" \
		"$(env -i bash -c "$out"'; printf %s "$GODEBUG"')"
done

finish
