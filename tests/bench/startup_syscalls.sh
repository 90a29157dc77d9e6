#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# What a process that opens one socket pays the kernel for the shim: its
# one socket() (the first real MPTCP socket doubles as the availability
# probe), the Landlock probe's socket, bind, connect and close (once per
# process: a TCP socket is the only thing that can ask whether the
# process's domain restricts TCP), and no fd-table chunk mapped for a
# socket that needs no full entry.
# Usage: startup_syscalls.sh SHIMBENCH LIBMPTCPSHIM SYSCONFDIR
set -eu
bench=$1 lib=$2 sysconfdir=$3
command -v strace > /dev/null || { echo "skip: strace missing"; exit 77; }
tmp=$(mktemp -d /tmp/mptcpshim-startup.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
: > "$tmp/empty.conf"

# trace NAME ENV...: strace of 'shimbench one' under the shim.
trace() {
	local name=$1
	shift
	env -u LD_PRELOAD -u MPTCPSHIM_CONFIG -u MPTCPSHIM_LOG \
		XDG_CONFIG_HOME="$tmp" "$@" LD_PRELOAD="$lib" \
		strace -f -qq -e trace=socket,mmap,readlink,bind,connect -o "$tmp/$name" "$bench" one
}

fail=0
check() {
	if [ "$2" = "$3" ]; then
		echo "ok: $1"
	else
		echo "FAIL: $1: got '$2', want '$3'"
		fail=1
	fi
}

trace plain MPTCPSHIM_CONFIG="$tmp/empty.conf"
trace nofiles
if grep -q 'socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP) = -1' "$tmp/plain"; then
	echo "skip: MPTCP unavailable here"
	exit 77
fi
check "one socket() for one socket, and the Landlock probe's" \
	"$(grep -c '^[0-9]* *socket(AF_INET' "$tmp/plain")" 2
check "the Landlock probe: one TCP socket, one bind, one connect" \
	"$(grep -c 'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP)' "$tmp/plain") $(grep -c '^[0-9]* *bind(' "$tmp/plain") $(grep -c '^[0-9]* *connect(' "$tmp/plain")" "1 1 1"
check "that socket is MPTCP" \
	"$(grep -c 'socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP) = [0-9]' "$tmp/plain")" 1
# Chunks are 256 KiB (1024 entries x 256 bytes); ld.so maps nothing anonymous
# that large after the program started.
check "no fd-table chunk mapped after the socket" \
	"$(sed -n '/socket(AF_INET/,$p' "$tmp/plain" | grep -c 'mmap(NULL, 262144')" 0

# The program name (readlink /proc/self/exe) matters only to policy files.
check "a policy file: the program name is looked up" \
	"$(grep -c 'readlink("/proc/self/exe"' "$tmp/plain")" 1
if [ -e "$sysconfdir" ]; then
	echo "note: $sysconfdir exists; the no-file case is not checked"
else
	check "no policy file: no readlink of /proc/self/exe" \
		"$(grep -c 'readlink("/proc/self/exe"' "$tmp/nofiles")" 0
	check "no policy file: one socket() for one socket, and the probe's" \
		"$(grep -c '^[0-9]* *socket(AF_INET' "$tmp/nofiles")" 2
fi

# With keepalive, the entry is needed at once: the chunk is mapped then.
printf '[keepalive]\nenabled = true\n' > "$tmp/ka.conf"
trace keepalive MPTCPSHIM_CONFIG="$tmp/ka.conf"
check "keepalive policy: the chunk is mapped (the entry is needed)" \
	"$(sed -n '/socket(AF_INET/,$p' "$tmp/keepalive" | grep -c 'mmap(NULL, 262144')" 1
exit $fail
