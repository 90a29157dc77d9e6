#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The .debs as a Debian user installs them: `apt-get install ./*.deb` in a
# fresh Debian 12 container (its own network namespace; apt reaches the
# archive for the dependencies). Inside: `run` converts a socket, `doctor`
# passes, the policy in /etc is what the library and the CLI read; then
# remove keeps only the conffiles and purge leaves nothing of ours.
source "$(dirname "$0")/lib.sh"
: "${DEB_DIR:?set by CTest}" "${PROJECT_VERSION:?set by CTest}"
ct_need_image "$CT_BASE12"
debs=("$DEB_DIR"/out/libmptcpshim_*.deb "$DEB_DIR"/out/mptcpshim_*.deb
	"$DEB_DIR"/out/mptcpshim-mptcpize_*.deb)
for deb in "${debs[@]}"; do
	[ -f "$deb" ] || ct_skip "no $deb (the ctest fixture deb_build makes it)"
done

C=$(ct_name inst)
ct_start inst 200 -v "$DEB_DIR/out:/debs:ro" "$CT_BASE12" sleep 200
cx() { pm exec "$C" "$@"; }
PROBE='import socket; s = socket.socket(); print(s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL))'
# ours: what of ours find sees; /proc and the mounted /debs are not files
# of the container's.
ours() {
	cx find / -xdev \( -path /proc -o -path /debs -o -path /sys \) -prune -o \
		\( -name '*mptcpshim*' -o -name 'mptcpize*' \) -print | sort
}

check "nothing of ours in the fresh image" "" "$(ours)"
start=$SECONDS
cx sh -c 'export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends \
		/debs/libmptcpshim_*.deb /debs/mptcpshim_*.deb \
		/debs/mptcpshim-mptcpize_*.deb' >"$T_TMP/install.log" 2>&1 ||
	{ cat "$T_TMP/install.log" >&2; echo "FAIL: apt-get install" >&2; exit 1; }
echo "apt-get install ./*.deb: $((SECONDS - start)) s"
for p in libmptcpshim mptcpshim mptcpshim-mptcpize; do
	check "$p installed, version follows the project's" \
		"install ok installed ${PROJECT_VERSION}-1" \
		"$(cx dpkg-query -W -f='${Status} ${Version}' "$p")"
done
check "the packaged CLI says the project's version" "mptcpshim $PROJECT_VERSION" \
	"$(cx mptcpshim --version)"
check "the policy is the library package's conffile" \
	"/etc/mptcpshim/mptcpshim.conf" \
	"$(cx dpkg-query -W -f='${Conffiles}\n' libmptcpshim | awk 'NF { print $1 }')"
check "the library is in the multiarch directory" \
	"/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/libmptcpshim.so" \
	"$(cx dpkg -L libmptcpshim | grep '/libmptcpshim\.so$' | grep -v '/mptcpshim/musl/')"
check "the musl build and the ld.so.preload file the CDI devices mount lie beside it" \
	"/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/mptcpshim/ld.so.preload
/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/mptcpshim/musl/libmptcpshim.so" \
	"$(cx dpkg -L libmptcpshim | grep '/mptcpshim/\(ld\.so\.preload\|musl/libmptcpshim\.so\)$' | sort)"

# --- the installed programs ---------------------------------------------
check "unmodified python3: TCP" 6 "$(cx python3 -c "$PROBE")"
check "mptcpshim run: MPTCP" 262 "$(cx mptcpshim run python3 -c "$PROBE")"
check "mptcpize run (the compatibility link): MPTCP" 262 \
	"$(cx mptcpize run python3 -c "$PROBE")"
doc=$(cx mptcpshim doctor /usr/bin/python3) && rc=0 || rc=$?
echo "$doc"
check "doctor passes in the container" 0 "$rc"
check "doctor: no FAIL line" 0 "$(printf '%s\n' "$doc" | grep -c '^FAIL' || true)"
check "man pages installed" 3 \
	"$(cx sh -c 'ls /usr/share/man/man1/mptcpshim.1.gz /usr/share/man/man5/mptcpshim.conf.5.gz /usr/share/man/man8/libmptcpshim.8.gz' | wc -l)"

# --- the policy in /etc is what both read --------------------------------
contains "policy show reads /etc" "mode = all ; /etc/mptcpshim/mptcpshim.conf:" \
	"$(cx mptcpshim policy show)"
cx sed -i 's/^mode = all$/mode = listed/' /etc/mptcpshim/mptcpshim.conf
line=$(cx grep -n '^mode = listed$' /etc/mptcpshim/mptcpshim.conf | cut -d: -f1)
contains "policy show reflects the edit" \
	"mode = listed ; /etc/mptcpshim/mptcpshim.conf:$line" "$(cx mptcpshim policy show)"
