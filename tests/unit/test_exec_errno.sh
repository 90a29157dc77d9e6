#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The shim's exec hooks (execvp, execvpe, fexecve, execveat, also with
# AT_EMPTY_PATH) never change what a failed exec tells the program: a
# missing program (ENOENT), a file that is not executable (EACCES), a bad
# descriptor (EINVAL) get the same errno as without the shim.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
set +e
LIB=${MPTCPSHIM_LIB:?}
need_cmd gcc
unset LD_PRELOAD MPTCPSHIM_CONFIG
cd "$T_TMP" || exit 1
gcc -O1 -Wall -Werror -o exec_errno "$(dirname "${BASH_SOURCE[0]}")/exec_errno.c" ||
	{ bad "cannot build exec_errno"; finish; }
printf 'not a program\n' >plain
chmod 644 plain
want="execvp ENOENT
execvpe ENOENT
fexecve EACCES
execveat EACCES
execveat-empty EACCES
fexecve-bad EINVAL"
check "without the shim: the kernel's answers" "$want" "$(./exec_errno plain)"
check "with the shim: the same answers" "$want" \
	"$(LD_PRELOAD=$LIB ./exec_errno plain)"
finish
