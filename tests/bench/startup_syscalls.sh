#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# What a process that opens one socket pays the kernel for the shim: its
# one socket() (the first real MPTCP socket doubles as the availability
# probe), the Landlock probe's socket, bind, connect and close (once per
# process: a TCP socket is the only thing that can ask whether the
# process's domain restricts TCP), and no fd-table chunk mapped for a
# socket that needs no full entry.
# Usage: startup_syscalls.sh SHIMBENCH LIBMPTCPSHIM SYSCONFDIR
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
bench=$1 lib=$2 sysconfdir=$3
need_cmd strace
tmp=$T_TMP
: > "$tmp/empty.conf"

# trace NAME ENV...: strace of 'shimbench one' under the shim.
trace() {
	local name=$1
	shift
	env -u LD_PRELOAD -u MPTCPSHIM_CONFIG -u MPTCPSHIM_LOG \
		XDG_CONFIG_HOME="$tmp" "$@" LD_PRELOAD="$lib" \
		strace -f -qq -e trace=socket,mmap,readlink,bind,connect -o "$tmp/$name" "$bench" one
}


trace plain MPTCPSHIM_CONFIG="$tmp/empty.conf"
trace nofiles
if grep -q 'socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP) = -1' "$tmp/plain"; then
	skip "MPTCP unavailable here"
fi
check "one socket() for one socket, and the Landlock probe's" \
	2 "$(grep -c '^[0-9]* *socket(AF_INET' "$tmp/plain")"
check "the Landlock probe: one TCP socket, one bind, one connect" "1 1 1" \
	"$(grep -c 'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP)' "$tmp/plain") $(grep -c '^[0-9]* *bind(' "$tmp/plain") $(grep -c '^[0-9]* *connect(' "$tmp/plain")"
check "that socket is MPTCP" \
	1 "$(grep -c 'socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP) = [0-9]' "$tmp/plain")"
# Chunks are 256 KiB (1024 entries x 256 bytes); ld.so maps nothing anonymous
# that large after the program started.
check "no fd-table chunk mapped after the socket" \
	0 "$(sed -n '/socket(AF_INET/,$p' "$tmp/plain" | grep -c 'mmap(NULL, 262144')"

# The program name (readlink /proc/self/exe) matters only to policy files.
check "a policy file: the program name is looked up" \
	1 "$(grep -c 'readlink("/proc/self/exe"' "$tmp/plain")"
if [ -e "$sysconfdir" ]; then
	echo "note: $sysconfdir exists; the no-file case is not checked"
else
	check "no policy file: no readlink of /proc/self/exe" \
		0 "$(grep -c 'readlink("/proc/self/exe"' "$tmp/nofiles")"
	check "no policy file: one socket() for one socket, and the probe's" \
		2 "$(grep -c '^[0-9]* *socket(AF_INET' "$tmp/nofiles")"
fi

# With keepalive, the entry is needed at once: the chunk is mapped then.
printf '[keepalive]\nenabled = true\n' > "$tmp/ka.conf"
trace keepalive MPTCPSHIM_CONFIG="$tmp/ka.conf"
check "keepalive policy: the chunk is mapped (the entry is needed)" \
	1 "$(sed -n '/socket(AF_INET/,$p' "$tmp/keepalive" | grep -c 'mmap(NULL, 262144')"
finish
