#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fuzzing, races with policy changes and fault injection on the query
# files; one TAP line each. Run by check-debug.sh under a debug kernel.
. /rig/tap.sh
SEED=${SEED:-$(date +%s)}
FUZZ_COUNT=${FUZZ_COUNT:-1000000}
tap_plan 4
cat >/tmp/dq.sd <<'P'
abi <abi/3.0>,
profile dq_client { file, dbus send bus=session member={Hello,Ping}, }
profile dq_service { file, dbus receive bus=session, }
profile dq_all { file, dbus, }
profile :dq_ns:dq_child { file, dbus send bus=session, }
P
apparmor_parser -r /tmp/dq.sd || { echo "Bail out! policy"; exit 1; }

echo "# fuzz seed $SEED (set SEED= to replay)"
out=$(/rig/fuzz-query $((FUZZ_COUNT / 2)) $SEED 1 2>&1); rc=$?
echo "$out" | sed 's/^/# /'
[ $rc = 0 ] && tap_ok "fuzz, one thread" || tap_not_ok "fuzz, one thread"
out=$(/rig/fuzz-query $((FUZZ_COUNT / 2)) $((SEED + 1)) 4 2>&1); rc=$?
echo "$out" | sed 's/^/# /'
[ $rc = 0 ] && tap_ok "fuzz, four threads" || tap_not_ok "fuzz, four threads"

# Races: queries from 3 threads while the profiles flip between a policy
# that allows Hello and one that does not, and are removed and reloaded.
cat >/tmp/race-a.sd <<'P'
abi <abi/3.0>,
profile race_p { dbus send bus=session member=Hello, }
profile :race_ns:race_c { dbus send bus=session member=Hello, }
P
sed 's/member=Hello/member=Ping/' /tmp/race-a.sd >/tmp/race-b.sd
apparmor_parser -r /tmp/race-a.sd
/rig/race-query 20 3 race_p :race_ns:race_c >/tmp/race.out 2>&1 &
race=$!
flips=0
while kill -0 $race 2>/dev/null; do
	apparmor_parser -r /tmp/race-b.sd
	apparmor_parser -r /tmp/race-a.sd
	apparmor_parser -R /tmp/race-a.sd
	apparmor_parser -r /tmp/race-a.sd
	flips=$((flips + 1))
done
wait $race; rc=$?
echo "# $(cat /tmp/race.out); $flips replace/remove/reload cycles"
[ $rc = 0 ] && tap_ok "queries race profile replacement and removal" ||
	tap_not_ok "queries race profile replacement and removal"
apparmor_parser -R /tmp/race-a.sd 2>/dev/null

# Every slab allocation of the test task fails.
F=/sys/kernel/debug/failslab
echo Y >$F/task-filter
# By default failslab spares allocations that may sleep, i.e. nearly all.
echo N >$F/ignore-gfp-wait
echo 100 >$F/probability
echo -1 >$F/times
echo 0 >$F/verbose
out=$(/rig/failslab-query 2000 2>&1); rc=$?
echo 0 >$F/probability
echo "$out" | sed 's/^/# /'
[ $rc = 0 ] && tap_ok "failing allocations give ENOMEM or nothing" ||
	tap_not_ok "failing allocations give ENOMEM or nothing"
apparmor_parser -R /tmp/dq.sd
tap_exit