contains "explain cites the edited line" "rule:     /etc/mptcpshim/mptcpshim.conf:$line" \
	"$(cx mptcpshim policy explain python3)"
check "the library obeys the edited policy: python3 stays TCP" 6 \
	"$(cx mptcpshim run python3 -c "$PROBE")"

# --- the relation to Debian's mptcpize package -----------------------------
contains "installing Debian's mptcpize would replace our link package" \
	"Remv mptcpshim-mptcpize" "$(cx apt-get install -s mptcpize 2>&1)"

# --- remove: only the conffiles stay; purge: nothing ---------------------
# Each path as dpkg lists it and as find sees it: Debian 12 merges /usr, so
# a unit listed under /lib/systemd/system is found under /usr/lib/...
cx sh -c 'dpkg -L libmptcpshim mptcpshim mptcpshim-mptcpize | while read -r p; do
	echo "$p"; d=$(readlink -f "$(dirname "$p")") && echo "$d/${p##*/}"
done' | sed 's|^//|/|' | sort -u >"$T_TMP/listed"
check "dpkg -L lists the CLI" 1 "$(grep -cx /usr/bin/mptcpshim "$T_TMP/listed")"
# Paths that dpkg listed and that exist, less the directories every system
# has (/usr/bin, /usr/share/man...): those are not ours.
left() {
	pm exec -i "$C" sh -c 'while read -r p; do
		if [ -d "$p" ]; then
			case "$p" in /etc/mptcpshim*|*/mptcpshim*|*/libmptcpshim*) ;; *) continue ;; esac
		fi
		if [ -e "$p" ] || [ -L "$p" ]; then echo "$p"; fi
	done' <"$T_TMP/listed" | sort
}
check "installed: everything dpkg lists exists" "" \
	"$(pm exec -i "$C" sh -c 'while read -r p; do [ -e "$p" ] || echo "$p"; done' <"$T_TMP/listed")"
# deb-systemd-helper's record of the metrics units is dpkg's kind of
# record (removed by purge, checked below), not a file of the package.
check "installed: find sees no file of ours that dpkg does not list" "" \
	"$(ours | grep -v -e '^/var/lib/dpkg/info/' -e '^/var/lib/systemd/deb-systemd-helper-enabled/mptcpshim-metrics\.' |
		comm -23 - "$T_TMP/listed")"
cx env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq \
	libmptcpshim mptcpshim mptcpshim-mptcpize >"$T_TMP/remove.log" 2>&1 ||
	{ cat "$T_TMP/remove.log" >&2; echo "FAIL: apt-get remove" >&2; exit 1; }
check "remove: only the conffile (and its directory) is left" \
	"/etc/mptcpshim
/etc/mptcpshim/mptcpshim.conf" "$(left)"
# The metrics units' state (deb-systemd-helper) stays until purge, as for
# every Debian package that ships a unit: its postrm purge removes it.
check "remove: find sees only the conffile, the units' state and dpkg's records" \
	"/etc/mptcpshim
/etc/mptcpshim/mptcpshim.conf
/var/lib/systemd/deb-systemd-helper-enabled/mptcpshim-metrics.timer.dsh-also" \
	"$(ours | grep -v '^/var/lib/dpkg/info/')"
check "remove: the edit survived" 1 "$(cx grep -c '^mode = listed$' /etc/mptcpshim/mptcpshim.conf)"
check "remove: libmptcpshim is config-files" "deinstall ok config-files" \
	"$(cx dpkg-query -W -f='${Status}\n' libmptcpshim)"
st=$(cx dpkg-query -W -f='${db:Status-Abbrev}' mptcpshim-mptcpize 2>/dev/null || echo un)
check "remove: mptcpshim-mptcpize (no conffiles, no scripts) is not installed at all" un "${st:0:2}"
# mptcpshim has a postrm (dh_installsystemd's, for the metrics units): dpkg
# keeps it as config-files until purge runs it.
st=$(cx dpkg-query -W -f='${db:Status-Abbrev}' mptcpshim 2>/dev/null || echo un)
check "remove: mptcpshim waits for purge" rc "${st:0:2}"
cx env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq \
	libmptcpshim mptcpshim >"$T_TMP/purge.log" 2>&1 ||
	{ cat "$T_TMP/purge.log" >&2; echo "FAIL: apt-get purge" >&2; exit 1; }
check "purge: nothing dpkg listed is left" "" "$(left)"
check "purge: find sees nothing of ours, not even in dpkg's database" "" "$(ours)"
finish
