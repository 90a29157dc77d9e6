#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# debian/changelog's version follows the project's: CMake's project VERSION
# X.Y.Z is packaged as X.Y.Z-N (N the Debian revision).
set -eu
: "${SRC_DIR:?set by CTest}" "${PROJECT_VERSION:?set by CTest}"
deb=$(sed -n '1s/^mptcpshim (\([^)]*\)).*/\1/p' "$SRC_DIR/debian/changelog")
upstream=${deb%-*}
if [ -z "$deb" ] || [ "$upstream" = "$deb" ]; then
	echo "FAIL: debian/changelog's first line has no 'mptcpshim (X.Y.Z-N)': $(head -n 1 "$SRC_DIR/debian/changelog")" >&2
	exit 1
fi
if [ "$upstream" != "$PROJECT_VERSION" ]; then
	echo "FAIL: debian/changelog says $deb, CMakeLists.txt says $PROJECT_VERSION: add a changelog entry (dch -v $PROJECT_VERSION-1)" >&2
	exit 1
fi
echo "PASS: deb_version ($deb follows $PROJECT_VERSION)"
