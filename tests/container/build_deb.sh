#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The Debian packages, built the way a distribution builds them
# (dpkg-buildpackage -us -uc -b) from a copy of the source tree, so that its
# build directories never meet the developer's; then lintian over them.
# Leaves the .debs in $DEB_DIR for the container tests (ctest fixture "debs").
set -euo pipefail
: "${SRC_DIR:?set by CTest}" "${DEB_DIR:?set by CTest}"
for tool in dpkg-buildpackage dh lintian; do
	if ! command -v "$tool" >/dev/null; then
		if [ "${CI:-}" = true ]; then
			echo "FAIL: $tool is not installed (tests/packages.txt lists it)" >&2
			exit 1
		fi
		echo "SKIP: $tool is not installed (tests/packages.txt lists it)" >&2
		exit 77
	fi
done

rm -rf "$DEB_DIR"
work=$DEB_DIR/work
mkdir -p "$work/mptcpshim" "$DEB_DIR/out"
# What git knows (tracked, plus new files not ignored), not build trees;
# outside a git checkout, everything but build directories.
if git -C "$SRC_DIR" rev-parse --show-toplevel >/dev/null 2>&1; then
	# Files deleted in the work tree but still tracked are simply absent.
	git -C "$SRC_DIR" ls-files -z --cached --others --exclude-standard |
		(cd "$SRC_DIR" && { xargs -0 cp --parents -t "$work/mptcpshim" 2>/dev/null || true; })
else
	tar -C "$SRC_DIR" --exclude='./build*' --exclude='./obj-*' -cf - . |
		tar -C "$work/mptcpshim" -xf -
fi
[ -f "$work/mptcpshim/debian/rules" ] || { echo "FAIL: no debian/rules copied" >&2; exit 1; }

# The unit tests of the build read the system policy of its prefix, /etc:
# a clean build root has none, and neither does this build (an empty
# /etc/mptcpshim in a private mount namespace) where this machine has one.
isolate=()
if [ -e /etc/mptcpshim ]; then
	if [ "$(id -u)" = 0 ]; then
		isolate=(unshare --mount --propagation private
			sh -c 'mount -t tmpfs tmpfs /etc/mptcpshim && exec "$@"' sh)
	else
		echo "note: /etc/mptcpshim exists; building without the unit tests" >&2
		export DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}"
	fi
fi
start=$SECONDS
(cd "$work/mptcpshim" &&
	DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
		"${isolate[@]}" dpkg-buildpackage -us -uc -b >"$DEB_DIR/build.log" 2>&1) || {
	tail -n 60 "$DEB_DIR/build.log" >&2
	echo "FAIL: dpkg-buildpackage (log: $DEB_DIR/build.log)" >&2
	exit 1
}
echo "dpkg-buildpackage: $((SECONDS - start)) s"
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$DEB_DIR/out/"
rm -rf "$work"

failed=0
for deb in "$DEB_DIR"/out/*.deb; do
	echo "== $(basename "$deb")"
	dpkg-deb -c "$deb" | awk '{ print $1, $NF == "->" ? $(NF-2) : $6, ($(NF-1) == "->" ? "-> " $NF : "") }'
done

# Errors fail the build; warnings are overridden in debian/*.lintian-overrides
# with the reason, so any new one fails too.
start=$SECONDS
if ! lintian --fail-on error,warning --display-info "$DEB_DIR"/out/*.changes \
	>"$DEB_DIR/lintian.log" 2>&1; then
	failed=1
fi
cat "$DEB_DIR/lintian.log"
echo "lintian: $((SECONDS - start)) s"
[ "$failed" = 0 ] || { echo "FAIL: lintian reported errors or warnings" >&2; exit 1; }
echo "PASS: build_deb"
