#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Hostile operands of metrics, check and doctor --bundle (issue 24's
# acceptance): where the output goes (a planted symbolic link, a
# directory, "-", a name tar would take for a remote host, an empty
# directory name), inputs that would hang (a FIFO for --netns), label
# values that must stay distinct, and a JSON document in every outcome.
# No privileges, no traffic beyond a name lookup that fails.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
set +e
: "${MPTCPSHIM_BIN:?set by CTest}"
need_cmd tar gzip
cd "$T_TMP"

# --- doctor --bundle FILE ------------------------------------------------
# A symbolic link at FILE (one another user could plant in a shared
# directory) is replaced, never followed: its target keeps its bytes.
echo precious >victim
ln -s "$T_TMP/victim" link.tgz
expect_rc 0 "$MPTCPSHIM_BIN" doctor --bundle link.tgz --duration 0
check "bundle: the link's target untouched" precious "$(cat victim)"
check "bundle: FILE is now the archive itself" "yes" \
	"$([ ! -L link.tgz ] && tar -tzf link.tgz | grep -q '^mptcpshim-bundle/README.txt$' && echo yes)"
check "bundle: readable by its owner only" 600 "$(stat -c %a link.tgz)"
check "bundle: no temporary file left" "" "$(ls -A | grep '^\.')"
# tar's owner names (the user's login) stay out of the archive.
check "bundle: numeric owners only" "0/0" \
	"$(tar -tvzf link.tgz | awk '{ print $2 }' | sort -u)"

# A directory is a usage error before anything is collected.
mkdir dir.tgz
expect_rc 2 "$MPTCPSHIM_BIN" doctor --bundle dir.tgz --duration 0
check "bundle: a directory stays empty" "" "$(ls -A dir.tgz)"
expect_rc 2 "$MPTCPSHIM_BIN" doctor --bundle "$T_TMP/" --duration 0

# A colon in the name is a file name, not tar's remote host:file.
expect_rc 0 "$MPTCPSHIM_BIN" doctor --bundle host:b.tgz --duration 0
check "bundle: host:b.tgz is a local file" yes \
	"$(tar --force-local -tzf host:b.tgz | grep -q README && echo yes)"

# "-": the archive on standard output; the reproduced program's own
# output goes to standard error so that it cannot corrupt the archive.
"$MPTCPSHIM_BIN" doctor --bundle - --reproduce echo program-output \
	>stdout.tgz 2>stderr.txt
check "bundle -: exit 0" 0 $?
check "bundle -: standard output is the archive" yes \
	"$(tar -tzf stdout.tgz | grep -q '^mptcpshim-bundle/reproduce.txt$' && echo yes)"
check "bundle -: the program's output on stderr" 1 "$(grep -c '^program-output$' stderr.txt)"

# --reproduce with --duration: CMD's time limit (it was ignored, and a
# program that never exits held the bundle forever without a terminal
# to press ^C at). A program ignoring SIGTERM gets SIGKILL.
expect_rc 0 timeout 30 "$MPTCPSHIM_BIN" doctor --bundle lim.tgz --duration 0.3 \
	--reproduce sleep 60
check "bundle: stopped at the limit" "killed by signal 15|stopped at the time limit (--duration 0.3 s)" \
	"$(tar -xzOf lim.tgz mptcpshim-bundle/reproduce.txt | sed -n '2,3p' | paste -sd'|')"
expect_rc 0 timeout 30 "$MPTCPSHIM_BIN" doctor --bundle lim.tgz --duration 0.3 \
	--reproduce sh -c 'trap "" TERM; exec sleep 60'
check "bundle: SIGKILL after the grace" "killed by signal 9" \
	"$(tar -xzOf lim.tgz mptcpshim-bundle/reproduce.txt | sed -n 2p)"

# --- metrics --textfile DIR, --netns ------------------------------------
# An empty DIR is a usage error (it wrote /mptcpshim.prom).
expect_rc 2 "$MPTCPSHIM_BIN" metrics --no-probe --textfile ''
# A FIFO named as the namespace: an error, not a hang (bounded here).
mkfifo fifo
expect_rc 2 timeout 10 "$MPTCPSHIM_BIN" metrics --no-probe --netns "$T_TMP/fifo"
# A link at the file's name is replaced, its target untouched.
mkdir tf
ln -s "$T_TMP/victim" tf/mptcpshim.prom
expect_rc 0 "$MPTCPSHIM_BIN" metrics --no-probe --textfile tf
check "metrics: the link's target untouched" precious "$(cat victim)"
check "metrics: a regular file now" yes \
	"$([ -f tf/mptcpshim.prom ] && [ ! -L tf/mptcpshim.prom ] && echo yes)"

# Two namespace names never share a file ("a b" and "a_b" did). Both
# name this shell's namespace by a link; entering it needs CAP_SYS_ADMIN
# (root in a container, as in the package build, may lack it).
if nsenter --net=/proc/$$/ns/net true 2>/dev/null; then
	ln -s /proc/$$/ns/net "a b"
	ln -s /proc/$$/ns/net "a_b"
	mkdir tf2
	expect_rc 0 "$MPTCPSHIM_BIN" metrics --no-probe --netns "$T_TMP/a b" --textfile tf2
	expect_rc 0 "$MPTCPSHIM_BIN" metrics --no-probe --netns "$T_TMP/a_b" --textfile tf2
	check "metrics: one file per namespace name" 2 "$(ls tf2 | grep -c '\.prom$')"
else
	echo "not checked without CAP_SYS_ADMIN: one file per namespace name"
fi


# --- top --interval: 0 would spin, NaN/inf/negative are no seconds -----
for bad_interval in 0 -1 nan inf 3601 abc ''; do
	expect_rc 2 "$MPTCPSHIM_BIN" top --once --interval "$bad_interval"
done

finish
