#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Under AT_SECURE the program's name comes from its executable, never from
# argv[0] (issue 11): an unprivileged caller must not pick which per-app
# policy applies to a setuid program by `exec -a NAME`. Needs root (setuid
# copies, a private mount namespace over the sysconfdir); the machine's own
# files are never touched. mptcp-facts §9: the probe links the library, as
# the loader ignores LD_PRELOAD for setuid programs.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
set -o pipefail
need_root "needs root"
tmp=$T_TMP
chmod 755 "$tmp"
etc=$tmp/etc
mkdir -p "$etc/mptcpshim/apps.d"
# argv[0] "chosen" and the executable "probe-named" each get a TCP policy.
printf '[app:chosen]\nenabled = false\n' > "$etc/mptcpshim/apps.d/chosen.conf"
printf '[app:probe-named]\nenabled = false\n' > "$etc/mptcpshim/apps.d/probe-named.conf"
chmod -R a+rX "$etc"
for name in probe-plain probe-setuid probe-named; do
	cp "$LINKED_PROBE" "$tmp/$name"
	chmod 755 "$tmp/$name"
done
chmod u+s "$tmp/probe-setuid" "$tmp/probe-named"
# Runs PROBE as uid 65534 with argv[0] ARGV0, the fake sysconfdir mounted.
run() {
	unshare --mount --propagation private sh -c '
		mount --bind "$1" "$2" && exec setpriv --reuid=65534 \
			--regid=65534 --clear-groups bash -c "exec -a $3 $4"' \
		sh "$etc" "$(dirname "$SYSCONF")" "$2" "$1"
}
[ "$(basename "$SYSCONF")" = mptcpshim ] || { echo "unexpected sysconfdir $SYSCONF"; exit 1; }
check "not secure: argv[0] selects [app:chosen]" "secure=0 protocol=6" \
	"$(run "$tmp/probe-plain" chosen)"
check "setuid: argv[0] is ignored" "secure=1 protocol=262" \
	"$(run "$tmp/probe-setuid" chosen)"
check "setuid: the executable's name still selects its policy" \
	"secure=1 protocol=6" "$(run "$tmp/probe-named" chosen)"
finish
