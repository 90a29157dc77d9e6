#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# `doctor CMD` on programs LD_PRELOAD cannot act on, each told with its
# fix: an executable that is no ELF for this machine (WARN), a 32-bit
# ELF the 64-bit shim is skipped for (FAIL, exit 1), a script whose
# interpreter is missing (WARN). The host's MPTCP state is not asserted.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
set +e
BIN=${MPTCPSHIM_BIN:?}
work=$T_TMP
unset MPTCPSHIM_CONFIG LD_PRELOAD

# has_check ID STATUS MESSAGE-PART: the JSON in $out has such a check
# (with a fix unless it passed).
has_check() {
	"$PY" - "$1" "$2" "$3" "$out" <<'PY' || bad "no $1 $2 check with '$3' in: $out"
import json, sys
want_id, want_status, part, text = sys.argv[1:5]
checks = json.loads(text)["checks"]
sys.exit(0 if any(c["id"] == want_id and c["status"] == want_status and
		  part in c["message"] and
		  (want_status == "PASS" or c.get("fix")) for c in checks) else 1)
PY
}

# Bytes with no ELF magic and no '#!': not an ELF for this machine.
printf 'MZ\220\0 not an elf\n' >"$work/junk"
chmod +x "$work/junk"
out=$("$BIN" doctor --json "$work/junk" 2>/dev/null)
has_check binary WARN "$work/junk is not an ELF executable for this machine"

# An ELF32 header for i386 (ET_EXEC): the loader skips a 64-bit shim.
"$PY" - "$work/elf32" <<'PY'
import struct, sys
ident = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)
hdr = ident + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, 0, 0, 0, 0, 52, 32, 0,
			  40, 0, 0)
open(sys.argv[1], "wb").write(hdr + bytes(64))
PY
chmod +x "$work/elf32"
rc=0
out=$("$BIN" doctor --json "$work/elf32" 2>/dev/null) || rc=$?
if [ "$(getconf LONG_BIT)" = 64 ]; then
	check "doctor on a 32-bit program exits 1" 1 "$rc"
	has_check binary FAIL "$work/elf32 is a 32-bit program (machine 3); the shim is 64-bit"
fi

# A script whose interpreter does not exist: said, with the fix.
printf '#!%s/no-such-interpreter -x\necho hi\n' "$work" >"$work/script"
chmod +x "$work/script"
out=$("$BIN" doctor --json "$work/script" 2>/dev/null)
has_check interpreter WARN "cannot find the interpreter of the script (#!$work/no-such-interpreter -x)"
# A script of a script: each interpreter named, the last one checked.
printf '#!%s/script\n' "$work" >"$work/outer"
printf '#!/bin/sh\n' >"$work/script"
chmod +x "$work/outer"
out=$("$BIN" doctor --json "$work/outer" 2>/dev/null)
has_check interpreter PASS "a script: $work/script runs it"
has_check interpreter PASS "a script: /bin/sh runs it"

finish
