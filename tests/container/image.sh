#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# image.sh bookworm|trixie|bullseye: the base image the container tests share,
# built locally (mmdebstrap, then podman import) once per test run.
# MPTCPSHIM_REUSE_IMAGES=1 keeps an image that exists already.
source "$(dirname "$0")/lib.sh"
command -v mmdebstrap >/dev/null || ct_skip "mmdebstrap is not installed"

case "${1:-}" in
bookworm)
	image=$CT_BASE12
	# What a fresh minimal Debian 12 image has, plus python3 for probes.
	include=ca-certificates,curl,python3
	;;
trixie)
	image=$CT_BUILD13
	# Debian 13 with systemd 257 as init and what the project's packages
	# build with (debian/control's Build-Depends).
	include=build-essential,debhelper,cmake,pkg-config,libinih-dev,libmnl-dev,libcap-dev,libcmocka-dev,libevent-dev,musl-tools,systemd,systemd-sysv,python3,python3-yaml,iproute2
	;;
bullseye)
	image=$CT_BASE11
	# Debian 11, glibc 2.31: an image older than the machine that builds
	# the library (the glibc floor, CDI devices). python3 for probes.
	include=python3
	;;
*)
	echo "usage: image.sh bookworm|trixie|bullseye" >&2
	exit 2
	;;
esac

if [ "${MPTCPSHIM_REUSE_IMAGES:-}" = 1 ] && pm image exists "$image"; then
	echo "reusing $image (MPTCPSHIM_REUSE_IMAGES=1)"
	finish
fi
start=$SECONDS
tar=$IMAGE_DIR/$1.tar
mmdebstrap --quiet --variant=minbase --include="$include" "$1" "$tar"
echo "mmdebstrap $1: $((SECONDS - start)) s"
pm import --quiet "$tar" "$image" >/dev/null
rm -f "$tar"
echo "image $image: $((SECONDS - start)) s"
check "podman runs the image" hello "$(pm run --rm --network none "$image" echo hello)"
check "the image is Debian $1" "$1" \
	"$(pm run --rm --network none "$image" sh -c '. /etc/os-release; echo "$VERSION_CODENAME"')"
finish
