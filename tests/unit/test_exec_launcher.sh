#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The seccomp route's launcher (cli/mptcpshim_exec.c) on its own: refuses
# a command line the library would not give (127); execs a dynamic target
# as it is, by path (-p) and by descriptor (-f, -F), with the target's exit
# status; names a missing target (127) and one that cannot run (126).
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
set +e
H=${MPTCPSHIM_EXEC:?}
unset LD_PRELOAD MPTCPSHIM_ROUTE MPTCPSHIM_LOG
cd "$T_TMP" || exit 1

for args in "" "-p" "-x a" "-pp a"; do
	# shellcheck disable=SC2086
	expect_rc 127 "$H" $args
	check_contains "launcher refuses '$args'" \
		"mptcpshim-exec: started by libmptcpshim.so only (see libmptcpshim(8))" "$out"
done
expect_rc 4 "$H" -p /bin/sh sh -c 'exit 4'
MPTCPSHIM_LOG=debug expect_rc 4 "$H" -p /bin/sh sh -c 'exit 4'
check_contains "debug: a dynamic target gets no route" \
	"/bin/sh: /bin/sh is dynamically linked: the preload library" "$out"
exec 3</bin/sh
expect_rc 5 "$H" -f 3 sh -c 'exit 5'
expect_rc 6 "$H" -F 3 sh -c 'exit 6'
exec 3<&-
expect_rc 127 "$H" -p "$T_TMP/none" x
check_contains "a missing target" "mptcpshim-exec: $T_TMP/none: No such file or directory" "$out"
printf 'data\n' >plain
chmod 644 plain
expect_rc 126 "$H" -p "$T_TMP/plain" x
check_contains "a target that cannot run" "mptcpshim-exec: $T_TMP/plain: Permission denied" "$out"
exec 4<plain
expect_rc 126 "$H" -f 4 x
check_contains "by descriptor, cannot run" "mptcpshim-exec: 4: Permission denied" "$out"
exec 4<&-
# A static target (busybox-static): the route is started in this process
# and the target runs under its filter with the mark for later execs;
# a launcher started again inside it sees the route already there.
BB=$(command -v busybox)
if [ -n "$BB" ] && file -L "$BB" | grep -q 'statically linked'; then
	MPTCPSHIM_LOG=debug expect_rc 7 "$H" -p "$BB" sh -c \
		'grep Seccomp: /proc/self/status; echo "mark=$MPTCPSHIM_ROUTE"; exit 7'
	check_contains "static target: the route is chosen" \
		"$BB is statically linked: no loader runs a preloaded library (seccomp route)" "$out"
	check_contains "... the target runs under the filter" "Seccomp:	2" "$out"
	check_contains "... with the mark for its own execs" "mark=seccomp" "$out"
	MPTCPSHIM_LOG=debug expect_rc 0 "$H" -p "$BB" sh -c "'$H' -p '$BB' true"
	check_contains "nested: the inner launcher starts no second route" \
		"$BB: already under the seccomp route" "$out"
	# Without privileges the filter needs no_new_privs, which would take
	# a set-id target's privileges: no route (busybox then drops its set-id
	# itself, so only the missing filter is checked).
	# (Run as nobody: its coverage counts cannot be written, no gain.)
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		mkdir "$T_TMP/suid" && chmod 755 "$T_TMP" "$T_TMP/suid"
		cp "$BB" "$T_TMP/suid/bb" && chmod 4755 "$T_TMP/suid/bb"
		MPTCPSHIM_LOG=debug expect_rc 3 setpriv --reuid=65534 --regid=65534 \
			--clear-groups "$H" -p "$T_TMP/suid/bb" sh -c \
			'grep Seccomp: /proc/self/status; exit 3'
		check_contains "set-id target: no route" \
			"gains privileges at exec; no_new_privs would take them: no route" "$out"
		check_contains "... no filter on it" "Seccomp:	0" "$out"
	else
		echo "skip: set-id case needs root and setpriv"
	fi
else
	echo "skip: static cases need busybox-static"
fi
finish
