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
finish
