#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# After the last container test: remove the shared images (by their exact
# names). MPTCPSHIM_KEEP_IMAGES=1 keeps them for the next run.
source "$(dirname "$0")/lib.sh"
if [ "${MPTCPSHIM_KEEP_IMAGES:-}" = 1 ]; then
	echo "keeping $CT_BASE12 $CT_BUILD13 $CT_BASE11 (MPTCPSHIM_KEEP_IMAGES=1)"
	finish
fi
for image in "$CT_BASE12" "$CT_BUILD13" "$CT_BASE11"; do
	if pm image exists "$image"; then
		pm rmi -f "$image" >/dev/null
	fi
	check "removed $image" 1 "$(pm image exists "$image" || echo 1)"
done
finish
