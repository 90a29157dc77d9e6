#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# docs/containers.md as users meet it: the first command it shows is
# `podman run --device`; every YAML block parses (the DaemonSet and pods
# cannot be tried here: no Kubernetes); every CDI device it names is one
# `mptcpshim cdi` writes.
source "$(dirname "${BASH_SOURCE[0]}")/../toolkit.sh"
BIN=${MPTCPSHIM_BIN:?}
LIB=${MPTCPSHIM_LIB:?}
DOC=${SRC_DIR:?}/docs/containers.md
fail() { bad "$*"; }

first=$(awk '/^```console/ { on = 1; next } on && /^```/ { exit } on && /^\$ / { print }' "$DOC" |
	grep -m1 -v 'mptcpshim cdi')
case "$first" in
'$ podman run --device mptcpshim.org/mptcp='*) ok "the first command shown: $first" ;;
*) fail "the first command shown is not 'podman run --device ...': $first" ;;
esac

python3 - "$DOC" <<'PY' || bad "YAML blocks of $DOC"
import re, sys, yaml
text = open(sys.argv[1]).read()
blocks = re.findall(r"^```yaml\n(.*?)^```", text, re.S | re.M)
if not blocks:
    sys.exit("FAIL: no YAML block")
bad = 0
for i, b in enumerate(blocks, 1):
    try:
        doc = yaml.safe_load(b)
        print("ok: YAML block %d parses (%s)" % (i, doc.get("kind", "?")))
    except Exception as e:
        print("FAIL: YAML block %d: %s" % (i, e))
        bad = 1
sys.exit(bad)
PY

spec=$("$BIN" cdi -o - --library "$LIB" --policy none) || { bad "mptcpshim cdi"; finish; }
defined=$(sed -n 's/^  - name: "\(.*\)"$/\1/p' <<<"$spec" | sort -u)
for d in $(grep -o 'mptcpshim\.org/mptcp=[a-z-]*' "$DOC" | sed 's/.*=//' | sort -u); do
	if grep -qx "$d" <<<"$defined"; then
		ok "device $d is in the spec"
	else
		fail "the page names device $d, the spec defines: $(echo $defined)"
	fi
done
finish
