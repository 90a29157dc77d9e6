#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The preloaded library carries no CLI-only code: nothing of `policy show`
# or `policy check` (the printers, the walk, the file checks) is linked
# into libmptcpshim.so, only the policy code the hooks call.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
LIB=${MPTCPSHIM_LIB:?}
syms=$(nm "$LIB" 2>&1) || { echo "FAIL: nm $LIB: $syms"; exit 1; }
# The table must be there to be judged: a stripped library proves nothing.
grep -qw policy_decide <<<"$syms" ||
	{ echo "FAIL: no symbol table in $LIB (stripped?)"; exit 1; }
for pattern in 'policy_show' 'show_(ini|json)' 'print_(ini|json)_[a-z_]*' \
	'policy_check_[a-z_]*' 'policy_for_each_[a-z_]*' 'policy_file_safety' \
	'policy_load_stream' 'policy_app_[a-z_]*' 'policy_section_name' \
	'policy_setting_item' 'out_[a-z_]*' 'cli_[a-z_]*' \
	'policy_index_(write|state|fix_header)' 'build_index' \
	'write_atomically'; do
	hits=$(awk '{ print $NF }' <<<"$syms" |
		grep -xE "$pattern(\.[a-z0-9.]*)?" || true)
	check "no CLI-only code in $LIB like $pattern" "" "$(echo $hits)"
done
# The next definitions come from the library's own walk of the symbol
# tables (issue 25): no dlsym() (GLIBC_2.34 on current glibc), and no
# pthread_once() (a futex pair per process).
imports=$(nm -D --undefined-only "$LIB" | awk '{ print $NF }' | sed 's/@.*//')
for name in dlsym dlvsym dladdr pthread_once; do
	check "$LIB does not import $name" "" \
		"$(grep -x "$name" <<<"$imports" || true)"
done
finish
