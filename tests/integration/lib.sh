# SPDX-License-Identifier: BSD-3-Clause
# The namespace tests' entry to tests/toolkit.sh: the shim under test
# (MPTCPSHIM_BIN, SHIM_LIB from CTest) and root, else a skip (77).
# Source it; it sets `set -eu` and the EXIT trap.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
t_use_shim
need_root
