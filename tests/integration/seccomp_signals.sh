#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Signals against the seccomp route (issue 20, items 2 and 4), with a
# -static program only the route reaches:
# - socket() gives EINTR only where the kernel cannot help it: a 50 us
#   SIGALRM without SA_RESTART hits 20,000 trapped calls. Before the fix
#   (no SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, poll then receive) about
#   70 % of them failed with EINTR under --stats (28 % without); since,
#   only a signal that lands before the supervisor has taken the
#   notification can do it (9-19 % here, the kernel's -ERESTARTSYS on a
#   handler without SA_RESTART; documented in libmptcpshim(8)).
# - a stop/continue storm of the program and of the supervisor never
#   leaves a socket TCP, never hands the program a descriptor that is no
#   socket (before: 3,481 of 20,000 socket() calls returned fd 0, its
#   stdin), and counts no creation fallback that did not happen.
. "$TESTS_DIR/lib.sh"

cd "$T_TMP"
chmod 755 "$T_TMP"
gcc -static -O1 -Wall -Werror -o seccomp_storm "$TESTS_DIR/seccomp_storm.c"
printf '[global]\nmode = all\n' >policy.conf
chmod 644 policy.conf
RUN=("$MPTCPSHIM_BIN" run -c "$T_TMP/policy.conf")
NS=$(ns_new sig)
N=20000

field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }

# --- EINTR ---------------------------------------------------------------
out=$(nsx "$NS" ./seccomp_storm eintr $N)
check "without the route: no EINTR (the kernel never gives one)" 0 "$(field eintr <<<"$out")"
check_ge "without the route: the storm is a storm (>= 1000 alarms)" 1000 "$(field alarms <<<"$out")"
out=$(nsx "$NS" "${RUN[@]}" --stats -- ./seccomp_storm eintr $N 2>/dev/null | grep '^eintr')
echo "route: $out"
eintr=$(field eintr <<<"$out")
check_ge "route: at least 1000 alarms during the calls" 1000 "$(field alarms <<<"$out")"
# The bound separates the two designs (70 % before, 9-19 % after on this
# kind of machine); it is no goal: the goal is the kernel's own window.
check_ge "route: EINTR in under 30 % of the calls (was ~70 %)" "$eintr" $((N * 30 / 100))
check "route: every call that succeeded is MPTCP" $((N - eintr)) "$(field mptcp <<<"$out")"

# --- stop/continue -----------------------------------------------------------
# sup_pid: the supervisor of this run, the one in NS.
sup_pid() { ns_supervisors "$NS"; }
ip netns exec "$NS" timeout 120 "${RUN[@]}" --stats --json -- \
	./seccomp_storm stopcont $N >storm.out 2>storm.json &
RUNPID=$!
T_PIDS+=("$RUNPID")
for i in $(seq 1 100); do SUP=$(sup_pid); [ -n "$SUP" ] && break; sleep 0.05; done
check "a supervisor to stop" 1 "$(wc -w <<<"$SUP")"
end=$((SECONDS + 90))
stops=0
while kill -0 "$RUNPID" 2>/dev/null && [ $SECONDS -lt $end ]; do
	kill -STOP "$SUP" 2>/dev/null || break
	kill -CONT "$SUP" 2>/dev/null
	stops=$((stops + 1))
done
kill -CONT "$SUP" 2>/dev/null || true
wait "$RUNPID" || true
out=$(grep '^stopcont' storm.out)
echo "stop/continue ($stops of the supervisor): $out"
check_ge "the supervisor was stopped and continued often" 100 "$stops"
check "stop/continue: every socket MPTCP" $N "$(field mptcp <<<"$out")"
check "stop/continue: none TCP" 0 "$(field tcp <<<"$out")"
check "stop/continue: no socket() failed" 0 "$(field failed <<<"$out")"
check "stop/continue: no socket() returned a descriptor that is no socket (fd 0)" 0 \
	"$(field notsock <<<"$out")"
check "--stats: no creation fallback counted" 1 \
	"$(grep -c "\"sockets\":$N,\"converted\":$N,\"kept_tcp\":0,\"kept_tcp_reasons\":{},\"creation_fallbacks\":0," storm.json)"

finish
