#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The bash completion offers every subcommand and every long option each
# subcommand's --help lists (so the two cannot drift), completes files,
# directories and the command given to run/doctor, and covers mptcpize.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
# Completion functions return nonzero as a matter of course.
set +e
: "${MPTCPSHIM_BIN:?}" "${COMPLETION:?}"

bash -n "$COMPLETION" || { echo "FAIL: syntax" >&2; exit 1; }
. "$COMPLETION"

# complete_line WORDS...: COMPREPLY for the last word, via the registered
# function of the first word.
complete_line() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	case $1 in
	mptcpshim) _mptcpshim ;;
	mptcpize) _mptcpize ;;
	esac
	printf '%s\n' "${COMPREPLY[@]}"
}

expect() {	# expect DESCRIPTION WORD OUTPUT
	if grep -qx -- "$2" <<<"$3"; then
		ok "$1"
	else
		bad "$1: '$2' not offered (got: $(echo $3))"
	fi
}

refuse() {	# refuse DESCRIPTION WORD OUTPUT
	if grep -qx -- "$2" <<<"$3"; then
		bad "$1: '$2' offered"
	else
		ok "$1"
	fi
}

subs=$("$MPTCPSHIM_BIN" --help | awk '/^Commands:/ { on = 1; next }
	on && !NF { exit } on { print $1 }')
[ -n "$subs" ] || { echo "FAIL: no subcommands in --help" >&2; exit 1; }
for sub in $subs; do
	expect "subcommand $sub" "$sub" "$(complete_line mptcpshim "")"
	help=$("$MPTCPSHIM_BIN" "$sub" --help 2>&1)
	offered=$(complete_line mptcpshim "$sub" -)
	if [ "$sub" = policy ]; then
		offered=$(for v in check explain show compile; do
			complete_line mptcpshim policy "$v" -; done)
	fi
	for opt in $(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u); do
		expect "$sub $opt" "$opt" "$offered"
	done
done

tmp=$T_TMP
touch "$tmp/policy.conf"
mkdir "$tmp/root.d"
expect "run -c completes files" "$tmp/policy.conf" \
	"$(complete_line mptcpshim run -c "$tmp/pol")"
expect "run --stats-file completes files" "$tmp/policy.conf" \
	"$(complete_line mptcpshim run --stats --stats-file "$tmp/p")"
expect "enable --root completes directories" "$tmp/root.d" \
	"$(complete_line mptcpshim enable --root "$tmp/ro")"
expect "run completes the command" bash \
	"$(complete_line mptcpshim run --stats bas)"
expect "run -- completes the command" bash \
	"$(complete_line mptcpshim run -- bas)"
refuse "run after -c is not a command" bash \
	"$(complete_line mptcpshim run -c bas)"
expect "doctor completes the command" bash \
	"$(complete_line mptcpshim doctor --json bas)"
expect "the command's own arguments are files" "$tmp/policy.conf" \
	"$(complete_line mptcpshim run bash "$tmp/po")"
refuse "mib --count takes a number" --json \
	"$(complete_line mptcpshim mib --count "")"
expect "run --route VALUE" seccomp "$(complete_line mptcpshim run --route se)"
expect "run --route=VALUE" preload "$(complete_line mptcpshim run --route = p)"
expect "run --route=VALUE then the command" bash \
	"$(complete_line mptcpshim run --route = seccomp bas)"
expect "mptcpize run" run "$(complete_line mptcpize r)"
expect "mptcpize run -d" -d "$(complete_line mptcpize run -)"
expect "mptcpize run CMD" bash "$(complete_line mptcpize run -d bas)"
expect "endpoints offers auto" auto "$(complete_line mptcpshim endpoints "")"
auto_help=$("$MPTCPSHIM_BIN" endpoints auto --help)
for opt in $(grep -o -- '--[a-z][a-z-]*' <<<"$auto_help" | sort -u); do
	expect "endpoints auto $opt" "$opt" \
		"$(complete_line mptcpshim endpoints auto -)"
done
expect "endpoints auto --role" server \
	"$(complete_line mptcpshim endpoints auto --role s)"
expect "conns -- completes the command" bash \
	"$(complete_line mptcpshim conns --json -- bas)"

finish
