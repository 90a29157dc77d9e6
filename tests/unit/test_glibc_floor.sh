#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# One glibc library for every supported image: the preloaded library needs
# no glibc symbol version newer than the floor (2.28: RHEL 8; Debian 11
# and Ubuntu 20.04 have 2.31) and no shared object but libc (and the
# dynamic loader). Read from the library's version needs (readelf -V) and
# its dynamic section, as the loader of an old image would read them.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
LIB=${MPTCPSHIM_LIB:?}
FLOOR=${GLIBC_FLOOR:-2.28}
[ "${INSTRUMENTED:-0}" = 0 ] ||
	skip "a sanitizer or coverage build links its runtime into the library"
fail() { bad "$*"; }

dyn=$(readelf -d "$LIB" 2>&1) || { bad "readelf -d $LIB: $dyn"; finish; }
needed=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<<"$dyn")
grep -qx 'libc.so.6' <<<"$needed" || fail "libc.so.6 is not NEEDED: $(echo $needed)"
while read -r lib; do
	case "$lib" in
	'' | libc.so.6 | ld-linux*.so.*) ;;
	*) fail "NEEDED $lib: an image may not have it (only libc.so.6)" ;;
	esac
done <<<"$needed"

vers=$(readelf -V "$LIB" 2>&1) || { bad "readelf -V $LIB: $vers"; finish; }
# The .gnu.version_r part: "File: libc.so.6 ..." then "Name: GLIBC_2.x".
needs=$(awk '/\.gnu\.version_r/ { r = 1; next } /^Version/ { r = 0 }
	r { for (i = 1; i < NF; i++) {
		if ($i == "File:") file = $(i + 1)
		if ($i == "Name:") print file, $(i + 1) } }' <<<"$vers")
[ -n "$needs" ] || { bad "no version needs in $LIB: $vers"; finish; }
newest=0.0
while read -r file ver; do
	case "$file" in
	libc.so.6 | ld-linux*.so.*) ;;
	*) fail "a version of $file is needed ($ver)" ;;
	esac
	case "$ver" in
	GLIBC_PRIVATE) fail "GLIBC_PRIVATE needed: changes with every glibc" ;;
	GLIBC_ABI_DT_RELR) fail "GLIBC_ABI_DT_RELR needed (glibc 2.36+): linked with -z pack-relative-relocs" ;;
	GLIBC_[0-9]*)
		v=${ver#GLIBC_}
		# sort -V: the larger of the two last.
		if [ "$(printf '%s\n%s\n' "$FLOOR" "$v" | sort -V | tail -n 1)" != "$FLOOR" ]; then
			syms=$(objdump -T "$LIB" | awk -v v="($ver)" '$0 ~ v { print $NF }' | tr '\n' ' ')
			fail "$ver is newer than the floor GLIBC_$FLOOR: $syms"
		fi
		[ "$(printf '%s\n%s\n' "$newest" "$v" | sort -V | tail -n 1)" = "$v" ] && newest=$v
		;;
	*) fail "$ver needed from $file: not a glibc release version" ;;
	esac
done <<<"$needs"
[ "$T_FAILED" = 0 ] &&
	ok "$LIB: NEEDED $(echo $needed); newest version needed GLIBC_$newest (floor GLIBC_$FLOOR)"
finish
