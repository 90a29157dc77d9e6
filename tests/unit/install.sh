#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `cmake --install` into a private prefix gives a working product: the
# installed CLI finds the installed library (not the build tree's), the
# mptcpize link works, man pages and completion are in place. Needs no
# network; runs as any user.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
: "${BUILD_DIR:?set by CTest}" "${SOCKPROBE:?set by CTest}"
# Through DESTDIR: a package build configures an absolute sysconfdir
# (/etc), which --prefix alone would install into the host's /etc.
DESTDIR=$T_TMP/dest
prefix=$DESTDIR/opt/mptcpshim-test
DESTDIR=$DESTDIR cmake --install "$BUILD_DIR" --prefix /opt/mptcpshim-test > /dev/null
check "nothing installed outside DESTDIR" "" \
	"$(cd "$DESTDIR" && find . -path ./opt -prune -o -path ./etc -prune -o -print | grep -v '^\.$' || true)"
# The glibc library (the musl build lies below it, in mptcpshim/musl/).
lib=$(find "$prefix" -name libmptcpshim.so -type f -not -path '*/mptcpshim/musl/*' | head -1)
check "library installed" 1 "$([ -n "$lib" ] && echo 1)"
check "CLI installed" 1 "$([ -x "$prefix/bin/mptcpshim" ] && echo 1)"
check "mptcpize is a link to it" mptcpshim "$(readlink "$prefix/bin/mptcpize")"
for page in man1/mptcpshim.1 man5/mptcpshim.conf.5 man8/libmptcpshim.8; do
	check "man page $page" 1 "$([ -f "$prefix/share/man/$page" ] && echo 1)"
done
# (libexecdir: libexec by default, lib/<triplet> in the packages)
check "the seccomp route's launcher, static, in libexecdir/mptcpshim" 1 \
	"$(h=$(find "$prefix" -path '*/mptcpshim/mptcpshim-exec' -type f | head -1)
		[ -x "$h" ] && ! readelf -l "$h" | grep -q INTERP && echo 1)"
check "bash completion" 1 \
	"$([ -f "$prefix/share/bash-completion/completions/mptcpshim" ] && echo 1)"

# The metrics units, shipped (off): service, timer, per-namespace template.
units=$(find "$prefix" -path '*/systemd/system/mptcpshim-metrics*' -printf '%f\n' | sort | tr '\n' ' ')
check "metrics units installed" \
	"mptcpshim-metrics.service mptcpshim-metrics.timer mptcpshim-metrics@.service mptcpshim-metrics@.timer " \
	"$units"
check "the service runs metrics --textfile" 1 \
	"$(grep -c '^ExecStart=/.*/mptcpshim metrics --textfile /' "$(find "$prefix" -name mptcpshim-metrics.service)")"

# Moved away from the build tree, the installed CLI must preload the
# installed library, found relative to itself.
unset MPTCPSHIM_LIBRARY
out=$("$prefix/bin/mptcpshim" run sh -c 'echo "$LD_PRELOAD"')
check "run preloads the installed library" "$(readlink -f "$lib")" "$out"
check "installed shim converts" "inet-stream-0 262" \
	"$("$prefix/bin/mptcpshim" run "$SOCKPROBE" table | head -1)"
check "mptcpize run converts" "inet-stream-0 262" \
	"$("$prefix/bin/mptcpize" run "$SOCKPROBE" table | head -1)"
exported=$(nm -D --defined-only "$lib" | awk '{ print $3 }' | sort | tr '\n' ' ')
# ...and the marker by which a second copy of the library sees the first.
check "only the hooks and the copy marker are exported" \
	"accept accept4 bind close close_range closefrom connect dup dup2 dup3 epoll_ctl execl execle execlp execv execve execveat execvp execvpe fcntl fcntl64 fexecve getsockopt listen mptcpshim_copy_marker posix_spawn posix_spawnp sendmsg sendto setsockopt shutdown socket syscall " \
	"$exported"
check "no inih symbols leak" 0 "$(nm -D "$lib" | grep -c ini_parse || true)"
finish
