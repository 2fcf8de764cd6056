#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fuzzing, races with policy changes and fault injection on the query
# files; one TAP line each. Run by check-debug.sh under a debug kernel.
. /rig/tap.sh
SEED=${SEED:-$(date +%s)}
FUZZ_COUNT=${FUZZ_COUNT:-1000000}
tap_plan 4
# The policy abi the guest's parser ships last, as the selftests use:
# mainline mediates dbus only for policy with v9 network rules.
abi=$(ls /etc/apparmor.d/abi | grep -E '^[0-9]+\.[0-9]+$' | sort -V | tail -n 1)
cat >/tmp/dq.sd <<P
abi <abi/$abi>,
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

# Races: queries from 3 threads while race-query changes the profiles
# they ask about, one operation at a time (replacements both ways, the
# namespace removed and made again), and checks every answer against the
# policy of the generation it carries.
for who in "p race_p" "c :race_ns:race_c"; do
	set -- $who
	for member in Hello Ping; do
		printf 'abi <abi/%s>,\nprofile %s { dbus send bus=session member=%s, }\n' \
			"$abi" "$2" "$member" >/tmp/race-$1.sd
		apparmor_parser -q -o /tmp/race-$1-$member.bin /tmp/race-$1.sd
	done
done
out=$(/rig/race-query 60 3 /tmp/race-p-Hello.bin /tmp/race-p-Ping.bin \
	/tmp/race-c-Hello.bin /tmp/race-c-Ping.bin 2>&1); rc=$?
echo "$out" | sed 's/^/# /'
[ $rc = 0 ] && tap_ok "every answer matches the policy of its generation" ||
	tap_not_ok "every answer matches the policy of its generation"
apparmor_parser -R /tmp/race-p.sd 2>/dev/null
echo -n ":race_ns:" >/sys/kernel/security/apparmor/.remove 2>/dev/null

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
