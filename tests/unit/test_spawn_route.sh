#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# posix_spawn and posix_spawnp under the library (shim/hooks/hooks_exec.c)
# of a static program (busybox-static): the launcher is spawned in its
# place, so the program runs under the seccomp route's filter with the
# route's mark, and its exit status reaches the caller; a relative target
# with file actions is spawned as asked (no route: the actions may move
# its directory); a missing target gets posix_spawn's own ENOENT.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
set +e
LIB=${MPTCPSHIM_LIB:?}
export MPTCPSHIM_EXEC_HELPER=${MPTCPSHIM_EXEC:?}
need_cmd gcc
BB=$(command -v busybox)
{ [ -n "$BB" ] && file -L "$BB" | grep -q 'statically linked'; } ||
	skip "needs busybox-static"
unset LD_PRELOAD MPTCPSHIM_CONFIG MPTCPSHIM_ROUTE MPTCPSHIM_DISABLE
cd "$T_TMP" || exit 1
gcc -O1 -Wall -Werror -o spawn_route "$(dirname "${BASH_SOURCE[0]}")/spawn_route.c" ||
	{ bad "cannot build spawn_route"; finish; }
cmd='grep Seccomp: /proc/self/status; echo "mark=$MPTCPSHIM_ROUTE"; exit 5'
routed=$(printf 'Seccomp:\t2\nmark=seccomp\nrc=0 status=5')
plain=$(printf 'Seccomp:\t0\nmark=\nrc=0 status=5')

check "without the library: no route" "$plain" "$(./spawn_route spawn "$BB" "$cmd")"
check "posix_spawn: the static program under the route" "$routed" \
	"$(LD_PRELOAD=$LIB ./spawn_route spawn "$BB" "$cmd")"
mkdir bin && ln -s "$BB" bin/bbsh
check "posix_spawnp: found on PATH, under the route" "$routed" \
	"$(PATH=$T_TMP/bin:/usr/bin:/bin LD_PRELOAD=$LIB ./spawn_route spawnp bbsh "$cmd")"
check "MPTCPSHIM_DISABLE=1: no route" "$plain" \
	"$(MPTCPSHIM_DISABLE=1 LD_PRELOAD=$LIB ./spawn_route spawn "$BB" "$cmd")"
check "relative target with file actions: spawned as asked" "$plain" \
	"$(LD_PRELOAD=$LIB ./spawn_route spawn-fa bin/bbsh "$cmd")"
check "relative target without file actions: routed" "$routed" \
	"$(LD_PRELOAD=$LIB ./spawn_route spawn bin/bbsh "$cmd")"
check "a missing target: posix_spawn's ENOENT" "rc=No such file or directory status=-1" \
	"$(LD_PRELOAD=$LIB ./spawn_route spawn ./none "$cmd")"
check "posix_spawnp, missing: the same" "rc=No such file or directory status=-1" \
	"$(LD_PRELOAD=$LIB ./spawn_route spawnp no-such-program-here "$cmd")"
finish
