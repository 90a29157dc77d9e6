#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The from-source Containerfile that docs/containers.md shows (for users
# without the Debian packages), built with podman from a clean copy of the
# tree: an unmodified python3 in the image gets an MPTCP socket from the
# ENV lines alone, and the image's mptcpshim runs.
source "$(dirname "$0")/lib.sh"
: "${SRC_DIR:?set by CTest}"
ct_need_image "$CT_BASE12"
DOC=$SRC_DIR/docs/containers.md
# The first dockerfile block after the "**From source**" paragraph.
awk '/^\*\*From source\*\*/ { found = 1 }
	found && /^```dockerfile$/ { inblock = 1; next }
	inblock && /^```$/ { exit }
	inblock { print }' "$DOC" >"$T_TMP/Containerfile"
check "docs/containers.md has the from-source Containerfile" 1 \
	"$(grep -c '^FROM debian:12 AS build$' "$T_TMP/Containerfile")"

CTX=$T_TMP/src
mkdir -p "$CTX"
if git -C "$SRC_DIR" rev-parse --show-toplevel >/dev/null 2>&1; then
	git -C "$SRC_DIR" ls-files -z --cached --others --exclude-standard |
		(cd "$SRC_DIR" && { xargs -0 cp --parents -t "$CTX" 2>/dev/null || true; })
else
	tar -C "$SRC_DIR" --exclude='./build*' --exclude='./obj-*' -cf - . | tar -C "$CTX" -xf -
fi

IMG=localhost/$(ct_name src)
trap 'rc=$?; pm rmi -f "$IMG" >/dev/null 2>&1; ct_cleanup; (exit $rc); t_cleanup' EXIT
start=$SECONDS
# Both stages start FROM debian:12: the local base image stands in for it
# (named in a copy, so that no image of the machine is retagged).
sed "s|^FROM debian:12|FROM $CT_BASE12|" "$T_TMP/Containerfile" >"$T_TMP/Containerfile.local"
pm build --quiet --layers=false --pull=never --network host \
	-f "$T_TMP/Containerfile.local" -t "$IMG" "$CTX" >"$T_TMP/build.log" 2>&1 ||
	{ tail -n 40 "$T_TMP/build.log" >&2; echo "FAIL: podman build" >&2; exit 1; }
echo "podman build (from source): $((SECONDS - start)) s"

PROBE='import socket; s = socket.socket(); print(s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL))'
check "python3 in the image: MPTCP from the ENV lines alone" 262 \
	"$(pm run --rm --network none "$IMG" python3 -c "$PROBE")"
check "without the ENV lines: TCP" 6 \
	"$(pm run --rm --network none -e LD_PRELOAD= "$IMG" python3 -c "$PROBE")"
check "the image's ENV lines are what its mptcpshim env --containerfile prints" \
	"$(grep '^ENV ' "$T_TMP/Containerfile")" \
	"$(pm run --rm --network none "$IMG" sh -c 'env -u LD_PRELOAD -u GODEBUG mptcpshim env --containerfile')"
finish
