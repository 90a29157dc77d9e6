# SPDX-License-Identifier: BSD-3-Clause
# Podman for the container tests, with the quirks of the test machines
# kept here rather than in the user-facing docs: runc (crun refuses their
# hybrid cgroups), cgroupfs, no default ulimits (root there lacks
# CAP_SYS_RESOURCE; set through a private CONTAINERS_CONF, so that the
# machine's own podman configuration is never touched), images built
# locally (no registry) and never pulled.
# Source it after tests/integration/lib.sh's variables are set by CTest;
# it sources that file too (check, finish, mib, T_TMP, cleanup trap).
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

: "${IMAGE_DIR:?set by CTest: where the container tests keep their state}"
# One image of each per test run, shared by every container test.
CT_BASE12=localhost/mptcpshim-test-base:12
CT_BUILD13=localhost/mptcpshim-test-build:13
CT_BASE11=localhost/mptcpshim-test-base:11
CT_PREFIX="mptcpshim-test-$$"
CT_NAMES=()
CT_NETWORKS=()

# ct_skip MESSAGE: skip (77) where containers cannot run; on CI they must.
ct_skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $1 (CI must run the container tests)" >&2
		exit 1
	fi
	echo "SKIP: $1" >&2
	exit 77
}

command -v podman >/dev/null || ct_skip "podman is not installed"
mkdir -p "$IMAGE_DIR"
# The machine's configuration (podman reads only CONTAINERS_CONF when it is
# set), with default_ulimits = [] added where it has no such key.
CT_CONF=$IMAGE_DIR/containers.conf
ct_write_conf() {
	local src
	for src in /etc/containers/containers.conf /usr/share/containers/containers.conf ""; do
		[ -z "$src" ] || [ -f "$src" ] && break
	done
	if [ -z "$src" ]; then
		printf '[containers]\ndefault_ulimits = []\n'
	elif grep -Eq '^[[:space:]]*default_ulimits[[:space:]]*=' "$src"; then
		cat "$src"
	elif grep -q '^\[containers\]' "$src"; then
		awk '{ print } /^\[containers\]/ && !done { print "default_ulimits = []"; done = 1 }' "$src"
	else
		cat "$src"
		printf '\n[containers]\ndefault_ulimits = []\n'
	fi
}
if [ ! -f "$CT_CONF" ]; then
	ct_write_conf >"$CT_CONF.$$"
	mv "$CT_CONF.$$" "$CT_CONF"
fi
CT_RUNTIME=()
command -v runc >/dev/null && CT_RUNTIME=(--runtime runc)

# pm ARGS...: podman as these tests need it.
pm() {
	CONTAINERS_CONF=$CT_CONF podman "${CT_RUNTIME[@]}" --cgroup-manager cgroupfs "$@"
}

if ! out=$(pm info 2>&1); then
	out=$(printf '%s\n' "$out" | tail -n 1)
	ct_skip "podman cannot run here (podman info failed${out:+: $out})"
fi

ct_cleanup() {
	set +e
	local n
	for n in "${CT_NAMES[@]:-}"; do
		[ -n "$n" ] && pm rm -f -t 0 "$n" >/dev/null 2>&1
	done
	for n in "${CT_NETWORKS[@]:-}"; do
		[ -n "$n" ] && pm network rm -f "$n" >/dev/null 2>&1
	done
}
trap 'rc=$?; ct_cleanup; (exit $rc); t_cleanup' EXIT

# ct_name WORD: a container or network name of this test, removed on exit.
ct_name() { echo "$CT_PREFIX-$1"; }

# ct_start WORD SECONDS PODMAN-RUN-ARGS...: a detached container that podman
# kills after SECONDS at the latest. Registered for removal first, so that
# even a failed start is cleaned up.
ct_start() {
	local name word=$1 secs=$2
	shift 2
	name=$(ct_name "$word")
	CT_NAMES+=("$name")
	pm run -d --name "$name" --timeout "$secs" --stop-timeout 1 "$@" >/dev/null
}

# ct_network WORD SUBNET: an internal network (no route out of it).
ct_network() {
	local name
	name=$(ct_name "$1")
	CT_NETWORKS+=("$name")
	pm network create --internal --subnet "$2" "$name" >/dev/null
}

# ct_need_image IMAGE: the fixture test builds it; without it, skip.
ct_need_image() {
	pm image exists "$1" ||
		ct_skip "no image $1 (the ctest fixture container_images builds it)"
}

# ct_mib CONTAINER NAME: MPTcpExt counter NAME in the container's netns.
ct_mib() {
	pm exec "$1" cat /proc/net/netstat | awk -v name="$2" '
		$1 == "MPTcpExt:" && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$1 == "MPTcpExt:" && hdr { print (name in col) ? $(col[name]) : 0; exit }'
}

# contains DESCRIPTION NEEDLE HAYSTACK
contains() {
	case "$3" in
	*"$2"*) echo "ok: $1" ;;
	*) echo "FAIL: $1: '$2' not in: $3" >&2; T_FAILED=1 ;;
	esac
}
