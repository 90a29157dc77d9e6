#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# systemd's SocketBindAllow=/SocketBindDeny= against MPTCP (issue 26): the
# rules are a cgroup bind4/bind6 BPF program that matches the transport
# protocol. Measured here with the smallest such program (cgroup_bind.c)
# on a cgroup of a private cgroup2 mount: an MPTCP socket's bind reaches
# the hook through its first subflow, a TCP socket, so a rule naming tcp
# holds MPTCP exactly as TCP and no rule sees protocol 262. enable relies
# on this (no unit needs to keep TCP for these rules); a kernel that
# changes it fails here.
source "$(dirname "$0")/lib.sh"
: "${CGROUP_BIND:?set by CTest}"
NS=$(ns_new cg)
MNT=$T_TMP/cg2
mkdir -p "$MNT"
out=$(nsx "$NS" unshare -m sh -c '
	mount -t cgroup2 none "$1" || { echo "mount=failed"; exit 77; }
	d="$1/mptcpshim-test-$$"
	mkdir "$d" && echo $$ >"$d/cgroup.procs" || { umount "$1"; echo "cgroup=failed"; exit 77; }
	"$2" "$d" 6; rc1=$?
	"$2" "$d" 262; rc2=$?
	echo $$ >"$1/cgroup.procs"; rmdir "$d"; umount "$1"
	[ $rc1 = 0 ] && [ $rc2 = 0 ] || exit 77' sh "$MNT" "$CGROUP_BIND") && rc=0 || rc=$?
echo "$out"
[ "$rc" = 77 ] && skip "no cgroup2 BPF bind hooks here ($out)"
check "a rule on protocol tcp (6) denies TCP and MPTCP binds alike" \
	"tcp4=EPERM mptcp4=EPERM tcp6=EPERM mptcp6=EPERM" "$(sed -n 1p <<<"$out")"
check "no bind is seen as protocol 262" \
	"tcp4=ok mptcp4=ok tcp6=ok mptcp6=ok" "$(sed -n 2p <<<"$out")"
finish
